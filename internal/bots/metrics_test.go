package bots

import "testing"

func TestMetricsURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ws://127.0.0.1:8100/play", "http://127.0.0.1:8100/metrics"},
		{"wss://eu1.example.com/play?x=1", "https://eu1.example.com/metrics"},
		{"ws://[::1]:9/world/play", "http://[::1]:9/metrics"},
	}
	for _, tt := range tests {
		if got, err := metricsURL(tt.in); err != nil || got != tt.want {
			t.Errorf("metricsURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := metricsURL("http://host/play"); err == nil {
		t.Error("metricsURL(http://...) = nil error, want one")
	}
}
