package ui

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// worldSession is the client's side of one world connection: the view the
// world's snapshots build, the predicted own position, and the world's
// clock. The game screen's reader goroutine applies the world's messages
// (so a hidden browser tab, which stops drawing, still keeps up with the
// world) and the game goroutine predicts inputs and takes scenes to draw;
// mu guards the state between them.
type worldSession struct {
	mu     sync.Mutex
	view   *client.View
	pred   *client.Predictor
	smooth client.Smoother
	clock  client.ServerClock
	// stepAt is when the last input was predicted; the Smoother
	// interpolates from there to the next.
	stepAt time.Time
	// aim is the last facing the player moved in; walking is set while the
	// last input moved the player.
	aim     uint8
	walking bool
	// arrivals counts Welcome and every MapChange since, so the game screen
	// can tell a new map from the old.
	arrivals int
	// corrections counts reconciliations that moved the prediction by more
	// than client.DesyncTolerance, outside map changes.
	corrections int
	rtt         float64 // the last Ping's round trip in ms; -1 before the first
}

// newWorldSession starts a session from the Welcome of a character of
// class, welcomed at local time now.
func newWorldSession(maps *client.MapCache, welcome protocol.Welcome, class api.Class, now time.Time) (*worldSession, error) {
	s := &worldSession{view: client.NewView(maps.Terrain), stepAt: now, aim: protocol.DirS.Aim(), rtt: -1}
	if err := s.view.Apply(welcome); err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	stats, ok := rules.Stats(string(class))
	if !ok {
		return nil, fmt.Errorf("ui: character class %q has no stats", class)
	}
	speed := rules.SpeedPerTick(stats.Speed, s.view.TickRate())
	s.pred = client.NewPredictor(s.view.Own(), speed, s.view.Terrain())
	s.smooth.Reset(s.view.Own())
	s.clock.Seed(welcome.ServerTime, millis(now))
	s.arrivals = 1
	return s, nil
}

// millis returns t as Unix milliseconds, the unit of the world's clock.
func millis(t time.Time) float64 { return float64(t.UnixMicro()) / 1000 }

// tickRate returns the world's tick rate in Hz.
func (s *worldSession) tickRate() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.view.TickRate()
}

// apply takes one message from the world, received at local time at. A
// message that does not fit the view (client.ErrDesync) or names a map the
// client cannot load ends the session.
func (s *worldSession) apply(m protocol.Message, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.view.Apply(m); err != nil {
		return fmt.Errorf("ui: %w", err)
	}
	switch m := m.(type) {
	case protocol.Snapshot:
		if !m.HasAck && !m.HasOwn {
			return nil
		}
		c := s.pred.Reconcile(s.view.Ack(), s.view.Own())
		if c.Size > client.DesyncTolerance && !c.Resync {
			s.corrections++
		}
		s.smooth.Correct(c)
	case protocol.MapChange:
		s.pred.ChangeMap(s.view.Own(), s.view.Terrain())
		s.smooth.Reset(s.view.Own())
		s.arrivals++
	case protocol.Pong:
		s.clock.Observe(m, millis(at))
		s.rtt = max(0, millis(at)-float64(m.ClientTime))
	}
	return nil
}

// backlogged reports whether more of the player's inputs await the world's
// acknowledgement than the round trip explains: the world has queued some,
// which delays every later input by a tick each. Skipping an input lets
// the queue drain by one.
func (s *worldSession) backlogged(period time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rtt < 0 {
		return false
	}
	// An input is acknowledged by the snapshot of the tick that applies
	// it, up to a tick after it arrives, and that snapshot takes half a
	// round trip back.
	expected := int(math.Ceil(s.rtt*float64(time.Millisecond)/float64(period))) + 2
	return s.pred.Pending() > expected
}

// step predicts this tick's input, made at local time now, and returns it
// to send.
func (s *worldSession) step(dir protocol.Direction, buttons protocol.Buttons, now time.Time) protocol.Input {
	s.mu.Lock()
	defer s.mu.Unlock()
	if dir != protocol.DirNone {
		s.aim = dir.Aim()
	}
	before := s.pred.Pos()
	in := s.pred.Next(dir, s.aim, buttons)
	s.walking = s.pred.Pos() != before
	s.smooth.Advance(s.pred.Pos())
	s.stepAt = now
	return in
}

