// Package fightscene plays a crafted fight the way a world would send it,
// with no server: a player amid hostile NPCs and other players who walk,
// strike, shoot, heal, telegraph blows, die, come back and level up, with
// the village elder standing by to say his line. Now and then the
// Bone Lord aims a slam at the player itself, which kills it unless it walks
// out of the circle in time; it comes back at the spawn 3 s later. The
// client shows
// it as a scene of its own (?scene=fight), for screenshots of the combat UI
// and for measuring the frame time of a fight.
//
// A World answers the calls the game screen makes of a world connection
// (Recv, Send, Close, Stats); Recv paces the ticks on the wall clock. The
// fight is scripted, not simulated: it keeps the protocol's promises (every
// message decodes, steps along the shared rules and names only handles the
// client knows) but not the world's rules of combat. A World is safe for
// one goroutine calling Recv while another calls Send and Close. It may be
// imported only by the client.
package fightscene

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// ErrClosed is what Recv and Send return once the World is closed.
var ErrClosed = errors.New("fightscene: closed")

// Config sets up a fight. The zero value of each field takes its default.
type Config struct {
	// Map is the map it takes place on, around its default spawn.
	// Default "overworld".
	Map string
	// Class is the player's class. Default "wizard".
	Class string
	// NPCs and Players are how many hostile NPCs and other players fight
	// around the player. Defaults 50 and 50.
	NPCs, Players int
	// TickRate is the world's rate in Hz. Default 20.
	TickRate int
	// Seed makes the fight repeatable. Default 1.
	Seed uint64
	// Start is the world's clock at Welcome. Default the time New runs.
	Start time.Time
	// Doom is how often the Bone Lord aims its slam at the player, the
	// first time Doom after the start. Default 20 s.
	Doom time.Duration
}

// spread is how far from the player, in pixels, the fighters start and
// wander: about what a 800×600 window shows at zoom 2.
const spreadX, spreadY = 180, 120

// actor is one fighter of the scene.
type actor struct {
	handle  uint32
	name    string
	sprite  protocol.Sprite
	hostile bool
	// friendly NPCs stand, and nobody fights them.
	friendly bool
	level    int64
	pos      rules.Vec
	dir      rules.Dir
	speed    int32
	hp, max  int64
	attack   *rules.Ability
	heal     bool   // casts Mending Bolts on hurt allies
	dead     uint32 // the tick it comes back at, while dead
	turnAt   uint32 // the tick it next picks a way to walk
	actAt    uint32 // the tick it next strikes
}

// hit is a blow on its way: it lands on the victim at tick due.
type hit struct {
	due    uint32
	victim *actor
	amount int64
	shot   uint32
}

// World is a scripted world; see the package doc.
type World struct {
	cfg     Config
	terrain *maps.Map
	welcome protocol.Welcome
	home    rules.Vec
	rng     *rand.Rand

	mu     sync.Mutex // guards the fields below
	closed bool
	inputs []protocol.Input // received, not yet applied
	pongs  []protocol.Pong
	stats  client.ConnStats

	done chan struct{} // closed by Close

	// Owned by Recv.
	tick      uint32
	next      time.Time // when the next tick is due
	sent      bool      // the first snapshot (with every spawn) went out
	own       rules.Vec
	ownSent   rules.Vec
	class     *rules.Class
	speed     int32
	in        protocol.Input // the input in force
	actors    []*actor
	hits      []hit
	telegraph uint32 // the tick the Bone Lord's next slam lands, 0 for none
	shots     uint32 // the last shot ID
	// The player's health, and while it is dead the tick it comes back
	// at; the slam aimed at it lands at doomAt in tick doomTick (0: none
	// on its way), and the next is aimed at tick nextDoom.
	hp, maxHP          int64
	deadUntil          uint32
	doomAt             rules.Vec
	doomTick, nextDoom uint32
	changes            map[uint32][]protocol.Prop
}

