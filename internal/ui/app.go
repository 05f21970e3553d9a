// Package ui is the TinyMMO game client's face on Ebitengine: the screens a
// player goes through (login, server select, character select and create,
// loading, the game, errors), their widgets, and the hooks that browser
// tests read.
//
// The client core, internal/client, does the talking to servers. ui calls it
// from background goroutines, which the App starts, owns and stops in
// Close, and applies their results on the game goroutine: every piece of UI
// state belongs to that goroutine, so nothing here takes a lock. Each
// full-window state is a Screen; the game view slots in as one more Screen.
//
// Text entry uses exp/textinput, so IMEs and non-ASCII input work; every
// button takes mouse clicks, touch taps, Tab and Enter.
//
// Only cmd/client imports ui.
package ui

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/assets"
	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// AutoplayGuest is the Options.Autoplay mode that plays as a guest: it
// clicks "Play as guest", picks the first server, creates a character of a
// random class and enters, through the same widgets a player uses.
const AutoplayGuest = "guest"

// uiRetriesUnavailable is how many times the game retries a request the
// gateway answered as unavailable before it shows the error: with the
// gateway's 2 s Retry-After, about 12 s of waiting in all.
const uiRetriesUnavailable = 3

// Scene is a scripted world the App can show instead of the login screen,
// such as a fightscene.World: it answers the calls the game screen makes of
// a world connection, from the Welcome it starts with.
type Scene interface {
	Welcome() protocol.Welcome
	worldLink
}

// Options configures an App.
type Options struct {
	// Gateway is the gateway's base URL, e.g. "http://127.0.0.1:8080".
	// Required, except for a Scene.
	Gateway string
	// Autoplay drives the UI by itself: AutoplayGuest, or "" for a player.
	Autoplay string
	// Scene, if not nil, is shown instead of the login screen, played by
	// Character; Log out then leads to the login screen. The browser
	// tests take the combat UI's screenshots and measure the frame time
	// of a fight with a scripted one (cmd/client's ?scene=fight).
	Scene     Scene
	Character api.Character
	// HTTPClient makes the gateway calls. Nil means http.DefaultClient.
	HTTPClient *http.Client
}

// Screen is one full-window state of the client: the login form, the
// server list, the game. The App calls Update once per tick and Draw once
// per frame, both on the game goroutine.
//
// A Screen may also have a form (its widgets, for the test hook and the
// autopilot), a leave method (called when the App shows another screen),
// a describe method (to add to the Snapshot) and a paintsWindow method
// (when its Draw sets every pixel, so the App need not fill the window
// first: a full-window fill costs a frame several milliseconds in a
// browser without a GPU).
type Screen interface {
	// Name is the value of window.tinymmo.screen while the screen shows.
	Name() string
	// Update handles one tick of input and state.
	Update() error
	// Draw draws the screen over the background.
	Draw(dst *ebiten.Image)
}

// The optional Screen methods.
type (
	formScreen interface{ form() *form }
	leaver     interface{ leave() }
	describer  interface{ describe(*Snapshot) }
	painter    interface{ paintsWindow() bool }
)

// App is the game client: an ebiten.Game that runs the screens. Create it
// with New, run it with ebiten.RunGame, then call Close.
type App struct {
	opts   Options
	ctx    context.Context // cancelled by Close; every goroutine's lifetime
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// events carries results from background goroutines to the game
	// goroutine, which runs them in Update.
	events chan func()

	theme   *theme
	sprites *sprites
	// maps holds the maps the player has been on, shared with the world
	// sessions' goroutines; tilemaps their tiles, cut once.
	maps     *client.MapCache
	tilemaps map[string]*tilemap
	gw       *client.Gateway // used by one request at a time (see do)

	screen Screen
	// busy is set while a request started by do is under way; widgets
	// wait for it. stopWork cancels that request.
	busy     bool
	stopWork context.CancelFunc
	status   string // a line the login screen shows, e.g. a failed version check

	// The player's way through the screens. account is the logged-in
	// username: a copy, since gw is written by request goroutines.
	account   string
	world     api.World
	character api.Character

	w, h    int // window size in device pixels
	tick    uint64
	ptr     pointer
	touches []ebiten.TouchID
	cursor  ebiten.CursorShapeType
	pilot   *autopilot
	quit    bool
	snap    Snapshot

	// frameMs is the mean time between frames over the last full second,
	// measured from frames counted since frameStart.
	frameMs    float64
	frameStart time.Time
	frames     int
}

