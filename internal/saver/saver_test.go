package saver_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tinymmo/tinymmo/internal/saver"
	"github.com/tinymmo/tinymmo/internal/saver/savertest"
	"github.com/tinymmo/tinymmo/internal/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// openDB opens a real world database in a temporary directory, closed when
// the test ends.
func openDB(t *testing.T) *store.WorldDB {
	t.Helper()
	db, err := store.OpenWorld(t.Context(), filepath.Join(t.TempDir(), "world.db"))
	if err != nil {
		t.Fatalf("OpenWorld = %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("WorldDB.Close() = %v", err)
		}
	})
	return db
}

// createCharacters creates n characters, one account each.
func createCharacters(t *testing.T, db *store.WorldDB, n int) []store.Character {
	t.Helper()
	cs := make([]store.Character, n)
	for i := range cs {
		c, err := db.CreateCharacter(t.Context(), store.Character{
			AccountID: int64(i + 1), Name: fmt.Sprint("Hero", i), Class: store.ClassKnight,
			Level: 1, Map: "overworld", HP: 100, MaxHP: 100, MP: 10, MaxMP: 10,
		}, 1)
		if err != nil {
			t.Fatal(err)
		}
		cs[i] = c
	}
	return cs
}

// at returns c at version v, with a position that records the version, so
// the stored row shows which save wrote it.
func at(c store.Character, v int64) store.Character {
	c.Version, c.X, c.Y = v, int32(v*16), int32(-v)
	return c
}

// wantStored fails the test unless the stored character is at version v,
// with v's position.
func wantStored(t *testing.T, db *store.WorldDB, id, v int64) {
	t.Helper()
	got, err := db.Character(t.Context(), id)
	if err != nil {
		t.Fatalf("Character(%d) = %v", id, err)
	}
	want := at(got, v)
	if got.Version != v || got.X != want.X || got.Y != want.Y {
		t.Errorf("stored character %d = version %d at (%d, %d), want version %d at (%d, %d)",
			id, got.Version, got.X, got.Y, v, want.X, want.Y)
	}
}

// newSaver starts a Saver on db, shut down when the test ends.
func newSaver(t *testing.T, db saver.Store, log *slog.Logger, opts saver.Options) *saver.Saver {
	t.Helper()
	s := saver.New(db, log, opts)
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return s
}

// gatedStore is a real database whose writes can be held: while the gate is
// shut, each SaveCharacters call reports its batch on held and waits for the
// gate to open before it writes.
type gatedStore struct {
	db   *store.WorldDB
	held chan []store.Character

	mu   sync.Mutex    // guards following field
	gate chan struct{} // nil when open; closed to open it
}

func newGatedStore(t *testing.T, db *store.WorldDB) *gatedStore {
	g := &gatedStore{db: db, held: make(chan []store.Character, 100)}
	t.Cleanup(g.open) // never leave a write waiting
	return g
}

func (g *gatedStore) shut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gate == nil {
		g.gate = make(chan struct{})
	}
}

func (g *gatedStore) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gate != nil {
		close(g.gate)
		g.gate = nil
	}
}

func (g *gatedStore) SaveCharacters(ctx context.Context, cs ...store.Character) (store.SaveResult, error) {
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	if gate != nil {
		g.held <- cs
		select {
		case <-gate:
		case <-ctx.Done():
			return store.SaveResult{}, ctx.Err()
		}
	}
	return g.db.SaveCharacters(ctx, cs...)
}

// waitHeld waits for a held write and returns its batch.
func (g *gatedStore) waitHeld(t *testing.T) []store.Character {
	t.Helper()
	select {
	case cs := <-g.held:
		return cs
	case <-t.Context().Done():
		t.Fatal("no write reached the store")
		return nil
	}
}

// TestLateSaveNeverOverwritesNewer reproduces today's race at the store: an
// autosave of version 5 starts writing, is delayed, and lands after a logout
// save of version 6. The store refuses it.
func TestLateSaveNeverOverwritesNewer(t *testing.T) {
	db := openDB(t)
	c := createCharacters(t, db, 1)[0]
	g := newGatedStore(t, db)
	g.shut()

	autosave := make(chan error, 1)
	var res store.SaveResult
	go func() {
		var err error
		res, err = g.SaveCharacters(context.Background(), at(c, 5))
		autosave <- err
	}()
	g.waitHeld(t) // the autosave has started and is stuck
	if res, err := db.SaveCharacters(t.Context(), at(c, 6)); err != nil || res.Written != 1 {
		t.Fatalf("logout SaveCharacters(version 6) = %+v, %v", res, err)
	}
	g.open()
	if err := <-autosave; err != nil {
		t.Fatalf("late autosave = %v, want nil (stale is not an error)", err)
	}
	if res.Written != 0 || len(res.Stale) != 1 || res.Stale[0] != c.ID {
		t.Errorf("late autosave result = %+v, want stale [%d]", res, c.ID)
	}
	wantStored(t, db, c.ID, 6)
}

