package bots

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// Walking parameters.
const (
	// seekerEvery makes one walker in seekerEvery head for the nearest
	// portal of its map instead of wandering, so that map changes happen.
	seekerEvery = 5
	// wanderAfterTrip is how long a seeker wanders after arriving on a map
	// before it heads for a portal: longer than the world's guard (1 s)
	// during which it ignores the portals of the arrival map.
	wanderAfterTrip = 1500 * time.Millisecond
)

// walk plays the walk scenario for the configured duration, then logs out:
// it decides a direction every client tick (client.TickClock), predicts it
// with a client.Predictor, which says when to send an input (only on
// change), and reconciles against a client.View of the world, counting into
// stats. Fighters fight as they go (fight.go), and social bots say a line
// when one is due (social.go). A cancelled ctx ends the visit early,
// without an error. Like idle, it ends the visit on a timer,
// never by a deadline on a write.
func (b *bot) walk(ctx context.Context, conn *client.Conn, char api.Character, stats *playStats) error {
	g, err := b.newGame(conn.Welcome, char)
	if err != nil {
		conn.Close(protocol.CloseLogout)
		return err
	}
	defer func() { *stats = g.stats }()
	var chatTick <-chan time.Time // nil, which never fires, but for social bots
	if g.social != nil {
		g.social.soc.enter(b.index, char.Name, time.Now().Add(b.cfg.Duration))
		defer g.leaveSociety()
		t := time.NewTicker(chatPoll)
		defer t.Stop()
		chatTick = t.C
	}

	msgs := make(chan protocol.Message, 64)
	stop := make(chan struct{}) // closed when the loop below stops taking msgs
	recvErr := make(chan error, 1)
	go func() {
		for {
			m, err := conn.Recv(context.WithoutCancel(ctx))
			if err != nil {
				recvErr <- err
				return
			}
			select {
			case msgs <- m:
			case <-stop:
			}
		}
	}()
	// leave logs out and waits for the reader, which the close ends.
	leave := func() {
		close(stop)
		conn.Close(protocol.CloseLogout)
		<-recvErr
	}

	visit := time.NewTimer(b.cfg.Duration)
	defer visit.Stop()
	tick := time.NewTicker(time.Second / time.Duration(g.view.TickRate()))
	defer tick.Stop()
	ping := time.NewTicker(time.Second)
	defer ping.Stop()
	// Ping at once: the client tick's lead follows the round trip.
	err = conn.Send(ctx, protocol.Ping{ClientTime: uint64(time.Now().UnixMilli())})
	for err == nil {
		select {
		case <-visit.C:
			leave()
			return nil
		case <-ctx.Done():
			leave()
			return nil
		case err := <-recvErr:
			close(stop)
			conn.Close(protocol.CloseLogout)
			if ctx.Err() != nil {
				return nil // a write cancelled with the run cut the connection
			}
			return disconnected(err)
		case m := <-msgs:
			if err := g.observe(m, time.Now()); err != nil {
				leave()
				return err
			}
		case now := <-tick.C:
			for _, in := range g.inputs(now) {
				if err = conn.Send(ctx, in); err != nil {
					break
				}
			}
		case <-ping.C:
			err = conn.Send(ctx, protocol.Ping{ClientTime: uint64(time.Now().UnixMilli())})
		case now := <-chatTick:
			if line, ok := g.social.line(now); ok {
				err = conn.Send(ctx, line)
			}
		}
	}
	// A send failed: the run was cancelled during the write, or the
	// connection is gone, and its reader says how.
	close(stop)
	conn.Close(protocol.CloseLogout)
	if err := <-recvErr; ctx.Err() == nil {
		return disconnected(err)
	}
	return nil
}

