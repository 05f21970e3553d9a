package bots

import (
	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// fightStats are what a fighting bot did.
type fightStats struct {
	kills, playerKills, deaths, used, refused, levels int
}

// hunter decides how a fighting bot fights: it picks the nearest hostile
// NPC in its view, or on a world with PvP the nearest NPC or player,
// closes to its class's range, faces it and attacks: the knight holds its
// sword and bashes, the wizard holds its wand, the rogue charges its bow
// and lets go, and each uses its first special whenever it is ready and
// affordable. It waits out its cooldowns, so the world refuses few of its
// actions. Prey it cannot hurt (a player in a safe zone or under spawn
// protection) it leaves alone for a while.
type hunter struct {
	reach int32 // how near it closes in, in subpixels
	pvp   bool  // players are prey too

	// charge is how long it holds a charged basic attack, and rest how
	// long it then lets go: the attack's cooldown, which runs from the
	// release. Zero for a basic attack that does not charge. held counts
	// the ticks of the charge under way, letGo those since the last
	// release.
	charge, rest int
	held, letGo  int

	// special is the first special (nil if none), specialRest its
	// cooldown and sinceSpecial the ticks since the hunter last used it.
	special                   *rules.Ability
	specialRest, sinceSpecial int

	prey       uint32
	hasPrey    bool
	preyPlayer bool  // the prey is a player
	struck     bool  // it attacked the current prey
	ticks      int   // ticks spent on the current prey
	aim        uint8 // the aim it last sent
	// preyHP is the prey's health at the last tick in reach, and futile
	// the ticks in reach since the prey last lost health.
	preyHP int64
	futile int
	// spared is prey it gave up hurting, which it leaves alone for
	// spareLeft more ticks.
	spared    uint32
	spareLeft int
}

// aimSlack is how far, in 256ths of a turn, the way to the prey may turn
// before the hunter aims again: a player does not move the mouse for every
// step its target takes, and each new aim is an input.
const aimSlack = 8

// Hunter timings, in ticks.
const (
	chargeTicks = 14 // how long a rogue holds its bow
	giveUpTicks = 400
	// futileTicks is how long a hunter attacks prey that loses no health
	// before it spares it for spareTicks.
	futileTicks, spareTicks = 100, 200
)

// newHunter returns the hunter of a character of class in a world running
// at tickRate ticks a second, where players are prey if pvp is set. It
// waits out the cooldowns of level 1, which levels only shorten.
func newHunter(class api.Class, tickRate int, pvp bool) *hunter {
	h := &hunter{reach: 90 * rules.SubpixelsPerPixel, pvp: pvp}
	c, ok := rules.ClassNamed(string(class))
	if !ok {
		return h
	}
	stats := c.StatsAt(1)
	basic, _ := rules.AbilityByID(c.Abilities[0])
	if basic.Shape == rules.ShapeMelee {
		h.reach = 12 * rules.SubpixelsPerPixel
	}
	if basic.Charge > 0 {
		h.charge, h.rest = chargeTicks, int(basic.CooldownTicks(stats, tickRate))
		h.letGo = h.rest // ready at once
	}
	if h.special, ok = rules.AbilityByID(c.Abilities[1]); ok {
		h.specialRest = int(h.special.CooldownTicks(stats, tickRate))
		h.sinceSpecial = h.specialRest
	}
	return h
}

// killed reports whether the event subject is prey the hunter attacked,
// and whether that prey is a player.
func (h *hunter) killed(subject uint32) (killed, player bool) {
	killed = h.hasPrey && h.struck && subject == protocol.OfHandle(h.prey)
	return killed, killed && h.preyPlayer
}

// next returns the hunter's move, aim and buttons from pos for the next
// tick, and false when no prey is in view. It presses nothing while the
// player is dead, and its special only when it has cooled down and the
// player has the mana.
func (h *hunter) next(pos rules.Vec, v *client.View, peek func(protocol.Direction) rules.Vec) (protocol.Direction, uint8, protocol.Buttons, bool) {
	h.spareLeft = max(h.spareLeft-1, 0)
	h.sinceSpecial++
	dir, attacking, ok := h.hunt(pos, v, peek)
	own := v.Vitals()
	attacking = attacking && !own.Dead
	var buttons protocol.Buttons
	if h.holdBasic(attacking) {
		buttons |= protocol.ButtonPrimary
	}
	if attacking && h.special != nil && h.sinceSpecial > h.specialRest && own.MP >= int64(h.special.ManaCost) {
		buttons |= protocol.ButtonSpecial1
		h.sinceSpecial = 0
	}
	return dir, h.aim, buttons, ok
}

// hunt picks prey if it has none, aims at it, and returns the way to walk
// towards it, or whether it is in reach to attack; false when it has no
// prey.
func (h *hunter) hunt(pos rules.Vec, v *client.View, peek func(protocol.Direction) rules.Vec) (dir protocol.Direction, attacking, ok bool) {
	prey, ok := v.Entity(h.prey)
	if !h.hasPrey || !ok || prey.Dead() || h.ticks > giveUpTicks {
		if !h.pick(pos, v) {
			return protocol.DirNone, false, false
		}
		prey, _ = v.Entity(h.prey)
	}
	h.ticks++
	from, to := rules.Centre(pos), rules.Centre(prey.Pos)
	if want := rules.AimAt(from, to); int8(want-h.aim) > aimSlack || int8(want-h.aim) < -aimSlack {
		h.aim = want
	}
	if rules.Dist2(from, to) > int64(h.reach)*int64(h.reach) {
		dir := h.approach(pos, prey.Pos, peek)
		if dir == protocol.DirNone {
			// No step brings it nearer (water or a wall between): let
			// the walker wander it elsewhere, and hunt something else.
			h.hasPrey = false
			return dir, false, false
		}
		return dir, false, true
	}
	h.futile++
	if prey.HP < h.preyHP {
		h.futile = 0
	}
	h.preyHP = prey.HP
	if h.futile > futileTicks {
		h.spared, h.spareLeft, h.hasPrey = h.prey, spareTicks, false
		return protocol.DirNone, false, false
	}
	h.struck = true
	return protocol.DirNone, true, true
}

// holdBasic returns whether the basic attack's button is held this tick,
// given whether the hunter attacks: always while it does, for an attack
// that does not charge; for one that does, h.charge ticks at a time, let
// go for more than h.rest ticks between, since the cooldown runs from the
// release and the world refuses a charge begun before it has passed.
func (h *hunter) holdBasic(attacking bool) bool {
	h.letGo++
	if h.charge == 0 {
		return attacking
	}
	if attacking && h.held < h.charge && (h.held > 0 || h.letGo > h.rest) {
		h.held++
		return true
	}
	if h.held > 0 { // let go: the charge fires
		h.held, h.letGo = 0, 0
	}
	return false
}

// pick chooses the nearest living prey in view: a hostile NPC, or on a
// world with PvP a player too, but not the one it spares.
func (h *hunter) pick(pos rules.Vec, v *client.View) bool {
	best := int64(-1)
	for hd, e := range v.All() {
		if !(e.Sprite.HostileNPC() || h.pvp && client.IsPlayer(e.Sprite)) || e.Dead() || hd == h.spared && h.spareLeft > 0 {
			continue
		}
		if d := rules.Dist2(pos, e.Pos); best < 0 || d < best {
			best, h.prey, h.preyPlayer, h.preyHP = d, hd, client.IsPlayer(e.Sprite), e.HP
		}
	}
	h.hasPrey, h.ticks, h.struck, h.futile = best >= 0, 0, false, 0
	return h.hasPrey
}

// approach returns the direction of the eight that brings pos nearest to
// target, or none when every step is blocked.
func (h *hunter) approach(pos, target rules.Vec, peek func(protocol.Direction) rules.Vec) protocol.Direction {
	best, bestD := protocol.DirNone, rules.Dist2(pos, target)
	for d := protocol.DirN; d <= protocol.DirNW; d++ {
		if dd := rules.Dist2(peek(d), target); dd < bestD {
			best, bestD = d, dd
		}
	}
	return best
}
