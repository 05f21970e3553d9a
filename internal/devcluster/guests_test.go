package devcluster_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/world"
)

// TestIdleGuestsGoWithTheirCharacters runs the master's sweep with a
// guest expiry of an hour: a guest last seen two hours ago goes, and the
// world deletes its character; a guest playing now, and a player last seen
// long ago, stay. A world that was down when a guest went deletes its
// character when it starts again.
func TestIdleGuestsGoWithTheirCharacters(t *testing.T) {
	onEachDatabase(t, testIdleGuestsGoWithTheirCharacters)
}

func testIdleGuestsGoWithTheirCharacters(t *testing.T, db string) {
	dir := t.TempDir()
	quick := func(cfg *devcluster.Config) {
		cfg.DB = db
		cfg.Master.GuestExpiry, cfg.Master.SweepEvery = time.Hour, 50*time.Millisecond
		cfg.World.ForgetEvery = 50 * time.Millisecond
	}
	c := startCluster(t, dir, quick)
	ctx := t.Context()
	type someone struct {
		gw    *client.Gateway
		id    int64
		char  api.Character
		stays bool
	}
	join := func(guest bool, name string, stays bool) someone {
		t.Helper()
		gw := client.NewGateway(c.URL(), nil)
		var s api.Session
		var err error
		if guest {
			s, err = gw.Guest(ctx)
		} else {
			s, err = gw.CreateAccount(ctx, name, "a long enough password")
		}
		if err != nil {
			t.Fatal(err)
		}
		ch, err := gw.CreateCharacter(ctx, c.World.ID(), name, api.ClassRogue)
		if err != nil {
			t.Fatal(err)
		}
		return someone{gw, s.Account.ID, ch, stays}
	}
	idle := join(true, "Drifter", false)
	away := join(true, "Wanderer", false) // goes while the world is down
	playing := join(true, "Stayer", true)
	player := join(false, "Veteran", true)
	for _, p := range []someone{idle, away, player} {
		if err := p.gw.Logout(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Two hours pass for the idle guest and the player (the playing guest
	// keeps its session).
	m, err := c.OpenMasterDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, p := range []someone{idle, playing, player} {
		if err := m.TouchLogin(ctx, p.id, time.Now().Add(-2*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}

	where, err := store.WorldDatabase(dir, db, c.World.ID())
	if err != nil {
		t.Fatal(err)
	}
	w, err := store.OpenWorld(ctx, where)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	gone := func(p someone, checkAccount bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, err := m.AccountByID(ctx, p.id)
			cs, cerr := w.Characters(ctx, p.id)
			if (!checkAccount || errors.Is(err, store.ErrNotFound)) && cerr == nil && len(cs) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s is still there after 10 s: account %v, characters %v (%v)", p.char.Name, err, cs, cerr)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	gone(idle, true)

	// The world goes down; the master deletes another guest meanwhile;
	// the world, back, deletes its character too.
	if err := c.World.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.TouchLogin(ctx, away.id, time.Now().Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := m.AccountByID(ctx, away.id); errors.Is(err, store.ErrNotFound) {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the master kept the idle Wanderer: %v", err)
		}
	}
	if cs, err := w.Characters(ctx, away.id); err != nil || len(cs) != 1 {
		t.Fatalf("with the world down, Wanderer's characters: %v, %v; want the one still", cs, err)
	}
	back, err := world.Start(ctx, world.Config{ID: c.World.ID(), DataDir: dir, DB: db, NATSURL: c.Master.NATSURL(),
		Secret: c.Master.Secret(), Listen: "127.0.0.1:0", ForgetEvery: 50 * time.Millisecond}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer back.Shutdown(context.Background())
	gone(away, false)
	for _, p := range []someone{playing, player} {
		if _, err := m.AccountByID(ctx, p.id); err != nil {
			t.Errorf("%s's account was deleted: %v", p.char.Name, err)
		}
		if cs, err := w.Characters(ctx, p.id); err != nil || len(cs) != 1 {
			t.Errorf("%s's characters: %v, %v; want the one", p.char.Name, cs, err)
		}
	}
}