// game is a walking bot's client state: the world as the snapshots say it
// is, the predicted own position, and the walking policy. One goroutine
// owns it.
type game struct {
	name   string // the character's
	maps   *client.MapCache
	view   *client.View
	pred   *client.Predictor
	clock  *client.TickClock
	walk   walker
	fight  *hunter          // nil but in the fight scenario
	social *socialite       // nil but in the social scenario
	out    []protocol.Input // scratch for inputs
	stats  playStats
	check  *viewCheck // nil except in tests
}

// newGame starts a game from the world's Welcome for char.
func (b *bot) newGame(w protocol.Welcome, char api.Character) (*game, error) {
	g := &game{name: char.Name, maps: b.fleet.maps, view: client.NewView(b.fleet.maps.Terrain), check: b.fleet.check}
	if err := g.view.Apply(w); err != nil {
		return nil, fmt.Errorf("bots: %w", err)
	}
	g.pred = client.NewPredictor(g.view.Own(), w.Tick, int32(w.Speed), g.view.Terrain())
	g.clock = client.NewTickClock(g.view.TickRate(), w.Tick, time.Now())
	g.walk = walker{
		rng:    rand.New(rand.NewPCG(b.fleet.seed, uint64(b.index))),
		rate:   g.view.TickRate(),
		seeker: b.cfg.Scenario != ScenarioSocial && b.index%b.fleet.seekerEvery == b.fleet.seekerEvery-1,
	}
	switch b.cfg.Scenario {
	case ScenarioFight:
		g.fight = newHunter(char.Class, g.view.TickRate(), b.pvp)
	case ScenarioSocial:
		// Social bots seek only the dungeon, with their party (social.go).
		g.social = newSocialite(b.fleet.social, g.walk.rng, b.index, b.cfg.Count, char.Name, time.Now())
	}
	if err := g.arrive(); err != nil {
		return nil, err
	}
	return g, nil
}

// arrive tells the walker about the map the view is on: its portals, or
// for a social bot those on its way to the dungeon.
func (g *game) arrive() error {
	m, err := g.maps.Map(g.view.MapName()) // cached: the view loaded it
	if err != nil {
		return fmt.Errorf("bots: %w", err)
	}
	portals := m.Portals
	if g.social != nil {
		if portals, err = g.social.route(g.maps, m); err != nil {
			return err
		}
	}
	g.walk.arrive(portals)
	return nil
}

// leaveSociety takes a social bot's counts and tells the others it left.
func (g *game) leaveSociety() {
	g.stats.social = g.social.stats
	g.social.soc.leave(g.social.index)
}

// observe applies a message from the world, received at now, and
// reconciles the prediction.
func (g *game) observe(m protocol.Message, now time.Time) error {
	if err := g.view.Apply(m); err != nil {
		return fmt.Errorf("bots: %w", err)
	}
	switch m := m.(type) {
	case protocol.Snapshot:
		g.stats.snapshots++
		if g.check != nil {
			g.check.record(g.name, g.view)
		}
		g.clock.Observe(m.Tick, now)
		g.events(m)
		c := g.pred.Reconcile(m.Tick, g.view.Own(), m.Ack, m.HasAck)
		switch {
		case c.Size <= client.DesyncTolerance:
		case c.Resync():
			g.stats.resyncs++
		default:
			g.stats.desyncs++
		}
	case protocol.MapChange:
		g.stats.trips++
		g.clock.Observe(m.Tick, now)
		g.pred.ChangeMap(m.Tick, g.view.Own(), m.Ack, g.view.Terrain())
		if g.social != nil {
			g.social.arrive(m)
		}
		return g.arrive()
	case protocol.ChatLine, protocol.Party:
		if g.social != nil && g.social.hear(m) {
			// The party is whole: it heads for the dungeon.
			g.walk.seeker = true
			return g.arrive()
		}
	case protocol.Pong:
		g.clock.SetRTT(time.Duration(max(now.UnixMilli()-int64(m.ClientTime), 0)) * time.Millisecond)
	}
	return nil
}

