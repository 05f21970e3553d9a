package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/tinymmo/tinymmo/internal/tickbench"
)

// runBench runs a benchmark: "tinymmo bench tick --players N".
func runBench(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "tick" {
		return errors.New(`usage: tinymmo bench tick [--players N] [--ticks N] [--visible N] [--replicators N] [--json]`)
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
