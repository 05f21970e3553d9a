package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/tinymmo/tinymmo/internal/bots"
)

func runBots(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg bots.Config
	fs := flag.NewFlagSet("bots", flag.ContinueOnError)
	fs.StringVar(&cfg.Gateway, "gateway", "http://127.0.0.1:8080", "gateway base URL")
	fs.StringVar(&cfg.WorldMetrics, "world-metrics", "", "URL of the world's /metrics (tinymmo dev prints it), for the world's tick percentiles over the run")
	fs.IntVar(&cfg.Count, "count", 10, "bots to run at once")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long each bot stays in the world")
	fs.StringVar(&cfg.AccountPrefix, "accounts", "", "use accounts PREFIX_0..PREFIX_N-1 (created on first use) instead of guests")
	fs.StringVar(&cfg.Password, "password", "", "password of the --accounts accounts")
	fs.StringVar(&cfg.World, "world", "", "world id to enter (default: the first listed)")
	fs.StringVar(&cfg.Scenario, "scenario", bots.ScenarioIdle, "how bots play: idle (stand and ping), walk (walk with prediction, inputs on change), fight (hunt the NPCs in view with the class's abilities) or social (walk, chat, form parties and take them into the Dungeon)")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object on the last line")
	idle := fs.Bool("idle-priority", false, "run the bots at the kernel's idle priority (SCHED_IDLE, Linux), so that a world on the same machine never waits for a core because of them")
	if err := parseConfig(fs, args, &cfg); err != nil {
		return err
	}
	if *idle {
		if err := lowerToIdlePriority(); err != nil {
			return err
		}
	}
	sum, err := bots.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := json.Marshal(sum)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		fmt.Fprintf(stdout, "requested %d, entered %d, failed %d (created %d characters, reused %d)\n",
			sum.Requested, sum.Entered, sum.Failed, sum.CreatedCharacters, sum.ReusedCharacters)
		fmt.Fprintf(stdout, "login p50 %.1f ms p99 %.1f ms; enter p50 %.1f ms p99 %.1f ms\n",
			sum.LoginMS.P50, sum.LoginMS.P99, sum.EnterMS.P50, sum.EnterMS.P99)
		fmt.Fprintf(stdout, "per bot: down p50 %.0f B/s p99 %.0f B/s; up p50 %.0f B/s p99 %.0f B/s; %.1f snapshots/s\n",
			sum.DownBytesPerS.P50, sum.DownBytesPerS.P99, sum.UpBytesPerS.P50, sum.UpBytesPerS.P99, sum.SnapshotsPerS)
		fmt.Fprintf(stdout, "desyncs %d, resyncs %d; portal trips %d; world tick p50 %.3f ms p99 %.3f ms (host steal %.1f%% of this machine's CPU)\n",
			sum.Desyncs, sum.Resyncs, sum.PortalTrips, sum.TickMS.P50, sum.TickMS.P99, sum.StealPercent)
		if sum.AllInS > 0 {
			fmt.Fprintf(stdout, "world tick while every bot was in (%.0f s): p50 %.3f ms p99 %.3f ms\n", sum.AllInS, sum.TickMSAllIn.P50, sum.TickMSAllIn.P99)
		}
		if cfg.Scenario == bots.ScenarioSocial {
			fmt.Fprintf(stdout, "chat: sent %d (%d whispers), received %d, refused %d; %d deliveries expected, %d lost\n",
				sum.ChatSent, sum.Whispers, sum.ChatReceived, sum.ChatRefused, sum.ChatExpected, sum.ChatLost)
			fmt.Fprintf(stdout, "parties formed %d; private instances %d, %d with a party met inside, %d split arrivals\n",
				sum.PartiesFormed, sum.PrivateInstances, sum.PartyDungeons, sum.PartySplits)
		}
		for _, code := range slices.Sorted(maps.Keys(sum.Disconnected)) {
			fmt.Fprintf(stdout, "disconnected by the world with close code %s: %d\n", code, sum.Disconnected[code])
		}
		for kind, n := range sum.Errors {
			fmt.Fprintf(stdout, "error %s: %d (e.g. %s)\n", kind, n, sum.ErrorSamples[kind])
		}
	}
	if sum.Failed > 0 {
		return fmt.Errorf("%d of %d bots failed", sum.Failed, sum.Requested)
	}
	return nil
}
