package client

import (
	"math/rand/v2"
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// fakeWorld plays the world's side for one player as internal/world does:
// inputs wait in a queue of 8 (more are dropped), one is applied per tick
// with rules.Step, and a tick with none stands still. A player whose feet
// end a tick in a portal of map a arrives at arrival on map b.
type fakeWorld struct {
	terrain Terrain
	speed   int32
	pos     rules.Vec
	ack     uint32
	queue   []protocol.Input
	dropped int

	arrival  rules.Vec // on map b
	traveled bool      // set by the tick of a portal trip
}

func (w *fakeWorld) receive(in protocol.Input) {
	if len(w.queue) == 8 {
		w.dropped++
		return
	}
	w.queue = append(w.queue, in)
}

// tick runs one tick and reports whether the player went through a portal.
func (w *fakeWorld) tick() {
	w.traveled = false
	if len(w.queue) == 0 {
		return
	}
	in := w.queue[0]
	w.queue = w.queue[1:]
	w.pos = rules.Step(w.pos, rules.Dir(in.Move), w.speed, w.terrain)
	w.ack = in.Seq
	if _, ok := w.terrain.PortalAt(w.pos); ok {
		w.terrain, w.pos, w.traveled = mapB(), w.arrival, true
	}
}

// link delays messages by a fixed number of ticks.
type link[T any] struct {
	delay int
	queue []delayed[T]
}

type delayed[T any] struct {
	due int
	v   T
}

func (l *link[T]) send(now int, v T) { l.queue = append(l.queue, delayed[T]{now + l.delay, v}) }

// recv returns the messages due by now.
func (l *link[T]) recv(now int) []T {
	var out []T
	for len(l.queue) > 0 && l.queue[0].due <= now {
		out = append(out, l.queue[0].v)
		l.queue = l.queue[1:]
	}
	return out
}

type ackPos struct {
	ack uint32
	pos rules.Vec
}

func TestPredictionIsExactWhateverTheLatency(t *testing.T) {
	tests := []struct {
		name     string
		up, down int // ticks of latency each way
		ackEvery int // the world's word reaches the client every n ticks
	}{
		{"no latency", 0, 0, 1},
		{"one tick each way", 1, 1, 1},
		{"slow link", 3, 4, 1},
		{"acks lost or late", 2, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mapA()
			start := rules.TileCenter(8, 4)
			w := &fakeWorld{terrain: a, speed: testSpeed, pos: start}
			p := NewPredictor(start, testSpeed, a)
			up := &link[protocol.Input]{delay: tt.up}
			down := &link[ackPos]{delay: tt.down}
			rng := rand.New(rand.NewPCG(1, 2))
			dir := protocol.DirE
			for now := range 400 {
				if now < 300 { // then stop sending and let everything land
					if rng.IntN(8) == 0 {
						dir = protocol.Direction(rng.IntN(9))
					}
					up.send(now, p.Next(dir, 0, 0))
				}
				for _, in := range up.recv(now) {
					w.receive(in)
				}
				w.tick()
				if now%tt.ackEvery == 0 {
					down.send(now, ackPos{w.ack, w.pos})
				}
				for _, m := range down.recv(now) {
					if c := p.Reconcile(m.ack, m.pos); c.Size != 0 || c.Resync {
						t.Fatalf("tick %d: Reconcile(%d, %v) = %+v, want an exact prediction", now, m.ack, m.pos, c)
					}
				}
			}
			if w.dropped != 0 {
				t.Fatalf("the world dropped %d inputs; the test wants none", w.dropped)
			}
			if p.Pos() != w.pos || p.Pending() != 0 {
				t.Errorf("at the end Pos() = %v with %d pending, want the world's %v and none", p.Pos(), p.Pending(), w.pos)
			}
		})
	}
}

func TestDroppedInputsAreCorrectedOnce(t *testing.T) {
	a := mapA()
	start := rules.TileCenter(2, 4)
	w := &fakeWorld{terrain: a, speed: testSpeed, pos: start}
	p := NewPredictor(start, testSpeed, a)
	// A burst of 12 inputs east: the world queues 8 and drops 4.
	for range 12 {
		w.receive(p.Next(protocol.DirE, 0, 0))
	}
	var corrections []Correction
	for now := range 20 {
		if now >= 4 {
			w.receive(p.Next(protocol.DirS, 0, 0))
		}
		w.tick()
		if c := p.Reconcile(w.ack, w.pos); c.Size != 0 {
			corrections = append(corrections, c)
		}
	}
	if w.dropped != 4 {
		t.Fatalf("the world dropped %d inputs, want 4", w.dropped)
	}
	wantSize := int32(4 * testSpeed)
	if len(corrections) != 1 || corrections[0].Size != wantSize || corrections[0].To.X != corrections[0].From.X-wantSize {
		t.Fatalf("corrections = %+v; want exactly one, of %d subpixels west", corrections, wantSize)
	}
	for len(w.queue) > 0 {
		w.tick()
	}
	if c := p.Reconcile(w.ack, w.pos); c.Size != 0 || p.Pos() != w.pos {
		t.Errorf("after the queue drained: correction %+v, Pos() = %v; want 0 and the world's %v", c, p.Pos(), w.pos)
	}
}

