// Package pprofhttp serves the Go runtime's profiles (net/http/pprof) on a
// loopback address: what "--pprof ADDR" turns on in every tinymmo role, so
// that "go tool pprof http://ADDR/debug/pprof/profile" profiles a running
// server.
//
// Profiles show the program's internals and a CPU profile costs CPU while
// it runs, so the endpoint is off unless asked for and listens only on
// loopback: Start refuses any other address. Reach it from elsewhere
// through an SSH tunnel.
//
// A Server owns one goroutine, the HTTP server's, which Close stops. Only
// package main should import this package.
package pprofhttp

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"
)

// ErrNotLoopback means an address asked for the profiles on an interface
// other hosts may reach.
var ErrNotLoopback = errors.New("pprofhttp: the profiling address must be on loopback (127.0.0.1, [::1] or localhost)")

// CheckAddr returns nil if addr ("host:port") names a loopback host: an
// IP in 127.0.0.0/8, ::1, or "localhost". An empty host (":6060") means
// every interface and is refused, as are names other than localhost, whose
// addresses could change under us.
func CheckAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("pprofhttp: address %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w; got %q", ErrNotLoopback, addr)
}

// Server serves the profiles under /debug/pprof/.
type Server struct {
	http *http.Server
	addr net.Addr
	done chan struct{} // closed when Serve has returned
}

// Start checks addr with CheckAddr, listens on it and serves the
// profiles in a goroutine until Close. Port 0 picks a free port; Addr
// returns the one bound.
func Start(addr string, log *slog.Logger) (*Server, error) {
	if err := CheckAddr(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("pprofhttp: listen %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // also heap, goroutine, allocs, block, mutex, threadcreate
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// No WriteTimeout: a CPU profile or trace answers after the seconds
	// asked for.
	s := &Server{
		http: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second},
		addr: ln.Addr(),
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("pprof server failed", "err", err)
		}
	}()
	log.Info("serving pprof", "url", "http://"+s.addr.String()+"/debug/pprof/")
	return s, nil
}

// Addr returns the bound address.
func (s *Server) Addr() net.Addr { return s.addr }

// Close stops serving at once, ending profiles in progress, and waits for
// the server's goroutine. It is idempotent.
func (s *Server) Close() error {
	err := s.http.Close()
	<-s.done
	return err
}
