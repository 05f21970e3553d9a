package devcluster_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// chatter is a player in the world, connected over a real socket.
type chatter struct {
	name string
	conn *client.Conn
}

// joinAs enters a new guest's character, optionally placed on another map
// first.
func joinAs(t *testing.T, c *devcluster.Cluster, onMap string) chatter {
	t.Helper()
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.Guest(t.Context()); err != nil {
		t.Fatal(err)
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
	enter, err := gw.Enter(t.Context(), c.World.ID(), ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.Join(t.Context(), enter.URL, enter.Token)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(protocol.CloseLogout) })
	return chatter{ch.Name, conn}
}

// hear reads p's messages until a chat line on channel arrives, and
// returns it.
func (p chatter) hear(t *testing.T, channel protocol.Channel) protocol.ChatLine {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for {
		m, err := p.conn.Recv(ctx)
		if err != nil {
			t.Fatalf("%s waiting for a %v line: %v", p.name, channel, err)
		}
		if l, ok := m.(protocol.ChatLine); ok && l.Channel == channel {
			return l
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
