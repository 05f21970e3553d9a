package devcluster_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/store"
)

// closed reads p's messages until the world closes the connection, and
// returns how.
func (p chatter) closed(t *testing.T) *client.CloseError {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for {
		_, err := p.conn.Recv(ctx)
		if err == nil {
			continue
		}
		var ce *client.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("%s: the connection ended with %v, want a close frame", p.name, err)
		}
		return ce
	}
}

// toldUntil reads p's system lines from the first that starts with first
// to the first after it that contains last, and returns them, that one
// excluded.
func (p chatter) toldUntil(t *testing.T, first, last string) []string {
	t.Helper()
	lines := []string{p.told(t, first)}
	for {
		l := p.hear(t, protocol.ChannelSystem)
		if strings.Contains(l.Text, last) {
			return lines
		}
		lines = append(lines, l.Text)
	}
}

// mapChange reads p's messages until a MapChange arrives, and returns it.
func (p chatter) mapChange(t *testing.T) protocol.MapChange {
	t.Helper()
	return awaitMessage(t, p, "a map change", 5*time.Second, every[protocol.MapChange])
}

func TestHelpListsOnlyTheCommandsOfTheRole(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.MOTD = "" })
	for _, tt := range []struct {
		role       store.Role
		has, lacks []string
	}{
		{store.RolePlayer, []string{"/w NAME", "/kick NAME: remove a member"}, []string{"/mute", "/ban", "/broadcast", "/where", "/heal"}},
		{store.RoleModerator, []string{"/w NAME", "/mute NAME", "/ban NAME", "/where", "/goto", "/summon", "/heal", "/kick NAME [REASON]"}, []string{"/broadcast"}},
		{store.RoleAdmin, []string{"/w NAME", "/mute NAME", "/broadcast"}, nil},
	} {
		p := joinWithRole(t, c, "", tt.role)
		p.command(t, "/help")
		p.command(t, "/who")
		help := strings.Join(p.toldUntil(t, "Commands:", " online: "), "\n")
		for _, s := range tt.has {
			if !strings.Contains(help, s) {
				t.Errorf("a %s's /help lacks %q: %s", tt.role, s, help)
			}
		}
		for _, s := range tt.lacks {
			if strings.Contains(help, s) {
				t.Errorf("a %s's /help lists %q: %s", tt.role, s, help)
			}
		}
	}
}

