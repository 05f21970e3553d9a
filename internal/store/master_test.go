package store

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// newMaster opens a fresh, empty master database on b.
func (bk *backend) newMaster(t *testing.T) *MasterDB {
	t.Helper()
	return openMaster(t, bk.location(t, "master"))
}

func mustCreateAccount(t *testing.T, m *MasterDB, username string) Account {
	t.Helper()
	a, err := m.CreateAccount(t.Context(), username, "hash-of-"+username, false)
	if err != nil {
		t.Fatalf("CreateAccount(%q) = %v", username, err)
	}
	return a
}

// t0 is a fixed instant for tests that pass times in.
var t0 = time.Date(2030, 1, 2, 3, 4, 5, 678_000_000, time.UTC)

func TestCreateAccount(t *testing.T) { eachBackend(t, testCreateAccount) }

func testCreateAccount(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	ctx := t.Context()
	before := time.Now().Truncate(time.Millisecond)
	for _, guest := range []bool{false, true} {
		name := fmt.Sprintf("user-guest-%v", guest)
		a, err := m.CreateAccount(ctx, name, "phc-string", guest)
		if err != nil {
			t.Fatalf("CreateAccount(%q) = %v", name, err)
		}
		after := time.Now()
		if a.ID == 0 || a.Username != name || a.PasswordHash != "phc-string" || a.Guest != guest ||
			a.Role != RolePlayer || !a.LastLoginAt.IsZero() {
			t.Errorf("CreateAccount(%q, guest %v) = %+v", name, guest, a)
		}
		if a.CreatedAt.Location() != time.UTC || a.CreatedAt.Before(before) || a.CreatedAt.After(after) {
			t.Errorf("CreatedAt = %v, want UTC between %v and %v", a.CreatedAt, before, after)
		}
		got, err := m.AccountByID(ctx, a.ID)
		if err != nil || got != a {
			t.Errorf("AccountByID(%d) = %+v, %v, want %+v", a.ID, got, err, a)
		}
	}
}

func TestCreateAccountUsernameTaken(t *testing.T) { eachBackend(t, testCreateAccountUsernameTaken) }

func testCreateAccountUsernameTaken(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	mustCreateAccount(t, m, "Alice")
	tests := []struct {
		username string
		wantErr  error
	}{
		{"Alice", ErrUsernameTaken},
		{"alice", ErrUsernameTaken},
		{"ALICE", ErrUsernameTaken},
		{"Alice ", nil},
		{"Alice2", nil},
	}
	for _, tt := range tests {
		_, err := m.CreateAccount(t.Context(), tt.username, "h", false)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("CreateAccount(%q) = %v, want %v", tt.username, err, tt.wantErr)
		}
	}
}

func TestAccountLookups(t *testing.T) { eachBackend(t, testAccountLookups) }

func testAccountLookups(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	ctx := t.Context()
	a := mustCreateAccount(t, m, "Bob")
	for _, name := range []string{"Bob", "bob", "BOB"} {
		got, err := m.AccountByUsername(ctx, name)
		if err != nil || got != a {
			t.Errorf("AccountByUsername(%q) = %+v, %v, want %+v", name, got, err, a)
		}
	}
	if _, err := m.AccountByUsername(ctx, "Bobby"); !errors.Is(err, ErrNotFound) {
		t.Errorf("AccountByUsername(Bobby) = %v, want ErrNotFound", err)
	}
	if _, err := m.AccountByID(ctx, a.ID+1); !errors.Is(err, ErrNotFound) {
		t.Errorf("AccountByID(%d) = %v, want ErrNotFound", a.ID+1, err)
	}
}

func TestAccountUpdates(t *testing.T) { eachBackend(t, testAccountUpdates) }

