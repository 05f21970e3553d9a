package client

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

const testSpeed = 72 // subpixels per tick: a rogue at 90 px/s and 20 Hz

// props returns a spawn's property list: position, direction and speed.
func props(p rules.Vec, d rules.Dir, speed int32, more ...protocol.Prop) []protocol.Prop {
	return append([]protocol.Prop{
		protocol.IntProp(protocol.PropX, int64(p.X)),
		protocol.IntProp(protocol.PropY, int64(p.Y)),
		protocol.IntProp(protocol.PropDir, int64(d)),
		protocol.IntProp(protocol.PropSpeed, int64(speed)),
	}, more...)
}

func welcome(mapName string, tick uint32, own rules.Vec) protocol.Welcome {
	return protocol.Welcome{EntityID: 7, Map: mapName, X: own.X, Y: own.Y, TickRate: 20, Tick: tick, ServerTime: 1_767_225_600_000}
}

// applyAll feeds msgs to a new View through the wire codec.
func applyAll(t *testing.T, msgs []protocol.Message) *View {
	t.Helper()
	v := NewView(loadTest)
	for i, m := range msgs {
		if err := v.Apply(roundTrip(t, m)); err != nil {
			t.Fatalf("Apply(message %d, %T) = %v", i, m, err)
		}
	}
	return v
}

