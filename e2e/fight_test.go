package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/ui"
)

// openFight opens the client's scripted fight (?scene=fight): a wizard
// amid 50 hostile NPCs and 50 other players, with no world behind it.
func openFight(t *testing.T, ctx context.Context, c *cluster) *ui.Snapshot {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(c.URL()+"/?scene=fight")); err != nil {
		t.Fatalf("opening the fight: %v", err)
	}
	return waitFor(t, ctx, "the fight under way", 60*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "game" && s.Entities >= 100 && s.Shots > 0 && s.Numbers > 0
	})
}

// mouse sends one mouse event at (x, y) in CSS pixels.
func mouse(t *testing.T, ctx context.Context, typ input.DispatchMouseEventType, x, y float64, opts ...chromedp.MouseOption) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.MouseEvent(typ, x, y, opts...)); err != nil {
		t.Fatalf("mouse %s at %v,%v: %v", typ, x, y, err)
	}
}

func TestTheFightShowsOnScreen(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))
	ctx := newBrowser(t)
	s := openFight(t, ctx, c)
	if s.MaxHP == 0 || s.MaxMP == 0 || s.Level != 1 || s.XPNext != 70 || s.Dead {
		t.Errorf("the player's vitals: hp %d/%d mp %d/%d level %d xp %d/%d dead %v",
			s.HP, s.MaxHP, s.MP, s.MaxMP, s.Level, s.XP, s.XPNext, s.Dead)
	}
	names := []string{}
	for _, cd := range s.Cooldowns {
		names = append(names, cd.Ability)
	}
	if !slices.Equal(names, []string{"Magic Bolt", "Mending Bolt", "Fireball"}) {
		t.Errorf("the ability bar holds %v, want the wizard's", names)
	}
	if elder, _ := rules.NPCNamed("elder"); s.Says != elder.Line {
		t.Errorf("standing by the elder, the player reads %q, want his line", s.Says)
	}
	docShot(t, ctx, "fight")

	// The player stands still, and the Bone Lord's slam aimed at it (20 s
	// after the start) kills it; it comes back at the spawn 3 s later,
	// which corrects its prediction without a desync.
	waitFor(t, ctx, "the player's death", 40*time.Second, func(s *ui.Snapshot) bool { return s.Dead })
	docShot(t, ctx, "fight-dead")
	s = waitFor(t, ctx, "the player's respawn", 20*time.Second, func(s *ui.Snapshot) bool { return !s.Dead && s.Player == s.Server })
	if s.Deaths != 1 || s.HitsTaken == 0 || s.HP != s.MaxHP || s.Desyncs != 0 {
		t.Errorf("after the respawn: %d deaths, %d hits taken, HP %d/%d, %d desyncs; want 1, some, full, none",
			s.Deaths, s.HitsTaken, s.HP, s.MaxHP, s.Desyncs)
	}

	// The mouse over an NPC makes it the target.
	target := waitFor(t, ctx, "an NPC under the mouse", 20*time.Second, func(s *ui.Snapshot) bool {
		if s.Target != nil && s.Target.Hostile {
			return true
		}
		for _, o := range s.Others {
			if o.OnScreen && o.Hostile {
				mouse(t, ctx, chromedp.MouseMoved, o.Screen.X, o.Screen.Y)
				break
			}
		}
		return false
	}).Target
	if target.Sprite == "" || target.MaxHP == 0 || !target.OnScreen {
		t.Errorf("the target %+v has no sprite, health or place", target)
	}

	// A click attacks there: the Magic Bolt cools down at once. Key 2
	// casts the Fireball.
	mouse(t, ctx, chromedp.MousePressed, target.Screen.X, target.Screen.Y, chromedp.ButtonLeft, chromedp.ClickCount(1))
	waitFor(t, ctx, "the bolt's cooldown", 10*time.Second, func(s *ui.Snapshot) bool { return s.Cooldowns[0].Ms > 0 })
	mouse(t, ctx, chromedp.MouseReleased, target.Screen.X, target.Screen.Y, chromedp.ButtonLeft, chromedp.ClickCount(1))
	key(t, ctx, "2", 50, func(s *ui.Snapshot) bool { return s.Cooldowns[2].Ms > 0 })
}

// serveBlank builds testdata/blank, an Ebitengine program that only fills
// its window, for js/wasm, and serves it on a page like the game's.
func serveBlank(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	build := exec.CommandContext(t.Context(), "go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, "blank.wasm"), "./testdata/blank")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the blank program: %v\n%s", err, out)
	}
	root, err := exec.CommandContext(t.Context(), "go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	glue, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(root)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	page := `<!doctype html><html><head><meta charset="utf-8"><style>html, body { margin: 0; height: 100%; overflow: hidden; background: #141824; }</style></head>
<body><script src="wasm_exec.js"></script><script>
const go = new Go();
WebAssembly.instantiateStreaming(fetch("blank.wasm"), go.importObject).then(r => go.run(r.instance));
</script></body></html>`
	for name, data := range map[string][]byte{"wasm_exec.js": glue, "index.html": []byte(page)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// TestFrameTimeOfAFight measures the frame time of the scripted fight (50
// NPCs and 50 players in view, shots and numbers flying) against an
// Ebitengine program that only fills its window, in one browser tab at the
// same size, and logs both and their ratio. The two take turns, three
// times, so that a change in the machine's load weighs on both alike.
func TestFrameTimeOfAFight(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))
	blankURL := serveBlank(t)

	page := newBrowser(t)
	var fight, blank, shots, numbers []float64
	for range 3 {
		openFight(t, page, c)
		_, ms := frames(t, page, 6, func(s *ui.Snapshot) bool {
			shots, numbers = append(shots, float64(s.Shots)), append(numbers, float64(s.Numbers))
			return s.Screen == "game" && s.Entities >= 100
		})
		fight = append(fight, ms)
		if err := chromedp.Do(page, chromedp.Navigate(blankURL)); err != nil {
			t.Fatalf("opening the blank program: %v", err)
		}
		waitFor(t, page, "the blank program", 60*time.Second, func(s *ui.Snapshot) bool { return s.Screen == "blank" && s.FrameMs > 0 })
		_, ms = frames(t, page, 6, func(s *ui.Snapshot) bool { return s.Screen == "blank" })
		blank = append(blank, ms)
	}
	fig, _ := json.Marshal(map[string]any{
		"viewport": "800x600", "renderer": "headless Chromium, SwiftShader",
		"fight": map[string]any{"npcs": 50, "players": 50, "frame_ms": fight, "shots_median": median(shots), "numbers_median": median(numbers)},
		"blank": map[string]any{"frame_ms": blank},
		"ratio": median(fight) / median(blank),
	})
	t.Logf("frame time: %s", fig)
	if median(fight) <= 0 || median(blank) <= 0 {
		t.Errorf("frame times %v ms (fight) and %v ms (blank); want both drawing", fight, blank)
	}
}
