// Package loadbench measures what a TinyMMO server costs per player, end
// to end: "tinymmo bench load". It starts the real cluster ("tinymmo dev")
// as its own process, connects real bots to it from other processes over
// loopback WebSockets, and reads the server process's CPU time and memory
// from /proc and the world's Prometheus metrics at the start and end of a
// window once every bot is in and a warm-up has passed.
//
// The figure it reports, CPU nanoseconds per player per tick, covers the
// whole server process: simulation, replication, sockets and the kernel's
// work on its behalf (system time), which in-process benchmarks leave out.
//
// Run works on Linux only (it reads /proc and pins processes to CPUs with
// sched_setaffinity); elsewhere it returns an error. It owns the processes
// it starts and stops every one before it returns, on error and on
// cancellation too; if our process is killed outright, the kernel kills
// them (Pdeathsig). Only package main should import it.
package loadbench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tinymmo/tinymmo/internal/hostcpu"
	"github.com/tinymmo/tinymmo/internal/pprofhttp"
	"github.com/tinymmo/tinymmo/internal/promtext"
)

// Metrics of the world that Run reads.
const (
	playersGauge  = "tinymmo_world_players"
	bytesInTotal  = "tinymmo_world_bytes_in_total"
	bytesOutTotal = "tinymmo_world_bytes_out_total"
	tickHistogram = "tinymmo_world_tick_seconds"
	heapLiveGauge = "tinymmo_process_heap_live_bytes"
	stackGauge    = "tinymmo_process_stack_bytes"
)

// errUnsupported is Run's error on systems other than Linux.
var errUnsupported = errors.New("loadbench: bench load runs on Linux only (it reads /proc and pins processes with sched_setaffinity)")

// MaxBotsPerProc is how many bots one bots process runs at most when
// Config.BotProcs is zero.
const MaxBotsPerProc = 500

const (
	readyTimeout = 60 * time.Second // from starting the server to "ready"
	stopTimeout  = 30 * time.Second // from SIGTERM to exit, before SIGKILL
	pollEvery    = 200 * time.Millisecond
)

// Config configures a run. The zero value runs 100 walking players for a
// 20 s window after a 5 s warm-up.
type Config struct {
	// Executable is the tinymmo binary to run for the server and the bots.
	// Default: this program (os.Executable).
	Executable string
	// Players is how many bots join. Default 100.
	Players int
	// Window is how long the measurement lasts. Default 20s.
	Window time.Duration
	// Warmup is how long to wait after the last bot is in before the
	// window opens. Default 5s; negative means none.
	Warmup time.Duration
	// Scenario is how the bots play, as the bots command's --scenario
	// says: "walk" (the default), "idle" (stand still and ping), "fight"
	// (hunt the NPCs) or "social" (chat, and go into the Dungeon in
	// parties).
	Scenario string
	// BotProcs is how many bots processes share the players. Default:
	// enough that each runs at most MaxBotsPerProc.
	BotProcs int
	// TickRate is the world's simulation rate in Hz. Default 20.
	TickRate int
	// SendEvery is the world's send_every: ticks whose messages a client
	// gets in one write. 0 keeps the world's default.
	SendEvery int
	// NoPin leaves the processes where the scheduler puts them. By
	// default the server runs on the first CPU we may use and the bots
	// on the others, when there are at least two.
	NoPin bool
	// Pprof, when set, is passed to the server as --pprof: a loopback
	// address where it serves net/http/pprof.
	Pprof string
	// Progress receives a line at each step; nil discards them.
	Progress io.Writer
}