// New sets up a fight. It starts when Recv is first called.
func New(cfg Config) (*World, error) {
	if cfg.Map == "" {
		cfg.Map = "overworld"
	}
	if cfg.Class == "" {
		cfg.Class = "wizard"
	}
	if cfg.NPCs == 0 {
		cfg.NPCs = 50
	}
	if cfg.Players == 0 {
		cfg.Players = 50
	}
	if cfg.TickRate == 0 {
		cfg.TickRate = 20
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Now()
	}
	if cfg.Doom == 0 {
		cfg.Doom = 20 * time.Second
	}
	class, ok := rules.ClassNamed(cfg.Class)
	if !ok {
		return nil, errors.New("fightscene: no class " + cfg.Class)
	}
	m, err := maps.Load(cfg.Map)
	if err != nil {
		return nil, fmt.Errorf("fightscene: %w", err)
	}
	home, ok := m.Spawn("default")
	if !ok {
		return nil, errors.New("fightscene: map " + cfg.Map + " has no default spawn")
	}
	w := &World{
		cfg: cfg, terrain: m, home: home, own: home, ownSent: home, class: class,
		rng: rand.New(rand.NewPCG(cfg.Seed, 7)), tick: 1, next: cfg.Start,
		speed:   rules.SpeedPerTick(int(class.Base.Speed), cfg.TickRate),
		done:    make(chan struct{}),
		changes: map[uint32][]protocol.Prop{},
	}
	w.maxHP = int64(class.StatsAt(1).MaxHP)
	w.hp = w.maxHP
	w.nextDoom = w.tick + rules.Ticks(int32(cfg.Doom/time.Millisecond), cfg.TickRate)
	w.welcome = protocol.Welcome{EntityID: 1, Map: cfg.Map, X: home.X, Y: home.Y, TickRate: uint16(cfg.TickRate),
		Tick: w.tick, ServerTime: uint64(cfg.Start.UnixMilli()), Speed: uint32(w.speed)}
	w.cast()
	return w, nil
}

// Welcome returns the Welcome the fight starts with.
func (w *World) Welcome() protocol.Welcome { return w.welcome }

// hostiles are the NPC kinds that fight in the scene, and the Bone Lord
// among them once.
var hostiles = []protocol.Sprite{protocol.SpriteRat, protocol.SpriteWolf, protocol.SpriteSkeleton, protocol.SpriteSlime, protocol.SpriteGoblinArcher}

// cast places the fighters.
func (w *World) cast() {
	h := uint32(0)
	add := func(a *actor) {
		a.handle, a.pos = h, w.freeSpot()
		a.turnAt, a.actAt = w.tick+uint32(w.rng.IntN(20)), w.tick+uint32(w.rng.IntN(40))
		w.actors = append(w.actors, a)
		h++
	}
	for i := range w.cfg.NPCs {
		sp := hostiles[i%len(hostiles)]
		if i == 0 {
			sp = protocol.SpriteBoneLord
		}
		k, _ := client.NPCKind(sp)
		a := &actor{name: k.Title, sprite: sp, hostile: true, max: int64(k.Stats.MaxHP),
			speed: rules.SpeedPerTick(int(k.Stats.Speed), w.cfg.TickRate)}
		a.attack, _ = rules.AbilityByID(k.Attack)
		add(a)
	}
	for i := range w.cfg.Players {
		sp := protocol.Sprite(i % 3)
		c, _ := rules.ClassNamed([...]string{"knight", "rogue", "wizard"}[sp])
		a := &actor{name: playerName(i), sprite: sp, max: int64(c.Base.MaxHP), heal: sp == protocol.SpriteWizard,
			speed: rules.SpeedPerTick(int(c.Base.Speed), w.cfg.TickRate)}
		a.attack, _ = rules.AbilityByID(c.Abilities[0])
		add(a)
	}
	elder, _ := client.NPCKind(protocol.SpriteElder)
	add(&actor{name: elder.Title, sprite: protocol.SpriteElder, friendly: true, max: int64(elder.Stats.MaxHP)})
	if by := (rules.Vec{X: w.home.X + 24*rules.SubpixelsPerPixel, Y: w.home.Y}); rules.Fits(by, w.terrain) {
		w.actors[len(w.actors)-1].pos = by
	}
	for _, a := range w.actors {
		a.hp, a.level = a.max, 3
	}
}

