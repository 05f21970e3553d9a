// Package ratelimit holds token buckets kept per key (an IP address, a
// username, an account), with a bound on how many keys are remembered, so
// that a flood of distinct keys cannot grow memory without limit.
//
// The gateway and the master use it. It runs no goroutines, and callers pass
// the time in, so tests drive it without a clock.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed is a token bucket per key: burst tokens at once, then one more per
// interval. It remembers at most maxKeys keys. Safe for concurrent use.
type Keyed[K comparable] struct {
	limit   rate.Limit
	burst   int
	maxKeys int

	mu      sync.Mutex // guards following fields
	buckets map[K]*rate.Limiter
	calls   int // since the last sweep
}

// DefaultMaxKeys is a bound on keys that suits a server's limits: as many
// clients or accounts active at once is far beyond a healthy load, and the
// buckets take a few megabytes.
const DefaultMaxKeys = 100_000

// sweepEvery is how many calls pass between sweeps of idle buckets.
const sweepEvery = 1024

// New returns a Keyed whose buckets hold burst tokens and gain one every
// interval, remembering at most maxKeys keys.
func New[K comparable](every time.Duration, burst, maxKeys int) *Keyed[K] {
	return &Keyed[K]{limit: rate.Every(every), burst: burst, maxKeys: maxKeys, buckets: make(map[K]*rate.Limiter)}
}

// Allow takes a token from key's bucket at now, or reports how long until
// one is available. When maxKeys keys are all in use, a new key is refused
// for a second rather than remembered.
func (l *Keyed[K]) Allow(key K, now time.Time) (bool, time.Duration) {
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

// Delay reports how long after now key's bucket will hold a token, without
// taking one: zero when it holds one, or when key has no bucket. Since
// Allow never takes a token that is not there, Delay is at most one
// interval.
func (l *Keyed[K]) Delay(key K, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		return 0
	}
	missing := 1 - b.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return time.Duration(missing / float64(l.limit) * float64(time.Second))
}

// sweepLocked forgets buckets that have refilled completely: a fresh bucket
// would behave the same.
func (l *Keyed[K]) sweepLocked(now time.Time) {
	l.calls = 0
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, k)
		}
	}
}
