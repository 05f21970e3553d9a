package bots

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/password"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
)

// clusterConfig is the tests' cluster: its data in dir, cheap password
// hashing and quick heartbeats.
func clusterConfig(dir string) devcluster.Config {
	cfg := devcluster.Config{
		DataDir:    dir,
		HashParams: password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	}
	cfg.World.Heartbeat = 200 * time.Millisecond
	return cfg
}

// startCluster starts a whole cluster of cfg on loopback, and stops it
// when the test ends.
func startCluster(t *testing.T, cfg devcluster.Config) *devcluster.Cluster {
	t.Helper()
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
	return c
}

// TestWalkingBotsStayInSync runs walking bots against a real cluster: every
// bot's view takes every snapshot without a protocol error, every
// prediction matches the world exactly, and wherever one bot saw another,
// it saw it where that bot's own view, from the world, says it was.
func TestWalkingBotsStayInSync(t *testing.T) {
	c := startCluster(t, clusterConfig(t.TempDir()))
	const n = 20
	check := newViewCheck()
	metrics := "http://" + c.World.MetricsAddr().String() + "/metrics"
	sum, err := runWith(t.Context(), Config{Gateway: c.URL(), WorldMetrics: metrics, Count: n, Duration: 3 * time.Second, Scenario: ScenarioWalk}, hooks{check: check})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Logf("summary: %+v", sum)
	if sum.Requested != n || sum.Entered != n || sum.Failed != 0 || len(sum.Errors) != 0 {
		t.Fatalf("requested %d, entered %d, failed %d, errors %v; want all %d in, no errors", sum.Requested, sum.Entered, sum.Failed, sum.Errors, n)
	}
	if sum.Desyncs != 0 {
		t.Errorf("desyncs = %d, want 0: the client's prediction and the world disagree", sum.Desyncs)
	}
	// Inputs only on change: a walker turns every 0.5-2 s, so a few
	// bytes a second, where one input a tick took well over 100.
	if sum.UpBytesPerS.P50 > 60 {
		t.Errorf("up_bytes_per_s p50 = %v, want a few bytes a second with inputs sent only on change", sum.UpBytesPerS.P50)
	}
	if sum.SnapshotsPerS <= 0 || sum.DownBytesPerS.P50 <= 0 || sum.UpBytesPerS.P50 <= 0 {
		t.Errorf("snapshots/s %v, down %+v, up %+v; want traffic both ways", sum.SnapshotsPerS, sum.DownBytesPerS, sum.UpBytesPerS)
	}
	if sum.TickMS.P50 <= 0 || sum.TickMS.P99 < sum.TickMS.P50 {
		t.Errorf("tick_ms = %+v, want the world's tick durations", sum.TickMS)
	}
	// The 20 join within a second or so of each other: most of the 3 s
	// visits overlap.
	if sum.AllInS <= 0 || sum.AllInS > 3.5 || sum.TickMSAllIn.P50 <= 0 || sum.TickMSAllIn.P99 < sum.TickMSAllIn.P50 {
		t.Errorf("all in for %v s with tick_ms %+v, want a window of at most the 3 s visit with the world's tick durations", sum.AllInS, sum.TickMSAllIn)
	}
	bad, compared := check.mismatches()
	// Every bot sees most others for most of the 60 ticks.
	if compared < n*n*10 {
		t.Errorf("only %d sightings could be compared, want at least %d", compared, n*n*10)
	}
	for i, b := range bad {
		if i == 10 {
			t.Errorf("... and %d more", len(bad)-i)
			break
		}
		t.Errorf("view mismatch: %s", b)
	}
}

