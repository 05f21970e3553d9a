package main

// The fault tests run a cluster of real tinymmo processes, break it the way
// an operator sees one break (kill -9, SIGTERM, a full disk), and check
// what the players keep. Each logs its figures on a line that starts with
// "reliability:", which docs/operations.md ("Faults") quotes:
//
//	go test -run Fault -v ./cmd/tinymmo

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/bots"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/promtext"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
)

// TestFaultWorldKilledUnderWalkingBots kills the world (kill -9) under 20
// walking players and restarts it on the same database. Every character
// is back as its last autosave left it, that autosave is at most one
// interval old, and every player can enter again.
func TestFaultWorldKilledUnderWalkingBots(t *testing.T) {
	skipShort(t)
	const n, autosave = 20, time.Second
	c := startCluster(t, "--autosave", autosave.String())
	cfg := bots.Config{Gateway: c.gatewayURL(), Count: n, Duration: time.Minute,
		AccountPrefix: "walker", Password: "walker password", Scenario: bots.ScenarioWalk}
	walking := startBots(t.Context(), t, cfg)
	waitMetric(t, c.worldMetrics(), "tinymmo_world_players", func(v float64) bool { return v == n })
	// Two rounds of autosaves: every character has been saved walking.
	written := waitMetric(t, c.worldMetrics(), "tinymmo_world_saves_written_total", anyValue)
	waitMetric(t, c.worldMetrics(), "tinymmo_world_saves_written_total", func(v float64) bool { return v >= written+2*n })
	// Kill the world well into the next interval, not just after a save.
	time.Sleep(autosave * 3 / 4)

	c.world.kill(t)
	killed := time.Now()
	sum := <-walking
	if sum.Entered != n || sum.Failed != 0 || sum.Disconnected[strconv.Itoa(int(bots.CloseLost))] != n {
		t.Fatalf("walkers: entered %d, disconnected %v, failed %d (%v); want all %d entered, then lost with %d",
			sum.Entered, sum.Disconnected, sum.Failed, sum.ErrorSamples, n, bots.CloseLost)
	}
	saved := readCharacters(t, store.WorldFile(c.data, "w1"), n)
	var oldest time.Duration
	for _, ch := range saved {
		oldest = max(oldest, killed.Sub(ch.UpdatedAt))
	}
	// One interval, and as much again for a loaded machine's late ticks.
	if oldest > 2*autosave {
		t.Errorf("the oldest save was %v old at the kill, want at most about one autosave (%v)", oldest, autosave)
	}

	c.world = c.startWorld(t)
	waitHealthy(t, "http://"+c.worldAddr+"/healthz")
	ready := time.Since(killed)
	// Everyone enters again and leaves at once, without moving.
	cfg.Scenario, cfg.Duration = bots.ScenarioIdle, 100*time.Millisecond
	start := time.Now()
	sum, err := bots.Run(t.Context(), cfg)
	back := ready + time.Since(start) - cfg.Duration
	if err != nil || sum.Entered != n || sum.ReusedCharacters != n || sum.Failed != 0 || len(sum.Disconnected) != 0 {
		t.Fatalf("re-entry: %+v, %v; want all %d back with their characters", sum, err, n)
	}
	// They entered where the last autosave left them: their logout saves,
	// newer, hold the same places.
	c.world.stop(t)
	for i, ch := range readCharacters(t, store.WorldFile(c.data, "w1"), n) {
		was := saved[i]
		if ch.Version <= was.Version || ch.Map != was.Map || ch.X != was.X || ch.Y != was.Y {
			t.Errorf("character %d: saved at the kill as version %d at %s (%d, %d); after re-entry version %d at %s (%d, %d)",
				ch.ID, was.Version, was.Map, was.X, was.Y, ch.Version, ch.Map, ch.X, ch.Y)
		}
	}
	t.Logf("reliability: world kill -9 under %d walking players (autosave %v): each lost the play since the last autosave, at most %v, and came back as that autosave left it; all %d re-entered %v after the kill (world restarted and ready in %v)",
		n, autosave, oldest.Round(time.Millisecond), n, back.Round(time.Millisecond), ready.Round(time.Millisecond))
}