// inputs runs the client ticks due at now, one direction each, and returns
// the inputs to send: those that change what the last one said.
func (g *game) inputs(now time.Time) []protocol.Input {
	g.out = g.out[:0]
	tick, jumped := g.clock.Advance(now)
	first := g.pred.Tick() + 1
	if jumped || int32(tick-first) > 1 {
		// The clock started or jumped: the ticks skipped keep the input
		// in force.
		first = tick
	}
	for t := first; int32(t-tick) <= 0; t++ {
		dir, aim, buttons := g.decide()
		if in, send := g.pred.Step(t, dir, aim, buttons); send {
			g.out = append(g.out, in)
		}
	}
	return g.out
}

// decide returns the direction, aim and buttons for the next client tick:
// the hunter's while it has prey in view, the walker's otherwise.
func (g *game) decide() (protocol.Direction, uint8, protocol.Buttons) {
	if g.fight != nil {
		if dir, aim, buttons, ok := g.fight.next(g.pred.Pos(), g.view, g.pred.Peek); ok {
			return dir, aim, buttons
		}
	}
	return g.walk.next(g.pred.Pos(), g.pred.Peek), g.walk.aim, 0
}

// events takes what a snapshot's events say about the bot itself: its
// death and respawn, which the predictor must know before it reconciles,
// and, for fighters, what it did.
func (g *game) events(s protocol.Snapshot) {
	g.pred.Observe(&s)
	for _, e := range s.Events {
		if e.Subject == 0 {
			switch e.Kind {
			case protocol.EventDeath:
				g.stats.fight.deaths++
			case protocol.EventAction:
				g.stats.fight.used++
			case protocol.EventRefused:
				g.stats.fight.refused++
			case protocol.EventLevelUp:
				g.stats.fight.levels++
			}
			continue
		}
		if g.fight == nil || e.Kind != protocol.EventDeath {
			continue
		}
		switch killed, player := g.fight.killed(e.Subject); {
		case player:
			g.stats.fight.playerKills++
		case killed:
			g.stats.fight.kills++
		}
	}
}

// walker decides where a bot walks. A wanderer turns to a random one of
// the eight directions every 0.5-2 s, and at once when its way is blocked.
// A seeker heads for the centre of the nearest portal, keeping its course
// while it gains at least 70% of what the best direction would, and
// wanders for 0.5-2 s when no direction gets it closer (a wall in the way).
type walker struct {
	rng     *rand.Rand
	rate    int // ticks per second
	seeker  bool
	portals []maps.Portal // of the current map

	dir    protocol.Direction
	aim    uint8
	turnIn int // ticks until a wanderer's next turn
	detour int // ticks a seeker still wanders
}

// arrive starts over on a map with these portals. A seeker wanders for a
// while first.
func (w *walker) arrive(portals []maps.Portal) {
	w.portals = portals
	w.detour = int(wanderAfterTrip) * w.rate / int(time.Second)
}

// next returns the direction to walk this tick from pos; peek tells where
// one step in a direction would lead.
func (w *walker) next(pos rules.Vec, peek func(protocol.Direction) rules.Vec) protocol.Direction {
	switch {
	case !w.seeker || len(w.portals) == 0:
		w.wander(pos, peek)
	case w.detour > 0:
		w.detour--
		w.wander(pos, peek)
	default:
		w.seek(pos, peek)
	}
	if w.dir != protocol.DirNone {
		w.aim = w.dir.Aim()
	}
	return w.dir
}

func (w *walker) wander(pos rules.Vec, peek func(protocol.Direction) rules.Vec) {
	w.turnIn--
	if w.turnIn <= 0 || w.dir == protocol.DirNone {
		w.dir = protocol.Direction(1 + w.rng.IntN(8))
		w.turnIn = w.turnTicks()
	}
	if peek(w.dir) == pos {
		w.dir = w.freeDir(pos, peek)
	}
}

