package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/password"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/ui"
	"github.com/tinymmo/tinymmo/internal/webclient"
	"github.com/tinymmo/tinymmo/internal/world"
)

// chromium is the browser the tests drive (Debian's apt package).
const chromium = "/usr/bin/chromium"

// screenshots is where every screen's picture goes, for the docs.
const screenshots = "../docs/screenshots"

// fastHash keeps argon2id cheap; the production parameters are covered by
// package password.
var fastHash = password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// needBrowser skips the test when it cannot run here.
func needBrowser(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the web client and drives a browser; skipped with -short")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("skipping the browser test: %s is missing (install it with: apt-get install chromium)", chromium)
	}
}

// buildWeb builds the web client into the source tree's web/dist, or finds
// it up to date there, and returns that directory.
func buildWeb(t *testing.T) string {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	out := filepath.Join("..", "web", "dist")
	if _, _, err := webclient.Build(t.Context(), webclient.BuildConfig{Root: "..", Out: out, Log: log}); err != nil {
		t.Fatalf("building the web client: %v", err)
	}
	return out
}

// cluster is a running dev cluster serving the web client.
type cluster struct {
	*devcluster.Cluster
	dataDir string
}

func startCluster(t *testing.T, web string) *cluster {
	t.Helper()
	dir := t.TempDir()
	return &cluster{Cluster: start(t, clusterConfig(dir, web)), dataDir: dir}
}

// clusterConfig is the tests' cluster: data in dir, serving the web client
// in web, with cheap hashing and quick heartbeats.
func clusterConfig(dir, web string) devcluster.Config {
	cfg := devcluster.Config{DataDir: dir, Web: os.DirFS(web), HashParams: fastHash}
	cfg.World.Heartbeat = 200 * time.Millisecond
	return cfg
}

// start starts a cluster, stopped when the test ends, and waits until it
// is ready.
func start(t *testing.T, cfg devcluster.Config) *devcluster.Cluster {
	t.Helper()
	c, err := devcluster.Start(t.Context(), cfg, clusterLog(t))
	if err != nil {
		t.Fatalf("devcluster.Start: %v", err)
	}
	t.Cleanup(func() { c.Shutdown(context.Background()) })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := c.WaitReady(ctx); err != nil {
		t.Fatalf("WaitReady: %v", err)
	}
	return c
}

// clusterLog returns a logger for the servers a test starts. It keeps
// their lines and prints them only if the test fails, so that a failure
// in a browser comes with the servers' side of it.
func clusterLog(t *testing.T) *slog.Logger {
	var (
		mu    sync.Mutex
		lines bytes.Buffer
	)
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if t.Failed() {
			t.Logf("the servers' log:\n%s", lines.Bytes())
		}
	})
	return slog.New(slog.NewTextHandler(lockedWriter{&mu, &lines}, nil))
}

// lockedWriter writes to w under mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// newBrowser starts headless Chromium with a flag set that renders WebGL
// in software, and returns the context of its tab.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.WindowSize(800, 600),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The first action starts the browser, and lives as long as its
	// context: it must have no timeout.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(800, 600)); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	return ctx
}

// player is a player of a test: its account, its character and, once it
// plays, its browser.
type player struct {
	user, name string
	ctx        context.Context
}

// playerPassword is every test player's password.
const playerPassword = "a test password"

// newPlayer creates the account user in c with a character called name of
// class, which edit (if not nil) changes as if it had logged out so.
func newPlayer(t *testing.T, c *cluster, user, name string, class api.Class, edit func(*store.Character)) *player {
	t.Helper()
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.CreateAccount(t.Context(), user, playerPassword); err != nil {
		t.Fatal(err)
	}
	ch, err := gw.CreateCharacter(t.Context(), c.World.ID(), name, class)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		if err := c.EditCharacter(t.Context(), ch.ID, edit); err != nil {
			t.Fatal(err)
		}
	}
	return &player{user: user, name: ch.Name}
}

