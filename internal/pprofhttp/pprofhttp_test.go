package pprofhttp

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestCheckAddr(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:6060", true},
		{"127.1.2.3:0", true},
		{"[::1]:6060", true},
		{"localhost:6060", true},
		{"0.0.0.0:6060", false},
		{":6060", false},
		{"[::]:6060", false},
		{"192.168.1.10:6060", false},
		{"example.com:6060", false},
		{"127.0.0.1", false}, // no port
	}
	for _, tt := range tests {
		err := CheckAddr(tt.addr)
		if (err == nil) != tt.ok {
			t.Errorf("CheckAddr(%q) = %v, want ok %v", tt.addr, err, tt.ok)
		}
	}
	if err := CheckAddr("0.0.0.0:6060"); !errors.Is(err, ErrNotLoopback) {
		t.Errorf("CheckAddr(0.0.0.0:6060) = %v, want ErrNotLoopback", err)
	}
}

func TestServesProfilesOnLoopback(t *testing.T) {
	s, err := Start("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine?debug=1", "/debug/pprof/cmdline"} {
		resp, err := http.Get("http://" + s.Addr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("GET %s = %d, %d bytes; want 200 with a body", path, resp.StatusCode, len(body))
		}
		if path == "/debug/pprof/" && !strings.Contains(string(body), "goroutine") {
			t.Errorf("GET %s does not list the goroutine profile", path)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}

func TestRefusesEveryInterface(t *testing.T) {
	if s, err := Start("0.0.0.0:0", slog.New(slog.DiscardHandler)); !errors.Is(err, ErrNotLoopback) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("Start(0.0.0.0:0) = %v, want ErrNotLoopback", err)
	}
}
