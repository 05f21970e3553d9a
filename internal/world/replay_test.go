package world

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// viewSink decodes every message a player is sent and applies it to the
// player's client View, as the real client does. It keeps the first error,
// for the test to check after each tick: replication may run on several
// goroutines.
type viewSink struct {
	view *client.View
	err  error
}

func (s *viewSink) refuse(code protocol.CloseCode) {
	if s.err == nil {
		s.err = fmt.Errorf("inputs refused: %v", code)
	}
}

func (s *viewSink) deliver(b []byte) {
	m, err := protocol.Decode(b)
	if err == nil {
		err = s.view.Apply(m)
	}
	if err != nil && s.err == nil {
		s.err = fmt.Errorf("%T: %w", m, err)
	}
}

// TestReplayThroughTheWireReproducesTheServer runs thousands of random ticks
// (walls, direction changes, pauses, crowds crossing each other's views)
// and checks after every tick that each client's View, built only from the
// bytes it was sent, equals the server's state exactly: with the clients
// replicated on one goroutine, and shared among four.
func TestReplayThroughTheWireReproducesTheServer(t *testing.T) {
	for _, replicators := range []int{1, 4} {
		t.Run(fmt.Sprintf("replicators=%d", replicators), func(t *testing.T) { replay(t, replicators) })
	}
}

func replay(t *testing.T, replicators int) {
	rng := rand.New(rand.NewPCG(3, 4))
	rows := make([]string, 120)
	for y := range rows {
		row := make([]byte, 160)
		for x := range row {
			row[x] = '.'
			if rng.IntN(12) == 0 {
				row[x] = '#'
			}
		}
		rows[y] = string(row)
	}
	field := wallTerrain{rows: rows}
	in, _ := testInstance(field, 64*rules.SubpixelsPerPixel)
	in.cfg.replicators, in.cfg.replicatorShare = replicators, 8
	load := func(string) (client.Terrain, error) { return field, nil }

	type walker struct {
		p    *player
		sink *viewSink
		dir  protocol.Direction
		seq  uint32
		tick uint32 // of the last input
	}
	var walkers []*walker
	for i := range 40 {
		var pos rules.Vec
		for {
			pos = rules.TileCenter(rng.IntN(160), rng.IntN(120))
			if rules.Fits(pos, field) {
				break
			}
		}
		sink := &viewSink{view: client.NewView(load)}
		walkers = append(walkers, &walker{p: addPlayer(in, sink, int64(i+1), pos), sink: sink})
	}
	for tick := range 3000 {
		for _, w := range walkers {
			if rng.IntN(15) != 0 {
				continue // inputs are sent only on change
			}
			w.dir = protocol.Direction(rng.IntN(9))
			// For the next tick or a few later; or the current one,
			// which is late and applies at the next.
			w.tick = max(w.tick, w.p.tick+uint32(rng.IntN(4)))
			w.seq++
			w.p.inputs <- protocol.Input{Seq: w.seq, Tick: w.tick, Move: w.dir}
		}
		in.step()
		for _, self := range in.entities {
			sink := self.p.out.(*viewSink)
			if sink.err != nil {
				t.Fatalf("tick %d: %v", tick, sink.err)
			}
			view := sink.view
			ack := self.p.queue.Current().Seq
			if view.Own() != self.pos || view.Ack() != ack || view.Tick() != self.p.tick {
				t.Fatalf("tick %d: own position %v ack %d tick %d in the view, server %v ack %d tick %d",
					tick, view.Own(), view.Ack(), view.Tick(), self.pos, ack, self.p.tick)
			}
			known := 0
			for h, e := range self.view.handles {
				if e == nil {
					continue
				}
				known++
				got, ok := view.Entity(uint32(h))
				if !ok || got.Pos != e.pos || got.Dir != e.dir || got.Speed != e.speed || got.Name != e.p.char.Name || got.HP != int64(e.p.char.HP) {
					t.Fatalf("tick %d: handle %d in the view is %+v (%v), server has pos %v dir %v speed %d", tick, h, got, ok, e.pos, e.dir, e.speed)
				}
			}
			if view.Len() != known {
				t.Fatalf("tick %d: the view holds %d entities, the server says the client knows %d", tick, view.Len(), known)
			}
		}
	}
}
