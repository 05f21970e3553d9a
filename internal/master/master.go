// Package master is the cluster's orchestrator. It owns the accounts database
// (argon2id password hashes, roles, bans, mutes and the audit log), gateway
// sessions and the registry of live worlds, answers the gateways'
// control-plane requests, forwards character and join-token requests to the
// world they name (with the account's role and mute), and checks and
// records the moderators' actions the worlds forward.
//
// By default it also runs the embedded NATS server that forms the control
// plane. A Master runs the control-plane handlers (see cluster.Service), one
// registry sweeper and its HTTP server; Shutdown stops them all.
package master

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/password"
	"github.com/tinymmo/tinymmo/internal/ratelimit"
	"github.com/tinymmo/tinymmo/internal/store"
)

// Config configures a Master. The zero value works: it runs an embedded NATS
// server on 127.0.0.1:4222 and keeps its database in ./data.
type Config struct {
	// DataDir holds master.db and, when Secret is empty, the generated
	// cluster secret. Default "data".
	DataDir string `toml:"data"`
	// DB is a PostgreSQL database (postgres://USER:PASSWORD@HOST/NAME) to
	// keep the accounts in, in the schema master, instead of DataDir's
	// master.db. The worlds may share it.
	DB string `toml:"db"`
	// NATSURL, when set, points at an external NATS server or cluster and
	// disables the embedded one.
	NATSURL string `toml:"nats"`
	// NATSListen is where the embedded NATS server listens. Default
	// "127.0.0.1:4222"; port 0 picks a free port.
	NATSListen string `toml:"nats_listen"`
	// Secret authenticates every control-plane connection. Default: read from
	// or generated into DataDir/cluster.secret.
	Secret string `toml:"secret"`
	// HTTPListen serves /healthz, /metrics and the admin dashboard under
	// /admin/. Default "127.0.0.1:8090".
	HTTPListen string `toml:"http_listen"`
	// TLSCert and TLSKey, when both set, serve HTTPListen over TLS (files
	// in PEM).
	TLSCert string `toml:"tls_cert"`
	TLSKey  string `toml:"tls_key"`
	// DashboardInsecure serves the admin dashboard on a non-loopback
	// HTTPListen without TLS, where passwords and session cookies would
	// cross the network in the clear. Without it (or TLS) the dashboard
	// stays off there.
	DashboardInsecure bool `toml:"dashboard_insecure"`
	// SessionTTL is how long a gateway session lives. Default 24h.
	SessionTTL time.Duration `toml:"session_ttl"`
	// GuestExpiry is how long a guest account may go unused (no login, no
	// live session) before it is deleted, with its characters in every
	// world. Default 720h (30 days); negative keeps guests for ever.
	GuestExpiry time.Duration `toml:"guest_expiry"`
	// SweepEvery is how often the master deletes expired sessions and idle
	// guests. Default 1m.
	SweepEvery time.Duration `toml:"sweep_every"`
	// EnterBurst and EnterEvery limit how often one account may ask to enter
	// a world (each time a world mints a join token): EnterBurst at once,
	// then one per EnterEvery. Defaults 10 and 3s.
	EnterBurst int           `toml:"enter_burst"`
	EnterEvery time.Duration `toml:"enter_every"`
	// MaxConcurrentHashes bounds argon2id work at once (each takes 19 MiB).
	// Default 2×GOMAXPROCS.
	MaxConcurrentHashes int `toml:"max_concurrent_hashes"`
	// HashParams are the argon2id parameters; zero means OWASP's
	// (m=19456 KiB, t=2, p=1). Tests lower them.
	HashParams password.Params `toml:"-"`
}

func (c *Config) setDefaults() {
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.NATSListen == "" {
		c.NATSListen = "127.0.0.1:4222"
	}
	if c.HTTPListen == "" {
		c.HTTPListen = "127.0.0.1:8090"
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = 24 * time.Hour
	}
	if c.GuestExpiry == 0 {
		c.GuestExpiry = 30 * 24 * time.Hour
	}
	if c.SweepEvery == 0 {
		c.SweepEvery = time.Minute
	}
	if c.EnterBurst == 0 {
		c.EnterBurst = 10
	}
	if c.EnterEvery == 0 {
		c.EnterEvery = 3 * time.Second
	}
}

func (c *Config) validate() error {
	if c.SessionTTL < time.Minute {
		return fmt.Errorf("master: session_ttl %v is under a minute", c.SessionTTL)
	}
	if c.SweepEvery < 10*time.Millisecond {
		return fmt.Errorf("master: sweep_every %v is under 10ms", c.SweepEvery)
	}
	if c.MaxConcurrentHashes < 0 {
		return fmt.Errorf("master: max_concurrent_hashes %d is negative", c.MaxConcurrentHashes)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("master: tls_cert and tls_key go together")
	}
	if c.EnterBurst < 0 || c.EnterEvery < 0 {
		return fmt.Errorf("master: enter_burst %d and enter_every %v must not be negative", c.EnterBurst, c.EnterEvery)
	}
	return nil
}