func TestViewAppliesSnapshots(t *testing.T) {
	a := mapA()
	b := mapB()
	start := rules.TileCenter(2, 3)
	other := rules.TileCenter(6, 5)
	own := rules.TileCenter(5, 5)
	ann := Entity{Pos: start, Dir: rules.DirE, Speed: testSpeed, Name: "Ann", Sprite: protocol.SpriteRogue,
		Level: 3, HP: 50, MaxHP: 90, MP: 20, MaxMP: 50, Facing: 64, Anim: protocol.AnimWalk}
	annProps := props(start, rules.DirE, testSpeed,
		protocol.TextProp(protocol.PropName, "Ann"),
		protocol.IntProp(protocol.PropSprite, int64(protocol.SpriteRogue)),
		protocol.IntProp(protocol.PropLevel, 3),
		protocol.IntProp(protocol.PropHP, 50),
		protocol.IntProp(protocol.PropMaxHP, 90),
		protocol.IntProp(protocol.PropMP, 20),
		protocol.IntProp(protocol.PropMaxMP, 50),
		protocol.IntProp(protocol.PropFacing, 64),
		protocol.IntProp(protocol.PropAnim, int64(protocol.AnimWalk)),
	)
	with := func(e Entity, f func(*Entity)) Entity { f(&e); return e }

	tests := []struct {
		name     string
		msgs     []protocol.Message
		tick     uint32
		own      rules.Vec
		ack      uint32
		mapName  string
		entities map[uint32]Entity
	}{
		{
			name: "welcome only",
			msgs: []protocol.Message{welcome("a", 100, own)},
			tick: 100, own: own, mapName: "a", entities: map[uint32]Entity{},
		},
		{
			name: "spawn holds every property",
			msgs: []protocol.Message{
				welcome("a", 100, own),
				protocol.Snapshot{Tick: 100, Spawns: []protocol.EntityProps{{Handle: 0, Props: annProps}}},
			},
			tick: 100, own: own, mapName: "a", entities: map[uint32]Entity{0: ann},
		},
		{
			name: "moving entity steps every tick, turns on a move",
			msgs: []protocol.Message{
				welcome("a", 100, own),
				protocol.Snapshot{Tick: 100, Spawns: []protocol.EntityProps{{Handle: 0, Props: annProps}}},
				protocol.Snapshot{Tick: 101},
				protocol.Snapshot{Tick: 102, Moves: []protocol.Move{{Handle: 0, Dir: protocol.DirS}}},
			},
			tick: 102, own: own, mapName: "a",
			entities: map[uint32]Entity{0: with(ann, func(e *Entity) {
				e.Pos = walk(walk(start, rules.DirE, testSpeed, a, 1), rules.DirS, testSpeed, a, 1)
				e.Dir = rules.DirS
			})},
		},
		{
			name: "skipped ticks step along the old direction",
			msgs: []protocol.Message{
				welcome("a", 10, own),
				protocol.Snapshot{Tick: 10, Spawns: []protocol.EntityProps{{Handle: 0, Props: annProps}}},
				protocol.Snapshot{Tick: 15, Moves: []protocol.Move{{Handle: 0, Dir: protocol.DirN}}},
			},
			tick: 15, own: own, mapName: "a",
			entities: map[uint32]Entity{0: with(ann, func(e *Entity) {
				e.Pos = walk(walk(start, rules.DirE, testSpeed, a, 4), rules.DirN, testSpeed, a, 1)
				e.Dir = rules.DirN
			})},
		},
		{
			name: "walking into a wall stops flush",
			msgs: []protocol.Message{
				welcome("a", 10, own),
				protocol.Snapshot{Tick: 10, Spawns: []protocol.EntityProps{{Handle: 3, Props: props(rules.TileCenter(10, 3), rules.DirE, testSpeed)}}},
				protocol.Snapshot{Tick: 11},
				protocol.Snapshot{Tick: 30},
			},
			tick: 30, own: own, mapName: "a",
			entities: map[uint32]Entity{3: {
				Pos: rules.Vec{X: 12*rules.TileSubpixels - rules.BodyHalfWidth, Y: rules.TileCenter(10, 3).Y},
				Dir: rules.DirE, Speed: testSpeed,
			}},
		},
		{
			name: "stopped entity stays",
			msgs: []protocol.Message{
				welcome("a", 10, own),
				protocol.Snapshot{Tick: 10, Spawns: []protocol.EntityProps{{Handle: 0, Props: annProps}}},
				protocol.Snapshot{Tick: 11, Moves: []protocol.Move{{Handle: 0, Dir: protocol.DirNone}}},
				protocol.Snapshot{Tick: 12},
				protocol.Snapshot{Tick: 19},
			},
			tick: 19, own: own, mapName: "a",
			entities: map[uint32]Entity{0: with(ann, func(e *Entity) { e.Dir = rules.DirNone })},
		},
		{
			name: "despawn and reuse of the handle in one snapshot",
			msgs: []protocol.Message{
				welcome("a", 10, own),
				protocol.Snapshot{Tick: 10, Spawns: []protocol.EntityProps{
					{Handle: 0, Props: annProps},
					{Handle: 1, Props: props(other, rules.DirW, 64, protocol.TextProp(protocol.PropName, "Bob"))},
				}},
				protocol.Snapshot{Tick: 11, Despawns: []uint32{0}, Spawns: []protocol.EntityProps{
					{Handle: 0, Props: props(rules.TileCenter(8, 2), rules.DirS, 80, protocol.TextProp(protocol.PropName, "Cid"))},
				}},
			},
			tick: 11, own: own, mapName: "a",
			entities: map[uint32]Entity{
				0: {Pos: rules.TileCenter(8, 2), Dir: rules.DirS, Speed: 80, Name: "Cid"},
				1: {Pos: walk(other, rules.DirW, 64, a, 1), Dir: rules.DirW, Speed: 64, Name: "Bob"},
			},
		},
		{
			name: "despawned handle reused later",
			msgs: []protocol.Message{
				welcome("a", 10, own),
				protocol.Snapshot{Tick: 10, Spawns: []protocol.EntityProps{{Handle: 0, Props: annProps}}},
				protocol.Snapshot{Tick: 11, Despawns: []uint32{0}},
				protocol.Snapshot{Tick: 12, Spawns: []protocol.EntityProps{{Handle: 0, Props: props(other, rules.DirNone, 64)}}},
				protocol.Snapshot{Tick: 13},
			},
			tick: 13, own: own, mapName: "a",
			entities: map[uint32]Entity{0: {Pos: other, Speed: 64}},
		},
		{
			name: "changes apply after the step",
			msgs: []protocol.Message{
				welcome("a", 10, own),
				protocol.Snapshot{Tick: 10, Spawns: []protocol.EntityProps{{Handle: 0, Props: annProps}, {Handle: 1, Props: props(other, rules.DirN, 64)}}},
				protocol.Snapshot{Tick: 11, Changes: []protocol.EntityProps{
					{Handle: 0, Props: []protocol.Prop{protocol.IntProp(protocol.PropHP, 12), protocol.IntProp(protocol.PropAnim, int64(protocol.AnimAttack))}},
					{Handle: 1, Props: []protocol.Prop{protocol.IntProp(protocol.PropX, 1000), protocol.IntProp(protocol.PropY, 900)}},
				}},
			},
			tick: 11, own: own, mapName: "a",
			entities: map[uint32]Entity{
				0: with(ann, func(e *Entity) {
					e.Pos = walk(start, rules.DirE, testSpeed, a, 1)
					e.HP, e.Anim = 12, protocol.AnimAttack
				}),
				1: {Pos: rules.Vec{X: 1000, Y: 900}, Dir: rules.DirN, Speed: 64},
			},
		},
		{
			name: "unknown properties are ignored",
			msgs: []protocol.Message{
				welcome("a", 10, own),
				protocol.Snapshot{Tick: 10, Spawns: []protocol.EntityProps{{Handle: 0, Props: props(other, rules.DirNone, 64,
					protocol.Prop{ID: 60, Type: protocol.PropVarint, Value: -5},
					protocol.Prop{ID: 61, Type: protocol.PropText, Text: "from the future"},
					protocol.TextProp(protocol.PropName, "Eve"),
				)}}},
				protocol.Snapshot{Tick: 11, Changes: []protocol.EntityProps{{Handle: 0, Props: []protocol.Prop{{ID: 62, Type: protocol.PropUvarint, Value: 9}}}}},
			},
			tick: 11, own: own, mapName: "a",
			entities: map[uint32]Entity{0: {Pos: other, Speed: 64, Name: "Eve"}},
		},
		{
			name: "own position and ack",
			msgs: []protocol.Message{
				welcome("a", 10, own),
				protocol.Snapshot{Tick: 10, HasAck: true, Ack: 0},
				protocol.Snapshot{Tick: 11, HasAck: true, Ack: 1, HasOwn: true, OwnDX: 72, OwnDY: 0},
				protocol.Snapshot{Tick: 12, HasAck: true, Ack: 2, HasOwn: true, OwnDX: 50, OwnDY: -50},
				protocol.Snapshot{Tick: 13},
			},
			tick: 13, own: rules.Vec{X: own.X + 122, Y: own.Y - 50}, ack: 2, mapName: "a", entities: map[uint32]Entity{},
		},
		{
			name: "map change drops every entity and counts ticks anew",
			msgs: []protocol.Message{
				welcome("a", 500, own),
				protocol.Snapshot{Tick: 500, HasAck: true, Ack: 40, Spawns: []protocol.EntityProps{{Handle: 0, Props: annProps}, {Handle: 1, Props: props(other, rules.DirN, 64)}}},
				protocol.MapChange{Map: "b", Instance: 3, X: rules.TileCenter(1, 1).X, Y: rules.TileCenter(1, 1).Y, Tick: 7, ServerTime: 1_767_225_700_000},
				protocol.Snapshot{Tick: 7, HasAck: true, Ack: 41, HasOwn: true, OwnDX: 72, Spawns: []protocol.EntityProps{{Handle: 0, Props: props(rules.TileCenter(6, 1), rules.DirNE, 200)}}},
				protocol.Snapshot{Tick: 8},
				protocol.Snapshot{Tick: 9},
			},
			tick: 9, own: rules.Vec{X: rules.TileCenter(1, 1).X + 72, Y: rules.TileCenter(1, 1).Y}, ack: 41, mapName: "b",
			entities: map[uint32]Entity{0: {Pos: walk(rules.TileCenter(6, 1), rules.DirNE, 200, b, 2), Dir: rules.DirNE, Speed: 200}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := applyAll(t, tt.msgs)
			if v.Tick() != tt.tick || v.Own() != tt.own || v.Ack() != tt.ack || v.MapName() != tt.mapName {
				t.Errorf("tick, own, ack, map = %d, %v, %d, %q; want %d, %v, %d, %q",
					v.Tick(), v.Own(), v.Ack(), v.MapName(), tt.tick, tt.own, tt.ack, tt.mapName)
			}
			if got := maps.Collect(v.All()); !maps.Equal(got, tt.entities) {
				t.Errorf("Entities() =\n%+v\nwant\n%+v", got, tt.entities)
			}
			if v.Len() != len(tt.entities) {
				t.Errorf("Len() = %d, want %d", v.Len(), len(tt.entities))
			}
			for h, want := range tt.entities {
				if got, ok := v.Entity(h); !ok || got != want {
					t.Errorf("Entity(%d) = %+v, %v; want %+v", h, got, ok, want)
				}
			}
		})
	}
}

