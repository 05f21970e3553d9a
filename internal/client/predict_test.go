package client

import (
	"math/rand/v2"
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/sim"
)

// fakeWorld plays the world's side for one player as internal/world does,
// with the world's own input queue: inputs are pushed at the player's
// current tick, each step advances the queue to the new tick and moves the
// player by the input in force, and the snapshot of that tick acknowledges
// the input applied in it. A player whose feet end a step in a portal of
// map a arrives at arrival on map b (if set), and that step's snapshot is
// replaced by a MapChange.
type fakeWorld struct {
	terrain Terrain
	speed   int32
	tick    uint32
	pos     rules.Vec
	queue   sim.InputQueue

	arrival  rules.Vec
	portals  bool
	refusals []error

	// The player dies in tick dieAt (if not 0), stands still after it,
	// and comes back at respawn in tick reviveAt.
	dieAt, reviveAt uint32
	respawn         rules.Vec
}

// worldMsg is what the fake world sends: a snapshot or a map change.
type worldMsg struct {
	mapChange bool
	tick      uint32
	pos       rules.Vec
	ack       uint32
	acked     bool
	died      bool // the snapshot carries the player's EventDeath
	revived   bool // and its EventRespawn
}

func (w *fakeWorld) receive(in protocol.Input) {
	if err := w.queue.Push(in, w.tick); err != nil {
		w.refusals = append(w.refusals, err)
	}
}

// step runs one step and returns the message it sends.
func (w *fakeWorld) step() worldMsg {
	w.tick++
	in, applied := w.queue.Advance(w.tick)
	dead := w.dieAt != 0 && w.tick > w.dieAt && w.tick <= w.reviveAt
	if !dead {
		w.pos = rules.Step(w.pos, rules.Dir(in.Move), w.speed, w.terrain)
	}
	if _, ok := w.terrain.PortalAt(w.pos); ok && w.portals {
		w.terrain, w.pos, w.portals = mapB(), w.arrival, false
		return worldMsg{mapChange: true, tick: w.tick, pos: w.pos, ack: in.Seq}
	}
	m := worldMsg{tick: w.tick, pos: w.pos, ack: in.Seq, acked: applied}
	if w.dieAt != 0 && w.tick == w.dieAt {
		m.died = true
	}
	if w.dieAt != 0 && w.tick == w.reviveAt {
		w.pos, m.pos, m.revived = w.respawn, w.respawn, true
	}
	return m
}

// link delivers messages in order, each after a delay of its own.
type link[T any] struct {
	queue []delayed[T]
}

type delayed[T any] struct {
	due int
	v   T
}

// send queues v to arrive delay after now, but never before the message
// sent before it (a WebSocket keeps order).
func (l *link[T]) send(now, delay int, v T) {
	due := now + delay
	if n := len(l.queue); n > 0 {
		due = max(due, l.queue[n-1].due)
	}
	l.queue = append(l.queue, delayed[T]{due, v})
}

// recv returns the messages due by now.
func (l *link[T]) recv(now int) []T {
	var out []T
	for len(l.queue) > 0 && l.queue[0].due <= now {
		out = append(out, l.queue[0].v)
		l.queue = l.queue[1:]
	}
	return out
}

// session runs a client against a fakeWorld over links with random delays
// of up to maxUp and maxDown time units (ticks), the client running lead
// ticks ahead, for n ticks of random walking, and then for enough ticks
// standing still for everything to land. It returns every correction.
type session struct {
	w      *fakeWorld
	p      *Predictor
	rng    *rand.Rand
	maxUp  int
	maxDn  int
	lead   uint32
	walk   func(now int, p *Predictor) protocol.Direction
	press  func(now int) protocol.Buttons // nil: none
	sent   int
	trips  int
	checks func(t *testing.T, now int, c Correction)
}

