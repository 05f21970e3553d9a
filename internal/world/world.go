// Package world is a TinyMMO realm: it owns its characters database, mints
// single-use join tokens when the master asks, accepts players' WebSockets
// at /play, and runs the game for them.
//
// The package is an I/O shell around the simulation core (package sim): a
// Server runs its HTTP server; one poller goroutine (wsconn.Poller), which
// reads every player's socket in batches; one goroutine per player
// connection (session), which wsconn joins with a writer only while the
// socket is full; one goroutine per map instance (runner), which steps its core and
// writes every client's snapshot straight to its socket; the registry's
// goroutine, which owns the set of instances and moves players between
// them; the saver's goroutine (package saver); the control-plane handlers;
// and one heartbeat loop. No lock is taken on the tick path. Shutdown
// saves every character, closes every player with a reason and stops them
// all.
//
// Chat commands (commands.go) are gated by the account's role, which the
// join grant carries with any mute in force. A moderator's command
// (moderation.go) goes to the master first, which checks the role again,
// stores any ban or mute and writes the audit log; the world then acts,
// and anything that reads or moves a player is an order its runner
// carries out (runner.obey).
package world

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

	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/saver"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/wsconn"
)

// Config configures a world Server. The zero value works with a master on
// the same machine that uses its defaults.
type Config struct {
	// ID names the world on the control plane: 1 to 64 of [A-Za-z0-9_-].
	// Default "w1".
	ID string `toml:"id"`
	// Name is shown to players. Default "Tiny Realm".
	Name string `toml:"name"`
	// Listen is the address of /play and /healthz, the one players reach.
	// Default "127.0.0.1:8100".
	Listen string `toml:"listen"`
	// MetricsListen serves /metrics and /healthz for monitoring, apart from
	// Listen so that players cannot read the numbers. Default
	// "127.0.0.1:8101"; port 0 picks a free port.
	MetricsListen string `toml:"metrics_listen"`
	// PublicURL is the WebSocket URL clients are sent to. Default
	// "ws://<Listen>/play" with the bound address.
	PublicURL string `toml:"public_url"`
	// NATSURL is the control plane. Default "nats://127.0.0.1:4222".
	NATSURL string `toml:"nats"`
	// Secret is the cluster secret. Default: read from DataDir/cluster.secret.
	Secret string `toml:"secret"`
	// DataDir holds world-<ID>.db. Default "data".
	DataDir string `toml:"data"`
	// DB is a PostgreSQL database (postgres://USER:PASSWORD@HOST/NAME) to
	// keep the characters in, in the schema world_<ID>, instead of
	// DataDir's SQLite file. The worlds and the master may share one.
	DB string `toml:"db"`
	// Capacity is the most players online at once. Default 2000.
	Capacity int `toml:"capacity"`
	// MaxCharacters is the most characters one account may have here.
	// Default 5.
	MaxCharacters int `toml:"max_characters"`
	// TickRate is the simulation rate in Hz. Default 20.
	TickRate int `toml:"tick_rate"`
	// PvP and Hardcore are the world's rules, shown in the world list.
	PvP      bool `toml:"pvp"`
	Hardcore bool `toml:"hardcore"`
	// MOTD is the message of the day, told to every player on entering;
	// empty for none.
	MOTD string `toml:"motd"`
	// Heartbeat is how often the world announces itself. Default 2s.
	Heartbeat time.Duration `toml:"heartbeat"`
	// JoinTokenTTL is how long a join token stays valid. Default 30s.
	JoinTokenTTL time.Duration `toml:"join_token_ttl"`
	// MaxJoinTokens is how many live (unused, unexpired) join tokens one
	// account may hold; entering again beyond it is refused until one is
	// used or expires. Default 3.
	MaxJoinTokens int `toml:"max_join_tokens"`
	// InputBurst and InputRate cap a connection's messages: InputBurst at
	// once, InputRate per second after that. Defaults 40 and 30.
	InputBurst int `toml:"input_burst"`
	InputRate  int `toml:"input_rate"`
	// HelloTimeout is how long a new connection has to send Hello before
	// it is closed with 4007. Default 5s.
	HelloTimeout time.Duration `toml:"hello_timeout"`
	// PingInterval is how often the world pings each client; PongTimeout
	// is how long a ping may go unanswered (the client is not reading)
	// before the connection is closed with 4011; IdleTimeout is how long
	// a client may send no complete frame before it is closed with 1001;
	// WriteTimeout is how long bytes may wait for a full socket before the
	// connection is closed. Defaults 15s, 30s, 45s and 10s.
	PingInterval time.Duration `toml:"ping_interval"`
	PongTimeout  time.Duration `toml:"pong_timeout"`
	IdleTimeout  time.Duration `toml:"idle_timeout"`
	WriteTimeout time.Duration `toml:"write_timeout"`
	// MaxHandshakes and MaxHandshakesPerIP bound the connections that
	// have not sent Hello yet, in total and from one address; others are
	// refused with 4014 busy until some finish. Defaults 1024 and 256.
	MaxHandshakes      int `toml:"max_handshakes"`
	MaxHandshakesPerIP int `toml:"max_handshakes_per_ip"`
	// SendEvery is how many ticks' messages a client gets in one write:
	// 1 writes every tick; 2 (the default) halves the server's write system
	// calls, the largest cost per player, for up to one tick (50 ms at 20
	// Hz) more latency. The messages are the same either way: one per tick.
	SendEvery int `toml:"send_every"`
	// ReadEvery is how often the world reads its players' sockets: one
	// goroutine reads every socket that holds data in one batch, so a
	// message costs about one read system call instead of a goroutine's
	// wake-up and two reads, for up to ReadEvery more latency. Default:
	// half a tick (25 ms at 20 Hz). On other systems than Linux each
	// player's socket has a reading goroutine and this does nothing.
	ReadEvery time.Duration `toml:"read_every"`
	// SendQueueBytes is how many bytes may wait for a slow client, beyond
	// what its socket's kernel buffer holds, before it is dropped. Default
	// 65536.
	SendQueueBytes int `toml:"send_queue_bytes"`
	// ViewWidth and ViewHeight are the area around a player, in pixels,
	// inside which other entities appear to it; ViewMargin is how far beyond
	// it they must go to disappear again. Defaults 1280, 720 and 128.
	ViewWidth  int `toml:"view_width"`
	ViewHeight int `toml:"view_height"`
	ViewMargin int `toml:"view_margin"`
	// InstanceCapacity is how many players a shared map instance takes
	// before another one opens. Default 2000.
	InstanceCapacity int `toml:"instance_capacity"`
	// PrivateMaps are maps each player gets a private instance of, opened
	// on entry. Default ["dungeon"].
	PrivateMaps []string `toml:"private_maps"`
	// SpawnSpread is how far from a spawn point, in pixels, players who
	// arrive there are spread, so a crowd does not stand on one spot.
	// Default 48.
	SpawnSpread int `toml:"spawn_spread"`
	// EmptyInstanceTimeout is how long an extra instance may stay empty
	// before it closes. Default 30s.
	EmptyInstanceTimeout time.Duration `toml:"empty_instance_timeout"`
	// ForgetEvery is how often the world asks the master which accounts
	// it deleted (idle guests), to delete their characters. Default 1m.
	ForgetEvery time.Duration `toml:"forget_every"`
	// Autosave is how often every character online is saved, each at its
	// own moment of the interval. Default 30s; a crash loses at most this
	// much, and the saves of its last second.
	Autosave time.Duration `toml:"autosave"`
}