func TestViewKeepsTheMapChangeDetails(t *testing.T) {
	v := applyAll(t, []protocol.Message{
		welcome("a", 100, rules.TileCenter(5, 5)),
		protocol.MapChange{Map: "b", Instance: 3, X: 300, Y: 400, Tick: 7, ServerTime: 1_767_225_700_000},
	})
	if v.Instance() != 3 || v.PlayerID() != 7 || v.TickRate() != 20 || !v.Welcomed() {
		t.Errorf("Instance, PlayerID, TickRate, Welcomed = %d, %d, %d, %v; want 3, 7, 20, true",
			v.Instance(), v.PlayerID(), v.TickRate(), v.Welcomed())
	}
	if _, ok := v.Terrain().(gridTerrain); !ok {
		t.Errorf("Terrain() = %T, want the map loaded for b", v.Terrain())
	}
	if got, want := v.TickTime(9), 1_767_225_700_100.0; got != want {
		t.Errorf("TickTime(9) = %v, want %v", got, want)
	}
	if got, want := v.TickAt(1_767_225_700_025), 7.5; got != want {
		t.Errorf("TickAt(...025) = %v, want %v", got, want)
	}
}

func TestViewRefusesWhatDoesNotFit(t *testing.T) {
	own := rules.TileCenter(5, 5)
	spawn := func(h uint32) protocol.EntityProps {
		return protocol.EntityProps{Handle: h, Props: props(rules.TileCenter(2, 2), rules.DirE, testSpeed)}
	}
	// setup leaves the view at tick 11 with handles 0 and 1.
	setup := []protocol.Message{
		welcome("a", 10, own),
		protocol.Snapshot{Tick: 10, Spawns: []protocol.EntityProps{spawn(0), spawn(1)}},
		protocol.Snapshot{Tick: 11},
	}
	tests := []struct {
		name   string
		msg    protocol.Message
		desync bool
	}{
		{"same tick again", protocol.Snapshot{Tick: 11}, true},
		{"older tick", protocol.Snapshot{Tick: 5}, true},
		{"gap too long", protocol.Snapshot{Tick: 11 + MaxTickGap + 1}, true},
		{"despawn of an unknown handle", protocol.Snapshot{Tick: 12, Despawns: []uint32{0, 2}}, true},
		{"despawn twice", protocol.Snapshot{Tick: 12, Despawns: []uint32{1, 1}}, true},
		{"move of an unknown handle", protocol.Snapshot{Tick: 12, Moves: []protocol.Move{{Handle: 0, Dir: protocol.DirN}, {Handle: 9, Dir: protocol.DirN}}}, true},
		{"move of a handle despawned here", protocol.Snapshot{Tick: 12, Despawns: []uint32{1}, Moves: []protocol.Move{{Handle: 1, Dir: protocol.DirN}}}, true},
		{"change of an unknown handle", protocol.Snapshot{Tick: 12, Changes: []protocol.EntityProps{{Handle: 4, Props: []protocol.Prop{protocol.IntProp(protocol.PropHP, 1)}}}}, true},
		{"spawn on a handle in use", protocol.Snapshot{Tick: 12, Spawns: []protocol.EntityProps{spawn(2), spawn(1)}}, true},
		{"spawn twice on one handle", protocol.Snapshot{Tick: 12, Spawns: []protocol.EntityProps{spawn(5), spawn(5)}}, true},
		{"spawn without a position", protocol.Snapshot{Tick: 12, Spawns: []protocol.EntityProps{{Handle: 5, Props: []protocol.Prop{protocol.IntProp(protocol.PropX, 9)}}}}, true},
		{"event about an unknown handle", protocol.Snapshot{Tick: 12, Vitals: []protocol.Prop{protocol.IntProp(protocol.PropHP, 3)},
			Events: []protocol.Event{{Kind: protocol.EventHit, Subject: 0, Amount: 4}, {Kind: protocol.EventHit, Subject: protocol.OfHandle(7), Amount: 4}}}, true},
		{"event about a handle despawned here", protocol.Snapshot{Tick: 12, Despawns: []uint32{0},
			Events: []protocol.Event{{Kind: protocol.EventDeath, Subject: protocol.OfHandle(0)}}}, true},
		{"event about a handle spawned here", protocol.Snapshot{Tick: 12, Spawns: []protocol.EntityProps{spawn(3)},
			Events: []protocol.Event{{Kind: protocol.EventDeath, Subject: protocol.OfHandle(3)}}}, true},
		{"map change to an unknown map", protocol.MapChange{Map: "nowhere", Tick: 1}, false},
		{"welcome to an unknown map", protocol.Welcome{Map: "nowhere", TickRate: 20}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := applyAll(t, setup)
			before, tick, mapName := maps.Collect(v.All()), v.Tick(), v.MapName()
			vitals, effects := v.Vitals(), slices.Collect(v.Effects())
			err := v.Apply(roundTrip(t, tt.msg))
			if err == nil {
				t.Fatalf("Apply(%+v) = nil, want an error", tt.msg)
			}
			if errors.Is(err, ErrDesync) != tt.desync {
				t.Errorf("Apply(...) = %v; errors.Is(ErrDesync) = %v, want %v", err, !tt.desync, tt.desync)
			}
			if got := maps.Collect(v.All()); !maps.Equal(got, before) || v.Tick() != tick || v.MapName() != mapName {
				t.Errorf("after the refused message: tick %d map %q entities %+v; want it unchanged (tick %d map %q entities %+v)",
					v.Tick(), v.MapName(), got, tick, mapName, before)
			}
			if v.Vitals() != vitals || !slices.Equal(slices.Collect(v.Effects()), effects) {
				t.Errorf("after the refused message: vitals %+v, effects %+v; want them unchanged", v.Vitals(), slices.Collect(v.Effects()))
			}
		})
	}
}

