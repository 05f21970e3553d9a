package sim

import (
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// npc is the mind of a non-player entity: a state machine stepped every
// tick while a player is near enough to see it.
type npc struct {
	kind  *rules.NPCKind
	home  rules.Vec  // where it spawns, and returns to
	zone  rules.Rect // where it wanders
	state npcState
	// target is the player it fights (chase).
	target *entity
	// nextTurn is when a wandering or chasing NPC picks its direction
	// again; stunnedUntil freezes it.
	nextTurn, stunnedUntil uint32
	// awake is whether a player is within wakeRadius, checked once a
	// second (at nextWakeCheck): an NPC nobody is near costs nothing.
	awake         bool
	nextWakeCheck uint32
	// contributors are the players who hurt it since it last came back.
	contributors []contribution
	// gone is set for an NPC that never comes back: it leaves the
	// instance when respawnAt comes.
	gone bool
}

type npcState uint8

const (
	npcIdle   npcState = iota // wander near home, look for players
	npcChase                  // close in on the target and attack it
	npcReturn                 // walk home after being pulled too far, healing
)

// contribution is the damage a player dealt to an NPC.
type contribution struct {
	e      *entity
	damage int32
}

// NPC behaviour numbers.
const (
	// wakeRadius is how near a player must be for an NPC to think: beyond
	// it no player sees the NPC.
	wakeRadius = 48 * rules.TileSubpixels
	// turnTicks is how often a chasing NPC steers again.
	turnTicks = 4
	// idleRegenPercent and returnRegenPercent are the health an NPC
	// regains a second while idle and while walking home.
	idleRegenPercent, returnRegenPercent = 5, 25
	// homeReach is how near home a returning NPC must come to rest.
	homeReach = rules.TileSubpixels
)

// spriteOfKind maps NPC kinds to their sprites.
var spriteOfKind = map[string]protocol.Sprite{
	"rat": protocol.SpriteRat, "wolf": protocol.SpriteWolf, "skeleton": protocol.SpriteSkeleton,
	"slime": protocol.SpriteSlime, "goblin_archer": protocol.SpriteGoblinArcher, "bone_lord": protocol.SpriteBoneLord,
	"villager": protocol.SpriteVillager, "elder": protocol.SpriteElder,
}

// KnownNPCKind reports whether kind is an NPC kind the core can spawn.
func KnownNPCKind(kind string) bool {
	_, inTable := rules.NPCNamed(kind)
	_, drawn := spriteOfKind[kind]
	return inTable && drawn
}

// spawnNPCs fills the instance's NPC zones.
func (in *Instance) spawnNPCs(zones []maps.NPCZone) {
	for _, z := range zones {
		kind, ok := rules.NPCNamed(z.Kind)
		if !ok || !KnownNPCKind(z.Kind) {
			continue // the world checks its maps' kinds when it loads them
		}
		for range z.Count {
			home := in.spotIn(z.Rect)
			e := &entity{
				slot:  len(in.npcs),
				npc:   &npc{kind: kind, home: home, zone: z.Rect},
				pos:   home,
				speed: rules.SpeedPerTick(int(kind.Stats.Speed), in.cfg.TickRate),
				fighter: fighter{
					name: kind.Title, sprite: spriteOfKind[z.Kind], level: kind.Level,
					stats: kind.Stats, hp: kind.Stats.MaxHP,
					abilities: [3]rules.AbilityID{kind.Attack, kind.Special},
				},
			}
			e.npc.nextWakeCheck = in.tick + uint32(e.slot%20)
			in.npcs = append(in.npcs, e)
			in.grid.insert(e)
		}
	}
}

// spotIn returns a random spot in r where a body fits, outside portals;
// r's centre if a few tries find none.
func (in *Instance) spotIn(r rules.Rect) rules.Vec {
	for range 32 {
		p := rules.Vec{X: r.Min.X + in.rng.Int32N(max(r.Max.X-r.Min.X, 1)), Y: r.Min.Y + in.rng.Int32N(max(r.Max.Y-r.Min.Y, 1))}
		if _, portal := in.terrain.PortalAt(p); !portal && rules.Fits(p, in.terrain) {
			return p
		}
	}
	return rules.Vec{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}
}

// thinkNPCs steps every NPC's mind, then moves it.
func (in *Instance) thinkNPCs() {
	for i := 0; i < len(in.npcs); i++ {
		e := in.npcs[i]
		n := e.npc
		if e.dead {
			in.steer(e, rules.DirNone)
			if in.tick >= e.respawnAt {
				if n.gone {
					in.detach(e, &in.npcs)
					i--
					continue
				}
				in.respawnNPC(e)
			}
			continue
		}
		if in.tick >= n.nextWakeCheck {
			n.nextWakeCheck = in.tick + uint32(max(in.cfg.TickRate, 1))
			n.awake = in.playerWithin(e.pos, wakeRadius)
		}
		if !n.awake && n.state == npcIdle {
			in.steer(e, rules.DirNone)
			continue
		}
		in.think(e)
		if e.dir != rules.DirNone {
			e.pos = rules.Step(e.pos, e.dir, e.speed, in.terrain)
			in.grid.moved(e)
		}
	}
}

// think runs one tick of an NPC's state machine.
func (in *Instance) think(e *entity) {
	n := e.npc
	if in.tick < n.stunnedUntil {
		in.steer(e, rules.DirNone)
		return
	}
	in.regenerateNPC(e)
	switch n.state {
	case npcIdle:
		if n.kind.Hostile && (in.tick+uint32(e.slot))%turnTicks == 0 {
			if t := in.nearestPlayer(e.pos, n.kind.Detect); t != nil {
				in.aggro(e, t)
				in.chase(e)
				return
			}
		}
		in.wander(e)
	case npcChase:
		in.chase(e)
	case npcReturn:
		if rules.Dist2(e.pos, n.home) <= homeReach*homeReach {
			n.state = npcIdle
			e.hp = e.stats.MaxHP
			in.setProps(e, protocol.IntProp(protocol.PropHP, int64(e.hp)))
			in.steer(e, rules.DirNone)
			return
		}
		in.walkTowards(e, n.home)
	}
}

// aggro makes e fight t.
func (in *Instance) aggro(e, t *entity) {
	e.npc.state, e.npc.target, e.npc.nextTurn = npcChase, t, in.tick
}

// chase closes in on the target and attacks it, or gives up: the target
// is gone, or e was pulled beyond its leash.
func (in *Instance) chase(e *entity) {
	n := e.npc
	t := n.target
	if t == nil || t.dead || t.removed || !in.hostile(e, t) {
		in.giveUp(e)
		return
	}
	if n.kind.Leash > 0 && rules.Dist2(e.pos, n.home) > int64(n.kind.Leash)*int64(n.kind.Leash) {
		in.giveUp(e)
		return
	}
	from, to := rules.Centre(e.pos), rules.Centre(t.pos)
	inRange := rules.Dist2(from, to) <= int64(n.kind.Range)*int64(n.kind.Range) && rules.LineOfSight(from, to, in.terrain)
	if !inRange {
		in.walkTowards(e, t.pos)
		return
	}
	in.steer(e, rules.DirNone)
	aim := rules.AimAt(from, to)
	for slot := len(e.abilities) - 1; slot >= 0; slot-- { // the special first
		a, ok := rules.AbilityByID(e.abilities[slot])
		if ok && in.tick >= e.ready[slot] {
			in.use(e, slot, a, aim, 100, nil)
			return
		}
	}
}

// giveUp ends a fight: a leashed NPC walks home, another rests where it is.
func (in *Instance) giveUp(e *entity) {
	n := e.npc
	n.target, n.nextTurn = nil, in.tick // turn at once
	if n.kind.Leash > 0 {
		n.state = npcReturn
		in.walkTowards(e, n.home)
		return
	}
	n.state = npcIdle
	in.steer(e, rules.DirNone)
}

// wander walks an idle NPC in a random direction now and then, and back
// into its zone when it strays.
func (in *Instance) wander(e *entity) {
	n := e.npc
	if !n.zone.Contains(e.pos) && rules.Dist2(e.pos, n.home) > homeReach*homeReach {
		in.walkTowards(e, n.home)
		return
	}
	if in.tick < n.nextTurn {
		return
	}
	n.nextTurn = in.tick + uint32(in.cfg.TickRate) + in.rng.Uint32N(uint32(2*max(in.cfg.TickRate, 1)))
	if in.rng.IntN(2) == 0 {
		in.steer(e, rules.DirNone)
		return
	}
	in.steer(e, rules.Dir(1+in.rng.IntN(8)))
}

// walkTowards steers e towards p, every turnTicks, trying the
// neighbouring directions when the straight one is blocked.
func (in *Instance) walkTowards(e *entity, p rules.Vec) {
	n := e.npc
	if in.tick < n.nextTurn && e.dir != rules.DirNone {
		return
	}
	n.nextTurn = in.tick + turnTicks
	d := dirTowards(e.pos, p)
	if d == rules.DirNone {
		in.steer(e, d)
		return
	}
	for _, turn := range [...]int{0, 1, -1, 2, -2} {
		try := rules.Dir((int(d)-1+turn+8)%8 + 1)
		if rules.Step(e.pos, try, e.speed, in.terrain) != e.pos {
			in.steer(e, try)
			return
		}
	}
	in.steer(e, rules.DirNone)
}

// steer sets e's direction, telling the viewers when it changes.
func (in *Instance) steer(e *entity, d rules.Dir) {
	if d != e.dir {
		e.dir, e.dirChanged = d, in.tick
		in.changed(e)
	}
}

// dirTowards returns the one of the eight directions nearest the way from
// a to b, or none when they are within a step.
func dirTowards(a, b rules.Vec) rules.Dir {
	if rules.Dist2(a, b) < 4*rules.SubpixelsPerPixel*4*rules.SubpixelsPerPixel {
		return rules.DirNone
	}
	// Aims run clockwise from east in 256ths; directions clockwise from
	// north in eighths.
	k := (int(rules.AimAt(a, b)) + 16) / 32 % 8 // 0 east, 2 south, 4 west, 6 north
	return rules.Dir((k+2)%8 + 1)
}

// provoked makes an NPC hurt by src fight it, and calls its neighbours in.
func (in *Instance) provoked(t, src *entity, dealt int32) {
	n := t.npc
	if src.p != nil {
		i := 0
		for i < len(n.contributors) && n.contributors[i].e != src {
			i++
		}
		if i == len(n.contributors) {
			n.contributors = append(n.contributors, contribution{e: src})
		}
		n.contributors[i].damage += dealt
	}
	if !n.kind.Hostile || src.npc != nil {
		return
	}
	if n.state != npcChase {
		in.aggro(t, src)
	}
	n.awake = true
	in.eachNear(t.pos, n.kind.Assist, func(o *entity) {
		if o.npc != nil && o != t && !o.dead && o.npc.kind.Hostile && o.npc.state == npcIdle &&
			rules.Dist2(o.pos, t.pos) <= int64(n.kind.Assist)*int64(n.kind.Assist) {
			o.npc.awake = true
			in.aggro(o, src)
		}
	})
}

// regenerateNPC heals an NPC out of a fight once a second.
func (in *Instance) regenerateNPC(e *entity) {
	n := e.npc
	if n.state == npcChase || e.hp >= e.stats.MaxHP || in.cfg.TickRate <= 0 || (in.tick+uint32(e.slot))%uint32(in.cfg.TickRate) != 0 {
		return
	}
	percent := int32(idleRegenPercent)
	if n.state == npcReturn {
		percent = returnRegenPercent
	}
	e.hp = min(e.hp+max(e.stats.MaxHP*percent/100, 1), e.stats.MaxHP)
	in.setProps(e, protocol.IntProp(protocol.PropHP, int64(e.hp)))
}

// respawnNPC brings a dead NPC back at home.
func (in *Instance) respawnNPC(e *entity) {
	n := e.npc
	e.dead, e.hp = false, e.stats.MaxHP
	e.ready = [3]uint32{}
	n.state, n.target, n.stunnedUntil = npcIdle, nil, 0
	e.pos = n.home
	in.grid.moved(e)
	in.setProps(e, protocol.IntProp(protocol.PropX, int64(e.pos.X)), protocol.IntProp(protocol.PropY, int64(e.pos.Y)),
		protocol.IntProp(protocol.PropHP, int64(e.hp)), protocol.IntProp(protocol.PropAnim, int64(protocol.AnimIdle)))
	in.announce(e, protocol.Event{Kind: protocol.EventRespawn})
}

// nearestPlayer returns the nearest living player within r of p that an
// NPC may attack, or nil.
func (in *Instance) nearestPlayer(p rules.Vec, r int32) *entity {
	var best *entity
	bestD := int64(r) * int64(r)
	in.eachNear(p, r, func(t *entity) {
		if t.p == nil || t.dead || in.tick < t.protectedUntil {
			return
		}
		if d := rules.Dist2(t.pos, p); d <= bestD && rules.LineOfSight(rules.Centre(p), rules.Centre(t.pos), in.terrain) {
			best, bestD = t, d
		}
	})
	return best
}

// playerWithin reports whether any player is within r of p (in each axis).
func (in *Instance) playerWithin(p rules.Vec, r int32) bool {
	found := false
	in.grid.query(rules.Rect{Min: rules.Vec{X: p.X - r, Y: p.Y - r}, Max: rules.Vec{X: p.X + r, Y: p.Y + r}}, func(t *entity) {
		found = found || t.p != nil
	})
	return found
}
