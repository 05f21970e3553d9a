package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/tinymmo/tinymmo/internal/gateway"
	"github.com/tinymmo/tinymmo/internal/master"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/version"
	"github.com/tinymmo/tinymmo/internal/world"
)

func masterFlags(fs *flag.FlagSet, c *master.Config) {
	fs.StringVar(&c.DataDir, "data", "data", "directory for master.db and the generated cluster secret")
	fs.StringVar(&c.DB, "db", "", "a PostgreSQL database (postgres://USER:PASSWORD@HOST/NAME) for the accounts, in schema master, instead of --data's master.db")
	fs.DurationVar(&c.GuestExpiry, "guest-expiry", 30*24*time.Hour, "delete guest accounts unused for this long, with their characters (negative: never)")
	fs.StringVar(&c.NATSURL, "nats", "", "external NATS URL; empty runs the embedded NATS server")
	fs.StringVar(&c.NATSListen, "nats-listen", "127.0.0.1:4222", "address of the embedded NATS server")
	fs.StringVar(&c.Secret, "secret", "", "cluster secret; empty reads or creates DATA/cluster.secret")
	fs.StringVar(&c.HTTPListen, "http-listen", "127.0.0.1:8090", "address of /healthz, /metrics and the admin dashboard (/admin/)")
	fs.StringVar(&c.TLSCert, "tls-cert", "", "PEM certificate to serve --http-listen over TLS (with --tls-key)")
	fs.StringVar(&c.TLSKey, "tls-key", "", "PEM private key of --tls-cert")
	fs.BoolVar(&c.DashboardInsecure, "dashboard-insecure", false, "serve the admin dashboard on a non-loopback --http-listen without TLS")
	fs.DurationVar(&c.SessionTTL, "session-ttl", 24*time.Hour, "lifetime of a login session")
	fs.IntVar(&c.EnterBurst, "enter-burst", 10, "times one account may enter a world at once")
	fs.DurationVar(&c.EnterEvery, "enter-every", 3*time.Second, "then one more per this interval")
	fs.IntVar(&c.MaxConcurrentHashes, "max-hashes", 0, "password hashes computed at once (0: 2×CPUs)")
}

func gatewayFlags(fs *flag.FlagSet, c *gateway.Config) {
	fs.StringVar(&c.Listen, "listen", "127.0.0.1:8080", "HTTP address of the API and web client")
	fs.StringVar(&c.MetricsListen, "metrics-listen", "127.0.0.1:8081", "address of /metrics and /healthz, kept off the public address")
	fs.StringVar(&c.NATSURL, "nats", "nats://127.0.0.1:4222", "control-plane NATS URL")
	fs.StringVar(&c.Secret, "secret", "", "cluster secret; empty reads DATA/cluster.secret")
	fs.StringVar(&c.DataDir, "data", "data", "directory holding the cluster secret")
	fs.IntVar(&c.IPBurst, "ip-burst", 60, "logins, sign-ups and guest logins one IP may make at once, and as many world entries")
	fs.DurationVar(&c.IPEvery, "ip-every", 200*time.Millisecond, "then one more per this interval")
	fs.IntVar(&c.NameBurst, "name-burst", 10, "login attempts one IP may make at one username at once")
	fs.DurationVar(&c.NameEvery, "name-every", 6*time.Second, "then one more per this interval")
	fs.IntVar(&c.FailureBurst, "failure-burst", 10, "failed logins of one username, from anywhere, before its logins wait")
	fs.DurationVar(&c.FailureEvery, "failure-every", 2*time.Second, "then each waits until one more per this interval")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", false, "take client IPs from X-Forwarded-For (only behind your own proxy)")
	fs.DurationVar(&c.Heartbeat, "heartbeat", 2*time.Second, "how often to announce the gateway to the master (for its dashboard)")
}

