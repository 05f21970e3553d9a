package world

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/tinymmo/tinymmo/internal/promtext"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/store"
)

// welcome returns the Welcome the recorder got, if any.
func (r *lockedRecorder) welcome() (protocol.Welcome, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs {
		if w, ok := m.(protocol.Welcome); ok {
			return w, true
		}
	}
	return protocol.Welcome{}, false
}

// scrape reads the world's /metrics.
func scrape(t *testing.T, s *Server) promtext.Scrape {
	t.Helper()
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(s.gatherer(), promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	sc, err := promtext.Parse(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return sc
}

// wantMetric fails the test unless metric name is want, or at least want
// when atLeast is set.
func wantMetric(t *testing.T, sc promtext.Scrape, name string, want float64, atLeast bool) {
	t.Helper()
	got, err := sc.Value(name)
	if err != nil || got != want && !(atLeast && got > want) {
		t.Errorf("%s = %v, %v; want %v", name, got, err, want)
	}
}

// TestLogoutDuringDiskFullKeepsProgress is the fault run's lost logout: a
// player walks and logs out while the disk is full. The next login gets
// the walked position, not the stale row; /metrics counts the failed and
// pending saves; and the save reaches the database once space returns.
func TestLogoutDuringDiskFullKeepsProgress(t *testing.T) {
	s, disk := testServerOnDisk(t)
	start := s.startPosition()
	c, err := s.db.CreateCharacter(t.Context(), store.Character{
		AccountID: 1, Name: "Walker", Class: store.ClassRogue, Level: 1,
		Map: start.Map, X: start.Pos.X, Y: start.Pos.Y, HP: 90, MaxHP: 90,
	}, 5)
	if err != nil {
		t.Fatal(err)
	}
	disk.Fill()

	// Enter, walk for half a second, log out.
	rec := &lockedRecorder{}
	m := newMember(rec, c)
	s.registry.join(m)
	var w protocol.Welcome
	waitFor(t, func() (ok bool) { w, ok = rec.welcome(); return ok })
	if w.TickRate == 0 {
		t.Fatal("no Welcome within 10 s")
	}
	m.input(protocol.Input{Seq: 1, Tick: w.Tick + 1, Move: protocol.DirS})
	time.Sleep(500 * time.Millisecond) // the walk: the instance ticks on its own
	m.gone.Store(true)
	se := &session{srv: s, char: <-m.final}
	if se.char.Y == c.Y {
		t.Fatalf("the player did not move: final state %+v", se.char)
	}
	se.save()
	walked := se.char

	// The next login, still during the outage.
	got, err := s.loadCharacter(c.ID)
	if err != nil {
		t.Fatalf("loadCharacter during the outage = %v", err)
	}
	if got != walked {
		t.Fatalf("the next login loads %+v, want the state it logged out with %+v", got, walked)
	}
	if stored, _ := s.db.Character(t.Context(), c.ID); stored.Version != c.Version {
		t.Fatalf("stored version %d while the disk is full, want %d", stored.Version, c.Version)
	}
	waitFor(t, func() bool { return disk.Refused() >= 3 })
	sc := scrape(t, s)
	wantMetric(t, sc, "tinymmo_world_saves_pending", 1, false)
	wantMetric(t, sc, "tinymmo_world_saves_retrying", 1, false)
	wantMetric(t, sc, "tinymmo_world_save_errors_total", 3, true)
	wantMetric(t, sc, "tinymmo_world_saves_failed_total", 0, false)

	// Space returns: the save lands, and logins read it from the database.
	disk.Free()
	var stored store.Character
	waitFor(t, func() bool {
		stored, err = s.db.Character(t.Context(), c.ID)
		return err == nil && stored.Version == walked.Version
	})
	if stored.Version != walked.Version || stored.Map != walked.Map || stored.X != walked.X || stored.Y != walked.Y {
		t.Fatalf("stored %+v after the disk was freed, want %+v", stored, walked)
	}
	waitFor(t, func() bool { _, ok := s.saver.Pending(c.ID); return !ok })
	if got, err := s.loadCharacter(c.ID); err != nil || got.Version != walked.Version || got.Y != walked.Y {
		t.Fatalf("loadCharacter after the outage = %+v, %v; want %+v", got, err, walked)
	}
	sc = scrape(t, s)
	wantMetric(t, sc, "tinymmo_world_saves_pending", 0, false)
	wantMetric(t, sc, "tinymmo_world_saves_retrying", 0, false)
	wantMetric(t, sc, "tinymmo_world_saves_written_total", 1, false)
}
