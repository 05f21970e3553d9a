//go:build !js

package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// testPlayer is a character in the world through a worldSession, fed by a
// reader goroutine as the game screen feeds it.
type testPlayer struct {
	name    string
	conn    *client.Conn
	session *worldSession
	done    chan error // the reader's end
}

// enterWorld creates a guest with a character called name and enters the
// world with it.
func enterWorld(t *testing.T, c *devcluster.Cluster, maps *client.MapCache, name string) *testPlayer {
	t.Helper()
	gw, char := newCharacter(t, c, name)
	return join(t, c, gw, char, maps)
}

// newCharacter creates a guest with a knight called name.
func newCharacter(t *testing.T, c *devcluster.Cluster, name string) (*client.Gateway, api.Character) {
	t.Helper()
	gw := newTestGateway(t, c)
	char, err := gw.CreateCharacter(t.Context(), c.World.ID(), name, api.ClassKnight)
	if err != nil {
		t.Fatal(err)
	}
	return gw, char
}

// join enters the world with char, and starts a session fed by a reader
// goroutine as the game screen feeds it.
func join(t *testing.T, c *devcluster.Cluster, gw *client.Gateway, char api.Character, maps *client.MapCache) *testPlayer {
	t.Helper()
	grant, err := gw.Enter(t.Context(), c.World.ID(), char.ID)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.Join(t.Context(), grant.URL, grant.Token)
	if err != nil {
		t.Fatal(err)
	}
	session, err := newWorldSession(maps, conn.Welcome, char.Class, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	name := char.Name
	p := &testPlayer{name: name, conn: conn, session: session, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			m, err := conn.Recv(ctx)
			if err == nil {
				err = session.apply(m, time.Now())
			}
			if err != nil {
				p.done <- err
				return
			}
		}
	}()
	t.Cleanup(func() {
		conn.Close(protocol.CloseLogout)
		cancel()
		if err := <-p.done; err != nil {
			var ce *client.CloseError
			if !errors.As(err, &ce) && !errors.Is(err, context.Canceled) {
				t.Logf("%s's reader ended with %v", name, err)
			}
		}
	})
	return p
}

// walk holds dir for ticks ticks of the world's rate, predicting each and
// sending the inputs (one on each change), then stops.
func (p *testPlayer) walk(t *testing.T, dir protocol.Direction, ticks int) {
	t.Helper()
	period := time.Second / time.Duration(p.session.tickRate())
	for i := range ticks + 1 {
		if i == ticks {
			dir = protocol.DirNone
		}
		for _, in := range p.session.step(intent{dir: dir}, time.Now()) {
			if err := p.conn.Send(t.Context(), in); err != nil {
				t.Fatalf("%s: sending input: %v", p.name, err)
			}
		}
		time.Sleep(period)
	}
}

// state returns what the session shows the test hook.
func (p *testPlayer) state() Snapshot {
	var s Snapshot
	p.session.describe(&s)
	return s
}

