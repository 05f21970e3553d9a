// Package saver writes a world's characters to its database in order: it is
// the one ordered saver of DESIGN.md §3, through which every save of a
// character passes (autosave, portal trip, logout, shutdown).
//
// A [Saver] owns the queue of characters waiting to be written: for each
// character, only the newest version (store.Character.Version) waits, so the
// queue never holds more entries than there are characters, and an older
// snapshot that arrives late is dropped rather than written over a newer
// one. The store checks versions too, so a stale save can never roll a
// character back even across savers or restarts.
//
// Each Saver runs one goroutine, started by [New] and stopped by
// [Saver.Close]. It wakes when something is queued, writes everything
// pending in one SaveCharacters call, and retries a failed write with
// backoff (up to Options.MaxAttempts), keeping the newest version of every
// character it could not write. Callers wait on the database only through
// SaveNow, never through Save.
//
// The world creates one Saver per database. Its tick calls [Saver.Save],
// which never blocks; logout and shutdown call [Saver.SaveNow], which waits
// for the write. All methods are safe for concurrent use. Only the world (and
// tools that write characters while a world runs) should import this
// package.
package saver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/store"
)

// Store is the database a Saver writes to; *store.WorldDB implements it.
// SaveCharacters must write a character only if its Version is greater than
// the stored one, reporting the others as stale, not as an error.
type Store interface {
	SaveCharacters(ctx context.Context, cs ...store.Character) (store.SaveResult, error)
}

// ErrClosed is returned by SaveNow once Close has been called.
var ErrClosed = errors.New("saver: closed")

// Options configure a Saver. The zero value is a valid configuration.
type Options struct {
	// WriteTimeout bounds one SaveCharacters call. Zero means 10s.
	WriteTimeout time.Duration
	// MaxAttempts is how many consecutive failed writes a character's
	// pending state survives before it is given up (logged, counted in
	// Stats.Failed, and reported to SaveNow callers). A newer version
	// queued meanwhile inherits the count. Zero means 5.
	MaxAttempts int
	// RetryBackoff is the wait after a failed write before the next one;
	// it doubles with each consecutive failure, up to MaxBackoff. Zero
	// means 100ms.
	RetryBackoff time.Duration
	// MaxBackoff caps the wait between retries. Zero means 5s.
	MaxBackoff time.Duration
}

func (o *Options) setDefaults() {
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 100 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	o.MaxBackoff = max(o.MaxBackoff, o.RetryBackoff)
}

// Stats are a Saver's counters since New, for metrics. Every version passed
// to Save or SaveNow ends up counted once in Written, Replaced, Stale,
// Failed or Refused, or is still pending or being written.
type Stats struct {
	Written  uint64 // versions written to the database
	Replaced uint64 // queued versions replaced by a newer one before they were written
	Stale    uint64 // versions not written because an equal or newer one was queued, being written, or stored
	Failed   uint64 // versions given up after MaxAttempts failed writes (or a permanent error)
	Refused  uint64 // versions passed to Save or SaveNow after Close
	Errors   uint64 // SaveCharacters calls that failed

	Batches   uint64        // SaveCharacters calls, failed or not
	BatchTime time.Duration // total time spent in SaveCharacters
	Pending   int           // characters waiting to be written now, at most one entry each
}

// entry is one character waiting to be written.
type entry struct {
	c        store.Character
	waiters  []chan<- error // SaveNow callers waiting for c or newer; each buffered, so sends never block
	attempts int            // consecutive failed writes of this character
}

// Saver writes characters in order; see the package doc.
type Saver struct {
	db   Store
	log  *slog.Logger
	opts Options

	wake chan struct{} // capacity 1: pending changed, or Close was called
	done chan struct{} // closed when run returns

	mu       sync.Mutex       // guards following fields
	pending  map[int64]*entry // by character ID: the newest version waiting
	inflight map[int64]*entry // by character ID: the version run is writing; pending holds only newer ones
	closing  bool             // Close was called; nothing more is queued
	lost     int              // versions given up after Close was called
	lostErr  error            // the first of them
	stats    Stats
}

// New returns a Saver writing to db and starts its goroutine. The caller
// must call Close. A nil log discards messages.
func New(db Store, log *slog.Logger, opts Options) *Saver {
	opts.setDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Saver{
		db:       db,
		log:      log,
		opts:     opts,
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
		pending:  make(map[int64]*entry),
		inflight: make(map[int64]*entry),
	}
	go s.run()
	return s
}

// Save queues c to be written and returns at once; it never blocks on the
// database. The world's tick calls it. Per character only the newest version
// waits: a newer version replaces an older one still queued, and one older
// than or equal to a version already queued or being written is dropped
// (counted in Stats.Stale; one already stored is refused by the store and
// counted there too). After Close, c is dropped and counted in
// Stats.Refused.
func (s *Saver) Save(c store.Character) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		s.stats.Refused++
		s.log.Warn("saver: save after close dropped", "character", c.ID, "version", c.Version)
		return
	}
	s.queueLocked(c, nil)
}

