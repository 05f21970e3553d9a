package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/password"
	"github.com/tinymmo/tinymmo/internal/store"
)

// admin runs "tinymmo admin args…" with stdin, as main does, and returns
// what it printed.
func admin(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(t.Context(), "admin", args, strings.NewReader(stdin), &out, &out)
	return out.String(), err
}

func openMasterDB(t *testing.T, dir string) *store.MasterDB {
	t.Helper()
	db, err := store.OpenMaster(t.Context(), store.MasterFile(dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestAdminCreatesTheFirstAdmin(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("correct horse battery\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := admin(t, "", "create-user", "Root_Ann", "--role", "admin", "--password-file", pwFile, "--data", dir); err != nil {
		t.Fatalf("create-user: %v\n%s", err, out)
	}
	// Flags before the name work as well; the password comes from stdin.
	if out, err := admin(t, "another password\n", "create-user", "--data", dir, "bob"); err != nil {
		t.Fatalf("create-user from stdin: %v\n%s", err, out)
	}

	db := openMasterDB(t, dir)
	ann, err := db.AccountByUsername(t.Context(), "root_ann")
	if err != nil || ann.Role != store.RoleAdmin || ann.Guest {
		t.Fatalf("the account created = %+v, %v, want a non-guest admin", ann, err)
	}
	hasher, _ := password.NewHasher(password.Params{}, 1)
	if ok, _, err := hasher.Verify(t.Context(), "correct horse battery", ann.PasswordHash); !ok || err != nil {
		t.Errorf("the file's password does not verify against the stored argon2id hash: %v", err)
	}
	bob, _ := db.AccountByUsername(t.Context(), "bob")
	if bob.Role != store.RolePlayer {
		t.Errorf("bob's role = %q, want player by default", bob.Role)
	}
	log, err := db.AuditLog(t.Context(), ann.ID, 10)
	if err != nil || len(log) != 2 || log[0].Action != store.ActionSetRole || log[1].Action != store.ActionCreateUser || log[0].ActorName != "console" {
		t.Errorf("audit of ann = %+v, %v, want create-user then set-role by the console", log, err)
	}

	refused := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"a taken name", "some password", []string{"create-user", "bob"}},
		{"a reserved name", "some password", []string{"create-user", "admin"}},
		{"a short password", "short", []string{"create-user", "carol"}},
		{"no password", "", []string{"create-user", "carol"}},
		{"a bad role", "some password", []string{"create-user", "carol", "--role", "god"}},
		{"a password flag", "", []string{"create-user", "carol", "--password", "hunter22"}},
		{"no name", "some password", []string{"create-user"}},
	}
	for _, tt := range refused {
		if out, err := admin(t, tt.stdin, append(tt.args, "--data", dir)...); err == nil {
			t.Errorf("%s: succeeded, want an error\n%s", tt.name, out)
		}
	}
	if _, err := db.AccountByUsername(t.Context(), "carol"); err == nil {
		t.Error("a refused create-user left an account behind")
	}
}

func TestAdminSetsRolesAndBans(t *testing.T) {
	dir := t.TempDir()
	if _, err := admin(t, "a good password", "create-user", "dave", "--data", dir); err != nil {
		t.Fatal(err)
	}
	db := openMasterDB(t, dir)
	dave, _ := db.AccountByUsername(t.Context(), "dave")

	if out, err := admin(t, "", "set-role", "DAVE", "moderator", "--data", dir); err != nil || !strings.Contains(out, "now a moderator") {
		t.Fatalf("set-role = %q, %v", out, err)
	}
	if a, _ := db.AccountByID(t.Context(), dave.ID); a.Role != store.RoleModerator {
		t.Errorf("role after set-role = %q", a.Role)
	}
	if out, err := admin(t, "", "ban", "dave", "--for", "1d", "--reason", "botting", "--data", dir); err != nil {
		t.Fatalf("ban = %q, %v", out, err)
	}
	b, ok, _ := db.ActiveBan(t.Context(), dave.ID, time.Now())
	if !ok || b.Reason != "botting" || time.Until(b.ExpiresAt) > 24*time.Hour || time.Until(b.ExpiresAt) < 23*time.Hour {
		t.Errorf("after ban --for 1d: %+v, %v, want a day's ban for botting", b, ok)
	}
	if _, err := admin(t, "", "unban", "dave", "--data", dir); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.ActiveBan(t.Context(), dave.ID, time.Now()); ok {
		t.Error("banned after unban")
	}
	if _, err := admin(t, "", "ban", "dave", "--for", "perm", "--reason", "again", "--data", dir); err != nil {
		t.Fatal(err)
	}
	if b, ok, _ := db.ActiveBan(t.Context(), dave.ID, time.Now().Add(10*365*24*time.Hour)); !ok || !b.ExpiresAt.IsZero() {
		t.Errorf("after ban --for perm: %+v, %v, want a permanent ban", b, ok)
	}

	refused := [][]string{
		{"set-role", "dave", "god"},
		{"set-role", "nobody", "admin"},
		{"set-role", "dave"},
		{"ban", "dave", "--for", "400d", "--reason", "x"},
		{"ban", "dave", "--for", "1d"},
		{"ban", "dave", "--reason", "x"},
		{"ban", "nobody", "--for", "1d", "--reason", "x"},
		{"unban", "nobody"},
		{"drop-tables"},
	}
	for _, args := range refused {
		if out, err := admin(t, "", append(args, "--data", dir)...); err == nil {
			t.Errorf("admin %v succeeded, want an error\n%s", args, out)
		}
	}
	log, err := db.AuditLog(t.Context(), dave.ID, 100)
	var actions []string
	for _, e := range log {
		actions = append(actions, string(e.Action))
	}
	if err != nil || strings.Join(actions, ",") != "ban,unban,ban,set-role,create-user" {
		t.Errorf("audit of dave = %v, %v, want ban,unban,ban,set-role,create-user (newest first)", actions, err)
	}
}
