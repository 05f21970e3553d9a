package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/bots"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/cluster"
)

// scaledCluster is the deployment of docs/operations.md ("Many machines")
// on loopback: a NATS cluster of three tinymmo nats nodes, one master using
// it instead of its embedded server, two gateways and two worlds, each its
// own process with its own data directory, sharing the cluster secret.
type scaledCluster struct {
	// natsURLs lists every NATS node, as an operator configures roles.
	natsURLs string
	nats     []*process
	// firstRoles are the master, worlds and gateways as first started.
	firstRoles []*process
	worlds     map[string]*scaledWorld
	gateways   []string // base URLs
}

// scaledWorld is one of the cluster's worlds and how to start it again.
type scaledWorld struct {
	addr        string   // its /play
	metricsAddr string   // its /metrics
	args        []string // all but --nats
	proc        *process
}

// metrics is the URL of the world's /metrics.
func (w *scaledWorld) metrics() string { return "http://" + w.metricsAddr + "/metrics" }

// startScaledCluster starts the cluster and returns once both gateways list
// both worlds.
func startScaledCluster(t *testing.T) *scaledCluster {
	t.Helper()
	c := &scaledCluster{worlds: map[string]*scaledWorld{}}
	secret := cluster.NewSecret()
	data := t.TempDir()
	clientAddrs := []string{freePort(t), freePort(t), freePort(t)}
	routeAddrs := []string{freePort(t), freePort(t), freePort(t)}
	for i := range clientAddrs {
		others := slices.Delete(slices.Clone(routeAddrs), i, i+1)
		c.nats = append(c.nats, startRole(t, "nats", "--secret", secret, "--name", "n"+strconv.Itoa(i),
			"--listen", clientAddrs[i], "--cluster-listen", routeAddrs[i], "--routes", strings.Join(others, ",")))
	}
	c.natsURLs = "nats://" + strings.Join(clientAddrs, ",nats://")
	// The first roles are given node 0 alone and learn the others from it,
	// as NATS clients do, so that killing node 0 moves every one of them.
	firstNode := "nats://" + clientAddrs[0]
	c.firstRoles = append(c.firstRoles, startRole(t, "master", "--data", filepath.Join(data, "master"), "--secret", secret,
		"--nats", firstNode, "--http-listen", freePort(t)))
	for _, id := range []string{"w1", "w2"} {
		w := &scaledWorld{addr: freePort(t), metricsAddr: freePort(t)}
		w.args = []string{"world", "--data", filepath.Join(data, id), "--secret", secret,
			"--id", id, "--name", "Realm " + id, "--listen", w.addr, "--metrics-listen", w.metricsAddr, "--heartbeat", "500ms"}
		w.proc = startRole(t, append(w.args, "--nats", firstNode)...)
		c.worlds[id] = w
		c.firstRoles = append(c.firstRoles, w.proc)
	}
	for i := range 2 {
		addr := freePort(t)
		c.firstRoles = append(c.firstRoles, startRole(t, "gateway", "--data", filepath.Join(data, "g"+strconv.Itoa(i)),
			"--secret", secret, "--nats", firstNode, "--listen", addr, "--metrics-listen", "127.0.0.1:0", "--ip-burst", "1000"))
		c.gateways = append(c.gateways, "http://"+addr)
	}
	for _, gw := range c.gateways {
		waitListed(t, gw, "w1", true)
		waitListed(t, gw, "w2", true)
	}
	return c
}

// waitListed waits, for at most 30 s, until the gateway at gwURL, to a
// guest, lists the world id (listed) or no longer does (!listed).
func waitListed(t *testing.T, gwURL, id string, listed bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	gw := client.NewGateway(gwURL, nil)
	var err error
	for _, err = gw.Guest(ctx); err != nil && ctx.Err() == nil; _, err = gw.Guest(ctx) {
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("guest login through %s: %v", gwURL, err)
	}
	if listed {
		err = worldListed(ctx, gw, id)
	} else {
		err = worldUnlisted(ctx, gw, id)
	}
	if err != nil {
		t.Fatalf("gateway %s: %v", gwURL, err)
	}
}

