package sim

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// TestWalkingFollowsTheInputsExactly fails a world that ignores its input:
// the snapshots that come out must say exactly where the inputs took the
// player, tick by tick.
func TestWalkingFollowsTheInputsExactly(t *testing.T) {
	h := newHarness(t, openField{w: 50, h: 50}, testConfig(0))
	start := rules.TileCenter(25, 25)
	p := h.join(1, start)
	h.step()
	welcome, ok := h.clients[p].msgs[0].(protocol.Welcome)
	if !ok || welcome.X != start.X || welcome.Y != start.Y || welcome.Map != "test" || welcome.TickRate != 20 {
		t.Fatalf("first message %+v, want a Welcome at %v on test at 20 Hz", h.clients[p].msgs[0], start)
	}
	speed := p.entity.speed
	if speed <= 0 {
		t.Fatalf("speed %d", speed)
	}
	want := start
	moves := []struct {
		dir    protocol.Direction
		dx, dy int32
	}{
		{protocol.DirE, speed, 0}, {protocol.DirE, speed, 0}, {protocol.DirS, 0, speed},
		{protocol.DirNone, 0, 0}, {protocol.DirW, -speed, 0},
	}
	for i, m := range moves {
		h.walk(p, m.dir)
		h.step()
		want.X += m.dx
		want.Y += m.dy
		s := h.lastSnapshot(p)
		if s.Tick != welcome.Tick+uint32(i)+2 || !s.HasAck || s.Ack != uint32(i+1) {
			t.Fatalf("step %d: snapshot tick %d ack %v/%d, want tick %d ack %d", i, s.Tick, s.HasAck, s.Ack, welcome.Tick+uint32(i)+2, i+1)
		}
		if got := h.pos(p); got != want {
			t.Fatalf("step %d (%v): server has %v, want %v", i, m.dir, got, want)
		}
		if got := h.clients[p].view.Own(); got != want {
			t.Fatalf("step %d (%v): the client was told %v, want %v", i, m.dir, got, want)
		}
	}
}

func TestInputFloodNeverMovesFasterThanSpeed(t *testing.T) {
	h := newHarness(t, openField{w: 200, h: 200}, testConfig(0))
	start := rules.TileCenter(100, 100)
	p := h.join(1, start)
	h.step()
	speed := p.entity.speed
	prev := h.pos(p)
	for tick := range 50 {
		// Ten times more inputs than ticks.
		for range 10 {
			h.walk(p, protocol.DirE)
		}
		h.step()
		pos := h.pos(p)
		if d := pos.X - prev.X; d > speed || pos.Y != prev.Y {
			t.Fatalf("tick %d: moved from %v to %v, more than the speed %d", tick, prev, pos, speed)
		}
		prev = pos
	}
	if got, limit := prev.X-start.X, 50*speed; got > limit {
		t.Fatalf("moved %d subpixels in 50 ticks, want at most %d", got, limit)
	}
}

func TestRandomWalksNeverEnterWalls(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	rows := make([]string, 40)
	for y := range rows {
		row := make([]byte, 40)
		for x := range row {
			row[x] = '.'
			if rng.IntN(5) == 0 && !(x >= 18 && x <= 22 && y >= 18 && y <= 22) {
				row[x] = '#'
			}
		}
		rows[y] = string(row)
	}
	field := wallTerrain{rows: rows}
	h := newHarness(t, field, testConfig(0))
	var players []*Player
	for i := range 20 {
		players = append(players, h.join(int64(i+1), rules.TileCenter(18+i%5, 18+i/5)))
	}
	for tick := range 2000 {
		for _, p := range players {
			h.walk(p, protocol.Direction(rng.IntN(9)))
		}
		h.step()
		for _, p := range players {
			if !rules.Fits(h.pos(p), field) {
				t.Fatalf("tick %d: player at %v overlaps a wall", tick, h.pos(p))
			}
		}
	}
}