// firstVisit runs n bots of the accounts in cfg once against a cluster of
// cc, so that their accounts and characters exist, then changes every
// character with edit in the world's database, and returns a fresh cluster
// of cc for the visit that matters.
func firstVisit(t *testing.T, cc devcluster.Config, cfg Config, edit func(*store.Character)) *devcluster.Cluster {
	t.Helper()
	c := startCluster(t, cc)
	cfg.Gateway, cfg.Duration, cfg.Scenario = c.URL(), 100*time.Millisecond, ScenarioIdle
	if sum, err := Run(t.Context(), cfg); err != nil || sum.Entered != cfg.Count {
		t.Fatalf("first visit: %+v, %v", sum, err)
	}
	if err := c.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenWorld(t.Context(), filepath.Join(cc.DataDir, "world-w1.db"))
	if err != nil {
		t.Fatal(err)
	}
	for id := range int64(cfg.Count) {
		ch, err := db.Character(t.Context(), id+1)
		if err != nil {
			t.Fatalf("character %d: %v", id+1, err)
		}
		edit(&ch)
		ch.Version++ // newer than the stored save, or the store refuses it
		if _, err := db.SaveCharacters(t.Context(), ch); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return startCluster(t, cc)
}

// placeAt returns an edit for firstVisit that puts a character on map
// mapName at pos.
func placeAt(mapName string, pos rules.Vec) func(*store.Character) {
	return func(ch *store.Character) { ch.Map, ch.X, ch.Y = mapName, pos.X, pos.Y }
}

// TestWalkingBotsThroughPortals places walkers next to the overworld's
// portal and makes them all portal seekers, so that they travel back and
// forth between the overworld and the dungeon entrance, and checks that
// map changes keep every view and prediction right.
func TestWalkingBotsThroughPortals(t *testing.T) {
	const n = 10
	overworld, err := maps.Load("overworld")
	if err != nil {
		t.Fatal(err)
	}
	nearPortal, _ := overworld.Spawn("from_dungeon_entrance")
	cfg := Config{Count: n, AccountPrefix: "walker", Password: "walker password"}
	c := firstVisit(t, clusterConfig(t.TempDir()), cfg, placeAt("overworld", nearPortal))
	// Second visit: walk.
	cfg.Gateway, cfg.Duration, cfg.Scenario = c.URL(), 4*time.Second, ScenarioWalk
	check := newViewCheck()
	sum, err := runWith(t.Context(), cfg, hooks{check: check, seekerEvery: 1})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Logf("summary: %+v", sum)
	if sum.Entered != n || sum.Failed != 0 || sum.Desyncs != 0 || sum.PortalTrips == 0 {
		t.Fatalf("entered %d, failed %d (%v), desyncs %d, portal trips %d; want all in, none failed, no desyncs, some trips",
			sum.Entered, sum.Failed, sum.Errors, sum.Desyncs, sum.PortalTrips)
	}
	bad, compared := check.mismatches()
	if len(bad) > 0 {
		t.Errorf("%d of %d sightings differ from the world, the first: %s", len(bad), compared, bad[0])
	}
	if compared < n*n {
		t.Errorf("only %d sightings could be compared, want at least %d", compared, n*n)
	}
}

// TestFightingBots places fighters of every class in the overworld's rat
// meadow, each one experience point short of level 2, on a world without
// PvP, and lets them hunt: they use their abilities, kill rats, level up,
// and stay in sync with the world through every death and respawn. They
// never hunt each other.
func TestFightingBots(t *testing.T) {
	const n = 9
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
	cfg := Config{Count: n, AccountPrefix: "fighter", Password: "fighter password"}
	inMeadow := placeAt("overworld", rules.Vec{X: (meadow.Min.X + meadow.Max.X) / 2, Y: (meadow.Min.Y + meadow.Max.Y) / 2})
	c := firstVisit(t, clusterConfig(t.TempDir()), cfg, func(ch *store.Character) {
		inMeadow(ch)
		ch.XP = rules.XPToNext(1) - 1
	})
	cfg.Gateway, cfg.Duration, cfg.Scenario = c.URL(), 8*time.Second, ScenarioFight
	sum, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Logf("summary: %+v", sum)
	if sum.Entered != n || sum.Failed != 0 || sum.Desyncs != 0 {
		t.Fatalf("entered %d, failed %d (%v), desyncs %d; want all in, none failed, no desyncs", sum.Entered, sum.Failed, sum.Errors, sum.Desyncs)
	}
	if sum.AbilitiesUsed == 0 || sum.Kills == 0 || sum.PlayerKills != 0 {
		t.Errorf("abilities used %d, kills %d, players killed %d; want fighters that fight and kill rats, and no player", sum.AbilitiesUsed, sum.Kills, sum.PlayerKills)
	}
	// Every share of a rat's experience is a point at least: whoever
	// helps kill one levels up, once (a second level is 140 XP away).
	if sum.LevelsGained < 1 || sum.LevelsGained > n {
		t.Errorf("levels gained %d; want 1 to %d, one for each fighter that helped kill a rat", sum.LevelsGained, n)
	}
	// Fighters wait out their cooldowns and use specials only with the
	// mana: the world refuses only the odd input that came late.
	if sum.ActionsRefused*10 > sum.AbilitiesUsed {
		t.Errorf("actions refused %d, abilities used %d; want at most one refused for ten used", sum.ActionsRefused, sum.AbilitiesUsed)
	}
}

// TestFightingBotsFightEachOtherUnderPvP places fighters on a world with
// PvP, at the spot of the overworld farthest from every hostile NPC's
// zone, out of their sight and reach, so that only players can hurt them:
// they hunt each other, and some of them die, killed by players.
func TestFightingBotsFightEachOtherUnderPvP(t *testing.T) {
	const n = 9
	overworld, err := maps.Load("overworld")
	if err != nil {
		t.Fatal(err)
	}
	cc := clusterConfig(t.TempDir())
	cc.World.PvP = true
	cc.World.ViewWidth, cc.World.ViewHeight = 1280, 720
	spot := quietSpot(t, overworld, cc.World.ViewWidth, cc.World.ViewHeight)
	cfg := Config{Count: n, AccountPrefix: "duellist", Password: "duellist password"}
	c := firstVisit(t, cc, cfg, placeAt("overworld", spot))
	cfg.Gateway, cfg.Duration, cfg.Scenario = c.URL(), 8*time.Second, ScenarioFight
	sum, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Logf("at %v: summary: %+v", spot, sum)
	if sum.Entered != n || sum.Failed != 0 || sum.Desyncs != 0 {
		t.Fatalf("entered %d, failed %d (%v), desyncs %d; want all in, none failed, no desyncs", sum.Entered, sum.Failed, sum.Errors, sum.Desyncs)
	}
	if sum.AbilitiesUsed == 0 || sum.Deaths == 0 || sum.PlayerKills == 0 {
		t.Errorf("abilities used %d, deaths %d, players killed %d; want fighters that fight each other to death",
			sum.AbilitiesUsed, sum.Deaths, sum.PlayerKills)
	}
}

// quietSpot returns the centre of the open tile of m, with open tiles all
// around, that lies farthest from every hostile NPC's zone in views of
// viewW×viewH pixels (the farther of the two axes counts), and fails the
// test unless that is more than a view and a half away.
func quietSpot(t *testing.T, m *maps.Map, viewW, viewH int) rules.Vec {
	t.Helper()
	halfW, halfH := float64(viewW*rules.SubpixelsPerPixel/2), float64(viewH*rules.SubpixelsPerPixel/2)
	var best rules.Vec
	bestViews := -1.0
	for ty := 1; ty < m.Height-1; ty++ {
		for tx := 1; tx < m.Width-1; tx++ {
			open := true
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					open = open && !m.Solid(tx+dx, ty+dy)
				}
			}
			if !open {
				continue
			}
			p := rules.TileCenter(tx, ty)
			views := math.Inf(1)
			for _, z := range m.NPCZones {
				if k, ok := rules.NPCNamed(z.Kind); !ok || !k.Hostile {
					continue
				}
				dx := max(z.Rect.Min.X-p.X, p.X-z.Rect.Max.X, 0)
				dy := max(z.Rect.Min.Y-p.Y, p.Y-z.Rect.Max.Y, 0)
				views = min(views, max(float64(dx)/halfW, float64(dy)/halfH))
			}
			if views > bestViews {
				best, bestViews = p, views
			}
		}
	}
	if bestViews <= 1.5 {
		t.Fatalf("%s: the open spot farthest from hostile NPCs, %v, is %.2f views from one; want more than 1.5", m.Name, best, bestViews)
	}
	return best
}