func TestStaleAckChangesNothing(t *testing.T) {
	a := mapA()
	start := rules.TileCenter(2, 4)
	p := NewPredictor(start, testSpeed, a)
	for range 3 {
		p.Next(protocol.DirE, 0, 0)
	}
	p.Reconcile(2, walk(start, rules.DirE, testSpeed, a, 2))
	pos := p.Pos()
	if c := p.Reconcile(1, start); c.Size != 0 || p.Pos() != pos || p.Pending() != 1 {
		t.Errorf("Reconcile(stale ack 1) = %+v, Pos %v, Pending %d; want no change from %v, 1", c, p.Pos(), p.Pending(), pos)
	}
}

// worldMsg is what the fake world tells the client: a map change, or an
// ack with the position after it.
type worldMsg struct {
	mapChange bool
	ack       uint32
	pos       rules.Vec
}

func TestPredictorThroughAPortal(t *testing.T) {
	a := mapA()
	start := rules.TileCenter(6, 2) // the portal is at tile (3, 2), to the west
	arrival := rules.TileCenter(2, 1)
	tests := []struct {
		name string
		// firstAck is the Ack of the new instance's first snapshot, sent
		// before it applied any input: the old ack carried over, or 0 from
		// a world that starts every instance's acks afresh.
		firstAck func(old uint32) uint32
	}{
		{"ack carried over", func(old uint32) uint32 { return old }},
		{"ack reset to 0 by the new instance", func(uint32) uint32 { return 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &fakeWorld{terrain: a, speed: testSpeed, pos: start, arrival: arrival}
			p := NewPredictor(start, testSpeed, a)
			up := &link[protocol.Input]{delay: 2}
			down := &link[worldMsg]{delay: 2}
			var resyncs []Correction
			trips := 0
			for now := range 80 {
				if now < 60 {
					dir := protocol.DirW
					if p.Seq() >= 20 {
						dir = protocol.DirE // on map b by then: walk the corridor
					}
					up.send(now, p.Next(dir, 0, 0))
				}
				for _, in := range up.recv(now) {
					w.receive(in)
				}
				w.tick()
				if w.traveled {
					down.send(now, worldMsg{mapChange: true, pos: arrival})
					down.send(now, worldMsg{ack: tt.firstAck(w.ack), pos: arrival})
				} else {
					down.send(now, worldMsg{ack: w.ack, pos: w.pos})
				}
				for _, m := range down.recv(now) {
					if m.mapChange {
						trips++
						p.ChangeMap(m.pos, mapB())
						continue
					}
					c := p.Reconcile(m.ack, m.pos)
					if c.Resync {
						resyncs = append(resyncs, c)
					} else if c.Size != 0 {
						t.Fatalf("tick %d: correction %+v outside a resync", now, c)
					}
				}
			}
			if trips != 1 || len(resyncs) != 1 || resyncs[0].Size != 0 {
				t.Fatalf("trips %d, resyncs %+v; want one trip whose resync found the guess exact", trips, resyncs)
			}
			if p.Pos() != w.pos || p.Pending() != 0 {
				t.Errorf("at the end Pos() = %v with %d pending, want the world's %v and none", p.Pos(), p.Pending(), w.pos)
			}
		})
	}
}

func TestPendingInputsAreCapped(t *testing.T) {
	a := mapA()
	p := NewPredictor(rules.TileCenter(2, 4), testSpeed, a)
	for range MaxPending + 44 {
		p.Next(protocol.DirNone, 0, 0)
	}
	if p.Pending() != MaxPending || p.Seq() != MaxPending+44 {
		t.Errorf("Pending(), Seq() = %d, %d; want %d, %d", p.Pending(), p.Seq(), MaxPending, MaxPending+44)
	}
}

func TestNextNumbersInputsAndPeekIsPure(t *testing.T) {
	a := mapA()
	start := rules.TileCenter(11, 3) // next to the wall at column 12
	p := NewPredictor(start, testSpeed, a)
	if got := p.Peek(protocol.DirW); got != walk(start, rules.DirW, testSpeed, a, 1) || p.Pos() != start {
		t.Errorf("Peek(W) = %v and Pos() = %v; want one step west and no change", got, p.Pos())
	}
	for i := range 3 {
		in := p.Next(protocol.DirE, 17, protocol.ButtonPrimary)
		want := protocol.Input{Seq: uint32(i + 1), Move: protocol.DirE, Aim: 17, Buttons: protocol.ButtonPrimary}
		if in != want {
			t.Errorf("Next #%d = %+v, want %+v", i+1, in, want)
		}
	}
	flush := rules.Vec{X: 12*rules.TileSubpixels - rules.BodyHalfWidth, Y: start.Y}
	if p.Pos() != flush || p.Peek(protocol.DirE) != flush {
		t.Errorf("Pos() = %v, Peek(E) = %v; want both flush against the wall at %v", p.Pos(), p.Peek(protocol.DirE), flush)
	}
}
