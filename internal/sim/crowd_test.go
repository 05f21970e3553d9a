package sim

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tinymmo/tinymmo/internal/character"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// TestCrowdAtOneSpawnNeverOverflowsASnapshot puts 2,000 players (500 under
// the race detector) on one spot at once (as if all had logged out there):
// every snapshot must stay under the client's message cap, and each player
// comes to know the DefaultMaxVisible nearest, and no more.
func TestCrowdAtOneSpawnNeverOverflowsASnapshot(t *testing.T) {
	n := 2000
	if raceEnabled {
		n = 500 // the race detector makes 2,000 take minutes
	}
	in := New(1, "crowd", openField{w: 100, h: 100}, testConfig(0))
	spot := rules.TileCenter(50, 50)
	first := NewPlayer(character.Character{ID: 1, Name: "First", Class: character.ClassKnight, X: spot.X, Y: spot.Y}, nil)
	in.Add(Arrival{Player: first})
	for i := 2; i <= n; i++ {
		in.Add(Arrival{Player: NewPlayer(character.Character{ID: int64(i), Name: "Crowd member", Class: character.ClassKnight, X: spot.X + int32(i%7), Y: spot.Y}, nil)})
	}
	visible := min(n-1, DefaultMaxVisible)
	largest, ticks := 0, 0
	for ; ticks < 1000 && (first.entity == nil || first.entity.view.known < visible); ticks++ {
		in.Step(0, nil)
		for _, m := range in.Replicate(0, 1) {
			largest = max(largest, len(m.Bytes))
		}
	}
	if largest > protocol.MaxWorldMessage {
		t.Fatalf("largest snapshot %d B, over the client's cap of %d", largest, protocol.MaxWorldMessage)
	}
	// A view is searched every DefaultScanEvery ticks, and each search
	// spawns up to DefaultMaxSpawns, until DefaultMaxVisible are known.
	searches := (visible + DefaultMaxSpawns - 1) / DefaultMaxSpawns
	if want := (searches-1)*DefaultScanEvery + 1; ticks > want {
		t.Fatalf("the first player knew %d after %d ticks, want at most %d (%d spawns a search, a search every %d ticks)", visible, ticks, want, DefaultMaxSpawns, DefaultScanEvery)
	}
	for range 2 * DefaultScanEvery {
		in.Step(0, nil)
		in.Replicate(0, 1)
	}
	for _, e := range in.entities {
		if e.view.known > DefaultMaxVisible {
			t.Fatalf("a player knows %d, over the cap of %d", e.view.known, DefaultMaxVisible)
		}
	}
	// The first player knows the nearest.
	self := first.entity
	var farthestKnown int64
	for _, e := range self.view.handles {
		if e != nil {
			farthestKnown = max(farthestKnown, distance2(e.pos, self.pos))
		}
	}
	for _, e := range in.entities {
		if e != self && !slices.Contains(self.view.handles, e) && distance2(e.pos, self.pos) < farthestKnown {
			t.Fatalf("an entity %d² away is unknown while one %d² away is known", distance2(e.pos, self.pos), farthestKnown)
		}
	}
	t.Logf("largest snapshot %d B; everyone known after %d ticks", largest, ticks)
}

func TestSpawnsComeNearestFirst(t *testing.T) {
	cfg := testConfig(0)
	cfg.MaxSpawns = 3
	cfg.ScanEvery = 1
	h := newHarness(t, openField{w: 100, h: 100}, cfg)
	self := h.join(1, rules.TileCenter(50, 50))
	for i, dx := range []int{9, 1, 7, 2, 8, 3} {
		h.join(int64(i+2), rules.TileCenter(50+dx, 50))
	}
	h.step()
	var xs []int32
	for _, sp := range h.lastSnapshot(self).Spawns {
		for _, p := range sp.Props {
			if p.ID == protocol.PropX {
				xs = append(xs, int32(p.Value))
			}
		}
	}
	want := []int32{rules.TileCenter(51, 0).X, rules.TileCenter(52, 0).X, rules.TileCenter(53, 0).X}
	if len(xs) != 3 || xs[0] != want[0] || xs[1] != want[1] || xs[2] != want[2] {
		t.Fatalf("first snapshot spawns at x %v, want the three nearest %v", xs, want)
	}
	h.step()
	if got := len(h.lastSnapshot(self).Spawns); got != 3 {
		t.Fatalf("second snapshot spawns %d, want the other 3", got)
	}
}

