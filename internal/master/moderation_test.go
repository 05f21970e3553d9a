package master_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/store"
)

func TestModerateChecksRolesAndAudits(t *testing.T) {
	m, dir := startMaster(t)
	ctx := t.Context()
	nc, err := cluster.Connect(m.NATSURL(), m.Secret(), "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	account := func(name string) api.Session {
		s, err := cluster.Request[api.Session](ctx, nc, cluster.SubjectCreateAccount, cluster.LoginRequest{Username: name, Password: name + " password"})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	mod, player, other := account("moddy"), account("plain"), account("victim")
	db, err := store.OpenMaster(ctx, store.MasterFile(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SetRole(ctx, mod.Account.ID, store.RoleModerator); err != nil {
		t.Fatal(err)
	}

	moderate := func(req cluster.ModerateRequest) error {
		_, err := cluster.Request[cluster.Empty](ctx, nc, cluster.SubjectModerate, req)
		return err
	}
	refused := []struct {
		name string
		req  cluster.ModerateRequest
		want api.Code
	}{
		{"a player's mute", cluster.ModerateRequest{ActorID: player.Account.ID, Action: "mute", TargetID: other.Account.ID, Reason: "x", For: time.Minute}, api.CodeForbidden},
		{"an unknown actor", cluster.ModerateRequest{ActorID: 9999, Action: "mute", TargetID: other.Account.ID, Reason: "x", For: time.Minute}, api.CodeForbidden},
		{"a moderator's broadcast", cluster.ModerateRequest{ActorID: mod.Account.ID, Action: "broadcast", Detail: "hi"}, api.CodeForbidden},
		{"a set-role over the control plane", cluster.ModerateRequest{ActorID: mod.Account.ID, Action: "set-role", TargetID: mod.Account.ID, Detail: "admin"}, api.CodeBadRequest},
		{"a mute without reason", cluster.ModerateRequest{ActorID: mod.Account.ID, Action: "mute", TargetID: other.Account.ID, For: time.Minute}, api.CodeBadRequest},
		{"a mute of 31 days", cluster.ModerateRequest{ActorID: mod.Account.ID, Action: "mute", TargetID: other.Account.ID, Reason: "x", For: 31 * 24 * time.Hour}, api.CodeBadRequest},
		{"a mute of a missing account", cluster.ModerateRequest{ActorID: mod.Account.ID, Action: "mute", TargetID: 9999, Reason: "x", For: time.Minute}, api.CodeNotFound},
	}
	for _, tt := range refused {
		if err := moderate(tt.req); api.CodeOf(err) != tt.want {
			t.Errorf("%s: %v, want code %s", tt.name, err, tt.want)
		}
	}
	if log, _ := db.AuditLog(ctx, 0, 10); len(log) != 0 {
		t.Errorf("refused actions were audited: %+v", log)
	}

	if err := moderate(cluster.ModerateRequest{ActorID: mod.Account.ID, ActorName: "Moddy", Action: "mute",
		TargetID: other.Account.ID, TargetName: "Victim", Reason: "spam", For: 10 * time.Minute}); err != nil {
		t.Fatalf("a moderator's mute: %v", err)
	}
	if mute, ok, _ := db.ActiveMute(ctx, other.Account.ID, time.Now()); !ok || mute.Reason != "spam" {
		t.Errorf("after the mute: %+v, %v", mute, ok)
	}
	if err := moderate(cluster.ModerateRequest{ActorID: mod.Account.ID, ActorName: "Moddy", Action: "ban",
		TargetID: other.Account.ID, TargetName: "Victim", Reason: "spam again"}); err != nil {
		t.Fatalf("a moderator's permanent ban: %v", err)
	}
	if _, err := cluster.Request[api.WorldsResponse](ctx, nc, cluster.SubjectWorlds, cluster.SessionRequest{Session: other.Token}); api.CodeOf(err) != api.CodeBanned {
		t.Errorf("the banned account's session: %v, want code %s", err, api.CodeBanned)
	}
	log, err := db.AuditLog(ctx, other.Account.ID, 10)
	if err != nil || len(log) != 2 {
		t.Fatalf("audit = %+v, %v, want the mute and the ban", log, err)
	}
	if e := log[0]; e.Action != store.ActionBan || e.ActorID != mod.Account.ID || e.ActorName != "Moddy" ||
		e.TargetName != "Victim" || e.Reason != "spam again" || e.Detail != "perm" {
		t.Errorf("the ban's audit row = %+v", e)
	}
	if e := log[1]; e.Action != store.ActionMute || e.Detail != "10m0s" {
		t.Errorf("the mute's audit row = %+v", e)
	}

	// Nobody sanctions their peers.
	if err := db.SetRole(ctx, player.Account.ID, store.RoleModerator); err != nil {
		t.Fatal(err)
	}
	if err := moderate(cluster.ModerateRequest{ActorID: mod.Account.ID, Action: "kick", TargetID: player.Account.ID, Reason: "x"}); api.CodeOf(err) != api.CodeForbidden {
		t.Errorf("a moderator kicking a moderator: %v, want code %s", err, api.CodeForbidden)
	}
}
