package bots

import (
	"context"
	"fmt"
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
	url    string // the world's /metrics (Config.WorldMetrics); empty: no histogram
	once   sync.Once
	begun  bool               // set by start
	before promtext.Histogram // set by start
	err    error              // of the first scrape
	cpu    hostcpu.Times      // set by start
	cpuErr error              // of reading cpu: no /proc/stat
}

// start records the histogram and the CPU times before the first join;
// later calls do nothing.
func (p *tickProbe) start(ctx context.Context) {
	p.once.Do(func() {
		p.begun = true
		p.cpu, p.cpuErr = hostcpu.Read()
		if p.url != "" {
			p.before, p.err = scrapeHistogram(ctx, p.url, tickHistogram)
		}
	})
}

// finish scrapes the histogram again and returns the p50 and p99 tick
// durations in milliseconds over the ticks in between (zeros without a
// metrics URL), and the percentage of this machine's CPU time its host took
// meanwhile (0 where there is no /proc/stat). It returns zeros and no
// error if no bot got as far as the world. Call it after every bot has
// returned.
func (p *tickProbe) finish(ctx context.Context) (tick Percentiles, steal float64, err error) {
	if !p.begun {
		return Percentiles{}, 0, nil // no bot reached the world
	}
	if p.cpuErr == nil {
		if now, err := hostcpu.Read(); err == nil {
			steal = hostcpu.StealPercent(p.cpu, now)
		}
	}
	if p.url == "" || p.err != nil {
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
