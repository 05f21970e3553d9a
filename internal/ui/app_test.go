//go:build !js

// These tests start a whole cluster, which does not build for js/wasm.

package ui

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/password"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/world"
)

// startCluster starts a whole cluster on loopback for the test, with its
// data in dir.
func startCluster(t *testing.T) (c *devcluster.Cluster, dir string) {
	t.Helper()
	dir = t.TempDir()
	cfg := devcluster.Config{DataDir: dir,
		HashParams: password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}
	cfg.World.Heartbeat = 200 * time.Millisecond
	c, err := devcluster.Start(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("devcluster.Start: %v", err)
	}
	t.Cleanup(func() { c.Shutdown(context.Background()) })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := c.WaitReady(ctx); err != nil {
		t.Fatalf("WaitReady: %v", err)
	}
	return c, dir
}

// newTestGateway returns a gateway client logged in as a new guest.
func newTestGateway(t *testing.T, c *devcluster.Cluster) *client.Gateway {
	t.Helper()
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.Guest(t.Context()); err != nil {
		t.Fatal(err)
	}
	return gw
}

// run ticks the App, as Ebitengine would, until done accepts its state;
// it fails the test after limit (a bound on a hang, not a speed test).
func run(t *testing.T, a *App, limit time.Duration, done func(Snapshot) bool) Snapshot {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		a.Layout(800, 600)
		if err := a.Update(); err != nil {
			t.Fatalf("Update: %v", err)
		}
		s := a.Snapshot()
		if done(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v on screen %q (error %+v, received %d, rtt %d, connected %v)", limit, s.Screen, s.Error, s.Received, s.RTT, s.Connected)
		}
		time.Sleep(time.Second / 120)
	}
}

func TestAutoplayPlaysAsGuestIntoTheGame(t *testing.T) {
	c, _ := startCluster(t)
	a, err := New(Options{Gateway: c.URL(), Autoplay: AutoplayGuest})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var seen []string
	s := run(t, a, 30*time.Second, func(s Snapshot) bool {
		if len(seen) == 0 || seen[len(seen)-1] != s.Screen {
			seen = append(seen, s.Screen)
		}
		return s.Screen == "game" && s.Received > 0 || s.Screen == "error"
	})
	if s.Screen != "game" {
		t.Fatalf("autoplay went through %v and stopped with %+v", seen, s.Error)
	}
	want := []string{"login", "servers", "characters", "loading", "game"}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("screens = %v, want %v", seen, want)
	}
	if !strings.HasPrefix(s.Account, api.GuestPrefix) || s.Map == "" || s.Character == "" || !s.Connected {
		t.Errorf("in the game: account %q, map %q, character %q, connected %v", s.Account, s.Map, s.Character, s.Connected)
	}
	chars, err := a.gw.Characters(t.Context(), c.World.ID()) // nothing else is using it now
	if err != nil || len(chars) != 1 || chars[0].Name != s.Character {
		t.Errorf("the account's characters = %+v, %v; want the one autoplay created, %q", chars, err, s.Character)
	}
}

// press activates widget id of the current screen as a click would, after
// waiting for it to be enabled.
func press(t *testing.T, a *App, id string) {
	t.Helper()
	run(t, a, 10*time.Second, func(s Snapshot) bool {
		for _, w := range s.Widgets {
			if w.ID == id {
				return w.Enabled
			}
		}
		return false
	})
	f := a.screen.(formScreen).form()
	f.click(f.byID(id))
}

func onScreen(name string) func(Snapshot) bool {
	return func(s Snapshot) bool { return s.Screen == name && !s.Busy }
}

