package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/tinymmo/tinymmo/internal/store/storetest"
)

// backend is a kind of database the store runs on.
type backend struct {
	name    string
	dialect goose.Dialect
	// location returns where a fresh database for role ("master" or
	// "world") is, for OpenMaster or OpenWorld: a file in a temporary
	// directory, or a new schema.
	location func(t *testing.T, role string) string
}

// migrations returns the directory of role's migrations for b.
func (b *backend) migrations(role string) string {
	return "migrations/" + b.name + "/" + role
}

var sqliteBackend = &backend{
	name:    "sqlite",
	dialect: goose.DialectSQLite3,
	location: func(t *testing.T, role string) string {
		return filepath.Join(t.TempDir(), role+".db")
	},
}

// postgresBackend runs on the database dsn.
func postgresBackend(dsn string) *backend {
	return &backend{
		name:    "postgres",
		dialect: goose.DialectPostgres,
		location: func(t *testing.T, role string) string {
			t.Helper()
			var b [6]byte
			rand.Read(b[:])
			schema := "test_" + role + "_" + hex.EncodeToString(b[:])
			loc, err := WithSchema(dsn, schema)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				db, err := sql.Open("pgx", dsn)
				if err != nil {
					t.Errorf("dropping schema %s: %v", schema, err)
					return
				}
				defer db.Close()
				if _, err := db.ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
					t.Errorf("dropping schema %s: %v", schema, err)
				}
			})
			return loc
		},
	}
}

// eachBackend runs test on SQLite, and on PostgreSQL in a schema of its
// own in the test database (see package storetest).
func eachBackend(t *testing.T, test func(t *testing.T, b *backend)) {
	t.Run("sqlite", func(t *testing.T) { test(t, sqliteBackend) })
	t.Run("postgres", func(t *testing.T) { test(t, postgresBackend(storetest.URL(t))) })
}

// TestWhereTheTablesAre: without a URL the roles use files in the data
// directory; with one, schemas of their own in it; anything else is an
// error, not a file name.
func TestWhereTheTablesAre(t *testing.T) {
	const pg = "postgres://u:secret@db.example:5432/tinymmo?sslmode=disable"
	if got, err := MasterDatabase("data", ""); err != nil || got != filepath.Join("data", "master.db") {
		t.Errorf("MasterDatabase(data, \"\") = %q, %v", got, err)
	}
	if got, err := WorldDatabase("data", "", "w1"); err != nil || got != filepath.Join("data", "world-w1.db") {
		t.Errorf("WorldDatabase(data, \"\", w1) = %q, %v", got, err)
	}
	if got, err := MasterDatabase("data", pg); err != nil || !IsPostgres(got) || !strings.Contains(got, "search_path=master") {
		t.Errorf("MasterDatabase(data, pg) = %q, %v; want the URL in schema master", got, err)
	}
	if got, err := WorldDatabase("data", pg, "Big-World"); err != nil || !strings.Contains(got, "search_path=world_big_world") {
		t.Errorf("WorldDatabase(data, pg, Big-World) = %q, %v; want schema world_big_world", got, err)
	}
	for _, bad := range []string{"mysql://u@h/db", "data/master.db", "postgres://u:secret@h/db\x7f"} {
		if got, err := MasterDatabase("data", bad); err == nil {
			t.Errorf("MasterDatabase(data, %q) = %q, want an error", bad, got)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("the error for %q shows the password: %v", bad, err)
		}
	}
	for _, bad := range []string{"", "Master", "1world", "a-b", "x;DROP"} {
		if _, err := WithSchema(pg, bad); err == nil {
			t.Errorf("WithSchema(%q) succeeded, want an error", bad)
		}
	}
	if _, err := OpenMaster(t.Context(), pg); err == nil {
		t.Error("OpenMaster with no schema in the URL succeeded")
	}
}