func (s *session) run(t *testing.T, n int) {
	t.Helper()
	up := &link[protocol.Input]{}
	down := &link[worldMsg]{}
	dir := protocol.DirNone
	for now := range n + s.maxUp + s.maxDn + int(s.lead) + 5 {
		if now < n {
			dir = s.walk(now, s.p)
		} else {
			dir = protocol.DirNone
		}
		// The client's tick runs lead ahead of the world's.
		var buttons protocol.Buttons
		if s.press != nil && now < n {
			buttons = s.press(now)
		}
		if in, send := s.p.Step(s.w.tick+s.lead, dir, dir.Aim(), buttons); send {
			up.send(now, s.rng.IntN(s.maxUp+1), in)
			s.sent++
		}
		for _, in := range up.recv(now) {
			s.w.receive(in)
		}
		down.send(now, s.rng.IntN(s.maxDn+1), s.w.step())
		for _, m := range down.recv(now) {
			if m.mapChange {
				s.trips++
				s.p.ChangeMap(m.tick, m.pos, m.ack, mapB())
				continue
			}
			var events []protocol.Event
			if m.died {
				events = append(events, protocol.Event{Kind: protocol.EventDeath})
			}
			if m.revived {
				events = append(events, protocol.Event{Kind: protocol.EventRespawn})
			}
			// Another's death is not the player's.
			events = append(events, protocol.Event{Kind: protocol.EventDeath, Subject: 4})
			s.p.Observe(&protocol.Snapshot{Tick: m.tick, Events: events})
			s.checks(t, now, s.p.Reconcile(m.tick, m.pos, m.ack, m.acked))
		}
	}
	if len(s.w.refusals) > 0 {
		t.Fatalf("the world refused inputs: %v", s.w.refusals)
	}
	if s.p.Pos() != s.w.pos || s.p.Tick() != s.w.tick+s.lead-1 {
		t.Errorf("at the end Pos() = %v at tick %d, want the world's %v (tick %d + lead %d - 1)", s.p.Pos(), s.p.Tick(), s.w.pos, s.w.tick, s.lead)
	}
}

// randomWalk turns to a random direction (or stops) now and then.
func randomWalk(rng *rand.Rand) func(int, *Predictor) protocol.Direction {
	dir := protocol.DirE
	return func(int, *Predictor) protocol.Direction {
		if rng.IntN(8) == 0 {
			dir = protocol.Direction(rng.IntN(9))
		}
		return dir
	}
}

func exact(t *testing.T, now int, c Correction) {
	t.Helper()
	if c.Size != 0 || c.Resync() {
		t.Fatalf("time %d: correction %+v, want an exact prediction", now, c)
	}
}

func TestPredictionIsExactWhenInputsAreOnTime(t *testing.T) {
	tests := []struct {
		name         string
		maxUp, maxDn int
	}{
		{"no latency", 0, 0},
		{"one tick each way", 1, 1},
		{"slow jittery link", 5, 7},
		{"very slow link", 20, 3},
	}
	for _, tt := range tests {
		for seed := range uint64(20) {
			rng := rand.New(rand.NewPCG(seed, 7))
			start := rules.TileCenter(8, 4)
			s := &session{
				w:     &fakeWorld{terrain: mapA(), speed: testSpeed, tick: 1000, pos: start},
				p:     NewPredictor(start, 1000, testSpeed, mapA()),
				rng:   rng,
				maxUp: tt.maxUp, maxDn: tt.maxDn,
				// Lead enough for the slowest input: on time, always.
				lead:   uint32(tt.maxUp) + 1,
				walk:   randomWalk(rng),
				checks: exact,
			}
			s.run(t, 400)
			if s.sent == 0 || s.sent > 100 {
				t.Errorf("%s, seed %d: sent %d inputs in 400 ticks, want about one per change", tt.name, seed, s.sent)
			}
		}
	}
}