// playerName names the i-th other player.
func playerName(i int) string {
	names := [...]string{"Ann", "Bo", "Cid", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo"}
	return names[i%len(names)] + string(rune('A'+i/len(names)%26))
}

// freeSpot returns a random place near home where a body fits.
func (w *World) freeSpot() rules.Vec {
	for range 1000 {
		p := rules.Vec{
			X: w.home.X + int32(w.rng.IntN(2*spreadX)-spreadX)*rules.SubpixelsPerPixel,
			Y: w.home.Y + int32(w.rng.IntN(2*spreadY)-spreadY)*rules.SubpixelsPerPixel,
		}
		if rules.Fits(p, w.terrain) {
			return p
		}
	}
	return w.home
}

// Recv waits for the next tick on the wall clock and returns its
// snapshot, or a Pong for a Ping sent meanwhile.
func (w *World) Recv(ctx context.Context) (protocol.Message, error) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil, ErrClosed
	}
	if len(w.pongs) > 0 {
		p := w.pongs[0]
		w.pongs = w.pongs[1:]
		w.mu.Unlock()
		return w.count(p)
	}
	w.mu.Unlock()
	t := time.NewTimer(time.Until(w.next))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-w.done:
		return nil, ErrClosed
	case <-t.C:
	}
	w.next = w.next.Add(time.Second / time.Duration(w.cfg.TickRate))
	return w.count(w.step())
}

// count counts m as received, after a trip through the codec: what the
// client gets is what a world's bytes would decode to.
func (w *World) count(m protocol.Message) (protocol.Message, error) {
	b := m.Append(nil)
	w.mu.Lock()
	w.stats.MessagesIn++
	w.stats.BytesIn += int64(len(b))
	w.mu.Unlock()
	d, err := protocol.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("fightscene: tick %d: %w", w.tick, err)
	}
	return d, nil
}

// Send takes the client's Inputs and answers its Pings.
func (w *World) Send(ctx context.Context, m protocol.Message) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	w.stats.MessagesOut++
	w.stats.BytesOut += int64(len(m.Append(nil)))
	switch m := m.(type) {
	case protocol.Input:
		w.inputs = append(w.inputs, m)
	case protocol.Ping:
		w.pongs = append(w.pongs, protocol.Pong{ClientTime: m.ClientTime, ServerTime: uint64(time.Now().UnixMilli())})
	}
	return nil
}

// Close ends the fight: Recv and Send return ErrClosed.
func (w *World) Close(protocol.CloseCode) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.closed = true
		close(w.done)
	}
	return nil
}

// Stats counts the messages and bytes each way.
func (w *World) Stats() client.ConnStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stats
}

