package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/bots"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/ui"
)

// An arrowKey is a key that walks, with its key code.
type arrowKey struct {
	name string
	code int64
}

var (
	right = arrowKey{"ArrowRight", 39}
	left  = arrowKey{"ArrowLeft", 37}
	down  = arrowKey{"ArrowDown", 40}
	up    = arrowKey{"ArrowUp", 38}
)

// arrowKeys are all the keys that walk.
var arrowKeys = []arrowKey{right, left, down, up}

// hold keeps a key down for d, as a player walking does.
func hold(t *testing.T, ctx context.Context, name string, code int64, d time.Duration) {
	t.Helper()
	sendKey(t, ctx, input.DispatchKeyEventTypeKeyDown, name, code)
	time.Sleep(d)
	sendKey(t, ctx, input.DispatchKeyEventTypeKeyUp, name, code)
}

// settled reports whether the client's prediction agrees with the world:
// every input it made has been applied and acknowledged.
func settled(s *ui.Snapshot) bool { return s.Screen == "game" && s.Player == s.Server }

// walkSomewhere holds keys in turn until one moves the player (the spawn
// may have a wall on some side), and returns the settled state.
func walkSomewhere(t *testing.T, ctx context.Context, keys []arrowKey) *ui.Snapshot {
	t.Helper()
	start := waitFor(t, ctx, "the prediction to settle", 30*time.Second, settled)
	for _, k := range keys {
		hold(t, ctx, k.name, k.code, time.Second)
		s := waitFor(t, ctx, "the walk to settle", 30*time.Second, settled)
		if distance(s.Server, start.Server) >= 8 {
			return s
		}
	}
	t.Fatalf("holding %v in turn left the world's position at %+v", keys, start.Server)
	return nil
}

func distance(a, b ui.Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

// sees returns where a page's view has the character name, if it has it.
func sees(s *ui.Snapshot, name string) (ui.Point, bool) {
	i := slices.IndexFunc(s.Others, func(o ui.Other) bool { return o.Name == name })
	if i < 0 {
		return ui.Point{}, false
	}
	return ui.Point{X: s.Others[i].X, Y: s.Others[i].Y}, true
}

// openGame opens a tab in the same browser that plays as a guest by
// itself, and returns its context once it is in the game.
func openGame(t *testing.T, ctx context.Context, url string) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab, chromedp.EmulateViewport(800, 600)); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(url+"/?autoplay=guest")); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	waitFor(t, tab, "the second player in the game", 60*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "game" && s.Received > 0
	})
	return tab
}

func TestTwoPlayersSeeEachOtherMove(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))
	a := newBrowser(t)
	if err := chromedp.Do(a, chromedp.Navigate(c.URL()+"/")); err != nil {
		t.Fatalf("opening %s: %v", c.URL(), err)
	}
	// The first player clicks through the real UI.
	onScreen(t, a, "login")
	click(t, a, "login.guest")
	waitFor(t, a, "the world list", 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "servers" && widget(s, "servers.world.0") != nil
	})
	click(t, a, "servers.world.0")
	waitFor(t, a, "the create form", 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "characters" && s.Mode == "create" && !s.Busy
	})
	name := fmt.Sprintf("Walker%04d", rand.IntN(10000))
	click(t, a, "create.name")
	textInputReady(t, a)
	if err := chromedp.Do(a, chromedp.KeyEvent(name)); err != nil {
		t.Fatalf("typing the name: %v", err)
	}
	click(t, a, "create.class.knight")
	click(t, a, "create.submit")
	waitFor(t, a, "the new character in the list", 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "characters" && s.Mode == "list" && widget(s, "characters.char.0") != nil
	})
	click(t, a, "characters.play")
	sa := waitFor(t, a, "the game", 30*time.Second, func(s *ui.Snapshot) bool { return s.Screen == "game" && s.Received > 0 })
	nameA := sa.Character
	if nameA != name {
		t.Fatalf("in the game as %q, want the new character %q", nameA, name)
	}

	// The keyboard moves the character, and the world agrees: its
	// position, not the prediction, is what moved.
	moved := walkSomewhere(t, a, arrowKeys)

	// A second player joins; each sees the other.
	b := openGame(t, a, c.URL())
	sb := waitFor(t, b, "the first player in the second's view", 30*time.Second, func(s *ui.Snapshot) bool {
		_, ok := sees(s, nameA)
		return ok
	})
	nameB := sb.Character
	waitFor(t, a, "the second player in the first's view", 30*time.Second, func(s *ui.Snapshot) bool {
		_, ok := sees(s, nameB)
		return ok
	})
	at, _ := sees(sb, nameA)
	if at != moved.Server {
		t.Errorf("the second player sees the first at %+v; the world has it at %+v", at, moved.Server)
	}

	// The first walks again: the second sees it arrive where the world
	// put it.
	again := walkSomewhere(t, a, arrowKeys)
	waitFor(t, b, "the first player's walk in the second's view", 30*time.Second, func(s *ui.Snapshot) bool {
		p, ok := sees(s, nameA)
		return ok && p == again.Server
	})
	if again.Desyncs != 0 {
		t.Errorf("walking corrected the prediction %d times, %d of them desyncs; the rules never disagree", again.Corrections, again.Desyncs)
	}
	if again.RTT < 0 {
		t.Errorf("no round trip measured after %d messages from the world", again.Received)
	}
	docShot(t, a, "game")
	key(t, a, "F3", 114, func(s *ui.Snapshot) bool { return s.Debug })
	docShot(t, a, "game-debug")
}