// turnTicks returns a random time between turns, 0.5-2 s, in ticks.
func (w *walker) turnTicks() int {
	lo, hi := max(w.rate/2, 1), max(2*w.rate, 1)
	return lo + w.rng.IntN(hi-lo+1)
}

// freeDir returns a random direction in which a step moves, or DirNone if
// every one is blocked.
func (w *walker) freeDir(pos rules.Vec, peek func(protocol.Direction) rules.Vec) protocol.Direction {
	var free [8]protocol.Direction
	n := 0
	for d := protocol.DirN; d <= protocol.DirNW; d++ {
		if peek(d) != pos {
			free[n] = d
			n++
		}
	}
	if n == 0 {
		return protocol.DirNone
	}
	return free[w.rng.IntN(n)]
}

func (w *walker) seek(pos rules.Vec, peek func(protocol.Direction) rules.Vec) {
	target := w.nearestPortal(pos)
	here := dist2(pos, target)
	best, bestGain, curGain := protocol.DirNone, int64(0), int64(0)
	for d := protocol.DirN; d <= protocol.DirNW; d++ {
		gain := here - dist2(peek(d), target)
		if gain > bestGain {
			best, bestGain = d, gain
		}
		if d == w.dir {
			curGain = gain
		}
	}
	if best == protocol.DirNone {
		w.detour = w.turnTicks()
		w.dir = w.freeDir(pos, peek)
		return
	}
	if w.dir == protocol.DirNone || curGain*10 < bestGain*7 {
		w.dir = best
	}
}

// nearestPortal returns the centre of the portal nearest to pos.
func (w *walker) nearestPortal(pos rules.Vec) rules.Vec {
	var best rules.Vec
	bestD := int64(-1)
	for _, p := range w.portals {
		c := rules.Vec{X: p.Rect.Min.X + (p.Rect.Max.X-p.Rect.Min.X)/2, Y: p.Rect.Min.Y + (p.Rect.Max.Y-p.Rect.Min.Y)/2}
		if d := dist2(pos, c); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// dist2 returns the squared distance between a and b.
func dist2(a, b rules.Vec) int64 {
	dx, dy := int64(a.X)-int64(b.X), int64(a.Y)-int64(b.Y)
	return dx*dx + dy*dy
}

// viewCheck collects, for tests, where every walker was by its own view and
// where the others saw it, tick by tick, so that a test can check that
// every view of every entity matched the world. Safe for concurrent use.
type viewCheck struct {
	mu   sync.Mutex             // guards following fields
	own  map[sighting]rules.Vec // a character's own position
	seen map[sighting][]rules.Vec
}

// sighting names a character on a map instance at a tick.
type sighting struct {
	mapName  string
	instance uint32
	tick     uint32
	name     string
}

func newViewCheck() *viewCheck {
	return &viewCheck{own: map[sighting]rules.Vec{}, seen: map[sighting][]rules.Vec{}}
}

// record notes what the view of the character name holds after a snapshot.
func (c *viewCheck) record(name string, v *client.View) {
	key := sighting{v.MapName(), v.Instance(), v.Tick(), name}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.own[key] = v.Own()
	for _, e := range v.All() {
		key.name = e.Name
		c.seen[key] = append(c.seen[key], e.Pos)
	}
}

// mismatches returns the sightings that differ from the character's own
// position at the same tick, and how many sightings had one to compare to:
// those of players still in the instance they entered the world in.
func (c *viewCheck) mismatches() (bad []string, compared int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, positions := range c.seen {
		own, ok := c.own[key]
		if !ok || key.instance != 0 {
			// Ticks count each player's steps, so only players who
			// entered the world in the same instance (instance 0 names
			// the one a Welcome placed them in) and never left it number
			// them alike.
			continue
		}
		for _, p := range positions {
			compared++
			if p != own {
				bad = append(bad, fmt.Sprintf("%+v: seen at %v, own position %v", key, p, own))
			}
		}
	}
	return bad, compared
}
