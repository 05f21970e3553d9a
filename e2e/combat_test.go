package e2e

import (
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

// gained waits until f has gained experience: only a kill it helped with
// gives any.
func (f *player) gained(t *testing.T) *ui.Snapshot {
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
	knight := newPlayer(t, c, "sir_knight", "Rowan", api.ClassKnight, inMeadow(0))
	wizard := newPlayer(t, c, "the_wizard", "Mira", api.ClassWizard, inMeadow(1))
	// The Knight fights on, and lives, while the Wizard comes. A browser
	// each (a tab in the background would have its frames throttled), the
	// second started once the first has its kill, so that two games do not
	// share the machine's two cores from the start.
	knight.playAs(t, c)
	knight.attack(t, true)
	if s := knight.gained(t); s.Desyncs != 0 {
		t.Errorf("the Knight after its kill: %d desyncs", s.Desyncs)
	}
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