// worldUnlisted polls the gateway until the world list no longer contains id.
func worldUnlisted(ctx context.Context, gw *client.Gateway, id string) error {
	for {
		worlds, err := gw.Worlds(ctx)
		if err == nil && !slices.ContainsFunc(worlds, func(w api.World) bool { return w.ID == id }) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("world %q still listed: last error %v", id, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestScaleOutSurvivesANATSNodeAndAWorld runs the scaled-out cluster:
// walking bots log in through each gateway and enter the world the other
// gateway's bots do not; killing (SIGKILL) the NATS node every role first
// connected to drops none of them and the control plane keeps working;
// killing a world takes it out of both gateways' lists within 10 s, and
// once it is restarted players enter it again.
func TestScaleOutSurvivesANATSNodeAndAWorld(t *testing.T) {
	skipShort(t)
	const perRun, walk = 5, 8 * time.Second
	c := startScaledCluster(t)

	// Gateway 0 sends its bots to w2, gateway 1 to w1: a gateway reaches
	// every world through the master, not only "its own".
	runs := map[string]<-chan bots.Summary{}
	for i, id := range []string{"w2", "w1"} {
		runs[id] = startBots(t.Context(), t, bots.Config{Gateway: c.gateways[i], World: id, Count: perRun,
			Duration: walk, Scenario: bots.ScenarioWalk})
	}
	for id, w := range c.worlds {
		waitMetric(t, w.metrics(), "tinymmo_world_players", func(v float64) bool { return v == perRun })
		t.Logf("world %s has its %d players", id, perRun)
	}

	c.nats[0].kill(t)
	killed := time.Now()
	// The control plane still answers through the other two nodes: a new
	// player logs in and enters each world through each gateway.
	for i, gw := range c.gateways {
		for _, id := range []string{"w1", "w2"} {
			sum, err := bots.Run(t.Context(), bots.Config{Gateway: gw, World: id, Count: 1, Duration: 100 * time.Millisecond})
			if err != nil || sum.Entered != 1 || sum.Failed != 0 {
				t.Errorf("after the NATS node died, a login through gateway %d into %s: %+v, %v", i, id, sum, err)
			}
		}
	}
	for _, role := range c.firstRoles {
		waitFor(t, role.cmd.Args[1]+" to reconnect to another NATS node", func() bool {
			return strings.Contains(role.output(), "control plane reconnected")
		})
	}
	t.Logf("scale-out: a NATS node killed; every role reconnected to another; logins into both worlds through both gateways worked again within %v", time.Since(killed).Round(time.Millisecond))
	for id, run := range runs {
		sum := <-run
		if sum.Entered != perRun || sum.Failed != 0 || len(sum.Disconnected) != 0 || sum.Desyncs != 0 {
			t.Errorf("walkers in %s: entered %d, disconnected %v, failed %d (%v), desyncs %d; want all %d in, none dropped",
				id, sum.Entered, sum.Disconnected, sum.Failed, sum.ErrorSamples, sum.Desyncs, perRun)
		}
	}

	w2 := c.worlds["w2"]
	w2.proc.kill(t)
	worldKilled := time.Now()
	for i, gw := range c.gateways {
		waitListed(t, gw, "w2", false)
		gone := time.Since(worldKilled)
		if gone > 10*time.Second {
			t.Errorf("gateway %d listed the killed world for %v, want at most 10 s", i, gone)
		}
		t.Logf("scale-out: world killed; gateway %d stopped listing it %v after the kill", i, gone.Round(time.Millisecond))
	}
	// Node 0 is still down: the world is started as an operator would,
	// with every node listed.
	w2.proc = startRole(t, append(w2.args, "--nats", c.natsURLs)...)
	restarted := time.Now()
	for _, gw := range c.gateways {
		waitListed(t, gw, "w2", true)
	}
	sum, err := bots.Run(t.Context(), bots.Config{Gateway: c.gateways[0], World: "w2", Count: perRun, Duration: 100 * time.Millisecond})
	if err != nil || sum.Entered != perRun || sum.Failed != 0 {
		t.Fatalf("entering the restarted world: %+v, %v", sum, err)
	}
	t.Logf("scale-out: the restarted world was listed and entered by %d players %v after its start", perRun, time.Since(restarted).Round(time.Millisecond))
}
