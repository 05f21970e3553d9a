package store

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
)

// newWorld opens a fresh, empty world database on b.
func (bk *backend) newWorld(t *testing.T) *WorldDB {
	t.Helper()
	return openWorld(t, bk.location(t, "world"))
}

func newCharacter(accountID int64, name string) Character {
	return Character{
		AccountID: accountID, Name: name, Class: ClassRogue,
		Level: 1, Map: "overworld", X: 160 * 16, Y: -32 * 16,
		HP: 100, MaxHP: 100, MP: 30, MaxMP: 30,
	}
}

func TestCreateCharacter(t *testing.T) { eachBackend(t, testCreateCharacter) }

func testCreateCharacter(t *testing.T, bk *backend) {
	w := bk.newWorld(t)
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

func TestCreateCharacterErrors(t *testing.T) { eachBackend(t, testCreateCharacterErrors) }

func testCreateCharacterErrors(t *testing.T, bk *backend) {
	w := bk.newWorld(t)
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

func TestCharacters(t *testing.T) { eachBackend(t, testCharacters) }

func testCharacters(t *testing.T, bk *backend) {
	w := bk.newWorld(t)
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

// createAdaAndBo creates two characters of two accounts.
func createAdaAndBo(t *testing.T, w *WorldDB) (a, b Character) {
	t.Helper()
	var err error
	if a, err = w.CreateCharacter(t.Context(), newCharacter(1, "Ada"), 5); err != nil {
		t.Fatal(err)
	}
	if b, err = w.CreateCharacter(t.Context(), newCharacter(2, "Bo"), 5); err != nil {
		t.Fatal(err)
	}
	return a, b
}

func TestSaveCharacters(t *testing.T) { eachBackend(t, testSaveCharacters) }

func testSaveCharacters(t *testing.T, bk *backend) {
	w := bk.newWorld(t)
	ctx := t.Context()
	a, b := createAdaAndBo(t, w)
	if a.Version != 0 {
		t.Errorf("new character Version = %d, want 0", a.Version)
	}

	if res, err := w.SaveCharacters(ctx); err != nil || res.Written != 0 || res.Stale != nil {
		t.Errorf("SaveCharacters() = %+v, %v, want nothing written and nil", res, err)
	}

	a2, b2 := a, b
	a2.Level, a2.XP, a2.Map, a2.X, a2.Y = 3, 250, "dungeon", -1, 1<<30
	a2.HP, a2.MaxHP, a2.MP, a2.MaxMP = 0, 140, 5, 40
	a2.Version = 1
	a2.UpdatedAt = t0.Add(time.Hour) // ignored: UpdatedAt is the time of the save
	b2.HP = 42
	b2.Version = 7 // versions need not be consecutive
	// Fields that saving must not touch.
	a2.Name, a2.Class, a2.AccountID, a2.CreatedAt = "Renamed", ClassWizard, 99, t0
	before := time.Now().Truncate(time.Millisecond)
	res, err := w.SaveCharacters(ctx, a2, b2)
	if err != nil || res.Written != 2 || res.Stale != nil {
		t.Fatalf("SaveCharacters = %+v, %v, want 2 written", res, err)
	}
	if res.UpdatedAt.Before(before) || res.UpdatedAt.After(time.Now()) {
		t.Errorf("SaveResult.UpdatedAt = %v, want between %v and now", res.UpdatedAt, before)
	}
	wantA := a2
	wantA.Name, wantA.Class, wantA.AccountID, wantA.CreatedAt = a.Name, a.Class, a.AccountID, a.CreatedAt
	wantA.UpdatedAt = res.UpdatedAt
	wantB := b2
	wantB.UpdatedAt = res.UpdatedAt
	for _, want := range []Character{wantA, wantB} {
		if got, err := w.Character(ctx, want.ID); err != nil || got != want {
			t.Errorf("after save Character(%d) = %+v, %v, want %+v", want.ID, got, err, want)
		}
	}

	// One missing ID rolls the whole batch back.
	a3 := wantA
	a3.Level, a3.Version = 4, 2
	missing := newCharacter(1, "Ghost")
	missing.ID, missing.Version = 9999, 1
	if _, err := w.SaveCharacters(ctx, a3, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("SaveCharacters(with missing id) = %v, want ErrNotFound", err)
	}
	if got, _ := w.Character(ctx, a.ID); got != wantA {
		t.Errorf("after failed batch Character(%d) = %+v, want unchanged %+v", a.ID, got, wantA)
	}
	// Even when the other character's save is stale.
	if _, err := w.SaveCharacters(ctx, wantA, missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("SaveCharacters(stale and missing id) = %v, want ErrNotFound", err)
	}
}

// TestSaveCharactersRefusesStaleVersions: a save whose version is lower
// than or equal to the stored one never overwrites it, is reported as stale,
// and does not stop the rest of its batch.
func TestSaveCharactersRefusesStaleVersions(t *testing.T) {
	eachBackend(t, testSaveCharactersRefusesStaleVersions)
}

func testSaveCharactersRefusesStaleVersions(t *testing.T, bk *backend) {
	w := bk.newWorld(t)
	ctx := t.Context()
	a, b := createAdaAndBo(t, w)
	at := func(c Character, version int64, x int32) Character {
		c.Version, c.X = version, x
		return c
	}
	if _, err := w.SaveCharacters(ctx, at(a, 5, 500), at(b, 5, 500)); err != nil {
		t.Fatal(err)
	}
	stored, _ := w.Character(ctx, a.ID)

	tests := []struct {
		name      string
		c         Character
		wantX     int32
		wantStale bool
	}{
		{"zero version", at(a, 0, 1), 500, true},
		{"lower version", at(a, 4, 400), 500, true},
		{"equal version", at(a, 5, 501), 500, true},
		{"negative version", at(a, -1, 1), 500, true},
	}
	for i, tt := range tests {
		// Each stale save shares its batch with a fresh save of another
		// character, which must still be written.
		fresh := at(b, 100+int64(i), int32(i))
		res, err := w.SaveCharacters(ctx, tt.c, fresh)
		if err != nil {
			t.Fatalf("SaveCharacters(%s) = %v", tt.name, err)
		}
		if res.Written != 1 || len(res.Stale) != 1 || res.Stale[0] != a.ID {
			t.Errorf("SaveCharacters(%s) = %+v, want 1 written and Stale [%d]", tt.name, res, a.ID)
		}
		if got, _ := w.Character(ctx, a.ID); got != stored {
			t.Errorf("after %s Character = %+v, want unchanged %+v", tt.name, got, stored)
		}
		if got, _ := w.Character(ctx, b.ID); got.Version != fresh.Version || got.X != fresh.X {
			t.Errorf("after %s the other character = version %d x %d, want %d, %d", tt.name, got.Version, got.X, fresh.Version, fresh.X)
		}
	}

	// Versions of one character in one batch apply in order: only those
	// greater than every earlier one are written.
	res, err := w.SaveCharacters(ctx, at(a, 8, 800), at(a, 7, 700), at(a, 9, 900), at(a, 9, 901))
	if err != nil || res.Written != 2 || len(res.Stale) != 2 {
		t.Errorf("SaveCharacters(8, 7, 9, 9) = %+v, %v, want 2 written, 2 stale", res, err)
	}
	if got, _ := w.Character(ctx, a.ID); got.Version != 9 || got.X != 900 {
		t.Errorf("after versions 8, 7, 9, 9: version %d x %d, want 9, 900", got.Version, got.X)
	}
}

// TestSaveCharactersSetsUpdatedAtToNow: UpdatedAt is the real time of each
// save, whatever the caller passes, and moves forward with every save.
func TestSaveCharactersSetsUpdatedAtToNow(t *testing.T) {
	eachBackend(t, testSaveCharactersSetsUpdatedAtToNow)
}

func testSaveCharactersSetsUpdatedAtToNow(t *testing.T, bk *backend) {
	w := bk.newWorld(t)
	ctx := t.Context()
	c, err := w.CreateCharacter(ctx, newCharacter(1, "Ada"), 5)
	if err != nil {
		t.Fatal(err)
	}
	prev := c.UpdatedAt
	for v, passed := range []time.Time{{}, t0, t0.Add(-time.Hour), time.Now().Add(24 * time.Hour)} {
		// Let the millisecond clock move on, so each save's time is later.
		for time.Now().Truncate(time.Millisecond).Equal(prev) || !time.Now().After(prev) {
			time.Sleep(time.Millisecond)
		}
		c.Version, c.UpdatedAt = int64(v+1), passed
		before := time.Now().Truncate(time.Millisecond)
		res, err := w.SaveCharacters(ctx, c)
		after := time.Now()
		if err != nil || res.Written != 1 {
			t.Fatalf("SaveCharacters(version %d) = %+v, %v", c.Version, res, err)
		}
		got, _ := w.Character(ctx, c.ID)
		if !got.UpdatedAt.Equal(res.UpdatedAt) || got.UpdatedAt.Before(before) || got.UpdatedAt.After(after) {
			t.Errorf("save %d (UpdatedAt passed %v): stored %v, result %v, want between %v and %v",
				v, passed, got.UpdatedAt, res.UpdatedAt, before, after)
		}
		if !got.UpdatedAt.After(prev) {
			t.Errorf("save %d: UpdatedAt %v, want after the previous %v", v, got.UpdatedAt, prev)
		}
		prev = got.UpdatedAt
	}
	// A stale save leaves UpdatedAt alone.
	res, err := w.SaveCharacters(ctx, c)
	if err != nil || res.Written != 0 {
		t.Fatalf("SaveCharacters(stale) = %+v, %v", res, err)
	}
	if got, _ := w.Character(ctx, c.ID); !got.UpdatedAt.Equal(prev) {
		t.Errorf("stale save moved UpdatedAt from %v to %v", prev, got.UpdatedAt)
	}
}

// TestSaveVersionMigration: the migration gives existing characters version
// 0, and rolls back and forward again.
func TestSaveVersionMigration(t *testing.T) { eachBackend(t, testSaveVersionMigration) }

func testSaveVersionMigration(t *testing.T, bk *backend) {
	w := bk.newWorld(t)
	ctx := t.Context()
	c, err := w.CreateCharacter(ctx, newCharacter(1, "Ada"), 5)
	if err != nil {
		t.Fatal(err)
	}
	c.Version = 3
	if _, err := w.SaveCharacters(ctx, c); err != nil {
		t.Fatal(err)
	}
	sub, err := fs.Sub(migrations, bk.migrations("world"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(bk.dialect, w.c.rw.DB, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatalf("migrate down to 1: %v", err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	// The read pool caches the schema per connection; read through rw.
	var v int64
	if err := w.c.rw.QueryRowContext(ctx, `SELECT save_version FROM characters WHERE id = ?`, c.ID).Scan(&v); err != nil || v != 0 {
		t.Errorf("save_version after down and up = %d, %v, want 0", v, err)
	}
}

// TestConcurrentCreatesRespectLimit creates characters for one account from
// many goroutines at once, through one handle and through two handles on
// one file (as two processes would): exactly the limit succeed.
func TestConcurrentCreatesRespectLimit(t *testing.T) {
	eachBackend(t, testConcurrentCreatesRespectLimit)
}

func testConcurrentCreatesRespectLimit(t *testing.T, bk *backend) {
	for _, handles := range []int{1, 2} {
		t.Run(fmt.Sprintf("handles=%d", handles), func(t *testing.T) {
			path := bk.location(t, "world")
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

func TestConcurrentCreatesSameName(t *testing.T) { eachBackend(t, testConcurrentCreatesSameName) }

func testConcurrentCreatesSameName(t *testing.T, bk *backend) {
	w := bk.newWorld(t)
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

// BenchmarkSaveCharacters saves batches of characters on SQLite: one, as
// a portal or a logout does, and ten, as the saver does with the autosaves
// that fall due together.
func BenchmarkSaveCharacters(b *testing.B) {
	for _, n := range []int{1, 10} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			ctx := b.Context()
			w, err := OpenWorld(ctx, filepath.Join(b.TempDir(), "world.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			batch := make([]Character, n)
			for i := range batch {
				if batch[i], err = w.CreateCharacter(ctx, newCharacter(int64(i+1), fmt.Sprintf("Saved%d", i)), 5); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				for i := range batch {
					batch[i].Version++
					batch[i].X++
				}
				if res, err := w.SaveCharacters(ctx, batch...); err != nil || res.Written != len(batch) {
					b.Fatalf("SaveCharacters = %+v, %v", res, err)
				}
			}
		})
	}
}
