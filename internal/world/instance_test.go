package world

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
)

// wallTerrain is a tile grid read from rows of text: '#' is a wall, 'P' a
// portal tile, anything else floor. Outside the rows is solid.
type wallTerrain struct {
	rows []string
}

func (t wallTerrain) Solid(tx, ty int) bool {
	if ty < 0 || ty >= len(t.rows) || tx < 0 || tx >= len(t.rows[ty]) {
		return true
	}
	return t.rows[ty][tx] == '#'
}

func (t wallTerrain) PortalAt(p rules.Vec) (maps.Portal, bool) {
	tx, ty := p.Tile()
	if ty >= 0 && ty < len(t.rows) && tx >= 0 && tx < len(t.rows[ty]) && t.rows[ty][tx] == 'P' {
		return maps.Portal{Name: "test", TargetMap: "elsewhere", TargetSpawn: "default"}, true
	}
	return maps.Portal{}, false
}

func (t wallTerrain) SizeSubpixels() (int32, int32) {
	return int32(len(t.rows[0])) * rules.TileSubpixels, int32(len(t.rows)) * rules.TileSubpixels
}

// recorder is a sink that keeps every message, and a placer that records
// travels.
type recorder struct {
	msgs     [][]byte
	traveled []*player
	refused  []protocol.CloseCode
}

func (r *recorder) deliver(b []byte)                { r.msgs = append(r.msgs, b) }
func (r *recorder) refuse(code protocol.CloseCode)  { r.refused = append(r.refused, code) }
func (r *recorder) travel(p *player, _ maps.Portal) { r.traveled = append(r.traveled, p) }
func (r *recorder) autosave([]store.Character)      {}
func (r *recorder) retire(*instance)                {}

func testInstance(t terrain, margin int32) (*instance, *recorder) {
	rec := &recorder{}
	half := rules.Vec{X: 640 * rules.SubpixelsPerPixel, Y: 360 * rules.SubpixelsPerPixel}
	cfg := instanceConfig{
		tickRate:  20,
		spawnHalf: half,
		keepHalf:  rules.Vec{X: half.X + margin, Y: half.Y + margin},
	}
	return newInstance(1, "test", t, cfg, rec, nil), rec
}

// addPlayer puts a rogue at p (in subpixels) into in, admitted at the next
// tick.
func addPlayer(in *instance, out sink, id int64, p rules.Vec) *player {
	pl := newPlayer(out, store.Character{ID: id, Name: "P", Class: store.ClassRogue, Level: 1, X: p.X, Y: p.Y, HP: 37, MaxHP: 90})
	in.population.Add(1)
	if len(in.joins) == cap(in.joins) {
		in.admit()
	}
	in.joins <- pl
	return pl
}