// step runs one tick of the fight and returns its snapshot.
func (w *World) step() protocol.Snapshot {
	w.tick++
	s := protocol.Snapshot{Tick: w.tick}
	if !w.sent {
		w.sent = true
		for _, a := range w.actors {
			s.Spawns = append(s.Spawns, protocol.EntityProps{Handle: a.handle, Props: []protocol.Prop{
				protocol.IntProp(protocol.PropX, int64(a.pos.X)), protocol.IntProp(protocol.PropY, int64(a.pos.Y)),
				protocol.IntProp(protocol.PropDir, int64(a.dir)), protocol.IntProp(protocol.PropSpeed, int64(a.speed)),
				protocol.TextProp(protocol.PropName, a.name), protocol.IntProp(protocol.PropSprite, int64(a.sprite)),
				protocol.IntProp(protocol.PropLevel, a.level), protocol.IntProp(protocol.PropHP, a.hp), protocol.IntProp(protocol.PropMaxHP, a.max),
			}})
		}
		st := w.class.StatsAt(1)
		s.Vitals = []protocol.Prop{
			protocol.IntProp(protocol.PropHP, int64(st.MaxHP)), protocol.IntProp(protocol.PropMaxHP, int64(st.MaxHP)),
			protocol.IntProp(protocol.PropMP, int64(st.MaxMP)), protocol.IntProp(protocol.PropMaxMP, int64(st.MaxMP)),
			protocol.IntProp(protocol.PropLevel, 1), protocol.IntProp(protocol.PropXP, 20),
		}
		// Spawns hold the state at the end of the tick: nobody moves in it.
		return s
	}
	w.player(&s)
	for _, a := range w.actors {
		if a.dead == 0 && !a.friendly && a.turnAt <= w.tick {
			a.turnAt = w.tick + 10 + uint32(w.rng.IntN(30))
			if d := w.wander(a); d != a.dir {
				a.dir = d
				s.Moves = append(s.Moves, protocol.Move{Handle: a.handle, Dir: protocol.Direction(d)})
			}
		}
	}
	for _, a := range w.actors {
		if a.dir != rules.DirNone {
			a.pos = rules.Step(a.pos, a.dir, a.speed, w.terrain)
		}
	}
	for _, a := range w.actors {
		if a.dead == 0 && !a.friendly && a.actAt <= w.tick {
			w.act(&s, a)
		}
	}
	if w.tick%levelUpEvery == 0 {
		a := w.actors[w.cfg.NPCs+w.rng.IntN(w.cfg.Players)]
		a.level++
		w.change(a, protocol.IntProp(protocol.PropLevel, a.level))
		s.Events = append(s.Events, protocol.Event{Kind: protocol.EventLevelUp, Subject: protocol.OfHandle(a.handle), Amount: uint32(a.level)})
	}
	w.land(&s)
	w.doom(&s)
	for _, a := range w.actors {
		if a.dead != 0 && a.dead <= w.tick {
			a.dead, a.hp = 0, a.max
			w.change(a, protocol.IntProp(protocol.PropHP, a.hp), protocol.IntProp(protocol.PropAnim, int64(protocol.AnimIdle)))
			s.Events = append(s.Events, protocol.Event{Kind: protocol.EventRespawn, Subject: protocol.OfHandle(a.handle)})
		}
	}
	for _, a := range w.actors {
		if props, ok := w.changes[a.handle]; ok {
			s.Changes = append(s.Changes, protocol.EntityProps{Handle: a.handle, Props: props})
		}
	}
	clear(w.changes)
	if w.own != w.ownSent {
		s.HasOwn, s.OwnDX, s.OwnDY = true, w.own.X-w.ownSent.X, w.own.Y-w.ownSent.Y
		w.ownSent = w.own
	}
	return s
}

// doom aims the Bone Lord's slam at the player when its time comes, lands
// it, and brings the player back when its time comes.
func (w *World) doom(s *protocol.Snapshot) {
	slam, _ := rules.AbilityByID(rules.BoneSlam)
	boss := w.actors[0]
	switch {
	case w.deadUntil != 0 && w.deadUntil <= w.tick:
		w.deadUntil, w.hp, w.own = 0, w.maxHP, w.home
		s.Vitals = append(s.Vitals, protocol.IntProp(protocol.PropHP, w.hp))
		s.Events = append(s.Events, protocol.Event{Kind: protocol.EventRespawn})
	case w.doomTick != 0 && w.doomTick <= w.tick:
		w.doomTick = 0
		reach := int64(slam.Radius + rules.HurtRadius)
		if w.deadUntil != 0 || rules.Dist2(rules.Centre(w.own), w.doomAt) > reach*reach {
			return
		}
		s.Events = append(s.Events, protocol.Event{Kind: protocol.EventHit, Amount: uint32(w.hp)}, protocol.Event{Kind: protocol.EventDeath})
		w.hp, w.deadUntil = 0, w.tick+rules.Ticks(3000, w.cfg.TickRate)
		s.Vitals = append(s.Vitals, protocol.IntProp(protocol.PropHP, 0))
	case w.doomTick == 0 && w.nextDoom <= w.tick && boss.dead == 0 && w.deadUntil == 0 && boss.sprite == protocol.SpriteBoneLord:
		ticks := rules.Ticks(slam.Delay, w.cfg.TickRate)
		w.doomAt, w.doomTick = rules.Centre(w.own), w.tick+ticks
		w.nextDoom = w.tick + rules.Ticks(int32(w.cfg.Doom/time.Millisecond), w.cfg.TickRate)
		subject := protocol.OfHandle(boss.handle)
		s.Events = append(s.Events,
			protocol.Event{Kind: protocol.EventAction, Subject: subject, Ability: uint8(slam.ID), Aim: rules.AimAt(boss.pos, w.own)},
			protocol.Event{Kind: protocol.EventTelegraph, Subject: subject, Ability: uint8(slam.ID), X: w.doomAt.X, Y: w.doomAt.Y,
				Amount: uint32(slam.Radius), Ticks: ticks})
	}
}