// crowd is the number of idle bots around the player in the frame-time
// test.
const crowd = 200

func TestFrameTimeWith200Entities(t *testing.T) {
	needBrowser(t)
	web := buildWeb(t)
	dir := t.TempDir()
	cfg := clusterConfig(dir, web)
	cfg.Gateway.IPBurst = 2 * crowd // every bot logs in from 127.0.0.1
	c := start(t, cfg)

	// The bots stand at the spawn, where the player arrives.
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var sum bots.Summary
	var botsErr error
	wg.Go(func() {
		sum, botsErr = bots.Run(ctx, bots.Config{Gateway: c.URL(), Count: crowd, Duration: 10 * time.Minute, Scenario: bots.ScenarioIdle})
	})
	t.Cleanup(func() {
		stop()
		wg.Wait()
		t.Logf("bots: %d entered, %d failed (%v)", sum.Entered, sum.Failed, botsErr)
	})

	page := newBrowser(t)
	if err := chromedp.Do(page, chromedp.Navigate(c.URL()+"/?autoplay=guest")); err != nil {
		t.Fatalf("opening %s: %v", c.URL(), err)
	}
	waitFor(t, page, "every bot in view", 180*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "game" && s.Entities >= crowd
	})
	// Let the first seconds' frames (the map fading in) pass, then sample.
	fps, frameMs := frames(t, page, 10, func(s *ui.Snapshot) bool { return s.Entities >= crowd })
	docShot(t, page, "game-crowd")
	fig, _ := json.Marshal(map[string]any{
		"entities": crowd, "viewport": "800x600", "renderer": "headless Chromium, SwiftShader",
		"fps_median": fps, "frame_ms_median": frameMs,
	})
	t.Logf("frame time: %s", fig)
	if fps <= 0 || frameMs <= 0 {
		t.Errorf("the game reports %v FPS and %v ms frames; want it to be drawing", fps, frameMs)
	}
}

// frames samples a page's frame rate and frame time once a second for n
// seconds, after two seconds to settle; each sample must satisfy ok. It
// returns the medians.
func frames(t *testing.T, ctx context.Context, n int, ok func(*ui.Snapshot) bool) (fps, frameMs float64) {
	t.Helper()
	time.Sleep(2 * time.Second)
	var fpss, ms []float64
	for range n {
		time.Sleep(time.Second)
		s, err := state(ctx)
		if err != nil || s == nil {
			t.Fatalf("reading the page's state: %v", err)
		}
		if !ok(s) {
			got, _ := json.Marshal(s)
			t.Fatalf("the page changed while sampled: %s", got)
		}
		fpss, ms = append(fpss, s.FPS), append(ms, s.FrameMs)
	}
	return median(fpss), median(ms)
}

// median returns the middle of xs.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	return s[len(s)/2]
}

func TestWalkWithTheTouchStick(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))
	ctx := newBrowser(t)
	openAsPhone(t, ctx, c.URL()+"/?autoplay=guest")
	start := waitFor(t, ctx, "the game", 60*time.Second, func(s *ui.Snapshot) bool { return settled(s) && s.Received > 0 })

	// A thumb lands on the lower half and slides; the stick follows it.
	var moved *ui.Snapshot
	for _, d := range []ui.Point{{X: 60}, {X: -60}, {Y: 60}, {Y: -60}} {
		x, y := 195.0, 600.0
		touch(t, ctx, input.DispatchTouchEventTypeTouchStart, &input.TouchPoint{X: x, Y: y})
		for i := 1; i <= 4; i++ {
			time.Sleep(50 * time.Millisecond)
			touch(t, ctx, input.DispatchTouchEventTypeTouchMove, &input.TouchPoint{X: x + d.X*float64(i)/4, Y: y + d.Y*float64(i)/4})
		}
		time.Sleep(time.Second)
		docShot(t, ctx, "phone-game")
		touch(t, ctx, input.DispatchTouchEventTypeTouchEnd)
		moved = waitFor(t, ctx, "the walk to settle", 30*time.Second, settled)
		if distance(moved.Server, start.Server) >= 8 {
			return
		}
	}
	t.Fatalf("sliding the stick every way left the world's position at %+v", moved.Server)
}

