package protocol

import (
	"fmt"
	"math"

	"github.com/tinymmo/tinymmo/internal/wire"
)

// EventKind says what happened in an Event.
type EventKind uint8

// The events. Each names its Subject: the client's own player (0) or an
// entity it knows (its handle + 1).
const (
	// EventAction: the subject began Ability, aimed at Aim; others play
	// its animation.
	EventAction EventKind = 1
	// EventShot: the subject fired projectile ID of Ability from (X, Y)
	// along Aim. The client flies it with the shared rules
	// (rules.NewProjectile) until a wall, its lifetime or a Hit naming
	// it ends it.
	EventShot EventKind = 2
	// EventHit: the subject lost Amount health, to projectile ID (0: not
	// a projectile).
	EventHit EventKind = 3
	// EventHeal: the subject gained Amount health.
	EventHeal EventKind = 4
	// EventDeath: the subject died.
	EventDeath EventKind = 5
	// EventRespawn: the subject came back to life.
	EventRespawn EventKind = 6
	// EventLevelUp: the subject reached level Amount.
	EventLevelUp EventKind = 7
	// EventRefused: the world refused the client's own Ability, for
	// Reason. Its subject is always the client (0).
	EventRefused EventKind = 8
	// EventTelegraph: the subject will strike with Ability everything
	// within Amount subpixels of (X, Y) in Ticks ticks.
	EventTelegraph EventKind = 9
)

// Reason is why an action was refused (EventRefused).
type Reason uint8

// The reasons.
const (
	ReasonCooldown Reason = 1 // the ability is cooling down
	ReasonMana     Reason = 2 // not enough mana
	ReasonDead     Reason = 3 // the player is dead
	ReasonRange    Reason = 4 // the target is too far
	ReasonSight    Reason = 5 // a wall stands between the player and the target
	ReasonTarget   Reason = 6 // the target is unknown, dead or not an ally
	ReasonAbility  Reason = 7 // the class has no such ability
)

// String returns the reason as a player reads it.
func (r Reason) String() string {
	switch r {
	case ReasonCooldown:
		return "not ready yet"
	case ReasonMana:
		return "not enough mana"
	case ReasonDead:
		return "you are dead"
	case ReasonRange:
		return "out of range"
	case ReasonSight:
		return "not in sight"
	case ReasonTarget:
		return "no valid target"
	case ReasonAbility:
		return "no such ability"
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}

// Event is something that happened in a tick that a client shows but
// cannot step by itself. Which fields it carries depends on Kind (see
// the constants); the others are zero.
type Event struct {
	Kind EventKind
	// Subject is 0 for the client's own player, or an entity's handle + 1.
	Subject uint32
	// Ability is a rules.AbilityID.
	Ability uint8
	Aim     uint8
	// ID names a projectile (EventShot, EventHit).
	ID   uint32
	X, Y int32
	// Amount is the health lost or gained, the level reached, or a
	// telegraph's radius.
	Amount uint32
	Reason Reason
	// Ticks is how long until a telegraphed strike.
	Ticks uint32
}

// OfHandle returns the Subject that names the entity with handle h.
func OfHandle(h uint32) uint32 { return h + 1 }

func appendEvent(b []byte, e Event) []byte {
	b = append(b, uint8(e.Kind))
	if e.Kind == EventRefused {
		return append(b, e.Ability, uint8(e.Reason))
	}
	b = wire.AppendUvarint(b, uint64(e.Subject))
	switch e.Kind {
	case EventAction:
		b = append(b, e.Ability, e.Aim)
	case EventShot:
		b = append(b, e.Ability, e.Aim)
		b = wire.AppendUvarint(b, uint64(e.ID))
		b = wire.AppendVarint(b, int64(e.X))
		b = wire.AppendVarint(b, int64(e.Y))
	case EventHit:
		b = wire.AppendUvarint(b, uint64(e.Amount))
		b = wire.AppendUvarint(b, uint64(e.ID))
	case EventHeal, EventLevelUp:
		b = wire.AppendUvarint(b, uint64(e.Amount))
	case EventTelegraph:
		b = append(b, e.Ability)
		b = wire.AppendVarint(b, int64(e.X))
		b = wire.AppendVarint(b, int64(e.Y))
		b = wire.AppendUvarint(b, uint64(e.Amount))
		b = wire.AppendUvarint(b, uint64(e.Ticks))
	}
	return b
}

func decodeEvent(r *wire.Reader) (Event, error) {
	e := Event{Kind: EventKind(r.U8())}
	if e.Kind == EventRefused {
		e.Ability, e.Reason = r.U8(), Reason(r.U8())
		if err := r.Err(); err != nil {
			return e, err
		}
		if e.Reason < ReasonCooldown || e.Reason > ReasonAbility {
			return e, fmt.Errorf("refusal reason %d unknown", e.Reason)
		}
		return e, nil
	}
	subject := r.Uvarint()
	var id, amount, ticks uint64
	var x, y int64
	switch e.Kind {
	case EventAction:
		e.Ability, e.Aim = r.U8(), r.U8()
	case EventShot:
		e.Ability, e.Aim = r.U8(), r.U8()
		id, x, y = r.Uvarint(), r.Varint(), r.Varint()
	case EventHit:
		amount, id = r.Uvarint(), r.Uvarint()
	case EventHeal, EventLevelUp:
		amount = r.Uvarint()
	case EventDeath, EventRespawn:
	case EventTelegraph:
		e.Ability = r.U8()
		x, y, amount, ticks = r.Varint(), r.Varint(), r.Uvarint(), r.Uvarint()
	default:
		if r.Err() == nil {
			return e, fmt.Errorf("event kind %d unknown", e.Kind)
		}
	}
	if err := r.Err(); err != nil {
		return e, err
	}
	switch {
	case subject > MaxHandle+1:
		return e, fmt.Errorf("event subject %d over %d", subject, MaxHandle+1)
	case id > math.MaxUint32 || amount > math.MaxUint32 || ticks > math.MaxUint32:
		return e, fmt.Errorf("event %d: a number overflows uint32", e.Kind)
	case x < math.MinInt32 || x > math.MaxInt32 || y < math.MinInt32 || y > math.MaxInt32:
		return e, fmt.Errorf("event %d: position overflows int32", e.Kind)
	}
	e.Subject, e.ID, e.Amount, e.Ticks, e.X, e.Y = uint32(subject), uint32(id), uint32(amount), uint32(ticks), int32(x), int32(y)
	return e, nil
}