func testAccountUpdates(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	ctx := t.Context()
	a := mustCreateAccount(t, m, "carol")
	other := mustCreateAccount(t, m, "dave")

	if err := m.SetPasswordHash(ctx, a.ID, "new-hash"); err != nil {
		t.Fatalf("SetPasswordHash = %v", err)
	}
	if err := m.SetRole(ctx, a.ID, RoleModerator); err != nil {
		t.Fatalf("SetRole = %v", err)
	}
	login := t0.Add(123456 * time.Microsecond) // sub-millisecond part is dropped
	if err := m.TouchLogin(ctx, a.ID, login); err != nil {
		t.Fatalf("TouchLogin = %v", err)
	}
	got, err := m.AccountByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := a
	want.PasswordHash, want.Role, want.LastLoginAt = "new-hash", RoleModerator, login.Truncate(time.Millisecond)
	if got != want {
		t.Errorf("after updates AccountByID = %+v, want %+v", got, want)
	}
	if got, _ := m.AccountByID(ctx, other.ID); got != other {
		t.Errorf("updates changed another account: %+v, want %+v", got, other)
	}

	if err := m.SetRole(ctx, a.ID, Role("god")); !errors.Is(err, ErrInvalidRole) {
		t.Errorf("SetRole(god) = %v, want ErrInvalidRole", err)
	}
	const missing = 9999
	for name, err := range map[string]error{
		"SetPasswordHash": m.SetPasswordHash(ctx, missing, "h"),
		"SetRole":         m.SetRole(ctx, missing, RoleAdmin),
		"TouchLogin":      m.TouchLogin(ctx, missing, t0),
	} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s(missing account) = %v, want ErrNotFound", name, err)
		}
	}
}

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
		err  error
	}{
		{"player", RolePlayer, nil},
		{"Moderator", RoleModerator, nil},
		{"ADMIN", RoleAdmin, nil},
		{"", "", ErrInvalidRole},
		{"root", "", ErrInvalidRole},
		{"admin ", "", ErrInvalidRole},
	}
	for _, tt := range tests {
		got, err := ParseRole(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("ParseRole(%q) = %q, %v, want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestSessions(t *testing.T) { eachBackend(t, testSessions) }

func testSessions(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	ctx := t.Context()
	alice := mustCreateAccount(t, m, "alice")
	bob := mustCreateAccount(t, m, "bob")
	expires := t0.Add(time.Hour)
	sessions := map[string]int64{"a1": alice.ID, "a2": alice.ID, "b1": bob.ID}
	for token, id := range sessions {
		if err := m.CreateSession(ctx, tokenHash(token), id, expires); err != nil {
			t.Fatalf("CreateSession(%s) = %v", token, err)
		}
	}

	lookup := func(token string, now time.Time) (int64, error) {
		a, err := m.SessionAccount(ctx, tokenHash(token), now)
		return a.ID, err
	}
	for token, id := range sessions {
		if got, err := lookup(token, t0); err != nil || got != id {
			t.Errorf("SessionAccount(%s) = %d, %v, want %d", token, got, err, id)
		}
	}

	tests := []struct {
		name  string
		token []byte
		now   time.Time
	}{
		{"unknown token", tokenHash("nope"), t0},
		{"raw token instead of its hash", []byte("a1"), t0},
		{"at expiry", tokenHash("a1"), expires},
		{"after expiry", tokenHash("a1"), expires.Add(time.Millisecond)},
	}
	for _, tt := range tests {
		if _, err := m.SessionAccount(ctx, tt.token, tt.now); !errors.Is(err, ErrNotFound) {
			t.Errorf("SessionAccount(%s) = %v, want ErrNotFound", tt.name, err)
		}
	}

	// Revoking one session leaves the others.
	for range 2 { // idempotent
		if err := m.RevokeSession(ctx, tokenHash("a1"), t0); err != nil {
			t.Fatalf("RevokeSession(a1) = %v", err)
		}
	}
	if err := m.RevokeSession(ctx, tokenHash("never-existed"), t0); err != nil {
		t.Errorf("RevokeSession(unknown) = %v, want nil", err)
	}
	if _, err := lookup("a1", t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("SessionAccount(revoked a1) = %v, want ErrNotFound", err)
	}
	if _, err := lookup("a2", t0); err != nil {
		t.Errorf("SessionAccount(a2) after revoking a1 = %v", err)
	}

	// Revoking an account's sessions leaves other accounts'.
	if err := m.RevokeAccountSessions(ctx, alice.ID, t0); err != nil {
		t.Fatalf("RevokeAccountSessions = %v", err)
	}
	if _, err := lookup("a2", t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("SessionAccount(a2) after RevokeAccountSessions = %v, want ErrNotFound", err)
	}
	if got, err := lookup("b1", t0); err != nil || got != bob.ID {
		t.Errorf("SessionAccount(b1) after revoking alice's sessions = %d, %v, want %d", got, err, bob.ID)
	}
}

func TestCreateSessionErrors(t *testing.T) { eachBackend(t, testCreateSessionErrors) }

func testCreateSessionErrors(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	ctx := t.Context()
	a := mustCreateAccount(t, m, "erin")
	if err := m.CreateSession(ctx, tokenHash("x"), a.ID+100, t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("CreateSession(missing account) = %v, want ErrNotFound", err)
	}
	if err := m.CreateSession(ctx, []byte("raw-token"), a.ID, t0); err == nil {
		t.Error("CreateSession(9-byte hash) succeeded, want an error")
	}
	if err := m.CreateSession(ctx, tokenHash("x"), a.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := m.CreateSession(ctx, tokenHash("x"), a.ID, t0); err == nil {
		t.Error("CreateSession(duplicate hash) succeeded, want an error")
	}
}

func TestDeleteExpiredSessions(t *testing.T) { eachBackend(t, testDeleteExpiredSessions) }

func testDeleteExpiredSessions(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	ctx := t.Context()
	a := mustCreateAccount(t, m, "frank")
	for i, expires := range []time.Time{t0.Add(-time.Hour), t0, t0.Add(time.Millisecond), t0.Add(time.Hour)} {
		if err := m.CreateSession(ctx, tokenHash(fmt.Sprint(i)), a.ID, expires); err != nil {
			t.Fatal(err)
		}
	}
	// A revoked but unexpired session is kept until it expires.
	if err := m.RevokeSession(ctx, tokenHash("3"), t0); err != nil {
		t.Fatal(err)
	}
	n, err := m.DeleteExpiredSessions(ctx, t0)
	if err != nil || n != 2 {
		t.Errorf("DeleteExpiredSessions(t0) = %d, %v, want 2", n, err)
	}
	var left int
	if err := m.c.ro.QueryRowContext(ctx, `SELECT count(*) FROM sessions`).Scan(&left); err != nil || left != 2 {
		t.Errorf("%d sessions left (err %v), want 2", left, err)
	}
	if _, err := m.SessionAccount(ctx, tokenHash("2"), t0); err != nil {
		t.Errorf("SessionAccount(unexpired) after delete = %v", err)
	}
	if n, err := m.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour)); err != nil || n != 2 {
		t.Errorf("DeleteExpiredSessions(t0+2h) = %d, %v, want 2", n, err)
	}
}

func TestBans(t *testing.T) { eachBackend(t, testBans) }

func testBans(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	ctx := t.Context()
	a := mustCreateAccount(t, m, "grace")
	other := mustCreateAccount(t, m, "heidi")

	if _, ok, err := m.ActiveBan(ctx, a.ID, t0); ok || err != nil {
		t.Fatalf("ActiveBan(unbanned) = %v, %v, want false, nil", ok, err)
	}
	short, err := m.BanAccount(ctx, a.ID, "spam", t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("BanAccount = %v", err)
	}
	if short.ID == 0 || short.AccountID != a.ID || short.Reason != "spam" || !short.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("BanAccount = %+v", short)
	}
	long, err := m.BanAccount(ctx, a.ID, "more spam", t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		now  time.Time
		want Ban // zero ID: no active ban
	}{
		{"longest of two", t0, long},
		{"after the short one ends", t0.Add(2 * time.Hour), long},
		{"after both end", t0.Add(25 * time.Hour), Ban{}},
	}
	for _, tt := range tests {
		got, ok, err := m.ActiveBan(ctx, a.ID, tt.now)
		if err != nil || ok != (tt.want.ID != 0) || got != tt.want {
			t.Errorf("ActiveBan(%s) = %+v, %v, %v, want %+v", tt.name, got, ok, err, tt.want)
		}
	}
	if _, ok, _ := m.ActiveBan(ctx, other.ID, t0); ok {
		t.Error("another account is banned")
	}

	perm, err := m.BanAccount(ctx, a.ID, "cheating", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !perm.ExpiresAt.IsZero() {
		t.Errorf("permanent ban ExpiresAt = %v, want zero", perm.ExpiresAt)
	}
	if got, ok, err := m.ActiveBan(ctx, a.ID, t0.Add(100*365*24*time.Hour)); !ok || err != nil || got != perm {
		t.Errorf("ActiveBan(far future) = %+v, %v, %v, want the permanent ban %+v", got, ok, err, perm)
	}
	if got, _, _ := m.ActiveBan(ctx, a.ID, t0); got != perm {
		t.Errorf("ActiveBan with temporary and permanent bans = %+v, want the permanent %+v", got, perm)
	}

	if err := m.LiftBans(ctx, a.ID, t0); err != nil {
		t.Fatalf("LiftBans = %v", err)
	}
	if got, ok, err := m.ActiveBan(ctx, a.ID, t0); ok || err != nil {
		t.Errorf("ActiveBan after LiftBans = %+v, %v, %v, want none", got, ok, err)
	}
	if err := m.LiftBans(ctx, a.ID, t0); err != nil {
		t.Errorf("LiftBans with nothing to lift = %v", err)
	}
	again, err := m.BanAccount(ctx, a.ID, "relapse", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := m.ActiveBan(ctx, a.ID, t0); !ok || got != again {
		t.Errorf("ActiveBan after a new ban = %+v, %v, want %+v", got, ok, again)
	}

	if _, err := m.BanAccount(ctx, 9999, "ghost", time.Time{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("BanAccount(missing account) = %v, want ErrNotFound", err)
	}
}

func TestConcurrentCreateSameUsername(t *testing.T) { eachBackend(t, testConcurrentCreateSameUsername) }

func testConcurrentCreateSameUsername(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	const n = 20
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := m.CreateAccount(t.Context(), []string{"Zed", "zed", "ZED", "zEd"}[i%4], "h", false)
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
		case !errors.Is(err, ErrUsernameTaken):
			t.Errorf("CreateAccount = %v, want nil or ErrUsernameTaken", err)
		}
	}
	if created != 1 {
		t.Errorf("%d of %d concurrent creates succeeded, want 1", created, n)
	}
}

// TestConcurrentUseSeesNoBusyErrors runs a login-like mix of reads and writes
// from many goroutines through two handles on one file, as two processes
// would: none may fail (SQLITE_BUSY in particular).
func TestConcurrentUseSeesNoBusyErrors(t *testing.T) {
	eachBackend(t, testConcurrentUseSeesNoBusyErrors)
}

func testConcurrentUseSeesNoBusyErrors(t *testing.T, bk *backend) {
	path := bk.location(t, "master")
	handles := []*MasterDB{openMaster(t, path), openMaster(t, path)}
	const goroutines, rounds = 16, 10
	var wg sync.WaitGroup
	for g := range goroutines {
		m := handles[g%len(handles)]
		wg.Go(func() {
			ctx := t.Context()
			a, err := m.CreateAccount(ctx, fmt.Sprintf("user%d", g), "h", g%2 == 0)
			if err != nil {
				t.Errorf("CreateAccount = %v", err)
				return
			}
			for r := range rounds {
				token := tokenHash(fmt.Sprintf("%d/%d", g, r))
				steps := []func() error{
					func() error { return m.CreateSession(ctx, token, a.ID, t0.Add(time.Hour)) },
					func() error { _, err := m.SessionAccount(ctx, token, t0); return err },
					func() error { return m.TouchLogin(ctx, a.ID, t0) },
					func() error { _, err := m.AccountByUsername(ctx, a.Username); return err },
					func() error { _, _, err := m.ActiveBan(ctx, a.ID, t0); return err },
					func() error { return m.RevokeSession(ctx, token, t0) },
					func() error { _, err := m.DeleteExpiredSessions(ctx, t0); return err },
				}
				for i, step := range steps {
					if err := step(); err != nil {
						t.Errorf("goroutine %d round %d step %d: %v", g, r, i, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
