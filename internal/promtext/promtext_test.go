package promtext

import (
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
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
# TYPE tinymmo_world_players gauge
tinymmo_world_players 42
tinymmo_world_refused_total{reason="full"} 2
tinymmo_world_refused_total{reason="version"} 3 1700000000000
tinymmo_world_bytes_out_total 1.5e+06
tinymmo_gateway_requests_total{code="200",route="GET /api/v1/worlds/{world}/characters"} 4
tinymmo_gateway_requests_total{code="404",route="say \"}\""} 1
`

func TestParseHistogram(t *testing.T) {
	s, err := Parse(strings.NewReader(scrape))
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.Histogram("tinymmo_world_tick_seconds")
	if err != nil {
		t.Fatal(err)
	}
	wantBounds := []float64{0.001, 0.0025, 0.005, math.Inf(1)}
	wantCounts := []float64{10, 40, 90, 100}
	for i := range wantBounds {
		if len(h.Bounds) != len(wantBounds) || h.Bounds[i] != wantBounds[i] || h.Counts[i] != wantCounts[i] {
			t.Fatalf("Histogram = %+v, want bounds %v counts %v", h, wantBounds, wantCounts)
		}
	}
	// Label sets with equal bounds add up; a timestamp is allowed.
	two := `h_bucket{instance="a",le="1"} 2
h_bucket{instance="b",le="1"} 3 1700000000000
h_bucket{le="+Inf",instance="a"} 4
h_bucket{instance="b",le="+Inf"} 5
`
	s2, err := Parse(strings.NewReader(two))
	if err != nil {
		t.Fatal(err)
	}
	if h, err = s2.Histogram("h"); err != nil || len(h.Counts) != 2 || h.Counts[0] != 5 || h.Counts[1] != 9 {
		t.Errorf("Histogram(two label sets) = %+v, %v; want counts [5 9]", h, err)
	}
	if _, err := s.Histogram("missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Histogram(missing) = %v, want ErrNotFound", err)
	}
	bad, _ := Parse(strings.NewReader(`h_bucket{le="x"} 1`))
	if _, err := bad.Histogram("h"); err == nil {
		t.Error("Histogram(bad bound) = nil error, want one")
	}
}

func TestValueSumsLabelSets(t *testing.T) {
	s, err := Parse(strings.NewReader(scrape))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want float64
	}{
		{"tinymmo_world_players", 42},
		{"tinymmo_world_refused_total", 5},
		{"tinymmo_world_bytes_out_total", 1.5e6},
		{"tinymmo_world_tick_seconds_count", 100},
	}
	for _, tt := range tests {
		if got, err := s.Value(tt.name); err != nil || got != tt.want {
			t.Errorf("Value(%q) = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if _, err := s.Value("tinymmo_world"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Value(a prefix) = %v, want ErrNotFound", err)
	}
}

func TestParseRejectsMalformedLines(t *testing.T) {
	for _, in := range []string{"novalue", `m{le="1" 3`, "m abc"} {
		if _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("Parse(%q) = nil error, want one", in)
		}
	}
}

func TestHistogramQuantile(t *testing.T) {
	h := Histogram{Bounds: []float64{1, 2, 4, math.Inf(1)}, Counts: []float64{10, 40, 90, 100}}
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
		if got := h.Quantile(tt.q); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := (Histogram{Bounds: []float64{1, math.Inf(1)}, Counts: []float64{0, 0}}).Quantile(0.5); got != 0 {
		t.Errorf("Quantile of an empty histogram = %v, want 0", got)
	}
}

// TestQuantileOfTwoScrapes takes quantiles of what happened between two
// scrapes of a live page, as the bots and "bench load" do.
func TestQuantileOfTwoScrapes(t *testing.T) {
	pages := []string{
		"t_bucket{le=\"0.001\"} 100\nt_bucket{le=\"0.002\"} 100\nt_bucket{le=\"0.004\"} 100\nt_bucket{le=\"+Inf\"} 100\n",
		// 100 more ticks, all in (0.002, 0.004]: the earlier fast ones must not count.
		"t_bucket{le=\"0.001\"} 100\nt_bucket{le=\"0.002\"} 100\nt_bucket{le=\"0.004\"} 200\nt_bucket{le=\"+Inf\"} 200\n",
	}
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(pages[n]))
		n++
	}))
	defer srv.Close()
	var hs []Histogram
	for range pages {
		s, err := Fetch(t.Context(), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.Histogram("t")
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	d, err := hs[1].Sub(hs[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Count(); got != 100 {
		t.Errorf("Count of the difference = %v, want 100", got)
	}
	if got, want := d.Quantile(0.5), 0.003; math.Abs(got-want) > 1e-12 {
		t.Errorf("Quantile(0.5) of the difference = %v, want %v", got, want)
	}
	if got, want := d.Quantile(0.99), 0.00398; math.Abs(got-want) > 1e-12 {
		t.Errorf("Quantile(0.99) of the difference = %v, want %v", got, want)
	}
}

func TestHistogramSub(t *testing.T) {
	before := Histogram{Bounds: []float64{1, math.Inf(1)}, Counts: []float64{5, 8}}
	after := Histogram{Bounds: []float64{1, math.Inf(1)}, Counts: []float64{5, 20}}
	d, err := after.Sub(before)
	if err != nil || d.Counts[0] != 0 || d.Counts[1] != 12 {
		t.Fatalf("Sub = %+v, %v; want counts [0 12]", d, err)
	}
	// Only slow ticks happened in between: the quantile is in (1, +Inf].
	if got := d.Quantile(0.5); got != 1 {
		t.Errorf("Quantile of the difference = %v, want 1", got)
	}
	if _, err := after.Sub(Histogram{Bounds: []float64{2, math.Inf(1)}, Counts: []float64{0, 0}}); err == nil {
		t.Error("Sub with other buckets = nil error, want one")
	}
}

func TestValueWhereSumsTheMatchingSeries(t *testing.T) {
	s, err := Parse(strings.NewReader(scrape))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"reason": "full"}, 2},
		{map[string]string{"reason": "version"}, 3},
		{nil, 5},
	} {
		if got, err := s.ValueWhere("tinymmo_world_refused_total", c.labels); err != nil || got != c.want {
			t.Errorf("ValueWhere(refused %v) = %v, %v; want %v", c.labels, got, err, c.want)
		}
	}
	if _, err := s.ValueWhere("tinymmo_world_refused_total", map[string]string{"reason": "banned"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("ValueWhere(refused, reason banned) error = %v, want ErrNotFound", err)
	}
}

func TestLabelValuesMayHoldBraces(t *testing.T) {
	s, err := Parse(strings.NewReader(scrape))
	if err != nil {
		t.Fatal(err)
	}
	route := map[string]string{"route": "GET /api/v1/worlds/{world}/characters"}
	if got, err := s.ValueWhere("tinymmo_gateway_requests_total", route); err != nil || got != 4 {
		t.Errorf("requests of %v = %v, %v; want 4", route, got, err)
	}
	if got, err := s.Value("tinymmo_gateway_requests_total"); err != nil || got != 5 {
		t.Errorf("requests = %v, %v; want 5 (a quoted brace and an escaped quote do not end the labels)", got, err)
	}
}
