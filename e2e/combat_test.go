package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/ui"
)

// attack holds Space, the basic attack, down (or lets it go): it aims at
// the nearest enemy while the mouse has not moved in the page.
func (f *player) attack(t *testing.T, down bool) {
	t.Helper()
	typ := input.DispatchKeyEventTypeKeyUp
	if down {
		typ = input.DispatchKeyEventTypeKeyDown
	}
	sendKey(t, f.ctx, typ, "Space", 32)
}

// playAsGuest starts a browser that plays as a guest through the pages:
// Play as guest, the first world, a new character called name of class,
// Play. Before it plays, edit (if not nil) changes the character in the
// world's database, as if it had logged out so.
func playAsGuest(t *testing.T, c *cluster, name string, class api.Class, edit func(*store.Character)) *player {
	t.Helper()
	p := &player{name: name, ctx: newBrowser(t)}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(c.URL()+"/")); err != nil {
		t.Fatalf("opening %s: %v", c.URL(), err)
	}
	onScreen(t, p.ctx, "login")
	click(t, p.ctx, "login.guest")
	s := waitFor(t, p.ctx, name+"'s world list", 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "servers" && widget(s, "servers.world.0") != nil
	})
	if !strings.HasPrefix(s.Account, api.GuestPrefix) {
		t.Fatalf("account = %q, want a guest account", s.Account)
	}
	p.user = s.Account
	click(t, p.ctx, "servers.world.0")
	waitFor(t, p.ctx, name+"'s create form", 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "characters" && s.Mode == "create" && !s.Busy
	})
	typeInto(t, p.ctx, "create.name", name)
	click(t, p.ctx, "create.class."+string(class))
	click(t, p.ctx, "create.submit")
	waitFor(t, p.ctx, name+" in the character list", 30*time.Second, func(s *ui.Snapshot) bool {
		w := widget(s, "characters.char.0")
		return s.Screen == "characters" && s.Mode == "list" && w != nil && w.Label == name && w.Selected
	})
	if edit != nil {
		if err := c.EditCharacter(t.Context(), guestCharacter(t, c, p.user), edit); err != nil {
			t.Fatal(err)
		}
	}
	click(t, p.ctx, "characters.play")
	s = waitFor(t, p.ctx, name+" in the game", 30*time.Second, func(s *ui.Snapshot) bool { return s.Screen == "game" && s.Received > 0 })
	if s.Character != name || s.Cooldowns[0].Ability != classAttack(t, class) {
		t.Fatalf("in the game as %q with %+v; want %s, a %s", s.Character, s.Cooldowns, name, class)
	}
	return p
}