// settle waits until the world has acknowledged every input of p and check
// accepts its state, failing the test after a generous bound.
func (p *testPlayer) settle(t *testing.T, what string, check func(Snapshot) bool) Snapshot {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p.session.mu.Lock()
		pending := p.session.pred.Pending()
		p.session.mu.Unlock()
		s := p.state()
		if pending == 0 && check(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: gave up waiting for %s; %d inputs pending, state %+v", p.name, what, pending, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSessionPredictsWhatTheWorldDoes(t *testing.T) {
	c, _ := startCluster(t)
	maps := client.NewMapCache(nil)
	a := enterWorld(t, c, maps, "Walker")
	b := enterWorld(t, c, maps, "Watcher")

	start := a.state()
	if start.Map == "" || start.Player != start.Server {
		t.Fatalf("after Welcome: %+v; want a map, and the prediction where the world put the player", start)
	}
	// The spawn may have a wall on one side: walk until one way leads
	// somewhere.
	var moved Snapshot
	for _, dir := range []protocol.Direction{protocol.DirE, protocol.DirW, protocol.DirS, protocol.DirN} {
		a.walk(t, dir, 10)
		moved = a.settle(t, "the walk acknowledged", func(Snapshot) bool { return true })
		if moved.Server != start.Server {
			break
		}
	}
	if moved.Server == start.Server {
		t.Fatalf("walking every way left the world's position at %+v", start.Server)
	}
	// A loaded machine may deliver an input late (a resync); a desync
	// would be a bug.
	if moved.Player != moved.Server || moved.Desyncs != 0 || moved.Corrections != moved.Desyncs+moved.Resyncs {
		t.Errorf("after the world acknowledged every input: predicted %+v, world %+v, %d corrections (%d desyncs, %d resyncs); want them equal, and no desync",
			moved.Player, moved.Server, moved.Corrections, moved.Desyncs, moved.Resyncs)
	}

	// The other player sees the walker where the world has it.
	b.settle(t, "the walker in view at its new place", func(s Snapshot) bool {
		for _, o := range s.Others {
			if o.Name == a.name {
				return o.X == moved.Server.X && o.Y == moved.Server.Y
			}
		}
		return false
	})
	if got := b.state().Entities; got < 1 {
		t.Errorf("the watcher's view holds %d entities, want the walker at least", got)
	}

	var sc scene
	// A second after the last frame and the last step: any correction has
	// faded, and the player is drawn at the end of its last step, not
	// between it and the one before.
	a.session.scene(&sc, sceneEntity{name: a.name, sprite: protocol.SpriteKnight}, time.Now().Add(time.Second), time.Second)
	var self, other int
	for _, e := range sc.entities {
		switch {
		case e.self:
			self++
			// A correction (a late input is allowed) fades exponentially:
			// after a second less than a hundredth of a pixel is left.
			if math.Abs(e.x-moved.Server.X) > 0.01 || math.Abs(e.y-moved.Server.Y) > 0.01 {
				t.Errorf("the player is drawn at %.4f,%.4f; want the settled position %+v", e.x, e.y, moved.Server)
			}
		case e.name == b.name:
			other++
			if e.sprite != protocol.SpriteKnight {
				t.Errorf("the watcher is drawn as sprite %d, want the knight", e.sprite)
			}
		}
	}
	if self != 1 || other != 1 {
		t.Errorf("the scene has the player %d times and the watcher %d times, want once each", self, other)
	}
	for i := 1; i < len(sc.entities); i++ {
		aDead, bDead := sc.entities[i-1].pose == poseDead, sc.entities[i].pose == poseDead
		if aDead == bDead && sc.entities[i-1].y > sc.entities[i].y || !aDead && bDead {
			t.Errorf("the scene is not drawn back to front, the dead first: %+v", sc.entities)
		}
	}
}

func TestDescribeListsTheNearestFew(t *testing.T) {
	c, _ := startCluster(t)
	maps := client.NewMapCache(nil)
	me := enterWorld(t, c, maps, "Myself")
	for i := range MaxOthers + 3 {
		enterWorld(t, c, maps, fmt.Sprintf("Crowd%02d", i))
	}
	// The town's NPCs may be in view too: more than MaxOthers in all is
	// what the test needs.
	s := me.settle(t, "more than MaxOthers in view", func(s Snapshot) bool { return s.Entities >= MaxOthers+3 })
	if len(s.Others) != MaxOthers {
		t.Fatalf("Others lists %d entities, want MaxOthers = %d", len(s.Others), MaxOthers)
	}
	dist := func(o Other) float64 { return math.Hypot(o.X-s.Server.X, o.Y-s.Server.Y) }
	for i := 1; i < len(s.Others); i++ {
		if dist(s.Others[i-1]) > dist(s.Others[i]) {
			t.Errorf("Others is not nearest first: %+v", s.Others)
			break
		}
	}
}

func TestSessionFollowsThePlayerThroughAPortal(t *testing.T) {
	c, _ := startCluster(t)
	maps := client.NewMapCache(nil)
	overworld, err := maps.Map("overworld")
	if err != nil {
		t.Fatal(err)
	}
	portal := overworld.Portals[0]
	// Put the character in the portal, as if it had walked there and
	// logged out: it travels as soon as the arrival guard lets it.
	gw, char := newCharacter(t, c, "Traveller")
	if err := c.PlaceCharacter(t.Context(), char.ID, "overworld", centre(portal.Rect)); err != nil {
		t.Fatal(err)
	}

	p := join(t, c, gw, char, maps)
	if name, arrivals := p.session.arrival(); name != "overworld" || arrivals != 1 {
		t.Fatalf("after Welcome: map %q, arrival %d; want overworld, 1", name, arrivals)
	}
	// The player keeps sending inputs, as the game does, while it waits.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if name, arrivals := p.session.arrival(); arrivals == 2 {
			if name != portal.TargetMap {
				t.Fatalf("arrived on %q, want %q", name, portal.TargetMap)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no map change 10 s after entering in a portal")
		}
		p.walk(t, protocol.DirNone, 1)
	}
	target, err := maps.Map(portal.TargetMap)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := target.Spawn(portal.TargetSpawn)
	s := p.settle(t, "the prediction on the new map", func(Snapshot) bool { return true })
	// Arrivals spread around the spawn point (world.Config.SpawnSpread,
	// 48 px by default).
	near := func(a, b float64) bool { return a-b <= 48 && b-a <= 48 }
	if spawn := pixels(want); s.Map != portal.TargetMap || !near(s.Server.X, spawn.X) || !near(s.Server.Y, spawn.Y) || s.Player != s.Server {
		t.Errorf("after the trip: map %q, world %+v, predicted %+v; want %q within 48 px of %+v for both",
			s.Map, s.Server, s.Player, portal.TargetMap, spawn)
	}
	// It walks on the new map, and the world agrees with the prediction.
	arrival := s.Server
	p.walk(t, protocol.DirS, 5)
	p.walk(t, protocol.DirE, 5)
	s = p.settle(t, "the walk on the new map", func(Snapshot) bool { return true })
	if s.Player != s.Server || s.Server == arrival || s.Desyncs != 0 {
		t.Errorf("after walking on the new map from %+v: predicted %+v, world %+v, %d desyncs; want them equal, away from the arrival, and no desync", arrival,
			s.Player, s.Server, s.Desyncs)
	}
}

