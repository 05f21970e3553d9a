package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/client"
)

// buildBinary builds tinymmo into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tinymmo")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
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
	cmd    *exec.Cmd
	stderr *os.File
}

// startRole starts bin with args and stops it (SIGTERM) when the test ends.
func startRole(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	logf, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, stderr: logf}
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop sends SIGTERM and waits for a clean exit.
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
			log, _ := os.ReadFile(p.stderr.Name())
			t.Errorf("%s exited with %v after SIGTERM; log:\n%s", p.cmd.Args[1], err, log)
		}
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		t.Errorf("%s did not stop within 30 s of SIGTERM", p.cmd.Args[1])
	}
}

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

func TestMasterRestartKeepsWorldsAndGateways(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	data := t.TempDir()
	natsAddr, gwAddr, worldAddr, masterHTTP := freePort(t), freePort(t), freePort(t), freePort(t)
	natsURL := "nats://" + natsAddr
	masterArgs := []string{"master", "--data", data, "--nats-listen", natsAddr, "--http-listen", masterHTTP}
	master := startRole(t, bin, masterArgs...)
	// The master writes the cluster secret; the other roles read it from
	// the same data directory (or TINYMMO_SECRET in production).
	secretPath := filepath.Join(data, "cluster.secret")
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, err := os.Stat(secretPath); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("master wrote no cluster secret")
		}
		time.Sleep(20 * time.Millisecond)
	}
	world := startRole(t, bin, "world", "--data", data, "--nats", natsURL, "--listen", worldAddr, "--heartbeat", "500ms")
	startRole(t, bin, "gateway", "--data", data, "--nats", natsURL, "--listen", gwAddr)

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	gw := client.NewGateway("http://"+gwAddr, nil)
	var err error
	for _, err = gw.Guest(ctx); err != nil && ctx.Err() == nil; _, err = gw.Guest(ctx) {
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("guest login through the gateway: %v", err)
	}
	if err := worldListed(ctx, gw, "w1"); err != nil {
		t.Fatal(err)
	}
	worldPID := world.cmd.Process.Pid

	master.stop(t)
	startRole(t, bin, masterArgs...)
	restarted := time.Now()
	ctx10, cancel10 := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel10()
	if err := worldListed(ctx10, gw, "w1"); err != nil {
		t.Fatalf("after the master restarted: %v", err)
	}
	t.Logf("world listed again %v after the master restarted", time.Since(restarted).Round(time.Millisecond))
	if world.cmd.ProcessState != nil || world.cmd.Process.Pid != worldPID {
		t.Fatal("the world process was restarted")
	}
}

func TestDevPrintsURLThenReady(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	addr := freePort(t)
	cmd := exec.Command(bin, "dev", "--data", t.TempDir(), "--listen", addr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, stderr: os.Stderr}
	defer p.stop(t)
	lines := bufio.NewScanner(stdout)
	var got []string
	for lines.Scan() {
		got = append(got, lines.Text())
		if lines.Text() == "ready" {
			break
		}
	}
	if len(got) != 2 || !strings.Contains(got[0], "http://"+addr+"/") || got[1] != "ready" {
		t.Fatalf("dev printed %q, want a line with the URL, then \"ready\"", got)
	}
}