func TestMalformedAndMisplacedInputsAreRefused(t *testing.T) {
	h := newHarness(t, openField{w: 50, h: 50}, testConfig(0))
	p := h.join(1, rules.TileCenter(25, 25))
	stranger := NewPlayer(p.Char, nil)
	h.step()
	h.walk(p, protocol.DirE)
	h.pending = append(h.pending, h.pending[0]) // the same Seq again
	h.pending = append(h.pending, Input{Player: stranger, Input: protocol.Input{Seq: 1}})
	r := h.step()
	if len(r.Refused) != 2 || r.Refused[0].Player != p || r.Refused[1].Player != stranger {
		t.Fatalf("refused %+v, want the repeated input and the stranger's", r.Refused)
	}
	if !errors.Is(r.Refused[0].Err, ErrMalformedInput) || !errors.Is(r.Refused[1].Err, ErrNotHere) {
		t.Fatalf("refusals %v and %v, want ErrMalformedInput and ErrNotHere", r.Refused[0].Err, r.Refused[1].Err)
	}
}

// TestInterestManagementMatchesBruteForce checks every client's view
// against every entity, each time the view is searched: every tick, and
// every DefaultScanEvery ticks.
func TestInterestManagementMatchesBruteForce(t *testing.T) {
	for _, scanEvery := range []int{1, DefaultScanEvery} {
		for _, margin := range []int32{0, 128 * rules.SubpixelsPerPixel} {
			t.Run(fmt.Sprintf("scan_every=%d/margin=%d", scanEvery, margin), func(t *testing.T) {
				interestMatchesBruteForce(t, scanEvery, margin)
			})
		}
	}
}

func interestMatchesBruteForce(t *testing.T, scanEvery int, margin int32) {
	field := openField{w: 400, h: 300}
	cfg := testConfig(margin)
	cfg.ScanEvery = scanEvery
	cfg.MaxSpawns = 1000 // this test checks the view, not the cap
	h := newHarness(t, field, cfg)
	rng := rand.New(rand.NewPCG(1, uint64(margin)))
	wSub, hSub := field.SizeSubpixels()
	var players []*Player
	for i := range 300 {
		p := rules.Vec{X: rules.TileSubpixels + rng.Int32N(wSub-2*rules.TileSubpixels), Y: rules.TileSubpixels + rng.Int32N(hSub-2*rules.TileSubpixels)}
		players = append(players, h.join(int64(i+1), p))
	}
	dirs := make([]protocol.Direction, len(players))
	for tick := range 200 {
		for i, p := range players {
			if rng.IntN(20) == 0 {
				dirs[i] = protocol.Direction(rng.IntN(9))
			}
			h.walk(p, dirs[i])
		}
		h.step()
		in := h.in
		for _, self := range in.entities {
			if (in.tick-self.phase)%uint32(scanEvery) != 0 {
				continue // not searched this tick
			}
			spawn := viewRect(self.pos, in.cfg.SpawnHalf)
			keep := viewRect(self.pos, in.cfg.KeepHalf)
			for _, e := range in.entities {
				if e == self {
					continue
				}
				known := slices.Contains(self.view.handles, e)
				switch {
				case spawn.Contains(e.pos) && !known:
					t.Fatalf("margin %d tick %d: entity at %v is in view of %v but not known", margin, tick, e.pos, self.pos)
				case !keep.Contains(e.pos) && known:
					t.Fatalf("margin %d tick %d: entity at %v is outside the view of %v but still known", margin, tick, e.pos, self.pos)
				}
			}
		}
	}
}

func TestPortalHandsOverThePlayerWithItsState(t *testing.T) {
	h := newHarness(t, wallTerrain{rows: []string{
		"..........",
		"....P.....",
		"..........",
	}}, testConfig(0))
	p := h.join(1, rules.TileCenter(2, 1))
	h.step()
	var travels []Travel
	for range 20 {
		h.walk(p, protocol.DirE)
		r := h.step()
		travels = append(travels, r.Travels...)
		if len(travels) > 0 {
			break
		}
	}
	if len(travels) != 1 || travels[0].Player != p || travels[0].Portal.TargetMap != "elsewhere" {
		t.Fatalf("travels %+v, want the one player to elsewhere", travels)
	}
	if h.in.Population() != 0 || p.entity != nil {
		t.Fatalf("instance still holds %d players", h.in.Population())
	}
	if p.Char.HP != 37 || p.Char.MaxHP != 90 {
		t.Fatalf("health after the portal = %d/%d, want 37/90", p.Char.HP, p.Char.MaxHP)
	}
	if tx, _ := (rules.Vec{X: p.Char.X, Y: p.Char.Y}).Tile(); tx != 4 {
		t.Fatalf("handed over at tile x %d, want the portal's 4", tx)
	}
}