func (c *Config) setDefaults() {
	if c.ID == "" {
		c.ID = "w1"
	}
	if c.Name == "" {
		c.Name = "Tiny Realm"
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8100"
	}
	if c.MetricsListen == "" {
		c.MetricsListen = "127.0.0.1:8101"
	}
	if c.NATSURL == "" {
		c.NATSURL = "nats://127.0.0.1:4222"
	}
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.Capacity == 0 {
		c.Capacity = 2000
	}
	if c.MaxCharacters == 0 {
		c.MaxCharacters = 5
	}
	if c.TickRate == 0 {
		c.TickRate = 20
	}
	if c.Heartbeat == 0 {
		c.Heartbeat = 2 * time.Second
	}
	if c.JoinTokenTTL == 0 {
		c.JoinTokenTTL = 30 * time.Second
	}
	if c.MaxJoinTokens == 0 {
		c.MaxJoinTokens = 3
	}
	if c.InputBurst == 0 {
		c.InputBurst = 40
	}
	if c.InputRate == 0 {
		c.InputRate = 30
	}
	if c.HelloTimeout == 0 {
		c.HelloTimeout = 5 * time.Second
	}
	if c.PingInterval == 0 {
		c.PingInterval = 15 * time.Second
	}
	if c.PongTimeout == 0 {
		c.PongTimeout = 30 * time.Second
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 45 * time.Second
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.MaxHandshakes == 0 {
		c.MaxHandshakes = 1024
	}
	if c.MaxHandshakesPerIP == 0 {
		c.MaxHandshakesPerIP = 256
	}
	if c.ReadEvery == 0 {
		c.ReadEvery = time.Second / time.Duration(2*max(c.TickRate, 1))
	}
	if c.SendEvery == 0 {
		c.SendEvery = 2
	}
	if c.SendQueueBytes == 0 {
		c.SendQueueBytes = 64 << 10
	}
	if c.ViewWidth == 0 {
		c.ViewWidth = 1280
	}
	if c.ViewHeight == 0 {
		c.ViewHeight = 720
	}
	if c.ViewMargin == 0 {
		c.ViewMargin = 128
	}
	if c.InstanceCapacity == 0 {
		c.InstanceCapacity = 2000
	}
	if c.PrivateMaps == nil {
		c.PrivateMaps = []string{"dungeon"}
	}
	if c.SpawnSpread == 0 {
		c.SpawnSpread = 48
	}
	if c.EmptyInstanceTimeout == 0 {
		c.EmptyInstanceTimeout = 30 * time.Second
	}
	if c.Autosave == 0 {
		c.Autosave = 30 * time.Second
	}
	if c.ForgetEvery == 0 {
		c.ForgetEvery = time.Minute
	}
}

func (c *Config) validate() error {
	var errs []error
	if !cluster.ValidWorldID(c.ID) {
		errs = append(errs, fmt.Errorf("world: id %q must be 1 to 64 of A-Z a-z 0-9 _ -", c.ID))
	}
	if c.Capacity < 0 || c.MaxCharacters < 0 || c.InputBurst < 0 || c.InputRate < 0 || c.SendQueueBytes < 0 || c.MaxHandshakes < 0 || c.MaxHandshakesPerIP < 0 {
		errs = append(errs, fmt.Errorf("world: capacity %d, max_characters %d, input_burst %d, input_rate %d, send_queue_bytes %d, max_handshakes %d and max_handshakes_per_ip %d must not be negative",
			c.Capacity, c.MaxCharacters, c.InputBurst, c.InputRate, c.SendQueueBytes, c.MaxHandshakes, c.MaxHandshakesPerIP))
	}
	if c.TickRate < 1 || c.TickRate > 120 {
		errs = append(errs, fmt.Errorf("world: tick_rate %d must be 1 to 120", c.TickRate))
	}
	if c.ForgetEvery < 10*time.Millisecond {
		errs = append(errs, fmt.Errorf("world: forget_every %v must be at least 10ms", c.ForgetEvery))
	}
	if c.ReadEvery < time.Millisecond || c.ReadEvery > time.Second {
		errs = append(errs, fmt.Errorf("world: read_every %v must be 1ms to 1s", c.ReadEvery))
	}
	if c.Heartbeat < 100*time.Millisecond || c.Heartbeat > 3*time.Second {
		errs = append(errs, fmt.Errorf("world: heartbeat %v must be 100ms to 3s", c.Heartbeat))
	}
	if c.ViewWidth < 16 || c.ViewHeight < 16 || c.ViewMargin < 0 || c.InstanceCapacity < 1 {
		errs = append(errs, fmt.Errorf("world: view %dx%d must be at least 16x16 px, view_margin %d not negative, instance_capacity %d at least 1",
			c.ViewWidth, c.ViewHeight, c.ViewMargin, c.InstanceCapacity))
	}
	if c.EmptyInstanceTimeout < 0 || c.Autosave < time.Second {
		errs = append(errs, fmt.Errorf("world: empty_instance_timeout %v must not be negative and autosave %v at least 1s", c.EmptyInstanceTimeout, c.Autosave))
	}
	if c.SendEvery < 1 || c.SendEvery > c.TickRate {
		errs = append(errs, fmt.Errorf("world: send_every %d must be 1 to the tick rate %d", c.SendEvery, c.TickRate))
	}
	if c.HelloTimeout < 0 || c.PingInterval < 0 || c.PongTimeout < 0 || c.IdleTimeout < 0 || c.WriteTimeout < 0 {
		errs = append(errs, fmt.Errorf("world: hello_timeout %v, ping_interval %v, pong_timeout %v, idle_timeout %v and write_timeout %v must not be negative",
			c.HelloTimeout, c.PingInterval, c.PongTimeout, c.IdleTimeout, c.WriteTimeout))
	}
	if c.JoinTokenTTL < time.Second {
		errs = append(errs, fmt.Errorf("world: join_token_ttl %v is under a second", c.JoinTokenTTL))
	}
	if c.MaxJoinTokens < 0 {
		errs = append(errs, fmt.Errorf("world: max_join_tokens %d must not be negative", c.MaxJoinTokens))
	}
	return errors.Join(errs...)
}

// Server is a running world. Create it with Start.
type Server struct {
	cfg         Config
	log         *slog.Logger
	db          *store.WorldDB
	maps        map[string]*maps.Map // immutable after Start
	registry    *registry
	poller      *wsconn.Poller // reads the players' sockets
	saver       *saver.Saver
	nc          *nats.Conn
	svc         *cluster.Service
	tokens      *tokens
	players     *players
	parties     *parties
	handshakes  *handshakes
	refusals    *refusals
	metrics     *metrics
	http        *http.Server // serves /play and /healthz on Listen
	addr        net.Addr
	monitoring  *http.Server // serves /metrics and /healthz on MetricsListen
	metricsAddr net.Addr

	ctx    context.Context // ends when Shutdown begins; parent of every player's context
	cancel context.CancelFunc
	loops  sync.WaitGroup // the heartbeat loop
	conns  sync.WaitGroup // every player connection; they end before the instances

	connsMu  sync.Mutex // orders admit's conns.Add before Shutdown's conns.Wait
	stopping bool       // set by Shutdown: admit refuses new connections
	once     sync.Once
	stopped  chan struct{} // closed when Shutdown has finished
	says     recentSays    // the last public chat lines, for the dashboard
	// countingDown is set once the dashboard has scheduled a shutdown.
	countingDown atomic.Bool
}

// saveGather is the least time between two of the saver's writes. Players
// taking portals and logging out save several times a second in a busy
// world, and each transaction costs about as much CPU as one of dozens of
// saves; a second lets them share one. A crash can then also lose the
// saves of its last second, on top of the autosave interval it can lose
// anyway.
const saveGather = time.Second

// Start opens the database, binds the listener, joins the control plane and
// starts announcing itself. Players can connect when it returns.
func Start(ctx context.Context, cfg Config, log *slog.Logger) (_ *Server, err error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Secret == "" {
		if cfg.Secret, err = cluster.ReadSecret(cfg.DataDir); err != nil {
			return nil, fmt.Errorf("world: %w", err)
		}
	}
	log = log.With("world", cfg.ID)
	s := &Server{cfg: cfg, log: log, tokens: newTokens(cfg.JoinTokenTTL, cfg.MaxJoinTokens), players: newPlayers(), metrics: newMetrics(),
		handshakes: newHandshakes(cfg.MaxHandshakes, cfg.MaxHandshakesPerIP),
		refusals:   newRefusals(log), stopped: make(chan struct{})}
	s.parties = newParties(s)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	defer func() {
		if err != nil {
			s.close(context.Background())
		}
	}()
	if s.maps, err = loadMaps(); err != nil {
		return nil, err
	}
	where, err := store.WorldDatabase(cfg.DataDir, cfg.DB, cfg.ID)
	if err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	s.db, err = store.OpenWorld(ctx, where)
	if err != nil {
		return nil, err
	}
	s.saver = saver.New(s.db, log, saver.Options{Gather: saveGather, ObserveWrite: s.metrics.observeSave})
	if s.poller, err = wsconn.NewPoller(cfg.ReadEvery); err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	s.registry = newRegistry(s)
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("world: listen %s: %w", cfg.Listen, err)
	}
	s.addr = ln.Addr()
	if s.cfg.PublicURL == "" {
		s.cfg.PublicURL = "ws://" + s.addr.String() + "/play"
	}
	s.nc, err = cluster.Connect(cfg.NATSURL, cfg.Secret, "world-"+cfg.ID, log)
	if err != nil {
		ln.Close()
		return nil, err
	}
	if err := s.serveControlPlane(); err != nil {
		ln.Close()
		return nil, err
	}
	metricsLn, err := net.Listen("tcp", cfg.MetricsListen)
	if err != nil {
		ln.Close()
		s.nc.Close()
		return nil, fmt.Errorf("world: listen %s: %w", cfg.MetricsListen, err)
	}
	s.metricsAddr = metricsLn.Addr()
	s.monitoring = cluster.ServeMonitoring(metricsLn, s.nc, s.gatherer(), log)
	s.http = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("world http server failed", "err", err)
		}
	}()
	s.loops.Go(s.heartbeatLoop)
	s.loops.Go(s.forgetLoop)
	log.Info("world started", "addr", s.addr.String(), "public_url", s.cfg.PublicURL)
	return s, nil
}

