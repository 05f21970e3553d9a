package store

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func openMaster(t *testing.T, path string) *MasterDB {
	t.Helper()
	m, err := OpenMaster(t.Context(), path)
	if err != nil {
		t.Fatalf("OpenMaster(%q) = %v", path, err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("MasterDB.Close() = %v", err)
		}
	})
	return m
}

func openWorld(t *testing.T, path string) *WorldDB {
	t.Helper()
	w, err := OpenWorld(t.Context(), path)
	if err != nil {
		t.Fatalf("OpenWorld(%q) = %v", path, err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("WorldDB.Close() = %v", err)
		}
	})
	return w
}

func TestOpenConfiguresConnections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "master.db")
	m := openMaster(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	ctx := t.Context()
	tests := []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"busy_timeout", "5000"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
	}
	for _, tt := range tests {
		for pool, db := range map[string]*sql.DB{"rw": m.c.rw.DB, "ro": m.c.ro.DB} {
			var got string
			if err := db.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", pool, tt.pragma, err)
			}
			if got != tt.want {
				t.Errorf("%s: PRAGMA %s = %q, want %q", pool, tt.pragma, got, tt.want)
			}
		}
	}
	if _, err := m.c.ro.ExecContext(ctx, `DELETE FROM accounts`); err == nil {
		t.Error("a write through the read-only pool succeeded")
	}
}

func TestOpenRejectsBadPaths(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "a?b.db")} {
		if m, err := OpenMaster(t.Context(), path); err == nil {
			m.Close()
			t.Errorf("OpenMaster(%q) succeeded, want an error", path)
		}
		if w, err := OpenWorld(t.Context(), path); err == nil {
			w.Close()
			t.Errorf("OpenWorld(%q) succeeded, want an error", path)
		}
	}
}

func TestOpenFailsOnNonDatabaseFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(path, []byte("this is not an SQLite database, just some text of some length"), 0o600); err != nil {
		t.Fatal(err)
	}
	if m, err := OpenMaster(t.Context(), path); err == nil {
		m.Close()
		t.Errorf("OpenMaster(junk file) succeeded, want an error")
	}
}

// migrationVersions returns the versions goose recorded as applied.
func migrationVersions(t *testing.T, db *sql.DB) []int64 {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT version_id FROM goose_db_version WHERE is_applied ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestMasterSurvivesReopen(t *testing.T) { eachBackend(t, testMasterSurvivesReopen) }

func testMasterSurvivesReopen(t *testing.T, bk *backend) {
	ctx := t.Context()
	path := bk.location(t, "master")
	m, err := OpenMaster(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := m.CreateAccount(ctx, "Alice", "hash", false)
	if err != nil {
		t.Fatal(err)
	}
	token := tokenHash("t1")
	expires := time.Now().Add(time.Hour)
	if err := m.CreateSession(ctx, token, a.ID, expires); err != nil {
		t.Fatal(err)
	}
	before := migrationVersions(t, m.c.rw.DB)
	if err := m.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}

	m = openMaster(t, path)
	got, err := m.AccountByID(ctx, a.ID)
	if err != nil || got != a {
		t.Errorf("after reopen AccountByID(%d) = %+v, %v, want %+v", a.ID, got, err, a)
	}
	if got, err := m.SessionAccount(ctx, token, time.Now()); err != nil || got.ID != a.ID {
		t.Errorf("after reopen SessionAccount = %+v, %v, want account %d", got, err, a.ID)
	}
	after := migrationVersions(t, m.c.rw.DB)
	if len(before) == 0 || len(after) != len(before) {
		t.Errorf("applied migrations %v before reopen, %v after; want the same non-empty list", before, after)
	}
}

func TestWorldSurvivesReopen(t *testing.T) { eachBackend(t, testWorldSurvivesReopen) }

func testWorldSurvivesReopen(t *testing.T, bk *backend) {
	ctx := t.Context()
	path := bk.location(t, "world")
	w, err := OpenWorld(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.CreateCharacter(ctx, newCharacter(1, "Hero"), 5)
	if err != nil {
		t.Fatal(err)
	}
	before := migrationVersions(t, w.c.rw.DB)
	if err := w.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	w = openWorld(t, path)
	got, err := w.Character(ctx, c.ID)
	if err != nil || got != c {
		t.Errorf("after reopen Character(%d) = %+v, %v, want %+v", c.ID, got, err, c)
	}
	after := migrationVersions(t, w.c.rw.DB)
	if len(before) == 0 || len(after) != len(before) {
		t.Errorf("applied migrations %v before reopen, %v after; want the same non-empty list", before, after)
	}
}

func TestSchemasAreSeparate(t *testing.T) { eachBackend(t, testSchemasAreSeparate) }

func testSchemasAreSeparate(t *testing.T, bk *backend) {
	m := openMaster(t, bk.location(t, "master"))
	w := openWorld(t, bk.location(t, "world"))
	ctx := t.Context()
	if _, err := m.c.ro.ExecContext(ctx, `SELECT 1 FROM characters`); err == nil {
		t.Error("master database has a characters table")
	}
	if _, err := w.c.ro.ExecContext(ctx, `SELECT 1 FROM accounts`); err == nil {
		t.Error("world database has an accounts table")
	}
}

func TestCallsAfterCloseFail(t *testing.T) { eachBackend(t, testCallsAfterCloseFail) }

func testCallsAfterCloseFail(t *testing.T, bk *backend) {
	m, err := OpenMaster(t.Context(), bk.location(t, "master"))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.CreateAccount(t.Context(), "bob", "h", false); err == nil || errors.Is(err, ErrUsernameTaken) {
		t.Errorf("CreateAccount after Close = %v, want a closed-database error", err)
	}
	if _, err := m.AccountByID(t.Context(), 1); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("AccountByID after Close = %v, want a closed-database error", err)
	}
}
