// Package storetest gives tests a PostgreSQL database to run the store on:
// the one TINYMMO_TEST_POSTGRES names (tools/postgres.sh starts one and
// prints its URL). Without it a test that asks is skipped, except in CI
// (CI set), where it fails: CI runs everything on both databases.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	// The pgx driver for database/sql, registered as "pgx".
	_ "github.com/jackc/pgx/v5/stdlib"
)

// Env names the variable that holds the test database's URL.
const Env = "TINYMMO_TEST_POSTGRES"

// URL returns the test database's URL, or skips t (fails it in CI) when
// Env is not set.
func URL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(Env)
	switch {
	case dsn != "":
		return dsn
	case os.Getenv("CI") != "":
		t.Fatalf("%s is not set: CI runs these tests on PostgreSQL (tools/postgres.sh)", Env)
	default:
		t.Skipf("%s is not set: export %s=$(tools/postgres.sh) to run on PostgreSQL too", Env, Env)
	}
	return ""
}

// NewDatabase creates an empty database for t on the test server (its role
// needs CREATEDB, which tools/postgres.sh grants), drops it when t ends,
// and returns its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	dsn := URL(t)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "tinymmo_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		// WITH (FORCE) ends the sessions a stopped role may have left.
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
