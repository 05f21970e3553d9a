package client

import (
	"iter"
	"slices"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// Vitals are the player's own numbers, as the world last sent them in
// Snapshot.Vitals (it sends them all in the first snapshot of a session),
// and whether the player is dead: from its EventDeath to its EventRespawn.
type Vitals struct {
	HP, MaxHP, MP, MaxMP int64
	Level                int64
	// XP is the experience towards the next level, which takes
	// rules.XPToNext(Level).
	XP   int64
	Dead bool
}

// Effect is an event the client shows for a while: a damage or heal
// number, a flash, a death, a level-up, a refusal, a telegraphed strike.
// The View keeps every event of the last EffectKeep (of a telegraph, until
// EffectKeep after its strike), oldest first.
type Effect struct {
	protocol.Event
	// Tick is the tick it happened in.
	Tick uint32
	// At is where: the subject's feet at Tick (for a Refused, the
	// player's), or a Shot's or Telegraph's point.
	At rules.Vec
}

// Strike returns the tick a Telegraph strikes at.
func (e Effect) Strike() uint32 { return e.Tick + e.Ticks }

// Shot is a projectile the client saw fired (EventShot), flown with the
// shared rules tick by tick as the world flies it: it leaves From in the
// tick it was fired in, Fired, whose step already flies it once (the world
// resolves actions, then flies every shot). It ends at a wall, when its
// lifetime runs out, or at an EventHit naming its ID. The View keeps an
// ended shot for EffectKeep, so that a renderer drawing the recent past
// (InterpolationDelay) can finish it.
type Shot struct {
	ID      uint32
	Ability rules.AbilityID
	Aim     uint8
	// Shooter is the subject that fired it: 0 the player, h+1 handle h.
	Shooter uint32
	From    rules.Vec
	Fired   uint32
	// Vel is its displacement per tick.
	Vel rules.Vec
	// Ended is set once it ended, in tick End, at EndPos.
	Ended  bool
	End    uint32
	EndPos rules.Vec

	fly rules.Projectile // the flight so far, while not Ended
}

// Pos returns where the shot is at fractional tick t (see View.TickAt), in
// pixels: at From at the start of tick Fired (the end of the tick before),
// then along its straight line, and in its last tick from where it was to
// EndPos. ok is false before it was fired and after it ended.
func (s *Shot) Pos(t float64) (x, y float64, ok bool) {
	k := t - float64(s.Fired-1)
	if k < 0 {
		return 0, 0, false
	}
	if s.Ended {
		steps := float64(s.End - (s.Fired - 1))
		if k > steps {
			return 0, 0, false
		}
		if last := max(steps-1, 0); k > last {
			x, y = lerp(s.after(int32(last)), s.EndPos, k-last)
			return x, y, true
		}
	}
	x = (float64(s.From.X) + float64(s.Vel.X)*k) / rules.SubpixelsPerPixel
	y = (float64(s.From.Y) + float64(s.Vel.Y)*k) / rules.SubpixelsPerPixel
	return x, y, true
}

// after returns where the shot is after n whole steps that hit nothing: at
// the end of tick Fired−1+n.
func (s *Shot) after(n int32) rules.Vec {
	return rules.Vec{X: s.From.X + s.Vel.X*n, Y: s.From.Y + s.Vel.Y*n}
}

// Tally counts what the client saw of the fighting since Welcome.
type Tally struct {
	// HitsDealt counts hits on others by the player's projectiles, and
	// melee hits (EventHit without a projectile) in a tick in which the
	// player used a melee ability: a hit event does not name its author,
	// so a melee hit by someone else in that same tick counts too.
	HitsDealt int
	// HitsTaken counts hits on the player.
	HitsTaken int
	// Kills counts hostile NPCs seen dying.
	Kills int
	// Deaths counts the player's own deaths.
	Deaths int
}

// EffectKeep is how long a View keeps an Effect or an ended Shot.
const EffectKeep = 3 * time.Second

// Bounds on what a View keeps, whatever the world sends: beyond them the
// oldest effects are forgotten and new shots are not flown.
const (
	MaxEffects = 1024
	MaxShots   = 1024
)

// npcSprites names the NPC sprites after their kinds in rules (and in the
// sprite sheets).
var npcSprites = map[protocol.Sprite]string{
	protocol.SpriteRat:          "rat",
	protocol.SpriteWolf:         "wolf",
	protocol.SpriteSkeleton:     "skeleton",
	protocol.SpriteSlime:        "slime",
	protocol.SpriteGoblinArcher: "goblin_archer",
	protocol.SpriteBoneLord:     "bone_lord",
	protocol.SpriteVillager:     "villager",
	protocol.SpriteElder:        "elder",
}

// NPCKind returns the kind of NPC an entity of sprite s is, and false for
// a player or a sprite this version does not know.
func NPCKind(s protocol.Sprite) (*rules.NPCKind, bool) {
	name, ok := npcSprites[s]
	if !ok {
		return nil, false
	}
	return rules.NPCNamed(name)
}

// IsPlayer reports whether sprite s is a player's: a class's.
func IsPlayer(s protocol.Sprite) bool { return s <= protocol.SpriteWizard }

// Dead reports whether the entity is dead: shown lying, until it comes
// back.
func (e Entity) Dead() bool { return e.Anim == protocol.AnimDead }

// Vitals returns the player's own vitals.
func (v *View) Vitals() Vitals { return v.vitals }

// Tally returns the counts of what the client saw of the fighting.
func (v *View) Tally() Tally { return v.tally }

// Effects yields the recent effects, oldest first. The view must not change
// while the loop runs.
func (v *View) Effects() iter.Seq[Effect] { return slices.Values(v.effects) }

// Shots yields the shots in flight and those that ended within
// EffectKeep, in no particular order. The view must not change while the
// loop runs.
func (v *View) Shots() iter.Seq[*Shot] {
	return func(yield func(*Shot) bool) {
		for _, s := range v.shots {
			if !yield(s) {
				return
			}
		}
	}
}

// keepTicks is EffectKeep in ticks.
func (v *View) keepTicks() uint32 { return rules.Ticks(int32(EffectKeep/time.Millisecond), v.tickRate) }

// setVitals applies the own vitals of a snapshot.
func (v *View) setVitals(props []protocol.Prop) {
	for _, p := range props {
		switch p.ID {
		case protocol.PropHP:
			v.vitals.HP = p.Value
		case protocol.PropMaxHP:
			v.vitals.MaxHP = p.Value
		case protocol.PropMP:
			v.vitals.MP = p.Value
		case protocol.PropMaxMP:
			v.vitals.MaxMP = p.Value
		case protocol.PropLevel:
			v.vitals.Level = p.Value
		case protocol.PropXP:
			v.vitals.XP = p.Value
		}
	}
}

// stepShots flies the live shots through tick t.
func (v *View) stepShots(t uint32) {
	for _, s := range v.shots {
		v.stepShot(s, t)
	}
}

// stepShot flies s through tick t, if it is in flight.
func (v *View) stepShot(s *Shot, t uint32) {
	if !s.Ended && s.fly.Step(v.terrain, nil) {
		s.Ended, s.End, s.EndPos = true, t, s.fly.Pos
	}
}

// subjectPos returns where the subject of an event stands. check has made
// sure it is known.
func (v *View) subjectPos(subject uint32) rules.Vec {
	if subject == 0 {
		return v.own
	}
	return v.entities[subject-1].Pos
}

// applyEvents records the events of the snapshot of tick t: the effects,
// the shots, the player's life and the tally.
func (v *View) applyEvents(t uint32, events []protocol.Event) {
	ownMelee := slices.ContainsFunc(events, func(e protocol.Event) bool {
		if e.Kind != protocol.EventAction || e.Subject != 0 {
			return false
		}
		a, ok := rules.AbilityByID(rules.AbilityID(e.Ability))
		return ok && a.Shape == rules.ShapeMelee
	})
	for _, e := range events {
		fx := Effect{Event: e, Tick: t}
		switch e.Kind {
		case protocol.EventShot, protocol.EventTelegraph:
			fx.At = rules.Vec{X: e.X, Y: e.Y}
		default:
			fx.At = v.subjectPos(e.Subject)
		}
		switch e.Kind {
		case protocol.EventShot:
			v.fire(t, e)
		case protocol.EventHit:
			v.hit(t, e, ownMelee)
		case protocol.EventDeath:
			if e.Subject == 0 {
				v.vitals.Dead = true
				v.tally.Deaths++
			} else if k, ok := NPCKind(v.entities[e.Subject-1].Sprite); ok && k.Hostile {
				v.tally.Kills++
			}
		case protocol.EventRespawn:
			if e.Subject == 0 {
				v.vitals.Dead = false
			}
		}
		if len(v.effects) == MaxEffects {
			v.effects = slices.Delete(v.effects, 0, 1)
		}
		v.effects = append(v.effects, fx)
	}
}

// fire starts flying the shot of e, fired in tick t, and flies it through
// that tick.
func (v *View) fire(t uint32, e protocol.Event) {
	a, ok := rules.AbilityByID(rules.AbilityID(e.Ability))
	if !ok || a.Shape != rules.ShapeProjectile {
		return
	}
	if _, known := v.shots[e.ID]; !known && len(v.shots) >= MaxShots {
		return
	}
	from := rules.Vec{X: e.X, Y: e.Y}
	fly := rules.NewProjectile(from, e.Aim, a.ProjectileSpeed, a.Lifetime, v.tickRate)
	s := &Shot{ID: e.ID, Ability: a.ID, Aim: e.Aim, Shooter: e.Subject, From: from, Fired: t, Vel: fly.Vel, fly: fly}
	v.shots[e.ID] = s
	v.stepShot(s, t)
}

// hit records e, a hit in tick t; ownMelee says whether the player used a
// melee ability in that tick. A projectile that hit ends where it met the
// victim's body: its last tick is flown again, stopping there.
func (v *View) hit(t uint32, e protocol.Event, ownMelee bool) {
	s := v.shots[e.ID]
	switch {
	case e.Subject == 0:
		v.tally.HitsTaken++
	case e.ID == 0 && ownMelee, s != nil && s.Shooter == 0:
		v.tally.HitsDealt++
	}
	if e.ID == 0 || s == nil || (s.Ended && s.End != t) || int32(t-s.Fired) < 0 {
		return
	}
	victim := rules.Centre(v.subjectPos(e.Subject))
	last := rules.Projectile{Pos: s.after(int32(t - s.Fired)), Vel: s.Vel, TicksLeft: 1}
	last.Step(v.terrain, func(at rules.Vec) bool { return rules.Dist2(at, victim) <= rules.HurtRadius*rules.HurtRadius })
	s.Ended, s.End, s.EndPos = true, t, last.Pos
}

// forget drops the effects and ended shots older than EffectKeep at tick t.
func (v *View) forget(t uint32) {
	keep := v.keepTicks()
	old := func(end uint32) bool { return int32(t-end) > int32(keep) }
	v.effects = slices.DeleteFunc(v.effects, func(e Effect) bool {
		if e.Kind == protocol.EventTelegraph {
			return old(e.Strike())
		}
		return old(e.Tick)
	})
	for id, s := range v.shots {
		if s.Ended && old(s.End) {
			delete(v.shots, id)
		}
	}
}