// scene is what the game screen draws in one frame, taken from a session
// in one piece so that drawing holds no lock.
type scene struct {
	mapName string
	tick    uint32
	// own is where to draw the player; predicted and world are the
	// predicted position and the world's (all in pixels).
	own              sceneEntity
	predicted, world Point
	// entities are the player and the other entities in view, at their
	// interpolated positions, back to front.
	entities    []sceneEntity
	pending     int
	corrections int
	rtt         float64
}

// sceneEntity is one entity as drawn.
type sceneEntity struct {
	name      string
	sprite    string // the sheet's name for it; "" draws nothing
	self      bool   // the player's own character
	x, y      float64
	face      facing
	walking   bool
	hp, maxHP int64
}

// scene fills sc with the state to draw at local time now, dt after the
// last frame; self describes the player's own character (name, sprite and
// health), which the world does not replicate to its own client. It reuses
// sc's slices.
func (s *worldSession) scene(sc *scene, self sceneEntity, now time.Time, dt time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	period := time.Second / time.Duration(max(s.view.TickRate(), 1))
	self.self = true
	self.x, self.y = s.smooth.Frame(float64(now.Sub(s.stepAt))/float64(period), dt)
	self.face, self.walking = facingOf(s.aim), s.walking
	sc.own = self
	sc.mapName, sc.tick = s.view.MapName(), s.view.Tick()
	sc.predicted, sc.world = pixels(s.pred.Pos()), pixels(s.view.Own())
	sc.pending, sc.corrections, sc.rtt = s.pred.Pending(), s.corrections, s.rtt

	sc.entities = append(sc.entities[:0], self)
	at := s.clock.Now(millis(now)) - float64(client.InterpolationDelay/time.Millisecond)
	for h, e := range s.view.All() {
		x, y, ok := s.view.RenderPos(h, at)
		if !ok {
			continue
		}
		sc.entities = append(sc.entities, sceneEntity{
			name: e.Name, sprite: spriteName(e.Sprite), x: x, y: y,
			face:    facingOf(e.Facing),
			walking: e.Dir != rules.DirNone || e.Anim == protocol.AnimWalk,
			hp:      e.HP, maxHP: e.MaxHP,
		})
	}
	slices.SortFunc(sc.entities, func(a, b sceneEntity) int {
		return cmp.Or(cmp.Compare(a.y, b.y), strings.Compare(a.name, b.name))
	})
}

// arrival returns the map the player is on, and how many maps it has
// arrived on so far: a new count means a new map.
func (s *worldSession) arrival() (mapName string, arrivals int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.view.MapName(), s.arrivals
}

// describe adds the session to a test snapshot: the map, the player's
// predicted and authoritative positions, and the nearest entities as the
// last snapshot placed them.
func (s *worldSession) describe(snap *Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap.Map = s.view.MapName()
	snap.Player, snap.Server = pixels(s.pred.Pos()), pixels(s.view.Own())
	snap.Corrections = s.corrections
	if s.rtt >= 0 {
		snap.RTT = int64(math.Round(s.rtt))
	}
	snap.Entities = s.view.Len()
	snap.Others = make([]Other, 0, s.view.Len())
	for _, e := range s.view.All() {
		p := pixels(e.Pos)
		snap.Others = append(snap.Others, Other{Name: e.Name, X: p.X, Y: p.Y})
	}
	own := snap.Server
	dist := func(o Other) float64 { return math.Hypot(o.X-own.X, o.Y-own.Y) }
	slices.SortFunc(snap.Others, func(a, b Other) int {
		return cmp.Or(cmp.Compare(dist(a), dist(b)), strings.Compare(a.Name, b.Name))
	})
	snap.Others = snap.Others[:min(len(snap.Others), MaxOthers)]
}

// pixels converts a position in subpixels to pixels.
func pixels(p rules.Vec) Point {
	return Point{X: float64(p.X) / rules.SubpixelsPerPixel, Y: float64(p.Y) / rules.SubpixelsPerPixel}
}