func TestModeratorsMuteKickAndBanOverRealSockets(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.MOTD = "" })
	admin := joinWithRole(t, c, "", store.RoleAdmin)
	mod := joinWithRole(t, c, "", store.RoleModerator)
	mod2 := joinWithRole(t, c, "", store.RoleModerator)
	pat := joinAs(t, c, "")
	vic := joinAs(t, c, "")
	cat := joinAs(t, c, "dungeon_entrance")

	// A player may not moderate; nobody may mute their peers.
	pat.command(t, "/mute "+vic.name+" 10m spam")
	pat.told(t, "/mute is for moderators.")
	pat.command(t, "/broadcast hi")
	pat.told(t, "/broadcast is for admins.")
	pat.command(t, "/heal "+pat.name)
	pat.told(t, "/heal is for moderators.")
	mod2.command(t, "/mute "+admin.name+" 1m no reason")
	mod2.told(t, "Refused: ")
	mod2.command(t, "/mute "+vic.name+" 31d spam")
	mod2.told(t, "Bad duration")

	// A mute applies at once, with the time left; commands that speak are
	// refused too, others are not.
	mod.command(t, "/mute "+strings.ToLower(vic.name)+" 10m spamming the market")
	mod.told(t, vic.name+" is muted for 10m.")
	vic.told(t, "A moderator muted you for 10m: Spamming the market.")
	vic.say(t, protocol.Chat{Channel: protocol.ChannelSay, Text: "hello?"})
	left := vic.told(t, "You are muted for ")
	if !strings.HasPrefix(left, "You are muted for 9m 5") && !strings.HasPrefix(left, "You are muted for 10m") ||
		!strings.HasSuffix(left, ": Spamming the market.") {
		t.Errorf("a muted say: %q, want the time left (about 10m) and the reason", left)
	}
	vic.command(t, "/w "+pat.name+" psst")
	vic.told(t, "You are muted for ")

	// It holds after entering again: the join grant carries it.
	vic = vic.enter(t, c)
	vic.say(t, protocol.Chat{Channel: protocol.ChannelParty, Text: "anyone?"})
	vic.told(t, "You are muted for ")
	mod.command(t, "/unmute "+vic.name)
	mod.told(t, vic.name+" may speak again.")
	vic.told(t, "You may speak again.")
	vic.say(t, protocol.Chat{Channel: protocol.ChannelSay, Text: "free"})
	if l := vic.hear(t, protocol.ChannelSay); l.Text != "free" {
		t.Errorf("after the unmute vic's say came back as %+v", l)
	}

	// Where, goto and summon, across maps.
	mod.command(t, "/where "+cat.name)
	mod.told(t, cat.name+" is on dungeon_entrance at (")
	mod2.command(t, "/goto "+cat.name)
	if mc := mod2.mapChange(t); mc.Map != "dungeon_entrance" {
		t.Errorf("/goto took mod2 to %+v, want dungeon_entrance", mc)
	}
	admin.command(t, "/summon "+pat.name)
	if mc := pat.mapChange(t); mc.Map != "overworld" {
		t.Errorf("/summon took pat to %+v, want the admin's map", mc)
	}

	// Heal, of a player or of oneself.
	mod.command(t, "/heal "+cat.name)
	mod.told(t, cat.name+" is healed.")
	cat.told(t, "A moderator healed you.")
	admin.command(t, "/heal "+admin.name)
	admin.told(t, admin.name+" is healed.")

	// /kick of a party member one leads is a party kick, even for a
	// moderator; of anyone else it removes them from the world, with the
	// reason.
	mod2.command(t, "/invite "+cat.name)
	mod2.told(t, "You invited "+cat.name)
	cat.command(t, "/accept")
	for p := cat.hearParty(t); len(p.Members) != 2; p = cat.hearParty(t) {
	}
	mod2.command(t, "/kick "+cat.name)
	cat.told(t, "You were removed from the party.")
	if p := cat.hearParty(t); len(p.Members) != 0 {
		t.Errorf("cat's party after a party kick: %+v, want none", p)
	}
	mod.command(t, "/kick "+pat.name)
	mod.told(t, "Usage: /kick NAME [REASON]")
	admin.command(t, "/kick "+pat.name+" being rude ☃")
	admin.told(t, pat.name+" was removed from the world.")
	if ce := pat.closed(t); ce.Code != protocol.CloseKicked || ce.Reason != "You were removed from the world: being rude ☃" {
		t.Errorf("a kick closed with %d %q", ce.Code, ce.Reason)
	}
	if _, err := pat.gw.Enter(t.Context(), c.World.ID(), pat.id); err != nil {
		t.Errorf("a kicked player may come back: %v", err)
	}

	// A ban removes the player at once and keeps the account out.
	admin.command(t, "/broadcast Server restart at noon.")
	if l := vic.told(t, "[Broadcast]"); l != "[Broadcast] Server restart at noon." {
		t.Errorf("the broadcast arrived as %q", l)
	}
	admin.command(t, "/ban "+vic.name+" 1d "+strings.Repeat("cheating ", 20))
	ce := vic.closed(t)
	if ce.Code != protocol.CloseBanned || !strings.HasPrefix(ce.Reason, "This account was banned: cheating cheating") || len(ce.Reason) > 123 {
		t.Errorf("a ban closed with %d %q", ce.Code, ce.Reason)
	}
	_, err := vic.gw.Enter(t.Context(), c.World.ID(), vic.id)
	wantCode(t, "entering after a ban", err, api.CodeBanned)

	// Every action is in the master's audit log, with who and whom.
	log := auditLog(t, c)
	got := auditTrail(log)
	want := []string{
		"mute " + mod.name + " " + vic.name,
		"unmute " + mod.name + " " + vic.name,
		"where " + mod.name + " " + cat.name,
		"goto " + mod2.name + " " + cat.name,
		"summon " + admin.name + " " + pat.name,
		"heal " + mod.name + " " + cat.name,
		"heal " + admin.name + " " + admin.name,
		"kick " + admin.name + " " + pat.name,
		"broadcast " + admin.name + " ",
		"ban " + admin.name + " " + vic.name,
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ban := log[len(log)-1]; ban.Detail != "24h0m0s" || !strings.HasPrefix(ban.Reason, "cheating cheating") {
		t.Errorf("the ban's row = %+v", ban)
	}
}

func TestAMuteEnds(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.MOTD = "" })
	mod := joinWithRole(t, c, "", store.RoleModerator)
	vic := joinAs(t, c, "")

	mod.command(t, "/mute "+vic.name+" 2s calm down")
	vic.told(t, "A moderator muted you for 2s: Calm down.")
	start := time.Now()
	vic.say(t, protocol.Chat{Channel: protocol.ChannelSay, Text: "but"})
	vic.told(t, "You are muted for ")
	// Once the two seconds are over, with no unmute, the player speaks.
	time.Sleep(2*time.Second - time.Since(start) + 100*time.Millisecond)
	vic.say(t, protocol.Chat{Channel: protocol.ChannelSay, Text: "free at last"})
	if l := vic.hear(t, protocol.ChannelSay); l.Text != "free at last" {
		t.Errorf("after the mute ended vic's say came back as %+v", l)
	}
}

// auditLog returns the master's audit log, oldest first.
func auditLog(t *testing.T, c *devcluster.Cluster) []store.AuditEntry {
	t.Helper()
	db, err := c.OpenMasterDB(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log, err := db.AuditLog(t.Context(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(log)
	return log
}

// auditTrail is the audit log as "ACTION ACTOR TARGET" lines.
func auditTrail(log []store.AuditEntry) []string {
	var lines []string
	for _, e := range log {
		lines = append(lines, string(e.Action)+" "+e.ActorName+" "+e.TargetName)
	}
	return lines
}
