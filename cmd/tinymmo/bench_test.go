package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/loadbench"
)

// TestBenchLoadMeasuresTheServer runs "bench load" as a user would, and
// checks its figures are sane (not their values: those belong to
// benchmarks on a quiet machine) and that it leaves nothing behind.
func TestBenchLoadMeasuresTheServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary with 20 bots")
	}
	if runtime.GOOS != "linux" {
		t.Skip("bench load runs on Linux only")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where its temporary data directory goes
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "bench", "load", "--players", "20", "--window", "3s", "--warmup", "1s", "--json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("bench load: %v\nstdout: %s\nstderr: %s", err, stdout.Bytes(), stderr.Bytes())
	}
	var r loadbench.Result
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("bench load printed %q: %v", stdout.Bytes(), err)
	}
	t.Logf("%s", stdout.Bytes())
	checks := []struct {
		name string
		ok   bool
	}{
		{"players = 20", r.Players == 20},
		{"entered = 20", r.Entered == 20},
		{"failed = 0", r.Failed == 0},
		{"ns_per_player_tick > 0", r.NsPerPlayerTick > 0},
		{"user_s + sys_s > 0", r.UserS+r.SysS > 0},
		{"rss_mb > 0", r.RSSMB > 0},
		{"tick_ms_p50 > 0", r.TickMSP50 > 0},
		{"tick_ms_p99 >= tick_ms_p50", r.TickMSP99 >= r.TickMSP50},
		{"down_bytes_per_client_s > 0", r.DownBytesPerClientS > 0},
		{"up_bytes_per_client_s > 0", r.UpBytesPerClientS > 0},
		{"window_s about 3", r.WindowS >= 2.9 && r.WindowS < 6},
		{"cpu_pinning said", r.CPUPinning != ""},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("want %s; got %+v", c.name, r)
		}
	}
	// Its data directory is gone, and so are its processes: none of ours
	// is still running bin.
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("bench load left %v in its temporary directory", left)
	}
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		if exe, err := os.Readlink("/proc/" + p.Name() + "/exe"); err == nil && strings.HasPrefix(exe, bin) {
			t.Errorf("process %s still runs %s", p.Name(), exe)
		}
	}
}