// SaveNow queues c like Save and waits until c, or a newer version of the
// character, is in the database (or the store reported a version at least
// as new as c's already there), or until ctx ends. It returns nil once
// written, the write error if the saver gave c up, ctx.Err() if ctx ended
// first (c stays queued), or ErrClosed after Close. Logout and shutdown call
// it.
func (s *Saver) SaveNow(ctx context.Context, c store.Character) error {
	done := make(chan error, 1)
	s.mu.Lock()
	if s.closing {
		s.stats.Refused++
		s.mu.Unlock()
		return ErrClosed
	}
	s.queueLocked(c, done)
	s.mu.Unlock()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// queueLocked queues c, attaching done (if not nil) to the entry that will
// write c or a newer version.
func (s *Saver) queueLocked(c store.Character, done chan<- error) {
	if p := s.pending[c.ID]; p != nil {
		if c.Version <= p.c.Version {
			s.stats.Stale++
		} else {
			s.stats.Replaced++
			p.c = c
		}
		p.waiters = appendWaiter(p.waiters, done)
		return
	}
	if f := s.inflight[c.ID]; f != nil && c.Version <= f.c.Version {
		s.stats.Stale++
		f.waiters = appendWaiter(f.waiters, done)
		return
	}
	s.pending[c.ID] = &entry{c: c, waiters: appendWaiter(nil, done)}
	s.signal()
}

func appendWaiter(ws []chan<- error, done chan<- error) []chan<- error {
	if done == nil {
		return ws
	}
	return append(ws, done)
}

// signal wakes run without blocking; one token is enough, since run takes
// everything pending each time it wakes.
func (s *Saver) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Close stops accepting saves, writes everything still queued (retrying as
// usual, so it may take up to MaxAttempts writes of WriteTimeout each, plus
// backoff), and stops the goroutine. It returns an error if any queued
// version was given up while closing. Calls after the first wait for the
// same end and return the same error.
func (s *Saver) Close() error {
	s.mu.Lock()
	if !s.closing {
		s.closing = true
		s.signal()
	}
	s.mu.Unlock()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lost > 0 {
		return fmt.Errorf("saver: close: %d characters not saved, the first: %w", s.lost, s.lostErr)
	}
	return nil
}

// Stats returns the counters so far.
func (s *Saver) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Pending = len(s.pending)
	return st
}

// run is the saver's goroutine: it writes whatever is pending until Close
// was called and nothing is left.
func (s *Saver) run() {
	defer close(s.done)
	failures := 0 // consecutive failed writes, for the backoff
	for {
		batch, closing := s.take()
		if len(batch) == 0 {
			if closing {
				return
			}
			<-s.wake
			continue
		}
		if s.write(batch) {
			failures = 0
			continue
		}
		failures++
		// Back off before the next write. Saves queued meanwhile join it,
		// and Close waits: giving up early would lose the newest state.
		t := time.NewTimer(s.backoff(failures))
		<-t.C
	}
}

func (s *Saver) backoff(failures int) time.Duration {
	d := s.opts.RetryBackoff
	for i := 1; i < failures && d < s.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.opts.MaxBackoff)
}

// take moves everything pending in flight and returns it, ordered by
// character ID, with whether Close has been called.
func (s *Saver) take() ([]*entry, bool) {
	s.mu.Lock()
	batch := make([]*entry, 0, len(s.pending))
	for id, e := range s.pending {
		batch = append(batch, e)
		s.inflight[id] = e
	}
	clear(s.pending)
	closing := s.closing
	s.mu.Unlock()
	// Sorted outside the lock, so Save waits only for the move.
	slices.SortFunc(batch, func(a, b *entry) int { return cmp.Compare(a.c.ID, b.c.ID) })
	return batch, closing
}

// write writes batch in one SaveCharacters call and settles every entry:
// done, queued again for a retry, or given up. It reports whether the write
// succeeded.
func (s *Saver) write(batch []*entry) bool {
	cs := make([]store.Character, len(batch))
	for i, e := range batch {
		cs[i] = e.c
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.WriteTimeout)
	start := time.Now()
	res, err := s.db.SaveCharacters(ctx, cs...)
	elapsed := time.Since(start)
	cancel()

	s.mu.Lock()
	s.stats.Batches++
	s.stats.BatchTime += elapsed
	if err == nil {
		s.stats.Written += uint64(res.Written)
		s.stats.Stale += uint64(len(res.Stale))
		for _, e := range batch {
			delete(s.inflight, e.c.ID)
			notify(e.waiters, nil)
		}
		s.mu.Unlock()
		return true
	}
	s.stats.Errors++
	s.mu.Unlock()

	// The store rolls a batch with a missing character back whole. Such a
	// write never succeeds, so rather than retrying the batch, write each
	// character alone: the others are saved, the missing one given up.
	if errors.Is(err, store.ErrNotFound) && len(batch) > 1 {
		ok := true
		for _, e := range batch {
			ok = s.write([]*entry{e}) && ok
		}
		return ok
	}
	permanent := errors.Is(err, store.ErrNotFound)
	s.log.Warn("saver: write failed", "characters", len(batch), "first", batch[0].c.ID, "err", err)

	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range batch {
		s.retryLocked(e, err, permanent)
	}
	return false
}

// retryLocked queues e again after a failed write, unless it has failed too
// often or permanently, when it is given up. A newer version queued while e
// was being written takes e's place, its waiters and its failure count.
func (s *Saver) retryLocked(e *entry, err error, permanent bool) {
	delete(s.inflight, e.c.ID)
	e.attempts++
	if p := s.pending[e.c.ID]; p != nil {
		s.stats.Replaced++
		p.waiters = append(p.waiters, e.waiters...)
		p.attempts = max(p.attempts, e.attempts)
		return
	}
	if !permanent && e.attempts < s.opts.MaxAttempts {
		s.pending[e.c.ID] = e
		return
	}
	s.stats.Failed++
	err = fmt.Errorf("saver: character %d version %d not saved after %d attempts: %w", e.c.ID, e.c.Version, e.attempts, err)
	s.log.Error("saver: character not saved", "character", e.c.ID, "version", e.c.Version, "attempts", e.attempts, "err", err)
	if s.closing {
		if s.lost == 0 {
			s.lostErr = err
		}
		s.lost++
	}
	notify(e.waiters, err)
}

func notify(ws []chan<- error, err error) {
	for _, w := range ws {
		w <- err // buffered, one send each
	}
}