// motdFlag adds --motd, the world's message of the day.
func motdFlag(fs *flag.FlagSet, motd *string) {
	fs.StringVar(motd, "motd", "Welcome to TinyMMO! Press Enter to chat.", "the message of the day, told to every player on entering (empty: none)")
}

func worldFlags(fs *flag.FlagSet, c *world.Config) {
	fs.StringVar(&c.ID, "id", "w1", "world id on the control plane")
	fs.StringVar(&c.Name, "name", "Tiny Realm", "world name shown to players")
	fs.StringVar(&c.Listen, "listen", "127.0.0.1:8100", "address of /play and /healthz, the one players reach")
	fs.StringVar(&c.MetricsListen, "metrics-listen", "127.0.0.1:8101", "address of /metrics and /healthz, kept off the public address")
	fs.StringVar(&c.PublicURL, "public-url", "", "WebSocket URL players are sent to (default ws://LISTEN/play)")
	fs.StringVar(&c.NATSURL, "nats", "nats://127.0.0.1:4222", "control-plane NATS URL")
	fs.StringVar(&c.Secret, "secret", "", "cluster secret; empty reads DATA/cluster.secret")
	fs.StringVar(&c.DataDir, "data", "data", "directory for the world database")
	fs.StringVar(&c.DB, "db", "", "a PostgreSQL database (postgres://USER:PASSWORD@HOST/NAME) for the characters, in schema world_ID, instead of --data's world-ID.db")
	fs.IntVar(&c.Capacity, "capacity", 2000, "most players online at once")
	fs.IntVar(&c.MaxCharacters, "max-characters", 5, "most characters per account")
	fs.IntVar(&c.TickRate, "tick-rate", 20, "simulation rate in Hz")
	fs.BoolVar(&c.PvP, "pvp", false, "players may fight each other")
	motdFlag(fs, &c.MOTD)
	fs.BoolVar(&c.Hardcore, "hardcore", false, "death is permanent")
	fs.DurationVar(&c.Heartbeat, "heartbeat", 2*time.Second, "how often to announce the world")
	fs.DurationVar(&c.JoinTokenTTL, "join-token-ttl", 30*time.Second, "how long a join token is valid")
	fs.IntVar(&c.MaxJoinTokens, "max-join-tokens", 3, "unused, unexpired join tokens one account may hold")
	fs.IntVar(&c.InputBurst, "input-burst", 40, "messages a player may send at once")
	fs.IntVar(&c.InputRate, "input-rate", 30, "messages per second a player may send after the burst")
	fs.IntVar(&c.SendEvery, "send-every", 2, "ticks whose messages a client gets in one write (1: every tick)")
	fs.DurationVar(&c.ReadEvery, "read-every", 0, "how often the world reads its players' sockets, all in one batch (0: half a tick)")
	fs.IntVar(&c.SendQueueBytes, "send-queue-bytes", 64<<10, "bytes queued for a slow client, beyond its socket buffer, before it is dropped")
	fs.DurationVar(&c.HelloTimeout, "hello-timeout", 5*time.Second, "how long a new connection has to send Hello")
	fs.DurationVar(&c.PingInterval, "ping-interval", 15*time.Second, "how often the world pings each client")
	fs.DurationVar(&c.PongTimeout, "pong-timeout", 30*time.Second, "how long a ping may go unanswered before the client is dropped (4011)")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", 45*time.Second, "how long a client may send nothing before it is dropped (1001)")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", 10*time.Second, "how long bytes may wait for a client's full socket before it is dropped")
	fs.IntVar(&c.MaxHandshakes, "max-handshakes", 1024, "connections that may wait to send Hello at once")
	fs.IntVar(&c.MaxHandshakesPerIP, "max-handshakes-per-ip", 256, "connections from one address that may wait to send Hello at once")
	fs.IntVar(&c.SpawnSpread, "spawn-spread", 48, "how far in pixels from a spawn point arriving players are spread")
	fs.IntVar(&c.ViewWidth, "view-width", 1280, "width in pixels of the area in which a player sees others")
	fs.IntVar(&c.ViewHeight, "view-height", 720, "height in pixels of that area")
	fs.IntVar(&c.ViewMargin, "view-margin", 128, "how far in pixels beyond it others must go to disappear")
	fs.IntVar(&c.InstanceCapacity, "instance-capacity", 2000, "players in one shared map instance before another opens")
	fs.DurationVar(&c.EmptyInstanceTimeout, "empty-instance-timeout", 30*time.Second, "how long an extra or private instance stays open empty")
	fs.DurationVar(&c.Autosave, "autosave", 30*time.Second, "how often every online character is saved")
}