// playAs starts a browser for p, logs in through the pages and plays its
// character.
func (p *player) playAs(t *testing.T, c *cluster) {
	t.Helper()
	p.ctx = newBrowser(t)
	if err := chromedp.Do(p.ctx, chromedp.Navigate(c.URL()+"/")); err != nil {
		t.Fatalf("opening %s: %v", c.URL(), err)
	}
	onScreen(t, p.ctx, "login")
	typeInto(t, p.ctx, "login.username", p.user)
	typeInto(t, p.ctx, "login.password", playerPassword)
	click(t, p.ctx, "login.login")
	waitFor(t, p.ctx, p.name+"'s world list", 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "servers" && widget(s, "servers.world.0") != nil
	})
	click(t, p.ctx, "servers.world.0")
	click(t, p.ctx, "characters.play")
	waitFor(t, p.ctx, p.name+" in the game", 30*time.Second, func(s *ui.Snapshot) bool { return s.Screen == "game" && s.Received > 0 })
}

// state returns window.tinymmo, or nil before the game publishes it.
func state(ctx context.Context) (*ui.Snapshot, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[*ui.Snapshot](`window.tinymmo ?? null`))
}

// waitFor polls the game's state until ok accepts it, and fails the test
// with the last state seen if that does not happen within limit (a bound
// on a hang, not a speed requirement).
func waitFor(t *testing.T, ctx context.Context, what string, limit time.Duration, ok func(*ui.Snapshot) bool) *ui.Snapshot {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last *ui.Snapshot
	var lastErr error
	for {
		s, err := state(ctx)
		if err == nil && s != nil {
			last = s
			if ok(s) {
				return s
			}
		}
		lastErr = err
		if time.Now().After(deadline) {
			shot(t, ctx, filepath.Join(t.TempDir(), "failure.png"))
			got, _ := json.Marshal(last)
			t.Fatalf("waited %v for %s; last state %s (error %v)", limit, what, got, lastErr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// textInputReady waits until the keyboard goes to the game's text input.
// Ebitengine moves the page's focus to its hidden text area on the release
// of the key, click or tap that focused a field; keys typed before that
// would be lost.
func textInputReady(t *testing.T, ctx context.Context) {
	t.Helper()
	const js = `document.activeElement !== null && document.activeElement.id === "ebitengine-textinput"`
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the text input did not take the focus (%v)", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// onScreen waits for a screen.
func onScreen(t *testing.T, ctx context.Context, screen string) *ui.Snapshot {
	t.Helper()
	return waitFor(t, ctx, "screen "+screen, 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == screen && !s.Busy
	})
}

func widget(s *ui.Snapshot, id string) *ui.WidgetState {
	for i := range s.Widgets {
		if s.Widgets[i].ID == id {
			return &s.Widgets[i]
		}
	}
	return nil
}

// click clicks the middle of widget id as a mouse would: move there, press,
// and release once the game has seen the press (the widget has the focus),
// as a person's click lasts longer than a frame.
func click(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	s := waitFor(t, ctx, "widget "+id+" to be enabled", 10*time.Second, func(s *ui.Snapshot) bool {
		w := widget(s, id)
		return w != nil && w.Enabled
	})
	w := widget(s, id)
	x, y := w.X+w.W/2, w.Y+w.H/2
	err := chromedp.Do(ctx,
		chromedp.MouseEvent(chromedp.MouseMoved, x, y),
		chromedp.MouseEvent(chromedp.MousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	)
	if err != nil {
		t.Fatalf("clicking %s: %v", id, err)
	}
	waitFor(t, ctx, "the press on "+id, 10*time.Second, func(s *ui.Snapshot) bool { return s.Focus == id })
	err = chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseReleased, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	if err != nil {
		t.Fatalf("clicking %s: %v", id, err)
	}
}

// key presses a key, and releases it once the game has acted on the press
// (ok accepts its state), as a person's key press lasts longer than a frame.
func key(t *testing.T, ctx context.Context, name string, code int64, ok func(*ui.Snapshot) bool) {
	t.Helper()
	sendKey(t, ctx, input.DispatchKeyEventTypeKeyDown, name, code)
	waitFor(t, ctx, name+" to act", 10*time.Second, ok)
	sendKey(t, ctx, input.DispatchKeyEventTypeKeyUp, name, code)
}

// sendKey sends one key event: name is both the key and its code (e.g.
// "ArrowRight"), code the Windows virtual key code.
func sendKey(t *testing.T, ctx context.Context, typ input.DispatchKeyEventType, name string, code int64) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: name, Code: name, WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code,
		})
		return err
	}))
	if err != nil {
		t.Fatalf("%s %s: %v", typ, name, err)
	}
}

