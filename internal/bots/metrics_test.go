package bots

import (
	"errors"
	"math"
	"strings"
	"testing"
)

const scrape = `# HELP tinymmo_world_tick_seconds Time one instance tick takes.
# TYPE tinymmo_world_tick_seconds histogram
tinymmo_world_tick_seconds_bucket{le="0.001"} 10
tinymmo_world_tick_seconds_bucket{le="0.0025"} 40
tinymmo_world_tick_seconds_bucket{le="0.005"} 90
tinymmo_world_tick_seconds_bucket{le="+Inf"} 100
tinymmo_world_tick_seconds_sum 0.3
tinymmo_world_tick_seconds_count 100
tinymmo_world_tick_seconds_other_bucket{le="+Inf"} 7
`

func TestParseHistogram(t *testing.T) {
	h, err := parseHistogram(strings.NewReader(scrape), tickHistogram)
	if err != nil {
		t.Fatal(err)
	}
	wantBounds := []float64{0.001, 0.0025, 0.005, math.Inf(1)}
	wantCounts := []float64{10, 40, 90, 100}
	for i := range wantBounds {
		if len(h.bounds) != len(wantBounds) || h.bounds[i] != wantBounds[i] || h.counts[i] != wantCounts[i] {
			t.Fatalf("parseHistogram = %+v, want bounds %v counts %v", h, wantBounds, wantCounts)
		}
	}
	// Label sets with equal bounds add up; a timestamp is allowed.
	two := `h_bucket{instance="a",le="1"} 2
h_bucket{instance="b",le="1"} 3 1700000000000
h_bucket{le="+Inf",instance="a"} 4
h_bucket{instance="b",le="+Inf"} 5
`
	h, err = parseHistogram(strings.NewReader(two), "h")
	if err != nil || len(h.counts) != 2 || h.counts[0] != 5 || h.counts[1] != 9 {
		t.Errorf("parseHistogram(two label sets) = %+v, %v; want counts [5 9]", h, err)
	}
	if _, err := parseHistogram(strings.NewReader(scrape), "missing"); !errors.Is(err, errNoHistogram) {
		t.Errorf("parseHistogram(missing) = %v, want errNoHistogram", err)
	}
	if _, err := parseHistogram(strings.NewReader(`h_bucket{le="x"} 1`), "h"); err == nil {
		t.Error("parseHistogram(bad bound) = nil error, want one")
	}
}

func TestHistogramQuantile(t *testing.T) {
	h := histogram{bounds: []float64{1, 2, 4, math.Inf(1)}, counts: []float64{10, 40, 90, 100}}
	tests := []struct {
		q, want float64
	}{
		{0.05, 0.5}, // rank 5 of 10 in (0, 1]
		{0.10, 1},   // the top of the first bucket
		{0.25, 1.5}, // rank 25: 15 of 30 in (1, 2]
		{0.50, 2.4}, // rank 50: 10 of 50 in (2, 4]
		{0.90, 4},   // the top of the last finite bucket
		{0.99, 4},   // in +Inf: the largest finite bound
		{0, 0},      // nothing below the first
		{1, 4},
	}
	for _, tt := range tests {
		if got := h.quantile(tt.q); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := (histogram{bounds: []float64{1, math.Inf(1)}, counts: []float64{0, 0}}).quantile(0.5); got != 0 {
		t.Errorf("quantile of an empty histogram = %v, want 0", got)
	}
}

func TestHistogramSub(t *testing.T) {
	before := histogram{bounds: []float64{1, math.Inf(1)}, counts: []float64{5, 8}}
	after := histogram{bounds: []float64{1, math.Inf(1)}, counts: []float64{5, 20}}
	d, err := after.sub(before)
	if err != nil || d.counts[0] != 0 || d.counts[1] != 12 {
		t.Fatalf("sub = %+v, %v; want counts [0 12]", d, err)
	}
	// Only slow ticks happened in between: the quantile is in (1, +Inf].
	if got := d.quantile(0.5); got != 1 {
		t.Errorf("quantile of the difference = %v, want 1", got)
	}
	if _, err := after.sub(histogram{bounds: []float64{2, math.Inf(1)}, counts: []float64{0, 0}}); err == nil {
		t.Error("sub with other buckets = nil error, want one")
	}
}

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