func (c *Config) setDefaults() error {
	if c.Executable == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("loadbench: find our executable: %w", err)
		}
		c.Executable = exe
	}
	if c.Players == 0 {
		c.Players = 100
	}
	if c.Window == 0 {
		c.Window = 20 * time.Second
	}
	if c.Warmup == 0 {
		c.Warmup = 5 * time.Second
	} else if c.Warmup < 0 {
		c.Warmup = 0
	}
	if c.BotProcs == 0 {
		c.BotProcs = (c.Players + MaxBotsPerProc - 1) / MaxBotsPerProc
	}
	if c.TickRate == 0 {
		c.TickRate = 20
	}
	if c.Scenario == "" {
		c.Scenario = "walk"
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
	switch {
	case c.Players < 1:
		return fmt.Errorf("loadbench: players %d: need at least 1", c.Players)
	case c.Window < time.Second:
		return fmt.Errorf("loadbench: window %v: need at least 1s", c.Window)
	case c.BotProcs < 1 || c.BotProcs > c.Players:
		return fmt.Errorf("loadbench: bot processes %d: need 1 to players (%d)", c.BotProcs, c.Players)
	case c.TickRate < 1:
		return fmt.Errorf("loadbench: tick rate %d: need at least 1", c.TickRate)
	case c.Scenario != "walk" && c.Scenario != "idle" && c.Scenario != "fight" && c.Scenario != "social":
		return fmt.Errorf("loadbench: scenario %q: want walk, idle, fight or social", c.Scenario)
	}
	if c.Pprof != "" {
		// The server would refuse it too, but only once started.
		if err := pprofhttp.CheckAddr(c.Pprof); err != nil {
			return err
		}
	}
	return nil
}

// Result is what a run measured. Its JSON form is "bench load --json".
type Result struct {
	// Players is how many bots were asked to join; PlayersMeasured the
	// world's players gauge, the mean of its values at the window's start
	// and end, which the per-player figures divide by.
	Players         int     `json:"players"`
	PlayersMeasured float64 `json:"players_measured"`
	// NsPerPlayerTick is the server process's CPU time (user + system)
	// over the window, divided by players × ticks, where ticks are the
	// window's length times the tick rate.
	NsPerPlayerTick float64 `json:"ns_per_player_tick"`
	UserS           float64 `json:"user_s"`
	SysS            float64 `json:"sys_s"`
	// RSSMB is the server's resident set size at the window's end, in
	// MB (10^6 bytes); RSSKiBPerPlayer its growth since before the first
	// bot connected, divided by players.
	RSSMB           float64 `json:"rss_mb"`
	RSSKiBPerPlayer float64 `json:"rss_kib_per_player"`
	// HeapLiveKiBPerPlayer and StackKiBPerPlayer are the growth of the
	// heap the last collection found live, and of the goroutine stacks,
	// since before the first bot, divided by players: what each player
	// holds, without the collector's headroom that RSS also counts and
	// that moves from one reading to the next.
	HeapLiveKiBPerPlayer float64 `json:"heap_live_kib_per_player"`
	StackKiBPerPlayer    float64 `json:"stack_kib_per_player"`
	// DownBytesPerClientS and UpBytesPerClientS are the world's message
	// payload bytes sent and received (tinymmo_world_bytes_*_total) per
	// player per second over the window: WebSocket and TCP framing are
	// not included.
	DownBytesPerClientS float64 `json:"down_bytes_per_client_s"`
	UpBytesPerClientS   float64 `json:"up_bytes_per_client_s"`
	// ReadsPerClientS and WritesPerClientS are the server process's read
	// and write system calls (syscr and syscw of /proc/PID/io) per player
	// per second over the window: what the sockets cost in kernel
	// crossings.
	ReadsPerClientS  float64 `json:"reads_per_client_s"`
	WritesPerClientS float64 `json:"writes_per_client_s"`
	// TickMSP50 and TickMSP99 are quantiles of the world's instance tick
	// durations over the window, in milliseconds.
	TickMSP50 float64 `json:"tick_ms_p50"`
	TickMSP99 float64 `json:"tick_ms_p99"`
	// StealPercent is the share of the machine's CPU time over the
	// window that the host of its virtual machine took back (see package
	// hostcpu), in percent. It stretches ticks and inflates their p99;
	// the CPU figures above count only the time the server ran.
	StealPercent float64 `json:"steal_percent"`
	// Desyncs, Resyncs, Failed, Entered and Disconnected add up the
	// bots' summaries over their whole run, joining included;
	// Disconnected counts bots the world dropped, whatever the close code.
	// Resyncs and Disconnected are 0 when the bots do not report them.
	Desyncs      int `json:"desyncs"`
	Resyncs      int `json:"resyncs"`
	Failed       int `json:"failed"`
	Entered      int `json:"entered"`
	Disconnected int `json:"disconnected"`
	// WindowS is the measured length of the window in seconds.
	WindowS float64 `json:"window_s"`
	// CPUPinning says where the server and the bots ran.
	CPUPinning string  `json:"cpu_pinning"`
	Scenario   string  `json:"scenario"`
	TickRate   int     `json:"tick_rate"`
	SendEvery  int     `json:"send_every,omitempty"`
	WarmupS    float64 `json:"warmup_s"`
	BotProcs   int     `json:"bot_procs"`
	CPUs       int     `json:"cpus"` // the CPUs we were allowed to use
}

