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
// A failed write is never given up while the saver runs (a full disk
// empties again): its characters stay pending, newer versions replacing
// older ones, and the saver retries with backoff until a write succeeds.
// Meanwhile [Saver.Pending] hands out the newest unwritten version of a
// character, so that a world loads it rather than the stale row in the
// database. Only a character the store does not know, and whatever is still
// unwritten when Shutdown's context ends, are given up. A burst of failed
// writes is logged twice: when it begins and when writes succeed again.
//
// Each Saver runs one goroutine, started by [New] and stopped by
// [Saver.Shutdown]. It wakes when something is queued and writes everything
// pending in one SaveCharacters call; with [Options.Gather] it first lets
// the saves of the next moments join it. Callers wait on the database only
// through SaveNow, never through Save.
//
// The world creates one Saver per database. Its tick and its sessions call
// [Saver.Save], which never blocks; its logins call [Saver.Pending]; its
// shutdown calls [Saver.Shutdown]. All methods are safe for concurrent use.
// Only the world (and tools that write characters while a world runs)
// should import this package.
package saver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/store"
)

// Store is the database a Saver writes to; *store.WorldDB implements it.
// SaveCharacters must write a character only if its Version is greater than
// the stored one, reporting the others as stale, not as an error, and must
// fail with an error wrapping store.ErrNotFound, writing nothing, when a
// character does not exist.
type Store interface {
	SaveCharacters(ctx context.Context, cs ...store.Character) (store.SaveResult, error)
}

// ErrClosed is returned by SaveNow once Shutdown has been called.
var ErrClosed = errors.New("saver: closed")

// Options configure a Saver. The zero value is a valid configuration.
type Options struct {
	// WriteTimeout bounds one SaveCharacters call. Zero means 10s.
	WriteTimeout time.Duration
	// RetryBackoff is the wait after a failed write before the next one;
	// it doubles with each consecutive failure, up to MaxBackoff. Zero
	// means 100ms.
	RetryBackoff time.Duration
	// MaxBackoff caps the wait between retries. Zero means 5s.
	MaxBackoff time.Duration
	// Gather is the least time between the starts of two writes: a save
	// queued within Gather of the last write waits for the rest of it, so
	// that saves falling due close together (players taking portals, or
	// logging out) share one transaction instead of paying one each.
	// SaveNow and Shutdown never wait for it. Zero writes at once; a crash
	// loses at most Gather of saves beyond what a write in flight loses.
	Gather time.Duration
	// ObserveWrite, when not nil, is called after each SaveCharacters
	// call with the time it took and its error, from the Saver's
	// goroutine: for a latency histogram. It must not block.
	ObserveWrite func(elapsed time.Duration, err error)
}

func (o *Options) setDefaults() {
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
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
// Failed or Refused, or is still pending.
type Stats struct {
	Written  uint64 // versions written to the database
	Replaced uint64 // queued versions replaced by a newer one before they were written
	Stale    uint64 // versions not written because an equal or newer one was queued, being written, or stored
	Failed   uint64 // versions given up: the store does not know the character, or Shutdown's context ended first
	Refused  uint64 // versions passed to Save or SaveNow after Shutdown
	Errors   uint64 // SaveCharacters calls that failed

	Batches   uint64        // SaveCharacters calls, failed or not
	BatchTime time.Duration // total time spent in SaveCharacters

	// Pending is how many characters have a version not yet in the
	// database: queued, or being written.
	Pending int
	// Retrying is how many of them wait because their last write failed.
	Retrying int
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

	wake      chan struct{} // capacity 1: pending changed, or Shutdown was called
	abort     chan struct{} // closed when Shutdown's context ends: retry no more
	abortOnce sync.Once
	done      chan struct{} // closed when run returns

	mu       sync.Mutex       // guards following fields
	pending  map[int64]*entry // by character ID: the newest version waiting
	inflight map[int64]*entry // by character ID: the version run is writing; pending holds only newer ones
	closing  bool             // Shutdown was called; nothing more is queued
	hurry    bool             // a SaveNow caller waits for what is pending: run does not gather
	lost     int              // versions given up after Shutdown was called
	lostErr  error            // the first of them
	stats    Stats            // all but Pending and Retrying, which Stats counts
}

// New returns a Saver writing to db and starts its goroutine. The caller
// must call Shutdown. A nil log discards messages.
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
		abort:    make(chan struct{}),
		done:     make(chan struct{}),
		pending:  make(map[int64]*entry),
		inflight: make(map[int64]*entry),
	}
	go s.run()
	return s
}

