package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestHealthcheckPassesOnlyOn200 checks the container's HEALTHCHECK command
// against a healthy role, an unhealthy one and one that is not there.
func TestHealthcheckPassesOnlyOn200(t *testing.T) {
	healthy := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !healthy {
			http.Error(w, "control plane disconnected", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	if err := runHealthcheck(t.Context(), []string{srv.URL + "/healthz"}); err != nil {
		t.Errorf("healthy role: %v", err)
	}
	healthy = false
	if err := runHealthcheck(t.Context(), []string{srv.URL + "/healthz"}); err == nil {
		t.Error("a 503 passed the health check")
	}
	srv.Close()
	if err := runHealthcheck(t.Context(), []string{srv.URL + "/healthz"}); err == nil {
		t.Error("a role that is not listening passed the health check")
	}
	if err := runHealthcheck(t.Context(), nil); err == nil {
		t.Error("no URL passed the health check")
	}
}
