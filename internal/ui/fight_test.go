package ui

import (
	"image"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// npcSpawn returns the spawn of a standing entity of sprite sp at p.
func npcSpawn(h uint32, p rules.Vec, sp protocol.Sprite, name string, hp, maxHP int64) protocol.EntityProps {
	return protocol.EntityProps{Handle: h, Props: []protocol.Prop{
		protocol.IntProp(protocol.PropX, int64(p.X)), protocol.IntProp(protocol.PropY, int64(p.Y)),
		protocol.TextProp(protocol.PropName, name), protocol.IntProp(protocol.PropSprite, int64(sp)),
		protocol.IntProp(protocol.PropHP, hp), protocol.IntProp(protocol.PropMaxHP, maxHP),
	}}
}

// fightSession is a knight's session on the overworld, fed crafted
// messages on a clock the test drives.
type fightSession struct {
	t    *testing.T
	s    *worldSession
	now  time.Time
	tick uint32 // the world's tick of the last snapshot
}

func newFightSession(t *testing.T) (*fightSession, rules.Vec) {
	t.Helper()
	m, err := maps.Load("overworld")
	if err != nil {
		t.Fatal(err)
	}
	spawn, _ := m.Spawn("default")
	now := time.UnixMilli(1_767_225_600_000)
	w := protocol.Welcome{EntityID: 1, Map: "overworld", X: spawn.X, Y: spawn.Y, TickRate: 20, Tick: 1000, ServerTime: uint64(now.UnixMilli()), Speed: 64}
	s, err := newWorldSession(client.NewMapCache(nil), w, api.ClassKnight, now)
	if err != nil {
		t.Fatal(err)
	}
	return &fightSession{t: t, s: s, now: now, tick: 1000}, spawn
}

// world applies the snapshot of the next tick, s, 50 ms after the last.
func (f *fightSession) world(s protocol.Snapshot) {
	f.t.Helper()
	f.tick++
	f.now = f.now.Add(50 * time.Millisecond)
	s.Tick = f.tick
	if err := f.s.apply(s, f.now); err != nil {
		f.t.Fatalf("tick %d: %v", f.tick, err)
	}
}

// player runs a client tick with in at the current time.
func (f *fightSession) player(in intent) []protocol.Input {
	return f.s.step(in, f.now)
}

func (f *fightSession) scene() *scene {
	var sc scene
	f.s.scene(&sc, sceneEntity{name: "Me", sprite: protocol.SpriteKnight}, f.now, 0)
	return &sc
}

func (f *fightSession) describe() Snapshot {
	var snap Snapshot
	f.s.describe(&snap)
	return snap
}

func TestTheSessionShowsTheFight(t *testing.T) {
	f, spawn := newFightSession(t)
	ratAt := rules.Vec{X: spawn.X + 20*rules.SubpixelsPerPixel, Y: spawn.Y}
	f.world(protocol.Snapshot{
		Spawns: []protocol.EntityProps{
			npcSpawn(0, ratAt, protocol.SpriteRat, "Rat", 40, 40),
			npcSpawn(1, rules.Vec{X: spawn.X, Y: spawn.Y + 30*rules.SubpixelsPerPixel}, protocol.SpriteElder, "Elder", 50, 50),
			npcSpawn(2, rules.Vec{X: spawn.X - 30*rules.SubpixelsPerPixel, Y: spawn.Y}, protocol.SpriteRogue, "Ann", 50, 90),
		},
		Vitals: []protocol.Prop{
			protocol.IntProp(protocol.PropHP, 120), protocol.IntProp(protocol.PropMaxHP, 120),
			protocol.IntProp(protocol.PropMP, 10), protocol.IntProp(protocol.PropMaxMP, 40),
			protocol.IntProp(protocol.PropLevel, 1), protocol.IntProp(protocol.PropXP, 30),
		},
	})
	snap := f.describe()
	if snap.HP != 120 || snap.MaxHP != 120 || snap.MP != 10 || snap.Level != 1 || snap.XP != 30 || snap.XPNext != 70 || snap.Dead {
		t.Errorf("vitals in the test hook: %+v", snap)
	}
	if len(snap.Cooldowns) != 3 || snap.Cooldowns[0].Ability != "Sword Swing" || !snap.Cooldowns[0].Ready ||
		snap.Cooldowns[1].Ready || snap.Cooldowns[1].ManaCost != 12 {
		t.Errorf("cooldowns with 10 MP: %+v; want the swing ready, Shield Bash (12 MP) not", snap.Cooldowns)
	}
	// Ann and the elder stand as far away: by name.
	if len(snap.Others) != 3 || snap.Others[0].Sprite != "rat" || !snap.Others[0].Hostile || snap.Others[0].HP != 40 ||
		snap.Others[1].Sprite != "rogue" || snap.Others[1].Hostile || snap.Others[1].MaxHP != 90 || snap.Others[2].Sprite != "elder" {
		t.Errorf("others: %+v; want the rat, Ann and the elder, nearest first, with their health", snap.Others)
	}

	// The player swings east: the input carries the press and the aim,
	// and the swing shows at once.
	sent := f.player(intent{buttons: protocol.ButtonPrimary, aim: 0, aimed: true})
	if len(sent) != 1 || sent[0].Buttons != protocol.ButtonPrimary || sent[0].Aim != 0 {
		t.Fatalf("the swing sent %+v; want one input with the primary button, aimed east", sent)
	}
	sc := f.scene()
	swing, _ := rules.AbilityByID(rules.SwordSwing)
	if sc.slots[0].left == 0 || sc.slots[0].length != swing.CooldownTicks(rules.Stats{AttackSpeed: 100}, 20) || sc.struck != swing {
		t.Errorf("after the press: slot %+v, struck %v; want the swing cooling down at once", sc.slots[0], sc.struck)
	}
	if sc.own.pose != poseAttack || !sc.slots[0].usable || sc.slots[1].affordable || sc.slots[1].usable {
		t.Errorf("after the press the player's pose is %d, slots %+v", sc.own.pose, sc.slots)
	}

	// The world confirms it: the rat is hit and dies; Shield Bash, tried
	// with too little mana, is refused.
	sent = f.player(intent{buttons: protocol.ButtonSpecial1, aim: 0, aimed: true})
	f.world(protocol.Snapshot{
		Changes: []protocol.EntityProps{{Handle: 0, Props: []protocol.Prop{
			protocol.IntProp(protocol.PropHP, 0), protocol.IntProp(protocol.PropAnim, int64(protocol.AnimDead)),
		}}},
		Events: []protocol.Event{
			{Kind: protocol.EventAction, Subject: 0, Ability: uint8(rules.SwordSwing)},
			{Kind: protocol.EventHit, Subject: protocol.OfHandle(0), Amount: 40},
			{Kind: protocol.EventDeath, Subject: protocol.OfHandle(0)},
			{Kind: protocol.EventRefused, Ability: uint8(rules.ShieldBash), Reason: protocol.ReasonMana},
			{Kind: protocol.EventAction, Subject: protocol.OfHandle(2), Ability: uint8(rules.BowShot), Aim: 128},
		},
	})
	if len(sent) != 1 || sent[0].Buttons != protocol.ButtonSpecial1 {
		t.Errorf("pressing Shield Bash sent %+v", sent)
	}
	snap = f.describe()
	if snap.Kills != 1 || snap.HitsDealt != 1 || snap.HitsTaken != 0 || !snap.Others[0].Dead || snap.Others[0].HP != 0 {
		t.Errorf("after the kill: tally %d/%d/%d, rat %+v", snap.HitsDealt, snap.HitsTaken, snap.Kills, snap.Others[0])
	}
	if snap.Cooldowns[1].Ms != 0 {
		t.Errorf("Shield Bash cools down for %d ms after the world refused it", snap.Cooldowns[1].Ms)
	}
	// The effects show when the world's clock, less the interpolation
	// delay, reaches them.
	f.now = f.now.Add(client.InterpolationDelay + 10*time.Millisecond)
	sc = f.scene()
	var rat, ann *sceneEntity
	for i := range sc.entities {
		switch sc.entities[i].name {
		case "Rat":
			rat = &sc.entities[i]
		case "Ann":
			ann = &sc.entities[i]
		}
	}
	if rat == nil || rat.pose != poseDead || rat.hitMs < 0 || rat.kind == nil || !rat.kind.Hostile {
		t.Errorf("the rat in the scene: %+v; want it dead, just hit, and hostile", rat)
	}
	if ann == nil || ann.pose != poseAttack || ann.aim != 128 || ann.kind != nil {
		t.Errorf("Ann in the scene: %+v; want her striking, aimed west", ann)
	}
	if sc.entities[0].name != "Rat" {
		t.Errorf("the dead rat is drawn after %q, want it under the living", sc.entities[0].name)
	}

	// A dead player's buttons are not sent.
	f.world(protocol.Snapshot{Vitals: []protocol.Prop{protocol.IntProp(protocol.PropHP, 0)},
		Events: []protocol.Event{{Kind: protocol.EventDeath, Subject: 0}}})
	f.player(intent{})
	if sent := f.player(intent{buttons: protocol.ButtonPrimary, aimed: true}); len(sent) != 0 {
		t.Errorf("a dead player sent %+v", sent)
	}
	if snap := f.describe(); !snap.Dead || snap.Deaths != 1 || snap.Cooldowns[0].Ready {
		t.Errorf("after the player's death: dead %v, deaths %d, cooldowns %+v", snap.Dead, snap.Deaths, snap.Cooldowns)
	}
	if sc := f.scene(); sc.slots[0].usable || !sc.slots[0].affordable || sc.own.pose != poseDead {
		t.Errorf("a dead player's swing: %+v, pose %d; want it affordable but not usable, and the player lying", sc.slots[0], sc.own.pose)
	}
}

func TestTheSessionDrawsShotsWhereTheyFly(t *testing.T) {
	f, spawn := newFightSession(t)
	archer := rules.Vec{X: spawn.X + 40*rules.SubpixelsPerPixel, Y: spawn.Y}
	f.world(protocol.Snapshot{Spawns: []protocol.EntityProps{npcSpawn(0, archer, protocol.SpriteGoblinArcher, "Goblin Archer", 55, 55)}})
	from := rules.Centre(archer)
	f.world(protocol.Snapshot{Events: []protocol.Event{{Kind: protocol.EventShot, Subject: protocol.OfHandle(0),
		Ability: uint8(rules.GoblinArrow), Aim: 128, ID: 9, X: from.X, Y: from.Y}}})
	// Two ticks later, drawn InterpolationDelay (two ticks) behind: the
	// arrow is where it was at the end of its own tick.
	f.world(protocol.Snapshot{})
	f.world(protocol.Snapshot{})
	sc := f.scene()
	arrow, _ := rules.AbilityByID(rules.GoblinArrow)
	m, _ := maps.Load("overworld")
	p := rules.NewProjectile(from, 128, arrow.ProjectileSpeed, arrow.Lifetime, 20)
	p.Step(m, nil)
	if len(sc.shots) != 1 || sc.shots[0].x != pixels(p.Pos).X || sc.shots[0].y != pixels(p.Pos).Y || sc.shots[0].ability != rules.GoblinArrow {
		t.Errorf("shots drawn: %+v; want the arrow at %+v", sc.shots, pixels(p.Pos))
	}
}

func TestIntentAimsAndNamesTheTarget(t *testing.T) {
	rat, _ := client.NPCKind(protocol.SpriteRat)
	own := sceneEntity{self: true, x: 100, y: 100}
	ally := sceneEntity{handle: 4, sprite: protocol.SpriteWizard, x: 140, y: 100}
	deadAlly := ally
	deadAlly.pose = poseDead
	north := sceneEntity{handle: 1, sprite: protocol.SpriteRat, kind: rat, x: 100, y: 50}
	east := sceneEntity{handle: 2, sprite: protocol.SpriteRat, kind: rat, x: 200, y: 100}
	corpse := sceneEntity{handle: 3, sprite: protocol.SpriteRat, kind: rat, x: 110, y: 100, pose: poseDead}
	far := sceneEntity{handle: 5, sprite: protocol.SpriteRat, kind: rat, x: 100, y: 100 + autoAimReach + 1}
	cam := newCamera(100, 100, 2, 800, 600)
	rightOfPlayer := image.Pt(700, 300-12) // the player's body is 6 px (12 device px) above its feet
	tests := []struct {
		name     string
		mode     aimMode
		buttons  protocol.Buttons
		entities []sceneEntity
		hover    *sceneEntity
		want     intent
	}{
		{"at the cursor", aimCursor, protocol.ButtonPrimary, nil, nil, intent{aim: 0, aimed: true}},
		{"the ally under the cursor", aimCursor, protocol.ButtonSpecial1, nil, &ally, intent{aim: 0, aimed: true, target: protocol.OfHandle(4)}},
		{"not a dead ally", aimCursor, protocol.ButtonSpecial1, nil, &deadAlly, intent{aim: 0, aimed: true}},
		{"not an enemy", aimCursor, protocol.ButtonSpecial1, nil, &east, intent{aim: 0, aimed: true}},
		{"not the player itself", aimCursor, protocol.ButtonSpecial1, nil, &own, intent{aim: 0, aimed: true}},
		{"the nearest living enemy", aimNearest, protocol.ButtonPrimary, []sceneEntity{east, corpse, north, far}, nil,
			intent{aim: protocol.DirN.Aim(), aimed: true}},
		{"no enemy in reach", aimNearest, protocol.ButtonPrimary, []sceneEntity{far}, nil, intent{}},
		{"no button, no aim", aimCursor, 0, nil, &ally, intent{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &gameScreen{drawn: true, cam: cam, hover: tt.hover}
			s.sc.own = own
			s.sc.entities = append([]sceneEntity{own}, tt.entities...)
			tt.want.dir, tt.want.buttons = protocol.DirE, tt.buttons
			if got := s.intent(protocol.DirE, tt.mode, tt.buttons, rightOfPlayer); got != tt.want {
				t.Errorf("intent = %+v, want %+v", got, tt.want)
			}
		})
	}
}
