package cluster_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/cluster/clustertest"
)

type echo struct {
	Text string `json:"text"`
}

func TestRequestReply(t *testing.T) {
	plane := clustertest.Start(t, "test")
	nc, svc := plane.Conn, plane.Service
	handlers := map[string]func(context.Context, echo) (echo, error){
		"t.echo":   func(_ context.Context, e echo) (echo, error) { return e, nil },
		"t.coded":  func(context.Context, echo) (echo, error) { return echo{}, api.Errorf(api.CodeNameTaken, "taken") },
		"t.plain":  func(context.Context, echo) (echo, error) { return echo{}, errors.New("disk on fire") },
		"t.panics": func(context.Context, echo) (echo, error) { panic("bug") },
		"t.busy":   func(context.Context, echo) (echo, error) { return echo{}, api.RateLimited("echoes", 7*time.Second) },
	}
	for subject, fn := range handlers {
		if err := cluster.Handle(svc, subject, fn); err != nil {
			t.Fatal(err)
		}
	}
	ctx := t.Context()
	if got, err := cluster.Request[echo](ctx, nc, "t.echo", echo{"hi"}); err != nil || got.Text != "hi" {
		t.Fatalf("echo = %+v, %v", got, err)
	}
	for _, tc := range []struct {
		subject    string
		code       api.Code
		retryAfter time.Duration
	}{
		{"t.coded", api.CodeNameTaken, 0},
		{"t.plain", api.CodeInternal, 0},  // internal detail stays in the log
		{"t.panics", api.CodeInternal, 0}, // contained to the one request
		{"t.busy", api.CodeRateLimited, 7 * time.Second},
		{"t.nobody", api.CodeUnavailable, cluster.RetryUnavailable},
	} {
		_, err := cluster.Request[echo](ctx, nc, tc.subject, echo{})
		var ae *api.Error
		if !errors.As(err, &ae) || ae.Code != tc.code {
			t.Errorf("%s: %v, want code %s", tc.subject, err, tc.code)
		} else if ae.RetryAfter != tc.retryAfter {
			t.Errorf("%s: retry after %v, want %v", tc.subject, ae.RetryAfter, tc.retryAfter)
		}
		if ae != nil && ae.Code == api.CodeInternal && ae.Message != "internal error" {
			t.Errorf("%s: internal error leaks %q", tc.subject, ae.Message)
		}
	}
	health := func() int {
		rec := httptest.NewRecorder()
		cluster.Healthz(nc)(rec, httptest.NewRequest("GET", "/healthz", nil))
		return rec.Code
	}
	if code := health(); code != 200 {
		t.Fatalf("healthz while connected: %d, want 200", code)
	}
	defer func() {
		nc.Close()
		if code := health(); code != 503 {
			t.Errorf("healthz after the connection closed: %d, want 503", code)
		}
	}()

	// The service still answers after a handler panicked.
	if _, err := cluster.Request[echo](ctx, nc, "t.echo", echo{"again"}); err != nil {
		t.Fatalf("after a panic: %v", err)
	}
	svc.Close()
	if err := cluster.Handle(svc, "t.late", handlers["t.echo"]); err == nil {
		t.Fatal("Handle after Close succeeded")
	}
}

func TestLoadOrCreateSecretKeepsTheFirst(t *testing.T) {
	dir := t.TempDir()
	first, err := cluster.LoadOrCreateSecret(dir)
	if err != nil || len(first) != 64 {
		t.Fatalf("LoadOrCreateSecret = %q, %v", first, err)
	}
	again, err := cluster.LoadOrCreateSecret(dir)
	if err != nil || again != first {
		t.Fatalf("second LoadOrCreateSecret = %q, %v; want the first %q", again, err, first)
	}
	if read, err := cluster.ReadSecret(dir); err != nil || read != first {
		t.Fatalf("ReadSecret = %q, %v", read, err)
	}
	if _, err := cluster.ReadSecret(t.TempDir()); err == nil {
		t.Fatal("ReadSecret of an empty directory succeeded")
	}
}