// tap touches the middle of widget id with one finger, as on a phone.
func tap(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	s := waitFor(t, ctx, "widget "+id+" to be enabled", 10*time.Second, func(s *ui.Snapshot) bool {
		w := widget(s, id)
		return w != nil && w.Enabled
	})
	w := widget(s, id)
	touch(t, ctx, input.DispatchTouchEventTypeTouchStart, &input.TouchPoint{X: w.X + w.W/2, Y: w.Y + w.H/2})
	// Lift the finger once the game has seen it down, as a person's tap
	// lasts longer than a frame.
	waitFor(t, ctx, "the touch on "+id, 10*time.Second, func(s *ui.Snapshot) bool { return s.Focus == id })
	touch(t, ctx, input.DispatchTouchEventTypeTouchEnd)
}

// touch sends one touch event with the fingers now on the screen.
func touch(t *testing.T, ctx context.Context, typ input.DispatchTouchEventType, points ...*input.TouchPoint) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: points})
		return err
	}))
	if err != nil {
		t.Fatalf("%s: %v", typ, err)
	}
}

// openAsPhone opens url as a phone would show it: narrow and tall, two
// device pixels per CSS pixel, touch only.
func openAsPhone(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulatePortrait,
			chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(url),
	)
	if err != nil {
		t.Fatalf("opening %s as a phone: %v", url, err)
	}
}

// shot saves a screenshot of the page as a PNG file.
func shot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", path, err)
		return
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Errorf("screenshot %s: %v", path, err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", path, err)
	}
}

// docShot saves the screen as docs/screenshots/name.png.
func docShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shot(t, ctx, filepath.Join(screenshots, name+".png"))
}

// setNetwork makes every request from the page wait latency milliseconds
// and download at most bytesPerSecond (0 for no limit), so that a screen
// that usually flashes by stays long enough to be seen; setNetwork(0, 0)
// restores the full speed.
func setNetwork(t *testing.T, ctx context.Context, latency, bytesPerSecond float64) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		rules := []*network.Conditions{}
		if latency > 0 || bytesPerSecond > 0 {
			down := -1.0
			if bytesPerSecond > 0 {
				down = bytesPerSecond
			}
			rules = append(rules, &network.Conditions{Latency: latency, DownloadThroughput: down, UploadThroughput: -1})
		}
		_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule,
			network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules})
		return err
	}))
	if err != nil {
		t.Fatalf("setting the network conditions: %v", err)
	}
}

// loaderState is window.tinymmoLoader, the loader page's progress.
type loaderState struct {
	Loaded int64  `json:"loaded"`
	Total  int64  `json:"total"`
	Phase  string `json:"phase"`
	Width  string `json:"width"`
}

