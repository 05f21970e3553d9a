package sim

import (
	"errors"
	"fmt"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// Errors of InputQueue.Push.
var (
	// ErrMalformedInput means an input broke the session rules: its Seq is
	// not above the previous one's, its Tick is below the previous one's,
	// or its Tick is more than protocol.MaxInputLead ticks ahead. The world
	// closes the connection with protocol.CloseMalformed.
	ErrMalformedInput = errors.New("sim: malformed input")
	// ErrInputQueueFull means protocol.MaxQueuedInputs inputs already
	// wait for their ticks; the input was dropped.
	ErrInputQueueFull = errors.New("sim: input queue full")
)

// InputQueue is one player's inputs as the world sees them: the one in
// force and those waiting for their tick.
//
// The zero value is an empty queue with no input in force (the player
// stands still). It is a value owned by whoever steps the player, with no
// locking. Advance does not allocate, nor does Push (except for the error
// of a refused input) once the queue has held as many inputs before: an
// emptied queue keeps its buffer unless a burst grew it past
// keptInputs, so a player who stands still holds none.
type InputQueue struct {
	// waiting holds the inputs not yet applied, in Seq order, at most
	// protocol.MaxQueuedInputs.
	waiting []protocol.Input
	// lastSeq and lastTick are those of the last input pushed (dropped or
	// not); lastSeq is 0 before the first, since Seq 0 is never valid.
	lastSeq, lastTick uint32
	current           protocol.Input
	// pressed and released gather the buttons that went down and up in
	// the inputs Advance took since the last Edges.
	pressed, released protocol.Buttons
}

// Push validates in against the player's current tick (per the spec: Seq
// increasing, Tick non-decreasing, Tick <= tick+MaxInputLead) and queues
// it. It returns ErrMalformedInput (wrapped, with the reason) for a
// violation, ErrInputQueueFull when MaxQueuedInputs wait already (the input
// is dropped).
//
// tick is the player's tick now, between steps: the tick of its last
// snapshot (or Welcome or MapChange). A dropped input still counts as the
// previous one for the next input's checks, since the client sent it.
func (q *InputQueue) Push(in protocol.Input, tick uint32) error {
	switch {
	case in.Seq <= q.lastSeq:
		return fmt.Errorf("%w: seq %d not above the previous %d", ErrMalformedInput, in.Seq, q.lastSeq)
	case q.lastSeq != 0 && in.Tick < q.lastTick:
		return fmt.Errorf("%w: seq %d: tick %d below the previous input's %d", ErrMalformedInput, in.Seq, in.Tick, q.lastTick)
	case uint64(in.Tick) > uint64(tick)+protocol.MaxInputLead:
		return fmt.Errorf("%w: seq %d: tick %d more than %d ticks after the player's %d",
			ErrMalformedInput, in.Seq, in.Tick, protocol.MaxInputLead, tick)
	}
	q.lastSeq, q.lastTick = in.Seq, in.Tick
	if len(q.waiting) == protocol.MaxQueuedInputs {
		return fmt.Errorf("%w: seq %d dropped with %d waiting", ErrInputQueueFull, in.Seq, len(q.waiting))
	}
	q.waiting = append(q.waiting, in)
	return nil
}

// keptInputs is the largest buffer an emptied InputQueue keeps.
const keptInputs = 8

// Advance is called once per step, with the tick the step makes (k+1). It
// takes every queued input with Tick <= tick, makes the last one the input
// in force, and reports it and whether one was applied at this tick (then
// its Seq is the snapshot's Ack).
//
// An input whose Tick is below tick arrived late: it applies from tick on,
// not from its own Tick. Inputs taken together in one step are superseded
// by the last of them at once: only its Move moves the player.
func (q *InputQueue) Advance(tick uint32) (inForce protocol.Input, applied bool) {
	taken := 0
	for _, next := range q.waiting {
		if next.Tick > tick {
			break
		}
		q.pressed |= next.Buttons &^ q.current.Buttons
		q.released |= q.current.Buttons &^ next.Buttons
		q.current = next
		taken++
	}
	if taken > 0 {
		applied = true
		q.waiting = q.waiting[:copy(q.waiting, q.waiting[taken:])]
		if len(q.waiting) == 0 && cap(q.waiting) > keptInputs {
			q.waiting = nil
		}
	}
	return q.current, applied
}

// Edges returns the buttons pressed and released by the inputs Advance
// took since the last call, so that a press and release taken in one step
// both count, and forgets them.
func (q *InputQueue) Edges() (pressed, released protocol.Buttons) {
	pressed, released = q.pressed, q.released
	q.pressed, q.released = 0, 0
	return pressed, released
}

// Current returns the input in force (zero before any).
func (q *InputQueue) Current() protocol.Input { return q.current }

// Len returns how many inputs wait for their tick.
func (q *InputQueue) Len() int { return len(q.waiting) }
