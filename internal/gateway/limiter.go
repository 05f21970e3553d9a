package gateway

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// keyedLimiter is a token bucket per key (an IP address or a username) with
// a bounded number of keys, so a flood of distinct keys cannot grow memory
// without limit. Safe for concurrent use.
type keyedLimiter struct {
	limit   rate.Limit
	burst   int
	maxKeys int

	mu      sync.Mutex // guards following fields
	buckets map[string]*rate.Limiter
	calls   int // since the last sweep
}

// sweepEvery is how many calls pass between sweeps of idle buckets.
const sweepEvery = 1024

func newKeyedLimiter(every time.Duration, burst, maxKeys int) *keyedLimiter {
	return &keyedLimiter{limit: rate.Every(every), burst: burst, maxKeys: maxKeys, buckets: make(map[string]*rate.Limiter)}
}

// allow takes a token from key's bucket at now, or reports how long until one
// is available.
func (l *keyedLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.calls >= sweepEvery || len(l.buckets) >= l.maxKeys {
		l.sweepLocked(now)
	}
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys {
			// Full of keys that are all active: refuse rather than grow.
			return false, time.Second
		}
		b = rate.NewLimiter(l.limit, l.burst)
		l.buckets[key] = b
	}
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweepLocked forgets buckets that have refilled completely: a fresh bucket
// would behave the same.
func (l *keyedLimiter) sweepLocked(now time.Time) {
	l.calls = 0
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, k)
		}
	}
}