// TestAutosaveBeforeLogoutNeverWins is the same race through a Saver, in
// every order the two saves can reach it: the database always ends at the
// logout's version 6, and SaveNow returns only once version 6 is stored.
func TestAutosaveBeforeLogoutNeverWins(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, s *saver.Saver, g *gatedStore, c, other store.Character)
	}{
		{
			// The autosave is being written when the logout arrives; its
			// write is held so it would land after the logout's.
			"autosave in flight", func(t *testing.T, s *saver.Saver, g *gatedStore, c, _ store.Character) {
				g.shut()
				s.Save(at(c, 5))
				g.waitHeld(t)
				logout := saveNowAsync(s, at(c, 6))
				waitFor(t, "logout queued", func() bool { return s.Stats().Pending == 1 })
				select {
				case err := <-logout:
					t.Fatalf("SaveNow returned %v before version 6 was written", err)
				default:
				}
				g.open()
				if err := <-logout; err != nil {
					t.Fatalf("SaveNow(version 6) = %v", err)
				}
			},
		},
		{
			// The autosave is still queued behind another write when the
			// logout arrives: the logout replaces it.
			"autosave queued", func(t *testing.T, s *saver.Saver, g *gatedStore, c, other store.Character) {
				g.shut()
				s.Save(at(other, 1))
				g.waitHeld(t)
				s.Save(at(c, 5))
				logout := saveNowAsync(s, at(c, 6))
				waitFor(t, "logout replaced autosave", func() bool { return s.Stats().Replaced == 1 })
				g.open()
				if err := <-logout; err != nil {
					t.Fatalf("SaveNow(version 6) = %v", err)
				}
			},
		},
		{
			// The autosave's snapshot was taken before the logout but
			// reaches the saver after it.
			"autosave after logout", func(t *testing.T, s *saver.Saver, _ *gatedStore, c, _ store.Character) {
				if err := s.SaveNow(t.Context(), at(c, 6)); err != nil {
					t.Fatalf("SaveNow(version 6) = %v", err)
				}
				s.Save(at(c, 5))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			cs := createCharacters(t, db, 2)
			g := newGatedStore(t, db)
			s := newSaver(t, g, nil, saver.Options{})
			tt.run(t, s, g, cs[0], cs[1])
			wantStored(t, db, cs[0].ID, 6) // SaveNow has returned
			if err := s.Shutdown(t.Context()); err != nil {
				t.Fatalf("Close = %v", err)
			}
			wantStored(t, db, cs[0].ID, 6)
			st := s.Stats()
			if st.Written+st.Replaced+st.Stale < 2 || st.Errors != 0 {
				t.Errorf("Stats = %+v, want both saves accounted for and no errors", st)
			}
		})
	}
}

func saveNowAsync(s *saver.Saver, c store.Character) <-chan error {
	done := make(chan error, 1)
	go func() { done <- s.SaveNow(context.Background(), c) }()
	return done
}

