package world

import (
	"log/slog"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// refusalLogEvery is the least time between two log lines about refused
// joins: a flood of refusals makes one line a second, not one each.
const refusalLogEvery = time.Second

// refusals logs the joins the world refuses, at most once per
// refusalLogEvery, each line with how many of each reason there were since
// the last one. Safe for concurrent use.
type refusals struct {
	log *slog.Logger

	mu     sync.Mutex // guards the following fields
	counts map[protocol.CloseCode]int
	last   time.Time // when the last line was logged
}

func newRefusals(log *slog.Logger) *refusals {
	return &refusals{log: log, counts: make(map[protocol.CloseCode]int)}
}

// note records a join from ip refused with code at now, and logs the
// refusals so far if the last line is old enough.
func (r *refusals) note(code protocol.CloseCode, ip string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts[code]++
	if now.Sub(r.last) < refusalLogEvery {
		return
	}
	attrs := make([]any, 0, 2*len(r.counts)+2)
	for c, n := range r.counts {
		attrs = append(attrs, c.String(), n)
	}
	attrs = append(attrs, "last_ip", ip)
	r.log.Warn("world: joins refused", attrs...)
	clear(r.counts)
	r.last = now
}