func TestPredictionIsExactThroughAPortal(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 9))
		start := rules.TileCenter(7, 2) // the portal is at tile (3, 2), to the west
		arrival := rules.TileCenter(2, 1)
		wander := randomWalk(rng)
		s := &session{
			w:   &fakeWorld{terrain: mapA(), speed: testSpeed, pos: start, arrival: arrival, portals: true},
			p:   NewPredictor(start, 0, testSpeed, mapA()),
			rng: rng, maxUp: 4, maxDn: 4, lead: 5,
			walk: func(now int, p *Predictor) protocol.Direction {
				if now < 40 {
					return protocol.DirW // into the portal
				}
				return wander(now, p)
			},
			// Pressing and releasing every 1 to 4 ticks sends inputs all
			// along: some are in flight during the trip, and one may
			// take effect in the very step whose snapshot the trip
			// replaces, so that its ack never comes.
			press:  func(now int) protocol.Buttons { return protocol.Buttons(now / int(1+seed%4) % 2) },
			checks: exact,
		}
		s.run(t, 200)
		if s.trips != 1 {
			t.Fatalf("seed %d: %d trips, want 1", seed, s.trips)
		}
	}
}

// TestAnInputLateThroughAPortalIsAResync replays the case that bots saw
// as desyncs under load: an input due before a trip reaches the world only
// after the first step on the new map. MapChange's Ack tells the client
// that the input was not applied, so the correction that follows is a
// resync (a late input), not a disagreement of the rules.
func TestAnInputLateThroughAPortalIsAResync(t *testing.T) {
	start := rules.TileCenter(5, 2)
	p := NewPredictor(start, 0, testSpeed, mapA())
	walk, _ := p.Step(1, protocol.DirW, 0, 0)
	stop, _ := p.Step(2, protocol.DirNone, 0, 0)
	// The world applies walk at tick 1; stop is delayed. The step of tick 2
	// enters a portal, still walking, and the player arrives on map b at
	// arrival, with walk in force.
	arrival := rules.TileCenter(5, 1)
	p.ChangeMap(2, arrival, walk.Seq, mapB())
	if got := p.Pos(); got != arrival {
		t.Fatalf("after the trip Pos() = %v, want the arrival %v (stop is in force on the client)", got, arrival)
	}
	p.Step(3, protocol.DirNone, 0, 0)
	// Tick 3: stop has not arrived, so the world walks on.
	server := rules.Step(arrival, rules.DirW, testSpeed, mapB())
	c := p.Reconcile(3, server, 0, false)
	if c.Size == 0 || !c.Late || c.Desync() {
		t.Errorf("correction %+v, want a resync: stop was due and not applied", c)
	}
	// Tick 4: stop arrives late and is applied; the prediction holds.
	c = p.Reconcile(4, server, stop.Seq, true)
	if p.Pos() != server || c.Desync() {
		t.Errorf("after stop was applied: Pos() = %v, correction %+v; want %v and no desync", p.Pos(), c, server)
	}
}

func TestLateInputsAreResyncsNotDesyncs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	start := rules.TileCenter(8, 4)
	var resyncs, corrections int
	s := &session{
		w:     &fakeWorld{terrain: mapA(), speed: testSpeed, pos: start},
		p:     NewPredictor(start, 0, testSpeed, mapA()),
		rng:   rng,
		maxUp: 6, maxDn: 2,
		lead: 2, // too short for the link: many inputs arrive late
		walk: randomWalk(rng),
		checks: func(t *testing.T, now int, c Correction) {
			if c.Desync() {
				t.Fatalf("time %d: correction %+v is a desync; inputs were only late", now, c)
			}
			if c.Size > DesyncTolerance {
				corrections++
			}
			if c.Resync() {
				resyncs++
			}
		},
	}
	s.run(t, 400)
	if corrections == 0 || resyncs < corrections {
		t.Errorf("%d corrections, %d resyncs; want late inputs to cause corrections, each a resync", corrections, resyncs)
	}
}

// TestDroppedInputIsAResync has the world never apply an input (dropped on
// the way) and stay quiet, sending nothing, until it applies the next one:
// the correction this brings is explained by the dropped input.
func TestDroppedInputIsAResync(t *testing.T) {
	a := mapA()
	start := rules.TileCenter(4, 4)
	p := NewPredictor(start, 10, testSpeed, a)
	if _, send := p.Step(11, protocol.DirE, 0, 0); !send { // dropped
		t.Fatal("Step(E) sent nothing")
	}
	for tick := uint32(12); tick < 15; tick++ {
		p.Step(tick, protocol.DirE, 0, 0)
	}
	stop, send := p.Step(15, protocol.DirNone, 0, 0)
	if !send {
		t.Fatal("Step(none) sent nothing")
	}
	// The world stood still until it applied the stop at its tick.
	c := p.Reconcile(15, start, stop.Seq, true)
	if c.Size == 0 || c.Desync() || !c.Resync() {
		t.Errorf("Reconcile after a dropped input = %+v, want a resync", c)
	}
}