func TestViewRefusesMessagesBeforeWelcome(t *testing.T) {
	for _, m := range []protocol.Message{
		protocol.Snapshot{Tick: 1},
		protocol.MapChange{Map: "a", Tick: 1},
	} {
		if err := NewView(loadTest).Apply(roundTrip(t, m)); !errors.Is(err, ErrDesync) {
			t.Errorf("Apply(%T) on a new View = %v, want ErrDesync", m, err)
		}
	}
	v := NewView(loadTest)
	if err := v.Apply(protocol.Pong{ClientTime: 1, ServerTime: 2}); err != nil || v.Welcomed() {
		t.Errorf("Apply(Pong) = %v, Welcomed %v; want it ignored", err, v.Welcomed())
	}
}

func TestMapCacheLoadsEachMapOnce(t *testing.T) {
	c := NewMapCache(nil)
	m1, err := c.Map("overworld")
	if err != nil {
		t.Fatalf("Map(overworld): %v", err)
	}
	m2, err := c.Terrain("overworld")
	if err != nil || m2 != Terrain(m1) {
		t.Errorf("Terrain(overworld) = %p, %v; want the cached %p", m2, err, m1)
	}
	if _, err := c.Map("no_such_map"); err == nil {
		t.Error("Map(no_such_map) = nil error, want one")
	}
}

