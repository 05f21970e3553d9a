package client

import (
	"slices"
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// mob returns a spawn of a standing NPC of sprite s with hp of maxHP.
func mob(h uint32, at rules.Vec, s protocol.Sprite, hp, maxHP int64) protocol.EntityProps {
	return protocol.EntityProps{Handle: h, Props: props(at, rules.DirNone, 0,
		protocol.IntProp(protocol.PropSprite, int64(s)),
		protocol.IntProp(protocol.PropHP, hp),
		protocol.IntProp(protocol.PropMaxHP, maxHP),
	)}
}

// apply feeds one more message to v through the wire codec.
func apply(t *testing.T, v *View, m protocol.Message) {
	t.Helper()
	if err := v.Apply(roundTrip(t, m)); err != nil {
		t.Fatalf("Apply(%T): %v", m, err)
	}
}

func TestViewKeepsVitalsLifeAndTally(t *testing.T) {
	own := rules.TileCenter(5, 5)
	rat := rules.TileCenter(7, 5)
	v := applyAll(t, []protocol.Message{
		welcome("a", 10, own),
		protocol.Snapshot{Tick: 11, Spawns: []protocol.EntityProps{
			mob(0, rat, protocol.SpriteRat, 40, 40),
			mob(1, rules.TileCenter(3, 3), protocol.SpriteElder, 50, 50),
		}, Vitals: []protocol.Prop{
			protocol.IntProp(protocol.PropHP, 120), protocol.IntProp(protocol.PropMaxHP, 120),
			protocol.IntProp(protocol.PropMP, 40), protocol.IntProp(protocol.PropMaxMP, 40),
			protocol.IntProp(protocol.PropLevel, 1), protocol.IntProp(protocol.PropXP, 0),
		}},
	})
	if got, want := v.Vitals(), (Vitals{HP: 120, MaxHP: 120, MP: 40, MaxMP: 40, Level: 1}); got != want {
		t.Fatalf("Vitals() = %+v, want %+v", got, want)
	}
	// The player swings at the rat and hits it; the rat bites back.
	apply(t, v, protocol.Snapshot{Tick: 12,
		Changes: []protocol.EntityProps{{Handle: 0, Props: []protocol.Prop{protocol.IntProp(protocol.PropHP, 26)}}},
		Vitals:  []protocol.Prop{protocol.IntProp(protocol.PropHP, 114)},
		Events: []protocol.Event{
			{Kind: protocol.EventAction, Subject: 0, Ability: uint8(rules.SwordSwing), Aim: 0},
			{Kind: protocol.EventHit, Subject: protocol.OfHandle(0), Amount: 14},
			{Kind: protocol.EventHit, Subject: 0, Amount: 6},
		}})
	// It dies, and the player levels up; only the changed vitals come.
	apply(t, v, protocol.Snapshot{Tick: 14,
		Changes: []protocol.EntityProps{{Handle: 0, Props: []protocol.Prop{
			protocol.IntProp(protocol.PropHP, 0), protocol.IntProp(protocol.PropAnim, int64(protocol.AnimDead)),
		}}},
		Vitals: []protocol.Prop{protocol.IntProp(protocol.PropLevel, 2), protocol.IntProp(protocol.PropXP, 6)},
		Events: []protocol.Event{
			{Kind: protocol.EventAction, Subject: 0, Ability: uint8(rules.SwordSwing)},
			{Kind: protocol.EventHit, Subject: protocol.OfHandle(0), Amount: 26},
			{Kind: protocol.EventDeath, Subject: protocol.OfHandle(0)},
			{Kind: protocol.EventLevelUp, Subject: 0, Amount: 2},
		}})
	if e, _ := v.Entity(0); !e.Dead() || e.HP != 0 {
		t.Errorf("the rat after its death: %+v, Dead() %v; want dead with 0 HP", e, e.Dead())
	}
	if e, _ := v.Entity(1); e.Dead() {
		t.Errorf("the elder is dead: %+v", e)
	}
	if got, want := v.Vitals(), (Vitals{HP: 114, MaxHP: 120, MP: 40, MaxMP: 40, Level: 2, XP: 6}); got != want {
		t.Errorf("Vitals() = %+v, want %+v", got, want)
	}
	// The player dies to someone else's blow, and comes back.
	apply(t, v, protocol.Snapshot{Tick: 15, Vitals: []protocol.Prop{protocol.IntProp(protocol.PropHP, 0)},
		Events: []protocol.Event{{Kind: protocol.EventHit, Subject: 0, Amount: 114}, {Kind: protocol.EventDeath, Subject: 0}}})
	if !v.Vitals().Dead {
		t.Errorf("after its EventDeath the player is not dead: %+v", v.Vitals())
	}
	apply(t, v, protocol.Snapshot{Tick: 75, HasOwn: true, OwnDX: 300, Vitals: []protocol.Prop{protocol.IntProp(protocol.PropHP, 120)},
		Events: []protocol.Event{{Kind: protocol.EventRespawn, Subject: 0}}})
	if got := v.Vitals(); got.Dead || got.HP != 120 {
		t.Errorf("after its EventRespawn: %+v, want alive with 120 HP", got)
	}
	if got, want := v.Tally(), (Tally{HitsDealt: 2, HitsTaken: 2, Kills: 1, Deaths: 1}); got != want {
		t.Errorf("Tally() = %+v, want %+v", got, want)
	}
	// Welcome starts over.
	apply(t, v, welcome("a", 100, own))
	if v.Vitals() != (Vitals{}) || v.Tally() != (Tally{}) {
		t.Errorf("after a new Welcome: vitals %+v, tally %+v; want both zero", v.Vitals(), v.Tally())
	}
}

func TestEffectsSayWhatHappenedWhereAndWhen(t *testing.T) {
	own := rules.TileCenter(5, 5)
	rat := rules.TileCenter(7, 5)
	v := applyAll(t, []protocol.Message{
		welcome("a", 10, own),
		protocol.Snapshot{Tick: 11, Spawns: []protocol.EntityProps{{Handle: 0, Props: props(rat, rules.DirE, testSpeed)}}},
		protocol.Snapshot{Tick: 12, HasOwn: true, OwnDX: 64, Events: []protocol.Event{
			{Kind: protocol.EventHit, Subject: protocol.OfHandle(0), Amount: 9},
			{Kind: protocol.EventHeal, Subject: 0, Amount: 30},
			{Kind: protocol.EventTelegraph, Subject: protocol.OfHandle(0), Ability: uint8(rules.BoneSlam), X: 900, Y: 800, Amount: 768, Ticks: 24},
			{Kind: protocol.EventRefused, Ability: uint8(rules.ShieldBash), Reason: protocol.ReasonMana},
		}},
	})
	ratAt := walk(rat, rules.DirE, testSpeed, mapA(), 1) // it stepped in tick 12 before the hit
	ownAt := rules.Vec{X: own.X + 64, Y: own.Y}
	want := []Effect{
		{Event: protocol.Event{Kind: protocol.EventHit, Subject: 1, Amount: 9}, Tick: 12, At: ratAt},
		{Event: protocol.Event{Kind: protocol.EventHeal, Subject: 0, Amount: 30}, Tick: 12, At: ownAt},
		{Event: protocol.Event{Kind: protocol.EventTelegraph, Subject: 1, Ability: uint8(rules.BoneSlam), X: 900, Y: 800, Amount: 768, Ticks: 24},
			Tick: 12, At: rules.Vec{X: 900, Y: 800}},
		{Event: protocol.Event{Kind: protocol.EventRefused, Ability: uint8(rules.ShieldBash), Reason: protocol.ReasonMana}, Tick: 12, At: ownAt},
	}
	if got := slices.Collect(v.Effects()); !slices.Equal(got, want) {
		t.Fatalf("Effects() =\n%+v\nwant\n%+v", got, want)
	}
	if s := want[2].Strike(); s != 36 {
		t.Errorf("the telegraph strikes at tick %d, want 12 + 24", s)
	}
	// EffectKeep is 60 ticks at 20 Hz: the hit is kept until tick 72, the
	// telegraph until 60 ticks after its strike.
	apply(t, v, protocol.Snapshot{Tick: 72})
	if got := len(slices.Collect(v.Effects())); got != 4 {
		t.Errorf("at tick 72, %d effects are kept, want all 4", got)
	}
	apply(t, v, protocol.Snapshot{Tick: 73})
	if got := slices.Collect(v.Effects()); len(got) != 1 || got[0].Kind != protocol.EventTelegraph {
		t.Errorf("at tick 73 the effects are %+v, want only the telegraph", got)
	}
	apply(t, v, protocol.Snapshot{Tick: 97})
	if got := slices.Collect(v.Effects()); len(got) != 0 {
		t.Errorf("at tick 97 the effects are %+v, want none", got)
	}
}

// fly flies a projectile with the shared rules until it ends, and returns
// where, and after how many ticks.
func fly(p rules.Projectile, c rules.Collider) (rules.Vec, uint32) {
	for n := uint32(1); ; n++ {
		if p.Step(c, nil) {
			return p.Pos, n
		}
	}
}

func TestShotsFlyAsTheRulesSay(t *testing.T) {
	a := mapA()
	arrow, _ := rules.AbilityByID(rules.GoblinArrow)
	tests := []struct {
		name string
		from rules.Vec
		aim  uint8
	}{
		// Row 3 ends at the wall of column 12; row 6 is open to column
		// 15, beyond the arrow's reach.
		{"stops at a wall", rules.TileCenter(2, 3), 0},
		{"stops at a wall on a slant", rules.TileCenter(4, 5), 232},
		{"ends with its lifetime", rules.Vec{X: 20 * rules.SubpixelsPerPixel, Y: rules.TileCenter(1, 6).Y}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAt, ticks := fly(rules.NewProjectile(tt.from, tt.aim, arrow.ProjectileSpeed, arrow.Lifetime, 20), a)
			v := applyAll(t, []protocol.Message{
				welcome("a", 10, rules.TileCenter(5, 5)),
				protocol.Snapshot{Tick: 11, Spawns: []protocol.EntityProps{mob(0, tt.from, protocol.SpriteGoblinArcher, 55, 55)}},
				protocol.Snapshot{Tick: 12, Events: []protocol.Event{{Kind: protocol.EventShot, Subject: protocol.OfHandle(0),
					Ability: uint8(rules.GoblinArrow), Aim: tt.aim, ID: 5, X: tt.from.X, Y: tt.from.Y}}},
			})
			shot := func() *Shot {
				t.Helper()
				shots := slices.Collect(v.Shots())
				if len(shots) != 1 {
					t.Fatalf("%d shots in the view, want 1", len(shots))
				}
				return shots[0]
			}
			if s := shot(); s.Ended || s.ID != 5 || s.Shooter != 1 || s.Fired != 12 || s.Ability != rules.GoblinArrow {
				t.Fatalf("the new shot: %+v", s)
			}
			// The world flies a shot in the tick it is fired in, so it ends
			// after ticks steps in tick 11+ticks. Snapshots come for some
			// ticks only: the view flies the shot through the others.
			end := 11 + ticks
			for tick := uint32(13); tick < end; tick += 3 {
				apply(t, v, protocol.Snapshot{Tick: tick})
				if s := shot(); s.Ended {
					t.Fatalf("at tick %d the shot has ended at %v; the rules end it at tick %d", tick, s.EndPos, end)
				}
			}
			apply(t, v, protocol.Snapshot{Tick: end})
			s := shot()
			if !s.Ended || s.End != end || s.EndPos != wantAt {
				t.Fatalf("the shot ended %v at tick %d at %v; want tick %d at %v", s.Ended, s.End, s.EndPos, end, wantAt)
			}
			// Drawn where it flies, from the start of tick 12 to its end.
			x, y, ok := s.Pos(11.5)
			if wx, wy := lerp(tt.from, s.after(1), 0.5); !ok || x != wx || y != wy {
				t.Errorf("Pos(11.5) = %v, %v, %v; want half a step out: %v, %v", x, y, ok, wx, wy)
			}
			if x, y, ok := s.Pos(float64(s.End)); !ok || x != float64(wantAt.X)/16 || y != float64(wantAt.Y)/16 {
				t.Errorf("Pos(End) = %v, %v, %v; want the end %v", x, y, ok, wantAt)
			}
			if _, _, ok := s.Pos(float64(s.End) + 0.1); ok {
				t.Error("the shot is drawn after its end")
			}
			if _, _, ok := s.Pos(10.9); ok {
				t.Error("the shot is drawn before it was fired")
			}
			// Kept for EffectKeep after its end, then forgotten.
			apply(t, v, protocol.Snapshot{Tick: s.End + 60})
			if len(slices.Collect(v.Shots())) != 1 {
				t.Error("the shot was forgotten within EffectKeep of its end")
			}
			apply(t, v, protocol.Snapshot{Tick: s.End + 61})
			if n := len(slices.Collect(v.Shots())); n != 0 {
				t.Errorf("%d shots kept past EffectKeep", n)
			}
		})
	}
}

