package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func newWorld(t *testing.T) *WorldDB {
	t.Helper()
	return openWorld(t, filepath.Join(t.TempDir(), "world.db"))
}

func newCharacter(accountID int64, name string) Character {
	return Character{
		AccountID: accountID, Name: name, Class: ClassRogue,
		Level: 1, Map: "overworld", X: 160 * 16, Y: -32 * 16,
		HP: 100, MaxHP: 100, MP: 30, MaxMP: 30,
	}
}

func TestCreateCharacter(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	in := newCharacter(7, "Hero")
	in.ID = 12345 // ignored
	before := time.Now().Truncate(time.Millisecond)
	c, err := w.CreateCharacter(ctx, in, 3)
	if err != nil {
		t.Fatalf("CreateCharacter = %v", err)
	}
	after := time.Now()
	if c.ID == 0 || c.ID == in.ID {
		t.Errorf("CreateCharacter ID = %d, want a new one", c.ID)
	}
	if c.CreatedAt.Location() != time.UTC || c.CreatedAt.Before(before) || c.CreatedAt.After(after) || c.UpdatedAt != c.CreatedAt {
		t.Errorf("CreatedAt, UpdatedAt = %v, %v, want equal, UTC, between %v and %v", c.CreatedAt, c.UpdatedAt, before, after)
	}
	want := in
	want.ID, want.CreatedAt, want.UpdatedAt = c.ID, c.CreatedAt, c.UpdatedAt
	if c != want {
		t.Errorf("CreateCharacter = %+v, want %+v", c, want)
	}
	if got, err := w.Character(ctx, c.ID); err != nil || got != c {
		t.Errorf("Character(%d) = %+v, %v, want %+v", c.ID, got, err, c)
	}

	// Explicit times are kept, at millisecond precision.
	in = newCharacter(7, "Veteran")
	in.CreatedAt, in.UpdatedAt = t0.Add(time.Microsecond), t0.Add(time.Hour)
	c, err = w.CreateCharacter(ctx, in, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := w.Character(ctx, c.ID); !got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("stored times = %v, %v, want %v, %v", got.CreatedAt, got.UpdatedAt, t0, t0.Add(time.Hour))
	}
}

func TestCreateCharacterErrors(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	for _, name := range []string{"Anna", "Bert"} {
		if _, err := w.CreateCharacter(ctx, newCharacter(1, name), 2); err != nil {
			t.Fatal(err)
		}
	}
	bad := newCharacter(2, "Cleo")
	bad.Class = "bard"
	tests := []struct {
		name    string
		c       Character
		max     int
		wantErr error
	}{
		{"name taken", newCharacter(2, "Anna"), 2, ErrNameTaken},
		{"name taken ignoring case", newCharacter(2, "aNNA"), 2, ErrNameTaken},
		{"account full", newCharacter(1, "Cleo"), 2, ErrTooManyCharacters},
		{"account full with a lower limit", newCharacter(1, "Cleo"), 1, ErrTooManyCharacters},
		{"unknown class", bad, 2, ErrInvalidClass},
	}
	for _, tt := range tests {
		if _, err := w.CreateCharacter(ctx, tt.c, tt.max); !errors.Is(err, tt.wantErr) {
			t.Errorf("CreateCharacter(%s) = %v, want %v", tt.name, err, tt.wantErr)
		}
	}
	if _, err := w.CreateCharacter(ctx, newCharacter(3, "Dora"), 0); err == nil {
		t.Error("CreateCharacter(maxPerAccount 0) succeeded, want an error")
	}
	// The failures above stored nothing, and a full account does not stop
	// another account.
	if cs, _ := w.Characters(ctx, 2); len(cs) != 0 {
		t.Errorf("account 2 has %d characters after failed creates, want 0", len(cs))
	}
	if _, err := w.CreateCharacter(ctx, newCharacter(2, "Cleo"), 2); err != nil {
		t.Errorf("CreateCharacter(another account) = %v", err)
	}
}

