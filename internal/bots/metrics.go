package bots

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// tickHistogram is the world's histogram of tick durations, in seconds.
const tickHistogram = "tinymmo_world_tick_seconds"

// maxMetricsResponse caps what a scrape reads.
const maxMetricsResponse = 8 << 20

// tickProbe reads the world's tick histogram when the first bot is about to
// join (start) and when the run is over (finish), and turns the difference
// into percentiles. Safe for concurrent use.
type tickProbe struct {
	once   sync.Once
	url    string    // the world's /metrics; set by start
	before histogram // set by start
	err    error     // of the first scrape
}

// start records the histogram before the first join; later calls do
// nothing. enterURL is the world's ws(s)://host/play.
func (p *tickProbe) start(ctx context.Context, enterURL string) {
	p.once.Do(func() {
		p.url, p.err = metricsURL(enterURL)
		if p.err == nil {
			p.before, p.err = scrapeHistogram(ctx, p.url, tickHistogram)
		}
	})
}

// finish scrapes the histogram again and returns the p50 and p99 tick
// durations in milliseconds over the ticks in between. It returns zeros
// and no error if no bot got as far as the world. Call it after every bot
// has returned.
func (p *tickProbe) finish(ctx context.Context) (Percentiles, error) {
	if p.url == "" && p.err == nil {
		return Percentiles{}, nil // no bot reached the world
	}
	if p.err != nil {
		return Percentiles{}, p.err
	}
	after, err := scrapeHistogram(ctx, p.url, tickHistogram)
	if err != nil {
		return Percentiles{}, err
	}
	d, err := after.sub(p.before)
	if err != nil {
		return Percentiles{}, err
	}
	return Percentiles{P50: d.quantile(0.50) * 1000, P99: d.quantile(0.99) * 1000}, nil
}

// metricsURL turns a world's WebSocket URL (ws://host/play) into the URL
// of its Prometheus metrics (http://host/metrics).
func metricsURL(enterURL string) (string, error) {
	u, err := url.Parse(enterURL)
	if err != nil {
		return "", fmt.Errorf("bots: world URL: %w", err)
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	default:
		return "", fmt.Errorf("bots: world URL %q is not ws:// or wss://", enterURL)
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = "/metrics", "", "", ""
	return u.String(), nil
}

// histogram is a Prometheus histogram: cumulative counts of observations
// at or below each upper bound, in ascending order, the last +Inf.
type histogram struct {
	bounds []float64
	counts []float64
}

// errNoHistogram means a scrape did not hold the histogram asked for.
var errNoHistogram = errors.New("bots: histogram not found")

func scrapeHistogram(ctx context.Context, url, name string) (histogram, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return histogram{}, fmt.Errorf("bots: scrape %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return histogram{}, fmt.Errorf("bots: scrape %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return histogram{}, fmt.Errorf("bots: scrape %s: HTTP %d", url, resp.StatusCode)
	}
	h, err := parseHistogram(io.LimitReader(resp.Body, maxMetricsResponse), name)
	if err != nil {
		return histogram{}, fmt.Errorf("bots: scrape %s: %w", url, err)
	}
	return h, nil
}

// parseHistogram reads the buckets of histogram name from the Prometheus
// text format, adding up buckets of equal bound across label sets.
func parseHistogram(r io.Reader, name string) (histogram, error) {
	byBound := map[float64]float64{}
	prefix := name + "_bucket{"
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		labels, value, ok := strings.Cut(line[len(prefix):], "} ")
		if !ok {
			return histogram{}, fmt.Errorf("bad bucket line %q", line)
		}
		le, ok := label(labels, "le")
		if !ok {
			return histogram{}, fmt.Errorf("bucket line without le: %q", line)
		}
		bound, err := strconv.ParseFloat(le, 64)
		if err != nil {
			return histogram{}, fmt.Errorf("bucket bound %q: %w", le, err)
		}
		value, _, _ = strings.Cut(value, " ") // an optional timestamp follows
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return histogram{}, fmt.Errorf("bucket count %q: %w", value, err)
		}
		byBound[bound] += n
	}
	if err := sc.Err(); err != nil {
		return histogram{}, err
	}
	if _, ok := byBound[math.Inf(1)]; !ok {
		return histogram{}, fmt.Errorf("%w: %s", errNoHistogram, name)
	}
	var h histogram
	for b := range byBound {
		h.bounds = append(h.bounds, b)
	}
	slices.Sort(h.bounds)
	for _, b := range h.bounds {
		h.counts = append(h.counts, byBound[b])
	}
	return h, nil
}

// label returns the value of label key in a Prometheus label list such as
// `instance="a",le="0.5"`. Values of our histograms hold no quotes or
// commas, so a simple split does.
func label(labels, key string) (string, bool) {
	for kv := range strings.SplitSeq(labels, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if ok && k == key {
			return strings.Trim(v, `"`), true
		}
	}
	return "", false
}

// sub returns h minus before: the observations made in between. Both must
// have the same buckets.
func (h histogram) sub(before histogram) (histogram, error) {
	if !slices.Equal(h.bounds, before.bounds) {
		return histogram{}, errors.New("bots: the histogram's buckets changed during the run")
	}
	d := histogram{bounds: h.bounds, counts: make([]float64, len(h.counts))}
	for i := range h.counts {
		d.counts[i] = h.counts[i] - before.counts[i]
	}
	return d, nil
}

// quantile estimates the q-quantile as Prometheus's histogram_quantile
// does: find the bucket that holds the rank q·total and interpolate
// linearly inside it, from 0 for the first bucket. A rank in the +Inf
// bucket returns the largest finite bound. No observations give 0.
func (h histogram) quantile(q float64) float64 {
	if len(h.counts) == 0 {
		return 0
	}
	total := h.counts[len(h.counts)-1]
	if total <= 0 {
		return 0
	}
	rank := q * total
	lower, below := 0.0, 0.0
	for i, upper := range h.bounds {
		if h.counts[i] >= rank && h.counts[i] > below {
			if math.IsInf(upper, 1) {
				return lower
			}
			return lower + (upper-lower)*(rank-below)/(h.counts[i]-below)
		}
		lower, below = upper, h.counts[i]
	}
	return lower
}
