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
	tick   *client.TickClock
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
	// than client.DesyncTolerance; resyncs those explained by a late input
	// or a clock jump, desyncs the others (client.Correction).
	corrections, resyncs, desyncs int
	rtt                           float64 // the last Ping's round trip in ms; -1 before the first
}

// newWorldSession starts a session from the Welcome of a character of
// class, welcomed at local time now. The world tells the player's speed in
// Welcome; class only has to be known.
func newWorldSession(maps *client.MapCache, welcome protocol.Welcome, class api.Class, now time.Time) (*worldSession, error) {
	s := &worldSession{view: client.NewView(maps.Terrain), stepAt: now, aim: protocol.DirS.Aim(), rtt: -1}
	if err := s.view.Apply(welcome); err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	if _, ok := rules.ClassNamed(string(class)); !ok {
		return nil, fmt.Errorf("ui: character class %q has no stats", class)
	}
	s.pred = client.NewPredictor(s.view.Own(), welcome.Tick, int32(welcome.Speed), s.view.Terrain())
	s.tick = client.NewTickClock(s.view.TickRate(), welcome.Tick, now)
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
		s.tick.Observe(m.Tick, at)
		c := s.pred.Reconcile(m.Tick, s.view.Own(), m.Ack, m.HasAck)
		if c.Size > client.DesyncTolerance {
			s.corrections++
			if c.Resync() {
				s.resyncs++
			} else {
				s.desyncs++
			}
		}
		s.smooth.Correct(c)
	case protocol.MapChange:
		s.tick.Observe(m.Tick, at)
		s.pred.ChangeMap(m.Tick, s.view.Own(), m.Ack, s.view.Terrain())
		s.smooth.Reset(s.pred.Pos())
		s.arrivals++
	case protocol.Pong:
		s.clock.Observe(m, millis(at))
		s.rtt = max(0, millis(at)-float64(m.ClientTime))
		s.tick.SetRTT(time.Duration(s.rtt * float64(time.Millisecond)))
	}
	return nil
}

// step runs one tick of the world's rate on the client's clock, at local
// time now, with dir and buttons held: it predicts the client ticks due (one,
// or two to catch up, or none to hold) and returns the inputs to send, only
// those that change what the world was last told.
func (s *worldSession) step(dir protocol.Direction, buttons protocol.Buttons, now time.Time) []protocol.Input {
	s.mu.Lock()
	defer s.mu.Unlock()
	if dir != protocol.DirNone {
		s.aim = dir.Aim()
	}
	tick, jumped := s.tick.Advance(now)
	prev := s.pred.Tick()
	first := prev + 1
	if jumped || int32(tick-first) > 1 {
		// The clock started or jumped: the ticks skipped keep the input
		// in force.
		first = tick
	}
	var out []protocol.Input
	before := s.pred.Pos()
	for t := first; int32(t-tick) <= 0; t++ {
		if in, send := s.pred.Step(t, dir, s.aim, buttons); send {
			out = append(out, in)
		}
	}
	if int32(tick-prev) > 0 { // not held
		s.walking = s.pred.Pos() != before
		s.smooth.Advance(s.pred.Pos())
		s.stepAt = now
	}
	return out
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
	snap.Corrections, snap.Desyncs, snap.Resyncs = s.corrections, s.desyncs, s.resyncs
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