// botSummary is what Run reads of a bots process's JSON summary.
type botSummary struct {
	Requested int `json:"requested"`
	Entered   int `json:"entered"`
	Failed    int `json:"failed"`
	Desyncs   int `json:"desyncs"`
	Resyncs   int `json:"resyncs"` // absent from older bots: 0
	// Disconnected counts bots by the close code the world dropped them
	// with; absent from older bots, which counted them in Failed.
	Disconnected map[string]int `json:"disconnected"`
}

// sample is what Run reads at each end of the window.
type sample struct {
	at       time.Time
	cpu      cpuTimes
	host     hostcpu.Times // the machine's, for its steal
	io       ioCalls
	rssKiB   int64
	heapLive float64 // bytes
	stacks   float64 // bytes
	players  float64
	bytesIn  float64
	bytesOut float64
	ticks    promtext.Histogram
}

// Run starts the server and the bots, measures, stops everything and
// returns the figures. A cancelled ctx stops the run; everything started
// is still stopped before Run returns.
func Run(ctx context.Context, cfg Config) (_ Result, err error) {
	defer func() {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("loadbench: interrupted; stopped the server and the bots: %w", err)
		}
	}()
	if err := cfg.setDefaults(); err != nil {
		return Result{}, err
	}
	if !supported {
		return Result{}, errUnsupported
	}
	allowed, err := allowedCPUs()
	if err != nil {
		return Result{}, err
	}
	res := Result{
		Players: cfg.Players, Scenario: cfg.Scenario, TickRate: cfg.TickRate, SendEvery: cfg.SendEvery,
		WarmupS: cfg.Warmup.Seconds(), BotProcs: cfg.BotProcs, CPUs: len(allowed),
	}
	var serverCPUs, botCPUs []int
	switch {
	case cfg.NoPin:
		res.CPUPinning = "none (pinning turned off)"
	case len(allowed) < 2:
		res.CPUPinning = "none (one CPU)"
	default:
		serverCPUs, botCPUs = allowed[:1], allowed[1:]
		res.CPUPinning = fmt.Sprintf("server on cpu %s (its GOMAXPROCS 1), bots on cpu %s", cpuList(serverCPUs), cpuList(botCPUs))
	}

	dir, err := os.MkdirTemp("", "tinymmo-bench-load-")
	if err != nil {
		return Result{}, fmt.Errorf("loadbench: %w", err)
	}
	defer os.RemoveAll(dir)

	metricsAddr, err := freeAddr()
	if err != nil {
		return Result{}, err
	}
	metricsURL := "http://" + metricsAddr + "/metrics"
	serverArgs := []string{"dev", "--data", dir, "--listen", "127.0.0.1:0", "--world-metrics-listen", metricsAddr,
		"--tick-rate", fmt.Sprint(cfg.TickRate), "--capacity", fmt.Sprint(max(2000, cfg.Players+100)),
		// Every bot logs in as a guest from 127.0.0.1.
		"--ip-burst", fmt.Sprint(cfg.Players + 100), "--ip-every", "1ms"}
	if cfg.Pprof != "" {
		serverArgs = append(serverArgs, "--pprof", cfg.Pprof)
	}
	if cfg.SendEvery != 0 {
		serverArgs = append(serverArgs, "--send-every", fmt.Sprint(cfg.SendEvery))
	}
	lines := newLineWriter()
	server, err := start(dir, "server", cfg.Executable, serverArgs, lines, serverCPUs)
	if err != nil {
		return Result{}, err
	}
	defer server.stop()
	fmt.Fprintf(cfg.Progress, "server: pid %d, cpu pinning: %s\n", server.cmd.Process.Pid, res.CPUPinning)

	gateway, err := waitReady(ctx, server, lines)
	if err != nil {
		return Result{}, err
	}
	base, err := measure(ctx, server.cmd.Process.Pid, metricsURL)
	if err != nil {
		return Result{}, err
	}
	baseRSS := base.rssKiB
	fmt.Fprintf(cfg.Progress, "server ready: gateway %s, world metrics %s, RSS %.1f MB\n", gateway, metricsURL, float64(baseRSS)*1024/1e6)

	// The bots stay long enough to cover joining, the warm-up and the
	// window; we end them with SIGTERM once the window closes.
	joinTimeout := 30*time.Second + time.Duration(cfg.Players)*20*time.Millisecond
	duration := joinTimeout + cfg.Warmup + cfg.Window + 30*time.Second
	scenario := cfg.Scenario
	var bots []*proc
	defer func() {
		for _, b := range bots {
			b.stop()
		}
	}()
	for i := range cfg.BotProcs {
		n := cfg.Players / cfg.BotProcs
		if i < cfg.Players%cfg.BotProcs {
			n++
		}
		b, err := start(dir, fmt.Sprintf("bots-%d", i), cfg.Executable, []string{"bots", "--gateway", gateway,
			"--count", fmt.Sprint(n), "--duration", duration.String(), "--scenario", scenario, "--json"},
			&bytes.Buffer{}, botCPUs)
		if err != nil {
			return Result{}, err
		}
		bots = append(bots, b)
	}
	started := time.Now()
	fmt.Fprintf(cfg.Progress, "bots: %d %s bots in %d processes\n", cfg.Players, scenario, cfg.BotProcs)
	if err := waitPlayers(ctx, metricsURL, cfg.Players, joinTimeout, server, bots); err != nil {
		return Result{}, err
	}
	fmt.Fprintf(cfg.Progress, "all %d players in after %v; warm-up %v, then a %v window\n",
		cfg.Players, time.Since(started).Round(100*time.Millisecond), cfg.Warmup, cfg.Window)
	if err := watch(ctx, cfg.Warmup, server, bots); err != nil {
		return Result{}, err
	}
	first, err := measure(ctx, server.cmd.Process.Pid, metricsURL)
	if err != nil {
		return Result{}, err
	}
	fmt.Fprintf(cfg.Progress, "window open for %v\n", cfg.Window)
	if cfg.Pprof != "" {
		fmt.Fprintf(cfg.Progress, "profile it now: go tool pprof 'http://%s/debug/pprof/profile?seconds=%d'\n",
			cfg.Pprof, max(1, int(cfg.Window.Seconds())-1))
	}
	if err := watch(ctx, cfg.Window, server, bots); err != nil {
		return Result{}, err
	}
	last, err := measure(ctx, server.cmd.Process.Pid, metricsURL)
	if err != nil {
		return Result{}, err
	}
	fmt.Fprintln(cfg.Progress, "window closed; stopping the bots")

	var sums []botSummary
	for _, b := range bots {
		b.stop()
		s, err := b.summary()
		if err != nil {
			return Result{}, err
		}
		sums = append(sums, s)
	}
	if err := compute(&res, base, first, last, sums); err != nil {
		return Result{}, err
	}
	fmt.Fprintln(cfg.Progress, "stopping the server")
	if err := server.stop(); err != nil {
		return res, fmt.Errorf("loadbench: server: %w%s", err, server.logTail())
	}
	return res, nil
}