// routes serves what players reach on Listen.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /play", s.servePlay)
	mux.HandleFunc("GET /healthz", cluster.Healthz(s.nc))
	return mux
}

// gatherer gathers the world's metrics, its saver's and the runtime's.
func (s *Server) gatherer() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(s.metrics.collectors()...)
	reg.MustRegister(saverCollectors(s.saver)...)
	reg.MustRegister(runtimeCollectors()...)
	return reg
}

// Addr returns the bound address of /play.
func (s *Server) Addr() net.Addr { return s.addr }

// MetricsAddr returns the bound address of /metrics.
func (s *Server) MetricsAddr() net.Addr { return s.metricsAddr }

// ID returns the world's id.
func (s *Server) ID() string { return s.cfg.ID }

// PlayURL returns the WebSocket URL clients are sent to.
func (s *Server) PlayURL() string { return s.cfg.PublicURL }

// Shutdown stops accepting players, saves every character and closes each
// connection with a "shutting down" reason, then stops the control plane.
// ctx bounds the wait. It is idempotent.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.once.Do(func() {
		s.cancel() // no new session starts
		// Players hear first: http.Shutdown may wait seconds on a socket
		// that has sent no request yet (a browser's preconnection).
		s.players.closeAll(protocol.CloseShutdown) // sessions save and end
		err = errors.Join(s.http.Shutdown(ctx), s.monitoring.Shutdown(ctx))
		s.connsMu.Lock()
		s.stopping = true // no connection is added to conns while it is waited for
		s.connsMu.Unlock()
		done := make(chan struct{})
		go func() { s.conns.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			err = errors.Join(err, fmt.Errorf("world: players still saving at shutdown: %w", ctx.Err()))
		}
		s.close(ctx)
		close(s.stopped)
	})
	return err
}

// Stopped is closed when Shutdown has finished, whoever called it: a
// shutdown the admin dashboard scheduled ends the world by itself.
func (s *Server) Stopped() <-chan struct{} { return s.stopped }

// close releases what Start acquired. Every session has ended by now, so
// the instances hold nobody and the last saves are queued; the saver writes
// them, retrying failed writes until ctx ends.
func (s *Server) close(ctx context.Context) {
	s.cancel()
	s.loops.Wait()
	if s.poller != nil {
		s.poller.Close() // every session has ended: it reads nobody
	}
	if s.registry != nil {
		s.registry.shutdown()
	}
	if s.saver != nil {
		if err := s.saver.Shutdown(ctx); err != nil {
			s.log.Error("world: saves lost at shutdown", "err", err)
		}
	}
	if s.svc != nil {
		s.svc.Close()
	}
	if s.nc != nil {
		s.nc.Close()
	}
	if s.db != nil {
		if err := s.db.Close(); err != nil {
			s.log.Error("world: close database", "err", err)
		}
	}
}