func TestADisagreementIsADesync(t *testing.T) {
	a := mapA()
	start := rules.TileCenter(4, 4)
	p := NewPredictor(start, 10, testSpeed, a)
	in, send := p.Step(11, protocol.DirE, 0, 0)
	if !send {
		t.Fatal("Step(E) sent nothing")
	}
	// The world applied it on time but put the player somewhere else.
	c := p.Reconcile(11, rules.Vec{X: start.X - 100, Y: start.Y}, in.Seq, true)
	if !c.Desync() || c.Resync() || c.Size != 100+testSpeed {
		t.Errorf("Reconcile(wrong position) = %+v, want a desync of %d", c, 100+testSpeed)
	}
}

func TestInputsAreSentOnlyOnChange(t *testing.T) {
	a := mapA()
	p := NewPredictor(rules.TileCenter(4, 4), 100, testSpeed, a)
	steps := []struct {
		tick    uint32
		dir     protocol.Direction
		buttons protocol.Buttons
		want    protocol.Input // Seq 0: nothing sent
	}{
		{103, protocol.DirNone, 0, protocol.Input{}}, // idle, as the world assumes: nothing
		{104, protocol.DirE, 0, protocol.Input{Seq: 1, Tick: 104, Move: protocol.DirE}},
		{105, protocol.DirE, 0, protocol.Input{}},
		{106, protocol.DirE, 0, protocol.Input{}},
		{107, protocol.DirE, protocol.ButtonPrimary, protocol.Input{Seq: 2, Tick: 107, Move: protocol.DirE, Buttons: protocol.ButtonPrimary}},
		{108, protocol.DirS, protocol.ButtonPrimary, protocol.Input{Seq: 3, Tick: 108, Move: protocol.DirS, Buttons: protocol.ButtonPrimary}},
		{108, protocol.DirN, 0, protocol.Input{}}, // the same tick again: ignored
		{110, protocol.DirNone, 0, protocol.Input{Seq: 4, Tick: 110}},
		{111, protocol.DirNone, 0, protocol.Input{}},
	}
	for _, st := range steps {
		in, send := p.Step(st.tick, st.dir, 0, st.buttons)
		if send != (st.want.Seq != 0) || in != st.want {
			t.Errorf("Step(%d, %v, %v) = %+v, %v; want %+v, %v", st.tick, st.dir, st.buttons, in, send, st.want, st.want.Seq != 0)
		}
	}
	if p.Tick() != 111 || p.Seq() != 4 {
		t.Errorf("Tick(), Seq() = %d, %d; want 111, 4", p.Tick(), p.Seq())
	}
	// Moved east 104..107, south 108..109 (109 by the input in force).
	want := rules.TileCenter(4, 4)
	want = walk(want, rules.DirE, testSpeed, a, 4)
	want = walk(want, rules.DirS, testSpeed, a, 2)
	if p.Pos() != want {
		t.Errorf("Pos() = %v, want %v", p.Pos(), want)
	}
}

