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
// world's snapshots build, the predicted own position and cooldowns, and
// the world's clock. The game screen's reader goroutine applies the world's
// messages (so a hidden browser tab, which stops drawing, still keeps up
// with the world) and the game goroutine predicts inputs and takes scenes
// to draw; mu guards the state between them.
type worldSession struct {
	mu     sync.Mutex
	view   *client.View
	pred   *client.Predictor
	cool   *client.Cooldowns
	tick   *client.TickClock
	smooth client.Smoother
	clock  client.ServerClock
	// stepAt is when the last input was predicted; the Smoother
	// interpolates from there to the next.
	stepAt time.Time
	// aim is the way the player looks: where it last walked or aimed an
	// ability. walking is set while the last input moved the player.
	aim     uint8
	walking bool
	// struckAt is when the prediction last used one of the player's
	// abilities, struck, aimed at struckAim: the sprite strikes for a
	// moment, and a melee ability's slash shows at once.
	struckAt  time.Time
	struck    *rules.Ability
	struckAim uint8
	// faces holds the way each other entity last looked, by handle: where
	// it walked or struck.
	faces map[uint32]uint8
	// arrivals counts Welcome and every MapChange since, so the game screen
	// can tell a new map from the old.
	arrivals int
	// corrections counts reconciliations that moved the prediction by more
	// than client.DesyncTolerance; resyncs those explained by a late input,
	// a clock jump, a death or a respawn, desyncs the others
	// (client.Correction).
	corrections, resyncs, desyncs int
	rtt                           float64 // the last Ping's round trip in ms; -1 before the first
	// social is the chat, the party, the invitation and the instance's
	// owner.
	social social

	recent map[uint32]recentFx // scratch for scene
}

// recentFx is when an entity last struck and was last hit, as fractional
// ticks; -inf for never.
type recentFx struct{ struck, hit float64 }

// newWorldSession starts a session from the Welcome of a character of
// class, welcomed at local time now. The world tells the player's speed in
// Welcome; class gives its abilities.
func newWorldSession(maps *client.MapCache, welcome protocol.Welcome, class api.Class, now time.Time) (*worldSession, error) {
	s := &worldSession{view: client.NewView(maps.Terrain), stepAt: now, aim: protocol.DirS.Aim(), rtt: -1,
		faces: map[uint32]uint8{}, recent: map[uint32]recentFx{}}
	if err := s.view.Apply(welcome); err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	c, ok := rules.ClassNamed(string(class))
	if !ok {
		return nil, fmt.Errorf("ui: character class %q has no stats", class)
	}
	s.pred = client.NewPredictor(s.view.Own(), welcome.Tick, int32(welcome.Speed), s.view.Terrain())
	s.cool = client.NewCooldowns(c, s.view.TickRate())
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
	s.social.apply(m, at)
	switch m := m.(type) {
	case protocol.Snapshot:
		s.tick.Observe(m.Tick, at)
		s.pred.Observe(&m)
		s.cool.Observe(&m)
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
		s.noteFaces(&m)
	case protocol.MapChange:
		s.tick.Observe(m.Tick, at)
		s.pred.ChangeMap(m.Tick, s.view.Own(), m.Ack, s.view.Terrain())
		s.smooth.Reset(s.pred.Pos())
		clear(s.faces)
		s.arrivals++
	case protocol.Pong:
		s.clock.Observe(m, millis(at))
		s.rtt = max(0, millis(at)-float64(m.ClientTime))
		s.tick.SetRTT(time.Duration(s.rtt * float64(time.Millisecond)))
	}
	return nil
}

// noteFaces records which way the entities of snapshot m look: the way
// they walk, or struck.
func (s *worldSession) noteFaces(m *protocol.Snapshot) {
	for _, h := range m.Despawns {
		delete(s.faces, h)
	}
	for _, sp := range m.Spawns {
		delete(s.faces, sp.Handle)
	}
	for _, mv := range m.Moves {
		if mv.Dir != protocol.DirNone {
			s.faces[mv.Handle] = mv.Dir.Aim()
		}
	}
	for h, e := range s.view.All() {
		if _, known := s.faces[h]; !known && e.Dir != rules.DirNone {
			s.faces[h] = protocol.Direction(e.Dir).Aim()
		}
	}
	for _, e := range m.Events {
		if e.Kind == protocol.EventAction && e.Subject != 0 {
			s.faces[e.Subject-1] = e.Aim
		}
	}
}

