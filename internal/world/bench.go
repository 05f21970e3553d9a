package world

import (
	"cmp"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/wire"
)

// TickBenchConfig configures RunTickBench.
type TickBenchConfig struct {
	// Players is how many players walk the instance.
	Players int
	// Ticks is how many ticks are measured, after a warm-up. Default 200.
	Ticks int
	// Visible is how many others each player should see on average; the
	// field is sized for it. Default 100.
	Visible int
	// Seed makes a run repeatable. Default 1.
	Seed uint64
	// Replicators is the most goroutines that replicate the clients at
	// once, as in a world. Default: one per core (GOMAXPROCS).
	Replicators int
}

// TickBenchResult is what RunTickBench measured. Its JSON form is the last
// line of "tinymmo bench tick --json".
type TickBenchResult struct {
	Players int `json:"players"`
	Ticks   int `json:"ticks"`
	// NsPerPlayerTick is the process's CPU time (user+system, so garbage
	// collection included) divided by players × ticks.
	NsPerPlayerTick float64 `json:"ns_per_player_tick"`
	// BytesPerMovingUpdate is the snapshot bytes beyond each snapshot's
	// fixed header (tick, flags, ack, own position) — spawns, despawns,
	// moves and changes, handles included — per moving visible entity per
	// tick.
	BytesPerMovingUpdate float64 `json:"bytes_per_moving_update"`
	// ClientBytesPerS is what one client receives per second: every
	// message's payload plus its WebSocket frame header.
	ClientBytesPerS float64 `json:"client_bytes_per_s"`
	ClientKbitPerS  float64 `json:"client_kbit_per_s"`
	// VisibleAvg and MovingAvg are how many others a client sees, and how
	// many of them are moving, averaged over clients and ticks.
	VisibleAvg float64 `json:"visible_avg"`
	MovingAvg  float64 `json:"moving_avg"`
	// TickMS are the wall-clock tick durations.
	TickMS struct {
		P50 float64 `json:"p50"`
		P99 float64 `json:"p99"`
	} `json:"tick_ms"`
}

// RunTickBench runs one instance with cfg.Players players random-walking an
// open field at a density where each sees about cfg.Visible others, doing
// the real simulation, interest management and encoding for every client,
// without sockets. Each player changes direction every 0.5–2 s, as the
// walking bots do.
func RunTickBench(cfg TickBenchConfig) TickBenchResult {
	if cfg.Ticks <= 0 {
		cfg.Ticks = 200
	}
	if cfg.Visible <= 0 {
		cfg.Visible = 100
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	b := newTickBench(cfg)
	for range 3 * b.in.cfg.tickRate { // warm-up: everyone spawns for everyone
		b.tick()
	}
	b.resetCounters()
	var durations []time.Duration
	cpu0 := processCPU()
	for range cfg.Ticks {
		start := time.Now()
		b.tick()
		durations = append(durations, time.Since(start))
	}
	cpu := processCPU() - cpu0
	return b.result(cpu, durations)
}

// tickBench is an instance with synthetic players.
type tickBench struct {
	cfg     TickBenchConfig
	in      *instance
	rng     *rand.Rand
	walkers []*walker

	// Counters over the measured ticks.
	bytes, bodyBytes int64
	visible, moving  int64
}

// walker is one synthetic player and its random walk.
type walker struct {
	p        *player
	dir      rules.Dir
	nextTurn uint32
	seq      uint32
	out      *countingSink
}

// countingSink counts what a player would be sent: its payloads and their
// WebSocket frame headers. The goroutine replicating the player owns it
// during a tick.
type countingSink struct {
	bytes int64
}

func (s *countingSink) deliver(b []byte) {
	s.bytes += int64(len(b)) + int64(wsFrameHeader(len(b)))
}

// refuse panics: the benchmark's inputs are well formed.
func (s *countingSink) refuse(code protocol.CloseCode) {
	panic("world: tick benchmark input refused: " + code.String())
}

// wsFrameHeader is the size of a server-to-client WebSocket frame header
// for a payload of n bytes (RFC 6455 §5.2; servers do not mask).
func wsFrameHeader(n int) int {
	switch {
	case n < 126:
		return 2
	case n <= 0xffff:
		return 4
	}
	return 10
}

// openField is a walled rectangle with nothing inside: terrain for the
// benchmark.
type openField struct{ w, h int }

func (f openField) Solid(tx, ty int) bool { return tx < 0 || ty < 0 || tx >= f.w || ty >= f.h }

func (openField) PortalAt(rules.Vec) (maps.Portal, bool) { return maps.Portal{}, false }

func (f openField) SizeSubpixels() (int32, int32) {
	return int32(f.w) * rules.TileSubpixels, int32(f.h) * rules.TileSubpixels
}

// benchPlacer is the world for a benchmark instance: there are no portals,
// no saves and no retirement.
type benchPlacer struct{}

func (benchPlacer) travel(*player, maps.Portal) {}
func (benchPlacer) autosave([]store.Character)  {}
func (benchPlacer) retire(*instance)            {}

func newTickBench(cfg TickBenchConfig) *tickBench {
	const tickRate = 20
	viewW, viewH := 1280, 720
	// Each player sees the players in its view, so density × view area =
	// Visible, and the field holds Players at that density.
	side := math.Sqrt(float64(cfg.Players) * float64(viewW*viewH) / float64(cfg.Visible))
	tiles := int(side/rules.TileSize) + 1
	field := openField{w: tiles, h: tiles}
	spawnHalf := rules.Vec{X: int32(viewW/2) * rules.SubpixelsPerPixel, Y: int32(viewH/2) * rules.SubpixelsPerPixel}
	margin := int32(128 * rules.SubpixelsPerPixel)
	icfg := instanceConfig{
		tickRate:    tickRate,
		spawnHalf:   spawnHalf,
		keepHalf:    rules.Vec{X: spawnHalf.X + margin, Y: spawnHalf.Y + margin},
		replicators: cmp.Or(cfg.Replicators, runtime.GOMAXPROCS(0)),
	}
	b := &tickBench{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0))}
	b.in = newInstance(1, "field", field, icfg, benchPlacer{}, nil)
	classes := []store.Class{store.ClassKnight, store.ClassRogue, store.ClassWizard}
	wSub, hSub := field.SizeSubpixels()
	for i := range cfg.Players {
		w := &walker{out: &countingSink{}}
		c := store.Character{
			ID: int64(i + 1), Name: "Walker", Class: classes[i%len(classes)], Level: 1,
			X:  rules.TileSubpixels + b.rng.Int32N(wSub-2*rules.TileSubpixels),
			Y:  rules.TileSubpixels + b.rng.Int32N(hSub-2*rules.TileSubpixels),
			HP: 100, MaxHP: 100,
		}
		w.p = newPlayer(w.out, c)
		w.p.welcomed = true
		b.in.population.Add(1)
		b.in.joins <- w.p
		b.walkers = append(b.walkers, w)
		if len(b.in.joins) == cap(b.in.joins) {
			b.in.admit()
		}
	}
	return b
}