// TestFaultMasterKilledPlayersStay kills the master (kill -9) while players
// walk in the world: they stay connected and keep getting snapshots, and
// logins work again once the master is back.
func TestFaultMasterKilledPlayersStay(t *testing.T) {
	skipShort(t)
	const n = 10
	c := startCluster(t)
	watcher := newPlayer(t, c, "Watcher")
	ctx, stopBots := context.WithCancel(t.Context())
	defer stopBots()
	walking := startBots(ctx, t, bots.Config{Gateway: c.gatewayURL(), Count: n, Duration: time.Minute, Scenario: bots.ScenarioWalk})
	waitMetric(t, c.worldMetrics(), "tinymmo_world_players", func(v float64) bool { return v == n+1 })

	c.master.kill(t)
	killed := time.Now()
	// The world has lost its control plane: its /healthz says so.
	waitFor(t, "the world to notice", func() bool {
		resp, err := http.Get("http://" + c.worldAddr + "/healthz")
		if err != nil {
			t.Fatalf("the world's /healthz: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable
	})
	before := watcher.state().snapshots
	waitFor(t, "snapshots while the master is down", func() bool { return watcher.state().snapshots >= before+5 })
	during := watcher.state().snapshots - before
	down := time.Since(killed)

	c.master = startRole(t, c.masterArgs...)
	restarted := time.Now()
	// A new player logs in and enters as soon as the gateway gets through.
	gw := c.client()
	waitFor(t, "a login after the master restarted", func() bool {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		_, err := gw.Guest(ctx)
		return err == nil
	})
	loggedIn := time.Since(restarted)
	if err := worldListed(t.Context(), gw, "w1"); err != nil { // at its next heartbeat
		t.Fatal(err)
	}
	newcomer := enterNew(t, gw, "Newcomer")
	entered := time.Since(restarted)

	stopBots()
	sum := <-walking
	if sum.Entered != n || sum.Failed != 0 || len(sum.Disconnected) != 0 {
		t.Errorf("walkers: entered %d, disconnected %v, failed %d (%v); want all %d in, none dropped", sum.Entered, sum.Disconnected, sum.Failed, sum.ErrorSamples, n)
	}
	if err := watcher.state().err; err != nil {
		t.Errorf("the watcher's connection ended: %v", err)
	}
	if err := newcomer.state().err; err != nil {
		t.Errorf("the newcomer's connection ended: %v", err)
	}
	t.Logf("reliability: master kill -9 with %d players in the world: none lost, all kept playing (the watcher got %d snapshots in the %v the master was down, after the world noticed); after the master restarted, logins worked again in %v and a new player was in the world in %v",
		n+1, during, down.Round(time.Millisecond), loggedIn.Round(time.Millisecond), entered.Round(time.Millisecond))
}

// TestFaultWorldSIGTERMSavesEveryone stops the world with SIGTERM under 20
// walking players and one that stopped somewhere: every character is saved
// at shutdown, the one that stopped exactly where it stood, and every
// player gets 4009.
func TestFaultWorldSIGTERMSavesEveryone(t *testing.T) {
	skipShort(t)
	const n = 20
	// No autosave during the test: only the shutdown can save.
	c := startCluster(t, "--autosave", "10m")
	stopper := newPlayer(t, c, "Stopper")
	walking := startBots(t.Context(), t, bots.Config{Gateway: c.gatewayURL(), Count: n, Duration: time.Minute, Scenario: bots.ScenarioWalk})
	waitMetric(t, c.worldMetrics(), "tinymmo_world_players", func(v float64) bool { return v == n+1 })
	start := stopper.state().own
	stoppedAt := stopper.walk(t, protocol.DirS, 500*time.Millisecond)
	if stoppedAt == start {
		t.Fatalf("the stopper did not move from %v", start)
	}

	// Stored times have millisecond precision.
	term := time.Now().Truncate(time.Millisecond)
	if err := c.world.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	sum := <-walking
	<-stopper.done
	closed := time.Since(term)
	c.world.stop(t) // fails the test unless the world exits cleanly
	exited := time.Since(term)
	if sum.Entered != n || sum.Failed != 0 || sum.Disconnected[strconv.Itoa(int(protocol.CloseShutdown))] != n {
		t.Errorf("walkers: entered %d, disconnected %v, failed %d (%v); want all %d entered, then closed with %d",
			sum.Entered, sum.Disconnected, sum.Failed, sum.ErrorSamples, n, protocol.CloseShutdown)
	}
	if code := closeCode(stopper.state().err); code != protocol.CloseShutdown {
		t.Errorf("the stopper's connection ended with %v, want close %d", stopper.state().err, protocol.CloseShutdown)
	}
	for _, ch := range readCharacters(t, store.WorldFile(c.data, "w1"), n+1) {
		if ch.Version == 0 || ch.UpdatedAt.Before(term) {
			t.Errorf("character %d (%s): last saved at %v as version %d, want a save at the shutdown (%v)", ch.ID, ch.Name, ch.UpdatedAt, ch.Version, term)
		}
		if ch.ID == stopper.char.ID && (ch.X != stoppedAt.X || ch.Y != stoppedAt.Y) {
			t.Errorf("the stopper was saved at (%d, %d), want where it stopped, %v", ch.X, ch.Y, stoppedAt)
		}
	}

	c.world = c.startWorld(t)
	back := enter(t, stopper.gw, stopper.char)
	reentry := time.Since(term)
	if pos := back.state().own; pos != stoppedAt {
		t.Errorf("the stopper re-entered at %v, want %v", pos, stoppedAt)
	}
	t.Logf("reliability: world SIGTERM under %d walking players and one that stopped: nothing lost, all %d characters saved at the shutdown, the one that stopped where it stood; every player closed with %d within %v, the world exited in %v; back in %v after the SIGTERM (restart included)",
		n, n+1, protocol.CloseShutdown, closed.Round(time.Millisecond), exited.Round(time.Millisecond), reentry.Round(time.Millisecond))
}

// worldMetrics is the URL of the world's /metrics.
func (c *localCluster) worldMetrics() string { return "http://" + c.worldMetricsAddr + "/metrics" }

// startBots runs bots in the background and sends their summary when they
// are done.
func startBots(ctx context.Context, t *testing.T, cfg bots.Config) <-chan bots.Summary {
	t.Helper()
	done := make(chan bots.Summary, 1)
	go func() {
		sum, err := bots.Run(ctx, cfg)
		if err != nil {
			t.Errorf("bots.Run: %v", err)
		}
		done <- sum
	}()
	return done
}

// waitFor polls cond until it holds, and fails the test if it does not
// within 30 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitMetric polls the /metrics page at url until ok accepts the value of
// name, and returns that value.
func waitMetric(t *testing.T, url, name string, ok func(float64) bool) float64 {
	t.Helper()
	var v float64
	var err error
	waitFor(t, name, func() bool {
		var s promtext.Scrape
		if s, err = promtext.Fetch(t.Context(), url); err == nil {
			v, err = s.Value(name)
		}
		return err == nil && ok(v)
	})
	return v
}

// anyValue accepts any value of a metric.
func anyValue(float64) bool { return true }

// waitHealthy polls a /healthz URL until it answers 200.
func waitHealthy(t *testing.T, url string) {
	t.Helper()
	waitFor(t, url, func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// readCharacters reads characters 1 to n from the world database at path,
// which no world may be writing.
func readCharacters(t *testing.T, path string, n int) []store.Character {
	t.Helper()
	db, err := store.OpenWorld(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cs := make([]store.Character, n)
	for i := range cs {
		if cs[i], err = db.Character(t.Context(), int64(i+1)); err != nil {
			t.Fatalf("character %d: %v", i+1, err)
		}
	}
	return cs
}

// closeCode returns the close code of a connection that ended with err.
func closeCode(err error) protocol.CloseCode {
	if ce, ok := errors.AsType[*client.CloseError](err); ok {
		return ce.Code
	}
	return 0
}

// player is a client the test steers: it walks when told, and its reader
// follows where the world says it is.
type player struct {
	gw   *client.Gateway
	char api.Character
	conn *client.Conn
	seq  uint32        // of the last input sent; owned by the test
	done chan struct{} // closed when the connection has ended

	mu sync.Mutex  // guards st
	st playerState // owned by the reader
}

// playerState is what a player's reader knows.
type playerState struct {
	own       rules.Vec // the player's position in the last message
	ack       uint32    // the last input the world took
	snapshots int
	err       error // why the connection ended; nil while it is open
}

// newPlayer logs a new guest in, creates a character named name and
// enters the world with it.
func newPlayer(t *testing.T, c *localCluster, name string) *player {
	t.Helper()
	gw := c.client()
	if _, err := gw.Guest(t.Context()); err != nil {
		t.Fatalf("Guest: %v", err)
	}
	return enterNew(t, gw, name)
}

// enterNew creates a character named name for gw's account and enters the
// world with it.
func enterNew(t *testing.T, gw *client.Gateway, name string) *player {
	t.Helper()
	ch, err := gw.CreateCharacter(t.Context(), "w1", name, api.ClassRogue)
	if err != nil {
		t.Fatalf("CreateCharacter: %v", err)
	}
	return enter(t, gw, ch)
}

// enter enters the world with ch, retrying while the world is not there
// yet, and leaves it when the test ends.
func enter(t *testing.T, gw *client.Gateway, ch api.Character) *player {
	t.Helper()
	var conn *client.Conn
	var err error
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		var e api.EnterResponse
		if e, err = gw.Enter(ctx, "w1", ch.ID); err == nil {
			conn, err = client.Join(ctx, e.URL, e.Token)
		}
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("entering the world with %s: %v", ch.Name, err)
		}
	}
	view := client.NewView(client.NewMapCache(nil).Terrain)
	if err := view.Apply(conn.Welcome); err != nil {
		t.Fatal(err)
	}
	p := &player{gw: gw, char: ch, conn: conn, done: make(chan struct{}), st: playerState{own: view.Own()}}
	go p.read(view)
	t.Cleanup(p.leave)
	return p
}

// read applies every message to view until the connection ends.
func (p *player) read(view *client.View) {
	defer close(p.done)
	for {
		m, err := p.conn.Recv(context.Background())
		if err == nil {
			err = view.Apply(m)
		}
		p.mu.Lock()
		if err != nil {
			p.st.err = err
			p.mu.Unlock()
			return
		}
		if m.Type() == protocol.TypeSnapshot {
			p.st.snapshots++
		}
		p.st.own, p.st.ack = view.Own(), view.Ack()
		p.mu.Unlock()
	}
}

// state returns what the player's reader knows now.
func (p *player) state() playerState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

// walk walks in dir for d, stops, and returns where the world says the
// player stopped.
func (p *player) walk(t *testing.T, dir protocol.Direction, d time.Duration) rules.Vec {
	t.Helper()
	p.send(t, dir)
	time.Sleep(d) // the walk itself; nothing is timed
	p.send(t, protocol.DirNone)
	waitFor(t, "the world to take the stop", func() bool { return p.state().ack >= p.seq })
	return p.state().own
}

// send sends an input that holds from the next tick the world runs.
func (p *player) send(t *testing.T, dir protocol.Direction) {
	t.Helper()
	p.seq++
	// Tick 0 is late for any tick: the world applies it at once.
	if err := p.conn.Send(t.Context(), protocol.Input{Seq: p.seq, Move: dir, Aim: dir.Aim()}); err != nil {
		t.Fatalf("sending input %d: %v", p.seq, err)
	}
}

// leave logs out and waits for the connection to end.
func (p *player) leave() {
	p.conn.Close(protocol.CloseLogout)
	<-p.done
}
