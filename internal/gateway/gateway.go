// Package gateway is the public, stateless front door of a TinyMMO cluster.
// It serves the JSON API under /api/v1 (version check, accounts, sessions,
// worlds, characters, entering a world), rate-limits the calls that cost a
// password hash or mint a join token, and forwards each call to the master
// over the control plane. It also serves the web client's files.
//
// A Gateway keeps no player state, so any number can run behind a load
// balancer. It runs two HTTP servers, the public one and one for
// /metrics and /healthz; Shutdown stops them.
package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/ratelimit"
)

// Config configures a Gateway. The zero value works with a master on the
// same machine that uses its defaults.
type Config struct {
	// Listen is the HTTP address. Default "127.0.0.1:8080".
	Listen string `toml:"listen"`
	// MetricsListen serves /metrics and /healthz for monitoring, apart from
	// the public Listen so that players cannot read the numbers. Default
	// "127.0.0.1:8081"; port 0 picks a free port.
	MetricsListen string `toml:"metrics_listen"`
	// NATSURL is the control plane. Default "nats://127.0.0.1:4222".
	NATSURL string `toml:"nats"`
	// Secret is the cluster secret. Default: read from DataDir/cluster.secret.
	Secret string `toml:"secret"`
	// DataDir is where to find the cluster secret when Secret is empty.
	// Default "data".
	DataDir string `toml:"data"`
	// Version is the client version the gateway accepts. Default
	// version.Version.
	Version string `toml:"-"`
	// IPBurst and IPEvery limit the calls of one client IP: IPBurst calls
	// at once, then one per IPEvery. Account creation, login and guest login
	// share one such bucket; entering a world has another of the same size.
	// An IP may be a NAT with many players, so this is generous. Defaults 60
	// and 200ms.
	IPBurst int           `toml:"ip_burst"`
	IPEvery time.Duration `toml:"ip_every"`
	// NameBurst and NameEvery limit login and account creation per username
	// from one client IP, which is what stops one address guessing a
	// password. They never hold back the same username from other
	// addresses. Defaults 10 and 6s.
	NameBurst int           `toml:"name_burst"`
	NameEvery time.Duration `toml:"name_every"`
	// FailureBurst and FailureEvery slow down guessing one username from
	// many addresses: each failed login takes a token from the username's
	// bucket, and while it is empty every login for that username waits
	// for the next token (at most FailureEvery) before it is tried.
	// Waiting instead of refusing means a stranger cannot lock the owner
	// out. Defaults 10 and 2s.
	FailureBurst int           `toml:"failure_burst"`
	FailureEvery time.Duration `toml:"failure_every"`
	// TrustProxy takes the client IP from X-Forwarded-For (the last hop).
	// Enable it only behind a proxy you run. Default false.
	TrustProxy bool `toml:"trust_proxy"`
	// Heartbeat is how often the gateway announces itself to the master,
	// whose admin dashboard lists the gateways. Default 2s.
	Heartbeat time.Duration `toml:"heartbeat"`
	// Web holds the web client's files, served at /. Nil (or empty) serves a page
	// that says how to build them.
	Web fs.FS `toml:"-"`
}

func (c *Config) setDefaults() {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8080"
	}
	if c.MetricsListen == "" {
		c.MetricsListen = "127.0.0.1:8081"
	}
	if c.NATSURL == "" {
		c.NATSURL = "nats://127.0.0.1:4222"
	}
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = 2 * time.Second
	}
	if c.IPBurst == 0 {
		c.IPBurst = 60
	}
	if c.IPEvery == 0 {
		c.IPEvery = 200 * time.Millisecond
	}
	if c.NameBurst == 0 {
		c.NameBurst = 10
	}
	if c.NameEvery == 0 {
		c.NameEvery = 6 * time.Second
	}
	if c.FailureBurst == 0 {
		c.FailureBurst = 10
	}
	if c.FailureEvery == 0 {
		c.FailureEvery = 2 * time.Second
	}
}

func (c *Config) validate() error {
	if c.IPBurst < 0 || c.NameBurst < 0 || c.FailureBurst < 0 || c.IPEvery < 0 || c.NameEvery < 0 || c.FailureEvery < 0 {
		return fmt.Errorf("gateway: rate limits must not be negative (ip_burst %d, ip_every %v, name_burst %d, name_every %v, failure_burst %d, failure_every %v)",
			c.IPBurst, c.IPEvery, c.NameBurst, c.NameEvery, c.FailureBurst, c.FailureEvery)
	}
	if c.Version == "" {
		return errors.New("gateway: no client version configured")
	}
	return nil
}

