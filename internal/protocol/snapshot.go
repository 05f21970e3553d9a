package protocol

import (
	"errors"
	"fmt"
	"math"

	"github.com/tinymmo/tinymmo/internal/wire"
)

// Replication limits.
const (
	// MaxHandle is the largest entity handle. Handles are small numbers a
	// world assigns per client, reusing the lowest free one, so they stay
	// one or two bytes on the wire.
	MaxHandle = 1<<16 - 1
	// MaxSnapshotEntries caps each list in a Snapshot.
	MaxSnapshotEntries = 4096
	// MaxProps caps the properties of one entity in one list entry.
	MaxProps = 32
	// MaxPropText caps a text property's length in bytes.
	MaxPropText = 64
)

// PropID names a replicated property. IDs are stable: a property keeps its
// ID and codec forever, and a new property takes a new ID. A receiver skips
// a property whose ID it does not know, using the wire type carried in the
// key, so older clients tolerate newer worlds.
type PropID uint16

// Replicated properties and their codecs.
const (
	PropX      PropID = 1  // varint: position X in subpixels (1/16 px)
	PropY      PropID = 2  // varint: position Y in subpixels
	PropDir    PropID = 3  // uvarint 0..8: the Direction the entity moves in each tick
	PropSpeed  PropID = 4  // uvarint: subpixels per tick along an axis
	PropFacing PropID = 5  // uvarint 0..255: like Input.Aim
	PropAnim   PropID = 6  // uvarint: an Anim
	PropHP     PropID = 7  // uvarint: health
	PropMaxHP  PropID = 8  // uvarint: maximum health
	PropMP     PropID = 9  // uvarint: mana
	PropMaxMP  PropID = 10 // uvarint: maximum mana
	PropName   PropID = 11 // text: display name
	PropSprite PropID = 12 // uvarint: a Sprite
	PropLevel  PropID = 13 // uvarint: level
	PropXP     PropID = 14 // uvarint: experience towards the next level (own vitals only)
)

// Anim is an entity's animation state.
type Anim uint8

// Animation states.
const (
	AnimIdle Anim = iota
	AnimWalk
	AnimAttack
	AnimDead
)

// Sprite is what an entity looks like: a player class or an NPC kind.
type Sprite uint8

// HostileNPC reports whether s is one of the NPC kinds that fight.
func (s Sprite) HostileNPC() bool { return s >= SpriteRat && s <= SpriteBoneLord }

// Sprites.
const (
	SpriteKnight Sprite = iota
	SpriteRogue
	SpriteWizard
	SpriteRat
	SpriteWolf
	SpriteSkeleton
	SpriteSlime
	SpriteGoblinArcher
	SpriteBoneLord
	SpriteVillager
	SpriteElder
)

// PropType is a property's wire type, carried in the low two bits of its key.
type PropType uint8

// Wire types.
const (
	PropUvarint PropType = 0 // an unsigned LEB128 varint
	PropVarint  PropType = 1 // a zigzag varint
	PropText    PropType = 2 // a string: uvarint length, then UTF-8 bytes
)

// Type returns id's wire type, and false for an ID this version does not
// know.
func (id PropID) Type() (PropType, bool) {
	switch id {
	case PropX, PropY:
		return PropVarint, true
	case PropDir, PropSpeed, PropFacing, PropAnim, PropHP, PropMaxHP, PropMP, PropMaxMP, PropSprite, PropLevel, PropXP:
		return PropUvarint, true
	case PropName:
		return PropText, true
	}
	return 0, false
}

// Prop is one property value. Value holds the number of a uvarint or varint
// property, Text the string of a text property.
type Prop struct {
	ID PropID
	// Type is the wire type. Encoders take it from ID.Type for known IDs;
	// it matters only for an unknown ID carried through unchanged.
	Type  PropType
	Value int64
	Text  string
}

// IntProp returns a numeric property.
func IntProp(id PropID, v int64) Prop {
	t, _ := id.Type()
	return Prop{ID: id, Type: t, Value: v}
}

