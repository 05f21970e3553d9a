// Package clustertest starts a real control plane for tests: an embedded
// NATS server on loopback, with a fresh cluster secret, and a service
// connected to it on which a test registers the handlers it stands in for.
package clustertest

import (
	"io"
	"log/slog"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/tinymmo/tinymmo/internal/cluster"
)

// Plane is a running control plane.
type Plane struct {
	URL     string // the NATS server's
	Secret  string // the cluster secret a process needs to connect
	Conn    *nats.Conn
	Service *cluster.Service // on Conn, to register handlers with cluster.Handle
}

// Start starts a control plane and connects to it as name. Everything
// stops when the test ends.
func Start(t testing.TB, name string) *Plane {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	secret := cluster.NewSecret()
	srv, err := cluster.StartEmbedded("127.0.0.1:0", secret)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	nc, err := cluster.Connect(srv.URL(), secret, name, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	if err := cluster.WaitConnected(t.Context(), nc); err != nil {
		t.Fatal(err)
	}
	svc := cluster.NewService(nc, log)
	t.Cleanup(svc.Close)
	return &Plane{URL: srv.URL(), Secret: secret, Conn: nc, Service: svc}
}