func TestAHitEndsAShotAtItsVictim(t *testing.T) {
	own := rules.TileCenter(2, 6)
	rat := rules.TileCenter(10, 6)
	bolt, _ := rules.AbilityByID(rules.WandBolt)
	from := rules.Centre(own)
	aim := rules.AimAt(from, rules.Centre(rat))
	v := applyAll(t, []protocol.Message{
		welcome("a", 10, own),
		protocol.Snapshot{Tick: 11, Spawns: []protocol.EntityProps{mob(0, rat, protocol.SpriteRat, 40, 40)}},
		protocol.Snapshot{Tick: 12, Events: []protocol.Event{
			{Kind: protocol.EventAction, Subject: 0, Ability: uint8(rules.WandBolt), Aim: aim},
			{Kind: protocol.EventShot, Subject: 0, Ability: uint8(rules.WandBolt), Aim: aim, ID: 40, X: from.X, Y: from.Y},
		}},
	})
	// The world finds the hit with the same flight, against the rat's
	// hurt circle.
	p := rules.NewProjectile(from, aim, bolt.ProjectileSpeed, bolt.Lifetime, 20)
	var hitTick uint32
	for tick := uint32(12); hitTick == 0; tick++ {
		if p.Step(mapA(), func(at rules.Vec) bool {
			return rules.Dist2(at, rules.Centre(rat)) <= rules.HurtRadius*rules.HurtRadius
		}) {
			hitTick = tick
		}
	}
	apply(t, v, protocol.Snapshot{Tick: hitTick, Events: []protocol.Event{{Kind: protocol.EventHit, Subject: protocol.OfHandle(0), Amount: 18, ID: 40}}})
	shots := slices.Collect(v.Shots())
	if len(shots) != 1 || !shots[0].Ended || shots[0].End != hitTick || shots[0].EndPos != p.Pos {
		t.Fatalf("shots after the hit: %+v; want the bolt ended at tick %d at %v", shots, hitTick, p.Pos)
	}
	if got := v.Tally(); got.HitsDealt != 1 || got.HitsTaken != 0 {
		t.Errorf("Tally() = %+v, want one hit dealt by the player's bolt", got)
	}
	// A melee hit in a tick without a melee action of the player's is
	// someone else's.
	apply(t, v, protocol.Snapshot{Tick: hitTick + 1, Events: []protocol.Event{{Kind: protocol.EventHit, Subject: protocol.OfHandle(0), Amount: 5}}})
	if got := v.Tally().HitsDealt; got != 1 {
		t.Errorf("HitsDealt = %d after another's melee hit, want 1", got)
	}
}

