package client

import (
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// MaxPending is the most unacknowledged inputs a Predictor keeps. The world
// queues at most 8 and applies one a tick, so even a slow link holds far
// fewer; if a world stops acknowledging, the oldest are forgotten rather
// than kept without bound.
const MaxPending = 256

// DesyncTolerance is the correction, in subpixels (one pixel), above which
// a prediction counts as wrong. The shared rules are exact, so any
// correction outside a portal trip means an input was dropped or the
// client and world disagree.
const DesyncTolerance = rules.SubpixelsPerPixel

// Correction is what a reconciliation changed in the predicted position.
type Correction struct {
	// From and To are the predicted position before and after.
	From, To rules.Vec
	// Size is max(|dx|, |dy|) of To−From in subpixels: 0 when the
	// prediction was exact.
	Size int32
	// Resync is set on the first reconciliation after a map change. The
	// client cannot always tell which of its inputs the world applied on
	// the old map, so that one may correct a guess; it is not a desync.
	Resync bool
}

// Predictor predicts the player's own position: it numbers the inputs the
// client sends, steps each one at once with the shared rules (as the world
// will), and when the world acknowledges an input it starts again from the
// world's position and replays the inputs still in flight.
//
// The world applies at most one input a tick and drops inputs beyond its
// queue; inputs acknowledged (Seq <= Ack) are never replayed, so a dropped
// input shows up as a correction, not as a lasting error.
//
// A Predictor is owned by one goroutine: it is not safe for concurrent use.
type Predictor struct {
	speed   int32
	terrain Terrain

	seq     uint32           // the last Seq issued
	ack     uint32           // the last Seq acknowledged
	base    rules.Vec        // the world's position after input ack
	pos     rules.Vec        // predicted
	pending []protocol.Input // issued and not acknowledged, in Seq order
	resync  bool             // the next reconciliation follows a map change
}

// NewPredictor returns a Predictor for a player at pos (from Welcome) that
// walks speed subpixels per tick (rules.SpeedPerTick of its class's speed
// at the world's tick rate) on terrain. Its first input has Seq 1.
func NewPredictor(pos rules.Vec, speed int32, terrain Terrain) *Predictor {
	return &Predictor{speed: speed, terrain: terrain, base: pos, pos: pos}
}

// Next returns the next input to send, with the next Seq, and steps the
// predicted position by it. Send every input it returns, in order.
func (p *Predictor) Next(dir protocol.Direction, aim uint8, buttons protocol.Buttons) protocol.Input {
	p.seq++
	in := protocol.Input{Seq: p.seq, Move: dir, Aim: aim, Buttons: buttons}
	p.pos = rules.Step(p.pos, rules.Dir(dir), p.speed, p.terrain)
	if len(p.pending) == MaxPending {
		p.pending = append(p.pending[:0], p.pending[1:]...)
	}
	p.pending = append(p.pending, in)
	return in
}

// Peek returns where one step in dir would take the predicted position,
// without issuing an input: a step that returns Pos is blocked.
func (p *Predictor) Peek(dir protocol.Direction) rules.Vec {
	return rules.Step(p.pos, rules.Dir(dir), p.speed, p.terrain)
}

// Pos returns the predicted position.
func (p *Predictor) Pos() rules.Vec { return p.pos }

// Seq returns the Seq of the last input issued; 0 before the first.
func (p *Predictor) Seq() uint32 { return p.seq }

// Pending returns how many issued inputs await acknowledgement.
func (p *Predictor) Pending() int { return len(p.pending) }

// Reconcile takes the world's word: ack, the Seq of the last input it
// applied, and server, the player's position after it (View.Ack and
// View.Own after a snapshot that carried either). It drops the inputs up
// to ack, replays the rest from server, and returns the correction. An ack
// older than one already seen is stale and changes nothing (Size 0).
func (p *Predictor) Reconcile(ack uint32, server rules.Vec) Correction {
	if ack < p.ack {
		return Correction{From: p.pos, To: p.pos}
	}
	p.ack, p.base = ack, server
	i := 0
	for i < len(p.pending) && p.pending[i].Seq <= ack {
		i++
	}
	p.pending = append(p.pending[:0], p.pending[i:]...)
	from := p.pos
	p.pos = p.replay(server)
	c := Correction{From: from, To: p.pos, Size: chebyshev(from, p.pos), Resync: p.resync}
	p.resync = false
	return c
}

// ChangeMap moves the player to pos on terrain, as a MapChange says. The
// inputs the world applied on the old map are gone from the new one; the
// predictor drops those up to the one whose step entered a portal on the
// old map, replays the others on the new map, and marks the next
// reconciliation as a resync.
func (p *Predictor) ChangeMap(pos rules.Vec, terrain Terrain) {
	// Replay from the last acknowledged position on the old map to find
	// the input whose step entered a portal. If the player already stood
	// in one (a portal ignored just after an arrival), the world's trip
	// came on a tick the client cannot tell, and all inputs are kept.
	q := p.base
	if _, already := p.terrain.PortalAt(q); !already {
		for i, in := range p.pending {
			q = rules.Step(q, rules.Dir(in.Move), p.speed, p.terrain)
			if _, through := p.terrain.PortalAt(q); through {
				p.pending = append(p.pending[:0], p.pending[i+1:]...)
				break
			}
		}
	}
	p.terrain, p.base = terrain, pos
	p.pos = p.replay(pos)
	p.resync = true
}

// replay steps pos through the pending inputs.
func (p *Predictor) replay(pos rules.Vec) rules.Vec {
	for _, in := range p.pending {
		pos = rules.Step(pos, rules.Dir(in.Move), p.speed, p.terrain)
	}
	return pos
}

func chebyshev(a, b rules.Vec) int32 {
	dx := int64(a.X) - int64(b.X)
	dy := int64(a.Y) - int64(b.Y)
	return int32(min(max(dx, -dx, dy, -dy), 1<<31-1))
}
