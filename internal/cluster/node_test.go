package cluster_test

import (
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/cluster"
)

// TestNodesRouteMessages starts two routed NATS nodes: a message published
// on one reaches a subscriber on the other, and a route presenting another
// secret is refused.
func TestNodesRouteMessages(t *testing.T) {
	secret := cluster.NewSecret()
	routeA := freeAddr(t)
	a, err := cluster.StartNode(cluster.NodeConfig{Listen: "127.0.0.1:0", ClusterListen: routeA, Name: "a"}, secret)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Shutdown)
	b, err := cluster.StartNode(cluster.NodeConfig{Listen: "127.0.0.1:0", ClusterListen: "127.0.0.1:0", Routes: []string{routeA}, Name: "b"}, secret)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Shutdown)
	strangersSecret := cluster.NewSecret()
	stranger, err := cluster.StartNode(cluster.NodeConfig{Listen: "127.0.0.1:0", ClusterListen: "127.0.0.1:0", Routes: []string{routeA}, Name: "stranger"}, strangersSecret)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stranger.Shutdown)

	log := slog.New(slog.DiscardHandler)
	onA, err := cluster.Connect(a.URL(), secret, "sub", log)
	if err != nil {
		t.Fatal(err)
	}
	defer onA.Close()
	got, err := onA.SubscribeSync("routed")
	if err != nil {
		t.Fatal(err)
	}
	if err := onA.Flush(); err != nil {
		t.Fatal(err)
	}
	onB, err := cluster.Connect(b.URL(), secret, "pub", log)
	if err != nil {
		t.Fatal(err)
	}
	defer onB.Close()
	// The route connects in the background: publish until it carries one.
	for deadline := time.Now().Add(10 * time.Second); ; {
		onB.Publish("routed", []byte("hello"))
		if msg, err := got.NextMsg(100 * time.Millisecond); err == nil {
			if string(msg.Data) != "hello" {
				t.Fatalf("got %q, want hello", msg.Data)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no message crossed the route from b to a")
		}
	}

	onStranger, err := cluster.Connect(stranger.URL(), strangersSecret, "stranger", log)
	if err != nil {
		t.Fatal(err)
	}
	defer onStranger.Close()
	if err := cluster.WaitConnected(t.Context(), onStranger); err != nil {
		t.Fatal(err)
	}
	strangerSub, err := onStranger.SubscribeSync("routed")
	if err != nil {
		t.Fatal(err)
	}
	if err := onStranger.Flush(); err != nil {
		t.Fatal(err)
	}
	onB.Publish("routed", []byte("secret"))
	onB.Flush()
	if msg, err := strangerSub.NextMsg(500 * time.Millisecond); err == nil {
		t.Fatalf("a node with another secret got %q over a route", msg.Data)
	}
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
