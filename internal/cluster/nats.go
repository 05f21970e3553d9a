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
	if secret == "" {
		return nil, errors.New("cluster: embedded NATS needs a cluster secret")
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("cluster: NATS listen address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("cluster: NATS listen port %q: %w", portText, err)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	srv, err := server.NewServer(&server.Options{
		Host:          host,
		Port:          port,
		Authorization: secret,
		NoSigs:        true,
		NoLog:         true,
		MaxPayload:    1 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: embedded NATS: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, fmt.Errorf("cluster: embedded NATS on %s did not become ready", addr)
	}
	return &Embedded{srv: srv}, nil
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