func TestPlayerTickContinuesOnTheNextMap(t *testing.T) {
	first := newHarness(t, wallTerrain{rows: []string{"..P......."}}, testConfig(0))
	p := first.join(1, rules.TileCenter(0, 0))
	first.step()
	for len(first.last.Travels) == 0 {
		first.walk(p, protocol.DirE)
		first.step()
	}
	tick := p.Tick()
	second := New(2, "next", openField{w: 20, h: 20}, testConfig(0))
	p.Char.X, p.Char.Y = rules.TileCenter(5, 5).X, rules.TileCenter(5, 5).Y
	second.Add(Arrival{Player: p})
	r := second.Step(0, nil)
	if len(r.Messages) != 1 {
		t.Fatalf("arrival sent %d messages, want a MapChange", len(r.Messages))
	}
	m, err := protocol.Decode(r.Messages[0].Bytes)
	if err != nil {
		t.Fatal(err)
	}
	mc, ok := m.(protocol.MapChange)
	if !ok || mc.Tick != tick || mc.Map != "next" || mc.Instance != 2 {
		t.Fatalf("arrival message %+v, want a MapChange to next (2) at player tick %d", m, tick)
	}
	if p.Tick() != tick+1 {
		t.Fatalf("player tick %d after one step on the new map, want %d", p.Tick(), tick+1)
	}
}

func TestRemovedPlayerIsDespawnedForOthers(t *testing.T) {
	h := newHarness(t, openField{w: 100, h: 100}, testConfig(0))
	watcher := h.join(1, rules.TileCenter(50, 50))
	leaver := h.join(2, rules.TileCenter(52, 50))
	h.step()
	h.walk(leaver, protocol.DirE)
	h.step()
	speed := leaver.entity.speed
	c := h.in.Remove(leaver)
	if c.ID != 2 || c.HP != 37 || c.X != rules.TileCenter(52, 50).X+speed {
		t.Fatalf("final state %+v, want character 2 with 37 HP, one step east", c)
	}
	h.step()
	if s := h.lastSnapshot(watcher); len(s.Despawns) != 1 {
		t.Fatalf("watcher's snapshot despawns %v, want the leaver's handle", s.Despawns)
	}
	if h.in.Population() != 1 {
		t.Fatalf("population %d, want 1", h.in.Population())
	}
}

// TestAutosaveSavesEveryoneOnceAnIntervalSpreadOverIt: over two intervals
// every player is saved twice, as it is at that tick, and the saves are
// spread over the ticks instead of falling in one.
func TestAutosaveSavesEveryoneOnceAnIntervalSpreadOverIt(t *testing.T) {
	const players, every = 10, 5
	cfg := testConfig(0)
	cfg.AutosaveTicks = every
	h := newHarness(t, openField{w: 100, h: 100}, cfg)
	var ps []*Player
	for i := range players {
		ps = append(ps, h.join(int64(i+1), rules.TileCenter(10+3*i, 50)))
	}
	saved := map[int64]int{}
	most := 0
	for range 2 * every {
		for _, p := range ps {
			h.walk(p, protocol.DirE)
		}
		r := h.step()
		most = max(most, len(r.Saves))
		for _, c := range r.Saves {
			saved[c.ID]++
			if p := ps[c.ID-1]; c.X != h.pos(p).X || c.Version != int64(saved[c.ID]) {
				t.Fatalf("autosave of character %d: x %d, version %d; the server has x %d, and it is save %d",
					c.ID, c.X, c.Version, h.pos(p).X, saved[c.ID])
			}
		}
	}
	for _, p := range ps {
		if n := saved[p.Char.ID]; n != 2 {
			t.Errorf("character %d saved %d times in two intervals, want 2", p.Char.ID, n)
		}
	}
	if want := players / every; most != want {
		t.Errorf("at most %d saves in one tick, want %d: %d players spread over %d ticks", most, want, players, every)
	}
}

func TestEmptyInstanceIsReportedAfterItsTimeout(t *testing.T) {
	cfg := testConfig(0)
	cfg.EmptyTicks = 5
	h := newHarness(t, openField{w: 20, h: 20}, cfg)
	p := h.join(1, rules.TileCenter(5, 5))
	for range 10 {
		if h.step().Empty {
			t.Fatal("an occupied instance was reported empty")
		}
	}
	h.in.Remove(p)
	var empty []int
	for i := range 12 {
		if h.in.Step(0, nil).Empty {
			empty = append(empty, i)
		}
	}
	if !slices.Equal(empty, []int{4, 9}) {
		t.Fatalf("reported empty at steps %v, want every 5th: [4 9]", empty)
	}
}

