package sim

import (
	"math/rand/v2"
	"testing"

	"github.com/tinymmo/tinymmo/internal/character"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// press queues an input of p that holds buttons, aimed at aim, naming
// target.
func (h *harness) press(p *Player, buttons protocol.Buttons, aim uint8, target uint32) {
	h.send(p, func(in *protocol.Input) { in.Buttons, in.Aim, in.Target = buttons, aim, target })
}

// events returns the events of kind p's client was sent since message
// from, and how many messages it has now.
func (h *harness) events(p *Player, kind protocol.EventKind, from int) ([]protocol.Event, int) {
	var out []protocol.Event
	msgs := h.clients[p].msgs
	for _, m := range msgs[min(from, len(msgs)):] {
		if s, ok := m.(protocol.Snapshot); ok {
			for _, e := range s.Events {
				if e.Kind == kind {
					out = append(out, e)
				}
			}
		}
	}
	return out, len(msgs)
}

// addNPC places an NPC of kind with its feet at p, and returns it.
func (h *harness) addNPC(kind string, p rules.Vec) *entity {
	h.in.spawnNPCs([]maps.NPCZone{{Kind: kind, Count: 1, Rect: rules.Rect{Min: p, Max: rules.Vec{X: p.X + 1, Y: p.Y + 1}}}})
	e := h.in.npcs[len(h.in.npcs)-1]
	if e.pos != p {
		h.t.Fatalf("the %s stands at %v, want %v", kind, e.pos, p)
	}
	return e
}

func fieldConfig() Config {
	cfg := testConfig(0)
	cfg.Respawn = rules.TileCenter(2, 2)
	return cfg
}

func TestActionsSentTooFastAreRefused(t *testing.T) {
	h := newHarness(t, openField{w: 60, h: 60}, fieldConfig())
	knight := h.joinAs(1, character.ClassKnight, rules.TileCenter(30, 30))
	h.step()
	e := knight.entity
	bash, _ := rules.AbilityByID(ShieldBashID())
	mana := e.mp
	// Shield Bash, then again at once: the second is on cooldown.
	h.press(knight, protocol.ButtonSpecial1, 0, 0)
	h.step()
	h.press(knight, 0, 0, 0)
	h.step()
	h.press(knight, protocol.ButtonSpecial1, 0, 0)
	h.step()
	used, n := h.events(knight, protocol.EventAction, 0)
	refused, _ := h.events(knight, protocol.EventRefused, 0)
	if len(used) != 1 || len(refused) != 1 || refused[0].Reason != protocol.ReasonCooldown {
		t.Fatalf("two bashes a tick apart: used %v, refused %v; want one used and one refused for cooldown", used, refused)
	}
	if e.mp != mana-bash.ManaCost {
		t.Errorf("mana %d after one bash, want %d", e.mp, mana-bash.ManaCost)
	}
	// Once ready again, a knight without the mana is refused too.
	for range bash.CooldownTicks(e.stats, 20) {
		h.step()
	}
	e.mp = bash.ManaCost - 1
	h.press(knight, 0, 0, 0)
	h.step()
	h.press(knight, protocol.ButtonSpecial1, 0, 0)
	h.step()
	refused, _ = h.events(knight, protocol.EventRefused, n)
	if len(refused) != 1 || refused[0].Reason != protocol.ReasonMana || e.mp != bash.ManaCost-1 {
		t.Errorf("a bash without the mana: refused %v, mana %d; want a refusal for mana and the mana kept", refused, e.mp)
	}
	// Holding the basic attack swings once per cooldown, however long it
	// is held: 60 ticks of a 12-tick sword are 5 swings.
	_, n = h.events(knight, protocol.EventAction, 0)
	h.press(knight, protocol.ButtonPrimary, 0, 0)
	for range 60 {
		h.step()
	}
	swings, _ := h.events(knight, protocol.EventAction, n)
	sword, _ := rules.AbilityByID(rules.SwordSwing)
	if want := 60 / int(sword.CooldownTicks(e.stats, 20)); len(swings) != want {
		t.Errorf("holding the sword for 60 ticks swung %d times, want %d", len(swings), want)
	}
}

// ShieldBashID names the knight's first special, as its class table says.
func ShieldBashID() rules.AbilityID {
	knight, _ := rules.ClassNamed("knight")
	return knight.Abilities[1]
}

func TestMendingBoltIsRefusedOutOfRangeAndSight(t *testing.T) {
	rows := make([]string, 40)
	for i := range rows {
		rows[i] = "........................................"
	}
	rows[20] = "....................#..................." // one wall tile at (20, 20)
	h := newHarness(t, wallTerrain{rows: rows}, fieldConfig())
	wizard := h.joinAs(1, character.ClassWizard, rules.TileCenter(20, 17))
	near := h.joinAs(2, character.ClassKnight, rules.TileCenter(22, 17))   // 32 px away, in sight
	hidden := h.joinAs(3, character.ClassKnight, rules.TileCenter(20, 23)) // behind the wall
	far := h.joinAs(4, character.ClassKnight, rules.TileCenter(38, 17))    // 288 px away
	for range 8 {
		h.step()
	}
	handleOf := func(p *Player) uint32 {
		for hd, e := range wizard.entity.view.handles {
			if e == p.entity {
				return protocol.OfHandle(uint32(hd))
			}
		}
		t.Fatalf("the wizard does not see player %d", p.Char.ID)
		return 0
	}
	bolt, _ := rules.AbilityByID(rules.MendingBolt)
	for _, tt := range []struct {
		name   string
		target uint32
		want   protocol.Reason
	}{
		{"behind a wall", handleOf(hidden), protocol.ReasonSight},
		{"too far", handleOf(far), protocol.ReasonRange},
		{"an unknown handle", 150, protocol.ReasonTarget},
	} {
		_, n := h.events(wizard, protocol.EventRefused, 0)
		h.press(wizard, 0, 0, 0)
		h.step()
		h.press(wizard, protocol.ButtonSpecial1, 0, tt.target)
		h.step()
		refused, _ := h.events(wizard, protocol.EventRefused, n)
		if len(refused) != 1 || refused[0].Reason != tt.want {
			t.Errorf("healing %s: refused %v, want reason %v", tt.name, refused, tt.want)
		}
	}
	// In range and in sight: healed, and everyone who sees it is told.
	near.entity.hp = 10
	h.press(wizard, 0, 0, 0)
	h.step()
	_, n := h.events(near, protocol.EventHeal, 0)
	h.press(wizard, protocol.ButtonSpecial1, 0, handleOf(near))
	h.step()
	wizardStats := wizard.entity.stats
	if want := 10 + bolt.Amount(wizardStats, 100); near.entity.hp != want {
		t.Errorf("the healed knight has %d HP, want %d", near.entity.hp, want)
	}
	if healed, _ := h.events(near, protocol.EventHeal, n); len(healed) != 1 || healed[0].Subject != 0 {
		t.Errorf("the healed knight was told %v, want one heal of itself", healed)
	}
}

func TestProjectilesStopAtWallsAndHitWhatTheyMeet(t *testing.T) {
	rows := make([]string, 30)
	for i := range rows {
		rows[i] = ".............................."
	}
	rows[10] = "..........#..................."
	h := newHarness(t, wallTerrain{rows: rows}, fieldConfig())
	rogue := h.join(1, rules.TileCenter(5, 10))
	shielded := h.addNPC("rat", rules.TileCenter(14, 10)) // behind the wall at (10, 10)
	open := h.addNPC("rat", rules.TileCenter(14, 14))
	shielded.npc.stunnedUntil, open.npc.stunnedUntil = 1<<30, 1<<30 // targets that stay put
	h.step()
	bow, _ := rules.AbilityByID(rules.BowShot)
	shoot := func(aim uint8) {
		h.press(rogue, protocol.ButtonPrimary, aim, 0)
		for range 20 { // a full charge
			h.step()
		}
		h.press(rogue, 0, aim, 0)
		for range 25 {
			h.step()
		}
	}
	shoot(0) // east, into the wall
	if shielded.hp != shielded.stats.MaxHP {
		t.Errorf("a rat behind a wall was hit: %d of %d HP", shielded.hp, shielded.stats.MaxHP)
	}
	rogue.entity.pos = rules.TileCenter(5, 14)
	h.in.grid.moved(rogue.entity)
	shoot(0)
	want := open.stats.MaxHP - rules.Mitigate(bow.Amount(rogue.entity.stats, 100), open.stats.Armour)
	if open.hp != want {
		t.Errorf("the rat in the open has %d HP after a full shot, want %d", open.hp, want)
	}
	hits, _ := h.events(rogue, protocol.EventHit, 0)
	shots, _ := h.events(rogue, protocol.EventShot, 0)
	if len(shots) != 2 || len(hits) != 1 || hits[0].ID != shots[1].ID {
		t.Errorf("shots %v and hits %v: want two shots and one hit naming the second", shots, hits)
	}
}

func TestNPCsAggroChaseLeashAndReset(t *testing.T) {
	h := newHarness(t, openField{w: 120, h: 40}, fieldConfig())
	wolfHome := rules.TileCenter(20, 20)
	wolf := h.addNPC("wolf", wolfHome)
	rogue := h.join(1, rules.TileCenter(26, 20)) // 96 px: within the wolf's 120
	h.step()
	rogue.entity.hp = rogue.entity.stats.MaxHP
	for range 10 {
		h.step()
	}
	if wolf.npc.state != npcChase || wolf.npc.target != rogue.entity {
		t.Fatalf("a player within the wolf's detection: state %d, target %v; want a chase of the player", wolf.npc.state, wolf.npc.target)
	}
	// Run east, faster than the wolf, beyond its leash. The wolf turns
	// back hurt: it heals on the way home.
	h.walk(rogue, protocol.DirE)
	maxAway, turnedBack, arrived := int64(0), false, false
	var restPos rules.Vec
	var restHP int32
	for range 300 {
		h.step()
		maxAway = max(maxAway, rules.Dist2(wolf.pos, wolfHome))
		if wolf.npc.state == npcReturn && !turnedBack {
			wolf.hp, turnedBack = 1, true
		}
		if turnedBack && !arrived && wolf.npc.state == npcIdle {
			arrived, restPos, restHP = true, wolf.pos, wolf.hp
		}
	}
	leash := int64(wolf.npc.kind.Leash) + 2*int64(wolf.speed)
	if maxAway > leash*leash {
		t.Errorf("the wolf went %.0f px from home, beyond its leash of %d px", sqrt(maxAway)/16, wolf.npc.kind.Leash/16)
	}
	if !turnedBack {
		t.Fatalf("the wolf did not turn back from a player far beyond its leash (state %d)", wolf.npc.state)
	}
	if !arrived || rules.Dist2(restPos, wolfHome) > homeReach*homeReach || restHP != wolf.stats.MaxHP {
		t.Errorf("after the leash: came to rest %v at %v (home %v) with %d HP; want at home with full health", arrived, restPos, wolfHome, restHP)
	}
}

func sqrt(v int64) float64 {
	r := 0.0
	for r*r < float64(v) {
		r++
	}
	return r
}

func TestHittingOneMobCallsItsPack(t *testing.T) {
	h := newHarness(t, openField{w: 100, h: 100}, fieldConfig())
	hit := h.addNPC("rat", rules.TileCenter(50, 50))
	mate := h.addNPC("rat", rules.TileCenter(53, 50))     // 48 px away: within 80
	stranger := h.addNPC("rat", rules.TileCenter(70, 50)) // 320 px away
	rogue := h.join(1, rules.TileCenter(50, 80))          // beyond every rat's detection
	h.step()
	h.in.damage(rogue.entity, hit, 5, false, 0)
	if hit.npc.target != rogue.entity || mate.npc.target != rogue.entity {
		t.Errorf("after one rat was hit: its target %v, its mate's %v; want both after the attacker", hit.npc.target, mate.npc.target)
	}
	if stranger.npc.state != npcIdle {
		t.Errorf("a rat beyond the pack's reach joined the fight")
	}
}

func TestExperienceIsSharedByDamage(t *testing.T) {
	h := newHarness(t, openField{w: 100, h: 100}, fieldConfig())
	boss := h.addNPC("bone_lord", rules.TileCenter(50, 50))
	a := h.join(1, rules.TileCenter(40, 40))
	b := h.join(2, rules.TileCenter(41, 40))
	c := h.join(3, rules.TileCenter(42, 40))
	h.step()
	boss.stats.Armour, boss.stats.MagicResist = 0, 0
	// 75 %, 20 % and 5 % of the damage: the last is below the 10 % a share
	// needs.
	h.in.damage(c.entity, boss, 60, false, 0)
	h.in.damage(b.entity, boss, 240, false, 0)
	h.in.damage(a.entity, boss, 900, false, 0)
	if !boss.dead {
		t.Fatalf("the boss has %d HP after 1,200 damage", boss.hp)
	}
	// 300 XP over the 1,140 damage of the two who qualify.
	gained := func(p *Player) int {
		e := p.entity
		total := e.xp
		for l := 1; l < e.level; l++ {
			total += rules.XPToNext(l)
		}
		return total
	}
	if ga, gb, gc := gained(a), gained(b), gained(c); ga != 300*900/1140 || gb != 300*240/1140 || gc != 0 {
		t.Errorf("XP gained %d, %d, %d; want %d, %d and 0", ga, gb, gc, 300*900/1140, 300*240/1140)
	}
}

func TestLevelUp(t *testing.T) {
	h := newHarness(t, openField{w: 60, h: 60}, fieldConfig())
	p := h.join(1, rules.TileCenter(30, 30))
	watcher := h.join(2, rules.TileCenter(32, 30))
	for range 6 {
		h.step()
	}
	e := p.entity
	e.hp = 5
	rogue, _ := rules.ClassNamed("rogue")
	h.in.gainXP(e, 70+140+10) // level 1 → 3, with 10 over
	h.step()
	if e.level != 3 || e.xp != 10 || e.stats != rogue.StatsAt(3) || e.hp != e.stats.MaxHP {
		t.Errorf("after 220 XP at level 1: level %d, xp %d, stats %+v, hp %d; want level 3, 10 XP, its stats, full health", e.level, e.xp, e.stats, e.hp)
	}
	own, _ := h.events(p, protocol.EventLevelUp, 0)
	seen, _ := h.events(watcher, protocol.EventLevelUp, 0)
	if len(own) != 2 || len(seen) != 2 || seen[1].Amount != 3 || seen[1].Subject == 0 {
		t.Errorf("level-ups told to the player %v and to a watcher %v; want two each, the last to level 3", own, seen)
	}
	if s := p.State(); s.Level != 3 || s.XP != 10 || s.MaxHP != int(e.stats.MaxHP) {
		t.Errorf("the state to save = level %d, xp %d, max HP %d", s.Level, s.XP, s.MaxHP)
	}
	if v := h.clients[p].view; v == nil {
		t.Fatal("no view")
	}
}

func TestDeathRespawnAndSpawnProtection(t *testing.T) {
	h := newHarness(t, openField{w: 60, h: 60}, fieldConfig())
	rat := h.addNPC("rat", rules.TileCenter(30, 30))
	p := h.join(1, rules.TileCenter(31, 30))
	h.step()
	e := p.entity
	e.hp = 1
	var diedAt uint32
	for range 40 {
		h.step()
		if e.dead {
			diedAt = h.in.tick
			break
		}
	}
	if diedAt == 0 {
		t.Fatalf("a rat next to a player with 1 HP did not kill it: rat state %d", rat.npc.state)
	}
	if died, _ := h.events(p, protocol.EventDeath, 0); len(died) != 1 || died[0].Subject != 0 {
		t.Errorf("the player was told %v of its death", died)
	}
	// The dead do not walk.
	at := e.pos
	h.walk(p, protocol.DirE)
	for h.in.tick < diedAt+h.in.ticks(rules.RespawnMillis)-1 {
		h.step()
		if e.pos != at {
			t.Fatalf("a dead player moved from %v to %v", at, e.pos)
		}
	}
	h.walk(p, protocol.DirNone)
	h.step()
	if e.dead || e.hp != e.stats.MaxHP || rules.Dist2(e.pos, h.in.cfg.Respawn) > 64*64*16*16 {
		t.Fatalf("3 s after death: dead %v, %d HP at %v; want alive, full, near the respawn point %v", e.dead, e.hp, e.pos, h.in.cfg.Respawn)
	}
	// Protected: a rat beside it does not hurt it...
	h.addNPC("rat", rules.Vec{X: e.pos.X + 8*16, Y: e.pos.Y})
	for range 40 {
		h.step()
	}
	if e.hp != e.stats.MaxHP {
		t.Errorf("a freshly respawned player was hurt: %d of %d HP", e.hp, e.stats.MaxHP)
	}
	// ...until it attacks.
	h.press(p, protocol.ButtonPrimary, 0, 0)
	h.step()
	h.press(p, 0, 0, 0)
	for range 40 {
		h.step()
	}
	if e.protectedUntil != 0 || e.hp == e.stats.MaxHP && !e.dead {
		t.Errorf("after attacking: protected until %d, %d of %d HP; want the protection gone and the rat biting", e.protectedUntil, e.hp, e.stats.MaxHP)
	}
}

func TestPlayersHurtEachOtherOnlyWherePvPIsOn(t *testing.T) {
	for _, tt := range []struct {
		name string
		pvp  bool
		safe bool
		hurt bool
	}{{"pvp off", false, false, false}, {"pvp on", true, false, true}, {"pvp on, in a safe zone", true, true, false}} {
		cfg := fieldConfig()
		cfg.PvP = tt.pvp
		if tt.safe {
			cfg.SafeZones = []rules.Rect{{Min: rules.TileCenter(25, 25), Max: rules.TileCenter(35, 35)}}
		}
		h := newHarness(t, openField{w: 60, h: 60}, cfg)
		knight := h.joinAs(1, character.ClassKnight, rules.TileCenter(30, 30))
		victim := h.join(2, rules.TileCenter(31, 30))
		h.step()
		h.press(knight, protocol.ButtonPrimary, 0, 0) // east, at the victim
		h.step()
		if hurt := victim.entity.hp < victim.entity.stats.MaxHP && victim.entity.hp != 37; hurt != tt.hurt {
			t.Errorf("%s: the victim has %d HP; hurt = %v, want %v", tt.name, victim.entity.hp, hurt, tt.hurt)
		}
	}
}

// TestAFightReplaysExactlyOnTheClient fights rats with two players for a
// while, with random moves and attacks, and checks after every tick that
// each client's view, built from the bytes alone, holds every entity it
// knows where the world has it, with the world's health and death.
func TestAFightReplaysExactlyOnTheClient(t *testing.T) {
	h := newHarness(t, openField{w: 80, h: 80}, fieldConfig())
	for i := range 12 {
		h.addNPC([]string{"rat", "slime", "wolf", "goblin_archer"}[i%4], rules.TileCenter(30+i%4*3, 30+i/4*3))
	}
	players := []*Player{
		h.joinAs(1, character.ClassKnight, rules.TileCenter(36, 36)),
		h.joinAs(2, character.ClassWizard, rules.TileCenter(38, 36)),
		h.joinAs(3, character.ClassRogue, rules.TileCenter(36, 38)),
	}
	rng := rand.New(rand.NewPCG(5, 6))
	kills := 0
	for tick := range 600 {
		for _, p := range players {
			if rng.IntN(6) == 0 {
				h.send(p, func(in *protocol.Input) {
					in.Move = protocol.Direction(rng.IntN(9))
					in.Buttons = protocol.Buttons(rng.IntN(8))
					in.Aim = uint8(rng.IntN(256))
				})
			}
		}
		h.step()
		for _, p := range players {
			if s := h.lastSnapshot(p); s.Tick != p.Tick() {
				continue // a quiet tick: the client steps through it at the next snapshot
			}
			v := h.clients[p].view
			for hd, e := range p.entity.view.handles {
				if e == nil {
					continue
				}
				got, ok := v.Entity(uint32(hd))
				if !ok || got.Pos != e.pos || got.HP != int64(e.hp) || (got.Anim == protocol.AnimDead) != e.dead {
					t.Fatalf("tick %d, player %d, handle %d: the client has %+v (known %v), the world pos %v, %d HP, dead %v",
						tick, p.Char.ID, hd, got, ok, e.pos, e.hp, e.dead)
				}
			}
		}
	}
	kills = h.in.deaths
	if kills == 0 || h.in.abilitiesUsed == 0 {
		t.Errorf("600 ticks of fighting: %d deaths, %d abilities used; want some of each", kills, h.in.abilitiesUsed)
	}
}

func TestNPCsOfAPrivateInstanceStayDead(t *testing.T) {
	for _, private := range []bool{false, true} {
		cfg := fieldConfig()
		cfg.NoRespawn = private
		h := newHarness(t, openField{w: 60, h: 60}, cfg)
		rat := h.addNPC("rat", rules.TileCenter(30, 30))
		p := h.join(1, rules.TileCenter(36, 30))
		for range 6 {
			h.step()
		}
		h.in.damage(p.entity, rat, 1000, false, 0)
		for range h.in.ticks(rat.npc.kind.Respawn) + 2 {
			h.step()
		}
		_, seen := h.clients[p].view.Entity(0)
		switch {
		case private && (len(h.in.npcs) != 0 || seen):
			t.Errorf("private: %d NPCs left, the client still knows the rat: %v; want it gone", len(h.in.npcs), seen)
		case !private && (len(h.in.npcs) != 1 || rat.dead || rat.hp != rat.stats.MaxHP):
			t.Errorf("shared: the rat is dead %v with %d HP; want it back with full health", rat.dead, rat.hp)
		}
	}
}

func TestPartyMembersNearAKillShareItsExperience(t *testing.T) {
	h := newHarness(t, openField{w: 200, h: 60}, fieldConfig())
	wolf := h.addNPC("wolf", rules.TileCenter(30, 30))
	killer := h.join(1, rules.TileCenter(32, 30))
	near := h.join(2, rules.TileCenter(34, 30))
	far := h.join(3, rules.TileCenter(150, 30)) // beyond partyShareRadius
	stranger := h.join(4, rules.TileCenter(33, 30))
	h.step()
	for _, p := range []*Player{killer, near, far} {
		p.Party = 7
	}
	wolf.stats.Armour = 0
	h.in.damage(killer.entity, wolf, 1000, false, 0)
	// The wolf's 12 XP: split between the killer and the member near it.
	if k, n, f, s := killer.entity.xp, near.entity.xp, far.entity.xp, stranger.entity.xp; k != 6 || n != 6 || f != 0 || s != 0 {
		t.Errorf("XP: killer %d, member near %d, member far %d, stranger %d; want 6, 6, 0, 0", k, n, f, s)
	}
}

func TestRestoreHealsTheLivingOnly(t *testing.T) {
	h := newHarness(t, openField{w: 60, h: 60}, fieldConfig())
	p := h.join(1, rules.TileCenter(30, 30))
	h.step()
	e := p.entity
	e.hp, e.mp = 5, 1
	if !h.in.Restore(p) {
		t.Fatal("Restore refused a living player")
	}
	if e.hp != e.stats.MaxHP || e.mp != e.stats.MaxMP {
		t.Errorf("after Restore: %d/%d HP, %d/%d MP; want both full", e.hp, e.stats.MaxHP, e.mp, e.stats.MaxMP)
	}
	h.step()
	if healed, _ := h.events(p, protocol.EventHeal, 0); len(healed) != 1 || healed[0].Amount != uint32(e.stats.MaxHP-5) {
		t.Errorf("the player was told of heals %v; want one of %d", healed, e.stats.MaxHP-5)
	}
	e.hp = 0
	h.in.die(e)
	if h.in.Restore(p) || e.hp != 0 {
		t.Errorf("Restore brought back a dead player to %d HP", e.hp)
	}
}