// player applies the player's inputs due at this tick, moves it and
// confirms what it pressed.
func (w *World) player(s *protocol.Snapshot) {
	w.mu.Lock()
	prev := w.in
	applied := false
	for len(w.inputs) > 0 && int32(w.inputs[0].Tick-w.tick) <= 0 {
		w.in, applied = w.inputs[0], true
		w.inputs = w.inputs[1:]
	}
	w.mu.Unlock()
	if applied {
		s.HasAck, s.Ack = true, w.in.Seq
	}
	if w.deadUntil != 0 {
		return // the dead stand still, and act not
	}
	w.own = rules.Step(w.own, rules.Dir(w.in.Move), w.speed, w.terrain)
	for i, id := range w.class.Abilities {
		b := client.SlotButton(i)
		if w.in.Buttons&b == 0 || prev.Buttons&b != 0 {
			continue
		}
		a, _ := rules.AbilityByID(id)
		s.Events = append(s.Events, protocol.Event{Kind: protocol.EventAction, Ability: uint8(id), Aim: w.in.Aim})
		if a.Shape == rules.ShapeProjectile {
			w.shots++
			from := rules.Centre(w.own)
			s.Events = append(s.Events, protocol.Event{Kind: protocol.EventShot, Ability: uint8(id), Aim: w.in.Aim, ID: w.shots, X: from.X, Y: from.Y})
		}
	}
}

// levelUpEvery is how many ticks apart another player levels up.
const levelUpEvery = 100

// wander picks the way a fighter walks: anywhere, or back towards the
// middle when it strayed; sometimes it stands.
func (w *World) wander(a *actor) rules.Dir {
	dx, dy := (a.pos.X-w.home.X)/rules.SubpixelsPerPixel, (a.pos.Y-w.home.Y)/rules.SubpixelsPerPixel
	switch {
	case dx > spreadX:
		return rules.DirW
	case dx < -spreadX:
		return rules.DirE
	case dy > spreadY:
		return rules.DirN
	case dy < -spreadY:
		return rules.DirS
	case w.rng.IntN(3) == 0:
		return rules.DirNone
	}
	return rules.Dir(1 + w.rng.IntN(8))
}

