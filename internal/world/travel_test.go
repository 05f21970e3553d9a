package world

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/saver"
	"github.com/tinymmo/tinymmo/internal/saver/savertest"
	"github.com/tinymmo/tinymmo/internal/store"
)

func abs(v int32) int32 { return max(v, -v) }

// waitFor waits up to 10 s for cond: the registry places players on its
// own goroutine.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// lockedRecorder is a sink safe to read while an instance writes to it.
type lockedRecorder struct {
	mu   sync.Mutex
	msgs []protocol.Message
}

func (r *lockedRecorder) queue(b []byte) {
	m, err := protocol.Decode(b)
	if err != nil {
		panic(err) // the world sent something it cannot decode itself
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
}

func (r *lockedRecorder) flush() int { return 0 }

func (r *lockedRecorder) close(protocol.CloseCode) {}

func (r *lockedRecorder) mapChange() (protocol.MapChange, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs {
		if mc, ok := m.(protocol.MapChange); ok {
			return mc, true
		}
	}
	return protocol.MapChange{}, false
}

// testServer is a world without network: real maps, a real database and
// real instances.
func testServer(t *testing.T) *Server {
	t.Helper()
	s, _ := testServerOnDisk(t)
	return s
}

// testServerOnDisk is testServer with every save going through the
// returned store wrapper, which the test can fill and free. The saver
// retries faster than by default, so tests do not wait on its backoff.
func testServerOnDisk(t *testing.T) (*Server, *savertest.DiskFull) {
	t.Helper()
	cfg := Config{}
	cfg.setDefaults()
	s := &Server{cfg: cfg, log: slog.New(slog.NewTextHandler(io.Discard, nil)), metrics: newMetrics(), players: newPlayers()}
	s.parties = newParties(s)
	s.ctx, s.cancel = context.WithCancel(t.Context())
	var err error
	if s.maps, err = loadMaps(); err != nil {
		t.Fatal(err)
	}
	if s.db, err = store.OpenWorld(t.Context(), filepath.Join(t.TempDir(), "world.db")); err != nil {
		t.Fatal(err)
	}
	disk := &savertest.DiskFull{Store: s.db}
	s.saver = saver.New(disk, s.log, saver.Options{RetryBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
	s.registry = newRegistry(s)
	t.Cleanup(func() {
		s.registry.shutdown()
		disk.Free()
		s.saver.Shutdown(context.Background())
		s.db.Close()
		s.cancel()
	})
	return s, disk
}

func TestPortalTravelKeepsHealthAndSavesTheNewMap(t *testing.T) {
	s := testServer(t)
	overworld := s.maps["overworld"]
	portal := overworld.Portals[0]
	centre := portal.Rect.Min
	centre.X += (portal.Rect.Max.X - portal.Rect.Min.X) / 2
	centre.Y += (portal.Rect.Max.Y - portal.Rect.Min.Y) / 2
	c, err := s.db.CreateCharacter(t.Context(), store.Character{
		AccountID: 1, Name: "Traveller", Class: store.ClassWizard, Level: 1,
		Map: "overworld", X: centre.X, Y: centre.Y, HP: 37, MaxHP: 70, MP: 12, MaxMP: 100,
	}, 5)
	if err != nil {
		t.Fatal(err)
	}
	rec := &lockedRecorder{}
	p := newMember(rec, c)
	s.registry.join(p) // stands in the portal; it works once the arrival guard ends

	deadline := time.Now().Add(10 * time.Second)
	var mc protocol.MapChange
	for ok := false; !ok; mc, ok = rec.mapChange() {
		if time.Now().After(deadline) {
			t.Fatal("no MapChange within 10 s of standing in a portal")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if mc.Map != portal.TargetMap {
		t.Fatalf("MapChange to %q, want %q", mc.Map, portal.TargetMap)
	}
	// Instances are numbered per map: the overworld's is 1, and so is the
	// first one opened on the target map.
	if mc.Instance != 1 {
		t.Errorf("MapChange.Instance = %d, want 1: the first instance of %q", mc.Instance, mc.Map)
	}
	want, _ := s.maps[portal.TargetMap].Spawn(portal.TargetSpawn)
	spread := int32(s.cfg.SpawnSpread) * rules.SubpixelsPerPixel
	if abs(mc.X-want.X) > spread || abs(mc.Y-want.Y) > spread {
		t.Fatalf("arrived at (%d, %d), want within %d of the %q spawn (%d, %d)", mc.X, mc.Y, spread, portal.TargetSpawn, want.X, want.Y)
	}
	var saved store.Character
	for {
		saved, err = s.db.Character(t.Context(), c.ID)
		if err != nil || saved.Map == portal.TargetMap || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond) // the saver writes the map change in the background
	}
	// The player tick runs on across the trip: each message of the
	// connection is for a tick after the one before (a tick where nothing
	// changed may go unsent).
	rec.mu.Lock()
	var ticks []uint32
	for _, m := range rec.msgs {
		switch m := m.(type) {
		case protocol.Welcome:
			ticks = append(ticks, m.Tick)
		case protocol.Snapshot:
			ticks = append(ticks, m.Tick)
		case protocol.MapChange:
			ticks = append(ticks, m.Tick)
		}
	}
	rec.mu.Unlock()
	for i := 1; i < len(ticks); i++ {
		if ticks[i] <= ticks[i-1] {
			t.Fatalf("ticks of Welcome, Snapshots and MapChange: %v; want each one after the last", ticks)
		}
	}
	p.gone.Store(true)
	final := <-p.final
	if final.HP != 37 || final.MP != 12 || final.Map != portal.TargetMap {
		t.Fatalf("final state %+v; want 37 HP and 12 MP on %q", final, portal.TargetMap)
	}
}

func TestPrivateDungeonsArePerPlayerAndRetireWhenEmpty(t *testing.T) {
	s := testServer(t)
	s.registry.cfg.EmptyTicks = 2
	spawn, _ := s.maps["dungeon"].Spawn("default")
	var players []*member
	for i := range 2 {
		c := store.Character{ID: int64(i + 1), AccountID: int64(i + 1), Name: "Delver", Class: store.ClassKnight,
			Map: "dungeon", X: spawn.X, Y: spawn.Y, HP: 120, MaxHP: 120}
		p := newMember(&lockedRecorder{}, c)
		s.registry.join(p)
		players = append(players, p)
	}
	waitFor(t, func() bool { return s.registry.count() == 2 })
	if got := s.registry.count(); got != 2 {
		t.Fatalf("%d instances for two players in the dungeon, want 2 private ones", got)
	}
	for _, p := range players {
		p.gone.Store(true)
		<-p.final
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.registry.count() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d dungeon instances still open after their players left", s.registry.count())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFullSharedInstanceOpensAnother(t *testing.T) {
	s := testServer(t)
	s.cfg.InstanceCapacity = 1
	spawn, _ := s.maps["overworld"].Spawn("default")
	for i := range 3 {
		c := store.Character{ID: int64(i + 1), AccountID: int64(i + 1), Name: "Crowd", Class: store.ClassRogue,
			Map: "overworld", X: spawn.X, Y: spawn.Y, HP: 90, MaxHP: 90}
		s.registry.join(newMember(&lockedRecorder{}, c))
	}
	waitFor(t, func() bool { return s.registry.count() == 3 })
	if got := s.registry.count(); got != 3 {
		t.Fatalf("%d overworld instances for 3 players with capacity 1, want 3", got)
	}
}

func TestNewCharactersStartSpreadAroundTheStart(t *testing.T) {
	s := testServer(t)
	start := s.startPosition()
	spread := int32(s.cfg.SpawnSpread) * rules.SubpixelsPerPixel
	spots := map[rules.Vec]bool{}
	for i := range 20 {
		ch, err := s.createCharacter(t.Context(), cluster.WorldCreateCharacterRequest{AccountID: int64(i + 1), Name: fmt.Sprintf("Newcomer%d", i), Class: api.ClassRogue})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.db.Character(t.Context(), ch.ID)
		if err != nil {
			t.Fatal(err)
		}
		pos := rules.Vec{X: c.X, Y: c.Y}
		if c.Map != start.Map || abs(pos.X-start.Pos.X) > spread || abs(pos.Y-start.Pos.Y) > spread || !rules.Fits(pos, s.maps[c.Map]) {
			t.Fatalf("new character at %v on %q, want a free spot within %d of %v on %q", pos, c.Map, spread, start.Pos, start.Map)
		}
		spots[pos] = true
	}
	if len(spots) < 15 {
		t.Fatalf("20 new characters start on %d spots, want them spread", len(spots))
	}
}
