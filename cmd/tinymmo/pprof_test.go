package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/pprofhttp"
)

func TestPprofServesOnLoopback(t *testing.T) {
	addr, masterHTTP := freePort(t), freePort(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, "master", []string{"--data", t.TempDir(), "--nats-listen", "127.0.0.1:0",
			"--http-listen", masterHTTP, "--pprof", addr}, nil, io.Discard, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("master: %v", err)
		}
	}()
	// Wait for the master itself too, so that the cancel above stops a
	// running master rather than one still starting.
	for _, url := range []string{"http://" + masterHTTP + "/healthz", "http://" + addr + "/debug/pprof/"} {
		var err error
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			var resp *http.Response
			if resp, err = http.Get(url); err == nil {
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s = %d, want 200", url, resp.StatusCode)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET %s: %v", url, err)
			}
		}
	}
}

// TestPprofRefusesOtherInterfaces gives every role a non-loopback address
// by each way of setting options; each must refuse before it starts.
func TestPprofRefusesOtherInterfaces(t *testing.T) {
	toml := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(toml, []byte("pprof = \"0.0.0.0:6060\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{"dev", "master", "gateway", "world"} {
		for _, how := range []string{"flag", "toml", "env"} {
			t.Run("role="+role+"/by="+how, func(t *testing.T) {
				args := []string{"--data", t.TempDir()}
				switch how {
				case "flag":
					args = append(args, "--pprof", "0.0.0.0:6060")
				case "toml":
					args = append(args, "--config", toml)
				case "env":
					t.Setenv("TINYMMO_PPROF", "0.0.0.0:6060")
				}
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				defer cancel()
				err := run(ctx, role, args, nil, io.Discard, io.Discard)
				if !errors.Is(err, pprofhttp.ErrNotLoopback) {
					t.Errorf("tinymmo %s %v = %v, want ErrNotLoopback", role, args, err)
				}
			})
		}
	}
}