// Save queues c to be written and returns at once; it never blocks on the
// database. Per character only the newest version waits: a newer version
// replaces an older one still queued, and one older than or equal to a
// version already queued or being written is dropped (counted in
// Stats.Stale; one already stored is refused by the store and counted
// there too). After Shutdown, c is dropped and counted in Stats.Refused.
func (s *Saver) Save(c store.Character) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		s.stats.Refused++
		s.log.Warn("saver: save after shutdown dropped", "character", c.ID, "version", c.Version)
		return
	}
	s.queueLocked(c, nil)
}

// SaveNow queues c like Save and waits until c, or a newer version of the
// character, is in the database (or the store reported a version at least
// as new as c's already there), or until ctx ends. It returns nil once
// written, the error if the saver gave c up, ctx.Err() if ctx ended first
// (c stays queued), or ErrClosed after Shutdown.
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

// Pending returns the newest version of character id that was queued and
// is not yet known to be in the database, and whether there is one. A world
// loads a character from here before it reads the database, whose row is
// older while writes fail. It never blocks on the database.
func (s *Saver) Pending(id int64) (store.Character, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.pending[id]; e != nil {
		return e.c, true
	}
	if e := s.inflight[id]; e != nil {
		return e.c, true
	}
	return store.Character{}, false
}

// queueLocked queues c, attaching done (if not nil) to the entry that will
// write c or a newer version.
func (s *Saver) queueLocked(c store.Character, done chan<- error) {
	if done != nil {
		s.hurry = true // a caller waits: the next write goes at once
		s.signal()
	}
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

// Shutdown stops accepting saves, writes everything still queued, retrying
// failed writes with backoff as usual, and stops the goroutine. Once ctx
// ends it retries no more: a write under way may finish (within
// Options.WriteTimeout), and whatever fails after that is given up. It
// returns an error counting the characters given up since it was called.
// Calls after the first wait for the same end and return the same error.
func (s *Saver) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.closing {
		s.closing = true
		s.signal()
	}
	s.mu.Unlock()
	select {
	case <-s.done:
	case <-ctx.Done():
		s.abortOnce.Do(func() { close(s.abort) })
		<-s.done
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lost > 0 {
		return fmt.Errorf("saver: shutdown: %d characters not saved, the first: %w", s.lost, s.lostErr)
	}
	return nil
}

// Stats returns the counters so far.
func (s *Saver) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	for id, e := range s.pending {
		st.Pending++
		if f := s.inflight[id]; e.attempts > 0 || f != nil && f.attempts > 0 {
			st.Retrying++
		}
	}
	for id, f := range s.inflight {
		if s.pending[id] == nil {
			st.Pending++
			if f.attempts > 0 {
				st.Retrying++
			}
		}
	}
	return st
}

// run is the saver's goroutine: it writes whatever is pending until
// Shutdown was called and nothing is left, or it gave up what was.
func (s *Saver) run() {
	defer close(s.done)
	var b burst
	var last time.Time // when the last write began
	for {
		batch, closing := s.take()
		if len(batch) == 0 {
			if closing {
				return
			}
			<-s.wake
			s.gather(last)
			continue
		}
		last = time.Now()
		err := s.write(batch)
		if err == nil {
			b.succeeded(s.log)
			continue
		}
		b.failed(s.log, err, len(batch))
		// Back off before the next write. Saves queued meanwhile join it.
		t := time.NewTimer(s.backoff(b.errors))
		select {
		case <-t.C:
		case <-s.abort:
			t.Stop()
			s.giveUpAll(err)
			return
		}
	}
}

// gather waits until Options.Gather has passed since last, the start of
// the last write, so that what is queued meanwhile joins the next write.
// It returns early once a SaveNow caller waits or Shutdown is called.
func (s *Saver) gather(last time.Time) {
	wait := s.opts.Gather - time.Since(last)
	if wait <= 0 {
		return
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for !s.hurried() {
		select {
		case <-t.C:
			return
		case <-s.wake:
		}
	}
}

// hurried reports whether the next write must not wait: a SaveNow caller
// waits for it, or Shutdown was called.
func (s *Saver) hurried() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hurry || s.closing
}

