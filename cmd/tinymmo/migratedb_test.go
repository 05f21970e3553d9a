package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/password"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/store/storetest"
)

// TestMigrateDBMovesADeployment makes a SQLite deployment (an admin from
// the command line, a player with characters in two worlds, a ban),
// moves it into PostgreSQL with migrate-db, and then plays on it: the
// admin command line and a whole cluster run on the copy, where the player
// logs in with its password and finds its character.
func TestMigrateDBMovesADeployment(t *testing.T) {
	pg := storetest.NewDatabase(t)
	dir := t.TempDir()
	ctx := t.Context()
	if out, err := admin(t, "admin password\n", "create-user", "Ann", "--role", "admin", "--data", dir); err != nil {
		t.Fatalf("admin create-user: %v\n%s", err, out)
	}
	fast := password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	hasher, err := password.NewHasher(fast, 1)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := hasher.Hash(ctx, "player password")
	if err != nil {
		t.Fatal(err)
	}
	m := openMasterDB(t, dir)
	bob, err := m.CreateAccount(ctx, "bob", hash, false)
	if err != nil {
		t.Fatal(err)
	}
	spammer, err := m.CreateAccount(ctx, "spammer", hash, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.BanAccount(ctx, spammer.ID, "spam", time.Time{}); err != nil {
		t.Fatal(err)
	}
	m.Close()
	for _, id := range []string{"w1", "w2"} {
		w, err := store.OpenWorld(ctx, store.WorldFile(dir, id))
		if err != nil {
			t.Fatal(err)
		}
		c := store.Character{AccountID: bob.ID, Name: "Bob_" + id, Class: store.ClassWizard,
			Level: 3, Map: "overworld", X: 2560, Y: 2560, HP: 50, MaxHP: 50, MP: 80, MaxMP: 80}
		if _, err := w.CreateCharacter(ctx, c, 5); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}

	var out bytes.Buffer
	if err := run(ctx, "migrate-db", []string{"--from", "sqlite:" + dir, "--to", pg}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("migrate-db: %v\n%s", err, out.String())
	}
	for _, want := range []string{"master: copied 3 accounts, 2 audit, 1 bans", "world w1: copied 1 characters", "world w2: copied 1 characters"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("migrate-db printed %q, want %q in it", out.String(), want)
		}
	}
	// A second run finds the copy and refuses.
	if err := run(ctx, "migrate-db", []string{"--from", "sqlite:" + dir, "--to", pg}, strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Error("a second migrate-db into the same database succeeded")
	}
	// The command line works on the copy.
	if out, err := admin(t, "", "set-role", "bob", "moderator", "--db", pg); err != nil {
		t.Errorf("admin set-role on PostgreSQL: %v\n%s", err, out)
	}

	// A cluster on the copy: Bob logs in and finds his character; the
	// spammer is still banned.
	c, err := devcluster.Start(ctx, devcluster.Config{DataDir: t.TempDir(), DB: pg, HashParams: fast}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("devcluster on the copy: %v", err)
	}
	defer c.Shutdown(context.Background())
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := c.WaitReady(wctx); err != nil {
		t.Fatal(err)
	}
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.Login(ctx, "Bob", "player password"); err != nil {
		t.Fatalf("Bob's login on the copy: %v", err)
	}
	chars, err := gw.Characters(ctx, c.World.ID())
	if err != nil || len(chars) != 1 || chars[0].Name != "Bob_w1" {
		t.Errorf("Bob's characters in w1 on the copy: %+v, %v", chars, err)
	}
	if _, err := client.NewGateway(c.URL(), nil).Login(ctx, "spammer", "player password"); err == nil {
		t.Error("the banned spammer logged in on the copy")
	}
}