func TestArrivalsAtASpawnSpreadOverItsArea(t *testing.T) {
	cfg := testConfig(0)
	cfg.SpreadRadius = 6 * rules.TileSubpixels
	field := wallTerrain{rows: slices.Repeat([]string{"....#.....P........."}, 20)}
	h := newHarness(t, field, cfg)
	spawn := rules.TileCenter(7, 10)
	var players []*Player
	for i := range 100 {
		p := h.join(int64(i+1), spawn)
		h.in.arrivals[len(h.in.arrivals)-1].Spread = true
		players = append(players, p)
	}
	h.step()
	spots := map[rules.Vec]bool{}
	for _, p := range players {
		pos := h.pos(p)
		spots[pos] = true
		if d := max(abs(pos.X-spawn.X), abs(pos.Y-spawn.Y)); d > cfg.SpreadRadius+p.entity.speed {
			t.Fatalf("arrived at %v, %d subpixels from the spawn %v", pos, d, spawn)
		}
		if !rules.Fits(pos, field) {
			t.Fatalf("arrived at %v, in a wall", pos)
		}
		if _, portal := field.PortalAt(pos); portal {
			t.Fatalf("arrived at %v, in a portal", pos)
		}
	}
	if len(spots) < 90 {
		t.Fatalf("100 arrivals stand on %d spots, want them spread", len(spots))
	}
}

func abs(v int32) int32 { return max(v, -v) }

func TestInputsApplyAtTheirTickAndAreAckedThen(t *testing.T) {
	h := newHarness(t, openField{w: 50, h: 50}, testConfig(0))
	start := rules.TileCenter(25, 25)
	p := h.join(1, start)
	h.step()
	w := h.clients[p].msgs[0].(protocol.Welcome)
	speed := p.entity.speed
	if w.Speed != uint32(speed) || speed <= 0 {
		t.Fatalf("Welcome.Speed = %d, want the player's %d", w.Speed, speed)
	}
	if s := h.lastSnapshot(p); s.Tick != w.Tick+1 || s.HasAck {
		t.Fatalf("first snapshot: tick %d, ack %v; want tick %d, no ack before any input", s.Tick, s.HasAck, w.Tick+1)
	}
	k := p.Tick()
	// S from k+2, E from k+4 (two for the same tick: the last wins), and
	// W, late: tagged k+4, it arrives when the player is at k+4 already
	// and applies from k+5. Without a new input the last one holds.
	send := func(seq, tick uint32, dir protocol.Direction) {
		h.pending = append(h.pending, Input{Player: p, Input: protocol.Input{Seq: seq, Tick: tick, Move: dir}})
	}
	send(1, k+2, protocol.DirS)
	send(2, k+4, protocol.DirN)
	send(3, k+4, protocol.DirE)
	wantAck := map[uint32]uint32{k + 2: 1, k + 4: 3, k + 5: 4}
	pos := start
	for range 8 {
		if p.Tick() == k+4 {
			send(4, k+4, protocol.DirW)
		}
		h.step()
		tick := p.Tick()
		// A tick where nothing changed for the player may go unsent.
		msgs := h.clients[p].msgs
		s, sent := msgs[len(msgs)-1].(protocol.Snapshot)
		sent = sent && s.Tick == tick
		want, acked := wantAck[tick]
		if acked && (!sent || !s.HasAck || s.Ack != want) || !acked && sent && s.HasAck {
			t.Fatalf("player tick %d: snapshot sent %v, ack %v %d; want ack %v %d", tick, sent, s.HasAck, s.Ack, acked, want)
		}
		switch {
		case tick >= k+5:
			pos.X -= speed
		case tick >= k+4:
			pos.X += speed
		case tick >= k+2:
			pos.Y += speed
		}
		if got := h.pos(p); got != pos {
			t.Fatalf("tick %d: at %v, want %v", tick, got, pos)
		}
	}
}