// compute fills the figures of res from the two samples of the window,
// the server before any bot (base), and the bots' summaries.
func compute(res *Result, base, first, last sample, sums []botSummary) error {
	res.WindowS = last.at.Sub(first.at).Seconds()
	res.PlayersMeasured = (first.players + last.players) / 2
	if res.WindowS <= 0 || res.PlayersMeasured <= 0 {
		return fmt.Errorf("loadbench: an empty window: %.3f s, %.1f players", res.WindowS, res.PlayersMeasured)
	}
	ticks := res.WindowS * float64(res.TickRate)
	// The times count clock ticks of 10 ms: round off the float noise.
	res.UserS = math.Round((last.cpu.User-first.cpu.User)*clockTicksPerSecond) / clockTicksPerSecond
	res.SysS = math.Round((last.cpu.Sys-first.cpu.Sys)*clockTicksPerSecond) / clockTicksPerSecond
	res.NsPerPlayerTick = (res.UserS + res.SysS) * 1e9 / (res.PlayersMeasured * ticks)
	res.RSSMB = float64(last.rssKiB) * 1024 / 1e6
	res.RSSKiBPerPlayer = float64(last.rssKiB-base.rssKiB) / res.PlayersMeasured
	res.HeapLiveKiBPerPlayer = (last.heapLive - base.heapLive) / 1024 / res.PlayersMeasured
	res.StackKiBPerPlayer = (last.stacks - base.stacks) / 1024 / res.PlayersMeasured
	res.DownBytesPerClientS = (last.bytesOut - first.bytesOut) / res.WindowS / res.PlayersMeasured
	res.UpBytesPerClientS = (last.bytesIn - first.bytesIn) / res.WindowS / res.PlayersMeasured
	res.ReadsPerClientS = float64(last.io.Reads-first.io.Reads) / res.WindowS / res.PlayersMeasured
	res.WritesPerClientS = float64(last.io.Writes-first.io.Writes) / res.WindowS / res.PlayersMeasured
	d, err := last.ticks.Sub(first.ticks)
	if err != nil {
		return fmt.Errorf("loadbench: %w", err)
	}
	res.TickMSP50, res.TickMSP99 = d.Quantile(0.50)*1000, d.Quantile(0.99)*1000
	res.StealPercent = hostcpu.StealPercent(first.host, last.host)
	for _, s := range sums {
		res.Entered += s.Entered
		res.Failed += s.Failed
		res.Desyncs += s.Desyncs
		res.Resyncs += s.Resyncs
		for _, n := range s.Disconnected {
			res.Disconnected += n
		}
	}
	return nil
}