// waitFor polls cond until it holds, failing the test if it does not within
// 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestConcurrentSavesEndAtHighestVersion: many goroutines save interleaved
// versions of many characters, out of order between them; every character
// ends at its highest version, and no reader ever sees one go back.
func TestConcurrentSavesEndAtHighestVersion(t *testing.T) {
	db := openDB(t)
	const chars, writers, versions = 40, 8, 60
	cs := createCharacters(t, db, chars)
	s := newSaver(t, db, nil, saver.Options{})

	// A reader checks that stored versions only move forward, and that each
	// row is one save's whole state.
	stop := make(chan struct{})
	var reader sync.WaitGroup
	reader.Go(func() {
		seen := make(map[int64]int64)
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, c := range cs {
				got, err := db.Character(context.Background(), c.ID)
				if err != nil {
					t.Errorf("Character(%d) = %v", c.ID, err)
					return
				}
				if got.Version < seen[c.ID] || got.X != int32(got.Version*16) {
					t.Errorf("character %d: read version %d at x %d after version %d", c.ID, got.Version, got.X, seen[c.ID])
				}
				seen[c.ID] = got.Version
			}
		}
	})

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			// Writer w saves the versions v with v % writers == w, so
			// each character's versions arrive from all writers at once.
			for v := int64(w + 1); v <= versions; v += writers {
				for i, c := range cs {
					if (int(v)+i)%7 == 0 {
						if err := s.SaveNow(t.Context(), at(c, v)); err != nil {
							t.Errorf("SaveNow(%d, version %d) = %v", c.ID, v, err)
						}
					} else {
						s.Save(at(c, v))
					}
				}
			}
		})
	}
	wg.Wait()
	if err := s.Shutdown(t.Context()); err != nil {
		t.Fatalf("Close = %v", err)
	}
	close(stop)
	reader.Wait()
	for _, c := range cs {
		wantStored(t, db, c.ID, versions)
	}
	st := s.Stats()
	total := uint64(chars * versions)
	if got := st.Written + st.Replaced + st.Stale; got != total || st.Errors != 0 || st.Pending != 0 {
		t.Errorf("Stats = %+v: written+replaced+stale = %d, want %d, no errors, nothing pending", st, got, total)
	}
	t.Logf("%d versions: %d written in %d batches (%v), %d replaced, %d stale",
		total, st.Written, st.Batches, st.BatchTime, st.Replaced, st.Stale)
}