func TestInputFloodNeverMovesFasterThanSpeed(t *testing.T) {
	in, _ := testInstance(openField{w: 200, h: 200}, 0)
	rec := &recorder{}
	start := rules.TileCenter(100, 100)
	p := addPlayer(in, rec, 1, start)
	in.step() // admit
	speed := in.entities[0].speed
	prev := in.entities[0].pos
	seq := uint32(0)
	for tick := range 50 {
		// Ten times more inputs than ticks, all due now: one step is
		// taken per tick whatever the input.
		for range 10 {
			seq++
			select {
			case p.inputs <- protocol.Input{Seq: seq, Tick: p.tick + 1, Move: protocol.DirE}:
			default:
			}
		}
		in.step()
		pos := in.entities[0].pos
		if d := pos.X - prev.X; d > speed || pos.Y != prev.Y {
			t.Fatalf("tick %d: moved from %v to %v, more than the speed %d", tick, prev, pos, speed)
		}
		prev = pos
	}
	if got, max := prev.X-start.X, 50*speed; got > max {
		t.Fatalf("moved %d subpixels in 50 ticks, want at most %d", got, max)
	}
	// Standing still once the client says so.
	for len(p.inputs) > 0 {
		<-p.inputs
	}
	seq++
	p.inputs <- protocol.Input{Seq: seq, Tick: p.tick + 1}
	in.step()
	if in.entities[0].pos != prev || in.entities[0].dir != rules.DirNone {
		t.Fatalf("without input the player moved to %v (dir %v)", in.entities[0].pos, in.entities[0].dir)
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
	in, _ := testInstance(field, 0)
	var players []*player
	for i := range 20 {
		players = append(players, addPlayer(in, &recorder{}, int64(i+1), rules.TileCenter(18+i%5, 18+i/5)))
	}
	for tick := range 2000 {
		for _, p := range players {
			p.inputs <- protocol.Input{Seq: uint32(tick + 1), Tick: p.tick + 1, Move: protocol.Direction(rng.IntN(9))}
		}
		in.step()
		for _, e := range in.entities {
			if !rules.Fits(e.pos, field) {
				t.Fatalf("tick %d: entity at %v overlaps a wall", tick, e.pos)
			}
		}
	}
}

// lastSnapshot decodes the last message rec was sent, a Snapshot.
func lastSnapshot(t *testing.T, rec *recorder) protocol.Snapshot {
	t.Helper()
	m, err := protocol.Decode(rec.msgs[len(rec.msgs)-1])
	if err != nil {
		t.Fatal(err)
	}
	return m.(protocol.Snapshot)
}

func TestInputsApplyAtTheirTickAndAreAckedThen(t *testing.T) {
	in, _ := testInstance(openField{w: 50, h: 50}, 0)
	rec := &recorder{}
	start := rules.TileCenter(25, 25)
	p := addPlayer(in, rec, 1, start)
	in.step()
	welcome, err := protocol.Decode(rec.msgs[0])
	if err != nil {
		t.Fatal(err)
	}
	w := welcome.(protocol.Welcome)
	speed := in.entities[0].speed
	if w.Speed != uint32(speed) || speed <= 0 {
		t.Fatalf("Welcome.Speed = %d, want the player's %d", w.Speed, speed)
	}
	if s := lastSnapshot(t, rec); s.Tick != w.Tick+1 || s.HasAck {
		t.Fatalf("first snapshot: tick %d, ack %v; want tick %d, no ack before any input", s.Tick, s.HasAck, w.Tick+1)
	}
	k := p.tick
	// S from k+2, E from k+4 (two for the same tick: the last wins), and
	// W, late: tagged k+4, it arrives when the player is at k+4 already
	// and applies from k+5.
	p.inputs <- protocol.Input{Seq: 1, Tick: k + 2, Move: protocol.DirS}
	p.inputs <- protocol.Input{Seq: 2, Tick: k + 4, Move: protocol.DirN}
	p.inputs <- protocol.Input{Seq: 3, Tick: k + 4, Move: protocol.DirE}
	wantAck := map[uint32]uint32{k + 2: 1, k + 4: 3, k + 5: 4}
	pos := start
	for range 6 {
		if p.tick == k+4 {
			p.inputs <- protocol.Input{Seq: 4, Tick: k + 4, Move: protocol.DirW}
		}
		in.step()
		s := lastSnapshot(t, rec)
		want, acked := wantAck[s.Tick]
		if s.Tick != p.tick || s.HasAck != acked || s.Ack != want {
			t.Fatalf("snapshot of tick %d (player tick %d): ack %v %d, want %v %d", s.Tick, p.tick, s.HasAck, s.Ack, acked, want)
		}
		switch {
		case s.Tick >= k+5:
			pos.X -= speed
		case s.Tick >= k+4:
			pos.X += speed
		case s.Tick >= k+2:
			pos.Y += speed
		}
		if got := in.entities[0].pos; got != pos {
			t.Fatalf("tick %d: at %v, want %v", s.Tick, got, pos)
		}
	}
}

func TestMalformedInputsCloseTheSession(t *testing.T) {
	tests := []struct {
		name   string
		inputs []protocol.Input // pushed at player tick k+0 (Tick is relative to k)
	}{
		{"seq 0", []protocol.Input{{Seq: 0, Tick: 1}}},
		{"seq repeated", []protocol.Input{{Seq: 5, Tick: 1}, {Seq: 5, Tick: 2}}},
		{"tick going back", []protocol.Input{{Seq: 1, Tick: 3}, {Seq: 2, Tick: 2}}},
		{"tick too far ahead", []protocol.Input{{Seq: 1, Tick: protocol.MaxInputLead + 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, _ := testInstance(openField{w: 50, h: 50}, 0)
			rec := &recorder{}
			p := addPlayer(in, rec, 1, rules.TileCenter(25, 25))
			in.step()
			for _, m := range tt.inputs {
				m.Tick += p.tick
				p.inputs <- m
			}
			in.step()
			if len(rec.refused) != 1 || rec.refused[0] != protocol.CloseMalformed {
				t.Errorf("refused %v, want once with %v", rec.refused, protocol.CloseMalformed)
			}
		})
	}
}

func TestInputsBeyondTheQueueAreDropped(t *testing.T) {
	in, _ := testInstance(openField{w: 50, h: 50}, 0)
	rec := &recorder{}
	p := addPlayer(in, rec, 1, rules.TileCenter(25, 25))
	in.step()
	// A queue's worth waiting for a tick far ahead, one step apart: the
	// next is dropped, not refused.
	for i := range protocol.MaxQueuedInputs {
		p.inputs <- protocol.Input{Seq: uint32(i + 1), Tick: p.tick + 100}
	}
	in.step()
	p.inputs <- protocol.Input{Seq: 100, Tick: p.tick + 100, Move: protocol.DirE}
	in.step()
	if len(rec.refused) != 0 || p.queue.Len() != protocol.MaxQueuedInputs {
		t.Errorf("refused %v, %d queued; want none refused, %d queued", rec.refused, p.queue.Len(), protocol.MaxQueuedInputs)
	}
}

func TestInterestManagementMatchesBruteForce(t *testing.T) {
	for _, margin := range []int32{0, 128 * rules.SubpixelsPerPixel} {
		field := openField{w: 400, h: 300}
		in, _ := testInstance(field, margin)
		rng := rand.New(rand.NewPCG(1, uint64(margin)))
		wSub, hSub := field.SizeSubpixels()
		var players []*player
		for i := range 300 {
			p := rules.Vec{X: rules.TileSubpixels + rng.Int32N(wSub-2*rules.TileSubpixels), Y: rules.TileSubpixels + rng.Int32N(hSub-2*rules.TileSubpixels)}
			players = append(players, addPlayer(in, &recorder{}, int64(i+1), p))
		}
		dirs := make([]protocol.Direction, len(players))
		for tick := range 200 {
			for i, p := range players {
				if rng.IntN(20) == 0 {
					dirs[i] = protocol.Direction(rng.IntN(9))
				}
				p.inputs <- protocol.Input{Seq: uint32(tick + 1), Tick: p.tick + 1, Move: dirs[i]}
			}
			in.step()
			for _, self := range in.entities {
				spawn := viewRect(self.pos, in.cfg.spawnHalf)
				keep := viewRect(self.pos, in.cfg.keepHalf)
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
}

func TestPortalHandsOverThePlayerWithItsState(t *testing.T) {
	in, rec := testInstance(wallTerrain{rows: []string{
		"..........",
		"....P.....",
		"..........",
	}}, 0)
	p := addPlayer(in, &recorder{}, 1, rules.TileCenter(2, 1))
	in.cfg.portalGuardTicks = 0
	in.step()
	for i := range 20 {
		p.inputs <- protocol.Input{Seq: uint32(i + 1), Tick: p.tick + 1, Move: protocol.DirE}
		in.step()
		if len(rec.traveled) > 0 {
			break
		}
	}
	if len(rec.traveled) != 1 || rec.traveled[0] != p {
		t.Fatalf("travelled %d players, want the one", len(rec.traveled))
	}
	if len(in.entities) != 0 || in.population.Load() != 0 {
		t.Fatalf("instance still holds %d entities, population %d", len(in.entities), in.population.Load())
	}
	if p.char.HP != 37 || p.char.MaxHP != 90 {
		t.Fatalf("health after the portal = %d/%d, want 37/90", p.char.HP, p.char.MaxHP)
	}
	if tx, _ := (rules.Vec{X: p.char.X, Y: p.char.Y}).Tile(); tx != 4 {
		t.Fatalf("handed over at tile x %d, want the portal's 4", tx)
	}
}

func TestGonePlayerIsHandedBackAndDespawned(t *testing.T) {
	in, _ := testInstance(openField{w: 100, h: 100}, 0)
	watcher := &recorder{}
	addPlayer(in, watcher, 1, rules.TileCenter(50, 50))
	leaver := addPlayer(in, &recorder{}, 2, rules.TileCenter(52, 50))
	in.step()
	leaver.gone.Store(true)
	in.step()
	select {
	case c := <-leaver.final:
		if c.ID != 2 || c.HP != 37 {
			t.Fatalf("final state %+v, want character 2 with 37 HP", c)
		}
	default:
		t.Fatal("no final state handed back")
	}
	m, err := protocol.Decode(watcher.msgs[len(watcher.msgs)-1])
	if err != nil {
		t.Fatal(err)
	}
	if s := m.(protocol.Snapshot); len(s.Despawns) != 1 {
		t.Fatalf("watcher's snapshot despawns %v, want the leaver's handle", s.Despawns)
	}
}

// saveRecorder is a placer that keeps autosave batches.
type saveRecorder struct {
	recorder
	batches [][]store.Character
}

func (r *saveRecorder) autosave(cs []store.Character) { r.batches = append(r.batches, cs) }

func TestAutosaveSendsEveryoneWithCurrentPositions(t *testing.T) {
	rec := &saveRecorder{}
	cfg := instanceConfig{tickRate: 20, spawnHalf: rules.Vec{X: 10240, Y: 5760}, keepHalf: rules.Vec{X: 10240, Y: 5760}, autosaveTicks: 10}
	in := newInstance(1, "test", openField{w: 100, h: 100}, cfg, rec, nil)
	p := addPlayer(in, &recorder{}, 1, rules.TileCenter(50, 50))
	addPlayer(in, &recorder{}, 2, rules.TileCenter(60, 50))
	for tick := range 10 {
		p.inputs <- protocol.Input{Seq: uint32(tick + 1), Tick: p.tick + 1, Move: protocol.DirW}
		in.step()
	}
	if len(rec.batches) != 1 || len(rec.batches[0]) != 2 {
		t.Fatalf("after 10 ticks: %d autosave batches, want 1 of 2 characters", len(rec.batches))
	}
	for _, c := range rec.batches[0] {
		if c.ID == 1 && c.X >= rules.TileCenter(50, 50).X {
			t.Fatalf("autosaved character 1 at x %d; it walked west from %d", c.X, rules.TileCenter(50, 50).X)
		}
	}
}
