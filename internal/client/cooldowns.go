package client

import (
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// Slots is how many abilities a player has: its class's basic attack and
// two specials (rules.Class.Abilities), on the buttons SlotButton gives.
const Slots = 3

// SlotButton returns the button of ability slot: ButtonPrimary for 0,
// ButtonSpecial1 for 1 and ButtonSpecial2 for 2 (the protocol gives slot i
// bit i).
func SlotButton(slot int) protocol.Buttons { return protocol.ButtonPrimary << slot }

// Cooldowns predicts the player's use of its three abilities, so that a
// press shows at once rather than a round trip later. Each client tick,
// Step takes the buttons held and starts the cooldown of every ability the
// world will use at that tick if it agrees: one pressed (or, for the basic
// attack, held) while ready, affordable and alive; the rogue's charged
// shot when it is released. Observe takes the world's word from each
// snapshot: an EventAction of the player's confirms a use, and an
// EventRefused takes the refused one back.
//
// Ticks are the Predictor's client ticks, which the world's match when
// inputs arrive on time. A Cooldowns is owned by one goroutine: it is not
// safe for concurrent use.
type Cooldowns struct {
	class    *rules.Class
	tickRate int
	level    int              // the player's level at the last Step
	held     protocol.Buttons // the buttons held at the last Step
	slots    [Slots]abilitySlot
}

// abilitySlot is one ability's predicted state.
type abilitySlot struct {
	ability *rules.Ability // nil: the class has none there
	// used is set once the ability was used; then readyAt is the first
	// tick it can be used again as predicted, and worldReady that tick
	// as the world's last EventAction set it.
	used                bool
	readyAt, worldReady uint32
	length              uint32 // the cooldown of the last use, in ticks
	// charging is set while a charged ability is held, since chargeFrom.
	charging   bool
	chargeFrom uint32
}

// NewCooldowns returns the cooldowns of a player of class in a world
// running at tickRate (Welcome.TickRate), every ability ready.
func NewCooldowns(class *rules.Class, tickRate int) *Cooldowns {
	c := &Cooldowns{class: class, tickRate: tickRate, level: 1}
	for i, id := range class.Abilities {
		c.slots[i].ability, _ = rules.AbilityByID(id)
	}
	return c
}

// Ability returns the ability of slot, nil if the class has none there.
func (c *Cooldowns) Ability(slot int) *rules.Ability { return c.slots[slot].ability }

// Step takes the buttons held at client tick tick (the tick of the
// Predictor.Step that sends them) and the player's vitals, and returns the
// slots whose ability it predicts the world uses at that tick; each starts
// its cooldown. Call it once per client tick, in order.
func (c *Cooldowns) Step(tick uint32, held protocol.Buttons, v Vitals) (used [Slots]bool) {
	c.level = int(v.Level)
	for i := range c.slots {
		s := &c.slots[i]
		a := s.ability
		on, was := held&SlotButton(i) != 0, c.held&SlotButton(i) != 0
		if a == nil {
			continue
		}
		var use bool
		if a.Charge > 0 { // fired on release
			if on && !was {
				s.charging, s.chargeFrom = true, tick
			}
			use = !on && s.charging
			if !on {
				s.charging = false
			}
		} else {
			use = on && (!was || a.Basic) // holding the basic attack repeats it
		}
		if use && !v.Dead && int64(a.ManaCost) <= v.MP && c.ready(s, tick) {
			s.used, s.length = true, c.cooldown(a)
			s.readyAt = tick + s.length
			used[i] = true
		}
	}
	c.held = held
	return used
}

// Observe takes the player's own events from snapshot s: an EventAction
// sets its ability's cooldown from the snapshot's tick, and never brings it
// earlier than predicted; an EventRefused puts it back where the world last
// set it (ready, if it never did).
func (c *Cooldowns) Observe(s *protocol.Snapshot) {
	for _, e := range s.Events {
		if e.Subject != 0 || (e.Kind != protocol.EventAction && e.Kind != protocol.EventRefused) {
			continue
		}
		i := c.slotOf(rules.AbilityID(e.Ability))
		if i < 0 {
			continue
		}
		sl := &c.slots[i]
		if e.Kind == protocol.EventRefused {
			sl.readyAt, sl.charging = sl.worldReady, false
			continue
		}
		sl.length = c.cooldown(sl.ability)
		sl.worldReady = s.Tick + sl.length
		if !sl.used || int32(sl.worldReady-sl.readyAt) > 0 {
			sl.readyAt = sl.worldReady
		}
		sl.used = true
	}
}

// Left returns how many ticks slot's ability has left to cool down at
// tick, and the length of that cooldown: 0, 0 when it is ready.
func (c *Cooldowns) Left(slot int, tick uint32) (left, length uint32) {
	s := &c.slots[slot]
	if c.ready(s, tick) {
		return 0, 0
	}
	return s.readyAt - tick, s.length
}

// Charge returns how far slot's charged ability has charged at tick, in
// percent of full power (rules.Ability.ChargePercent), while it is held.
func (c *Cooldowns) Charge(slot int, tick uint32) (percent int32, charging bool) {
	s := &c.slots[slot]
	if !s.charging || int32(tick-s.chargeFrom) < 0 {
		return 0, false
	}
	return s.ability.ChargePercent(tick-s.chargeFrom, c.tickRate), true
}

// ready reports whether s's ability can be used at tick as predicted.
func (c *Cooldowns) ready(s *abilitySlot, tick uint32) bool {
	return !s.used || int32(tick-s.readyAt) >= 0
}

// cooldown returns a's cooldown in ticks at the player's level.
func (c *Cooldowns) cooldown(a *rules.Ability) uint32 {
	return a.CooldownTicks(c.class.StatsAt(c.level), c.tickRate)
}

// slotOf returns the slot of ability id, or -1.
func (c *Cooldowns) slotOf(id rules.AbilityID) int {
	for i, s := range c.slots {
		if s.ability != nil && s.ability.ID == id {
			return i
		}
	}
	return -1
}
