// Package tickbench measures the world's hot path without sockets: one
// simulation core (package sim) full of random-walking players, stepped and
// replicated as fast as it goes, with every client's snapshot encoded.
// "tinymmo bench tick" and BenchmarkTick run it. It owns no goroutines.
package tickbench

import (
	"cmp"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/sim"
	"github.com/tinymmo/tinymmo/internal/store"
)

// Config configures Run.
type Config struct {
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

// Result is what Run measured. Its JSON form is the last line of
// "tinymmo bench tick --json".
type Result struct {
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

// Run runs one instance with cfg.Players players random-walking an
// open field at a density where each sees about cfg.Visible others, doing
// the real simulation, interest management and encoding for every client,
// without sockets. Each player changes direction every 0.5–2 s, as the
// walking bots do.
func Run(cfg Config) Result {
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
	for range 3 * tickRate { // warm-up: everyone spawns for everyone
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

// tickRate is the benchmark's simulation rate, a world's default.
const tickRate = 20

// tickBench is an instance with synthetic players.
type tickBench struct {
	cfg     Config
	in      *sim.Instance
	parts   int
	rng     *rand.Rand
	walkers []*walker
	inputs  []sim.Input

	// Counters over the measured ticks.
	bytes, bodyBytes int64
	visible, moving  int64
}

// walker is one synthetic player and its random walk.
type walker struct {
	p        *sim.Player
	dir      rules.Dir
	nextTurn uint32
	seq      uint32
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

func newTickBench(cfg Config) *tickBench {
	viewW, viewH := 1280, 720
	// Each player sees the players in its view, so density × view area =
	// Visible, and the field holds Players at that density.
	side := math.Sqrt(float64(cfg.Players) * float64(viewW*viewH) / float64(cfg.Visible))
	tiles := int(side/rules.TileSize) + 1
	field := openField{w: tiles, h: tiles}
	spawnHalf := rules.Vec{X: int32(viewW/2) * rules.SubpixelsPerPixel, Y: int32(viewH/2) * rules.SubpixelsPerPixel}
	margin := int32(128 * rules.SubpixelsPerPixel)
	b := &tickBench{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0))}
	b.in = sim.New(1, "field", field, sim.Config{
		TickRate:  tickRate,
		SpawnHalf: spawnHalf,
		KeepHalf:  rules.Vec{X: spawnHalf.X + margin, Y: spawnHalf.Y + margin},
		MaxSpawns: cfg.Players, // the warm-up spawns everyone at once
	})
	b.parts = b.in.Parts(cmp.Or(cfg.Replicators, runtime.GOMAXPROCS(0)), 0)
	classes := []store.Class{store.ClassKnight, store.ClassRogue, store.ClassWizard}
	wSub, hSub := field.SizeSubpixels()
	for i := range cfg.Players {
		c := store.Character{
			ID: int64(i + 1), Name: "Walker", Class: classes[i%len(classes)], Level: 1,
			X:  rules.TileSubpixels + b.rng.Int32N(wSub-2*rules.TileSubpixels),
			Y:  rules.TileSubpixels + b.rng.Int32N(hSub-2*rules.TileSubpixels),
			HP: 100, MaxHP: 100,
		}
		w := &walker{p: sim.NewPlayer(c, nil)}
		b.in.Add(sim.Arrival{Player: w.p})
		b.walkers = append(b.walkers, w)
	}
	return b
}

// tick feeds the inputs of the walkers that turn, as clients send them
// (only on change, for the next tick), and steps the instance once, replicating
// every client in parts as a world does (one goroutine per part).
func (b *tickBench) tick() {
	b.inputs = b.inputs[:0]
	for _, w := range b.walkers {
		next := w.p.Tick() + 1
		if next < w.nextTurn {
			continue // clients send an input only when it changes
		}
		w.dir = rules.Dir(1 + b.rng.IntN(8))
		w.nextTurn = next + 10 + b.rng.Uint32N(31) // 0.5 to 2 s at 20 Hz
		w.seq++
		b.inputs = append(b.inputs, sim.Input{Player: w.p, Input: protocol.Input{Seq: w.seq, Tick: next, Move: protocol.Direction(w.dir)}})
	}
	b.in.Step(0, b.inputs)
	counts := make([]int64, b.parts)
	if b.parts == 1 {
		counts[0] = b.replicate(0)
	} else {
		var wg sync.WaitGroup
		for part := range b.parts {
			wg.Go(func() { counts[part] = b.replicate(part) })
		}
		wg.Wait()
	}
	for _, n := range counts {
		b.bytes += n
	}
	st := b.in.ViewStats()
	b.visible += st.Visible
	b.moving += st.Moving
	b.bodyBytes += st.BodyBytes
}

// replicate encodes part's snapshots and returns the bytes its clients
// would be sent, frame headers included.
func (b *tickBench) replicate(part int) int64 {
	var n int64
	for _, m := range b.in.Replicate(part, b.parts) {
		if m.Bytes != nil {
			n += int64(len(m.Bytes) + wsFrameHeader(len(m.Bytes)))
		}
	}
	return n
}

func (b *tickBench) resetCounters() {
	b.bytes, b.bodyBytes, b.visible, b.moving = 0, 0, 0, 0
}

func (b *tickBench) result(cpu time.Duration, durations []time.Duration) Result {
	players, ticks := float64(b.cfg.Players), float64(b.cfg.Ticks)
	r := Result{Players: b.cfg.Players, Ticks: b.cfg.Ticks}
	r.NsPerPlayerTick = float64(cpu.Nanoseconds()) / (players * ticks)
	if b.moving > 0 {
		r.BytesPerMovingUpdate = float64(b.bodyBytes) / float64(b.moving)
	}
	seconds := ticks / tickRate
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