// TestViewFollowsAWorldOnARealMap replays a random walk of several
// entities on the overworld, computed independently with rules.Step, and
// checks the view after every snapshot.
func TestViewFollowsAWorldOnARealMap(t *testing.T) {
	cache := NewMapCache(nil)
	m, err := cache.Map("overworld")
	if err != nil {
		t.Fatal(err)
	}
	spawn, _ := m.Spawn("default")
	v := NewView(cache.Terrain)
	if err := v.Apply(roundTrip(t, welcome("overworld", 1, spawn))); err != nil {
		t.Fatal(err)
	}
	type body struct {
		pos rules.Vec
		dir rules.Dir
	}
	world := map[uint32]*body{}
	first := protocol.Snapshot{Tick: 1}
	for h := range uint32(6) {
		world[h] = &body{pos: spawn, dir: rules.Dir(h%8 + 1)}
		first.Spawns = append(first.Spawns, protocol.EntityProps{Handle: h, Props: props(spawn, world[h].dir, 100)})
	}
	if err := v.Apply(roundTrip(t, first)); err != nil {
		t.Fatal(err)
	}
	for tick := uint32(2); tick < 400; tick++ {
		// Every fifth snapshot is skipped, as the protocol allows for ticks
		// in which nothing changed: nobody turns in them.
		skipped := tick%5 == 3
		var s protocol.Snapshot
		s.Tick = tick
		for h := range uint32(6) {
			b := world[h]
			if (tick+h)%7 == 0 && !skipped {
				b.dir = rules.Dir((int(b.dir)+int(h)+2)%8 + 1)
				s.Moves = append(s.Moves, protocol.Move{Handle: h, Dir: protocol.Direction(b.dir)})
			}
			b.pos = rules.Step(b.pos, b.dir, 100, m)
		}
		if skipped {
			continue
		}
		if err := v.Apply(roundTrip(t, s)); err != nil {
			t.Fatalf("tick %d: %v", tick, err)
		}
		for h, b := range world {
			if e, _ := v.Entity(h); e.Pos != b.pos || e.Dir != b.dir {
				t.Fatalf("tick %d: handle %d at %v dir %v, want %v dir %v", tick, h, e.Pos, e.Dir, b.pos, b.dir)
			}
		}
	}
}
