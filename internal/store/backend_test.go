package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"path/filepath"
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