// openSlowly opens url with the download throttled, checks that the
// loader's progress bar moves, saves a screenshot of it, and lets the rest
// of the game arrive at full speed.
func openSlowly(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	setNetwork(t, ctx, 0, 1<<20)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	const js = `window.tinymmoLoader ? Object.assign({width: document.getElementById("fill").style.width}, window.tinymmoLoader) : null`
	var st *loaderState
	deadline := time.Now().Add(30 * time.Second)
	for st == nil || st.Loaded < st.Total/5 {
		var err error
		if st, err = chromedp.Run(ctx, chromedp.Evaluate[*loaderState](js)); err != nil {
			t.Fatalf("reading the loader: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the loader did not get a fifth of the game in 30 s: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st.Phase != "download" || st.Loaded >= st.Total || st.Width == "0%" || st.Width == "" {
		t.Fatalf("loader %+v; want a download under way with the bar showing it", st)
	}
	docShot(t, ctx, "loader")
	setNetwork(t, ctx, 0, 0)
}

func TestPlayAsGuestByClicking(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))
	ctx := newBrowser(t)

	openSlowly(t, ctx, c.URL()+"/")
	onScreen(t, ctx, "login")

	// The keyboard: Tab focuses the username field; text arrives through
	// the IME path, accents and Greek included; Enter logs in. There is no
	// such account, and Back returns to the form.
	key(t, ctx, "Tab", 9, func(s *ui.Snapshot) bool { return s.Focus == "login.username" })
	textInputReady(t, ctx)
	const typed = "héllo Ωμέγα"
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, input.InsertText, input.InsertTextParams{Text: typed})
		return err
	}))
	if err != nil {
		t.Fatalf("inserting text: %v", err)
	}
	waitFor(t, ctx, "the inserted text", 10*time.Second, func(s *ui.Snapshot) bool {
		w := widget(s, "login.username")
		return w != nil && w.Value == typed
	})
	docShot(t, ctx, "login")
	key(t, ctx, "Enter", 13, func(s *ui.Snapshot) bool { return s.Screen != "login" || s.Busy })
	s := onScreen(t, ctx, "error")
	if s.Error == nil || s.Error.Title == "" || s.Error.Message == "" {
		t.Fatalf("error screen without a problem: %+v", s.Error)
	}
	docShot(t, ctx, "error")
	click(t, ctx, "error.back")
	onScreen(t, ctx, "login")

	click(t, ctx, "login.guest")
	s = waitFor(t, ctx, "the world list", 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "servers" && widget(s, "servers.world.0") != nil
	})
	if !strings.HasPrefix(s.Account, api.GuestPrefix) {
		t.Errorf("account = %q, want a guest account", s.Account)
	}
	docShot(t, ctx, "servers")

	click(t, ctx, "servers.world.0")
	waitFor(t, ctx, "the create form (a new guest has no character)", 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "characters" && s.Mode == "create" && !s.Busy
	})
	name := fmt.Sprintf("Clicky%04d", rand.IntN(10000))
	click(t, ctx, "create.name")
	textInputReady(t, ctx)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(name)); err != nil {
		t.Fatalf("typing the name: %v", err)
	}
	waitFor(t, ctx, "the typed name", 10*time.Second, func(s *ui.Snapshot) bool {
		w := widget(s, "create.name")
		return w != nil && w.Value == name
	})
	click(t, ctx, "create.class.wizard")
	waitFor(t, ctx, "the wizard card selected", 10*time.Second, func(s *ui.Snapshot) bool {
		w := widget(s, "create.class.wizard")
		return w != nil && w.Selected
	})
	docShot(t, ctx, "create")

	click(t, ctx, "create.submit")
	waitFor(t, ctx, "the new character in the list", 30*time.Second, func(s *ui.Snapshot) bool {
		w := widget(s, "characters.char.0")
		return s.Screen == "characters" && s.Mode == "list" && w != nil && w.Label == name && w.Selected
	})
	docShot(t, ctx, "characters")

	// Slow the network down so that the loading screen stays long enough
	// to be seen.
	setNetwork(t, ctx, 1500, 0)
	click(t, ctx, "characters.play")
	waitFor(t, ctx, "the loading screen", 10*time.Second, func(s *ui.Snapshot) bool { return s.Screen == "loading" })
	docShot(t, ctx, "loading")
	setNetwork(t, ctx, 0, 0)

	s = waitFor(t, ctx, "the game", 30*time.Second, func(s *ui.Snapshot) bool { return s.Screen == "game" && s.Received > 0 })
	if s.Map == "" || !s.Connected || s.Character != name || s.Player.X <= 0 || s.Player.Y <= 0 {
		t.Fatalf("in the game: map %q, connected %v, character %q, player %+v; want a map, a connection, %q and a position",
			s.Map, s.Connected, s.Character, s.Player, name)
	}

	// The world goes away: the client says so and offers to reconnect.
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.World.Shutdown(sctx); err != nil {
		t.Fatalf("world Shutdown: %v", err)
	}
	s = onScreen(t, ctx, "error")
	if s.Error == nil || s.Error.Kind != "disconnected" || widget(s, "error.reconnect") == nil {
		t.Fatalf("after the world shut down: %+v with widgets %+v; want a disconnected error with Reconnect", s.Error, s.Widgets)
	}
	docShot(t, ctx, "disconnected")

	// The world comes back (same id and database, another port); Reconnect
	// goes back in with the same character.
	w2, err := world.Start(t.Context(), world.Config{
		ID: c.World.ID(), DataDir: c.dataDir, NATSURL: c.Master.NATSURL(), Secret: c.Master.Secret(),
		Listen: "127.0.0.1:0", Heartbeat: 200 * time.Millisecond,
	}, clusterLog(t))
	if err != nil {
		t.Fatalf("restarting the world: %v", err)
	}
	t.Cleanup(func() { w2.Shutdown(context.Background()) })
	// The world may take a moment to answer on the control plane; a player
	// would press Try again until it does.
	for range 20 {
		retry := "error.retry" // after a failed attempt, unless the world itself refused
		if widget(s, "error.reconnect") != nil {
			retry = "error.reconnect"
		}
		click(t, ctx, retry)
		s = waitFor(t, ctx, "the game after reconnecting", 30*time.Second, func(s *ui.Snapshot) bool {
			return s.Screen == "game" && s.Received > 0 || s.Screen == "error" && !s.Busy
		})
		if s.Screen == "game" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if s.Screen != "game" || s.Character != name || !s.Connected {
		t.Fatalf("after reconnecting: screen %q, character %q, connected %v; want the game, %q, true", s.Screen, s.Character, s.Connected, name)
	}
}

