package bots

import (
	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// fightStats are what a fighting bot did.
type fightStats struct {
	kills, deaths, used, refused, levels int
}

// hunter decides how a fighting bot fights: it picks the nearest hostile
// NPC in its view, closes to its class's range, faces it and attacks: the
// knight holds its sword and bashes, the wizard holds its wand, the rogue
// charges its bow and lets go, and each uses its first special now and
// then.
type hunter struct {
	reach   int32 // how near it closes in, in subpixels
	charged bool  // its basic attack charges: press, hold, release
	prey    uint32
	hasPrey bool
	struck  bool  // it attacked the current prey
	ticks   int   // ticks spent on the current prey
	aim     uint8 // the aim it last sent
}

// aimSlack is how far, in 256ths of a turn, the way to the prey may turn
// before the hunter aims again: a player does not move the mouse for every
// step its target takes, and each new aim is an input.
const aimSlack = 8

// Hunter timings, in ticks.
const (
	chargeTicks  = 14 // how long a rogue holds its bow
	specialEvery = 50 // how often a fighter tries its first special
	giveUpTicks  = 400
)

func newHunter(class api.Class) *hunter {
	h := &hunter{reach: 90 * rules.SubpixelsPerPixel}
	switch class {
	case api.ClassKnight:
		h.reach = 12 * rules.SubpixelsPerPixel
	case api.ClassRogue:
		h.charged = true
	}
	return h
}

// killed reports whether the event subject is prey the hunter attacked.
func (h *hunter) killed(subject uint32) bool {
	return h.hasPrey && h.struck && subject == protocol.OfHandle(h.prey)
}

// next returns the hunter's move, aim and buttons from pos for the next
// tick, and false when no prey is in view.
func (h *hunter) next(pos rules.Vec, v *client.View, peek func(protocol.Direction) rules.Vec) (protocol.Direction, uint8, protocol.Buttons, bool) {
	prey, ok := v.Entity(h.prey)
	if !h.hasPrey || !ok || prey.Anim == protocol.AnimDead || h.ticks > giveUpTicks {
		h.hasPrey, h.ticks, h.struck = h.pick(pos, v)
		if !h.hasPrey {
			return protocol.DirNone, 0, 0, false
		}
		prey, _ = v.Entity(h.prey)
	}
	h.ticks++
	from, to := rules.Centre(pos), rules.Centre(prey.Pos)
	if want := rules.AimAt(from, to); int8(want-h.aim) > aimSlack || int8(want-h.aim) < -aimSlack {
		h.aim = want
	}
	aim := h.aim
	if rules.Dist2(from, to) > int64(h.reach)*int64(h.reach) {
		dir := h.approach(pos, prey.Pos, peek)
		if dir == protocol.DirNone {
			// No step brings it nearer (water or a wall between): let
			// the walker wander it elsewhere, and hunt something else.
			h.hasPrey = false
			return dir, aim, 0, false
		}
		return dir, aim, 0, true
	}
	var buttons protocol.Buttons
	switch {
	case h.charged && h.ticks%(chargeTicks+2) < chargeTicks:
		buttons = protocol.ButtonPrimary // charging; released for two ticks to fire
	case !h.charged:
		buttons = protocol.ButtonPrimary
	}
	if h.ticks%specialEvery == 0 {
		buttons |= protocol.ButtonSpecial1
	}
	h.struck = true
	return protocol.DirNone, aim, buttons, true
}

// pick chooses the nearest living hostile NPC in view.
func (h *hunter) pick(pos rules.Vec, v *client.View) (found bool, ticks int, struck bool) {
	best := int64(-1)
	for hd, e := range v.All() {
		if !e.Sprite.HostileNPC() || e.Anim == protocol.AnimDead {
			continue
		}
		if d := rules.Dist2(pos, e.Pos); best < 0 || d < best {
			best, h.prey = d, hd
		}
	}
	return best >= 0, 0, false
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