// Gateway is a running gateway. Create it with Start.
type Gateway struct {
	cfg            Config
	log            *slog.Logger
	nc             *nats.Conn
	byIP           *ratelimit.Keyed[string]    // credential calls per client IP
	entersByIP     *ratelimit.Keyed[string]    // enter calls per client IP
	byIPName       *ratelimit.Keyed[ipAndName] // credential calls per client IP and username
	failuresByName *ratelimit.Keyed[string]    // failed logins per username
	metrics        *metrics
	http           *http.Server
	addr           net.Addr
	metricsHTTP    *http.Server // serves /metrics and /healthz on MetricsListen
	metricsAddr    net.Addr
	stopped        sync.Once
	stopHeartbeat  chan struct{} // closed by Shutdown
	heartbeats     sync.WaitGroup
}

// ipAndName keys the limit on one address's attempts at one username.
type ipAndName struct{ ip, name string }

// Start connects to the control plane and starts serving. It returns once
// the HTTP listener is bound; the control-plane connection may still be
// coming up, in which case calls answer 503 until it is.
func Start(ctx context.Context, cfg Config, log *slog.Logger) (*Gateway, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Secret == "" {
		s, err := cluster.ReadSecret(cfg.DataDir)
		if err != nil {
			return nil, fmt.Errorf("gateway: %w", err)
		}
		cfg.Secret = s
	}
	g := &Gateway{
		cfg:            cfg,
		log:            log,
		byIP:           ratelimit.New[string](cfg.IPEvery, cfg.IPBurst, ratelimit.DefaultMaxKeys),
		entersByIP:     ratelimit.New[string](cfg.IPEvery, cfg.IPBurst, ratelimit.DefaultMaxKeys),
		byIPName:       ratelimit.New[ipAndName](cfg.NameEvery, cfg.NameBurst, ratelimit.DefaultMaxKeys),
		failuresByName: ratelimit.New[string](cfg.FailureEvery, cfg.FailureBurst, ratelimit.DefaultMaxKeys),
		metrics:        newMetrics(),
		stopHeartbeat:  make(chan struct{}),
	}
	nc, err := cluster.Connect(cfg.NATSURL, cfg.Secret, "gateway", log)
	if err != nil {
		return nil, err
	}
	g.nc = nc
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("gateway: listen %s: %w", cfg.Listen, err)
	}
	g.addr = ln.Addr()
	if err := g.serveMetrics(); err != nil {
		ln.Close()
		nc.Close()
		return nil, fmt.Errorf("gateway: listen %s: %w", cfg.MetricsListen, err)
	}
	g.http = &http.Server{
		Handler:           g.metrics.instrument(g.routes()),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	go func() {
		if err := g.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("gateway http server failed", "err", err)
		}
	}()
	g.heartbeats.Go(g.heartbeatLoop)
	log.Info("gateway started", "addr", g.addr.String(), "metrics", g.metricsAddr.String())
	return g, nil
}

// heartbeatLoop announces the gateway to the master until Shutdown.
func (g *Gateway) heartbeatLoop() {
	t := time.NewTicker(g.cfg.Heartbeat)
	defer t.Stop()
	for {
		hb := cluster.GatewayHeartbeat{Addr: g.addr.String(), Version: g.cfg.Version,
			Requests: g.metrics.served.Load(), Interval: g.cfg.Heartbeat}
		data, _ := json.Marshal(hb) // a GatewayHeartbeat always encodes
		if err := g.nc.Publish(cluster.SubjectGatewayHeartbeat, data); err != nil {
			g.log.Debug("gateway: heartbeat", "err", err)
		}
		select {
		case <-g.stopHeartbeat:
			return
		case <-t.C:
		}
	}
}

// Addr returns the bound HTTP address.
func (g *Gateway) Addr() net.Addr { return g.addr }

// MetricsAddr returns the bound address of /metrics and /healthz.
func (g *Gateway) MetricsAddr() net.Addr { return g.metricsAddr }

// URL returns the gateway's base URL, e.g. "http://127.0.0.1:8080".
func (g *Gateway) URL() string { return "http://" + g.addr.String() }

// Shutdown stops accepting requests, waits for those under way (bounded by
// ctx) and closes the control-plane connection. It is idempotent.
func (g *Gateway) Shutdown(ctx context.Context) error {
	var err error
	g.stopped.Do(func() {
		close(g.stopHeartbeat)
		g.heartbeats.Wait()
		err = errors.Join(g.http.Shutdown(ctx), g.metricsHTTP.Shutdown(ctx))
		g.nc.Close()
	})
	return err
}

// clientIP returns the address rate limits apply to.
func (g *Gateway) clientIP(r *http.Request) string {
	if g.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
