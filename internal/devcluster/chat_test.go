package devcluster_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/world"
)

// chatter is a player in the world, connected over a real socket, with
// its gateway session and character for entering again.
type chatter struct {
	name string
	conn *client.Conn
	gw   *client.Gateway
	id   int64 // the character's
}

// joinAs enters a new guest's character, optionally placed on another map
// first.
func joinAs(t *testing.T, c *devcluster.Cluster, onMap string) chatter {
	t.Helper()
	return joinWithRole(t, c, onMap, store.RolePlayer)
}

// joinWithRole enters a new guest's character, as joinAs does, after
// giving the guest's account role.
func joinWithRole(t *testing.T, c *devcluster.Cluster, onMap string, role store.Role) chatter {
	t.Helper()
	gw := client.NewGateway(c.URL(), nil)
	s, err := gw.Guest(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if role != store.RolePlayer {
		db, err := c.OpenMasterDB(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.SetRole(t.Context(), s.Account.ID, role); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := gw.CreateCharacter(t.Context(), c.World.ID(), "Talker"+gw.Session().Account.Username[6:12], api.ClassWizard)
	if err != nil {
		t.Fatal(err)
	}
	if onMap != "" {
		m, err := maps.Load(onMap)
		if err != nil {
			t.Fatal(err)
		}
		spawn, _ := m.Spawn("default")
		if err := c.PlaceCharacter(t.Context(), ch.ID, onMap, spawn); err != nil {
			t.Fatal(err)
		}
	}
	return chatter{name: ch.Name, gw: gw, id: ch.ID}.enter(t, c)
}

// enter enters p's character into c's world again, and returns p on the
// new connection.
func (p chatter) enter(t *testing.T, c *devcluster.Cluster) chatter {
	t.Helper()
	enter, err := p.gw.Enter(t.Context(), c.World.ID(), p.id)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.Join(t.Context(), enter.URL, enter.Token)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(protocol.CloseLogout) })
	p.conn = conn
	return p
}

// hear reads p's messages until a chat line on channel arrives, and
// returns it.
func (p chatter) hear(t *testing.T, channel protocol.Channel) protocol.ChatLine {
	t.Helper()
	return awaitMessage(t, p, fmt.Sprintf("a %v line", channel), 5*time.Second, func(l protocol.ChatLine) bool { return l.Channel == channel })
}

// awaitMessage reads p's messages until one of type M that match accepts,
// and returns it; it fails the test, saying it was waiting for what, if
// none comes within timeout.
func awaitMessage[M protocol.Message](t *testing.T, p chatter, what string, timeout time.Duration, match func(M) bool) M {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	for {
		m, err := p.conn.Recv(ctx)
		if err != nil {
			t.Fatalf("%s waiting for %s: %v", p.name, what, err)
		}
		if v, ok := m.(M); ok && match(v) {
			return v
		}
	}
}

// every accepts every message.
func every[M protocol.Message](M) bool { return true }

// told reads p's system lines until one that starts with prefix, and
// returns it; it fails the test if none comes.
func (p chatter) told(t *testing.T, prefix string) string {
	t.Helper()
	var heard []string
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for {
		m, err := p.conn.Recv(ctx)
		if err != nil {
			t.Fatalf("%s was told %q, never %q: %v", p.name, heard, prefix, err)
		}
		if l, ok := m.(protocol.ChatLine); ok && l.Channel == protocol.ChannelSystem {
			if strings.HasPrefix(l.Text, prefix) {
				return l.Text
			}
			heard = append(heard, l.Text)
		}
	}
}

func (p chatter) say(t *testing.T, m protocol.Chat) {
	t.Helper()
	if err := p.conn.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
}

func TestChat(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.MOTD = "Be kind." })
	ann := joinAs(t, c, "")
	bob := joinAs(t, c, "")
	cat := joinAs(t, c, "dungeon_entrance") // on another map: another instance
	if l := ann.hear(t, protocol.ChannelSystem); l.Text != "Be kind." {
		t.Errorf("on entering: %+v, want the message of the day", l)
	}

	// A say reaches everyone in the instance, speaker included, cleaned.
	ann.say(t, protocol.Chat{Channel: protocol.ChannelSay, Text: "  hello\x1b[2J there\n "})
	for _, p := range []chatter{ann, bob} {
		if l := p.hear(t, protocol.ChannelSay); l.From != ann.name || l.Text != "hello[2J there" {
			t.Errorf("%s heard %+v, want %q from %s", p.name, l, "hello[2J there", ann.name)
		}
	}

	// A whisper reaches a player on another map, by name in any case, and
	// the speaker hears it echoed.
	ann.say(t, protocol.Chat{Channel: protocol.ChannelWhisper, To: strings.ToUpper(cat.name), Text: "psst"})
	if l := cat.hear(t, protocol.ChannelWhisper); l.From != ann.name || l.Text != "psst" {
		t.Errorf("the whisper arrived as %+v", l)
	}
	if l := ann.hear(t, protocol.ChannelWhisperSent); l.From != cat.name || l.Text != "psst" {
		t.Errorf("the whisper's echo is %+v", l)
	}
	// To someone offline, or too long: told why.
	ann.say(t, protocol.Chat{Channel: protocol.ChannelWhisper, To: "Nobody", Text: "hello?"})
	if l := ann.hear(t, protocol.ChannelSystem); l.Text != "Nobody is not online." {
		t.Errorf("a whisper to nobody: %+v", l)
	}
	bob.say(t, protocol.Chat{Channel: protocol.ChannelSay, Text: strings.Repeat("a", 201)})
	if l := bob.hear(t, protocol.ChannelSystem); !strings.Contains(l.Text, "at most 200 characters") {
		t.Errorf("a line of 201 characters: %+v", l)
	}

	// Five lines in ten seconds, then "slow down"; nobody else hears the
	// sixth.
	for i := range 5 {
		bob.say(t, protocol.Chat{Channel: protocol.ChannelSay, Text: "spam"})
		if l := bob.hear(t, protocol.ChannelSay); l.Text != "spam" {
			t.Fatalf("line %d: %+v", i+1, l)
		}
	}
	bob.say(t, protocol.Chat{Channel: protocol.ChannelSay, Text: "one too many"})
	if l := bob.hear(t, protocol.ChannelSystem); !strings.HasPrefix(l.Text, "Slow down") {
		t.Errorf("a sixth line in 10 s: %+v, want to be told to slow down", l)
	}
	bob.say(t, protocol.Chat{Channel: protocol.ChannelParty, Text: "team?"})
	if l := bob.hear(t, protocol.ChannelSystem); !strings.HasPrefix(l.Text, "Slow down") {
		t.Errorf("a seventh line: %+v, want to be told to slow down", l)
	}
	// Ann heard Bob's five lines, not the refused one, before her own.
	ann.say(t, protocol.Chat{Channel: protocol.ChannelSay, Text: "done"})
	var heard []string
	for l := ann.hear(t, protocol.ChannelSay); l.Text != "done"; l = ann.hear(t, protocol.ChannelSay) {
		heard = append(heard, l.Text)
	}
	if strings.Join(heard, ",") != "spam,spam,spam,spam,spam" {
		t.Errorf("ann heard %q from bob, want his five lines and nothing more", heard)
	}
}

