package store

import (
	"strings"
	"testing"
	"time"
)

// TestCopyMovesADeployment fills a SQLite master and world with one of
// every kind of row, copies them onto each backend, and reads everything
// back through the store's methods; new rows then get new ids.
func TestCopyMovesADeployment(t *testing.T) { eachBackend(t, testCopyMovesADeployment) }

func testCopyMovesADeployment(t *testing.T, bk *backend) {
	ctx := t.Context()
	srcMaster, srcWorld := sqliteBackend.newMaster(t), sqliteBackend.newWorld(t)
	alice := mustCreateAccount(t, srcMaster, "Alice")
	guest, err := srcMaster.CreateAccount(ctx, "guest_7", "hash", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := srcMaster.TouchLogin(ctx, alice.ID, t0); err != nil {
		t.Fatal(err)
	}
	alice.LastLoginAt = t0
	token := tokenHash("alice's session")
	if err := srcMaster.CreateSession(ctx, token, alice.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := srcMaster.BanAccount(ctx, guest.ID, "spam", time.Time{}); err != nil {
		t.Fatal(err)
	}
	mute := AuditEntry{ActorName: "console", Action: ActionMute, TargetID: alice.ID, TargetName: "Alice", Reason: "caps", Detail: "10m"}
	if _, err := srcMaster.Moderate(ctx, mute, t0.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	hero, err := srcWorld.CreateCharacter(ctx, newCharacter(alice.ID, "Hero"), 5)
	if err != nil {
		t.Fatal(err)
	}
	hero.Version, hero.XP = 4, 1234
	if _, err := srcWorld.SaveCharacters(ctx, hero); err != nil {
		t.Fatal(err)
	}
	if hero, err = srcWorld.Character(ctx, hero.ID); err != nil {
		t.Fatal(err)
	}

	dstMaster, dstWorld := bk.newMaster(t), bk.newWorld(t)
	copied, err := CopyMaster(ctx, srcMaster, dstMaster)
	if err != nil {
		t.Fatalf("CopyMaster: %v", err)
	}
	want := Copied{"accounts": 2, "sessions": 1, "bans": 1, "mutes": 1, "audit": 1}
	for table, n := range want {
		if copied[table] != n {
			t.Errorf("copied %d rows of %s, want %d (all: %v)", copied[table], table, n, copied)
		}
	}
	if copied, err := CopyWorld(ctx, srcWorld, dstWorld); err != nil || copied["characters"] != 1 {
		t.Fatalf("CopyWorld = %v, %v; want one character", copied, err)
	}

	if got, err := dstMaster.AccountByUsername(ctx, "alice"); err != nil || got != alice {
		t.Errorf("AccountByUsername(alice) = %+v, %v; want %+v", got, err, alice)
	}
	if got, err := dstMaster.AccountByID(ctx, guest.ID); err != nil || !got.Guest {
		t.Errorf("the guest after the copy: %+v, %v", got, err)
	}
	if got, err := dstMaster.SessionAccount(ctx, token, t0); err != nil || got.ID != alice.ID {
		t.Errorf("SessionAccount = %+v, %v; want Alice's", got, err)
	}
	if _, banned, err := dstMaster.ActiveBan(ctx, guest.ID, t0); err != nil || !banned {
		t.Errorf("the guest's ban after the copy: %v, %v", banned, err)
	}
	if m, muted, err := dstMaster.ActiveMute(ctx, alice.ID, t0); err != nil || !muted || m.Reason != "caps" {
		t.Errorf("Alice's mute after the copy: %+v, %v, %v", m, muted, err)
	}
	if log, err := dstMaster.AuditLog(ctx, alice.ID, 10); err != nil || len(log) != 1 || log[0].Action != ActionMute {
		t.Errorf("the audit log after the copy: %+v, %v", log, err)
	}
	if got, err := dstWorld.Character(ctx, hero.ID); err != nil || got != hero {
		t.Errorf("Character(%d) = %+v, %v; want %+v", hero.ID, got, err, hero)
	}
	// New rows continue after the ids copied, and old names stay taken.
	if bob := mustCreateAccount(t, dstMaster, "Bob"); bob.ID <= guest.ID {
		t.Errorf("a new account got id %d, not after the copied %d", bob.ID, guest.ID)
	}
	if _, err := dstMaster.CreateAccount(ctx, "ALICE", "h", false); err == nil {
		t.Error("a second Alice was created after the copy")
	}
	if c, err := dstWorld.CreateCharacter(ctx, newCharacter(alice.ID, "Sidekick"), 5); err != nil || c.ID <= hero.ID {
		t.Errorf("a new character got %+v, %v; want an id after %d", c, err, hero.ID)
	}

	// A second copy finds the target full and writes nothing.
	if _, err := CopyMaster(ctx, srcMaster, dstMaster); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Errorf("a second CopyMaster = %v, want a refusal", err)
	}
}
