package sim

// Interim InputQueue until the input branch lands: replaced by input.go.

import (
	"errors"
	"fmt"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

var (
	ErrMalformedInput = errors.New("sim: malformed input")
	ErrInputQueueFull = errors.New("sim: input queue full")
)

type InputQueue struct {
	current protocol.Input
	last    protocol.Input
	pending []protocol.Input
}

func (q *InputQueue) Push(in protocol.Input, tick uint32) error {
	if len(q.pending) >= 32 {
		return ErrInputQueueFull
	}
	if in.Seq <= q.last.Seq {
		return fmt.Errorf("%w: seq %d after %d", ErrMalformedInput, in.Seq, q.last.Seq)
	}
	q.last = in
	q.pending = append(q.pending, in)
	return nil
}

func (q *InputQueue) Advance(tick uint32) (protocol.Input, bool) {
	if len(q.pending) == 0 {
		q.current.Move = protocol.DirNone
		return q.current, false
	}
	q.current = q.pending[0]
	q.pending = append(q.pending[:0], q.pending[1:]...)
	return q.current, true
}

func (q *InputQueue) Current() protocol.Input { return q.current }
