package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/ui"
)

// chat types line into p's chat box as a player does: Enter opens it,
// then the line, then Enter sends it.
func (p *player) chat(t *testing.T, line string) {
	t.Helper()
	key(t, p.ctx, "Enter", 13, func(s *ui.Snapshot) bool { return s.ChatFocused })
	textInputReady(t, p.ctx)
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent(line)); err != nil {
		t.Fatalf("%s typing %q: %v", p.name, line, err)
	}
	waitFor(t, p.ctx, p.name+"'s line in the chat box", 10*time.Second, func(s *ui.Snapshot) bool {
		w := widget(s, "chat.input")
		return w != nil && w.Value == line
	})
	key(t, p.ctx, "Enter", 13, func(s *ui.Snapshot) bool { return !s.ChatFocused })
}

// hears waits until p's chat box shows a line on channel from whom (""
// for any) whose text contains text, and returns that text.
func (p *player) hears(t *testing.T, channel, from, text string) string {
	t.Helper()
	var heard string
	waitFor(t, p.ctx, p.name+" hearing "+channel+" "+text, 15*time.Second, func(s *ui.Snapshot) bool {
		i := slices.IndexFunc(s.Chat, func(l ui.ChatEntry) bool {
			return l.Channel == channel && (from == "" || l.From == from) && strings.Contains(l.Text, text)
		})
		if i >= 0 {
			heard = s.Chat[i].Text
		}
		return i >= 0
	})
	return heard
}

// enterDungeon walks p north from the Dungeon's entrance through the
// portal, and returns its state in the Dungeon once the prediction has
// settled there. It walks in short steps: the portal back lies a little
// north of the arrival, and a key held a moment too long in a slow browser
// would carry the player back out.
func (p *player) enterDungeon(t *testing.T) *ui.Snapshot {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		hold(t, p.ctx, up.name, up.code, 250*time.Millisecond)
		s := waitFor(t, p.ctx, p.name+"'s step to settle", 30*time.Second, settled)
		if s.Map == "dungeon" {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still on %q at %+v after 90 s of walking north", p.name, s.Map, s.Server)
		}
	}
}

// TestAPartyChatsAndSharesItsDungeon plays three players in three browsers:
// Ann and Bob form a party by typing commands in the chat box, whisper to
// each other and enter one private Dungeon together; Cat, who enters
// alone, is in another copy and sees neither. Ann, a moderator, mutes Cat,
// whose next line is refused with the time left.
func TestAPartyChatsAndSharesItsDungeon(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))
	entrance, err := maps.Load("dungeon_entrance")
	if err != nil {
		t.Fatal(err)
	}
	// Where those back from the Dungeon arrive: just south of its portal,
	// in a safe zone, away from the graveyard's rats.
	// The graveyard's rats are near, so they are Knights of the top level,
	// whom rats barely scratch.
	spawn, _ := entrance.Spawn("from_dungeon")
	knight, _ := rules.ClassNamed("knight")
	top := knight.StatsAt(rules.MaxLevel)
	atTheEntrance := func(s *store.Character) {
		s.Map, s.X, s.Y = "dungeon_entrance", spawn.X, spawn.Y
		s.Level = rules.MaxLevel
		s.HP, s.MaxHP, s.MP, s.MaxMP = int(top.MaxHP), int(top.MaxHP), int(top.MaxMP), int(top.MaxMP)
	}
	ann := newPlayer(t, c, "ann_mod", "Ann", api.ClassKnight, atTheEntrance)
	bob := newPlayer(t, c, "bob_player", "Bob", api.ClassKnight, atTheEntrance)
	cat := newPlayer(t, c, "cat_player", "Cat", api.ClassKnight, atTheEntrance)
	db, err := c.OpenMasterDB(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	account, err := db.AccountByUsername(t.Context(), ann.user)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetRole(t.Context(), account.ID, store.RoleModerator); err != nil {
		t.Fatal(err)
	}

	// Ann invites Bob from the chat box; Bob clicks Accept on the prompt.
	ann.playAs(t, c)
	bob.playAs(t, c)
	ann.chat(t, "/invite Bob")
	waitFor(t, bob.ctx, "Ann's invitation", 15*time.Second, func(s *ui.Snapshot) bool { return s.Invite == ann.name })
	click(t, bob.ctx, "invite.accept")
	for _, p := range []*player{ann, bob} {
		s := waitFor(t, p.ctx, p.name+"'s party of two", 15*time.Second, func(s *ui.Snapshot) bool {
			return s.Party != nil && len(s.Party.Members) == 2 && s.Party.Members[1].Online && s.Party.Members[1].MaxHP > 0
		})
		if s.Party.Leader != ann.name || s.Party.Members[0].Name != ann.name || s.Party.Members[1].Name != bob.name {
			t.Errorf("%s's party frame: %+v, want Ann leading Ann and Bob", p.name, s.Party)
		}
	}

	// They whisper, and talk in the party.
	ann.chat(t, "/w Bob meet me in the dungeon")
	bob.hears(t, "whisper", ann.name, "meet me in the dungeon")
	bob.chat(t, "/r on my way")
	ann.hears(t, "whisper", bob.name, "on my way")
	bob.chat(t, "/p ready")
	ann.hears(t, "party", bob.name, "ready")

	// Into one private Dungeon, whose owner the game shows.
	for _, p := range []*player{ann, bob} {
		if s := p.enterDungeon(t); s.Owner != ann.name || s.Desyncs != 0 {
			t.Errorf("%s in the Dungeon: owner %q, %d desyncs; want Ann's, none", p.name, s.Owner, s.Desyncs)
		}
	}
	waitFor(t, ann.ctx, "Bob beside Ann, marked as her party's", 15*time.Second, func(s *ui.Snapshot) bool {
		i := slices.IndexFunc(s.Others, func(o ui.Other) bool { return o.Name == bob.name })
		return i >= 0 && s.Others[i].Party
	})
	ann.chat(t, "here at last")
	bob.hears(t, "say", ann.name, "here at last")
	docShot(t, ann.ctx, "chat-party")

	// Cat enters alone: its own copy, with neither of them in it.
	cat.playAs(t, c)
	s := cat.enterDungeon(t)
	if s.Owner != cat.name {
		t.Errorf("Cat's Dungeon belongs to %q, want Cat's own", s.Owner)
	}
	time.Sleep(time.Second) // a second of snapshots, in which they would have appeared
	if s, err := state(cat.ctx); err != nil || s == nil {
		t.Fatalf("reading Cat's state: %v", err)
	} else {
		for _, o := range s.Others {
			if o.Name == ann.name || o.Name == bob.name {
				t.Errorf("Cat sees %s in its private Dungeon", o.Name)
			}
		}
	}

	// Ann mutes Cat; Cat's next line is refused with the time left.
	ann.chat(t, "/mute Cat 10m spamming")
	ann.hears(t, "system", "", "Cat is muted for 10m.")
	cat.hears(t, "system", "", "A moderator muted you for 10m")
	cat.chat(t, "why?")
	if left := cat.hears(t, "system", "", "You are muted for "); !strings.Contains(left, "m") || !strings.HasSuffix(left, "Spamming.") {
		t.Errorf("Cat's refused line: %q, want the time left and the reason", left)
	}
}
