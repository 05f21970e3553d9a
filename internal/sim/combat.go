package sim

import (
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// fighter is what an entity fights with: its stats, health and mana, and
// the state of its abilities. Players and NPCs share it.
type fighter struct {
	name   string
	sprite protocol.Sprite
	level  int
	xp     int
	stats  rules.Stats
	hp, mp int32
	// mpTenths gathers mana regeneration below one point.
	mpTenths int32

	dead bool
	// respawnAt is the instance tick at which a dead fighter comes back.
	respawnAt uint32
	// protectedUntil is the tick until which nothing can hurt it (after a
	// respawn); using an ability ends it.
	protectedUntil uint32
	// abilities are the fighter's basic attack and specials; ready holds
	// the instance tick at which each can be used again.
	abilities [3]rules.AbilityID
	ready     [3]uint32
	// charging is set while a charged basic attack is held, since
	// chargeFrom.
	charging   bool
	chargeFrom uint32
}

// shot is a projectile in flight.
type shot struct {
	rules.Projectile
	id     uint32
	owner  *entity
	amount int32 // damage before mitigation, fixed when fired
	magic  bool
}

// blast is a telegraphed strike waiting for its tick.
type blast struct {
	owner  *entity
	at     rules.Vec
	radius int32
	amount int32
	magic  bool
	due    uint32
}

// Timings of death and protection.
const (
	protectionMillis = 5000 // a player back from death cannot be hurt for this long, unless it attacks
	corpseMillis     = 2000 // a dead NPC that never respawns lies this long
	// contributionPercent is the share of the damage dealt to an NPC a
	// player must have dealt to share its experience.
	contributionPercent = 10
)

// ticks converts milliseconds to ticks at the instance's rate.
func (in *Instance) ticks(ms int32) uint32 { return rules.Ticks(ms, in.cfg.TickRate) }

// hostile reports whether a may hurt b.
func (in *Instance) hostile(a, b *entity) bool {
	if a == b || b.dead || b.removed || in.tick < b.protectedUntil {
		return false
	}
	switch {
	case a.npc != nil && b.npc != nil:
		return false
	case a.npc != nil:
		return a.npc.kind.Hostile
	case b.npc != nil:
		return b.npc.kind.Hostile
	}
	return in.cfg.PvP && !in.safe(a.pos) && !in.safe(b.pos)
}

// safe reports whether p lies in a safe zone.
func (in *Instance) safe(p rules.Vec) bool {
	for _, z := range in.cfg.SafeZones {
		if z.Contains(p) {
			return true
		}
	}
	return false
}

// act carries out the buttons a player pressed and released this tick, and
// a basic attack held down.
func (in *Instance) act(e *entity, held, pressed, released protocol.Buttons, aim uint8, target uint32) {
	for slot := range e.abilities {
		bit := protocol.Buttons(1) << slot
		a, ok := rules.AbilityByID(e.abilities[slot])
		switch {
		case pressed&bit == 0 && released&bit == 0 && !(slot == 0 && held&bit != 0):
			continue
		case !ok:
			if pressed&bit != 0 {
				in.refuse(e, e.abilities[slot], protocol.ReasonAbility)
			}
			continue
		case e.dead:
			if pressed&bit != 0 {
				in.refuse(e, a.ID, protocol.ReasonDead)
			}
			continue
		}
		if slot == 0 {
			in.basic(e, a, held&bit != 0, pressed&bit != 0, released&bit != 0, aim)
			continue
		}
		if pressed&bit != 0 {
			in.special(e, slot, a, aim, target)
		}
	}
}

// basic handles a player's basic attack: a charged one charges while held
// and fires on release; the others fire whenever held and ready.
func (in *Instance) basic(e *entity, a *rules.Ability, held, pressed, released bool, aim uint8) {
	if a.Charge == 0 {
		if held && in.tick >= e.ready[0] {
			in.use(e, 0, a, aim, 100, nil)
		}
		return
	}
	if pressed && !e.charging {
		if in.tick < e.ready[0] {
			in.refuse(e, a.ID, protocol.ReasonCooldown)
		} else {
			e.charging, e.chargeFrom = true, in.tick
		}
	}
	if released && e.charging {
		e.charging = false
		in.use(e, 0, a, aim, a.ChargePercent(in.tick-e.chargeFrom, in.cfg.TickRate), nil)
	}
}

// special checks and uses ability a in slot for e.
func (in *Instance) special(e *entity, slot int, a *rules.Ability, aim uint8, target uint32) {
	if in.tick < e.ready[slot] {
		in.refuse(e, a.ID, protocol.ReasonCooldown)
		return
	}
	if e.mp < a.ManaCost {
		in.refuse(e, a.ID, protocol.ReasonMana)
		return
	}
	var ally *entity
	if a.Shape == rules.ShapeAllyHeal {
		var reason protocol.Reason
		if ally, reason = in.allyTarget(e, a, target); reason != 0 {
			in.refuse(e, a.ID, reason)
			return
		}
	}
	in.use(e, slot, a, aim, 100, ally)
}

// allyTarget resolves an ally heal's target: the player the client names
// by its handle, or e itself for none.
func (in *Instance) allyTarget(e *entity, a *rules.Ability, target uint32) (*entity, protocol.Reason) {
	if target == 0 {
		return e, 0
	}
	h := int(target - 1)
	if h >= len(e.view.handles) || e.view.handles[h] == nil {
		return nil, protocol.ReasonTarget
	}
	t := e.view.handles[h]
	switch {
	case t.p == nil || t.dead || t.removed:
		return nil, protocol.ReasonTarget
	case rules.Dist2(e.pos, t.pos) > int64(a.Reach)*int64(a.Reach):
		return nil, protocol.ReasonRange
	case !rules.LineOfSight(rules.Centre(e.pos), rules.Centre(t.pos), in.terrain):
		return nil, protocol.ReasonSight
	}
	return t, 0
}

// refuse tells e's client that it may not use ability id, and why.
func (in *Instance) refuse(e *entity, id rules.AbilityID, why protocol.Reason) {
	in.refusals++
	tellOwn(e, protocol.Event{Kind: protocol.EventRefused, Ability: uint8(id), Reason: why})
}

// use makes e use ability a of slot, aimed at aim, at charge percent of
// its power; ally is the target of an ally heal. The checks are done.
func (in *Instance) use(e *entity, slot int, a *rules.Ability, aim uint8, charge int32, ally *entity) {
	e.ready[slot] = in.tick + a.CooldownTicks(e.stats, in.cfg.TickRate)
	e.mp -= a.ManaCost
	e.protectedUntil = 0 // attacking ends spawn protection
	in.abilitiesUsed++
	in.announce(e, protocol.Event{Kind: protocol.EventAction, Ability: uint8(a.ID), Aim: aim})
	amount := a.Amount(e.stats, charge)
	from := rules.Centre(e.pos)
	switch a.Shape {
	case rules.ShapeMelee:
		at := rules.Along(from, aim, a.Reach)
		reach := int64(a.Radius + rules.HurtRadius)
		in.eachNear(at, a.Radius+rules.HurtRadius, func(t *entity) {
			c := rules.Centre(t.pos)
			if in.hostile(e, t) && rules.Dist2(c, at) <= reach*reach && rules.LineOfSight(from, c, in.terrain) {
				in.damage(e, t, amount, a.Magic, 0)
				if a.Stun > 0 && t.npc != nil {
					t.npc.stunnedUntil = in.tick + in.ticks(a.Stun)
				}
			}
		})
	case rules.ShapeProjectile:
		for k := range a.Count {
			dir := aim + uint8((k-(a.Count-1)/2)*int(a.Spread))
			in.nextShot++
			s := shot{
				Projectile: rules.NewProjectile(from, dir, a.ProjectileSpeed, a.Lifetime, in.cfg.TickRate),
				id:         in.nextShot, owner: e, amount: amount, magic: a.Magic,
			}
			in.shots = append(in.shots, s)
			in.announce(e, protocol.Event{Kind: protocol.EventShot, Ability: uint8(a.ID), Aim: dir, ID: s.id, X: from.X, Y: from.Y})
		}
	case rules.ShapeAllyHeal:
		in.heal(ally, amount+ally.stats.MaxHP*a.HealMaxHP/100)
	case rules.ShapeSelfHeal:
		in.heal(e, amount+e.stats.MaxHP*a.HealMaxHP/100)
	case rules.ShapeBlast:
		in.blasts = append(in.blasts, blast{owner: e, at: from, radius: a.Radius, amount: amount, magic: a.Magic, due: in.tick + in.ticks(a.Delay)})
		in.announce(e, protocol.Event{Kind: protocol.EventTelegraph, Ability: uint8(a.ID), X: from.X, Y: from.Y,
			Amount: uint32(a.Radius), Ticks: in.ticks(a.Delay)})
	}
}

// eachNear calls fn for every entity whose feet may lie within r of p
// (callers check exactly).
func (in *Instance) eachNear(p rules.Vec, r int32, fn func(*entity)) {
	r += rules.HurtRadius + 6*rules.SubpixelsPerPixel // a body's centre sits above its feet
	in.grid.query(rules.Rect{Min: rules.Vec{X: p.X - r, Y: p.Y - r}, Max: rules.Vec{X: p.X + r, Y: p.Y + r}}, fn)
}

// flyShots steps every projectile in flight one tick: a wall stops it, and
// it hits the first enemy of its owner whose body it meets.
func (in *Instance) flyShots() {
	kept := in.shots[:0]
	for _, s := range in.shots {
		var hit *entity
		ended := s.Step(in.terrain, func(at rules.Vec) bool {
			in.eachNear(at, rules.HurtRadius, func(t *entity) {
				if hit == nil && in.hostile(s.owner, t) && rules.Dist2(rules.Centre(t.pos), at) <= rules.HurtRadius*rules.HurtRadius {
					hit = t
				}
			})
			return hit != nil
		})
		if hit != nil {
			in.damage(s.owner, hit, s.amount, s.magic, s.id)
		}
		if !ended {
			kept = append(kept, s)
		}
	}
	clear(in.shots[len(kept):])
	in.shots = kept
}

// strikeBlasts lands the telegraphed strikes that are due.
func (in *Instance) strikeBlasts() {
	kept := in.blasts[:0]
	for _, b := range in.blasts {
		if in.tick < b.due {
			kept = append(kept, b)
			continue
		}
		if b.owner.dead || b.owner.removed {
			continue
		}
		reach := int64(b.radius + rules.HurtRadius)
		in.eachNear(b.at, b.radius+rules.HurtRadius, func(t *entity) {
			c := rules.Centre(t.pos)
			if in.hostile(b.owner, t) && rules.Dist2(c, b.at) <= reach*reach && rules.LineOfSight(b.at, c, in.terrain) {
				in.damage(b.owner, t, b.amount, b.magic, 0)
			}
		})
	}
	clear(in.blasts[len(kept):])
	in.blasts = kept
}

// damage makes src hit t for amount before mitigation; shotID names the
// projectile (0: none).
func (in *Instance) damage(src, t *entity, amount int32, magic bool, shotID uint32) {
	defence := t.stats.Armour
	if magic {
		defence = t.stats.MagicResist
	}
	dealt := min(rules.Mitigate(amount, defence), t.hp)
	t.hp -= dealt
	in.setProps(t, protocol.IntProp(protocol.PropHP, int64(t.hp)))
	in.announce(t, protocol.Event{Kind: protocol.EventHit, Amount: uint32(dealt), ID: shotID})
	if t.npc != nil {
		in.provoked(t, src, dealt)
	}
	if t.hp == 0 {
		in.die(t)
	}
}

// heal gives t amount health, up to its maximum.
func (in *Instance) heal(t *entity, amount int32) {
	amount = min(amount, t.stats.MaxHP-t.hp)
	t.hp += amount
	in.setProps(t, protocol.IntProp(protocol.PropHP, int64(t.hp)))
	in.announce(t, protocol.Event{Kind: protocol.EventHeal, Amount: uint32(amount)})
}

// Restore gives the player back its full health and mana, as a
// moderator's /heal does. It reports false, doing nothing, when the player
// is dead (it comes back whole at its respawn) or not in the instance.
func (in *Instance) Restore(p *Player) bool {
	e := p.entity
	if e == nil || e.dead {
		return false
	}
	in.heal(e, e.stats.MaxHP)
	e.mp, e.mpTenths = e.stats.MaxMP, 0
	return true
}

// die kills t: it lies down, stops from the next tick on (it has taken
// this tick's step), and comes back later (see revive).
func (in *Instance) die(t *entity) {
	t.dead, t.charging = true, false
	in.setProps(t, protocol.IntProp(protocol.PropAnim, int64(protocol.AnimDead)))
	in.announce(t, protocol.Event{Kind: protocol.EventDeath})
	in.deaths++
	if t.npc == nil {
		t.respawnAt = in.tick + in.ticks(rules.RespawnMillis)
		return
	}
	in.rewardKill(t)
	if t.npc.kind.Respawn > 0 && !in.cfg.NoRespawn {
		t.respawnAt = in.tick + in.ticks(t.npc.kind.Respawn)
	} else {
		t.respawnAt, t.npc.gone = in.tick+in.ticks(corpseMillis), true
	}
}

// rewardKill shares a dead NPC's experience among the players who dealt
// at least contributionPercent of the damage it took, by their damage.
func (in *Instance) rewardKill(t *entity) {
	n := t.npc
	var total, shared int64
	for _, c := range n.contributors {
		total += int64(c.damage)
	}
	for _, c := range n.contributors {
		if int64(c.damage)*100 >= total*contributionPercent && !c.e.removed {
			shared += int64(c.damage)
		}
	}
	for _, c := range n.contributors {
		if int64(c.damage)*100 >= total*contributionPercent && !c.e.removed {
			in.shareXP(c.e, t.pos, max(int(int64(n.kind.XP)*int64(c.damage)/shared), 1))
		}
	}
	clear(n.contributors)
	n.contributors = n.contributors[:0]
}

// partyShareRadius is how near a kill a party member must stand to share
// the experience a member earned.
const partyShareRadius = 40 * rules.TileSubpixels

// shareXP gives xp, earned by e at a kill at where, to e, or evenly to e
// and the members of its party in the instance within partyShareRadius of
// where (e gets what does not divide).
func (in *Instance) shareXP(e *entity, where rules.Vec, xp int) {
	party := e.p.Party
	if party == 0 {
		in.gainXP(e, xp)
		return
	}
	r2 := int64(partyShareRadius) * int64(partyShareRadius)
	near := in.sharers[:0]
	for _, o := range in.entities {
		if o != e && o.p.Party == party && !o.dead && rules.Dist2(o.pos, where) <= r2 {
			near = append(near, o)
		}
	}
	each := xp / (len(near) + 1)
	for _, o := range near {
		in.gainXP(o, each)
	}
	in.gainXP(e, xp-each*len(near))
	clear(near)
	in.sharers = near
}

// gainXP gives a player experience, levelling it up as often as it
// reaches rules.XPToNext.
func (in *Instance) gainXP(e *entity, xp int) {
	if e.p == nil {
		return
	}
	e.xp += xp
	for e.level < rules.MaxLevel && e.xp >= rules.XPToNext(e.level) {
		e.xp -= rules.XPToNext(e.level)
		e.level++
		in.levelsGained++
		class, _ := rules.ClassNamed(string(e.p.Char.Class))
		e.stats = class.StatsAt(e.level)
		e.hp, e.mp = e.stats.MaxHP, e.stats.MaxMP
		in.setProps(e, protocol.IntProp(protocol.PropLevel, int64(e.level)),
			protocol.IntProp(protocol.PropMaxHP, int64(e.stats.MaxHP)), protocol.IntProp(protocol.PropHP, int64(e.hp)))
		in.announce(e, protocol.Event{Kind: protocol.EventLevelUp, Amount: uint32(e.level)})
	}
}

// revive brings a dead player back at the map's respawn point with full
// health and mana, protected until it attacks or protectionMillis pass.
func (in *Instance) revive(e *entity) {
	e.dead = false
	e.hp, e.mp = e.stats.MaxHP, e.stats.MaxMP
	e.protectedUntil = in.tick + in.ticks(protectionMillis)
	e.ready = [3]uint32{}
	e.pos = in.spread(in.cfg.Respawn)
	e.guardUntil = in.tick + in.cfg.PortalGuardTicks
	in.grid.moved(e)
	in.setProps(e, protocol.IntProp(protocol.PropX, int64(e.pos.X)), protocol.IntProp(protocol.PropY, int64(e.pos.Y)),
		protocol.IntProp(protocol.PropHP, int64(e.hp)), protocol.IntProp(protocol.PropAnim, int64(protocol.AnimIdle)))
	in.announce(e, protocol.Event{Kind: protocol.EventRespawn})
}

// regenerate adds a second's mana regeneration to every living player,
// once a second.
func (in *Instance) regenerate() {
	if in.cfg.TickRate <= 0 || in.tick%uint32(in.cfg.TickRate) != 0 {
		return
	}
	for _, e := range in.entities {
		if e.dead || e.mp >= e.stats.MaxMP {
			continue
		}
		e.mpTenths += e.stats.MPRegen
		e.mp = min(e.mp+e.mpTenths/10, e.stats.MaxMP)
		e.mpTenths %= 10
	}
}