// act makes a strike (or a heal) and schedules when it lands.
func (w *World) act(s *protocol.Snapshot, a *actor) {
	a.actAt = w.tick + 10 + uint32(w.rng.IntN(40))
	subject := protocol.OfHandle(a.handle)
	if a.sprite == protocol.SpriteBoneLord && w.telegraph == 0 {
		slam, _ := rules.AbilityByID(rules.BoneSlam)
		ticks := rules.Ticks(slam.Delay, w.cfg.TickRate)
		at := rules.Centre(a.pos)
		w.telegraph = w.tick + ticks
		s.Events = append(s.Events,
			protocol.Event{Kind: protocol.EventAction, Subject: subject, Ability: uint8(slam.ID)},
			protocol.Event{Kind: protocol.EventTelegraph, Subject: subject, Ability: uint8(slam.ID), X: at.X, Y: at.Y, Amount: uint32(slam.Radius), Ticks: ticks})
		return
	}
	if a.heal && w.rng.IntN(3) == 0 {
		if ally := w.nearest(a, false, true); ally != nil {
			mend, _ := rules.AbilityByID(rules.MendingBolt)
			amount := min(ally.max-ally.hp, 30)
			ally.hp += amount
			w.change(ally, protocol.IntProp(protocol.PropHP, ally.hp))
			s.Events = append(s.Events,
				protocol.Event{Kind: protocol.EventAction, Subject: subject, Ability: uint8(mend.ID), Aim: rules.AimAt(a.pos, ally.pos)},
				protocol.Event{Kind: protocol.EventHeal, Subject: protocol.OfHandle(ally.handle), Amount: uint32(amount)})
			return
		}
	}
	foe := w.nearest(a, true, false)
	if foe == nil {
		return
	}
	from, to := rules.Centre(a.pos), rules.Centre(foe.pos)
	aim := rules.AimAt(from, to)
	s.Events = append(s.Events, protocol.Event{Kind: protocol.EventAction, Subject: subject, Ability: uint8(a.attack.ID), Aim: aim})
	amount := int64(4 + w.rng.IntN(12))
	if a.attack.Shape != rules.ShapeProjectile {
		w.hits = append(w.hits, hit{due: w.tick, victim: foe, amount: amount})
		return
	}
	w.shots++
	s.Events = append(s.Events, protocol.Event{Kind: protocol.EventShot, Subject: subject, Ability: uint8(a.attack.ID), Aim: aim, ID: w.shots, X: from.X, Y: from.Y})
	perTick := int64(max(rules.SpeedPerTick(int(a.attack.ProjectileSpeed), w.cfg.TickRate), 1))
	flight := uint32(isqrt(rules.Dist2(from, to))/perTick) + 1
	if flight < rules.Ticks(a.attack.Lifetime, w.cfg.TickRate) && rules.LineOfSight(from, to, w.terrain) {
		w.hits = append(w.hits, hit{due: w.tick + flight - 1, victim: foe, amount: amount, shot: w.shots})
	}
}

// nearest returns the nearest living fighter to a within 160 px: an enemy
// of a's, or (for a heal) a hurt ally.
func (w *World) nearest(a *actor, enemy, hurt bool) *actor {
	var best *actor
	bestD := int64(160*rules.SubpixelsPerPixel) * (160 * rules.SubpixelsPerPixel)
	for _, b := range w.actors {
		if b == a || b.dead != 0 || b.friendly || (b.hostile != a.hostile) != enemy || (hurt && b.hp == b.max) {
			continue
		}
		if d := rules.Dist2(a.pos, b.pos); d < bestD {
			best, bestD = b, d
		}
	}
	return best
}

// land lands the blows due at this tick, and the Bone Lord's slam.
func (w *World) land(s *protocol.Snapshot) {
	if w.telegraph != 0 && w.telegraph <= w.tick {
		w.telegraph = 0
	}
	kept := w.hits[:0]
	for _, h := range w.hits {
		switch {
		case h.due > w.tick:
			kept = append(kept, h)
		case h.victim.dead == 0:
			v := h.victim
			v.hp = max(v.hp-h.amount, 0)
			w.change(v, protocol.IntProp(protocol.PropHP, v.hp))
			s.Events = append(s.Events, protocol.Event{Kind: protocol.EventHit, Subject: protocol.OfHandle(v.handle), Amount: uint32(h.amount), ID: h.shot})
			if v.hp == 0 {
				// It took this tick's step: it stops from the next, as a
				// change of the state at the end of this one.
				v.dead, v.dir = w.tick+rules.Ticks(3000, w.cfg.TickRate), rules.DirNone
				w.change(v, protocol.IntProp(protocol.PropDir, int64(rules.DirNone)), protocol.IntProp(protocol.PropAnim, int64(protocol.AnimDead)))
				s.Events = append(s.Events, protocol.Event{Kind: protocol.EventDeath, Subject: protocol.OfHandle(v.handle)})
			}
		}
	}
	w.hits = kept
}

// change records property changes of a for this tick's snapshot.
func (w *World) change(a *actor, props ...protocol.Prop) {
	w.changes[a.handle] = append(w.changes[a.handle], props...)
}

// isqrt returns the integer square root of n ≥ 0.
func isqrt(n int64) int64 {
	x := int64(0)
	for b := int64(1) << 62; b > 0; b >>= 2 {
		if x+b <= n {
			n -= x + b
			x = x>>1 + b
		} else {
			x >>= 1
		}
	}
	return x
}