// TestSaveNowReturnsAfterWrite: SaveNow returns only once the row is in the
// database, and not while the write is held.
func TestSaveNowReturnsAfterWrite(t *testing.T) {
	db := openDB(t)
	c := createCharacters(t, db, 1)[0]
	g := newGatedStore(t, db)
	s := newSaver(t, g, nil, saver.Options{})

	if err := s.SaveNow(t.Context(), at(c, 1)); err != nil {
		t.Fatalf("SaveNow(version 1) = %v", err)
	}
	wantStored(t, db, c.ID, 1)

	g.shut()
	done := saveNowAsync(s, at(c, 2))
	g.waitHeld(t)
	select {
	case err := <-done:
		t.Fatalf("SaveNow returned %v while its write was held", err)
	default:
	}
	wantStored(t, db, c.ID, 1)
	g.open()
	if err := <-done; err != nil {
		t.Fatalf("SaveNow(version 2) = %v", err)
	}
	wantStored(t, db, c.ID, 2)

	// A SaveNow of a version already stored returns nil at once: the
	// database holds it or newer.
	if err := s.SaveNow(t.Context(), at(c, 1)); err != nil {
		t.Errorf("SaveNow(stale version 1) = %v, want nil", err)
	}
	wantStored(t, db, c.ID, 2)

	// A context that ends first returns its error; the save stays queued.
	g.shut()
	s.Save(at(c, 3))
	g.waitHeld(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.SaveNow(ctx, at(c, 4)); !errors.Is(err, context.Canceled) {
		t.Errorf("SaveNow(cancelled) = %v, want context.Canceled", err)
	}
	g.open()
	if err := s.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantStored(t, db, c.ID, 4)
}

// TestShutdownFlushesPending: Shutdown writes everything queued, then refuses
// further saves.
func TestShutdownFlushesPending(t *testing.T) {
	db := openDB(t)
	cs := createCharacters(t, db, 20)
	g := newGatedStore(t, db)
	s := saver.New(g, nil, saver.Options{})

	g.shut()
	s.Save(at(cs[0], 1))
	g.waitHeld(t) // cs[0] in flight, the rest will wait behind it
	for _, c := range cs[1:] {
		s.Save(at(c, 2))
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Shutdown(t.Context()) }()
	g.open()
	if err := <-closed; err != nil {
		t.Fatalf("Close = %v", err)
	}
	wantStored(t, db, cs[0].ID, 1)
	for _, c := range cs[1:] {
		wantStored(t, db, c.ID, 2)
	}

	s.Save(at(cs[0], 3))
	if err := s.SaveNow(t.Context(), at(cs[0], 4)); !errors.Is(err, saver.ErrClosed) {
		t.Errorf("SaveNow after Shutdown = %v, want ErrClosed", err)
	}
	wantStored(t, db, cs[0].ID, 1)
	if st := s.Stats(); st.Refused != 2 || st.Written != 20 {
		t.Errorf("Stats = %+v, want 20 written and 2 refused", st)
	}
	if err := s.Shutdown(t.Context()); err != nil {
		t.Errorf("second Shutdown = %v", err)
	}
}

// TestSaveNeverBlocksOnStalledDatabase: while a write hangs, 10,000 saves
// return at once, and the queue holds at most one entry per character.
func TestSaveNeverBlocksOnStalledDatabase(t *testing.T) {
	db := openDB(t)
	const chars, saves = 100, 10_000
	cs := createCharacters(t, db, chars)
	g := newGatedStore(t, db)
	s := newSaver(t, g, nil, saver.Options{})

	g.shut()
	s.Save(at(cs[0], 1))
	g.waitHeld(t) // the database is stalled from here on

	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range saves {
			s.Save(at(cs[i%chars], int64(2+i/chars)))
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Save blocked while the database was stalled")
	}
	st := s.Stats()
	if st.Pending > chars {
		t.Errorf("Stats().Pending = %d after %d saves, want at most %d (one per character)", st.Pending, saves, chars)
	}
	if st.Replaced != saves-chars || st.Batches != 0 {
		t.Errorf("Stats = %+v, want %d replaced and no batch finished", st, saves-chars)
	}

	g.open()
	if err := s.Shutdown(t.Context()); err != nil {
		t.Fatalf("Close = %v", err)
	}
	last := int64(2 + (saves-1)/chars)
	for _, c := range cs {
		wantStored(t, db, c.ID, last)
	}
	if st := s.Stats(); st.Batches != 2 || st.Written != 1+chars {
		t.Errorf("Stats = %+v, want the stall's queue written in one more batch", st)
	}
}

// syncBuffer is a bytes.Buffer for a logger shared between goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestShutdownGivesUpWhatItCannotWrite: when the database is gone, saves
// stay pending and are retried until Shutdown's context ends; then they are
// given up, SaveNow returns an error naming the character, and Shutdown one
// counting them.
func TestShutdownGivesUpWhatItCannotWrite(t *testing.T) {
	db, err := store.OpenWorld(t.Context(), filepath.Join(t.TempDir(), "world.db"))
	if err != nil {
		t.Fatal(err)
	}
	c := createCharacters(t, db, 1)[0]
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	s := saver.New(db, slog.New(slog.NewTextHandler(&logs, nil)), saver.Options{RetryBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})

	logout := saveNowAsync(s, at(c, 1))
	waitFor(t, "10 failed writes", func() bool { return s.Stats().Errors >= 10 })
	select {
	case err := <-logout:
		t.Fatalf("SaveNow = %v while writes fail, want it to wait", err)
	default:
	}
	if got, ok := s.Pending(c.ID); !ok || got.Version != 1 {
		t.Errorf("Pending(%d) = version %d, %v; want version 1, true", c.ID, got.Version, ok)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); err == nil || !strings.Contains(err.Error(), "1 characters not saved") {
		t.Errorf("Shutdown with an unwritable save = %v, want an error counting it", err)
	}
	err = <-logout
	if err == nil || !strings.Contains(err.Error(), fmt.Sprint("character ", c.ID)) {
		t.Errorf("SaveNow = %v, want an error naming character %d", err, c.ID)
	}
	if st := s.Stats(); st.Failed != 1 || st.Written != 0 || st.Pending != 0 || st.Retrying != 0 {
		t.Errorf("Stats = %+v, want 1 failed, nothing pending", st)
	}
	if _, ok := s.Pending(c.ID); ok {
		t.Errorf("Pending(%d) after Shutdown gave it up = true, want false", c.ID)
	}
	if n := strings.Count(logs.String(), "writes failing"); n != 1 {
		t.Errorf("%d log lines about failing writes, want 1 for the burst:\n%s", n, logs.String())
	}
}

// TestMissingCharacterDoesNotBlockOthers: a character the store does not
// know fails alone; the rest of its batch is written.
func TestMissingCharacterDoesNotBlockOthers(t *testing.T) {
	db := openDB(t)
	cs := createCharacters(t, db, 3)
	g := newGatedStore(t, db)
	s := newSaver(t, g, nil, saver.Options{})

	g.shut()
	s.Save(at(cs[0], 1))
	g.waitHeld(t)
	ghost := at(cs[0], 1)
	ghost.ID = 9999
	missing := saveNowAsync(s, ghost)
	s.Save(at(cs[1], 1))
	s.Save(at(cs[2], 1))
	// cs[0] in flight, the other three queued.
	waitFor(t, "four pending", func() bool { return s.Stats().Pending == 4 })
	g.open()
	if err := <-missing; !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SaveNow(missing character) = %v, want ErrNotFound", err)
	}
	if err := s.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		wantStored(t, db, c.ID, 1)
	}
}

