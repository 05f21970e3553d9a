package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/ui"
)

// fighter is a player of the combat test: its account and its browser tab.
type fighter struct {
	user, name string
	ctx        context.Context
}

// playAs logs the account in through the pages and plays its character.
func (f *fighter) playAs(t *testing.T, c *cluster) {
	t.Helper()
	if err := chromedp.Do(f.ctx, chromedp.EmulateViewport(800, 600), chromedp.Navigate(c.URL()+"/")); err != nil {
		t.Fatalf("opening %s: %v", c.URL(), err)
	}
	onScreen(t, f.ctx, "login")
	typeInto(t, f.ctx, "login.username", f.user)
	typeInto(t, f.ctx, "login.password", "fight password")
	click(t, f.ctx, "login.login")
	waitFor(t, f.ctx, f.name+"'s world list", 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "servers" && widget(s, "servers.world.0") != nil
	})
	click(t, f.ctx, "servers.world.0")
	click(t, f.ctx, "characters.play")
	waitFor(t, f.ctx, f.name+" in the game", 30*time.Second, func(s *ui.Snapshot) bool { return s.Screen == "game" && s.Received > 0 })
}

// attack holds Space, the basic attack, down (or lets it go): it aims at
// the nearest enemy while the mouse has not moved in the page.
func (f *fighter) attack(t *testing.T, down bool) {
	t.Helper()
	typ := input.DispatchKeyEventTypeKeyUp
	if down {
		typ = input.DispatchKeyEventTypeKeyDown
	}
	sendKey(t, f.ctx, typ, "Space", 32)
}

// gained waits until f has gained experience: only a kill it helped with
// gives any.
func (f *fighter) gained(t *testing.T) *ui.Snapshot {
	t.Helper()
	return waitFor(t, f.ctx, f.name+"'s first kill", 90*time.Second, func(s *ui.Snapshot) bool { return s.XP > 0 || s.Level > 1 })
}

// TestAKnightAndAWizardFightInTheWorld plays a Knight and a Wizard in two
// browsers, in the Overworld's rat meadow of a real world: each kills a rat
// and gains experience, the Wizard heals the Knight, and then, as neither
// fights on, the rats bite one of them to death, and it comes back at the
// spawn, all without a desync.
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
	knight := &fighter{user: "sir_knight"}
	wizard := &fighter{user: "the_wizard"}
	for i, f := range []*fighter{knight, wizard} {
		gw := client.NewGateway(c.URL(), nil)
		if _, err := gw.CreateAccount(t.Context(), f.user, "fight password"); err != nil {
			t.Fatal(err)
		}
		class := []api.Class{api.ClassKnight, api.ClassWizard}[i]
		ch, err := gw.CreateCharacter(t.Context(), c.World.ID(), []string{"Rowan", "Mira"}[i], class)
		if err != nil {
			t.Fatal(err)
		}
		f.name = ch.Name
		err = c.EditCharacter(t.Context(), ch.ID, func(s *store.Character) {
			s.Map = "overworld"
			s.X, s.Y = centre.X+int32(i)*24*rules.SubpixelsPerPixel, centre.Y
			// Seasoned enough to kill a rat in two blows and not fall to
			// the pack before it: the test is about the fight, not the odds.
			s.Level = 6
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// The Knight fights on, and lives, while the Wizard comes. A browser
	// each (a tab in the background would have its frames throttled), the
	// second started once the first has its kill, so that two games do not
	// share the machine's two cores from the start.
	knight.ctx = newBrowser(t)
	knight.playAs(t, c)
	knight.attack(t, true)
	if s := knight.gained(t); s.Desyncs != 0 {
		t.Errorf("the Knight after its kill: %d desyncs", s.Desyncs)
	}
	wizard.ctx = newBrowser(t)
	wizard.playAs(t, c)
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
	var dead *fighter
	deadline := time.Now().Add(3 * time.Minute)
	for dead == nil {
		if time.Now().After(deadline) {
			t.Fatal("nobody died in 3 minutes among the rats")
		}
		for _, f := range []*fighter{knight, wizard} {
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