func TestTheAimIsSentOnlyWhileItMatters(t *testing.T) {
	p := NewPredictor(rules.TileCenter(4, 4), 100, testSpeed, mapA())
	steps := []struct {
		tick    uint32
		aim     uint8
		buttons protocol.Buttons
		want    protocol.Input // Seq 0: nothing sent
	}{
		{101, 10, 0, protocol.Input{}}, // the mouse moves, no button: nothing
		{102, 20, 0, protocol.Input{}},
		{103, 30, protocol.ButtonPrimary, protocol.Input{Seq: 1, Tick: 103, Aim: 30, Buttons: protocol.ButtonPrimary}}, // a press carries the aim
		{104, 40, protocol.ButtonPrimary, protocol.Input{Seq: 2, Tick: 104, Aim: 40, Buttons: protocol.ButtonPrimary}}, // held: it follows
		{105, 50, 0, protocol.Input{Seq: 3, Tick: 105, Aim: 50}},                                                       // the release aims a charged shot
		{106, 60, 0, protocol.Input{}},
		{107, 60, protocol.ButtonSpecial1, protocol.Input{Seq: 4, Tick: 107, Aim: 60, Buttons: protocol.ButtonSpecial1}},
	}
	for _, st := range steps {
		in, send := p.Step(st.tick, protocol.DirNone, st.aim, st.buttons)
		if send != (st.want.Seq != 0) || in != st.want {
			t.Errorf("Step(%d, aim %d, %v) = %+v, %v; want %+v, %v", st.tick, st.aim, st.buttons, in, send, st.want, st.want.Seq != 0)
		}
	}
}

func TestStaleSnapshotChangesNothing(t *testing.T) {
	a := mapA()
	start := rules.TileCenter(2, 4)
	p := NewPredictor(start, 0, testSpeed, a)
	in, _ := p.Step(1, protocol.DirE, 0, 0)
	p.Step(2, protocol.DirE, 0, 0)
	p.Step(3, protocol.DirE, 0, 0)
	if c := p.Reconcile(2, walk(start, rules.DirE, testSpeed, a, 2), in.Seq, false); c.Size != 0 {
		t.Fatalf("Reconcile(2) = %+v, want exact", c)
	}
	pos := p.Pos()
	if c := p.Reconcile(1, start, in.Seq, true); c.Size != 0 || p.Pos() != pos {
		t.Errorf("Reconcile(stale tick 1) = %+v, Pos %v; want no change from %v", c, p.Pos(), pos)
	}
}

func TestClockJumpIsAResync(t *testing.T) {
	a := mapA()
	start := rules.TileCenter(2, 4)
	p := NewPredictor(start, 0, testSpeed, a)
	p.Step(1, protocol.DirE, 0, 0)
	p.Step(5, protocol.DirE, 0, 0) // the clock jumped
	if p.Pos() != walk(start, rules.DirE, testSpeed, a, 5) {
		t.Errorf("Pos() after a jump = %v, want 5 steps east", p.Pos())
	}
	// The world says the player stood still: a resync, not a desync.
	c := p.Reconcile(1, start, 0, false)
	if !c.Jumped || c.Desync() {
		t.Errorf("Reconcile after a jump = %+v, want Jumped and no desync", c)
	}
	if c := p.Reconcile(2, start, 0, false); c.Jumped {
		t.Errorf("second Reconcile after a jump = %+v, want Jumped only once", c)
	}
}

func TestPendingInputsAreCapped(t *testing.T) {
	a := mapA()
	p := NewPredictor(rules.TileCenter(2, 4), 0, testSpeed, a)
	for i := range MaxPending + 44 {
		p.Step(uint32(i+1), protocol.Direction(1+i%2), 0, 0)
	}
	if p.Pending() != MaxPending || p.Seq() != MaxPending+44 {
		t.Errorf("Pending(), Seq() = %d, %d; want %d, %d", p.Pending(), p.Seq(), MaxPending, MaxPending+44)
	}
}

func TestPeekIsPure(t *testing.T) {
	a := mapA()
	start := rules.TileCenter(11, 3) // next to the wall at column 12
	p := NewPredictor(start, 0, testSpeed, a)
	if got := p.Peek(protocol.DirW); got != walk(start, rules.DirW, testSpeed, a, 1) || p.Pos() != start {
		t.Errorf("Peek(W) = %v and Pos() = %v; want one step west and no change", got, p.Pos())
	}
	for i := range 3 {
		p.Step(uint32(i+1), protocol.DirE, 0, 0)
	}
	flush := rules.Vec{X: 12*rules.TileSubpixels - rules.BodyHalfWidth, Y: start.Y}
	if p.Pos() != flush || p.Peek(protocol.DirE) != flush {
		t.Errorf("Pos() = %v, Peek(E) = %v; want both flush against the wall at %v", p.Pos(), p.Peek(protocol.DirE), flush)
	}
}

