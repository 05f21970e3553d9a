package sim_test

import (
	"errors"
	"math"
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/sim"
)

// pushRecord is the FuzzInputQueue script record of a client sending in.
func pushRecord(in protocol.Input) []byte {
	msg := in.Append(nil)
	return append([]byte{0x80 | byte(len(msg))}, msg...)
}

// FuzzInputQueue plays a client's messages and the world's steps against an
// InputQueue, from player tick start. script is a series of records: a byte
// b < 0x80 makes b+1 steps; a byte b >= 0x80 is followed by a message of
// b-0x80 bytes, which is decoded and, if it is an Input, pushed at the
// current tick. The queue must never panic or hold more than
// MaxQueuedInputs; it must refuse exactly the inputs its documented rules
// refuse, with ErrMalformedInput or ErrInputQueueFull and nothing else; and
// it must apply the inputs it took in order, each at the first step that
// reaches its Tick, the last one of a step staying in force.
func FuzzInputQueue(f *testing.F) {
	var onTime, full, late, bad []byte
	for seq := range uint32(5) {
		onTime = append(onTime, pushRecord(input(seq+1, 13+2*seq, protocol.Direction(seq)))...)
		onTime = append(onTime, 0)
	}
	for seq := range uint32(protocol.MaxQueuedInputs + 3) {
		full = append(full, pushRecord(input(seq+1, 100, protocol.DirE))...)
	}
	full = append(full, 0x7F, 0)
	late = append(pushRecord(input(1, 5, protocol.DirS)), 2)
	for _, in := range []protocol.Input{
		input(1, 60, protocol.DirE), input(1, 61, protocol.DirE), input(2, 59, protocol.DirW),
		input(3, 60+protocol.MaxInputLead, protocol.DirN), input(4, 61+protocol.MaxInputLead, protocol.DirN),
		{Seq: 5, Tick: 70, Buttons: protocol.ButtonPrimary},
	} {
		bad = append(bad, pushRecord(in)...)
	}
	f.Add(uint32(10), onTime)
	f.Add(uint32(0), full)
	f.Add(uint32(9), late)
	f.Add(uint32(50), bad)
	f.Add(uint32(math.MaxUint32-protocol.MaxInputLead-3), append(pushRecord(input(1, math.MaxUint32, protocol.DirW)), 0x7F, 0x7F))
	f.Add(uint32(0), append(pushRecord(input(1, 1, protocol.DirE)), 0x83, byte(protocol.TypePing), 0, 0))

	f.Fuzz(func(t *testing.T, start uint32, script []byte) {
		var (
			q    sim.InputQueue
			tick = start
			// The model of the queue, by its documentation.
			lastSeq, lastTick uint32
			waiting           []protocol.Input
			current           protocol.Input
		)
		for len(script) > 0 {
			b := script[0]
			script = script[1:]
			if b < 0x80 {
				// 2^32 ticks are years: the world never gets to the top.
				for i := 0; i <= int(b) && tick < math.MaxUint32; i++ {
					tick++
					applied := false
					for len(waiting) > 0 && waiting[0].Tick <= tick {
						current, waiting, applied = waiting[0], waiting[1:], true
					}
					in, ok := q.Advance(tick)
					if in != current || ok != applied || q.Current() != current {
						t.Fatalf("Advance(%d) = %+v, %v (Current %+v); want %+v, %v", tick, in, ok, q.Current(), current, applied)
					}
					if q.Len() != len(waiting) {
						t.Fatalf("after Advance(%d): Len() = %d, want %d", tick, q.Len(), len(waiting))
					}
				}
				continue
			}
			n := min(int(b-0x80), len(script))
			m, err := protocol.Decode(script[:n])
			script = script[n:]
			in, isInput := m.(protocol.Input)
			if err != nil || !isInput {
				continue // the session refuses it before the queue sees it
			}
			var want error
			switch {
			case in.Seq <= lastSeq, lastSeq != 0 && in.Tick < lastTick, uint64(in.Tick) > uint64(tick)+protocol.MaxInputLead:
				want = sim.ErrMalformedInput
			case len(waiting) == protocol.MaxQueuedInputs:
				want = sim.ErrInputQueueFull
			}
			err = q.Push(in, tick)
			if (want == nil) != (err == nil) || (want != nil && !errors.Is(err, want)) ||
				errors.Is(err, sim.ErrMalformedInput) && errors.Is(err, sim.ErrInputQueueFull) {
				t.Fatalf("Push(%+v, %d) after seq %d tick %d with %d waiting = %v, want %v",
					in, tick, lastSeq, lastTick, len(waiting), err, want)
			}
			if want != sim.ErrMalformedInput {
				lastSeq, lastTick = in.Seq, in.Tick // dropped or not, the client sent it
			}
			if want == nil {
				waiting = append(waiting, in)
			}
			if q.Len() != len(waiting) || q.Len() > protocol.MaxQueuedInputs {
				t.Fatalf("after Push(%+v, %d): Len() = %d, want %d (at most %d)", in, tick, q.Len(), len(waiting), protocol.MaxQueuedInputs)
			}
		}
	})
}