// TextProp returns a text property.
func TextProp(id PropID, s string) Prop {
	return Prop{ID: id, Type: PropText, Text: s}
}

// EntityProps is a list entry: an entity's handle and some of its properties.
type EntityProps struct {
	Handle uint32
	Props  []Prop
}

// Move says that the entity with Handle moves in Dir from this tick on. It
// is the hot path of replication: while an entity keeps moving the same way
// the client steps it with the shared rules and nothing is sent; a change of
// direction costs one or two bytes.
type Move struct {
	Handle uint32
	Dir    Direction
}

// Snapshot is one tick of a world as one client sees it, relative to what
// that client already has. It is sent every tick.
//
// The world runs a tick as: apply inputs (which set directions), then step
// every entity once with the shared movement rules. A client applies the
// snapshot of tick T to its view as of tick T' < T like this: remove
// Despawns; step every remaining entity T-T'-1 times along its direction;
// apply Moves, then step every entity once (tick T's step); then apply
// Changes and add Spawns, which hold the state at the end of tick T.
type Snapshot struct {
	// Tick is the player's tick after this step: one more than the
	// previous Snapshot's (or the Welcome's or MapChange's) Tick.
	Tick uint32
	// HasAck reports whether Ack is set: the Seq of the Input the world
	// applied at this Tick (it is in force from Tick on). It is sent only
	// in the snapshot of the tick that applied an input.
	HasAck bool
	Ack    uint32
	// HasOwn reports whether the player's own position changed since the
	// last one this client was sent (by Welcome, MapChange or a Snapshot);
	// OwnDX and OwnDY are the change, in subpixels.
	HasOwn       bool
	OwnDX, OwnDY int32
	// Despawns lists handles of entities that left the client's view. A
	// handle may be reused by a spawn in the same snapshot.
	Despawns []uint32
	// Spawns lists entities that entered the view, with every property.
	Spawns []EntityProps
	// Moves lists direction changes.
	Moves []Move
	// Changes lists other property changes.
	Changes []EntityProps
	// Vitals lists the player's own properties that changed: PropHP,
	// PropMaxHP, PropMP, PropMaxMP, PropLevel and PropXP.
	Vitals []Prop
	// Events lists what happened this tick that the client shows but
	// cannot step: actions, shots, hits, deaths (see EventKind).
	Events []Event
}

// snapshot flags: which optional parts follow the tick. Other bits are
// reserved and must be zero.
const (
	snapAck      = 1 << 0
	snapOwn      = 1 << 1
	snapDespawns = 1 << 2
	snapSpawns   = 1 << 3
	snapMoves    = 1 << 4
	snapChanges  = 1 << 5
	snapVitals   = 1 << 6
	snapEvents   = 1 << 7
	snapDefined  = 1<<8 - 1
)

// Type returns TypeSnapshot.
func (Snapshot) Type() Type { return TypeSnapshot }