func TestAutoplayGuestReachesTheGame(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(c.URL()+"/?autoplay=guest")); err != nil {
		t.Fatalf("opening %s: %v", c.URL(), err)
	}
	s := waitFor(t, ctx, "autoplay to reach the game", 45*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "game" || s.Screen == "error"
	})
	if s.Screen != "game" || s.Autoplay != "guest" || s.Map == "" || s.Character == "" || !strings.HasPrefix(s.Account, api.GuestPrefix) {
		got, _ := json.Marshal(s)
		t.Fatalf("autoplay ended with %s; want the game, as a guest, with a character on a map", got)
	}
}

func TestTapThroughOnAPhone(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))
	ctx := newBrowser(t)
	openAsPhone(t, ctx, c.URL()+"/")
	onScreen(t, ctx, "login")
	docShot(t, ctx, "phone-login")
	tap(t, ctx, "login.guest")
	waitFor(t, ctx, "the world list", 30*time.Second, func(s *ui.Snapshot) bool {
		return s.Screen == "servers" && widget(s, "servers.world.0") != nil
	})
	tap(t, ctx, "servers.world.0")
	onScreen(t, ctx, "characters")
	tap(t, ctx, "create.class.rogue")
	waitFor(t, ctx, "the rogue card selected", 10*time.Second, func(s *ui.Snapshot) bool {
		w := widget(s, "create.class.rogue")
		return w != nil && w.Selected
	})
	docShot(t, ctx, "phone-create")
}