// New returns a client showing the login screen. It loads the fonts and
// sprites, and starts checking the gateway's version.
func New(opts Options) (*App, error) {
	th, err := newTheme()
	if err != nil {
		return nil, err
	}
	sp, err := loadSprites(assets.FS)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &App{
		opts:     opts,
		ctx:      ctx,
		cancel:   cancel,
		events:   make(chan func(), 16),
		theme:    th,
		sprites:  sp,
		maps:     client.NewMapCache(nil),
		tilemaps: map[string]*tilemap{},
		gw:       client.NewGateway(opts.Gateway, opts.HTTPClient),
	}
	// A burst of logins can keep the master from answering in time; the
	// player waits a little longer rather than meeting an error screen.
	a.gw.RetryUnavailable(uiRetriesUnavailable)
	if opts.Autoplay == AutoplayGuest {
		a.pilot = newAutopilot()
	}
	if opts.Scene != nil {
		a.world, a.character = api.World{Name: "Scene"}, opts.Character
		game, err := newGameScreen(a, opts.Scene, opts.Scene.Welcome(), func() Screen { return newLoginScreen(a) })
		if err != nil {
			a.Close()
			return nil, err
		}
		a.screen = game
		return a, nil
	}
	a.screen = newLoginScreen(a)
	a.checkVersion()
	return a, nil
}

// Close stops every background goroutine, closing the world connection if
// there is one, and waits for them. Call it after ebiten.RunGame returns.
func (a *App) Close() {
	a.show(nil)
	a.cancel()
	a.wg.Wait()
}

// Snapshot returns the state published in the last tick. Call it on the
// game goroutine (in Update or Draw) or once RunGame has returned.
func (a *App) Snapshot() Snapshot { return a.snap }

// Update implements ebiten.Game.
func (a *App) Update() error {
	a.tick++
	for done := false; !done; {
		select {
		case f := <-a.events:
			f()
		default:
			done = true
		}
	}
	a.ptr, a.touches = readPointer(a.touches)
	if err := a.screen.Update(); err != nil {
		return err
	}
	if a.pilot != nil {
		a.pilot.step(a)
	}
	if fs, ok := a.screen.(formScreen); ok {
		if c := fs.form().cursor(a.ptr); c != a.cursor {
			a.cursor = c
			ebiten.SetCursorShape(c)
		}
	}
	a.snap = a.snapshot()
	publish(&a.snap)
	if a.quit {
		return ebiten.Termination
	}
	return nil
}

// Draw implements ebiten.Game.
func (a *App) Draw(dst *ebiten.Image) {
	a.countFrame(time.Now())
	if p, ok := a.screen.(painter); !ok || !p.paintsWindow() {
		dst.Fill(colBackground)
	}
	a.screen.Draw(dst)
}

// countFrame counts a frame drawn at now, and once a second turns the
// count into frameMs.
func (a *App) countFrame(now time.Time) {
	if a.frameStart.IsZero() {
		a.frameStart = now
		return
	}
	a.frames++
	if d := now.Sub(a.frameStart); d >= time.Second {
		a.frameMs = float64(d) / float64(time.Millisecond) / float64(a.frames)
		a.frameStart, a.frames = now, 0
	}
}

// tilemap returns the tiles of the named map, cutting them on first use.
func (a *App) tilemap(name string) (*tilemap, error) {
	if tm, ok := a.tilemaps[name]; ok {
		return tm, nil
	}
	m, err := a.maps.Map(name)
	if err != nil {
		return nil, err
	}
	tm, err := newTilemap(assets.FS, m)
	if err != nil {
		return nil, err
	}
	a.tilemaps[name] = tm
	return tm, nil
}

// Layout implements ebiten.Game. The game draws in device pixels, so text
// stays sharp on high-density screens; lengths in points go through the
// theme's scale.
func (a *App) Layout(outsideWidth, outsideHeight int) (int, int) {
	s := 1.0
	if m := ebiten.Monitor(); m != nil { // nil before the game runs
		s = m.DeviceScaleFactor()
	}
	a.theme.setScale(s)
	a.w, a.h = max(1, int(float64(outsideWidth)*s)), max(1, int(float64(outsideHeight)*s))
	return a.w, a.h
}

