package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// Connect dials the control plane at url with the cluster secret. The
// connection reconnects forever, and Connect succeeds even while the server
// is down (it then connects in the background), so a gateway or world started
// before the master, or outliving a master restart, recovers by itself.
func Connect(url, secret, name string, log *slog.Logger) (*nats.Conn, error) {
	nc, err := nats.Connect(url,
		nats.Name(name),
		nats.Token(secret),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
		nats.RetryOnFailedConnect(true),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("control plane disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) {
			log.Info("control plane reconnected", "url", c.ConnectedUrl())
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("cluster: connect %s: %w", url, err)
	}
	return nc, nil
}

// Embedded is a NATS server run inside the master process.
type Embedded struct {
	srv *server.Server
}

// StartEmbedded starts a NATS server listening on addr ("host:port"; port 0
// picks a free one) that admits only clients presenting secret. It returns
// once the server accepts connections.
func StartEmbedded(addr, secret string) (*Embedded, error) {
	return StartNode(NodeConfig{Listen: addr}, secret)
}

// NodeConfig is one NATS server of the control plane, alone or one node of a
// NATS cluster.
type NodeConfig struct {
	// Listen is the clients' address, "host:port"; port 0 picks a free one.
	Listen string
	// ClusterListen is the address other nodes' routes connect to; empty
	// runs the node alone.
	ClusterListen string
	// Routes are the other nodes' ClusterListen addresses ("host:port").
	Routes []string
	// Name names the node in NATS's own messages; empty lets NATS pick one.
	Name string
}

// routeUser is the user name nodes present to each other on their routes;
// the password is the cluster secret.
const routeUser = "tinymmo"

// StartNode starts a NATS server as cfg says, admitting only clients, and
// routes from other nodes, that present secret. It returns once the server
// accepts connections (its routes connect in the background).
func StartNode(cfg NodeConfig, secret string) (*Embedded, error) {
	if secret == "" {
		return nil, errors.New("cluster: embedded NATS needs a cluster secret")
	}
	host, port, err := splitHostPort(cfg.Listen)
	if err != nil {
		return nil, err
	}
	opts := &server.Options{
		ServerName:    cfg.Name,
		Host:          host,
		Port:          port,
		Authorization: secret,
		NoSigs:        true,
		NoLog:         true,
		MaxPayload:    1 << 20,
	}
	if cfg.ClusterListen != "" {
		if opts.Cluster.Host, opts.Cluster.Port, err = splitHostPort(cfg.ClusterListen); err != nil {
			return nil, err
		}
		opts.Cluster.Name = "tinymmo"
		opts.Cluster.Username, opts.Cluster.Password = routeUser, secret
		for _, r := range cfg.Routes {
			opts.Routes = append(opts.Routes, &url.URL{Scheme: "nats-route", User: url.UserPassword(routeUser, secret), Host: r})
		}
	} else if len(cfg.Routes) > 0 {
		return nil, errors.New("cluster: NATS routes need a cluster listen address")
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("cluster: embedded NATS: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, fmt.Errorf("cluster: embedded NATS on %s did not become ready", cfg.Listen)
	}
	return &Embedded{srv: srv}, nil
}

// splitHostPort splits a listen address; port 0 becomes NATS's "any free
// port".
func splitHostPort(addr string) (string, int, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("cluster: NATS listen address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return "", 0, fmt.Errorf("cluster: NATS listen port %q: %w", portText, err)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	return host, port, nil
}

// URL returns the address clients connect to.
func (e *Embedded) URL() string { return e.srv.ClientURL() }

// Shutdown stops the server and waits until it has stopped.
func (e *Embedded) Shutdown() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}

// SecretFile is the file name, in a role's data directory, of the cluster
// secret the master generates when none is configured.
const SecretFile = "cluster.secret"

// LoadOrCreateSecret returns the cluster secret stored in dir, creating a new
// random one (mode 0600) if there is none yet.
func LoadOrCreateSecret(dir string) (string, error) {
	path := filepath.Join(dir, SecretFile)
	if b, err := os.ReadFile(path); err == nil {
		if s := strings.TrimSpace(string(b)); s != "" {
			return s, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("cluster: read secret: %w", err)
	}
	secret := NewSecret()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cluster: create data directory: %w", err)
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("cluster: write secret: %w", err)
	}
	return secret, nil
}

// ReadSecret returns the cluster secret stored in dir by a master.
func ReadSecret(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, SecretFile))
	if err != nil {
		return "", fmt.Errorf("cluster: no cluster secret configured, and none found in %s: %w", dir, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// NewSecret returns a random 256-bit secret in hex.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// WaitConnected waits until nc is connected or ctx ends.
func WaitConnected(ctx context.Context, nc *nats.Conn) error {
	for !nc.IsConnected() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: not connected to %s: %w", nc.Opts.Servers, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// Healthz answers a role's /healthz: 200 "ok" while nc is connected to the
// control plane, 503 otherwise.
func Healthz(nc *nats.Conn) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !nc.IsConnected() {
			http.Error(w, "control plane disconnected", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	}
}