// measure samples the server process and the world's metrics.
func measure(ctx context.Context, pid int, metricsURL string) (sample, error) {
	var s sample
	var err error
	if s.cpu, err = readCPU(pid); err != nil {
		return sample{}, err
	}
	s.at = time.Now()
	if s.host, err = hostcpu.Read(); err != nil {
		return sample{}, fmt.Errorf("loadbench: %w", err)
	}
	if s.io, err = readIO(pid); err != nil {
		return sample{}, err
	}
	if s.rssKiB, err = readRSS(pid); err != nil {
		return sample{}, err
	}
	m, err := promtext.Fetch(ctx, metricsURL)
	if err != nil {
		return sample{}, fmt.Errorf("loadbench: %w", err)
	}
	for _, v := range []struct {
		name string
		to   *float64
	}{{playersGauge, &s.players}, {bytesInTotal, &s.bytesIn}, {bytesOutTotal, &s.bytesOut}, {heapLiveGauge, &s.heapLive}, {stackGauge, &s.stacks}} {
		if *v.to, err = m.Value(v.name); err != nil {
			return sample{}, fmt.Errorf("loadbench: %w", err)
		}
	}
	if s.ticks, err = m.Histogram(tickHistogram); err != nil {
		return sample{}, fmt.Errorf("loadbench: %w", err)
	}
	return s, nil
}

