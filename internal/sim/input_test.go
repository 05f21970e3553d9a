package sim_test

import (
	"errors"
	"strings"
	"testing"
	"unsafe"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/sim"
)

func input(seq, tick uint32, move protocol.Direction) protocol.Input {
	return protocol.Input{Seq: seq, Tick: tick, Move: move, Aim: move.Aim()}
}

// step advances q from tick k to k+1 and checks what it reports.
func step(t *testing.T, q *sim.InputQueue, tick uint32, wantSeq uint32, wantApplied bool) {
	t.Helper()
	in, applied := q.Advance(tick)
	if in.Seq != wantSeq || applied != wantApplied {
		t.Fatalf("Advance(%d) = seq %d, applied %v; want seq %d, applied %v", tick, in.Seq, applied, wantSeq, wantApplied)
	}
	if q.Current() != in {
		t.Fatalf("after Advance(%d): Current() = %+v, want %+v", tick, q.Current(), in)
	}
}

func TestInputOnTimeAppliesAtItsTick(t *testing.T) {
	var q sim.InputQueue
	if got := q.Current(); got != (protocol.Input{}) {
		t.Fatalf("zero queue: Current() = %+v, want the zero Input", got)
	}
	// Player at tick 10; the input holds from tick 13.
	if err := q.Push(input(1, 13, protocol.DirE), 10); err != nil {
		t.Fatalf("Push: %v", err)
	}
	step(t, &q, 11, 0, false)
	step(t, &q, 12, 0, false)
	step(t, &q, 13, 1, true)
	step(t, &q, 14, 1, false) // stays in force, acknowledged once
	step(t, &q, 15, 1, false)
	if got := q.Current().Move; got != protocol.DirE {
		t.Errorf("Current().Move = %v, want E", got)
	}
}

func TestLateInputAppliesFromTheNextStep(t *testing.T) {
	var q sim.InputQueue
	if err := q.Push(input(1, 5, protocol.DirS), 9); err != nil {
		t.Fatalf("Push(tick 5 at player tick 9) = %v, want a late input accepted", err)
	}
	step(t, &q, 10, 1, true)
}

func TestSeveralInputsInOneStepLeaveTheLastInForce(t *testing.T) {
	var q sim.InputQueue
	for _, in := range []protocol.Input{input(1, 3, protocol.DirN), input(2, 4, protocol.DirE), input(3, 4, protocol.DirS), input(4, 6, protocol.DirW)} {
		if err := q.Push(in, 2); err != nil {
			t.Fatalf("Push(%+v): %v", in, err)
		}
	}
	step(t, &q, 3, 1, true)
	step(t, &q, 4, 3, true) // 2 and 3 both hold from 4: 3 wins at once
	step(t, &q, 5, 3, false)
	if q.Len() != 1 {
		t.Errorf("Len() = %d, want 1 waiting", q.Len())
	}
	step(t, &q, 6, 4, true)
	if q.Len() != 0 {
		t.Errorf("Len() = %d, want none waiting", q.Len())
	}
}

func TestFullQueueDropsTheInput(t *testing.T) {
	var q sim.InputQueue
	seq := uint32(0)
	for range protocol.MaxQueuedInputs {
		seq++
		if err := q.Push(input(seq, 100, protocol.DirE), 0); err != nil {
			t.Fatalf("Push(seq %d): %v", seq, err)
		}
	}
	seq++
	err := q.Push(input(seq, 100, protocol.DirW), 0)
	if !errors.Is(err, sim.ErrInputQueueFull) || errors.Is(err, sim.ErrMalformedInput) {
		t.Fatalf("Push beyond %d waiting = %v, want ErrInputQueueFull", protocol.MaxQueuedInputs, err)
	}
	// The dropped input still counts for the checks: its Seq is used.
	if err := q.Push(input(seq, 100, protocol.DirW), 0); !errors.Is(err, sim.ErrMalformedInput) {
		t.Errorf("Push(seq %d again) = %v, want ErrMalformedInput", seq, err)
	}
	step(t, &q, 100, protocol.MaxQueuedInputs, true)
	if err := q.Push(input(seq+1, 101, protocol.DirN), 100); err != nil {
		t.Errorf("Push after the queue drained: %v", err)
	}
}

