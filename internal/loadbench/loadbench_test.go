package loadbench

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/hostcpu"
	"github.com/tinymmo/tinymmo/internal/promtext"
)

// scrape parses a world's /metrics page holding the figures Run reads,
// with the tick histogram's buckets at 1, 2 and 4 ms; mem is the live heap
// and the stacks, in bytes.
func scrape(t *testing.T, players, in, out float64, buckets [4]float64, mem [2]float64) promtext.Scrape {
	t.Helper()
	text := fmt.Sprintf(`tinymmo_process_heap_live_bytes %g
tinymmo_process_stack_bytes %g
tinymmo_world_players %g
tinymmo_world_bytes_in_total %g
tinymmo_world_bytes_out_total %g
tinymmo_world_tick_seconds_bucket{le="0.001"} %g
tinymmo_world_tick_seconds_bucket{le="0.002"} %g
tinymmo_world_tick_seconds_bucket{le="0.004"} %g
tinymmo_world_tick_seconds_bucket{le="+Inf"} %g
`, mem[0], mem[1], players, in, out, buckets[0], buckets[1], buckets[2], buckets[3])
	s, err := promtext.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sampleOf is what measure would make of s, read at at with cpu.
func sampleOf(t *testing.T, s promtext.Scrape, at time.Time, cpu cpuTimes, rssKiB int64) sample {
	t.Helper()
	smp := sample{at: at, cpu: cpu, rssKiB: rssKiB}
	var err error
	if smp.players, err = s.Value(playersGauge); err != nil {
		t.Fatal(err)
	}
	if smp.bytesIn, err = s.Value(bytesInTotal); err != nil {
		t.Fatal(err)
	}
	if smp.bytesOut, err = s.Value(bytesOutTotal); err != nil {
		t.Fatal(err)
	}
	if smp.ticks, err = s.Histogram(tickHistogram); err != nil {
		t.Fatal(err)
	}
	if smp.heapLive, err = s.Value(heapLiveGauge); err != nil {
		t.Fatal(err)
	}
	if smp.stacks, err = s.Value(stackGauge); err != nil {
		t.Fatal(err)
	}
	return smp
}

// TestComputeFromTwoScrapes checks the figures made of the samples at the
// window's two ends: only what happened in between counts.
func TestComputeFromTwoScrapes(t *testing.T) {
	t0 := time.Unix(1000, 0)
	// Before any bot: 20 MB of live heap and 1 MB of stacks.
	base := sampleOf(t, scrape(t, 0, 0, 0, [4]float64{}, [2]float64{20 << 20, 1 << 20}), t0.Add(-time.Minute), cpuTimes{}, 50_000)
	// Before the window: 500 fast ticks while the bots joined.
	first := sampleOf(t, scrape(t, 100, 1e6, 5e6, [4]float64{500, 500, 500, 500}, [2]float64{22 << 20, 1 << 20}), t0, cpuTimes{User: 3, Sys: 1}, 60_000)
	// 10 s at 20 Hz: 200 ticks, all in (2, 4] ms; 1 s of user and 1 s of
	// system CPU; 100 players, each sent 1000 B/s and sending 100 B/s.
	last := sampleOf(t, scrape(t, 100, 1e6+100*100*10, 5e6+100*1000*10, [4]float64{500, 500, 700, 700}, [2]float64{22<<20 + 100<<10, 1<<20 + 400<<10}),
		t0.Add(10*time.Second), cpuTimes{User: 4, Sys: 2}, 70_000)
	// The machine's two CPUs: 2,000 clock ticks in the window, 50 of
	// them taken by the host.
	first.host = hostcpu.Times{Steal: 400, Total: 100_000}
	last.host = hostcpu.Times{Steal: 450, Total: 102_000}
	res := Result{TickRate: 20}
	sums := []botSummary{{Entered: 60, Desyncs: 1}, {Entered: 40, Failed: 2, Resyncs: 3, Disconnected: map[string]int{"4011": 2, "1006": 1}}}
	if err := compute(&res, base, first, last, sums); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"window_s", res.WindowS, 10},
		{"ns_per_player_tick", res.NsPerPlayerTick, 2e9 / (100 * 200)}, // 2 s of CPU over 20,000 player-ticks
		{"user_s", res.UserS, 1},
		{"sys_s", res.SysS, 1},
		{"rss_mb", res.RSSMB, 70_000 * 1024 / 1e6},
		{"rss_kib_per_player", res.RSSKiBPerPlayer, 200},              // 20,000 KiB more than before the bots
		{"heap_live_kib_per_player", res.HeapLiveKiBPerPlayer, 21.48}, // 2 MiB + 100 KiB over 100 players
		{"stack_kib_per_player", res.StackKiBPerPlayer, 4},            // 400 KiB
		{"down_bytes_per_client_s", res.DownBytesPerClientS, 1000},
		{"up_bytes_per_client_s", res.UpBytesPerClientS, 100},
		{"tick_ms_p50", res.TickMSP50, 3},    // rank 100 of 200 in (2, 4]
		{"tick_ms_p99", res.TickMSP99, 3.98}, // rank 198
		{"steal_percent", res.StealPercent, 2.5},
		{"entered", float64(res.Entered), 100},
		{"failed", float64(res.Failed), 2},
		{"desyncs", float64(res.Desyncs), 1},
		{"resyncs", float64(res.Resyncs), 3},
		{"disconnected", float64(res.Disconnected), 3},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > 1e-9*math.Max(1, math.Abs(tt.want)) {
			t.Errorf("compute: %s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if err := compute(&Result{TickRate: 20}, base, first, first, nil); err == nil {
		t.Error("compute(an empty window) = nil error, want one")
	}
}

func TestReadOwnProcess(t *testing.T) {
	if !supported {
		t.Skip("bench load runs on Linux only")
	}
	cpu, err := readCPU(os.Getpid())
	if err != nil || cpu.User+cpu.Sys < 0 {
		t.Errorf("readCPU(self) = %+v, %v", cpu, err)
	}
	rss, err := readRSS(os.Getpid())
	if err != nil || rss <= 0 {
		t.Errorf("readRSS(self) = %d, %v; want > 0", rss, err)
	}
	cpus, err := allowedCPUs()
	if err != nil || len(cpus) == 0 {
		t.Errorf("allowedCPUs() = %v, %v; want at least one", cpus, err)
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{Executable: "x", Players: 1200}
	if err := c.setDefaults(); err != nil {
		t.Fatal(err)
	}
	if c.BotProcs != 3 || c.Window != 20*time.Second || c.Warmup != 5*time.Second || c.TickRate != 20 {
		t.Errorf("setDefaults(1200 players) = %+v; want 3 bot processes, 20s window, 5s warm-up, 20 Hz", c)
	}
	for _, bad := range []Config{
		{Executable: "x", Players: -1},
		{Executable: "x", Window: time.Millisecond},
		{Executable: "x", Players: 2, BotProcs: 3},
		{Executable: "x", Pprof: "0.0.0.0:6060"},
	} {
		if err := bad.setDefaults(); err == nil {
			t.Errorf("setDefaults(%+v) = nil error, want one", bad)
		}
	}
}
