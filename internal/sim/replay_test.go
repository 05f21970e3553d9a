package sim

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// TestReplayThroughTheWireReproducesTheServer runs thousands of random ticks
// (walls, direction changes, pauses, crowds crossing each other's views,
// players leaving and new ones arriving) and checks after every tick that
// each client's View, built only from the bytes it was sent, equals the
// server's state exactly, and that every entity's observers are exactly
// the viewers that know it: with the clients replicated in one part, and
// in four.
func TestReplayThroughTheWireReproducesTheServer(t *testing.T) {
	for _, parts := range []int{1, 4} {
		t.Run(fmt.Sprintf("parts=%d", parts), func(t *testing.T) { replay(t, parts) })
	}
}

func replay(t *testing.T, parts int) {
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
	cfg := testConfig(64 * rules.SubpixelsPerPixel)
	cfg.MaxSpawns = 5 // crowds arrive over several snapshots
	h := newHarness(t, field, cfg)
	h.parts = parts
	type walker struct {
		p   *Player
		dir protocol.Direction
	}
	var walkers []*walker
	ids := int64(0)
	arrive := func() *walker {
		var pos rules.Vec
		for {
			pos = rules.TileCenter(rng.IntN(160), rng.IntN(120))
			if rules.Fits(pos, field) {
				break
			}
		}
		ids++
		return &walker{p: h.join(ids, pos)}
	}
	for range 40 {
		walkers = append(walkers, arrive())
	}
	skipped, left := 0, 0
	for tick := range 3000 {
		if tick > 0 && rng.IntN(20) == 0 {
			// A player leaves between two ticks, and another arrives.
			i := rng.IntN(len(walkers))
			h.in.Remove(walkers[i].p)
			delete(h.clients, walkers[i].p)
			walkers[i] = arrive()
			left++
		}
		for _, w := range walkers {
			if rng.IntN(15) == 0 {
				w.dir = protocol.Direction(rng.IntN(9))
			}
			if rng.IntN(10) == 0 {
				continue // no input this tick
			}
			h.walk(w.p, w.dir)
		}
		h.step()
		for _, self := range h.in.entities {
			view := h.clients[self.p].view
			if view.Tick() != self.p.Tick() {
				// Not sent this tick: nothing changed for it, and its
				// next snapshot steps the view through this tick.
				skipped++
				continue
			}
			if view.Own() != self.pos || view.Ack() != self.p.inputs.Current().Seq {
				t.Fatalf("tick %d: own position %v ack %d in the view, server %v ack %d", tick, view.Own(), view.Ack(), self.pos, self.p.inputs.Current().Seq)
			}
			known := 0
			for hd, e := range self.view.handles {
				if e == nil {
					continue
				}
				known++
				got, ok := view.Entity(uint32(hd))
				if !ok || got.Pos != e.pos || got.Dir != e.dir || got.Speed != e.speed || got.Name != e.p.Char.Name || got.HP != int64(e.p.Char.HP) {
					t.Fatalf("tick %d: handle %d in the view is %+v (%v), server has pos %v dir %v speed %d", tick, hd, got, ok, e.pos, e.dir, e.speed)
				}
			}
			if view.Len() != known {
				t.Fatalf("tick %d: the view holds %d entities, the server says the client knows %d", tick, view.Len(), known)
			}
		}
		checkObservers(t, h.in)
	}
	if left < 50 {
		t.Errorf("only %d players left during the run", left)
	}
	if skipped == 0 {
		t.Errorf("no quiet tick went unsent: the test did not check skipping")
	}
}

// checkObservers fails the test unless every entity's observers are
// exactly the viewers that know it, under their handles, and no viewer
// knows an entity that left before the tick's snapshots.
func checkObservers(t *testing.T, in *Instance) {
	t.Helper()
	in.applyViewLogs() // what the next Step does first
	want := map[*entity]map[observer]bool{}
	for _, viewerOf := range in.entities {
		for h, e := range viewerOf.view.handles {
			if e != nil && e.removed {
				t.Fatalf("player %d still knows player %d, who left before this tick's snapshots", viewerOf.p.Char.ID, e.p.Char.ID)
			}
			if e != nil {
				if want[e] == nil {
					want[e] = map[observer]bool{}
				}
				want[e][observer{viewerOf.view.id, uint16(h)}] = true
			}
		}
	}
	for _, e := range in.entities {
		got := map[observer]bool{}
		for _, o := range e.observers {
			if got[o] {
				t.Fatalf("entity %d lists observer %v twice", e.p.Char.ID, o)
			}
			got[o] = true
		}
		if len(got) != len(want[e]) {
			t.Fatalf("entity %d has %d observers, %d viewers know it", e.p.Char.ID, len(got), len(want[e]))
		}
		for o := range got {
			if !want[e][o] {
				t.Fatalf("entity %d lists observer %v, which does not know it", e.p.Char.ID, o)
			}
		}
	}
}