// hearParty reads p's messages until a Party message arrives.
func (p chatter) hearParty(t *testing.T) protocol.Party {
	t.Helper()
	return awaitMessage(t, p, "its party", 5*time.Second, every[protocol.Party])
}

// command says a command line.
func (p chatter) command(t *testing.T, line string) {
	t.Helper()
	p.say(t, protocol.Chat{Channel: protocol.ChannelSay, Text: line})
}

// walkInto walks p north until its next MapChange, and returns it.
func (p chatter) walkInto(t *testing.T, welcome protocol.Welcome) protocol.MapChange {
	t.Helper()
	if err := p.conn.Send(t.Context(), protocol.Input{Seq: 1, Tick: welcome.Tick + 1, Move: protocol.DirN}); err != nil {
		t.Fatal(err)
	}
	return awaitMessage(t, p, "the portal", 10*time.Second, every[protocol.MapChange])
}

func TestPartiesChatAndShareTheirDungeon(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.MOTD = "" })
	// Everyone starts just below the portal to the Dungeon.
	var players []chatter
	var welcomes []protocol.Welcome
	for range 4 {
		p := joinAs(t, c, "dungeon_entrance")
		players = append(players, p)
		welcomes = append(welcomes, p.conn.Welcome)
	}
	ann, bob, cat, dan := players[0], players[1], players[2], players[3]

	ann.command(t, "/invite "+bob.name)
	if l := bob.hear(t, protocol.ChannelInvite); l.From != ann.name {
		t.Fatalf("bob's invitation: %+v", l)
	}
	if p := ann.hearParty(t); p.Leader != ann.name || len(p.Members) != 1 {
		t.Errorf("ann's party after inviting: %+v, want her alone, leading", p)
	}
	bob.command(t, "/accept")
	for _, p := range []chatter{ann, bob} {
		if party := p.hearParty(t); party.Leader != ann.name || strings.Join(party.Members, ",") != ann.name+","+bob.name {
			t.Errorf("%s's party: %+v, want ann leading ann and bob", p.name, party)
		}
	}
	// The party frame: both members online, at full health and mana.
	class, _ := rules.ClassNamed("wizard")
	wizard := class.StatsAt(1)
	full := protocol.MemberVitals{HP: uint32(wizard.MaxHP), MaxHP: uint32(wizard.MaxHP), MP: uint32(wizard.MaxMP), MaxMP: uint32(wizard.MaxMP)}
	awaitMessage(t, bob, "both members' vitals", 5*time.Second, func(v protocol.PartyVitals) bool {
		return len(v.Members) == 2 && v.Members[0] == full && v.Members[1] == full
	})
	// Only the leader invites; a stranger gets no party chat.
	bob.command(t, "/invite "+cat.name)
	bob.told(t, "Only the party's leader may invite.")
	bob.command(t, "/p ready?")
	for _, p := range []chatter{ann, bob} {
		if l := p.hear(t, protocol.ChannelParty); l.From != bob.name || l.Text != "ready?" {
			t.Errorf("%s heard %+v on the party channel", p.name, l)
		}
	}
	// Whisper and reply.
	cat.command(t, "/w "+ann.name+" hello there")
	if l := ann.hear(t, protocol.ChannelWhisper); l.Text != "hello there" {
		t.Errorf("the whisper: %+v", l)
	}
	ann.command(t, "/r hi cat")
	if l := cat.hear(t, protocol.ChannelWhisper); l.From != ann.name || l.Text != "hi cat" {
		t.Errorf("the reply: %+v", l)
	}
	cat.command(t, "/dance")
	cat.told(t, "Unknown command /dance. Try /help.")
	cat.command(t, "/invite")
	cat.told(t, "Usage: /invite NAME")

	// The party's members share one private Dungeon; others get their own.
	instance := map[string]uint32{}
	for i, p := range []chatter{ann, bob, cat} {
		mc := p.walkInto(t, welcomes[i])
		if mc.Map != "dungeon" {
			t.Fatalf("%s went to %q", p.name, mc.Map)
		}
		if owner := map[bool]string{true: ann.name, false: cat.name}[p != cat]; mc.Owner != owner {
			t.Errorf("%s's dungeon belongs to %q, want %q", p.name, mc.Owner, owner)
		}
		instance[p.name] = mc.Instance
	}
	if instance[ann.name] != instance[bob.name] || instance[cat.name] == instance[ann.name] {
		t.Errorf("dungeon instances %v: want ann and bob together, cat alone", instance)
	}

	// The leader kicks; a party of one is disbanded.
	ann.command(t, "/kick "+bob.name)
	if p := bob.hearParty(t); len(p.Members) != 0 {
		t.Errorf("bob's party after the kick: %+v, want none", p)
	}
	if p := ann.hearParty(t); len(p.Members) != 0 {
		t.Errorf("ann's party alone: %+v, want it disbanded", p)
	}

	// An invitation turned down: the inviter is told, and the invitee is
	// in no party and has nothing left to accept.
	ann.command(t, "/invite "+dan.name)
	if l := dan.hear(t, protocol.ChannelInvite); l.From != ann.name {
		t.Fatalf("dan's invitation: %+v", l)
	}
	if p := ann.hearParty(t); len(p.Members) != 1 {
		t.Errorf("ann's party while her invitation waits: %+v, want her alone", p)
	}
	dan.command(t, "/decline")
	dan.told(t, "You declined.")
	ann.told(t, dan.name+" declined the invitation.")
	// Nobody else was asked: the party of one ends.
	if p := ann.hearParty(t); len(p.Members) != 0 {
		t.Errorf("ann's party after the only invitation was declined: %+v, want none", p)
	}
	dan.command(t, "/p anyone?")
	dan.told(t, "You are not in a party.")
	dan.command(t, "/accept")
	dan.told(t, "You have no invitation.")
}