func TestDeathFreezesThePredictionAndIsAResync(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 11))
		start := rules.TileCenter(8, 4)
		var lifeCorrections int
		s := &session{
			w: &fakeWorld{terrain: mapA(), speed: testSpeed, tick: 1000, pos: start,
				dieAt: 1050 + uint32(seed), reviveAt: 1110, respawn: rules.TileCenter(2, 6)},
			p:   NewPredictor(start, 1000, testSpeed, mapA()),
			rng: rng, maxUp: 3, maxDn: 3, lead: 4,
			walk: randomWalk(rng),
			checks: func(t *testing.T, now int, c Correction) {
				if c.Desync() {
					t.Fatalf("seed %d, time %d: correction %+v is a desync; a death or respawn is the world's doing", seed, now, c)
				}
				if c.Forced && c.Size > DesyncTolerance {
					lifeCorrections++
				}
			},
		}
		s.run(t, 200)
		if lifeCorrections == 0 {
			t.Errorf("seed %d: neither the death nor the respawn corrected the prediction", seed)
		}
	}
}

func TestTheTargetRidesOnTheInputs(t *testing.T) {
	p := NewPredictor(rules.TileCenter(4, 4), 0, testSpeed, mapA())
	p.SetTarget(protocol.OfHandle(6))
	if _, send := p.Step(1, protocol.DirNone, 0, 0); send {
		t.Error("a new target alone sent an input")
	}
	in, send := p.Step(2, protocol.DirNone, 0, protocol.ButtonSpecial1)
	if !send || in.Target != 7 || in.Buttons != protocol.ButtonSpecial1 {
		t.Errorf("the press sent %+v, %v; want Target 7", in, send)
	}
	p.SetTarget(0)
	if in, _ := p.Step(3, protocol.DirNone, 0, 0); in.Target != 0 {
		t.Errorf("the release carries Target %d, want 0", in.Target)
	}
}

// TestDeathKeepsThePredictionStill plays a player who dies while walking
// and comes back: the world keeps it still between, and the corrections
// that death and respawn cause are resyncs.
func TestDeathKeepsThePredictionStill(t *testing.T) {
	start := rules.TileCenter(5, 4)
	p := NewPredictor(start, 0, testSpeed, mapA())
	walk, _ := p.Step(1, protocol.DirE, 0, 0)
	for tick := uint32(2); tick <= 6; tick++ {
		p.Step(tick, protocol.DirE, 0, 0)
	}
	// The world applied walk at 1 and the player died in the step of 3:
	// it took steps 1 to 3 and stands still after.
	server := start
	for range 3 {
		server = rules.Step(server, rules.DirE, testSpeed, mapA())
	}
	p.Die(3)
	c := p.Reconcile(3, server, walk.Seq, true)
	if p.Pos() != server || !c.Resync() || c.Desync() {
		t.Fatalf("after dying at 3: Pos() = %v, correction %+v; want %v and a resync", p.Pos(), c, server)
	}
	p.Step(7, protocol.DirE, 0, 0)
	if p.Pos() != server {
		t.Fatalf("a dead player was predicted to walk to %v", p.Pos())
	}
	// It comes back at 8 elsewhere, still holding east: it walks from 9.
	back := rules.TileCenter(2, 2)
	p.Step(8, protocol.DirE, 0, 0)
	p.Revive(8)
	if c := p.Reconcile(8, back, 0, false); p.Pos() != back || !c.Resync() {
		t.Fatalf("after the respawn: Pos() = %v, correction %+v; want %v and a resync", p.Pos(), c, back)
	}
	p.Step(9, protocol.DirE, 0, 0)
	if want := rules.Step(back, rules.DirE, testSpeed, mapA()); p.Pos() != want {
		t.Errorf("after the respawn the player is predicted at %v, want %v", p.Pos(), want)
	}
	if c := p.Reconcile(9, rules.Step(back, rules.DirE, testSpeed, mapA()), 0, false); c.Size != 0 || c.Resync() {
		t.Errorf("the first step after the respawn: correction %+v, want an exact prediction", c)
	}
}