func TestMalformedInputsAreRefused(t *testing.T) {
	tests := []struct {
		name   string
		inputs []protocol.Input // Tick is relative to the player's tick
	}{
		{"seq 0", []protocol.Input{{Seq: 0, Tick: 1}}},
		{"seq repeated", []protocol.Input{{Seq: 5, Tick: 1}, {Seq: 5, Tick: 2}}},
		{"tick going back", []protocol.Input{{Seq: 1, Tick: 3}, {Seq: 2, Tick: 2}}},
		{"tick too far ahead", []protocol.Input{{Seq: 1, Tick: protocol.MaxInputLead + 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, openField{w: 50, h: 50}, testConfig(0))
			p := h.join(1, rules.TileCenter(25, 25))
			h.step()
			for _, m := range tt.inputs {
				m.Tick += p.Tick()
				h.pending = append(h.pending, Input{Player: p, Input: m})
			}
			r := h.step()
			if len(r.Refused) != 1 || !errors.Is(r.Refused[0].Err, ErrMalformedInput) {
				t.Fatalf("refused %+v, want one ErrMalformedInput", r.Refused)
			}
		})
	}
}

func TestInputsBeyondTheQueueAreDropped(t *testing.T) {
	h := newHarness(t, openField{w: 50, h: 50}, testConfig(0))
	p := h.join(1, rules.TileCenter(25, 25))
	h.step()
	// A queue's worth waiting for a tick far ahead: the next is dropped,
	// not refused as malformed.
	for i := range protocol.MaxQueuedInputs {
		h.pending = append(h.pending, Input{Player: p, Input: protocol.Input{Seq: uint32(i + 1), Tick: p.Tick() + 100}})
	}
	if r := h.step(); len(r.Refused) != 0 {
		t.Fatalf("refused %+v while the queue had room", r.Refused)
	}
	h.pending = append(h.pending, Input{Player: p, Input: protocol.Input{Seq: 100, Tick: p.Tick() + 100, Move: protocol.DirE}})
	r := h.step()
	if len(r.Refused) != 1 || !errors.Is(r.Refused[0].Err, ErrInputQueueFull) {
		t.Fatalf("refused %+v, want one ErrInputQueueFull", r.Refused)
	}
}

func TestHeldInputKeepsWalkingWithoutMessages(t *testing.T) {
	h := newHarness(t, openField{w: 100, h: 100}, testConfig(0))
	start := rules.TileCenter(20, 50)
	p := h.join(1, start)
	h.step()
	h.walk(p, protocol.DirE)
	for range 30 {
		h.step() // one input, thirty steps
	}
	if want := start.X + 30*p.entity.speed; h.pos(p).X != want {
		t.Fatalf("after one input to walk east and 30 ticks: x %d, want %d", h.pos(p).X, want)
	}
}

func TestQuietClientsGetASnapshotOnlyNowAndThen(t *testing.T) {
	cfg := testConfig(0)
	cfg.QuietTicks = 5
	h := newHarness(t, openField{w: 100, h: 100}, cfg)
	still := h.join(1, rules.TileCenter(50, 50))
	h.join(2, rules.TileCenter(55, 50))
	h.step()
	var sentAt []uint32
	for range 20 {
		h.step()
		for _, m := range h.clients[still].msgs {
			if s, ok := m.(protocol.Snapshot); ok && s.Tick == still.Tick() {
				sentAt = append(sentAt, s.Tick)
			}
		}
	}
	first := sentAt[0]
	for i, tick := range sentAt {
		if tick != first+uint32(5*i) {
			t.Fatalf("snapshots of a quiet player at ticks %v, want one every 5", sentAt)
		}
	}
	// Something happens: the next snapshot comes at once.
	other := h.in.entities[1].p
	h.walk(other, protocol.DirS)
	h.step()
	if s := h.lastSnapshot(still); s.Tick != still.Tick() || len(s.Moves) != 1 {
		t.Fatalf("after the other player turned: snapshot of tick %d with moves %v, want one at tick %d with its move", s.Tick, s.Moves, still.Tick())
	}
}