// centre returns the middle of r.
func centre(r rules.Rect) rules.Vec {
	return rules.Vec{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}
}

// TestSessionFightsInTheWorld puts a knight in the Overworld's rat meadow
// and hunts: it walks to the nearest rat and holds the attack aimed at it,
// as the game does with the mouse, until it has killed one. The session
// predicts the swings' cooldowns, and the world confirms them.
func TestSessionFightsInTheWorld(t *testing.T) {
	c, _ := startCluster(t)
	maps := client.NewMapCache(nil)
	overworld, err := maps.Map("overworld")
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
	gw, char := newCharacter(t, c, "Ratcatcher")
	if err := c.PlaceCharacter(t.Context(), char.ID, "overworld", centre(meadow)); err != nil {
		t.Fatal(err)
	}
	p := join(t, c, gw, char, maps)

	period := time.Second / time.Duration(p.session.tickRate())
	deadline := time.Now().Add(30 * time.Second)
	var cooled, confirmed bool
	for {
		s := p.state()
		if s.Kills > 0 && cooled && confirmed {
			if s.Desyncs != 0 || s.HitsDealt == 0 || s.MaxHP != 120 {
				t.Errorf("after the kill: %d desyncs, %d hits dealt, max HP %d; want none, some, 120", s.Desyncs, s.HitsDealt, s.MaxHP)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no rat killed in 30 s (cooldown predicted %v, swing confirmed %v): %+v", cooled, confirmed, s)
		}
		in := p.hunt()
		for _, m := range p.session.step(in, time.Now()) {
			if err := p.conn.Send(t.Context(), m); err != nil {
				t.Fatal(err)
			}
		}
		p.session.mu.Lock()
		left, _ := p.session.cool.Left(0, p.session.pred.Tick())
		cooled = cooled || left > 0
		for e := range p.session.view.Effects() {
			confirmed = confirmed || e.Kind == protocol.EventAction && e.Subject == 0 && e.Ability == uint8(rules.SwordSwing)
		}
		p.session.mu.Unlock()
		time.Sleep(period)
	}
}

// hunt returns what a player hunting the nearest living rat wants: to walk
// up to it, and once near, to hold the attack aimed at it.
func (p *testPlayer) hunt() intent {
	s := p.session
	s.mu.Lock()
	defer s.mu.Unlock()
	own := s.pred.Pos()
	var prey rules.Vec
	best := int64(-1)
	for _, e := range s.view.All() {
		if e.Sprite != protocol.SpriteRat || e.Dead() {
			continue
		}
		if d := rules.Dist2(own, e.Pos); best < 0 || d < best {
			prey, best = e.Pos, d
		}
	}
	if best < 0 {
		return intent{}
	}
	if reach := int64(12 * rules.SubpixelsPerPixel); best > reach*reach {
		return intent{dir: direction(float64(prey.X-own.X), float64(prey.Y-own.Y))}
	}
	return intent{buttons: protocol.ButtonPrimary, aim: rules.AimAt(rules.Centre(own), rules.Centre(prey)), aimed: true}
}

func TestSessionHearsTheChatAndFollowsTheParty(t *testing.T) {
	c, _ := startCluster(t)
	maps := client.NewMapCache(nil)
	ann := enterWorld(t, c, maps, "Annick")
	bob := enterWorld(t, c, maps, "Bobbin")
	say := func(p *testPlayer, line string) {
		t.Helper()
		if err := p.conn.Send(t.Context(), protocol.Chat{Channel: protocol.ChannelSay, Text: line}); err != nil {
			t.Fatalf("%s says %q: %v", p.name, line, err)
		}
	}
	heard := func(from, text string) func(Snapshot) bool {
		return func(s Snapshot) bool {
			return slices.ContainsFunc(s.Chat, func(l ChatEntry) bool { return l.Channel == "say" && l.From == from && l.Text == text })
		}
	}
	say(ann, "hello all")
	bob.settle(t, "Annick's line", heard("Annick", "hello all"))
	ann.settle(t, "Annick's own line", heard("Annick", "hello all"))

	say(ann, "/invite Bobbin")
	bob.settle(t, "the invitation", func(s Snapshot) bool { return s.Invite == "Annick" })
	say(bob, "/accept")
	for _, p := range []*testPlayer{ann, bob} {
		s := p.settle(t, "the party with vitals", func(s Snapshot) bool {
			return s.Party != nil && len(s.Party.Members) == 2 && s.Party.Members[0].MaxHP > 0 && s.Party.Members[1].MaxHP > 0
		})
		if s.Party.Leader != "Annick" || s.Party.Members[0].Name != "Annick" || s.Party.Members[1].Name != "Bobbin" {
			t.Errorf("%s's party = %+v, want Annick leading Annick and Bobbin", p.name, s.Party)
		}
		if s.Party.Members[0].HP != s.Party.Members[0].MaxHP || !s.Party.Members[1].Online {
			t.Errorf("%s's party members = %+v, want both online, unhurt", p.name, s.Party.Members)
		}
	}
	other := ann.settle(t, "Bobbin marked in the party", func(s Snapshot) bool {
		return slices.ContainsFunc(s.Others, func(o Other) bool { return o.Name == "Bobbin" && o.Party })
	})
	if slices.ContainsFunc(other.Others, func(o Other) bool { return o.Name != "Bobbin" && o.Party }) {
		t.Errorf("others marked in the party: %+v; want Bobbin alone", other.Others)
	}
}
