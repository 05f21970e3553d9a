package bots

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// TestSocialBots places social bots in the dungeon entrance, one map from
// the Dungeon: they chat, every whisper and party line reaches its
// recipients, parties form and go into the Dungeon together, each into
// its own private instance, and walking stays in sync.
func TestSocialBots(t *testing.T) {
	const n = 6 // parties of 2 and 3, and one bot alone
	entrance, err := maps.Load("dungeon_entrance")
	if err != nil {
		t.Fatal(err)
	}
	spawn, _ := entrance.Spawn("from_overworld")
	cfg := Config{Count: n, AccountPrefix: "social", Password: "social password"}
	c := firstVisit(t, clusterConfig(t.TempDir()), cfg, placeAt("dungeon_entrance", spawn))
	cfg.Gateway, cfg.Duration, cfg.Scenario = c.URL(), 25*time.Second, ScenarioSocial
	sum, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Logf("summary: %+v", sum)
	if sum.Entered != n || sum.Failed != 0 || sum.Desyncs != 0 {
		t.Fatalf("entered %d, failed %d (%v), desyncs %d; want all in, none failed, no desyncs", sum.Entered, sum.Failed, sum.Errors, sum.Desyncs)
	}
	if sum.ChatSent == 0 || sum.Whispers == 0 || sum.ChatReceived == 0 || sum.ChatExpected == 0 {
		t.Errorf("chat sent %d, whispers %d, received %d, expected %d; want bots that talk and hear each other",
			sum.ChatSent, sum.Whispers, sum.ChatReceived, sum.ChatExpected)
	}
	if sum.ChatLost != 0 || sum.ChatRefused != 0 {
		t.Errorf("chat lost %d of %d, refused %d; want every line delivered, none refused", sum.ChatLost, sum.ChatExpected, sum.ChatRefused)
	}
	if sum.PartiesFormed != 2 {
		t.Errorf("parties formed %d, want 2", sum.PartiesFormed)
	}
	if sum.PrivateInstances < 1 || sum.PartyDungeons < 1 || sum.PartySplits != 0 {
		t.Errorf("private instances %d, parties met in the dungeon %d, split arrivals %d; want parties in their own instance",
			sum.PrivateInstances, sum.PartyDungeons, sum.PartySplits)
	}
}

func TestGroupsAreConsecutiveOfTwoToFive(t *testing.T) {
	const n = 16 // 2+3+4+5, then 2 cut to 2
	want := []struct{ first, size int }{
		{0, 2}, {0, 2}, {2, 3}, {2, 3}, {2, 3}, {5, 4}, {5, 4}, {5, 4}, {5, 4},
		{9, 5}, {9, 5}, {9, 5}, {9, 5}, {9, 5}, {14, 2}, {14, 2},
	}
	for i, w := range want {
		if first, size := group(i, n); first != w.first || size != w.size {
			t.Errorf("group(%d, %d) = %d, %d; want %d, %d", i, n, first, size, w.first, w.size)
		}
	}
	if first, size := group(6, 7); first != 5 || size != 2 {
		t.Errorf("group(6, 7) = %d, %d; want the last group cut to 5, 2", first, size)
	}
	if first, size := group(5, 6); first != 5 || size != 1 {
		t.Errorf("group(5, 6) = %d, %d; want a bot alone at 5, 1", first, size)
	}
}

func TestTagOf(t *testing.T) {
	if tag, from, ok := tagOf("hello all [12.7]"); !ok || tag != "12.7" || from != 12 {
		t.Errorf(`tagOf("hello all [12.7]") = %q, %d, %v; want "12.7", 12, true`, tag, from, ok)
	}
	for _, text := range []string{"/invite Bob", "hello [x.1]", "[3.1] trailing", "no tag"} {
		if _, _, ok := tagOf(text); ok {
			t.Errorf("tagOf(%q) found a tag, want none", text)
		}
	}
}

// TestRouteToTheDungeon checks the way the game's maps lead from the
// overworld to the Dungeon: through the dungeon entrance.
func TestRouteToTheDungeon(t *testing.T) {
	mc := client.NewMapCache(nil)
	for from, want := range map[string]string{"overworld": "dungeon_entrance", "dungeon_entrance": dungeonMap, dungeonMap: ""} {
		if hop, err := nextHop(mc, from, dungeonMap); err != nil || hop != want {
			t.Errorf("nextHop(%s, dungeon) = %q, %v; want %q", from, hop, err, want)
		}
	}
}

// TestNoWhisperToABotLeaving has a bot answer a whisper from one that is
// about to leave: the answer becomes a say, which nobody is owed, and the
// bot says no more than one line in chatEvery.
func TestNoWhisperToABotLeaving(t *testing.T) {
	now := time.Now()
	soc := newSociety(3)
	soc.enter(1, "Ann", now.Add(time.Minute)) // a party member, who invites nobody
	soc.enter(2, "Bob", now.Add(chatGrace/2))
	ann := newSocialite(soc, rand.New(rand.NewPCG(1, 2)), 1, 3, "Ann", now)
	ann.queue = append(ann.queue, protocol.Chat{Channel: protocol.ChannelWhisper, To: "Bob", Text: ann.tagged("hi back")})
	c, ok := ann.line(now.Add(chatEvery))
	if _, _, tagged := tagOf(c.Text); !ok || c.Channel != protocol.ChannelSay || !tagged {
		t.Fatalf("line = %+v, %v; want a say instead of a whisper to a bot leaving", c, ok)
	}
	if soc.expected != 0 || ann.stats.whispers != 0 || ann.stats.sent != 1 {
		t.Errorf("expected %d, whispers %d, sent %d; want the say alone counted", soc.expected, ann.stats.whispers, ann.stats.sent)
	}
	if c, ok := ann.line(now.Add(chatEvery + chatEvery - time.Millisecond)); ok {
		t.Errorf("a second line %+v within %v of the first, want none", c, chatEvery)
	}
}