// Master is a running master. Create it with Start.
type Master struct {
	cfg      Config
	log      *slog.Logger
	db       *store.MasterDB
	hasher   *password.Hasher
	embedded *cluster.Embedded // nil with an external NATS
	nc       *nats.Conn
	svc      *cluster.Service
	worlds   *registry[cluster.Heartbeat]
	gateways *registry[cluster.GatewayHeartbeat] // the live gateways, by address
	enters   *ratelimit.Keyed[int64]             // enter calls per account
	metrics  *metrics
	http     *http.Server
	httpAddr net.Addr
	dash     *dashboard    // nil when the dashboard is off
	logins   atomic.Uint64 // sessions opened since Start, for the dashboard

	stop     context.CancelFunc // stops the sweeper and the dashboard's feed
	sweeper  sync.WaitGroup     // the sweeper and the dashboard's feed
	shutdown sync.Once
}

// Start opens the database, starts the control plane and begins answering.
// Everything listens when Start returns.
func Start(ctx context.Context, cfg Config, log *slog.Logger) (_ *Master, err error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m := &Master{cfg: cfg, log: log, worlds: newRegistry[cluster.Heartbeat](), gateways: newRegistry[cluster.GatewayHeartbeat](), metrics: newMetrics(),
		enters: ratelimit.New[int64](cfg.EnterEvery, cfg.EnterBurst, ratelimit.DefaultMaxKeys)}
	defer func() {
		if err != nil {
			m.close()
		}
	}()
	if m.cfg.Secret == "" {
		if m.cfg.Secret, err = cluster.LoadOrCreateSecret(cfg.DataDir); err != nil {
			return nil, err
		}
	}
	where, err := store.MasterDatabase(cfg.DataDir, cfg.DB)
	if err != nil {
		return nil, fmt.Errorf("master: %w", err)
	}
	m.db, err = store.OpenMaster(ctx, where)
	if err != nil {
		return nil, err
	}
	if m.hasher, err = password.NewHasher(cfg.HashParams, cfg.MaxConcurrentHashes); err != nil {
		return nil, fmt.Errorf("master: %w", err)
	}
	natsURL := cfg.NATSURL
	if natsURL == "" {
		m.embedded, err = cluster.StartEmbedded(cfg.NATSListen, m.cfg.Secret)
		if err != nil {
			return nil, err
		}
		natsURL = m.embedded.URL()
	}
	m.nc, err = cluster.Connect(natsURL, m.cfg.Secret, "master", log)
	if err != nil {
		return nil, err
	}
	if err := cluster.WaitConnected(ctx, m.nc); err != nil {
		return nil, err
	}
	if err := m.serveControlPlane(); err != nil {
		return nil, err
	}
	if err := m.serveHTTP(); err != nil {
		return nil, err
	}
	sweepCtx, stop := context.WithCancel(context.Background())
	m.stop = stop
	m.sweeper.Go(func() { m.sweep(sweepCtx) })
	if m.dash != nil {
		m.sweeper.Go(func() { m.dash.live.run(sweepCtx) })
	}
	// Tell worlds that were running before this master started to register
	// now rather than at their next heartbeat.
	if err := m.nc.Publish(cluster.SubjectMasterStarted, nil); err != nil {
		return nil, fmt.Errorf("master: announce start: %w", err)
	}
	log.Info("master started", "nats", natsURL, "http", m.httpAddr.String())
	return m, nil
}

func (m *Master) serveControlPlane() error {
	m.svc = cluster.NewService(m.nc, m.log)
	// The subscription ends when the connection closes.
	if _, err := m.nc.Subscribe(cluster.SubjectGatewayHeartbeat, m.onGatewayHeartbeat); err != nil {
		return fmt.Errorf("master: subscribe gateway heartbeats: %w", err)
	}
	if _, err := m.nc.Subscribe(cluster.SubjectHeartbeat, m.onHeartbeat); err != nil {
		return fmt.Errorf("master: subscribe heartbeats: %w", err)
	}
	err := errors.Join(
		handle(m, cluster.SubjectCreateAccount, m.createAccount),
		handle(m, cluster.SubjectLogin, m.login),
		handle(m, cluster.SubjectGuestLogin, m.guestLogin),
		handle(m, cluster.SubjectLogout, m.logout),
		handle(m, cluster.SubjectWorlds, m.listWorlds),
		handle(m, cluster.SubjectCharacters, m.characters),
		handle(m, cluster.SubjectCreateCharacter, m.createCharacter),
		handle(m, cluster.SubjectEnter, m.enter),
		handle(m, cluster.SubjectModerate, m.moderate),
		handle(m, cluster.SubjectDeletedAccounts, m.deletedAccounts),
	)
	if err != nil {
		return err
	}
	// Requests may come as soon as Start returns, from any connection: wait
	// until the NATS server has every subscription, or they would find no
	// responder.
	if err := m.nc.Flush(); err != nil {
		return fmt.Errorf("master: subscribe: %w", err)
	}
	return nil
}

