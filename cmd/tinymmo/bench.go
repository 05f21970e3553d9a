package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tinymmo/tinymmo/internal/loadbench"
	"github.com/tinymmo/tinymmo/internal/tickbench"
)

const benchUsage = `usage:
  tinymmo bench tick [--players N] [--ticks N] [--visible N] [--replicators N] [--json]
  tinymmo bench load [--players N] [--window D] [--warmup D] [--idle] [--bot-procs K] [--tick-rate HZ] [--pprof ADDR] [--json]`

// runBench runs a benchmark: "tinymmo bench tick" (the world's hot path
// in-process) or "tinymmo bench load" (the whole server under real bots).
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "load" {
		return runBenchLoad(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "tick" {
		return errors.New(benchUsage)
	}
	var cfg tickbench.Config
	fs := flag.NewFlagSet("bench tick", flag.ContinueOnError)
	fs.IntVar(&cfg.Players, "players", 1000, "players in the instance")
	fs.IntVar(&cfg.Ticks, "ticks", 200, "ticks to measure, after a warm-up")
	fs.IntVar(&cfg.Visible, "visible", 100, "others each player should see on average")
	fs.IntVar(&cfg.Replicators, "replicators", 0, "most goroutines replicating clients at once (default: one per core)")
	asJSON := fs.Bool("json", false, "print the result as one JSON object on the last line")
	if err := parseConfig(fs, args[1:], &cfg); err != nil {
		return err
	}
	if cfg.Players < 1 {
		return fmt.Errorf("--players %d: need at least 1", cfg.Players)
	}
	r := tickbench.Run(cfg)
	if *asJSON {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	_, err := fmt.Fprintf(stdout, "%d players, %d ticks: %.0f ns CPU per player-tick; %.2f bytes per moving update; "+
		"%.0f B/s (%.1f kbit/s) per client; %.1f visible (%.1f moving); tick p50 %.2f ms p99 %.2f ms\n",
		r.Players, r.Ticks, r.NsPerPlayerTick, r.BytesPerMovingUpdate, r.ClientBytesPerS, r.ClientKbitPerS,
		r.VisibleAvg, r.MovingAvg, r.TickMS.P50, r.TickMS.P99)
	return err
}

// runBenchLoad runs "tinymmo bench load": the server's cost per player,
// measured end to end with real bots; see package loadbench. Progress goes
// to stderr, the result to stdout.
func runBenchLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := loadbench.Config{Progress: stderr}
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	fs.IntVar(&cfg.Players, "players", 100, "bots to connect")
	fs.DurationVar(&cfg.Window, "window", 20*time.Second, "how long to measure, once every bot is in and the warm-up is over")
	fs.DurationVar(&cfg.Warmup, "warmup", 5*time.Second, "how long to wait after the last bot is in before measuring")
	fs.StringVar(&cfg.Scenario, "scenario", "walk", "how the bots play: walk, idle (stand still and ping), fight (hunt the NPCs) or social (chat, and go into the Dungeon in parties)")
	idle := fs.Bool("idle", false, "short for --scenario idle")
	fs.IntVar(&cfg.BotProcs, "bot-procs", 0, fmt.Sprintf("bots processes to share the players (default: at most %d bots each)", loadbench.MaxBotsPerProc))
	fs.IntVar(&cfg.TickRate, "tick-rate", 20, "the world's simulation rate in Hz")
	fs.IntVar(&cfg.SendEvery, "send-every", 0, "the world's send_every: ticks whose messages a client gets in one write (0: its default, 2)")
	pin := fs.Bool("pin", true, "pin the server to the first CPU and the bots to the others (when there are two or more)")
	fs.StringVar(&cfg.Pprof, "pprof", "", "have the server serve net/http/pprof on this loopback address, e.g. 127.0.0.1:6060")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if err := parseConfig(fs, args, &cfg); err != nil {
		return err
	}
	cfg.NoPin = !*pin
	if *idle {
		cfg.Scenario = "idle"
	}
	if cfg.Warmup == 0 {
		cfg.Warmup = -1 // --warmup 0: none
	}
	r, err := loadbench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		fmt.Fprintf(stdout, "%d %s players (%.1f measured), %d Hz, over %.1f s after a %.0f s warm-up\n",
			r.Players, r.Scenario, r.PlayersMeasured, r.TickRate, r.WindowS, r.WarmupS)
		fmt.Fprintf(stdout, "server CPU: %.0f ns per player-tick (user %.2f s, sys %.2f s), sockets and kernel included\n",
			r.NsPerPlayerTick, r.UserS, r.SysS)
		fmt.Fprintf(stdout, "server memory: RSS %.1f MB, %.1f KiB per player\n", r.RSSMB, r.RSSKiBPerPlayer)
		fmt.Fprintf(stdout, "per client: down %.0f B/s, up %.0f B/s (message payloads)\n", r.DownBytesPerClientS, r.UpBytesPerClientS)
		fmt.Fprintf(stdout, "per client: %.1f reads/s, %.1f writes/s (the server's read and write system calls)\n", r.ReadsPerClientS, r.WritesPerClientS)
		fmt.Fprintf(stdout, "world tick: p50 %.3f ms, p99 %.3f ms; host steal %.1f%% of the machine's CPU\n", r.TickMSP50, r.TickMSP99, r.StealPercent)
		fmt.Fprintf(stdout, "bots: entered %d, disconnected %d, failed %d, desyncs %d, resyncs %d (%d processes)\n",
			r.Entered, r.Disconnected, r.Failed, r.Desyncs, r.Resyncs, r.BotProcs)
		fmt.Fprintf(stdout, "cpu pinning: %s; %d CPUs\n", r.CPUPinning, r.CPUs)
	}
	if r.Failed > 0 || r.Disconnected > 0 {
		return fmt.Errorf("%d of %d bots failed and %d were disconnected", r.Failed, r.Players, r.Disconnected)
	}
	return nil
}