func TestPartiesHoldFiveAndHandTheLeadOver(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.MOTD = "" })
	var players []chatter
	for range 6 {
		players = append(players, joinAs(t, c, ""))
	}
	ann, bob, last := players[0], players[1], players[5]

	// Ann fills her party: herself and four more.
	for _, p := range players[1:5] {
		ann.command(t, "/invite "+p.name)
		p.hear(t, protocol.ChannelInvite)
		p.command(t, "/accept")
	}
	full := awaitMessage(t, ann, "a party of five", 5*time.Second, func(p protocol.Party) bool { return len(p.Members) == 5 })
	if full.Leader != ann.name {
		t.Errorf("the full party: %+v, want ann leading", full)
	}

	// She hands the lead to Bob, who finds no room for a sixth.
	ann.command(t, "/leader "+bob.name)
	if p := awaitMessage(t, ann, "bob leading", 5*time.Second, func(p protocol.Party) bool { return p.Leader == bob.name }); len(p.Members) != 5 {
		t.Errorf("after the hand-over: %+v, want the five, bob leading", p)
	}
	bob.told(t, bob.name+" leads the party now.")
	bob.command(t, "/invite "+last.name)
	bob.told(t, fmt.Sprintf("The party is full (%d).", world.MaxPartySize))
	bob.command(t, "/leader "+ann.name+"x")
	bob.told(t, ann.name+"x is not another member of your party.")

	// A leader who leaves hands the lead to the first member left.
	bob.command(t, "/leave")
	if p := awaitMessage(t, ann, "the party without bob", 5*time.Second, func(p protocol.Party) bool { return len(p.Members) == 4 }); p.Leader != ann.name {
		t.Errorf("after the leader left: %+v, want ann leading the four left", p)
	}
	ann.told(t, bob.name+" left the party. "+ann.name+" leads the party now.")
	// The old leader's invitation rights went with the lead.
	bob.command(t, "/invite "+last.name)
	bob.told(t, "You invited "+last.name+".")
}