// guestCharacter returns the ID of the one character of the guest account
// in c's world.
func guestCharacter(t *testing.T, c *cluster, account string) int64 {
	t.Helper()
	master, err := c.OpenMasterDB(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	acc, err := master.AccountByUsername(t.Context(), account)
	if err != nil {
		t.Fatalf("account %s: %v", account, err)
	}
	where, err := store.WorldDatabase(c.dataDir, "", c.World.ID())
	if err != nil {
		t.Fatal(err)
	}
	w, err := store.OpenWorld(t.Context(), where)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	chars, err := w.Characters(t.Context(), acc.ID)
	if err != nil || len(chars) != 1 {
		t.Fatalf("characters of %s: %+v, %v; want one", account, chars, err)
	}
	return chars[0].ID
}

// classAttack returns the name of class's basic attack.
func classAttack(t *testing.T, class api.Class) string {
	t.Helper()
	c, ok := rules.ClassNamed(string(class))
	if !ok {
		t.Fatalf("no class %q", class)
	}
	a, _ := rules.AbilityByID(c.Abilities[0])
	return a.Name
}

// gained waits until f has gained experience: only a kill it helped with
// gives any.
func (f *player) gained(t *testing.T) *ui.Snapshot {
	t.Helper()
	return waitFor(t, f.ctx, f.name+"'s first kill", 90*time.Second, func(s *ui.Snapshot) bool { return s.XP > 0 || s.Level > 1 })
}

// TestAKnightAndAWizardFightInTheWorld plays a guest Knight and a guest
// Wizard in two browsers, in the Overworld's rat meadow of a real world:
// each kills a rat and gains experience, the Wizard heals the Knight, and
// then, as neither fights on, the rats bite one of them to death, and it
// comes back at the spawn, all without a desync.
func TestAKnightAndAWizardFightInTheWorld(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))
	overworld, err := maps.Load("overworld")
	if err != nil {
		t.Fatal(err)
	}
	var meadow rules.Rect
	for _, z := range overworld.NPCZones {
		if z.Kind == "rat" {
			meadow = z.Rect
			break
		}
	}
	centre := rules.Vec{X: (meadow.Min.X + meadow.Max.X) / 2, Y: (meadow.Min.Y + meadow.Max.Y) / 2}
	// Side by side in the meadow, seasoned enough to kill a rat in two
	// blows and not fall to the pack before it: the test is about the
	// fight, not the odds.
	inMeadow := func(i int32) func(*store.Character) {
		return func(s *store.Character) {
			s.Map = "overworld"
			s.X, s.Y = centre.X+i*24*rules.SubpixelsPerPixel, centre.Y
			s.Level = 6
		}
	}
	// The Knight fights on, and lives, while the Wizard comes. A browser
	// each (a tab in the background would have its frames throttled), the
	// second started once the first has its kill, so that two games do not
	// share the machine's two cores from the start. Each guest creates its
	// character in the pages, which the test then moves to the meadow in
	// the world's database before it plays.
	knight := playAsGuest(t, c, "Rowan", api.ClassKnight, inMeadow(0))
	knight.attack(t, true)
	if s := knight.gained(t); s.Desyncs != 0 {
		t.Errorf("the Knight after its kill: %d desyncs", s.Desyncs)
	}
	wizard := playAsGuest(t, c, "Mira", api.ClassWizard, inMeadow(1))
	wizard.attack(t, true)
	if s := wizard.gained(t); s.Desyncs != 0 {
		t.Errorf("the Wizard after its kill: %d desyncs", s.Desyncs)
	}
	docShot(t, wizard.ctx, "fight-world")
	wizard.attack(t, false)

	// The Wizard heals the Knight: the mouse on it, then key 1.
	hurt := waitFor(t, knight.ctx, "the Knight hurt", 60*time.Second, func(s *ui.Snapshot) bool { return s.HP < s.MaxHP && !s.Dead })
	waitFor(t, wizard.ctx, "the Knight under the mouse", 20*time.Second, func(s *ui.Snapshot) bool {
		if s.Target != nil && s.Target.Name == knight.name {
			return true
		}
		for _, o := range s.Others {
			if o.Name == knight.name && o.OnScreen {
				mouse(t, wizard.ctx, chromedp.MouseMoved, o.Screen.X, o.Screen.Y)
			}
		}
		return false
	})
	key(t, wizard.ctx, "1", 49, func(s *ui.Snapshot) bool { return s.Cooldowns[1].Ms > 0 })
	waitFor(t, knight.ctx, "the heal", 10*time.Second, func(s *ui.Snapshot) bool { return s.HP > hurt.HP })
	knight.attack(t, false)

	// Neither fights on: the rats bite one of them to death, and it comes
	// back at the spawn.
	var dead *player
	deadline := time.Now().Add(3 * time.Minute)
	for dead == nil {
		if time.Now().After(deadline) {
			t.Fatal("nobody died in 3 minutes among the rats")
		}
		for _, f := range []*player{knight, wizard} {
			if s, err := state(f.ctx); err == nil && s != nil && s.Dead {
				dead = f
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	s := waitFor(t, dead.ctx, dead.name+"'s respawn", 20*time.Second, func(s *ui.Snapshot) bool {
		return !s.Dead && s.Player == s.Server
	})
	if s.HP != s.MaxHP || s.Deaths != 1 || s.Desyncs != 0 {
		t.Errorf("%s after the respawn: HP %d/%d, %d deaths, %d desyncs; want full health, one death, no desync", dead.name, s.HP, s.MaxHP, s.Deaths, s.Desyncs)
	}
}