func TestWalkTowardsTheMouse(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(c.URL()+"/?autoplay=guest")); err != nil {
		t.Fatalf("opening %s: %v", c.URL(), err)
	}
	start := waitFor(t, ctx, "the game", 60*time.Second, func(s *ui.Snapshot) bool { return settled(s) && s.Received > 0 })
	// Hold the right button (the left one attacks) on one side of the
	// player (the middle of the 800×600 page), then another, until one way
	// is open.
	for _, at := range []ui.Point{{X: 700, Y: 330}, {X: 100, Y: 330}, {X: 400, Y: 550}, {X: 400, Y: 120}} {
		err := chromedp.Do(ctx,
			chromedp.MouseEvent(chromedp.MouseMoved, at.X, at.Y),
			chromedp.MouseEvent(chromedp.MousePressed, at.X, at.Y, chromedp.ButtonRight, chromedp.ClickCount(1)),
		)
		if err != nil {
			t.Fatalf("pressing the mouse: %v", err)
		}
		time.Sleep(time.Second)
		if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseReleased, at.X, at.Y, chromedp.ButtonRight, chromedp.ClickCount(1))); err != nil {
			t.Fatalf("releasing the mouse: %v", err)
		}
		s := waitFor(t, ctx, "the walk to settle", 30*time.Second, settled)
		if d := distance(s.Server, start.Server); d >= 8 {
			// It went the way the mouse pointed.
			dx, dy := s.Server.X-start.Server.X, s.Server.Y-start.Server.Y
			if (at.X-400)*dx+(at.Y-300)*dy <= 0 {
				t.Errorf("holding the mouse at %+v moved the player by %.0f,%.0f: away from it", at, dx, dy)
			}
			return
		}
	}
	t.Fatalf("holding the mouse on every side left the world's position at %+v", start.Server)
}

// typeInto clicks the text field id and types text into it.
func typeInto(t *testing.T, ctx context.Context, id, text string) {
	t.Helper()
	click(t, ctx, id)
	textInputReady(t, ctx)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(text)); err != nil {
		t.Fatalf("typing into %s: %v", id, err)
	}
	waitFor(t, ctx, "the text in "+id, 10*time.Second, func(s *ui.Snapshot) bool {
		w := widget(s, id)
		return w != nil && (w.Value == text || id == "login.password") // a password's value is never published
	})
}

func TestPortalTripInTheBrowser(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))

	// An account whose character logged out standing in the Overworld's
	// portal: it travels once the arrival guard lets it.
	overworld, err := maps.Load("overworld")
	if err != nil {
		t.Fatal(err)
	}
	portal := overworld.Portals[0]
	in := rules.Vec{X: (portal.Rect.Min.X + portal.Rect.Max.X) / 2, Y: (portal.Rect.Min.Y + portal.Rect.Max.Y) / 2}
	traveller := newPlayer(t, c, "traveller", "Traveller", api.ClassRogue, func(s *store.Character) {
		s.Map, s.X, s.Y = "overworld", in.X, in.Y
	})
	traveller.playAs(t, c)
	ctx := traveller.ctx
	s := waitFor(t, ctx, "the trip through the portal", 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "game" && s.Map == portal.TargetMap
	})
	if s.Character != traveller.name {
		t.Fatalf("travelled as %q, want %q", s.Character, traveller.name)
	}
	docShot(t, ctx, "map-change")
	arrived := waitFor(t, ctx, "the prediction to settle on the new map", 30*time.Second, settled)
	// The portal back lies just south of the arrival spawn, so this walk
	// never goes south: a key lost under load must not send it home.
	moved := walkSomewhere(t, ctx, []arrowKey{up, up, up})
	if moved.Map != portal.TargetMap || moved.Desyncs != 0 {
		t.Errorf("after walking on the new map: map %q, %d desyncs; want %q and none", moved.Map, moved.Desyncs, portal.TargetMap)
	}
	if distance(moved.Server, arrived.Server) < 8 {
		t.Errorf("the walk on the new map left the player at %+v", moved.Server)
	}
}
