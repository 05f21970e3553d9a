package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/cluster"
)

// bin is the tinymmo binary that the tests running processes start, built
// once by TestMain; empty in -short mode, in which those tests skip.
var bin string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "tinymmo-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "tinymmo")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// freePort returns a loopback address whose port was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// process is a role running as its own process.
type process struct {
	cmd *exec.Cmd
	log *os.File // its stdout and stderr
}

// startRole starts bin with args and stops it (SIGTERM) when the test ends.
func startRole(t *testing.T, args ...string) *process {
	t.Helper()
	return startProcess(t, exec.Command(bin, args...))
}

// startProcess starts cmd with its output going to a log file, and stops it
// (SIGTERM) when the test ends.
func startProcess(t *testing.T, cmd *exec.Cmd) *process {
	t.Helper()
	logf, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, log: logf}
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop sends SIGTERM and waits for a clean exit. It does nothing if the
// process has already been waited for.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s exited with %v after SIGTERM; log:\n%s", p.cmd.Args[1], err, p.output())
		}
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-done
		t.Errorf("%s did not stop within 30 s of SIGTERM", p.cmd.Args[1])
	}
}

// kill sends SIGKILL, as kill -9 does, and waits for the process to die.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait() // an error: killed
}

// output returns what the process has logged so far.
func (p *process) output() string {
	b, _ := os.ReadFile(p.log.Name())
	return string(b)
}

// localCluster is a master, a world and a gateway, each a tinymmo process
// of its own on loopback, sharing a data directory, with a short heartbeat
// and login limits that a test's bots do not reach. Tests restart its roles
// by starting them again with the same arguments.
type localCluster struct {
	data                          string
	secret                        string
	gatewayAddr, worldAddr        string
	worldMetricsAddr              string // its /metrics
	masterArgs, worldArgs, gwArgs []string
	// worldCommand, when set, makes the command that runs tinymmo with
	// the world's arguments and the cluster secret.
	worldCommand func(args []string, secret string) *exec.Cmd

	master, world, gateway *process
	// guest is logged in as a guest, for calls any session may make.
	guest *client.Gateway
}

// startCluster starts a cluster; worldFlags are added to the world's
// arguments. It returns once a player can log in.
func startCluster(t *testing.T, worldFlags ...string) *localCluster {
	t.Helper()
	return startClusterWith(t, nil, worldFlags...)
}

// startClusterWith is startCluster with the world run by the command that
// worldCommand makes, if it is not nil (see localCluster.worldCommand).
func startClusterWith(t *testing.T, worldCommand func(args []string, secret string) *exec.Cmd, worldFlags ...string) *localCluster {
	t.Helper()
	natsAddr, masterHTTP := freePort(t), freePort(t)
	natsURL := "nats://" + natsAddr
	c := &localCluster{data: t.TempDir(), gatewayAddr: freePort(t), worldAddr: freePort(t), worldMetricsAddr: freePort(t), worldCommand: worldCommand}
	c.masterArgs = []string{"master", "--data", c.data, "--nats-listen", natsAddr, "--http-listen", masterHTTP}
	c.worldArgs = append([]string{"world", "--data", c.data, "--nats", natsURL, "--listen", c.worldAddr, "--metrics-listen", c.worldMetricsAddr, "--heartbeat", "500ms"}, worldFlags...)
	c.gwArgs = []string{"gateway", "--data", c.data, "--nats", natsURL, "--listen", c.gatewayAddr, "--metrics-listen", "127.0.0.1:0", "--ip-burst", "1000"}
	c.master = startRole(t, c.masterArgs...)
	// The master writes the cluster secret; the other roles read it from
	// the same data directory (or TINYMMO_SECRET in production).
	for deadline := time.Now().Add(10 * time.Second); ; {
		if secret, err := cluster.ReadSecret(c.data); err == nil && secret != "" {
			c.secret = secret
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("master wrote no cluster secret")
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.world = c.startWorld(t)
	c.gateway = startRole(t, c.gwArgs...)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	c.guest = c.client()
	var err error
	for _, err = c.guest.Guest(ctx); err != nil && ctx.Err() == nil; _, err = c.guest.Guest(ctx) {
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("guest login through the gateway: %v", err)
	}
	if err := worldListed(ctx, c.guest, "w1"); err != nil {
		t.Fatal(err)
	}
	return c
}

// startWorld starts the cluster's world, as at first or again after it
// stopped.
func (c *localCluster) startWorld(t *testing.T) *process {
	t.Helper()
	if c.worldCommand == nil {
		return startRole(t, c.worldArgs...)
	}
	return startProcess(t, c.worldCommand(c.worldArgs, c.secret))
}

// gatewayURL is the base URL of the cluster's gateway.
func (c *localCluster) gatewayURL() string { return "http://" + c.gatewayAddr }

// client returns a new client of the cluster's gateway, not logged in.
func (c *localCluster) client() *client.Gateway { return client.NewGateway(c.gatewayURL(), nil) }

// worldListed polls the gateway until the world list contains id.
func worldListed(ctx context.Context, gw *client.Gateway, id string) error {
	for {
		worlds, err := gw.Worlds(ctx)
		for _, w := range worlds {
			if err == nil && w.ID == id {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("world %q not listed: last error %v", id, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// skipShort skips a test that runs the binary in -short mode.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the tinymmo binary")
	}
}

func TestMasterRestartKeepsWorldsAndGateways(t *testing.T) {
	skipShort(t)
	c := startCluster(t)
	worldPID := c.world.cmd.Process.Pid
	c.master.stop(t)
	c.master = startRole(t, c.masterArgs...)
	restarted := time.Now()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := worldListed(ctx, c.guest, "w1"); err != nil {
		t.Fatalf("after the master restarted: %v", err)
	}
	t.Logf("world listed again %v after the master restarted", time.Since(restarted).Round(time.Millisecond))
	if c.world.cmd.ProcessState != nil || c.world.cmd.Process.Pid != worldPID {
		t.Fatal("the world process was restarted")
	}
}

func TestDevPrintsURLsThenReady(t *testing.T) {
	skipShort(t)
	addr := freePort(t)
	cmd := exec.Command(bin, "dev", "--data", t.TempDir(), "--listen", addr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, log: os.Stderr}
	defer p.stop(t)
	lines := bufio.NewScanner(stdout)
	var got []string
	for lines.Scan() {
		got = append(got, lines.Text())
		if lines.Text() == "ready" {
			break
		}
	}
	if len(got) != 4 || !strings.Contains(got[0], "http://"+addr+"/") || !strings.HasPrefix(got[1], "admin dashboard: http://127.0.0.1:") ||
		!strings.HasPrefix(got[2], "world metrics: http://127.0.0.1:") || got[3] != "ready" {
		t.Fatalf("dev printed %q, want a line with the URL, one with the dashboard's, one with the world's metrics, then \"ready\"", got)
	}
	dashboard, metrics := strings.Fields(got[1])[2], strings.Fields(got[2])[2]
	for _, url := range []string{dashboard, metrics} {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", url, resp.Status)
		}
	}
}