// tick feeds the inputs of the walkers that turn, as clients send them
// (only on change, for the next tick), and steps the instance once.
func (b *tickBench) tick() {
	next := b.in.tick + 1
	for _, w := range b.walkers {
		if next >= w.nextTurn {
			w.dir = rules.Dir(1 + b.rng.IntN(8))
			w.nextTurn = next + 10 + b.rng.Uint32N(31) // 0.5 to 2 s at 20 Hz
			w.seq++
			w.p.inputs <- protocol.Input{Seq: w.seq, Tick: w.p.tick + 1, Move: protocol.Direction(w.dir)}
		}
	}
	b.in.step()
	for _, w := range b.walkers {
		b.bytes += w.out.bytes
		w.out.bytes = 0
	}
	for _, e := range b.in.entities {
		v := e.view
		b.visible += int64(v.visible)
		b.moving += int64(v.moving)
		b.bodyBytes += int64(len(v.buf) - snapshotHeaderLen(&v.snap))
	}
}

// snapshotHeaderLen is the size of s's fixed part: type, tick, flags, ack
// and own position.
func snapshotHeaderLen(s *protocol.Snapshot) int {
	n := 2 + wire.SizeUvarint(uint64(s.Tick))
	if s.HasAck {
		n += wire.SizeUvarint(uint64(s.Ack))
	}
	if s.HasOwn {
		n += wire.SizeVarint(int64(s.OwnDX)) + wire.SizeVarint(int64(s.OwnDY))
	}
	return n
}

func (b *tickBench) resetCounters() {
	b.bytes, b.bodyBytes, b.visible, b.moving = 0, 0, 0, 0
}

func (b *tickBench) result(cpu time.Duration, durations []time.Duration) TickBenchResult {
	players, ticks := float64(b.cfg.Players), float64(b.cfg.Ticks)
	r := TickBenchResult{Players: b.cfg.Players, Ticks: b.cfg.Ticks}
	r.NsPerPlayerTick = float64(cpu.Nanoseconds()) / (players * ticks)
	if b.moving > 0 {
		r.BytesPerMovingUpdate = float64(b.bodyBytes) / float64(b.moving)
	}
	seconds := ticks / float64(b.in.cfg.tickRate)
	r.ClientBytesPerS = float64(b.bytes) / players / seconds
	r.ClientKbitPerS = r.ClientBytesPerS * 8 / 1000
	r.VisibleAvg = float64(b.visible) / (players * ticks)
	r.MovingAvg = float64(b.moving) / (players * ticks)
	slices.Sort(durations)
	ms := func(q float64) float64 {
		i := min(len(durations)-1, int(q*float64(len(durations))))
		return float64(durations[i].Microseconds()) / 1000
	}
	r.TickMS.P50, r.TickMS.P99 = ms(0.50), ms(0.99)
	return r
}

// processCPU returns the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