func TestIdleBotsCountSnapshots(t *testing.T) {
	c := startCluster(t, clusterConfig(t.TempDir()))
	sum, err := Run(t.Context(), Config{Gateway: c.URL(), Count: 3, Duration: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if sum.Entered != 3 || sum.Failed != 0 || sum.SnapshotsPerS <= 0 || sum.PortalTrips != 0 || sum.Desyncs != 0 {
		t.Fatalf("summary %+v; want 3 idle bots in, receiving snapshots", sum)
	}
}

func TestRunRefusesAnUnknownScenario(t *testing.T) {
	if _, err := Run(t.Context(), Config{Gateway: "http://127.0.0.1:1", Scenario: "dance"}); err == nil {
		t.Fatal("Run(scenario dance) = nil error, want one")
	}
}

// TestWorldShutdownIsADisconnectNotAFailure shuts the world down under
// bots in the world: each bot reports that it entered and was then
// disconnected with 4009, and none that it failed.
func TestWorldShutdownIsADisconnectNotAFailure(t *testing.T) {
	for _, scenario := range []string{ScenarioIdle, ScenarioWalk} {
		t.Run("scenario="+scenario, func(t *testing.T) {
			c := startCluster(t, clusterConfig(t.TempDir()))
			const n = 5
			var entered sync.WaitGroup
			entered.Add(n)
			done := make(chan Summary, 1)
			go func() {
				sum, err := runWith(t.Context(), Config{Gateway: c.URL(), Count: n, Duration: time.Minute, Scenario: scenario},
					hooks{entered: entered.Done})
				if err != nil {
					t.Errorf("Run: %v", err)
				}
				done <- sum
			}()
			allIn := make(chan struct{})
			go func() { entered.Wait(); close(allIn) }()
			select {
			case <-allIn:
			case sum := <-done:
				t.Fatalf("the bots finished before all entered: %+v", sum)
			}
			if err := c.World.Shutdown(t.Context()); err != nil {
				t.Fatalf("world Shutdown: %v", err)
			}
			sum := <-done
			t.Logf("summary: %+v", sum)
			if sum.Entered != n || sum.Failed != 0 || sum.Disconnected[fmt.Sprint(int(protocol.CloseShutdown))] != n || len(sum.Disconnected) != 1 {
				t.Fatalf("entered %d, failed %d (%v), disconnected %v; want %d entered, then disconnected with %d, none failed",
					sum.Entered, sum.Failed, sum.Errors, sum.Disconnected, n, protocol.CloseShutdown)
			}
		})
	}
}
