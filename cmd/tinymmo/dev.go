package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/webclient"
)

// runDev runs a whole cluster in one process. It prints the URL to open,
// then "ready" once players can enter.
func runDev(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	var opts devOptions
	if err := parseConfig(opts.flags(), args, &opts); err != nil {
		return err
	}
	stopPprof, err := startPprof(opts.Pprof, log)
	if err != nil {
		return err
	}
	defer stopPprof()
	cfg := &opts.Config
	if cfg.Web, err = webFiles(ctx, opts.webDir, true, log); err != nil {
		return err
	}
	c, err := devcluster.Start(ctx, *cfg, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "TinyMMO is running: open %s/\n", c.URL())
	if url := c.Master.DashboardURL(); url != "" {
		fmt.Fprintf(stdout, "admin dashboard: %s (create an admin with: tinymmo admin create-user NAME --role admin)\n", url)
	}
	fmt.Fprintf(stdout, "world metrics: http://%s/metrics\n", c.World.MetricsAddr())
	if err := c.WaitReady(ctx); err == nil {
		fmt.Fprintln(stdout, "ready")
	}
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	return c.Shutdown(sctx)
}

// devOptions are the options of "tinymmo dev".
type devOptions struct {
	devcluster.Config
	// Pprof serves net/http/pprof on this loopback address. Default off.
	Pprof string `toml:"pprof"`
	// webDir is the directory of the web client (flag --web only).
	webDir string
}

// flags returns the flags bound to o's fields.
func (o *devOptions) flags() *flag.FlagSet {
	cfg := &o.Config
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.StringVar(&cfg.DataDir, "data", "data", "directory for the databases and the cluster secret")
	fs.StringVar(&cfg.DB, "db", "", "a PostgreSQL database (postgres://USER:PASSWORD@HOST/NAME) for the accounts and characters, instead of SQLite files in --data")
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8080", "address of the gateway (the URL to open)")
	fs.StringVar(&o.webDir, "web", "", "directory of the web client to serve (default web/dist, built or rebuilt first when run from the source tree's root)")
	fs.StringVar(&cfg.Gateway.MetricsListen, "gateway-metrics-listen", "127.0.0.1:0", "address of the gateway's /metrics and /healthz (port 0: a free one)")
	fs.StringVar(&cfg.World.Listen, "world-listen", "127.0.0.1:0", "address of the world's /play and /healthz (port 0: a free one)")
	fs.StringVar(&cfg.World.MetricsListen, "world-metrics-listen", "127.0.0.1:0", "address of the world's /metrics and /healthz (port 0: a free one)")
	fs.IntVar(&cfg.World.Capacity, "capacity", 2000, "most players online at once")
	fs.IntVar(&cfg.World.TickRate, "tick-rate", 20, "simulation rate in Hz")
	fs.IntVar(&cfg.World.SendEvery, "send-every", 2, "ticks whose messages a client gets in one write (1: every tick)")
	motdFlag(fs, &cfg.World.MOTD)
	fs.IntVar(&cfg.Gateway.IPBurst, "ip-burst", 60, "logins, sign-ups and guest logins one IP may make at once, and as many world entries (raise it for load tests from one machine)")
	fs.DurationVar(&cfg.Gateway.IPEvery, "ip-every", 200*time.Millisecond, "then one more per this interval")
	pprofFlag(fs, &o.Pprof)
	return fs
}

// webFiles returns the web client to serve: dir when given; otherwise
// web/dist if it exists, after building it (or rebuilding it when stale)
// when build is set and the current directory is the source tree's root;
// nil when there is none, and the gateway's page then says how to build it.
// Building logs to log; a failed build is logged and what is there served.
func webFiles(ctx context.Context, dir string, build bool, log *slog.Logger) (fs.FS, error) {
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("web client directory %q not found", dir)
		}
		return os.DirFS(dir), nil
	}
	if build && webclient.IsSource(".") {
		if _, _, err := webclient.Build(ctx, webclient.BuildConfig{Log: log}); err != nil {
			log.Error("cannot build the web client", "err", err)
		}
	}
	const dist = "web/dist"
	if st, err := os.Stat(dist); err != nil || !st.IsDir() {
		log.Warn("no web client to serve; build it with: go run ./tools/buildweb")
		return nil, nil
	}
	return os.DirFS(dist), nil
}