// TestSteadyStepAllocatesNothing walks a crowd that has settled: a step and
// its replication must not allocate.
func TestSteadyStepAllocatesNothing(t *testing.T) {
	h := newHarness(t, openField{w: 100, h: 100}, testConfig(0))
	var players []*Player
	for i := range 50 {
		players = append(players, h.join(int64(i+1), rules.TileCenter(40+i%10, 40+i/10)))
	}
	dirs := []protocol.Direction{protocol.DirE, protocol.DirW}
	tick := 0
	step := func() {
		tick++
		var inputs []Input
		if tick%10 == 0 {
			inputs = h.pending[:0]
			for i, p := range players {
				c := h.clients[p]
				c.seq++
				inputs = append(inputs, Input{Player: p, Input: protocol.Input{Seq: c.seq, Move: dirs[(tick/10+i)%2]}})
			}
			h.pending = inputs
		}
		h.in.Step(0, inputs)
		h.in.Replicate(0, 1)
	}
	for range 100 {
		step()
	}
	if allocs := testing.AllocsPerRun(200, step); allocs != 0 {
		t.Fatalf("a steady step allocates %.1f times, want 0", allocs)
	}
}

func TestNearestPutsTheKNearestFirst(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for range 200 {
		n := 1 + rng.IntN(300)
		k := 1 + rng.IntN(n)
		cs := make([]candidate, n)
		for i := range cs {
			cs[i].d2 = int64(rng.IntN(50)) // many ties
		}
		sorted := make([]int64, n)
		for i, c := range cs {
			sorted[i] = c.d2
		}
		slices.Sort(sorted)
		nearest(cs, k)
		for _, c := range cs[:k] {
			if c.d2 > sorted[k-1] {
				t.Fatalf("n %d k %d: %d among the first k, but the k-th smallest is %d", n, k, c.d2, sorted[k-1])
			}
		}
	}
}

// TestANearlyFullViewWaitsBeforeSearchingAgain fills a view to its most
// visible, then takes entities out of it: while it keeps seven eighths it
// takes newcomers only every maxDeferredSearches+1 searches, though it
// despawns the leavers at once; below that it takes them at the next
// search.
func TestANearlyFullViewWaitsBeforeSearchingAgain(t *testing.T) {
	const maxVisible, others = 16, 24
	cfg := testConfig(0)
	cfg.MaxVisible, cfg.ScanEvery = maxVisible, 1 // every tick searches
	in := New(1, "crowd", openField{w: 100, h: 100}, cfg)
	spot := rules.TileCenter(50, 50)
	self := NewPlayer(character.Character{ID: 1, Name: "Self", Class: character.ClassKnight, X: spot.X, Y: spot.Y}, nil)
	in.Add(Arrival{Player: self})
	crowd := make([]*Player, others)
	for i := range crowd {
		at := rules.TileCenter(50+i%8, 48+i/8)
		crowd[i] = NewPlayer(character.Character{ID: int64(i + 2), Name: "Crowd member", Class: character.ClassKnight, X: at.X, Y: at.Y}, nil)
		in.Add(Arrival{Player: crowd[i]})
	}
	step := func() int {
		in.Step(0, nil)
		in.Replicate(0, 1)
		return self.entity.view.known
	}
	for range 3 {
		step()
	}
	if known := self.entity.view.known; known != maxVisible {
		t.Fatalf("the view holds %d, want it full at %d", known, maxVisible)
	}
	// Take out one entity the view knows: the next search despawns it,
	// and the view waits maxDeferredSearches more before taking a
	// newcomer.
	leave := func(n int) {
		for _, e := range self.entity.view.handles {
			if n == 0 {
				return
			}
			if e != nil {
				in.Remove(e.p)
				n--
			}
		}
	}
	leave(1)
	for i := range 1 + maxDeferredSearches {
		if known := step(); known != maxVisible-1 {
			t.Fatalf("search %d after one left: the view holds %d, want %d (the leaver despawned, no newcomer yet)", i+1, known, maxVisible-1)
		}
	}
	if known := step(); known != maxVisible {
		t.Fatalf("search %d after one left: the view holds %d, want it full again at %d", maxDeferredSearches+2, known, maxVisible)
	}
	// Below seven eighths it searches at the next search.
	gone := maxVisible - nearlyFull(maxVisible) + 1
	leave(gone)
	if known := step(); known != maxVisible-gone {
		t.Fatalf("the search after %d left: the view holds %d, want %d", gone, known, maxVisible-gone)
	}
	if known := step(); known != maxVisible {
		t.Fatalf("the second search after %d left: the view holds %d, want it refilled to %d", gone, known, maxVisible)
	}
}