func TestMapChangeDropsShotsAndEffects(t *testing.T) {
	own := rules.TileCenter(5, 5)
	v := applyAll(t, []protocol.Message{
		welcome("a", 10, own),
		protocol.Snapshot{Tick: 11, Vitals: []protocol.Prop{protocol.IntProp(protocol.PropHP, 50)}, Events: []protocol.Event{
			{Kind: protocol.EventShot, Subject: 0, Ability: uint8(rules.WandBolt), ID: 1, X: own.X, Y: own.Y},
			{Kind: protocol.EventHeal, Subject: 0, Amount: 3},
		}},
		protocol.MapChange{Map: "b", Instance: 2, X: 300, Y: 300, Tick: 12},
	})
	if n, m := len(slices.Collect(v.Shots())), len(slices.Collect(v.Effects())); n != 0 || m != 0 {
		t.Errorf("after a map change: %d shots and %d effects, want none (they name the old map's handles)", n, m)
	}
	if v.Vitals().HP != 50 {
		t.Errorf("a map change lost the vitals: %+v", v.Vitals())
	}
}

func TestNPCKindOfEverySprite(t *testing.T) {
	for s := protocol.SpriteKnight; s <= protocol.SpriteElder; s++ {
		k, ok := NPCKind(s)
		switch {
		case IsPlayer(s):
			if ok {
				t.Errorf("NPCKind(%d) = %q, want none for a player's sprite", s, k.Name)
			}
		case !ok:
			t.Errorf("NPCKind(%d) found nothing", s)
		case k.Hostile != (s <= protocol.SpriteBoneLord):
			t.Errorf("NPCKind(%d) = %q, hostile %v", s, k.Name, k.Hostile)
		}
	}
	if k, ok := NPCKind(protocol.SpriteElder); !ok || k.Line == "" {
		t.Errorf("the elder has nothing to say: %+v", k)
	}
	if _, ok := NPCKind(protocol.SpriteElder + 1); ok {
		t.Error("an unknown sprite has a kind")
	}
}

func TestAShotCanHitInTheTickItIsFired(t *testing.T) {
	own := rules.TileCenter(4, 6)
	rat := rules.Vec{X: own.X + 10*rules.SubpixelsPerPixel, Y: own.Y}
	from := rules.Centre(own)
	v := applyAll(t, []protocol.Message{
		welcome("a", 10, own),
		protocol.Snapshot{Tick: 11, Spawns: []protocol.EntityProps{mob(0, rat, protocol.SpriteRat, 40, 40)}},
		protocol.Snapshot{Tick: 12, Events: []protocol.Event{
			{Kind: protocol.EventShot, Subject: 0, Ability: uint8(rules.BowShot), ID: 3, X: from.X, Y: from.Y},
			{Kind: protocol.EventHit, Subject: protocol.OfHandle(0), Amount: 5, ID: 3},
		}},
	})
	shots := slices.Collect(v.Shots())
	if len(shots) != 1 || !shots[0].Ended || shots[0].End != 12 ||
		rules.Dist2(shots[0].EndPos, rules.Centre(rat)) > rules.HurtRadius*rules.HurtRadius {
		t.Errorf("a point-blank arrow: %+v; want it ended in tick 12 on the rat's body", shots[0])
	}
}