// Append appends the encoded Snapshot to b.
func (m Snapshot) Append(b []byte) []byte {
	var flags uint8
	if m.HasAck {
		flags |= snapAck
	}
	if m.HasOwn {
		flags |= snapOwn
	}
	if len(m.Despawns) > 0 {
		flags |= snapDespawns
	}
	if len(m.Spawns) > 0 {
		flags |= snapSpawns
	}
	if len(m.Moves) > 0 {
		flags |= snapMoves
	}
	if len(m.Changes) > 0 {
		flags |= snapChanges
	}
	if len(m.Vitals) > 0 {
		flags |= snapVitals
	}
	if len(m.Events) > 0 {
		flags |= snapEvents
	}
	b = wire.AppendU8(b, uint8(TypeSnapshot))
	b = wire.AppendUvarint(b, uint64(m.Tick))
	b = wire.AppendU8(b, flags)
	if m.HasAck {
		b = wire.AppendUvarint(b, uint64(m.Ack))
	}
	if m.HasOwn {
		b = wire.AppendVarint(b, int64(m.OwnDX))
		b = wire.AppendVarint(b, int64(m.OwnDY))
	}
	if len(m.Despawns) > 0 {
		b = wire.AppendUvarint(b, uint64(len(m.Despawns)))
		for _, h := range m.Despawns {
			b = wire.AppendUvarint(b, uint64(h))
		}
	}
	if len(m.Spawns) > 0 {
		b = appendEntityProps(b, m.Spawns)
	}
	if len(m.Moves) > 0 {
		b = wire.AppendUvarint(b, uint64(len(m.Moves)))
		for _, mv := range m.Moves {
			b = wire.AppendUvarint(b, uint64(mv.Handle)<<4|uint64(mv.Dir))
		}
	}
	if len(m.Changes) > 0 {
		b = appendEntityProps(b, m.Changes)
	}
	if len(m.Vitals) > 0 {
		b = AppendProps(b, m.Vitals)
	}
	if len(m.Events) > 0 {
		b = wire.AppendUvarint(b, uint64(len(m.Events)))
		for _, e := range m.Events {
			b = appendEvent(b, e)
		}
	}
	return b
}

func appendEntityProps(b []byte, list []EntityProps) []byte {
	b = wire.AppendUvarint(b, uint64(len(list)))
	for _, e := range list {
		b = wire.AppendUvarint(b, uint64(e.Handle))
		b = AppendProps(b, e.Props)
	}
	return b
}

// AppendProps appends a property list: a count, then each property's key
// (ID<<2 | wire type) and value. A world that sends the same entity to
// many clients may encode its list once with it.
func AppendProps(b []byte, props []Prop) []byte {
	b = wire.AppendUvarint(b, uint64(len(props)))
	for _, p := range props {
		t, ok := p.ID.Type()
		if !ok {
			t = p.Type
		}
		b = wire.AppendUvarint(b, uint64(p.ID)<<2|uint64(t))
		switch t {
		case PropUvarint:
			b = wire.AppendUvarint(b, uint64(p.Value))
		case PropVarint:
			b = wire.AppendVarint(b, p.Value)
		default:
			b = wire.AppendString(b, p.Text)
		}
	}
	return b
}

func decodeSnapshot(payload []byte) (Message, error) {
	r := wire.NewReader(payload)
	var m Snapshot
	tick := r.Uvarint()
	flags := r.U8()
	if err := r.Err(); err != nil {
		return nil, err
	}
	if tick > math.MaxUint32 {
		return nil, fmt.Errorf("tick %d overflows uint32", tick)
	}
	if flags&^snapDefined != 0 {
		return nil, fmt.Errorf("reserved flag bits %#02x set", flags&^snapDefined)
	}
	m.Tick = uint32(tick)
	if flags&snapAck != 0 {
		ack := r.Uvarint()
		if ack > math.MaxUint32 {
			return nil, fmt.Errorf("ack %d overflows uint32", ack)
		}
		m.HasAck, m.Ack = true, uint32(ack)
	}
	if flags&snapOwn != 0 {
		dx, dy := r.Varint(), r.Varint()
		if dx < math.MinInt32 || dx > math.MaxInt32 || dy < math.MinInt32 || dy > math.MaxInt32 {
			return nil, errors.New("own position change overflows int32")
		}
		m.HasOwn, m.OwnDX, m.OwnDY = true, int32(dx), int32(dy)
	}
	var err error
	if flags&snapDespawns != 0 {
		n, err := listLen(r, "despawns")
		if err != nil {
			return nil, err
		}
		m.Despawns = make([]uint32, n)
		for i := range m.Despawns {
			if m.Despawns[i], err = handle(r); err != nil {
				return nil, err
			}
		}
	}
	if flags&snapSpawns != 0 {
		if m.Spawns, err = decodeEntityProps(r, "spawns"); err != nil {
			return nil, err
		}
	}
	if flags&snapMoves != 0 {
		n, err := listLen(r, "moves")
		if err != nil {
			return nil, err
		}
		m.Moves = make([]Move, n)
		for i := range m.Moves {
			v := r.Uvarint()
			h, d := v>>4, Direction(v&0xf)
			if r.Err() == nil && (h > MaxHandle || d > DirNW) {
				return nil, fmt.Errorf("move %#x: handle %d or direction %d out of range", v, h, d)
			}
			m.Moves[i] = Move{Handle: uint32(h), Dir: d}
		}
	}
	if flags&snapChanges != 0 {
		if m.Changes, err = decodeEntityProps(r, "changes"); err != nil {
			return nil, err
		}
	}
	if flags&snapVitals != 0 {
		if m.Vitals, err = DecodeProps(r); err != nil {
			return nil, fmt.Errorf("vitals: %w", err)
		}
		if len(m.Vitals) == 0 {
			return nil, errors.New("vitals: empty list")
		}
	}
	if flags&snapEvents != 0 {
		n, err := listLen(r, "events")
		if err != nil {
			return nil, err
		}
		m.Events = make([]Event, n)
		for i := range m.Events {
			if m.Events[i], err = decodeEvent(r); err != nil {
				return nil, fmt.Errorf("event %d: %w", i, err)
			}
		}
	}
	if err := r.Done(); err != nil {
		return nil, err
	}
	return m, nil
}

