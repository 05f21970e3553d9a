package ui

import (
	"fmt"
	"image"
	"slices"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

func TestTheChatKeepsTheLastLines(t *testing.T) {
	f, _ := newFightSession(t)
	channels := []protocol.Channel{protocol.ChannelSay, protocol.ChannelWhisper, protocol.ChannelParty,
		protocol.ChannelWhisperSent, protocol.ChannelSystem, protocol.ChannelInvite}
	for i := range 60 {
		m := protocol.ChatLine{Channel: channels[i%len(channels)], From: "Ann", Text: fmt.Sprint("line ", i)}
		if err := f.s.apply(m, f.now); err != nil {
			t.Fatal(err)
		}
	}
	var so social
	f.s.socialInto(&so)
	if len(so.lines) != maxChatLines || so.lines[0].text != "line 10" || so.lines[maxChatLines-1].text != "line 59" {
		t.Fatalf("the chat keeps %d lines, %q to %q; want the last %d, line 10 to line 59",
			len(so.lines), so.lines[0].text, so.lines[len(so.lines)-1].text, maxChatLines)
	}
	snap := f.describe()
	if len(snap.Chat) != maxChatShown {
		t.Fatalf("the test hook lists %d lines, want %d", len(snap.Chat), maxChatShown)
	}
	want := []string{"say", "whisper", "party", "whisper-sent", "system", "invite"}
	for i, l := range snap.Chat {
		n := 40 + i
		if l.Text != fmt.Sprint("line ", n) || l.From != "Ann" || l.Channel != want[n%len(want)] {
			t.Errorf("chat[%d] = %+v, want line %d on %s", i, l, n, want[n%len(want)])
		}
	}
}

func TestChatLinesShowAsTheirChannelSays(t *testing.T) {
	for _, c := range []struct {
		line chatLine
		want string
	}{
		{chatLine{channel: protocol.ChannelSay, from: "Ann", text: "hi"}, "Ann: hi"},
		{chatLine{channel: protocol.ChannelWhisper, from: "Ann", text: "psst"}, "Ann: psst"},
		{chatLine{channel: protocol.ChannelWhisperSent, from: "Bob", text: "psst"}, "To Bob: psst"},
		{chatLine{channel: protocol.ChannelParty, from: "Ann", text: "go"}, "Ann: go"},
		{chatLine{channel: protocol.ChannelSystem, text: "Slow down."}, "Slow down."},
		{chatLine{channel: protocol.ChannelInvite, from: "Ann", text: "Ann invites you to a party."}, "Ann invites you to a party."},
	} {
		if got := chatText(&c.line); got != c.want {
			t.Errorf("%v line shows %q, want %q", c.line.channel, got, c.want)
		}
	}
	seen := map[[4]uint8]protocol.Channel{}
	for ch := protocol.ChannelSay; ch <= protocol.ChannelInvite; ch++ {
		c := chatColour(ch)
		if other, ok := seen[[4]uint8{c.R, c.G, c.B, c.A}]; ok {
			t.Errorf("channels %v and %v share a colour", other, ch)
		}
		seen[[4]uint8{c.R, c.G, c.B, c.A}] = ch
	}
}

func TestTheSessionShowsThePartySaysAndOwner(t *testing.T) {
	f, spawn := newFightSession(t)
	bobAt := rules.Vec{X: spawn.X + 20*rules.SubpixelsPerPixel, Y: spawn.Y}
	eveAt := rules.Vec{X: spawn.X - 20*rules.SubpixelsPerPixel, Y: spawn.Y}
	f.world(protocol.Snapshot{Spawns: []protocol.EntityProps{
		npcSpawn(0, bobAt, protocol.SpriteRogue, "Bob", 50, 50),
		npcSpawn(1, eveAt, protocol.SpriteWizard, "Eve", 50, 50),
	}})
	for _, m := range []protocol.Message{
		protocol.Party{Leader: "Ann", Members: []string{"Ann", "Me", "Bob"}},
		protocol.ChatLine{Channel: protocol.ChannelSay, From: "Bob", Text: "hello"},
		protocol.ChatLine{Channel: protocol.ChannelParty, From: "Eve", Text: "not a say"},
		protocol.ChatLine{Channel: protocol.ChannelSay, From: "Me", Text: "hi Bob"},
	} {
		if err := f.s.apply(m, f.now); err != nil {
			t.Fatal(err)
		}
	}
	snap := f.describe()
	if p := snap.Party; p == nil || p.Leader != "Ann" || len(p.Members) != 3 || p.Members[2].Name != "Bob" || !p.Members[2].Online || p.Members[2].MaxHP != 0 {
		t.Fatalf("party = %+v, want Ann leading Ann, Me and Bob, online until told otherwise, vitals unknown", p)
	}
	party := map[string]bool{}
	for _, o := range snap.Others {
		party[o.Name] = o.Party
	}
	if !party["Bob"] || party["Eve"] {
		t.Errorf("others marked in the party: %v; want Bob, not Eve", party)
	}
	says := map[string]string{}
	sc := f.scene()
	for _, e := range sc.entities {
		says[e.name] = e.says
		if (e.name == "Bob") != e.party {
			t.Errorf("%s is drawn with party %v", e.name, e.party)
		}
	}
	if says["Bob"] != "hello" || says["Me"] != "hi Bob" || says["Eve"] != "" {
		t.Errorf("bubbles say %q; want Bob's hello and the player's own line, nothing of Eve's party line", says)
	}
	f.now = f.now.Add(sayTime)
	for _, e := range f.scene().entities {
		if e.says != "" {
			t.Errorf("%s still says %q after %v", e.name, e.says, sayTime)
		}
	}

	vitals := []protocol.MemberVitals{{HP: 0, MaxHP: 0}, {HP: 40, MaxHP: 100, MP: 5, MaxMP: 50}, {HP: 90, MaxHP: 90, MP: 30, MaxMP: 30}}
	for _, m := range []protocol.Message{
		protocol.PartyVitals{Members: vitals},
		protocol.PartyVitals{Members: vitals[:2]}, // of a party that changed since: ignored
	} {
		if err := f.s.apply(m, f.now); err != nil {
			t.Fatal(err)
		}
	}
	want := []PartyMember{{Name: "Ann"}, {Name: "Me", HP: 40, MaxHP: 100, MP: 5, MaxMP: 50, Online: true}, {Name: "Bob", HP: 90, MaxHP: 90, MP: 30, MaxMP: 30, Online: true}}
	if got := f.describe().Party.Members; !slices.Equal(got, want) {
		t.Errorf("members with their vitals = %+v, want %+v", got, want)
	}
	if err := f.s.apply(protocol.Party{Leader: "Ann", Members: []string{"Ann", "Me"}}, f.now); err != nil {
		t.Fatal(err)
	}
	if got := f.describe().Party.Members; got[1].MaxHP != 0 || !got[1].Online {
		t.Errorf("after Bob left, the player shows %+v; want the old vitals forgotten", got[1])
	}

	if err := f.s.apply(protocol.MapChange{Map: "overworld", X: spawn.X, Y: spawn.Y, Tick: f.tick, Owner: "Ann"}, f.now); err != nil {
		t.Fatal(err)
	}
	if snap := f.describe(); snap.Owner != "Ann" {
		t.Errorf("owner = %q after a MapChange into Ann's instance", snap.Owner)
	}
	if err := f.s.apply(protocol.Party{}, f.now); err != nil {
		t.Fatal(err)
	}
	if snap := f.describe(); snap.Party != nil {
		t.Errorf("party = %+v after leaving it, want nil", snap.Party)
	}
}

func TestAnInvitationWaitsAMinute(t *testing.T) {
	f, _ := newFightSession(t)
	if err := f.s.apply(protocol.ChatLine{Channel: protocol.ChannelInvite, From: "Ann", Text: "Ann invites you to a party."}, f.now); err != nil {
		t.Fatal(err)
	}
	if got := f.describe().Invite; got != "Ann" {
		t.Fatalf("invite = %q, want Ann", got)
	}
	f.s.expireInvite(f.now.Add(inviteTime - time.Second))
	if got := f.describe().Invite; got != "Ann" {
		t.Fatalf("invite = %q a second before it expires, want Ann", got)
	}
	f.s.expireInvite(f.now.Add(inviteTime))
	if got := f.describe().Invite; got != "" {
		t.Errorf("invite = %q after %v, want none", got, inviteTime)
	}
}

func TestPlaceTitleNamesTheInstancesOwner(t *testing.T) {
	for _, c := range []struct{ owner, leader, want string }{
		{"", "", "Crypt"},
		{"", "Ann", "Crypt"},
		{"Ann", "Ann", "Crypt — Ann's party"},
		{"Ann", "", "Ann's Crypt"},
	} {
		if got := placeTitle("Crypt", c.owner, c.leader); got != c.want {
			t.Errorf("placeTitle(Crypt, %q, %q) = %q, want %q", c.owner, c.leader, got, c.want)
		}
	}
}

func TestTypingDoesNotWalkOrAttack(t *testing.T) {
	th, err := newTheme()
	if err != nil {
		t.Fatal(err)
	}
	held := []ebiten.Key{ebiten.KeyW, ebiten.KeySpace}
	c := controls{theme: th, keyDown: func(k ebiten.Key) bool { return slices.Contains(held, k) }}
	noWidget := func(image.Point) bool { return false }
	dir, _ := c.read(800, 600, image.Pt(400, 300), noWidget)
	if dir != protocol.DirN || c.buttons() != protocol.ButtonPrimary {
		t.Fatalf("W and Space held walk %v; want north and the basic attack", dir)
	}
	c.typing = true
	dir, _ = c.read(800, 600, image.Pt(400, 300), noWidget)
	c.buttons() // Space as pressed before typing
	if b := c.buttons(); dir != protocol.DirNone || b != 0 {
		t.Errorf("while typing, W and Space held walk %v with buttons %v; want nothing", dir, b)
	}
}
