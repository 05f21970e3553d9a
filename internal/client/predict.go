package client

import (
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// MaxPending is the most sent inputs a Predictor keeps. It keeps the inputs
// the world has not yet acknowledged and the one in force; the world holds
// at most protocol.MaxQueuedInputs waiting, so even a slow link keeps far
// fewer. If a world stops acknowledging, the oldest are forgotten rather
// than kept without bound.
const MaxPending = 256

// DesyncTolerance is the correction, in subpixels (one pixel), above which
// a prediction counts as wrong. The shared rules are exact, so a larger
// correction is a resync (an input arrived late, or the client's clock
// jumped) or, when none of that happened, a desync: the client and the
// world disagree about the rules.
const DesyncTolerance = rules.SubpixelsPerPixel

// Correction is what a reconciliation changed in the predicted position.
type Correction struct {
	// From and To are the predicted position before and after.
	From, To rules.Vec
	// Size is max(|dx|, |dy|) of To−From in subpixels: 0 when the
	// prediction was exact.
	Size int32
	// Late is set when some input took effect (or, not yet acknowledged,
	// will take effect) later than its Tick: it reached the world late, or
	// was dropped. The prediction had assumed it on time.
	Late bool
	// Jumped is set when the client's tick jumped (see Predictor.Step)
	// since the last reconciliation.
	Jumped bool
	// Forced is set when the world moved the player by its own authority
	// since the last reconciliation: it died or came back (Predictor.Die,
	// Predictor.Revive).
	Forced bool
}

// Resync reports whether a correction was expected: an input was late,
// the clock jumped, or the world moved the player itself. A correction over
// DesyncTolerance that is not a resync is a desync.
func (c Correction) Resync() bool { return c.Late || c.Jumped || c.Forced }

// Desync reports whether c is a correction over DesyncTolerance that
// nothing explains: the client's rules and the world's disagree.
func (c Correction) Desync() bool { return c.Size > DesyncTolerance && !c.Resync() }

// sentInput is an input the Predictor sent, and the player tick it is in
// force from: the tick the world acknowledged it at, or until then its Tick.
type sentInput struct {
	protocol.Input
	from  uint32
	acked bool
}

// Predictor predicts the player's own position in the tick-tagged input
// model (docs/protocol.md, "Input"). The client runs its own tick, ahead of
// the world's by about a round trip (see TickClock); each client tick it
// steps the predicted position with the direction it wants and, when that
// input differs from the last one sent, returns an Input tagged with the
// tick for the client to send. The world applies it at that tick if it
// arrives in time, so the prediction is exact.
//
// On each snapshot, Reconcile restarts from the world's position at the
// snapshot's tick and replays the ticks since with, for each tick, the
// newest input in force at it: an acknowledged input from the tick of its
// ack, the others from their Tick.
//
// A dead player does not move: Die and Revive tell the Predictor when the
// world says the player died and came back, so that it predicts standing
// still in between.
//
// A Predictor is owned by one goroutine: it is not safe for concurrent use.
type Predictor struct {
	speed   int32
	terrain Terrain

	seq     uint32         // the last Seq issued
	last    protocol.Input // the last input sent (Seq 0: none yet)
	tick    uint32         // the client tick: pos is the predicted position at it
	pos     rules.Vec
	stepped bool // Step has run: a later gap in ticks is a jump

	baseTick uint32      // the tick of the world's last word about the position
	base     rules.Vec   // the world's position at baseTick
	jumped   bool        // the clock jumped since the last reconciliation
	inputs   []sentInput // the input in force at baseTick and those after, in Seq order
	target   uint32      // Input.Target of the inputs Step makes

	// The world keeps a dead player still: from the tick after diedAt up
	// to revivedAt (while dead, for good).
	dead, revived     bool
	diedAt, revivedAt uint32
	forced            bool // Die or Revive since the last reconciliation
}

// NewPredictor returns a Predictor for a player at pos at player tick tick
// (both from Welcome) that walks speed subpixels per tick (Welcome.Speed)
// on terrain. Its first input has Seq 1.
func NewPredictor(pos rules.Vec, tick uint32, speed int32, terrain Terrain) *Predictor {
	return &Predictor{speed: speed, terrain: terrain, tick: tick, pos: pos, baseTick: tick, base: pos}
}

// Step advances the client tick to tick, predicting the world's steps up to
// it, with dir, aim and buttons wanted from tick on. It returns the Input
// to send, and send = true, when they differ from the last input sent (or,
// before the first, from the zero Input the world starts with), a change
// of aim alone counting only while a button is held or just released; the
// Input's Tick is tick, and its Target the one SetTarget last named.
//
// tick is normally the previous client tick plus one. A larger one is a
// jump of the client's clock: the ticks in between keep the input already
// in force. A tick not above the current one changes nothing and sends
// nothing (the clock holds; call again with the next tick).
func (p *Predictor) Step(tick uint32, dir protocol.Direction, aim uint8, buttons protocol.Buttons) (in protocol.Input, send bool) {
	if int32(tick-p.tick) <= 0 {
		return protocol.Input{}, false
	}
	if p.stepped && tick != p.tick+1 {
		p.jumped = true
	}
	p.stepped = true
	want := protocol.Input{Move: dir, Aim: aim, Buttons: buttons}
	prev := p.last
	prev.Seq, prev.Tick, prev.Target = 0, 0, 0
	if want.Buttons == 0 && prev.Buttons == 0 {
		// The world reads the aim only at a press, while a button is held
		// and at its release: a mouse moved between fights sends nothing.
		want.Aim = prev.Aim
	}
	if want != prev {
		want.Target = p.target
		p.seq++
		in = want
		in.Seq, in.Tick = p.seq, tick
		p.last, send = in, true
		if len(p.inputs) == MaxPending {
			p.inputs = append(p.inputs[:0], p.inputs[1:]...)
		}
		p.inputs = append(p.inputs, sentInput{Input: in, from: tick})
	}
	for p.tick != tick {
		p.tick++
		p.pos = p.stepAt(p.pos, p.tick)
	}
	return in, send
}

// Reconcile takes the world's word from the snapshot of player tick
// snapTick: the player's position server after that tick's step (View.Own)
// and, when the snapshot carried one (acked), its Ack: the Seq of the input
// applied at snapTick. It restarts from there, replays the ticks up to the
// client's, and returns the correction. Call it for every snapshot, in
// order; one older than the world's last word changes nothing.
func (p *Predictor) Reconcile(snapTick uint32, server rules.Vec, ack uint32, acked bool) Correction {
	if int32(snapTick-p.baseTick) < 0 {
		return Correction{From: p.pos, To: p.pos}
	}
	c := Correction{Jumped: p.jumped, Forced: p.forced}
	p.jumped, p.forced = false, false
	if acked {
		i := 0
		for i < len(p.inputs) && p.inputs[i].Seq < ack {
			if in := p.inputs[i]; !in.acked && int32(in.from-snapTick) < 0 {
				// Superseded without ever being applied at its Tick: it
				// was dropped, or arrived late with this one. Quiet ticks
				// may have hidden it until now.
				c.Late = true
			}
			i++
		}
		p.inputs = append(p.inputs[:0], p.inputs[i:]...)
		if len(p.inputs) > 0 && p.inputs[0].Seq == ack {
			in := &p.inputs[0]
			if int32(in.from-snapTick) < 0 {
				c.Late = true // it took effect later than predicted
			}
			in.from, in.acked = snapTick, true
		} else {
			// An input the client no longer holds (or never sent): the
			// replay cannot know what is in force.
			c.Late = true
		}
	}
	for _, in := range p.inputs {
		if !in.acked && int32(in.from-snapTick) <= 0 {
			c.Late = true // due by now, not acknowledged: late or dropped
		}
	}
	p.baseTick, p.base = snapTick, server
	if int32(snapTick-p.tick) > 0 {
		// The world is ahead of the client's clock.
		p.tick, c.Jumped = snapTick, true
	}
	c.From = p.pos
	p.pos = p.replay()
	c.To = p.pos
	c.Size = chebyshev(c.From, c.To)
	return c
}

// ChangeMap moves the player to pos on terrain at player tick tick, as a
// MapChange says, with ack the Seq of the input in force on arrival (0
// before any), and replays the ticks since on the new map. Inputs after
// ack had not been applied: each takes effect at its Tick, or at tick+1 if
// it was due earlier (it reached the world after the portal), as the
// world applies it.
func (p *Predictor) ChangeMap(tick uint32, pos rules.Vec, ack uint32, terrain Terrain) {
	p.terrain, p.baseTick, p.base = terrain, tick, pos
	keep := 0
	for keep < len(p.inputs) && p.inputs[keep].Seq < ack {
		keep++
	}
	p.inputs = append(p.inputs[:0], p.inputs[keep:]...)
	for i := range p.inputs {
		in := &p.inputs[i]
		switch {
		case in.Seq == ack:
			in.from, in.acked = tick, true
		case !in.acked && int32(in.Tick-tick) <= 0:
			in.from = tick + 1
		}
	}
	if int32(tick-p.tick) > 0 {
		p.tick = tick
	}
	p.pos = p.replay()
}

// SetTarget names the entity that the inputs Step makes from now on carry
// in Target: its handle + 1, or 0 for none (the player itself). A new
// target alone sends nothing, since the world reads it only when a button
// is pressed: call SetTarget before the Step that presses.
func (p *Predictor) SetTarget(target uint32) { p.target = target }

// Die tells the predictor that the player died in the step of tick (a
// Snapshot with its own EventDeath): the world keeps it still from the
// next tick until Revive. Call it before that snapshot's Reconcile.
func (p *Predictor) Die(tick uint32) {
	p.dead, p.revived, p.diedAt, p.forced = true, false, tick, true
}

// Revive tells the predictor that the player came back in the step of
// tick (its own EventRespawn, with the position it respawned at): it walks
// again from the next tick. Call it before that snapshot's Reconcile.
func (p *Predictor) Revive(tick uint32) {
	if p.dead {
		p.revived, p.revivedAt, p.forced = true, tick, true
	}
}

// still reports whether the world keeps the player still at tick t.
func (p *Predictor) still(t uint32) bool {
	return p.dead && int32(t-p.diedAt) > 0 && (!p.revived || int32(t-p.revivedAt) <= 0)
}

// Observe calls Die and Revive for the player's own EventDeath and
// EventRespawn in snapshot s. Call it before s's Reconcile.
func (p *Predictor) Observe(s *protocol.Snapshot) {
	for _, e := range s.Events {
		switch {
		case e.Subject != 0:
		case e.Kind == protocol.EventDeath:
			p.Die(s.Tick)
		case e.Kind == protocol.EventRespawn:
			p.Revive(s.Tick)
		}
	}
}

// Peek returns where one step in dir would take the predicted position,
// without issuing an input: a step that returns Pos is blocked.
func (p *Predictor) Peek(dir protocol.Direction) rules.Vec {
	return rules.Step(p.pos, rules.Dir(dir), p.speed, p.terrain)
}

// Pos returns the predicted position at the client tick.
func (p *Predictor) Pos() rules.Vec { return p.pos }

// Tick returns the client tick: that of the last Step (or of Welcome, or a
// later snapshot or MapChange, if the world got ahead).
func (p *Predictor) Tick() uint32 { return p.tick }

// Seq returns the Seq of the last input issued; 0 before the first.
func (p *Predictor) Seq() uint32 { return p.seq }

// Pending returns how many sent inputs the world has not acknowledged.
func (p *Predictor) Pending() int {
	n := 0
	for _, in := range p.inputs {
		if !in.acked {
			n++
		}
	}
	return n
}

// replay steps the world's last position from baseTick to the client tick.
func (p *Predictor) replay() rules.Vec {
	pos := p.base
	for t := p.baseTick + 1; int32(t-p.tick) <= 0; t++ {
		pos = p.stepAt(pos, t)
	}
	return pos
}

// stepAt returns pos after the step that makes tick t.
func (p *Predictor) stepAt(pos rules.Vec, t uint32) rules.Vec {
	return rules.Step(pos, rules.Dir(p.moveAt(t)), p.speed, p.terrain)
}

// moveAt returns the direction in force at tick t: that of the newest input
// in force from t or earlier, none before any or while the player is dead.
func (p *Predictor) moveAt(t uint32) protocol.Direction {
	if p.still(t) {
		return protocol.DirNone
	}
	for i := len(p.inputs) - 1; i >= 0; i-- {
		if int32(p.inputs[i].from-t) <= 0 {
			return p.inputs[i].Move
		}
	}
	return protocol.DirNone
}

func chebyshev(a, b rules.Vec) int32 {
	dx := int64(a.X) - int64(b.X)
	dy := int64(a.Y) - int64(b.Y)
	return int32(min(max(dx, -dx, dy, -dy), 1<<31-1))
}