// listLen reads a list's length: at least 1 (empty lists are left out
// through the flags, so the encoding stays canonical) and at most
// MaxSnapshotEntries, and no more than the bytes left, since every entry
// takes at least one byte.
func listLen(r *wire.Reader, what string) (int, error) {
	n := r.Uvarint()
	if err := r.Err(); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 || n > MaxSnapshotEntries || n > uint64(r.Len()) {
		return 0, fmt.Errorf("%s: count %d out of range 1..%d", what, n, min(MaxSnapshotEntries, r.Len()))
	}
	return int(n), nil
}

func handle(r *wire.Reader) (uint32, error) {
	h := r.Uvarint()
	if err := r.Err(); err != nil {
		return 0, fmt.Errorf("handle: %w", err)
	}
	if h > MaxHandle {
		return 0, fmt.Errorf("handle %d over %d", h, MaxHandle)
	}
	return uint32(h), nil
}

func decodeEntityProps(r *wire.Reader, what string) ([]EntityProps, error) {
	n, err := listLen(r, what)
	if err != nil {
		return nil, err
	}
	list := make([]EntityProps, n)
	for i := range list {
		if list[i].Handle, err = handle(r); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if list[i].Props, err = DecodeProps(r); err != nil {
			return nil, fmt.Errorf("%s: handle %d: %w", what, list[i].Handle, err)
		}
	}
	return list, nil
}

// DecodeProps reads a property list written by AppendProps. Properties of
// IDs this version does not know are kept with their wire type, so they
// re-encode unchanged; a known ID with the wrong wire type, or a value out
// of its range, is an error.
func DecodeProps(r *wire.Reader) ([]Prop, error) {
	n := r.Uvarint()
	if err := r.Err(); err != nil {
		return nil, err
	}
	if n > MaxProps || n > uint64(r.Len()) {
		return nil, fmt.Errorf("property count %d over %d", n, MaxProps)
	}
	props := make([]Prop, n)
	for i := range props {
		key := r.Uvarint()
		if err := r.Err(); err != nil {
			return nil, err
		}
		id, t := key>>2, PropType(key&3)
		if id > math.MaxUint16 {
			return nil, fmt.Errorf("property id %d over %d", id, math.MaxUint16)
		}
		p := Prop{ID: PropID(id), Type: t}
		if want, known := p.ID.Type(); known && want != t {
			return nil, fmt.Errorf("property %d has wire type %d, want %d", id, t, want)
		}
		switch t {
		case PropUvarint:
			v := r.Uvarint()
			if v > math.MaxInt64 {
				return nil, fmt.Errorf("property %d value %d overflows int64", id, v)
			}
			p.Value = int64(v)
		case PropVarint:
			p.Value = r.Varint()
		case PropText:
			p.Text = r.String(MaxPropText)
		default:
			return nil, fmt.Errorf("property %d has unknown wire type %d", id, t)
		}
		if err := r.Err(); err != nil {
			return nil, fmt.Errorf("property %d: %w", id, err)
		}
		if err := p.check(); err != nil {
			return nil, err
		}
		props[i] = p
	}
	return props, nil
}