func TestMalformedInputsAreRefused(t *testing.T) {
	tests := []struct {
		name   string
		before []protocol.Input // accepted first, at player tick 50
		in     protocol.Input
		tick   uint32
		reason string
	}{
		{"seq 0 first", nil, input(0, 50, protocol.DirE), 50, "seq 0 not above the previous 0"},
		{"seq repeated", []protocol.Input{input(7, 50, protocol.DirE)}, input(7, 51, protocol.DirW), 50, "seq 7 not above the previous 7"},
		{"seq going back", []protocol.Input{input(7, 50, protocol.DirE)}, input(6, 51, protocol.DirW), 50, "seq 6 not above"},
		{"tick going back", []protocol.Input{input(1, 60, protocol.DirE)}, input(2, 59, protocol.DirW), 50, "tick 59 below the previous input's 60"},
		{"tick too far ahead", nil, input(1, 50+protocol.MaxInputLead+1, protocol.DirE), 50, "more than 200 ticks after the player's 50"},
		{"tick too far ahead near the top", nil, input(1, 1<<32-1, protocol.DirE), 1<<32 - 1 - protocol.MaxInputLead - 1, "more than 200 ticks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q sim.InputQueue
			for _, in := range tt.before {
				if err := q.Push(in, 50); err != nil {
					t.Fatalf("Push(%+v): %v", in, err)
				}
			}
			n := q.Len()
			err := q.Push(tt.in, tt.tick)
			if !errors.Is(err, sim.ErrMalformedInput) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("Push(%+v, %d) = %v, want ErrMalformedInput saying %q", tt.in, tt.tick, err, tt.reason)
			}
			if q.Len() != n {
				t.Errorf("Len() = %d after a refused input, want %d", q.Len(), n)
			}
		})
	}
	// The edges are fine: the same tick as before, and exactly the lead.
	var q sim.InputQueue
	for _, in := range []protocol.Input{input(1, 50+protocol.MaxInputLead, protocol.DirE), input(2, 50+protocol.MaxInputLead, protocol.DirW)} {
		if err := q.Push(in, 50); err != nil {
			t.Errorf("Push(%+v, 50) = %v, want it accepted", in, err)
		}
	}
}

func TestPushAndAdvanceDoNotAllocate(t *testing.T) {
	var q sim.InputQueue
	seq, tick := uint32(0), uint32(0)
	allocs := testing.AllocsPerRun(1000, func() {
		seq++
		if err := q.Push(input(seq, tick+3, protocol.Direction(seq%9)), tick); err != nil {
			t.Fatal(err)
		}
		tick++
		q.Advance(tick)
	})
	if allocs != 0 {
		t.Errorf("Push+Advance: %v allocs, want 0", allocs)
	}
}

func BenchmarkInputQueue(b *testing.B) {
	var q sim.InputQueue
	seq, tick := uint32(0), uint32(0)
	b.ReportAllocs()
	for b.Loop() {
		seq++
		_ = q.Push(input(seq, tick+3, protocol.DirE), tick)
		tick++
		q.Advance(tick)
	}
}

// TestInputQueueAllocatesOnlyToGrow: a player who sends an input now and
// then costs no allocation once its queue has held one, and the queue of
// a player standing still is a few words, not room for
// MaxQueuedInputs inputs.
func TestInputQueueAllocatesOnlyToGrow(t *testing.T) {
	var q sim.InputQueue
	if size, room := unsafe.Sizeof(q), unsafe.Sizeof(protocol.Input{})*protocol.MaxQueuedInputs; size >= room/4 {
		t.Errorf("an empty queue takes %d bytes; room for all its inputs is %d", size, room)
	}
	if q.Len() != 0 {
		t.Fatalf("a new queue holds %d inputs", q.Len())
	}
	seq, tick := uint32(0), uint32(0)
	walk := func() {
		seq++
		if err := q.Push(input(seq, tick+1, protocol.DirE), tick); err != nil {
			t.Fatal(err)
		}
		tick++
		if _, applied := q.Advance(tick); !applied {
			t.Fatalf("input %d not applied at tick %d", seq, tick)
		}
	}
	walk()
	if allocs := testing.AllocsPerRun(100, walk); allocs != 0 {
		t.Errorf("a push and an advance allocate %v times, want 0", allocs)
	}
	// A burst of the most inputs a queue holds, then applied at once.
	for i := range protocol.MaxQueuedInputs {
		seq++
		if err := q.Push(input(seq, tick+1, protocol.Direction(i%4)), tick); err != nil {
			t.Fatal(err)
		}
	}
	if q.Len() != protocol.MaxQueuedInputs {
		t.Fatalf("queue holds %d, want %d", q.Len(), protocol.MaxQueuedInputs)
	}
	tick++
	if in, applied := q.Advance(tick); !applied || in.Seq != seq {
		t.Fatalf("Advance = %d, %v; want the burst's last, %d", in.Seq, applied, seq)
	}
	if q.Len() != 0 {
		t.Errorf("%d inputs wait after the burst was applied", q.Len())
	}
}