// TestFailedWritesAreRetriedUntilTheDiskIsFreed: while the disk is full,
// saves stay pending however many writes fail, newer versions replace the
// ones that failed without losing a waiter, and the newest version of each
// character is written once space returns.
func TestFailedWritesAreRetriedUntilTheDiskIsFreed(t *testing.T) {
	db := openDB(t)
	cs := createCharacters(t, db, 3)
	disk := &savertest.DiskFull{Store: db}
	s := newSaver(t, disk, nil, saver.Options{RetryBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})

	disk.Fill()
	logout := saveNowAsync(s, at(cs[0], 1))
	s.Save(at(cs[1], 1)) // an autosave
	waitFor(t, "20 failed writes", func() bool { return disk.Refused() >= 20 })
	s.Save(at(cs[0], 2)) // a later session of the logged-out character saves again
	s.Save(at(cs[1], 2)) // a newer autosave replaces the one that failed
	s.Save(at(cs[2], 1)) // a portal save
	waitFor(t, "more failed writes", func() bool { return disk.Refused() >= 25 })
	select {
	case err := <-logout:
		t.Fatalf("SaveNow returned %v while the disk was full", err)
	default:
	}
	if st := s.Stats(); st.Pending != 3 || st.Retrying != 3 || st.Failed != 0 {
		t.Errorf("Stats while the disk is full = %+v, want 3 pending, 3 retrying, none failed", st)
	}
	wantStored(t, db, cs[0].ID, 0)

	disk.Free()
	if err := <-logout; err != nil {
		t.Fatalf("SaveNow(version 1) = %v once the disk was freed, want nil once version 2 is written", err)
	}
	if err := s.SaveNow(t.Context(), at(cs[2], 1)); err != nil {
		t.Fatal(err)
	}
	wantStored(t, db, cs[0].ID, 2)
	wantStored(t, db, cs[1].ID, 2)
	wantStored(t, db, cs[2].ID, 1)
	if st := s.Stats(); st.Failed != 0 || st.Written != 3 || st.Errors < 25 || st.Pending != 0 || st.Retrying != 0 {
		t.Errorf("Stats = %+v, want nothing failed or pending, 3 written, at least 25 errors", st)
	}
}

// TestPendingHandsOutTheNewestUnwrittenVersion: Pending returns what a
// login must load instead of the stored row: the newest version queued or
// being written, until it is in the database.
func TestPendingHandsOutTheNewestUnwrittenVersion(t *testing.T) {
	db := openDB(t)
	cs := createCharacters(t, db, 2)
	g := newGatedStore(t, db)
	s := newSaver(t, g, nil, saver.Options{})
	wantPending := func(id, v int64) {
		t.Helper()
		got, ok := s.Pending(id)
		switch {
		case v < 0 && ok:
			t.Errorf("Pending(%d) = version %d, want none", id, got.Version)
		case v >= 0 && (!ok || got != at(cs[id-1], v)):
			t.Errorf("Pending(%d) = %+v, %v; want version %d", id, got, ok, v)
		}
	}

	wantPending(cs[0].ID, -1)
	g.shut()
	s.Save(at(cs[0], 1))
	g.waitHeld(t)
	wantPending(cs[0].ID, 1) // being written
	s.Save(at(cs[0], 2))
	wantPending(cs[0].ID, 2) // queued behind it
	wantPending(cs[1].ID, -1)
	g.open()
	if err := s.SaveNow(t.Context(), at(cs[0], 2)); err != nil {
		t.Fatal(err)
	}
	wantPending(cs[0].ID, -1)
	wantStored(t, db, cs[0].ID, 2)
}