func (m *Master) serveHTTP() error {
	ln, err := net.Listen("tcp", m.cfg.HTTPListen)
	if err != nil {
		return fmt.Errorf("master: listen %s: %w", m.cfg.HTTPListen, err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(m.metrics.collectors()...)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", cluster.Healthz(m.nc))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	m.http = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if dashboardAllowed(m.cfg) {
		m.dash = newDashboard(m)
		m.dash.routes(mux)
		// Event streams never go idle: end them, or Shutdown would wait
		// for them until its deadline.
		m.http.RegisterOnShutdown(func() { close(m.dash.live.stopping) })
	} else {
		m.log.Warn("master: the admin dashboard is off: it needs a loopback http_listen, TLS (tls_cert, tls_key) or dashboard_insecure", "http", m.cfg.HTTPListen)
	}
	m.httpAddr = ln.Addr()
	go func() {
		var err error
		if m.cfg.TLSCert != "" {
			err = m.http.ServeTLS(ln, m.cfg.TLSCert, m.cfg.TLSKey)
		} else {
			err = m.http.Serve(ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.log.Error("master http server failed", "err", err)
		}
	}()
	return nil
}

// NATSURL returns the control plane's address, for gateways and worlds.
func (m *Master) NATSURL() string {
	if m.embedded != nil {
		return m.embedded.URL()
	}
	return m.cfg.NATSURL
}

// Secret returns the cluster secret in use.
func (m *Master) Secret() string { return m.cfg.Secret }

// HTTPAddr returns the address of the /healthz, /metrics and /admin/
// server.
func (m *Master) HTTPAddr() net.Addr { return m.httpAddr }

// DashboardURL returns the admin dashboard's URL, or "" when it is off.
func (m *Master) DashboardURL() string {
	if m.dash == nil {
		return ""
	}
	scheme := "http"
	if m.dash.secure {
		scheme = "https"
	}
	return scheme + "://" + m.httpAddr.String() + "/admin/"
}

// Shutdown stops answering requests, waits for the ones under way (bounded by
// ctx), and closes the database and the control plane. It is idempotent.
func (m *Master) Shutdown(ctx context.Context) error {
	var err error
	m.shutdown.Do(func() {
		if m.http != nil {
			err = m.http.Shutdown(ctx)
		}
		m.close()
	})
	return err
}

// close releases whatever Start acquired, in reverse order.
func (m *Master) close() {
	if m.stop != nil {
		m.stop()
		m.sweeper.Wait()
	}
	if m.svc != nil {
		m.svc.Close()
	}
	if m.nc != nil {
		m.nc.Close()
	}
	if m.embedded != nil {
		m.embedded.Shutdown()
	}
	if m.db != nil {
		if err := m.db.Close(); err != nil {
			m.log.Error("master: close database", "err", err)
		}
	}
}

// sweep drops expired sessions and idle guests from the database now and
// then.
func (m *Master) sweep(ctx context.Context) {
	t := time.NewTicker(m.cfg.SweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if n, err := m.db.DeleteExpiredSessions(ctx, now); err != nil && ctx.Err() == nil {
				m.log.Warn("master: sweep sessions", "err", err)
			} else if n > 0 {
				m.log.Debug("master: swept expired sessions", "count", n)
			}
			if m.cfg.GuestExpiry > 0 {
				m.sweepGuests(ctx, now)
			}
		}
	}
}

// tombstoneRetention is how long the master remembers a deleted account
// for the worlds: a world down for longer keeps that account's characters.
const tombstoneRetention = 90 * 24 * time.Hour

// sweepGuests deletes the guests idle for GuestExpiry at now, a page at a
// time. The worlds delete their characters when they next ask
// (SubjectDeletedAccounts), or when they start.
func (m *Master) sweepGuests(ctx context.Context, now time.Time) {
	for ctx.Err() == nil {
		dead, err := m.db.DeleteIdleGuests(ctx, now.Add(-m.cfg.GuestExpiry), now, cluster.MaxDeletedAccounts)
		if err != nil {
			if ctx.Err() == nil {
				m.log.Warn("master: sweep idle guests", "err", err)
			}
			return
		}
		if len(dead) > 0 {
			m.metrics.guestsDeleted.Add(float64(len(dead)))
			m.log.Info("master: deleted idle guests", "count", len(dead), "idle_for", m.cfg.GuestExpiry)
		}
		if len(dead) < cluster.MaxDeletedAccounts {
			break
		}
	}
	if _, err := m.db.PruneTombstones(ctx, now.Add(-tombstoneRetention)); err != nil && ctx.Err() == nil {
		m.log.Warn("master: prune tombstones", "err", err)
	}
}

// deletedAccounts answers a world asking whose characters to delete.
func (m *Master) deletedAccounts(ctx context.Context, req cluster.DeletedAccountsRequest) (cluster.DeletedAccountsResponse, error) {
	dead, err := m.db.Tombstones(ctx, req.After, cluster.MaxDeletedAccounts)
	if err != nil {
		return cluster.DeletedAccountsResponse{}, err
	}
	resp := cluster.DeletedAccountsResponse{Accounts: make([]cluster.DeletedAccount, len(dead))}
	for i, t := range dead {
		resp.Accounts[i] = cluster.DeletedAccount{Seq: t.Seq, AccountID: t.AccountID}
	}
	return resp, nil
}
