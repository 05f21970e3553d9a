package bots

import (
	"context"
	"fmt"
	"net/url"
	"sync"

	"github.com/tinymmo/tinymmo/internal/hostcpu"
	"github.com/tinymmo/tinymmo/internal/promtext"
)

// tickHistogram is the world's histogram of tick durations, in seconds.
const tickHistogram = "tinymmo_world_tick_seconds"

// tickProbe reads the world's tick histogram when the first bot is about to
// join (start) and when the run is over (finish), and turns the difference
// into percentiles. It reads this machine's CPU times at the same moments,
// for the share of them a virtual machine's host took (see hostcpu). Safe
// for concurrent use.
type tickProbe struct {
	once   sync.Once
	url    string             // the world's /metrics; set by start
	before promtext.Histogram // set by start
	err    error              // of the first scrape
	cpu    hostcpu.Times      // set by start
	cpuErr error              // of reading cpu: no /proc/stat
}

// start records the histogram before the first join; later calls do
// nothing. enterURL is the world's ws(s)://host/play.
func (p *tickProbe) start(ctx context.Context, enterURL string) {
	p.once.Do(func() {
		p.cpu, p.cpuErr = hostcpu.Read()
		p.url, p.err = metricsURL(enterURL)
		if p.err == nil {
			p.before, p.err = scrapeHistogram(ctx, p.url, tickHistogram)
		}
	})
}

// finish scrapes the histogram again and returns the p50 and p99 tick
// durations in milliseconds over the ticks in between, and the percentage
// of this machine's CPU time its host took meanwhile (0 where there is no
// /proc/stat). It returns zeros and no error if no bot got as far as the
// world. Call it after every bot has returned.
func (p *tickProbe) finish(ctx context.Context) (tick Percentiles, steal float64, err error) {
	if p.url == "" && p.err == nil {
		return Percentiles{}, 0, nil // no bot reached the world
	}
	if p.cpuErr == nil {
		if now, err := hostcpu.Read(); err == nil {
			steal = hostcpu.StealPercent(p.cpu, now)
		}
	}
	if p.err != nil {
		return Percentiles{}, steal, p.err
	}
	after, err := scrapeHistogram(ctx, p.url, tickHistogram)
	if err != nil {
		return Percentiles{}, steal, err
	}
	d, err := after.Sub(p.before)
	if err != nil {
		return Percentiles{}, steal, err
	}
	return Percentiles{P50: d.Quantile(0.50) * 1000, P99: d.Quantile(0.99) * 1000}, steal, nil
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

// scrapeHistogram reads histogram name from the /metrics page at url.
func scrapeHistogram(ctx context.Context, url, name string) (promtext.Histogram, error) {
	s, err := promtext.Fetch(ctx, url)
	if err != nil {
		return promtext.Histogram{}, fmt.Errorf("bots: %w", err)
	}
	h, err := s.Histogram(name)
	if err != nil {
		return promtext.Histogram{}, fmt.Errorf("bots: %w", err)
	}
	return h, nil
}