func TestCharacters(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	var want []Character
	for i, name := range []string{"Zoe", "Adam", "Mia"} {
		c, err := w.CreateCharacter(ctx, newCharacter(1, name), 5)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, c)
		if _, err := w.CreateCharacter(ctx, newCharacter(2, fmt.Sprint("Other", i)), 5); err != nil {
			t.Fatal(err)
		}
	}
	got, err := w.Characters(ctx, 1)
	if err != nil || len(got) != len(want) {
		t.Fatalf("Characters(1) = %d characters, %v, want %d", len(got), err, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Characters(1)[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	got, err = w.Characters(ctx, 3)
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("Characters(no characters) = %v, %v, want an empty slice", got, err)
	}
	if _, err := w.Character(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Character(9999) = %v, want ErrNotFound", err)
	}
}

func TestParseClass(t *testing.T) {
	tests := []struct {
		in   string
		want Class
		err  error
	}{
		{"knight", ClassKnight, nil},
		{"Rogue", ClassRogue, nil},
		{"WIZARD", ClassWizard, nil},
		{"", "", ErrInvalidClass},
		{"bard", "", ErrInvalidClass},
		{" knight", "", ErrInvalidClass},
	}
	for _, tt := range tests {
		got, err := ParseClass(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("ParseClass(%q) = %q, %v, want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestSaveCharacters(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	a, err := w.CreateCharacter(ctx, newCharacter(1, "Ada"), 5)
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.CreateCharacter(ctx, newCharacter(2, "Bo"), 5)
	if err != nil {
		t.Fatal(err)
	}

	if err := w.SaveCharacters(ctx); err != nil {
		t.Errorf("SaveCharacters() = %v, want nil", err)
	}

	a2, b2 := a, b
	a2.Level, a2.XP, a2.Map, a2.X, a2.Y = 3, 250, "dungeon", -1, 1<<30
	a2.HP, a2.MaxHP, a2.MP, a2.MaxMP = 0, 140, 5, 40
	a2.UpdatedAt = t0.Add(time.Hour)
	b2.HP = 42
	b2.UpdatedAt = t0.Add(2 * time.Hour)
	// Fields that saving must not touch.
	a2.Name, a2.Class, a2.AccountID, a2.CreatedAt = "Renamed", ClassWizard, 99, t0
	if err := w.SaveCharacters(ctx, a2, b2); err != nil {
		t.Fatalf("SaveCharacters = %v", err)
	}
	wantA := a2
	wantA.Name, wantA.Class, wantA.AccountID, wantA.CreatedAt = a.Name, a.Class, a.AccountID, a.CreatedAt
	for _, want := range []Character{wantA, b2} {
		if got, err := w.Character(ctx, want.ID); err != nil || got != want {
			t.Errorf("after save Character(%d) = %+v, %v, want %+v", want.ID, got, err, want)
		}
	}

	// One missing ID rolls the whole batch back.
	a3 := wantA
	a3.Level = 4
	missing := newCharacter(1, "Ghost")
	missing.ID = 9999
	if err := w.SaveCharacters(ctx, a3, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("SaveCharacters(with missing id) = %v, want ErrNotFound", err)
	}
	if got, _ := w.Character(ctx, a.ID); got != wantA {
		t.Errorf("after failed batch Character(%d) = %+v, want unchanged %+v", a.ID, got, wantA)
	}

	// A zero UpdatedAt means now.
	b3 := b2
	b3.UpdatedAt = time.Time{}
	before := time.Now().Truncate(time.Millisecond)
	if err := w.SaveCharacters(ctx, b3); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.Character(ctx, b.ID); got.UpdatedAt.Before(before) || got.UpdatedAt.After(time.Now()) {
		t.Errorf("UpdatedAt after saving with zero time = %v, want about now", got.UpdatedAt)
	}
}

// TestConcurrentCreatesRespectLimit creates characters for one account from
// many goroutines at once, through one handle and through two handles on
// one file (as two processes would): exactly the limit succeed.
func TestConcurrentCreatesRespectLimit(t *testing.T) {
	for _, handles := range []int{1, 2} {
		t.Run(fmt.Sprintf("handles=%d", handles), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "world.db")
			var ws []*WorldDB
			for range handles {
				ws = append(ws, openWorld(t, path))
			}
			const n, limit = 20, 5
			errs := make(chan error, n)
			var wg sync.WaitGroup
			for i := range n {
				w := ws[i%handles]
				wg.Go(func() {
					_, err := w.CreateCharacter(t.Context(), newCharacter(1, fmt.Sprint("Clone", i)), limit)
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			created := 0
			for err := range errs {
				switch {
				case err == nil:
					created++
				case !errors.Is(err, ErrTooManyCharacters):
					t.Errorf("CreateCharacter = %v, want nil or ErrTooManyCharacters", err)
				}
			}
			cs, err := ws[0].Characters(t.Context(), 1)
			if created != limit || err != nil || len(cs) != limit {
				t.Errorf("%d creates succeeded and %d characters stored (err %v), want %d", created, len(cs), err, limit)
			}
		})
	}
}

func TestConcurrentCreatesSameName(t *testing.T) {
	w := newWorld(t)
	const n = 20
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := w.CreateCharacter(t.Context(), newCharacter(int64(i), []string{"Echo", "echo", "ECHO"}[i%3]), 5)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	created := 0
	for err := range errs {
		switch {
		case err == nil:
			created++
		case !errors.Is(err, ErrNameTaken):
			t.Errorf("CreateCharacter = %v, want nil or ErrNameTaken", err)
		}
	}
	if created != 1 {
		t.Errorf("%d of %d concurrent creates of one name succeeded, want 1", created, n)
	}
}