// TestFailuresAreLoggedOncePerBurst: a burst of failed writes logs one line
// when it begins and one when writes succeed again, however many fail.
func TestFailuresAreLoggedOncePerBurst(t *testing.T) {
	db := openDB(t)
	c := createCharacters(t, db, 1)[0]
	disk := &savertest.DiskFull{Store: db}
	var logs syncBuffer
	s := newSaver(t, disk, slog.New(slog.NewTextHandler(&logs, nil)), saver.Options{RetryBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond})

	for burst := int64(1); burst <= 2; burst++ {
		disk.Fill()
		s.Save(at(c, burst))
		waitFor(t, "50 failed writes", func() bool { return disk.Refused() >= 50*burst })
		disk.Free()
		if err := s.SaveNow(t.Context(), at(c, burst)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Shutdown(t.Context()); err != nil { // the last line is logged after SaveNow returns
		t.Fatal(err)
	}
	log := logs.String()
	if failing, again := strings.Count(log, "writes failing"), strings.Count(log, "writes succeed again"); failing != 2 || again != 2 {
		t.Errorf("log has %d lines about failing writes and %d about recovery after 2 bursts of 50, want 2 and 2:\n%s", failing, again, log)
	}
	if !strings.Contains(log, savertest.ErrDiskFull.Error()) {
		t.Errorf("log does not say why the writes failed:\n%s", log)
	}
}

// TestObserveWriteSeesEveryWrite: ObserveWrite is told of each
// SaveCharacters call, failed or not, as Stats counts them.
func TestObserveWriteSeesEveryWrite(t *testing.T) {
	db := openDB(t)
	cs := createCharacters(t, db, 1)
	disk := &savertest.DiskFull{Store: db}
	var mu sync.Mutex
	var ok, failed int
	s := newSaver(t, disk, nil, saver.Options{RetryBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
		ObserveWrite: func(elapsed time.Duration, err error) {
			mu.Lock()
			defer mu.Unlock()
			if elapsed < 0 {
				t.Errorf("ObserveWrite(%v): a negative duration", elapsed)
			}
			if errors.Is(err, savertest.ErrDiskFull) {
				failed++
			} else if err == nil {
				ok++
			}
		}})
	disk.Fill()
	s.Save(at(cs[0], 1))
	waitFor(t, "3 failed writes", func() bool { return disk.Refused() >= 3 })
	disk.Free()
	if err := s.SaveNow(t.Context(), at(cs[0], 2)); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	mu.Lock()
	defer mu.Unlock()
	if ok < 1 || failed < 3 || uint64(ok+failed) != st.Batches || uint64(failed) != st.Errors {
		t.Errorf("ObserveWrite saw %d ok and %d failed writes; Stats = %+v, want at least 1 and 3, adding up to its batches and errors", ok, failed, st)
	}
}

// TestGatherSharesOneWrite: the first save is written at once; the saves
// queued within Gather of it wait and then go together, and a SaveNow
// caller does not wait for the rest of Gather.
func TestGatherSharesOneWrite(t *testing.T) {
	db := openDB(t)
	cs := createCharacters(t, db, 4)
	s := newSaver(t, db, nil, saver.Options{Gather: time.Hour})

	s.Save(at(cs[0], 1))
	waitFor(t, "the first save", func() bool { return s.Stats().Written == 1 })
	s.Save(at(cs[1], 1))
	s.Save(at(cs[2], 1))
	time.Sleep(50 * time.Millisecond)
	if st := s.Stats(); st.Batches != 1 || st.Pending != 2 {
		t.Fatalf("within Gather, Stats = %+v, want 1 batch and 2 pending", st)
	}
	wantStored(t, db, cs[1].ID, 0)

	if err := notHeldByGather(t, "SaveNow", func() error { return s.SaveNow(t.Context(), at(cs[3], 1)) }); err != nil {
		t.Fatalf("SaveNow = %v", err)
	}
	if st := s.Stats(); st.Batches != 2 || st.Written != 4 || st.Pending != 0 {
		t.Errorf("after SaveNow, Stats = %+v, want 2 batches, 4 written, none pending", st)
	}
	for _, c := range cs {
		wantStored(t, db, c.ID, 1)
	}
}

// TestShutdownDoesNotWaitForGather: saves waiting for Gather are written
// as soon as Shutdown is called.
func TestShutdownDoesNotWaitForGather(t *testing.T) {
	db := openDB(t)
	cs := createCharacters(t, db, 2)
	s := saver.New(db, nil, saver.Options{Gather: time.Hour})
	s.Save(at(cs[0], 1))
	waitFor(t, "the first save", func() bool { return s.Stats().Written == 1 })
	s.Save(at(cs[1], 1))

	if err := notHeldByGather(t, "Shutdown", func() error { return s.Shutdown(t.Context()) }); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	wantStored(t, db, cs[1].ID, 1)
}

// notHeldByGather runs call, named what, and returns its error; it fails
// the test if call has not returned after 30 s, far less than the hour of
// Gather the tests set.
func notHeldByGather(t *testing.T, what string, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("%s waited for Gather", what)
		return nil
	}
}