// burst is a run of consecutive failed writes, logged when it begins and
// when it ends rather than at each failure. Owned by run.
type burst struct {
	start  time.Time // of the first failed write
	errors int       // failed writes since; 0 when writes succeed
}

func (b *burst) failed(log *slog.Logger, err error, characters int) {
	if b.errors == 0 {
		b.start = time.Now()
		log.Warn("saver: writes failing; characters stay pending and are retried until a write succeeds",
			"characters", characters, "err", err)
	}
	b.errors++
}

func (b *burst) succeeded(log *slog.Logger) {
	if b.errors > 0 {
		log.Info("saver: writes succeed again", "failed_writes", b.errors, "after", time.Since(b.start).Round(time.Millisecond))
		*b = burst{}
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
// character ID, with whether Shutdown has been called.
func (s *Saver) take() ([]*entry, bool) {
	s.mu.Lock()
	batch := make([]*entry, 0, len(s.pending))
	for id, e := range s.pending {
		batch = append(batch, e)
		s.inflight[id] = e
	}
	clear(s.pending)
	s.hurry = false
	closing := s.closing
	s.mu.Unlock()
	// Sorted outside the lock, so Save waits only for the move.
	slices.SortFunc(batch, func(a, b *entry) int { return cmp.Compare(a.c.ID, b.c.ID) })
	return batch, closing
}

// write writes batch in one SaveCharacters call and settles every entry:
// written, given up (a character the store does not know), or queued again
// for a retry. It returns the error of a failed write whose entries wait
// for a retry, or nil when none does.
func (s *Saver) write(batch []*entry) error {
	cs := make([]store.Character, len(batch))
	for i, e := range batch {
		cs[i] = e.c
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.WriteTimeout)
	start := time.Now()
	res, err := s.db.SaveCharacters(ctx, cs...)
	elapsed := time.Since(start)
	cancel()
	if s.opts.ObserveWrite != nil {
		s.opts.ObserveWrite(elapsed, err)
	}

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
		return nil
	}
	s.stats.Errors++
	if !errors.Is(err, store.ErrNotFound) {
		for _, e := range batch {
			s.retryLocked(e)
		}
		s.mu.Unlock()
		return err
	}
	if len(batch) == 1 {
		// No write can save a character the store does not know.
		e := batch[0]
		err := s.giveUpLocked(e, err)
		s.mu.Unlock()
		s.log.Error("saver: character not saved", "character", e.c.ID, "version", e.c.Version, "err", err)
		return nil
	}
	s.mu.Unlock()
	// The store rolls a batch with a missing character back whole, so
	// rather than retry the batch, write each character alone: the others
	// are saved, the missing one given up.
	var retry error
	for _, e := range batch {
		if err := s.write([]*entry{e}); err != nil && retry == nil {
			retry = err
		}
	}
	return retry
}

// retryLocked queues e again after a failed write. A newer version queued
// while e was being written takes e's place, its waiters and its failure
// count.
func (s *Saver) retryLocked(e *entry) {
	delete(s.inflight, e.c.ID)
	e.attempts++
	if p := s.pending[e.c.ID]; p != nil {
		s.stats.Replaced++
		p.waiters = append(p.waiters, e.waiters...)
		p.attempts = max(p.attempts, e.attempts)
		return
	}
	s.pending[e.c.ID] = e
}

// giveUpLocked drops e after its write failed with err, tells its waiters,
// and returns the error they got.
func (s *Saver) giveUpLocked(e *entry, err error) error {
	delete(s.inflight, e.c.ID)
	s.stats.Failed++
	err = fmt.Errorf("saver: character %d version %d not saved: %w", e.c.ID, e.c.Version, err)
	if s.closing {
		if s.lost == 0 {
			s.lostErr = err
		}
		s.lost++
	}
	notify(e.waiters, err)
	return err
}

// giveUpAll gives up everything pending, the last write having failed with
// err after Shutdown's context ended.
func (s *Saver) giveUpAll(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := slices.Sorted(maps.Keys(s.pending))
	for _, id := range ids {
		s.giveUpLocked(s.pending[id], err)
		delete(s.pending, id)
	}
}

func notify(ws []chan<- error, err error) {
	for _, w := range ws {
		w <- err // buffered, one send each
	}
}
