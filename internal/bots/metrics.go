package bots

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinymmo/tinymmo/internal/hostcpu"
	"github.com/tinymmo/tinymmo/internal/promtext"
)

// tickHistogram is the world's histogram of tick durations, in seconds.
const tickHistogram = "tinymmo_world_tick_seconds"

// tickProbe reads the world's tick histogram when the first bot is about to
// join (start) and when the run is over (finish), and turns the difference
// into percentiles. It reads this machine's CPU times at the same moments,
// for the share of them a virtual machine's host took (see hostcpu).
//
// It also reads the histogram when the last bot is in (in) and when the
// first leaves (out), for the ticks while every bot was in the world: the
// ones the scenario is about, without the logins and joins before them
// or the logouts after. Safe for concurrent use.
type tickProbe struct {
	url    string // the world's /metrics (Config.WorldMetrics); empty: no histogram
	once   sync.Once
	begun  bool               // set by start
	before promtext.Histogram // set by start
	err    error              // of the first scrape
	cpu    hostcpu.Times      // set by start
	cpuErr error              // of reading cpu: no /proc/stat

	entered  atomic.Int32 // bots in the world so far
	mu       sync.Mutex
	allIn    *stamp // the histogram when the last bot was in; nil before
	firstOut *stamp // when the first bot left, if every bot was in by then
	outSeen  bool   // a bot has left
}

// stamp is the tick histogram read at a moment.
type stamp struct {
	at time.Time
	h  promtext.Histogram
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

// in is called by each bot once it is in the world; the last of count
// reads the histogram, unless a bot has already left.
func (p *tickProbe) in(ctx context.Context, count int) {
	if int(p.entered.Add(1)) != count || p.url == "" {
		return
	}
	h, err := scrapeHistogram(ctx, p.url, tickHistogram)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil && !p.outSeen {
		p.allIn = &stamp{time.Now(), h}
	}
}

// out is called by each bot when its visit ends; the first reads the
// histogram if every bot was in by then.
func (p *tickProbe) out(ctx context.Context) {
	p.mu.Lock()
	first, allIn := !p.outSeen, p.allIn != nil
	p.outSeen = true
	p.mu.Unlock()
	if !first || !allIn {
		return
	}
	h, err := scrapeHistogram(ctx, p.url, tickHistogram)
	if err != nil {
		return
	}
	p.mu.Lock()
	p.firstOut = &stamp{time.Now(), h}
	p.mu.Unlock()
}

// allInWindow returns the tick percentiles in milliseconds while every bot
// was in the world, and that window's length in seconds; zeros if there
// was no such window (a bot failed, or the first left before the last
// joined) or no histogram.
func (p *tickProbe) allInWindow() (Percentiles, float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.allIn == nil || p.firstOut == nil {
		return Percentiles{}, 0
	}
	d, err := p.firstOut.h.Sub(p.allIn.h)
	if err != nil || d.Count() == 0 {
		return Percentiles{}, 0
	}
	return Percentiles{P50: d.Quantile(0.50) * 1000, P99: d.Quantile(0.99) * 1000}, p.firstOut.at.Sub(p.allIn.at).Seconds()
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