// TestSpawnsCarryTheDocumentedProperties checks the Spawns row of
// docs/protocol.md against what a spawn carries: the document once said
// "every property" while four registered ones were never sent.
func TestSpawnsCarryTheDocumentedProperties(t *testing.T) {
	doc, err := os.ReadFile("../../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for line := range strings.Lines(string(doc)) {
		if _, rest, ok := strings.Cut(line, "| Spawns |"); ok {
			_, names, _ := strings.Cut(rest, "in this version ")
			names, _, _ = strings.Cut(names, " (")
			names = strings.ReplaceAll(names, " and ", ", ")
			listed = strings.Split(names, ", ")
		}
	}
	ids := map[string]protocol.PropID{
		"X": protocol.PropX, "Y": protocol.PropY, "Dir": protocol.PropDir, "Speed": protocol.PropSpeed,
		"Facing": protocol.PropFacing, "Anim": protocol.PropAnim, "HP": protocol.PropHP, "MaxHP": protocol.PropMaxHP,
		"MP": protocol.PropMP, "MaxMP": protocol.PropMaxMP, "Name": protocol.PropName, "Sprite": protocol.PropSprite,
		"Level": protocol.PropLevel,
	}
	want := map[protocol.PropID]bool{}
	for _, name := range listed {
		id, ok := ids[name]
		if !ok {
			t.Fatalf("docs/protocol.md lists %q among a spawn's properties (from %q), which is no property", name, listed)
		}
		want[id] = true
	}

	h := newHarness(t, openField{w: 40, h: 40}, testConfig(64*rules.SubpixelsPerPixel))
	a := h.join(1, rules.TileCenter(10, 10))
	h.join(2, rules.TileCenter(12, 10))
	h.step()
	s := h.lastSnapshot(a)
	if len(s.Spawns) != 1 {
		t.Fatalf("the first snapshot spawns %d entities, want the other player", len(s.Spawns))
	}
	got := map[protocol.PropID]bool{}
	for _, p := range s.Spawns[0].Props {
		got[p.ID] = true
	}
	if !maps.Equal(got, want) {
		t.Errorf("a spawn carries properties %v; docs/protocol.md lists %v", got, want)
	}
}

// TestLeavingJustAfterBeingSeenIsDespawnedAtOnce removes a player between
// the tick in which another first saw it and the next: that viewer's log
// of what it took in is not applied yet, and it must still be told.
func TestLeavingJustAfterBeingSeenIsDespawnedAtOnce(t *testing.T) {
	cfg := testConfig(64 * rules.SubpixelsPerPixel)
	cfg.ScanEvery = 8 // the next search is far off: only being told can despawn it
	h := newHarness(t, openField{w: 40, h: 40}, cfg)
	a := h.join(1, rules.TileCenter(10, 10))
	b := h.join(2, rules.TileCenter(12, 10))
	h.step()
	if n := h.clients[a].view.Len(); n != 1 {
		t.Fatalf("after the first step player 1 sees %d entities, want player 2", n)
	}
	h.in.Remove(b)
	delete(h.clients, b)
	h.step()
	if n := h.clients[a].view.Len(); n != 0 {
		t.Errorf("the tick after player 2 left, player 1 still sees %d entities", n)
	}
}

// TestArrivalHoldingOnDoesNotLeadBackOut sends a player through a portal
// holding north, to a spot just south of another portal: walking on, it
// stands in that portal and stays, long after the arrival's guard, until
// it lets go of north.
func TestArrivalHoldingOnDoesNotLeadBackOut(t *testing.T) {
	h := newHarness(t, wallTerrain{rows: []string{
		"....P.....",
		"..........",
		"..........",
		"..........",
	}}, testConfig(0))
	p := h.join(1, rules.TileCenter(4, 3))
	h.step()
	h.walk(p, protocol.DirN)
	travelled := func(ticks int) bool {
		for range ticks {
			if len(h.step().Travels) > 0 {
				return true
			}
		}
		return false
	}
	if !travelled(40) {
		t.Fatal("walking north from 3 tiles south of the portal, the player never went through it")
	}
	// It arrives one tile south of the portal, as through a portal whose
	// target spawn lies there, still holding north.
	arrival := rules.TileCenter(4, 1)
	p.Char.X, p.Char.Y = arrival.X, arrival.Y
	h.in.Add(Arrival{Player: p})
	guard := int(h.in.cfg.PortalGuardTicks)
	if travelled(guard + 40) {
		t.Fatalf("the player went back out holding the direction it arrived with")
	}
	if _, in := h.terrain.PortalAt(p.entity.pos); !in {
		t.Fatalf("the player stands at %v, want it in the portal it walked into", p.entity.pos)
	}
	h.walk(p, protocol.DirNone)
	if !travelled(2) {
		t.Fatal("having let go of north inside the portal, the player did not go through it")
	}
}