// intent is what the player wants in a tick: a direction to walk, the
// buttons held, and where the abilities go: aimed along aim when aimed is
// set (else the way the player walks or last looked), at target (a
// handle + 1, or 0 for the player itself).
type intent struct {
	dir     protocol.Direction
	buttons protocol.Buttons
	aim     uint8
	aimed   bool
	target  uint32
}

// step runs one tick of the world's rate on the client's clock, at local
// time now, with what the player wants: it predicts the client ticks due
// (one, or two to catch up, or none to hold), movement and abilities, and
// returns the inputs to send, only those that change what the world was
// last told. A dead player's buttons are not sent: the world would refuse
// them.
func (s *worldSession) step(in intent, now time.Time) []protocol.Input {
	s.mu.Lock()
	defer s.mu.Unlock()
	vitals := s.view.Vitals()
	if vitals.Dead {
		in.buttons = 0
	}
	switch {
	case in.buttons != 0 && in.aimed:
		s.aim = in.aim
	case in.dir != protocol.DirNone:
		s.aim = in.dir.Aim()
	}
	s.pred.SetTarget(in.target)
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
		if m, send := s.pred.Step(t, in.dir, s.aim, in.buttons); send {
			out = append(out, m)
		}
		for slot, used := range s.cool.Step(t, in.buttons, vitals) {
			if used {
				s.struckAt, s.struck, s.struckAim = now, s.cool.Ability(slot), s.aim
			}
		}
	}
	if int32(tick-prev) > 0 { // not held
		s.walking = s.pred.Pos() != before
		s.smooth.Advance(s.pred.Pos())
		s.stepAt = now
	}
	return out
}

// strikeTime is how long an entity shows its attack frame after it
// struck.
const strikeTime = 300 * time.Millisecond

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

	// at is the moment drawn for other entities, the effects and the
	// shots, as a fractional tick (InterpolationDelay behind the world's
	// clock); msPerTick converts ticks to milliseconds.
	at, msPerTick float64
	vitals        client.Vitals
	tally         client.Tally
	slots         [client.Slots]sceneSlot
	// effects are the recent events, oldest first; shots the projectiles
	// in flight at at.
	effects []client.Effect
	shots   []sceneShot
	// struckMs is how long ago the prediction used an ability of the
	// player's (struck, aimed at struckAim); negative for never.
	struckMs  float64
	struck    *rules.Ability
	struckAim uint8
}

// sceneEntity is one entity as drawn.
type sceneEntity struct {
	handle uint32 // in the view; 0 for the player (see self)
	self   bool   // the player's own character
	name   string
	sprite protocol.Sprite
	kind   *rules.NPCKind // nil for a player
	x, y   float64
	aim    uint8 // the way it looks
	pose   pose
	hp     int64
	maxHP  int64
	// hitMs is how long ago it was last hit, in milliseconds; negative
	// for not recently.
	hitMs float64
	// party is set for the player's party members, and says is what the
	// entity said in the last sayTime, "" for nothing.
	party bool
	says  string
}

// sceneSlot is one of the player's abilities on the ability bar.
type sceneSlot struct {
	ability      *rules.Ability // nil: none
	left, length uint32         // ticks of cooldown left, of length
	leftMs       float64        // left in milliseconds
	charge       int32          // percent, while charging
	charging     bool
	// affordable is set when the player has the mana; usable when it
	// also lives.
	affordable, usable bool
}

// sceneShot is a projectile where it is drawn.
type sceneShot struct {
	x, y    float64
	ability rules.AbilityID
	aim     uint8
}

