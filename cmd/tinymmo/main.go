// Command tinymmo runs the TinyMMO servers and tools:
//
//	tinymmo dev       master, gateway and one world in one process (start here)
//	tinymmo master    the orchestrator, with the embedded control plane
//	tinymmo gateway   the public HTTP API and web client
//	tinymmo world     a realm
//	tinymmo nats      one node of a NATS cluster for the control plane
//	tinymmo healthcheck URL  exit 0 if URL (a /healthz) answers 200
//	tinymmo bots      headless players for load tests
//	tinymmo bench     benchmarks: the hot path (tick), the whole server under bots (load)
//	tinymmo admin     accounts on the master's database: create-user, set-role, ban, unban
//	tinymmo migrate-db  copy a deployment's SQLite databases into PostgreSQL
//	tinymmo version   print the version
//
// Each role takes --config FILE (TOML), flags, and TINYMMO_* environment
// variables; run "tinymmo ROLE --help" for the options.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const usage = `usage: tinymmo <command> [flags]

commands:
  dev       run master, gateway and one world in one process
  master    run the master (accounts, world registry, control plane)
  gateway   run a gateway (public API and web client)
  world     run a world
  nats      run one node of a NATS cluster for the control plane
  healthcheck URL
            exit 0 if URL (a role's /healthz) answers 200 (for containers)
  bots      run headless players against a gateway
  bench     measure the server: "bench tick" (hot path), "bench load" (whole server, real bots)
  admin     manage accounts on the master's database: create-user, set-role, ban, unban
  migrate-db --from sqlite:DIR --to postgres://…
            copy a deployment's SQLite databases into PostgreSQL
  version   print the version

"tinymmo <command> --help" lists a command's flags.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1], os.Args[2:], os.Stdin, os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tinymmo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	switch cmd {
	case "dev":
		return runDev(ctx, args, stdout, log)
	case "master":
		return runMaster(ctx, args, log)
	case "gateway":
		return runGateway(ctx, args, log)
	case "world":
		return runWorld(ctx, args, log)
	case "nats":
		return runNATS(ctx, args, log)
	case "healthcheck":
		return runHealthcheck(ctx, args)
	case "bots":
		return runBots(ctx, args, stdout)
	case "bench":
		return runBench(ctx, args, stdout, stderr)
	case "admin":
		return runAdmin(ctx, args, stdin, stdout)
	case "migrate-db":
		return runMigrateDB(ctx, args, stdout)
	case "version":
		return runVersion(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// shutdownTimeout bounds a graceful shutdown: saving every character and
// closing every connection.
const shutdownTimeout = 30 * time.Second

// shutdowner is a role that stops gracefully.
type shutdowner interface {
	Shutdown(context.Context) error
}

// serveUntilDone waits for ctx (a signal) and shuts the roles down in order.
func serveUntilDone(ctx context.Context, log *slog.Logger, roles ...shutdowner) error {
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	var errs []error
	for _, r := range roles {
		errs = append(errs, r.Shutdown(sctx))
	}
	return errors.Join(errs...)
}