// check refuses known properties whose values are out of range.
func (p Prop) check() error {
	var limit int64
	switch p.ID {
	case PropX, PropY:
		if p.Value < math.MinInt32 || p.Value > math.MaxInt32 {
			return fmt.Errorf("property %d value %d overflows int32", p.ID, p.Value)
		}
		return nil
	case PropDir:
		limit = int64(DirNW)
	case PropFacing, PropAnim, PropSprite:
		limit = math.MaxUint8
	case PropSpeed, PropHP, PropMaxHP, PropMP, PropMaxMP, PropLevel, PropXP:
		limit = math.MaxInt32
	default:
		return nil
	}
	if p.Value > limit {
		return fmt.Errorf("property %d value %d over %d", p.ID, p.Value, limit)
	}
	return nil
}

// MapChange tells the client it moved to another map instance (through a
// portal). The client drops every entity it knows: handles start afresh,
// and snapshots of the new instance follow.
type MapChange struct {
	Map      string
	Instance uint32
	// X and Y are the player's new position in subpixels, at Tick.
	X, Y int32
	// Tick is the player's tick on arrival (no step happens while it
	// travels, so it is that of its last snapshot on the old map), and
	// ServerTime the world's clock (Unix milliseconds) then.
	Tick       uint32
	ServerTime uint64
	// Ack is the Seq of the client's input in force on arrival (0 before
	// any): the client keeps its later inputs and replays them from
	// (X, Y), so its prediction agrees with the world at once.
	Ack uint32
	// Owner names whose private instance it is (a player, or a party's
	// leader); empty for a shared one.
	Owner string
}

// Type returns TypeMapChange.
func (MapChange) Type() Type { return TypeMapChange }

// Append appends the encoded MapChange to b.
func (m MapChange) Append(b []byte) []byte {
	b = wire.AppendU8(b, uint8(TypeMapChange))
	b = wire.AppendString(b, m.Map)
	b = wire.AppendUvarint(b, uint64(m.Instance))
	b = wire.AppendVarint(b, int64(m.X))
	b = wire.AppendVarint(b, int64(m.Y))
	b = wire.AppendUvarint(b, uint64(m.Tick))
	b = wire.AppendUvarint(b, m.ServerTime)
	b = wire.AppendUvarint(b, uint64(m.Ack))
	return wire.AppendString(b, m.Owner)
}

func decodeMapChange(payload []byte) (Message, error) {
	r := wire.NewReader(payload)
	var m MapChange
	m.Map = r.String(MaxMapNameLen)
	inst, x, y, tick := r.Uvarint(), r.Varint(), r.Varint(), r.Uvarint()
	m.ServerTime = r.Uvarint()
	ack := r.Uvarint()
	m.Owner = r.String(MaxChatName)
	if err := r.Done(); err != nil {
		return nil, err
	}
	switch {
	case inst > math.MaxUint32:
		return nil, fmt.Errorf("instance %d overflows uint32", inst)
	case x < math.MinInt32 || x > math.MaxInt32 || y < math.MinInt32 || y > math.MaxInt32:
		return nil, errors.New("position overflows int32")
	case tick > math.MaxUint32:
		return nil, fmt.Errorf("tick %d overflows uint32", tick)
	case ack > math.MaxUint32:
		return nil, fmt.Errorf("ack %d overflows uint32", ack)
	}
	m.Instance, m.X, m.Y, m.Tick, m.Ack = uint32(inst), int32(x), int32(y), uint32(tick), uint32(ack)
	return m, nil
}