// scene fills sc with the state to draw at local time now, dt after the
// last frame; self names the player's own character and gives its sprite,
// which the world does not replicate to its own client. It reuses sc's
// slices.
func (s *worldSession) scene(sc *scene, self sceneEntity, now time.Time, dt time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rate := max(s.view.TickRate(), 1)
	period := time.Second / time.Duration(rate)
	sc.mapName, sc.tick = s.view.MapName(), s.view.Tick()
	sc.predicted, sc.world = pixels(s.pred.Pos()), pixels(s.view.Own())
	sc.pending, sc.corrections, sc.rtt = s.pred.Pending(), s.corrections, s.rtt
	sc.vitals, sc.tally = s.view.Vitals(), s.view.Tally()
	ms := s.clock.Now(millis(now)) - float64(client.InterpolationDelay/time.Millisecond)
	sc.at, sc.msPerTick = s.view.TickAt(ms), 1000/float64(rate)

	sc.struckMs, sc.struck, sc.struckAim = -1, s.struck, s.struckAim
	if !s.struckAt.IsZero() {
		sc.struckMs = float64(now.Sub(s.struckAt)) / float64(time.Millisecond)
	}
	for i := range sc.slots {
		a := s.cool.Ability(i)
		sl := sceneSlot{ability: a}
		if a != nil {
			sl.left, sl.length = s.cool.Left(i, s.pred.Tick())
			sl.leftMs = float64(sl.left) * sc.msPerTick
			sl.charge, sl.charging = s.cool.Charge(i, s.pred.Tick())
			sl.affordable = int64(a.ManaCost) <= sc.vitals.MP
			sl.usable = sl.affordable && !sc.vitals.Dead
		}
		sc.slots[i] = sl
	}

	sc.effects = slices.AppendSeq(sc.effects[:0], s.view.Effects())
	clear(s.recent)
	never := recentFx{math.Inf(-1), math.Inf(-1)}
	for _, e := range sc.effects {
		r, ok := s.recent[e.Subject]
		if !ok {
			r = never
		}
		switch e.Kind {
		case protocol.EventAction:
			r.struck = float64(e.Tick)
		case protocol.EventHit:
			r.hit = float64(e.Tick)
		default:
			continue
		}
		s.recent[e.Subject] = r
	}
	recent := func(subject uint32) recentFx {
		if r, ok := s.recent[subject]; ok {
			return r
		}
		return never
	}
	hitMs := func(r recentFx, at float64) float64 {
		if d := (at - r.hit) * sc.msPerTick; d >= 0 && !math.IsInf(d, 1) {
			return d
		}
		return -1
	}

	sc.shots = sc.shots[:0]
	for sh := range s.view.Shots() {
		if x, y, ok := sh.Pos(sc.at); ok {
			sc.shots = append(sc.shots, sceneShot{x: x, y: y, ability: sh.Ability, aim: sh.Aim})
		}
	}

	self.self = true
	self.x, self.y = s.smooth.Frame(float64(now.Sub(s.stepAt))/float64(period), dt)
	self.hp, self.maxHP = sc.vitals.HP, sc.vitals.MaxHP
	self.aim, self.pose = s.aim, poseIdle
	switch {
	case sc.vitals.Dead:
		self.pose = poseDead
	case sc.struckMs >= 0 && sc.struckMs < float64(strikeTime/time.Millisecond):
		self.pose, self.aim = poseAttack, s.struckAim
	case s.walking:
		self.pose = poseWalk
	}
	// The player's own hits are drawn when the world's clock says, like
	// everything else the world tells.
	self.hitMs = hitMs(recent(0), sc.at)
	says := s.social.recentSays(now)
	self.says = lastSaid(says, self.name)
	sc.own = self

	sc.entities = append(sc.entities[:0], self)
	for h, e := range s.view.All() {
		x, y, ok := s.view.RenderPos(h, ms)
		if !ok {
			continue
		}
		r := recent(protocol.OfHandle(h))
		se := sceneEntity{
			handle: h, name: e.Name, sprite: e.Sprite, x: x, y: y,
			aim: s.faces[h], pose: poseIdle, hp: e.HP, maxHP: e.MaxHP, hitMs: hitMs(r, sc.at),
		}
		if _, known := s.faces[h]; !known {
			se.aim = protocol.DirS.Aim()
		}
		se.kind, _ = client.NPCKind(e.Sprite)
		if se.name == "" && se.kind != nil {
			se.name = se.kind.Title
		}
		if client.IsPlayer(e.Sprite) {
			se.party, se.says = s.social.inParty(se.name), lastSaid(says, se.name)
		}
		switch {
		case e.Dead():
			se.pose = poseDead
		case (sc.at-r.struck)*sc.msPerTick < float64(strikeTime/time.Millisecond):
			se.pose = poseAttack
		case e.Dir != rules.DirNone || e.Anim == protocol.AnimWalk:
			se.pose = poseWalk
		}
		sc.entities = append(sc.entities, se)
	}
	// The dead lie under the living.
	living := func(e *sceneEntity) int {
		if e.pose == poseDead {
			return 0
		}
		return 1
	}
	slices.SortFunc(sc.entities, func(a, b sceneEntity) int {
		return cmp.Or(cmp.Compare(living(&a), living(&b)), cmp.Compare(a.y, b.y),
			strings.Compare(a.name, b.name), cmp.Compare(a.handle, b.handle))
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
// predicted and authoritative positions, vitals, cooldowns and tally, the
// nearest entities as the last snapshot placed them, the chat, the party,
// the invitation and the instance's owner.
func (s *worldSession) describe(snap *Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap.Map = s.view.MapName()
	snap.Player, snap.Server = pixels(s.pred.Pos()), pixels(s.view.Own())
	snap.Corrections, snap.Desyncs, snap.Resyncs = s.corrections, s.desyncs, s.resyncs
	if s.rtt >= 0 {
		snap.RTT = int64(math.Round(s.rtt))
	}
	v := s.view.Vitals()
	snap.HP, snap.MaxHP, snap.MP, snap.MaxMP, snap.Dead = v.HP, v.MaxHP, v.MP, v.MaxMP, v.Dead
	snap.Level, snap.XP, snap.XPNext = v.Level, v.XP, int64(rules.XPToNext(int(v.Level)))
	t := s.view.Tally()
	snap.HitsDealt, snap.HitsTaken, snap.Kills, snap.Deaths = t.HitsDealt, t.HitsTaken, t.Kills, t.Deaths
	msPerTick := 1000 / float64(max(s.view.TickRate(), 1))
	snap.Cooldowns = make([]Cooldown, 0, client.Slots)
	for i := range client.Slots {
		a := s.cool.Ability(i)
		if a == nil {
			continue
		}
		left, _ := s.cool.Left(i, s.pred.Tick())
		snap.Cooldowns = append(snap.Cooldowns, Cooldown{
			Ability: a.Name, Ms: int64(math.Round(float64(left) * msPerTick)), ManaCost: int64(a.ManaCost),
			Ready: left == 0 && int64(a.ManaCost) <= v.MP && !v.Dead,
		})
	}
	snap.Entities = s.view.Len()
	snap.Others = make([]Other, 0, s.view.Len())
	for h, e := range s.view.All() {
		p := pixels(e.Pos)
		o := Other{Handle: h, Name: e.Name, X: p.X, Y: p.Y, HP: e.HP, MaxHP: e.MaxHP, Dead: e.Dead(), Sprite: spriteName(e.Sprite)}
		o.Party = client.IsPlayer(e.Sprite) && s.social.inParty(e.Name)
		if k, ok := client.NPCKind(e.Sprite); ok {
			o.Hostile = k.Hostile
		}
		snap.Others = append(snap.Others, o)
	}
	own := snap.Server
	dist := func(o Other) float64 { return math.Hypot(o.X-own.X, o.Y-own.Y) }
	slices.SortFunc(snap.Others, func(a, b Other) int {
		return cmp.Or(cmp.Compare(dist(a), dist(b)), strings.Compare(a.Name, b.Name), cmp.Compare(a.Handle, b.Handle))
	})
	snap.Others = snap.Others[:min(len(snap.Others), MaxOthers)]
	s.social.describe(snap)
}

// socialInto copies the chat, the party, the invitation and the
// instance's owner into dst, for the game goroutine to draw.
func (s *worldSession) socialInto(dst *social) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dst.copyFrom(&s.social)
}

// answerInvite forgets the pending invitation, which the player answered.
func (s *worldSession) answerInvite() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.social.invite = ""
}

// expireInvite forgets the pending invitation once it is inviteTime old
// at now.
func (s *worldSession) expireInvite(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.social.inviteAt) >= inviteTime {
		s.social.invite = ""
	}
}

// classSprites are the classes in the order of their protocol.Sprite
// values.
var classSprites = [...]api.Class{protocol.SpriteKnight: api.ClassKnight, protocol.SpriteRogue: api.ClassRogue, protocol.SpriteWizard: api.ClassWizard}

// classSprite returns the sprite of class c.
func classSprite(c api.Class) protocol.Sprite {
	for s, name := range classSprites {
		if name == c {
			return protocol.Sprite(s)
		}
	}
	return protocol.SpriteKnight
}

// spriteName returns how tests and tools name sprite s: a class, an NPC
// kind, or "" for one this version does not know.
func spriteName(s protocol.Sprite) string {
	if client.IsPlayer(s) {
		return string(classSprites[s])
	}
	if k, ok := client.NPCKind(s); ok {
		return k.Name
	}
	return ""
}

// pixels converts a position in subpixels to pixels.
func pixels(p rules.Vec) Point {
	return Point{X: float64(p.X) / rules.SubpixelsPerPixel, Y: float64(p.Y) / rules.SubpixelsPerPixel}
}
