package store

import (
	"errors"
	"testing"
	"time"
)

func TestModerateMutesAndAudits(t *testing.T) { eachBackend(t, testModerateMutesAndAudits) }

func testModerateMutesAndAudits(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	ctx := t.Context()
	mod := mustCreateAccount(t, m, "mod")
	a := mustCreateAccount(t, m, "ivan")

	if _, ok, err := m.ActiveMute(ctx, a.ID, t0); ok || err != nil {
		t.Fatalf("ActiveMute(unmuted) = %v, %v, want false, nil", ok, err)
	}
	e, err := m.Moderate(ctx, AuditEntry{At: t0, ActorID: mod.ID, ActorName: "Mod", Action: ActionMute,
		TargetID: a.ID, TargetName: "Ivan", Reason: "spam", Detail: "10m"}, t0.Add(10*time.Minute))
	if err != nil {
		t.Fatalf("Moderate(mute) = %v", err)
	}
	mu, ok, err := m.ActiveMute(ctx, a.ID, t0.Add(time.Minute))
	if !ok || err != nil || mu.Reason != "spam" || !mu.ExpiresAt.Equal(t0.Add(10*time.Minute)) || !mu.CreatedAt.Equal(t0) {
		t.Errorf("ActiveMute a minute in = %+v, %v, %v, want the 10-minute mute for spam", mu, ok, err)
	}
	if _, ok, _ := m.ActiveMute(ctx, a.ID, t0.Add(10*time.Minute)); ok {
		t.Error("a mute is still in force when it ends")
	}
	if _, err := m.Moderate(ctx, AuditEntry{At: t0.Add(time.Second), ActorName: "console", Action: ActionUnmute, TargetID: a.ID, TargetName: "ivan"}, time.Time{}); err != nil {
		t.Fatalf("Moderate(unmute) = %v", err)
	}
	if _, ok, _ := m.ActiveMute(ctx, a.ID, t0.Add(time.Minute)); ok {
		t.Error("the mute is in force after an unmute")
	}

	log, err := m.AuditLog(ctx, a.ID, 10)
	if err != nil || len(log) != 2 {
		t.Fatalf("AuditLog = %+v, %v, want the mute and the unmute", log, err)
	}
	if log[1] != e || log[0].Action != ActionUnmute || log[0].ActorID != 0 || log[0].ActorName != "console" {
		t.Errorf("AuditLog = %+v, want the unmute by the console after %+v", log, e)
	}
}

func TestModerateBansAndRoles(t *testing.T) { eachBackend(t, testModerateBansAndRoles) }

func testModerateBansAndRoles(t *testing.T, bk *backend) {
	m := bk.newMaster(t)
	ctx := t.Context()
	a := mustCreateAccount(t, m, "judy")
	if _, err := m.Moderate(ctx, AuditEntry{At: t0, ActorName: "console", Action: ActionBan, TargetID: a.ID, Reason: "cheating"}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if b, ok, _ := m.ActiveBan(ctx, a.ID, t0.Add(1000*time.Hour)); !ok || b.Reason != "cheating" || !b.ExpiresAt.IsZero() {
		t.Errorf("ActiveBan after a permanent ban = %+v, %v", b, ok)
	}
	if _, err := m.Moderate(ctx, AuditEntry{At: t0, ActorName: "console", Action: ActionUnban, TargetID: a.ID}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := m.ActiveBan(ctx, a.ID, t0); ok {
		t.Error("banned after an unban")
	}
	if _, err := m.Moderate(ctx, AuditEntry{ActorName: "console", Action: ActionSetRole, TargetID: a.ID, Detail: "moderator"}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.AccountByID(ctx, a.ID); got.Role != RoleModerator {
		t.Errorf("role after set-role moderator = %q", got.Role)
	}

	// A failed action leaves no audit row and changes nothing.
	tests := []struct {
		name    string
		e       AuditEntry
		until   time.Time
		wantErr error
	}{
		{"ban of a missing account", AuditEntry{Action: ActionBan, TargetID: 9999}, time.Time{}, ErrNotFound},
		{"mute of a missing account", AuditEntry{Action: ActionMute, TargetID: 9999}, t0.Add(time.Hour), ErrNotFound},
		{"unmute of a missing account", AuditEntry{Action: ActionUnmute, TargetID: 9999}, time.Time{}, ErrNotFound},
		{"unban of a missing account", AuditEntry{Action: ActionUnban, TargetID: 9999}, time.Time{}, ErrNotFound},
		{"a bad role", AuditEntry{Action: ActionSetRole, TargetID: a.ID, Detail: "god"}, time.Time{}, ErrInvalidRole},
		{"a mute without end", AuditEntry{Action: ActionMute, TargetID: a.ID}, time.Time{}, nil},
	}
	for _, tt := range tests {
		_, err := m.Moderate(ctx, tt.e, tt.until)
		if err == nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
			t.Errorf("Moderate(%s) = %v, want %v", tt.name, err, tt.wantErr)
		}
	}
	if got, _ := m.AccountByID(ctx, a.ID); got.Role != RoleModerator {
		t.Errorf("role after a refused set-role = %q", got.Role)
	}
	if _, ok, _ := m.ActiveMute(ctx, a.ID, t0); ok {
		t.Error("a refused mute is in force")
	}
	log, err := m.AuditLog(ctx, 0, 100)
	if err != nil || len(log) != 3 {
		t.Errorf("AuditLog = %+v, %v, want the ban, the unban and the set-role only", log, err)
	}
}