// masterOptions are the options of "tinymmo master".
type masterOptions struct {
	master.Config
	// Pprof serves net/http/pprof on this loopback address. Default off.
	Pprof string `toml:"pprof"`
}

// flags returns the flags bound to o's fields.
func (o *masterOptions) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("master", flag.ContinueOnError)
	masterFlags(fs, &o.Config)
	pprofFlag(fs, &o.Pprof)
	return fs
}

// gatewayOptions are the options of "tinymmo gateway".
type gatewayOptions struct {
	gateway.Config
	// Pprof serves net/http/pprof on this loopback address. Default off.
	Pprof string `toml:"pprof"`
	// webDir is the directory of the web client (flag --web only).
	webDir string
}

// flags returns the flags bound to o's fields.
func (o *gatewayOptions) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	gatewayFlags(fs, &o.Config)
	pprofFlag(fs, &o.Pprof)
	fs.StringVar(&o.webDir, "web", "", "directory of the web client to serve at / (default web/dist when it exists)")
	return fs
}

// worldOptions are the options of "tinymmo world".
type worldOptions struct {
	world.Config
	// Pprof serves net/http/pprof on this loopback address. Default off.
	Pprof string `toml:"pprof"`
}

// flags returns the flags bound to o's fields.
func (o *worldOptions) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("world", flag.ContinueOnError)
	worldFlags(fs, &o.Config)
	pprofFlag(fs, &o.Pprof)
	return fs
}

func runMaster(ctx context.Context, args []string, log *slog.Logger) error {
	var opts masterOptions
	if err := parseConfig(opts.flags(), args, &opts); err != nil {
		return err
	}
	stopPprof, err := startPprof(opts.Pprof, log)
	if err != nil {
		return err
	}
	defer stopPprof()
	m, err := master.Start(ctx, opts.Config, log)
	if err != nil {
		return err
	}
	return serveUntilDone(ctx, log, m)
}

func runGateway(ctx context.Context, args []string, log *slog.Logger) error {
	var opts gatewayOptions
	opts.Version = version.Version
	if err := parseConfig(opts.flags(), args, &opts); err != nil {
		return err
	}
	var err error
	if opts.Web, err = webFiles(ctx, opts.webDir, false, log); err != nil {
		return err
	}
	stopPprof, err := startPprof(opts.Pprof, log)
	if err != nil {
		return err
	}
	defer stopPprof()
	g, err := gateway.Start(ctx, opts.Config, log)
	if err != nil {
		return err
	}
	return serveUntilDone(ctx, log, g)
}

func runWorld(ctx context.Context, args []string, log *slog.Logger) error {
	var opts worldOptions
	if err := parseConfig(opts.flags(), args, &opts); err != nil {
		return err
	}
	stopPprof, err := startPprof(opts.Pprof, log)
	if err != nil {
		return err
	}
	defer stopPprof()
	w, err := world.Start(ctx, opts.Config, log)
	if err != nil {
		return err
	}
	// A shutdown the admin dashboard scheduled ends the process too.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		select {
		case <-w.Stopped():
			stop()
		case <-ctx.Done():
		}
	}()
	return serveUntilDone(ctx, log, w)
}

func runVersion(stdout io.Writer) error {
	_, err := fmt.Fprintf(stdout, "tinymmo %s (protocol %d)\n", version.Version, protocol.Version)
	return err
}