// show replaces the current screen; nil shows nothing (when closing).
func (a *App) show(s Screen) {
	if old := a.screen; old != nil {
		if fs, ok := old.(formScreen); ok {
			fs.form().release()
		}
		if l, ok := old.(leaver); ok {
			l.leave()
		}
	}
	a.screen = s
}

// do runs work on a background goroutine while the UI shows itself busy;
// the func work returns is then run on the game goroutine. One request runs
// at a time (the gateway client is not safe for concurrent use): do does
// nothing while another is under way. If the App closes first, the result
// is dropped.
func (a *App) do(work func(ctx context.Context) func()) {
	if a.busy {
		return
	}
	ctx, cancel := context.WithCancel(a.ctx)
	a.busy, a.stopWork = true, cancel
	a.wg.Go(func() {
		apply := work(ctx)
		a.post(func() {
			cancel()
			a.busy, a.stopWork = false, nil
			apply()
		})
	})
}

// cancelWork cancels the request under way, if any. Its result still
// arrives and must notice that it was cancelled.
func (a *App) cancelWork() {
	if a.stopWork != nil {
		a.stopWork()
	}
}

// post runs f on the game goroutine, unless the App closes first. Any
// goroutine may call it.
func (a *App) post(f func()) {
	select {
	case a.events <- f:
	case <-a.ctx.Done():
	}
}

// fail shows an error screen for p. back makes the screen its Back button
// leads to (the screen the player was on, with what they typed), when it is
// pressed: a screen may start loading as it is made. retry, when p allows
// it, is what Reconnect or Try again does.
func (a *App) fail(p problem, back func() Screen, retry func()) {
	a.show(newErrorScreen(a, p, back, retry))
}

// checkVersion asks the gateway for its version, so an outdated client
// says so before the player types anything.
func (a *App) checkVersion() {
	a.do(func(ctx context.Context) func() {
		_, err := a.gw.Version(ctx)
		return func() {
			switch {
			case err == nil:
				a.status = ""
			case api.CodeOf(err) == api.CodeVersionMismatch:
				login := a.screen
				a.fail(problemFromAPI(err), func() Screen { return login }, nil)
			default:
				a.status = "The server does not answer yet; you can still try."
			}
		}
	})
}

// loggedIn goes on after a login as account: to the server list.
func (a *App) loggedIn(account string) {
	a.account = account
	a.showServers()
}

// showServers shows the server list, loading it afresh.
func (a *App) showServers() { a.show(newServersScreen(a)) }

// logOut ends the session and goes back to the login screen.
func (a *App) logOut() {
	a.do(func(ctx context.Context) func() {
		a.gw.Logout(ctx) // the session is forgotten even if the call fails
		return func() {
			a.account = ""
			a.show(newLoginScreen(a))
		}
	})
}

// openWorld goes on to the characters of world w.
func (a *App) openWorld(w api.World) {
	a.world = w
	a.show(newCharactersScreen(a, 0))
}

// enter joins the world with character c: the loading screen, then the
// game.
func (a *App) enter(c api.Character) {
	if a.busy {
		return
	}
	a.character = c
	loading := newLoadingScreen(a)
	a.show(loading)
	world, back := a.world, func() Screen { return newCharactersScreen(a, c.ID) }
	retry := func() { a.enter(c) }
	a.do(func(ctx context.Context) func() {
		grant, err := a.gw.Enter(ctx, world.ID, c.ID)
		if err != nil {
			return func() {
				switch {
				case a.screen != loading: // the App is closing
				case loading.cancelled:
					a.show(back())
				default:
					a.fail(problemFromAPI(err), back, retry)
				}
			}
		}
		conn, err := client.Join(ctx, grant.URL, grant.Token)
		return func() {
			switch {
			case a.screen != loading || loading.cancelled:
				if err == nil {
					a.closeConn(conn)
				}
				if a.screen == loading {
					a.show(back())
				}
			case err != nil:
				a.fail(problemFromWorld(err, false), back, retry)
			default:
				game, err := newGameScreen(a, conn, conn.Welcome, back)
				if err != nil {
					a.closeConn(conn)
					a.fail(problem{kind: kindInternal, title: "Cannot show the world", message: err.Error()}, back, nil)
					return
				}
				a.show(game)
			}
		}
	})
}

// closeConn logs out of a world connection without holding up the game
// goroutine: closing waits for the world's answer.
func (a *App) closeConn(conn *client.Conn) {
	a.wg.Go(func() { conn.Close(protocol.CloseLogout) })
}
