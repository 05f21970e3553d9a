package store

import (
	"errors"
	"testing"
	"time"
)

// TestDeleteIdleGuests: only guests idle past the cutoff and holding no
// live session go, each leaving a tombstone; players never go.
func TestDeleteIdleGuests(t *testing.T) { eachBackend(t, testDeleteIdleGuests) }

func testDeleteIdleGuests(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	ctx := t.Context()
	cutoff := t0
	account := func(name string, guest bool, lastLogin time.Time) Account {
		t.Helper()
		a, err := m.CreateAccount(ctx, name, "h", guest)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.TouchLogin(ctx, a.ID, lastLogin); err != nil {
			t.Fatal(err)
		}
		return a
	}
	idle := account("guest_idle", true, cutoff.Add(-time.Hour))
	idle2 := account("guest_idle2", true, cutoff.Add(-2*time.Hour))
	playing := account("guest_playing", true, cutoff.Add(-time.Hour))
	if err := m.CreateSession(ctx, tokenHash("playing"), playing.ID, cutoff.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	recent := account("guest_recent", true, cutoff.Add(time.Minute))
	player := account("old_player", false, cutoff.Add(-24*time.Hour))
	if _, err := m.BanAccount(ctx, idle.ID, "spam", time.Time{}); err != nil {
		t.Fatal(err)
	}

	dead, err := m.DeleteIdleGuests(ctx, cutoff, cutoff, 1)
	if err != nil || len(dead) != 1 || dead[0].AccountID != idle.ID {
		t.Fatalf("DeleteIdleGuests(limit 1) = %+v, %v; want guest_idle's tombstone", dead, err)
	}
	more, err := m.DeleteIdleGuests(ctx, cutoff, cutoff, 10)
	if err != nil || len(more) != 1 || more[0].AccountID != idle2.ID || more[0].Seq <= dead[0].Seq {
		t.Fatalf("DeleteIdleGuests again = %+v, %v; want guest_idle2's, after %d", more, err, dead[0].Seq)
	}
	if again, err := m.DeleteIdleGuests(ctx, cutoff, cutoff, 10); err != nil || len(again) != 0 {
		t.Errorf("a third DeleteIdleGuests = %+v, %v; want nothing left", again, err)
	}
	for _, a := range []Account{idle, idle2} {
		if _, err := m.AccountByID(ctx, a.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s after the sweep: %v, want ErrNotFound", a.Username, err)
		}
	}
	for _, a := range []Account{playing, recent, player} {
		if _, err := m.AccountByID(ctx, a.ID); err != nil {
			t.Errorf("%s was deleted: %v", a.Username, err)
		}
	}
	// The name is free again.
	if _, err := m.CreateAccount(ctx, "GUEST_IDLE", "h", true); err != nil {
		t.Errorf("reusing a deleted guest's name: %v", err)
	}

	all, err := m.Tombstones(ctx, 0, 10)
	if err != nil || len(all) != 2 || all[0] != dead[0] || all[1] != more[0] {
		t.Errorf("Tombstones(0) = %+v, %v; want %+v", all, err, append(dead, more...))
	}
	if after, err := m.Tombstones(ctx, dead[0].Seq, 10); err != nil || len(after) != 1 || after[0].AccountID != idle2.ID {
		t.Errorf("Tombstones after the first = %+v, %v", after, err)
	}
	if n, err := m.PruneTombstones(ctx, cutoff.Add(time.Second)); err != nil || n != 2 {
		t.Errorf("PruneTombstones = %d, %v; want 2", n, err)
	}
	if left, err := m.Tombstones(ctx, 0, 10); err != nil || len(left) != 0 {
		t.Errorf("Tombstones after pruning = %+v, %v", left, err)
	}
}

func TestDeleteCharactersOf(t *testing.T) { eachBackend(t, testDeleteCharactersOf) }

func testDeleteCharactersOf(t *testing.T, bk *backend) {
	w := bk.newWorld(t)
	ctx := t.Context()
	for i, name := range []string{"Ann", "Ann2", "Bob", "Cat"} {
		if _, err := w.CreateCharacter(ctx, newCharacter(int64(1+i/2+i/3), name), 5); err != nil {
			t.Fatal(err)
		}
	}
	// Accounts 1 (Ann, Ann2), 2 (Bob), 3 (Cat).
	if n, err := w.DeleteCharactersOf(ctx, []int64{1, 3, 99}); err != nil || n != 3 {
		t.Errorf("DeleteCharactersOf(1, 3, 99) = %d, %v; want 3", n, err)
	}
	for id, want := range map[int64]int{1: 0, 2: 1, 3: 0} {
		if cs, err := w.Characters(ctx, id); err != nil || len(cs) != want {
			t.Errorf("account %d keeps %d characters (%v), want %d", id, len(cs), err, want)
		}
	}
	if n, err := w.DeleteCharactersOf(ctx, nil); err != nil || n != 0 {
		t.Errorf("DeleteCharactersOf(none) = %d, %v", n, err)
	}
}