func TestLoginProblemsReturnToTheFilledForm(t *testing.T) {
	c, _ := startCluster(t)
	a, err := New(Options{Gateway: c.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	run(t, a, 10*time.Second, onScreen("login"))
	login := a.screen.(*loginScreen)
	for _, tc := range []struct {
		button, user, pass, kind string
	}{
		{"login.login", "nobody_here", "wrong password", kindCredentials},
		{"login.create", "ab", "long enough password", kindInvalid},
		{"login.create", "alice", "short", kindInvalid},
	} {
		login.username.field.setText(tc.user)
		login.password.field.setText(tc.pass)
		press(t, a, tc.button)
		s := run(t, a, 10*time.Second, onScreen("error"))
		if s.Error == nil || s.Error.Kind != tc.kind {
			t.Fatalf("%s as %q/%q: error %+v, want kind %s", tc.button, tc.user, tc.pass, s.Error, tc.kind)
		}
		press(t, a, "error.back")
		run(t, a, 10*time.Second, onScreen("login"))
		if a.screen != Screen(login) || login.username.field.Text() != tc.user {
			t.Fatalf("Back did not return to the form as it was")
		}
	}
	// Creating the account then works, and leads to the servers.
	login.username.field.setText("alice")
	login.password.field.setText("long enough password")
	press(t, a, "login.create")
	s := run(t, a, 10*time.Second, onScreen("servers"))
	if s.Account != "alice" {
		t.Errorf("account = %q, want alice", s.Account)
	}
}

func TestNameTakenAndReconnect(t *testing.T) {
	c, dir := startCluster(t)
	// Someone else has the name already.
	other := newTestGateway(t, c)
	if _, err := other.CreateCharacter(t.Context(), c.World.ID(), "Taken", api.ClassRogue); err != nil {
		t.Fatal(err)
	}
	a, err := New(Options{Gateway: c.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	run(t, a, 10*time.Second, onScreen("login"))
	press(t, a, "login.guest")
	run(t, a, 10*time.Second, func(s Snapshot) bool { return s.Screen == "servers" && len(s.Widgets) > 2 })
	press(t, a, "servers.world.0")
	s := run(t, a, 10*time.Second, onScreen("characters"))
	if s.Mode != modeCreate {
		t.Fatalf("a new guest's characters screen is in mode %q, want %q", s.Mode, modeCreate)
	}
	chars := a.screen.(*charactersScreen)
	chars.name.field.setText("Taken")
	press(t, a, "create.class.rogue")
	press(t, a, "create.submit")
	s = run(t, a, 10*time.Second, onScreen("error"))
	if s.Error == nil || s.Error.Kind != kindNameTaken {
		t.Fatalf("creating a taken name: %+v, want %s", s.Error, kindNameTaken)
	}
	press(t, a, "error.back")
	run(t, a, 10*time.Second, onScreen("characters"))
	chars.name.field.setText("Fresh")
	press(t, a, "create.submit")
	s = run(t, a, 10*time.Second, func(s Snapshot) bool { return s.Screen == "characters" && s.Mode == modeList && !s.Busy })
	press(t, a, "characters.play")
	s = run(t, a, 10*time.Second, func(s Snapshot) bool { return s.Screen == "game" && s.Received > 0 })
	if s.Character != "Fresh" {
		t.Fatalf("playing %q, want Fresh", s.Character)
	}

	// The world shuts down: the client says why, and Reconnect fails while
	// it is away.
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.World.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	s = run(t, a, 10*time.Second, onScreen("error"))
	if s.Error == nil || s.Error.Kind != kindDisconnected || s.Error.Message != protocol.CloseShutdown.Reason() {
		t.Fatalf("after the world shut down: %+v, want %s saying %q", s.Error, kindDisconnected, protocol.CloseShutdown.Reason())
	}
	press(t, a, "error.reconnect")
	s = run(t, a, 10*time.Second, onScreen("error"))
	if s.Error == nil || !slices.ContainsFunc(s.Widgets, func(w WidgetState) bool { return w.ID == "error.retry" }) {
		t.Fatalf("reconnecting to a world that is away: %+v with %+v, want an error offering Try again", s.Error, s.Widgets)
	}

	// Back again: Try again enters with the same character.
	w2, err := world.Start(t.Context(), world.Config{ID: c.World.ID(), DataDir: dir,
		NATSURL: c.Master.NATSURL(), Secret: c.Master.Secret(), Listen: "127.0.0.1:0", Heartbeat: 200 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w2.Shutdown(context.Background()) })
	// The world may take a moment to answer on the control plane; a player
	// would press Try again until it does.
	for range 20 {
		retry := "error.retry"
		if slices.ContainsFunc(a.Snapshot().Widgets, func(w WidgetState) bool { return w.ID == "error.reconnect" }) {
			retry = "error.reconnect"
		}
		press(t, a, retry)
		s = run(t, a, 10*time.Second, func(s Snapshot) bool { return s.Screen == "game" && s.Received > 0 || s.Screen == "error" })
		if s.Screen == "game" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if s.Screen != "game" || s.Character != "Fresh" || !s.Connected {
		t.Fatalf("after reconnecting: screen %q, %q connected %v, want the game, Fresh, true", s.Screen, s.Character, s.Connected)
	}

	// Log out goes back to the characters.
	press(t, a, "game.logout")
	run(t, a, 10*time.Second, onScreen("characters"))
}

func TestCancelWhileEntering(t *testing.T) {
	c, _ := startCluster(t)
	a, err := New(Options{Gateway: c.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	run(t, a, 10*time.Second, onScreen("login"))
	press(t, a, "login.guest")
	run(t, a, 10*time.Second, func(s Snapshot) bool { return s.Screen == "servers" && len(s.Widgets) > 2 })
	press(t, a, "servers.world.0")
	run(t, a, 10*time.Second, onScreen("characters"))
	a.screen.(*charactersScreen).name.field.setText("Quitter")
	press(t, a, "create.submit")
	run(t, a, 10*time.Second, func(s Snapshot) bool { return s.Mode == modeList && !s.Busy })
	press(t, a, "characters.play")
	// Cancel before the App sees the outcome, whether or not the world
	// has answered yet.
	if a.screen.Name() != "loading" {
		t.Fatalf("after Play: screen %q, want loading", a.screen.Name())
	}
	loading := a.screen.(*loadingScreen)
	loading.layout() // as the frame that shows it does
	loading.f.click(loading.cancel)
	s := run(t, a, 10*time.Second, func(s Snapshot) bool {
		return s.Screen == "characters" && s.Mode == modeList && !s.Busy && len(s.Widgets) > 3
	})
	if s.Connected {
		t.Error("connected after cancelling")
	}
	// Nothing is stuck: Play works.
	press(t, a, "characters.play")
	s = run(t, a, 10*time.Second, func(s Snapshot) bool { return s.Screen == "game" && s.Received > 0 })
	if s.Character != "Quitter" {
		t.Errorf("playing %q, want Quitter", s.Character)
	}
}