// waitReady waits for the server to print its URL and then "ready", and
// returns the gateway's base URL.
func waitReady(ctx context.Context, server *proc, lines *lineWriter) (string, error) {
	const urlPrefix = "TinyMMO is running: open "
	timeout := time.After(readyTimeout)
	var gateway string
	for {
		select {
		case line := <-lines.c:
			if u, ok := strings.CutPrefix(line, urlPrefix); ok {
				gateway = strings.TrimSuffix(u, "/")
			}
			if line == "ready" {
				if gateway == "" {
					return "", errors.New("loadbench: the server said ready before its URL")
				}
				return gateway, nil
			}
		case <-server.done:
			return "", fmt.Errorf("loadbench: the server exited before it was ready: %v%s", server.err, server.logTail())
		case <-timeout:
			return "", fmt.Errorf("loadbench: the server was not ready within %v%s", readyTimeout, server.logTail())
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// waitPlayers polls the world's players gauge until n are in.
func waitPlayers(ctx context.Context, metricsURL string, n int, timeout time.Duration, server *proc, bots []*proc) error {
	deadline := time.Now().Add(timeout)
	for {
		m, err := promtext.Fetch(ctx, metricsURL)
		var in float64
		if err == nil {
			in, err = m.Value(playersGauge)
		}
		if err == nil && in >= float64(n) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("loadbench: %v of %d players in after %v (last error: %v)%s", in, n, timeout, err, bots[0].logTail())
		}
		if err := watch(ctx, pollEvery, server, bots); err != nil {
			return err
		}
	}
}

// watch waits d, failing early if ctx ends or a process exits.
func watch(ctx context.Context, d time.Duration, server *proc, bots []*proc) error {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-server.done:
			return fmt.Errorf("loadbench: the server exited during the run: %v%s", server.err, server.logTail())
		default:
		}
		for _, b := range bots {
			select {
			case <-b.done:
				s, _ := b.summary()
				return fmt.Errorf("loadbench: %s exited during the run (%v): entered %d, failed %d%s",
					b.name, b.err, s.Entered, s.Failed, b.logTail())
			default:
			}
		}
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("loadbench: find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// proc is a child process.
type proc struct {
	name    string
	cmd     *exec.Cmd
	stdout  io.Writer
	logPath string        // its stderr
	done    chan struct{} // closed when it has exited and err is set
	err     error
	once    sync.Once
}

// start starts exe with args on cpus (anywhere when empty), its stdout to
// stdout and its stderr to a file in dir.
func start(dir, name, exe string, args []string, stdout io.Writer, cpus []int) (*proc, error) {
	logf, err := os.Create(dir + "/" + name + ".log")
	if err != nil {
		return nil, fmt.Errorf("loadbench: %w", err)
	}
	defer logf.Close() // the child has its own copy
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir // away from a source tree, where dev would build the web client first
	cmd.Stdout, cmd.Stderr = stdout, logf
	cmd.SysProcAttr = sysProcAttr()
	if err := startOn(cmd, cpus); err != nil {
		return nil, fmt.Errorf("loadbench: start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, stdout: stdout, logPath: logf.Name(), done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// stop sends SIGTERM if the process still runs, and SIGKILL if it has not
// exited stopTimeout later; it returns how the process exited. It is
// idempotent.
func (p *proc) stop() error {
	p.once.Do(func() {
		select {
		case <-p.done:
			return
		default:
		}
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(stopTimeout):
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	<-p.done
	return p.err
}

// summary parses a bots process's JSON summary, the last line it printed.
// Call it after the process has exited.
func (p *proc) summary() (botSummary, error) {
	out := bytes.TrimSpace(p.stdout.(*bytes.Buffer).Bytes())
	if i := bytes.LastIndexByte(out, '\n'); i >= 0 {
		out = out[i+1:]
	}
	var s botSummary
	if err := json.Unmarshal(out, &s); err != nil {
		return botSummary{}, fmt.Errorf("loadbench: %s printed no summary (exit: %v): %w%s", p.name, p.err, err, p.logTail())
	}
	return s, nil
}

// logTail returns the last lines of the process's stderr, for errors.
func (p *proc) logTail() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil || len(b) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	lines = lines[max(0, len(lines)-15):]
	return fmt.Sprintf("\n%s's last log lines:\n%s", p.name, strings.Join(lines, "\n"))
}

// lineWriter passes each line written to it to c, dropping lines when c is
// full: only the first few, up to "ready", matter.
type lineWriter struct {
	mu      sync.Mutex
	partial []byte // guarded by mu
	c       chan string
}

func newLineWriter() *lineWriter { return &lineWriter{c: make(chan string, 64)} }

func (w *lineWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, b...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		select {
		case w.c <- string(bytes.TrimRight(w.partial[:i], "\r")):
		default:
		}
		w.partial = w.partial[i+1:]
	}
	if len(w.partial) > 4096 {
		w.partial = w.partial[:0]
	}
	return len(b), nil
}
