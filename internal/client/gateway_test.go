package client_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
)

// busyGateway answers its first busy requests with 503 unavailable and a
// one-second Retry-After, as the gateway does when the master sheds a
// request, and the rest with a session. It records every request body.
type busyGateway struct {
	busy int

	mu     sync.Mutex
	bodies []string
}

func (g *busyGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.bodies = append(g.bodies, string(body))
	n := len(g.bodies)
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if n <= g.busy {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(api.ErrorBody{Error: &api.Error{Code: api.CodeUnavailable, Message: "busy"}})
		return
	}
	json.NewEncoder(w).Encode(api.Session{Token: "t", Account: api.Account{Username: "ann"}})
}

func (g *busyGateway) requests() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.bodies...)
}

func TestGatewayRetriesUnavailableWhenAsked(t *testing.T) {
	bg := &busyGateway{busy: 2}
	srv := httptest.NewServer(bg)
	defer srv.Close()

	gw := client.NewGateway(srv.URL, srv.Client())
	gw.RetryUnavailable(2)
	start := time.Now()
	sess, err := gw.CreateAccount(t.Context(), "ann", "correct horse")
	if err != nil {
		t.Fatalf("create account with two retries against two busy answers: %v", err)
	}
	if sess.Account.Username != "ann" || gw.Session().Token != "t" {
		t.Errorf("session %+v, remembered token %q; want ann's, token t", sess, gw.Session().Token)
	}
	bodies := bg.requests()
	if len(bodies) != 3 {
		t.Fatalf("%d requests, want 3", len(bodies))
	}
	for i, b := range bodies {
		if b != bodies[0] || b == "" {
			t.Errorf("request %d carried %q; want every try to carry the credentials %q", i, b, bodies[0])
		}
	}
	// The first retry waits one Retry-After, the second two.
	if waited := time.Since(start); waited < 3*time.Second {
		t.Errorf("succeeded after %v; the retries should have waited 1 s and then 2 s", waited)
	}
}

func TestGatewayGivesUpAfterItsRetries(t *testing.T) {
	bg := &busyGateway{busy: 2}
	srv := httptest.NewServer(bg)
	defer srv.Close()

	gw := client.NewGateway(srv.URL, srv.Client())
	gw.RetryUnavailable(1)
	_, err := gw.Guest(t.Context())
	if api.CodeOf(err) != api.CodeUnavailable {
		t.Fatalf("guest login after one retry against two busy answers: %v, want unavailable", err)
	}
	if n := len(bg.requests()); n != 2 {
		t.Errorf("%d requests, want 2: the call and its one retry", n)
	}

	// By default a call reports the first unavailable answer.
	bg = &busyGateway{busy: 1}
	srv2 := httptest.NewServer(bg)
	defer srv2.Close()
	if _, err := client.NewGateway(srv2.URL, srv2.Client()).Guest(t.Context()); api.CodeOf(err) != api.CodeUnavailable {
		t.Errorf("guest login without retries: %v, want unavailable", err)
	}
	if n := len(bg.requests()); n != 1 {
		t.Errorf("%d requests without retries, want 1", n)
	}
}

func TestGatewayStopsWaitingWhenTheContextEnds(t *testing.T) {
	bg := &busyGateway{busy: 100}
	srv := httptest.NewServer(bg)
	defer srv.Close()

	gw := client.NewGateway(srv.URL, srv.Client())
	gw.RetryUnavailable(50)
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	_, err := gw.Guest(ctx)
	if api.CodeOf(err) != api.CodeUnavailable {
		t.Fatalf("guest login cut short by its context: %v, want the last unavailable answer", err)
	}
	// Tries at 0 s and 1 s; the wait for the third (2 s) outlasts the
	// context.
	if n := len(bg.requests()); n != 2 {
		t.Errorf("%d requests before the context ended, want 2", n)
	}
}
