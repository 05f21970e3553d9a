package client

import (
	"errors"
	"fmt"
	"iter"
	"sync"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// ErrDesync means a message from the world does not fit the view the client
// holds: a snapshot older than the view, or one that names a handle the
// client does not know, spawns on a handle in use, or comes before Welcome.
// The world and the client disagree, so the connection should be dropped.
var ErrDesync = errors.New("client: view out of sync with the world")

// MaxTickGap is the most ticks a snapshot may skip past the view. The world
// sends one snapshot per tick over an ordered connection, so a gap is rare
// and short; a larger one is treated as a desync rather than stepped, which
// bounds the work one message can cause.
const MaxTickGap = 1 << 16

// Terrain is what the client core needs of a map: collision to step
// entities with the shared rules, and portals to tell where its own player
// left a map. *maps.Map implements it.
type Terrain interface {
	rules.Collider
	PortalAt(p rules.Vec) (maps.Portal, bool)
}

// LoadFunc returns the terrain of the named map. A View calls it on Welcome
// and MapChange.
type LoadFunc func(name string) (Terrain, error)

// MapCache loads each map once and shares it. Maps are immutable, so one
// cache may serve any number of Views on any goroutines; it is safe for
// concurrent use. Only loaded maps are kept, and map names are validated by
// package maps, so a peer cannot grow it with made-up names.
type MapCache struct {
	load func(name string) (*maps.Map, error)

	mu   sync.Mutex // guards maps
	maps map[string]*maps.Map
}

// NewMapCache returns a cache that loads maps with load; nil means
// maps.Load (the embedded assets).
func NewMapCache(load func(name string) (*maps.Map, error)) *MapCache {
	if load == nil {
		load = maps.Load
	}
	return &MapCache{load: load, maps: make(map[string]*maps.Map)}
}

// Map returns the named map, loading it on first use. A failed load is not
// cached.
func (c *MapCache) Map(name string) (*maps.Map, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.maps[name]; ok {
		return m, nil
	}
	m, err := c.load(name)
	if err != nil {
		return nil, fmt.Errorf("client: map %q: %w", name, err)
	}
	c.maps[name] = m
	return m, nil
}

// Terrain is Map as a LoadFunc, for NewView.
func (c *MapCache) Terrain(name string) (Terrain, error) {
	m, err := c.Map(name)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Entity is what the client knows of another entity in its view: every
// replicated property. Properties a spawn left out are zero.
type Entity struct {
	Pos    rules.Vec // feet position in subpixels
	Dir    rules.Dir // the direction it moves in each tick
	Speed  int32     // subpixels per tick along an axis
	Facing uint8     // like protocol.Input.Aim
	Anim   protocol.Anim
	Sprite protocol.Sprite
	Name   string
	Level  int64
	HP     int64
	MaxHP  int64
	MP     int64
	MaxMP  int64
}

// entity is an Entity with its recent positions, for interpolation.
type entity struct {
	Entity
	hist history
}

// View is the client's exact copy of what the world replicates to it: its
// own player's authoritative position and last acknowledged input, and the
// entities in its view by handle. Apply feeds it the world's messages in
// order; it steps moving entities with the shared rules exactly as the
// world does, so after each snapshot it equals the world's state for that
// tick bit for bit.
//
// A View is owned by one goroutine: it is not safe for concurrent use.
type View struct {
	load LoadFunc

	welcomed bool
	player   uint32
	mapName  string
	terrain  Terrain
	instance uint32

	tickRate int
	tick     uint32 // the tick the view describes
	fresh    bool   // no snapshot applied since Welcome or MapChange
	tick0    uint32 // tick and server time (Unix ms) of the last Welcome or MapChange
	time0    uint64

	own rules.Vec
	ack uint32

	vitals  Vitals
	tally   Tally
	effects []Effect
	shots   map[uint32]*Shot // by ID

	entities map[uint32]*entity
	// despawned is scratch for validating a snapshot: the handles it
	// despawns.
	despawned map[uint32]bool
}

// NewView returns an empty View that loads maps with load (for example
// (*MapCache).Terrain). It holds nothing until Apply gets a Welcome.
func NewView(load LoadFunc) *View {
	return &View{load: load, entities: make(map[uint32]*entity), despawned: make(map[uint32]bool), shots: make(map[uint32]*Shot)}
}

// Apply updates the view with one message from the world. It handles
// Welcome, MapChange and Snapshot, and ignores other messages (Pong).
// Messages must come as protocol.Decode returns them, in the order the
// world sent them.
//
// A Snapshot is applied as docs/protocol.md ("Applying a snapshot") says:
// remove the despawns; step every entity (and every shot in flight)
// T−T′−1 times; apply the moves and step once more; apply the changes and
// the events; add the spawns. The first snapshot
// after a Welcome or MapChange may carry the same tick as that message (the
// world sends both during that tick), and the view is empty then, so no
// entity is stepped.
//
// A snapshot that does not fit the view (see ErrDesync) is refused whole:
// the view is left as it was, and the error matches ErrDesync. A Welcome or
// MapChange naming a map that does not load returns the loader's error.
func (v *View) Apply(msg protocol.Message) error {
	switch m := msg.(type) {
	case protocol.Welcome:
		return v.welcome(m)
	case protocol.MapChange:
		return v.mapChange(m)
	case protocol.Snapshot:
		return v.snapshot(&m)
	}
	return nil
}

func (v *View) welcome(m protocol.Welcome) error {
	t, err := v.load(m.Map)
	if err != nil {
		return err
	}
	v.welcomed, v.player, v.instance = true, m.EntityID, 0
	v.tickRate = int(max(m.TickRate, 1))
	v.vitals, v.tally = Vitals{}, Tally{}
	v.enter(m.Map, t, rules.Vec{X: m.X, Y: m.Y}, m.Tick, m.ServerTime)
	v.ack = 0
	return nil
}

func (v *View) mapChange(m protocol.MapChange) error {
	if !v.welcomed {
		return fmt.Errorf("%w: MapChange before Welcome", ErrDesync)
	}
	t, err := v.load(m.Map)
	if err != nil {
		return err
	}
	v.instance = m.Instance
	v.enter(m.Map, t, rules.Vec{X: m.X, Y: m.Y}, m.Tick, m.ServerTime)
	return nil
}

// enter starts over on a map: handles start afresh, and the effects and
// shots of the old map, which name its handles, are gone.
func (v *View) enter(name string, t Terrain, own rules.Vec, tick uint32, serverTime uint64) {
	v.mapName, v.terrain, v.own = name, t, own
	v.tick, v.tick0, v.time0, v.fresh = tick, tick, serverTime, true
	clear(v.entities)
	clear(v.shots)
	v.effects = v.effects[:0]
}

// snapshot checks s against the view, then applies it.
func (v *View) snapshot(s *protocol.Snapshot) error {
	if err := v.check(s); err != nil {
		return err
	}
	for _, h := range s.Despawns {
		delete(v.entities, h)
	}
	// Ticks whose snapshots were skipped: nothing changed in them, so
	// every entity kept its direction.
	if !v.fresh {
		for t := v.tick + 1; t != s.Tick; t++ {
			v.stepAll(t)
		}
	}
	for _, mv := range s.Moves {
		v.entities[mv.Handle].Dir = rules.Dir(mv.Dir)
	}
	v.stepAll(s.Tick)
	for _, c := range s.Changes {
		e := v.entities[c.Handle]
		if setProps(&e.Entity, c.Props) {
			e.hist.reset() // a jump: do not interpolate across it
		}
		e.hist.set(s.Tick, e.Pos)
	}
	if s.HasOwn {
		v.own.X += s.OwnDX
		v.own.Y += s.OwnDY
	}
	v.applyEvents(s.Tick, s.Events)
	for _, sp := range s.Spawns {
		e := &entity{}
		setProps(&e.Entity, sp.Props)
		e.hist.set(s.Tick, e.Pos)
		v.entities[sp.Handle] = e
	}
	v.setVitals(s.Vitals)
	if s.HasAck {
		v.ack = s.Ack
	}
	v.tick, v.fresh = s.Tick, false
	v.forget(s.Tick)
	return nil
}

// check reports whether s fits the view, without changing it.
func (v *View) check(s *protocol.Snapshot) error {
	if !v.welcomed {
		return fmt.Errorf("%w: Snapshot before Welcome", ErrDesync)
	}
	switch {
	case s.Tick < v.tick || (s.Tick == v.tick && !v.fresh):
		return fmt.Errorf("%w: snapshot of tick %d after tick %d", ErrDesync, s.Tick, v.tick)
	case s.Tick-v.tick > MaxTickGap:
		return fmt.Errorf("%w: snapshot of tick %d skips more than %d ticks after %d", ErrDesync, s.Tick, MaxTickGap, v.tick)
	}
	clear(v.despawned)
	for _, h := range s.Despawns {
		if _, ok := v.entities[h]; !ok || v.despawned[h] {
			return fmt.Errorf("%w: tick %d despawns unknown handle %d", ErrDesync, s.Tick, h)
		}
		v.despawned[h] = true
	}
	known := func(h uint32) bool {
		_, ok := v.entities[h]
		return ok && !v.despawned[h]
	}
	for _, mv := range s.Moves {
		if !known(mv.Handle) {
			return fmt.Errorf("%w: tick %d moves unknown handle %d", ErrDesync, s.Tick, mv.Handle)
		}
	}
	for _, c := range s.Changes {
		if !known(c.Handle) {
			return fmt.Errorf("%w: tick %d changes unknown handle %d", ErrDesync, s.Tick, c.Handle)
		}
	}
	for _, e := range s.Events {
		if e.Subject != 0 && !known(e.Subject-1) {
			return fmt.Errorf("%w: tick %d: event %d names unknown handle %d", ErrDesync, s.Tick, e.Kind, e.Subject-1)
		}
	}
	for i, sp := range s.Spawns {
		if known(sp.Handle) {
			return fmt.Errorf("%w: tick %d spawns on handle %d, which is in use", ErrDesync, s.Tick, sp.Handle)
		}
		for _, earlier := range s.Spawns[:i] {
			if earlier.Handle == sp.Handle {
				return fmt.Errorf("%w: tick %d spawns handle %d twice", ErrDesync, s.Tick, sp.Handle)
			}
		}
		var hasX, hasY bool
		for _, p := range sp.Props {
			hasX = hasX || p.ID == protocol.PropX
			hasY = hasY || p.ID == protocol.PropY
		}
		if !hasX || !hasY {
			return fmt.Errorf("%w: tick %d spawns handle %d without a position", ErrDesync, s.Tick, sp.Handle)
		}
	}
	return nil
}

// stepAll runs tick t's movement: every entity takes one step along its
// direction, and every shot in flight flies one tick.
func (v *View) stepAll(t uint32) {
	for _, e := range v.entities {
		if e.Dir != rules.DirNone {
			e.Pos = rules.Step(e.Pos, e.Dir, e.Speed, v.terrain)
		}
		e.hist.set(t, e.Pos)
	}
	v.stepShots(t)
}

// setProps applies props to e, ignoring IDs this version does not know. It
// reports whether the position changed.
func setProps(e *Entity, props []protocol.Prop) (moved bool) {
	for _, p := range props {
		switch p.ID {
		case protocol.PropX:
			moved = moved || e.Pos.X != int32(p.Value)
			e.Pos.X = int32(p.Value)
		case protocol.PropY:
			moved = moved || e.Pos.Y != int32(p.Value)
			e.Pos.Y = int32(p.Value)
		case protocol.PropDir:
			e.Dir = rules.Dir(p.Value)
		case protocol.PropSpeed:
			e.Speed = int32(p.Value)
		case protocol.PropFacing:
			e.Facing = uint8(p.Value)
		case protocol.PropAnim:
			e.Anim = protocol.Anim(p.Value)
		case protocol.PropHP:
			e.HP = p.Value
		case protocol.PropMaxHP:
			e.MaxHP = p.Value
		case protocol.PropMP:
			e.MP = p.Value
		case protocol.PropMaxMP:
			e.MaxMP = p.Value
		case protocol.PropName:
			e.Name = p.Text
		case protocol.PropSprite:
			e.Sprite = protocol.Sprite(p.Value)
		case protocol.PropLevel:
			e.Level = p.Value
		}
	}
	return moved
}

// Welcomed reports whether the view has had its Welcome.
func (v *View) Welcomed() bool { return v.welcomed }

// PlayerID returns the player's own entity ID from Welcome.
func (v *View) PlayerID() uint32 { return v.player }

// MapName returns the name of the map the player is on.
func (v *View) MapName() string { return v.mapName }

// Terrain returns the map the player is on, as loaded by the LoadFunc; nil
// before Welcome.
func (v *View) Terrain() Terrain { return v.terrain }

// Instance returns the map instance from the last MapChange; 0 after
// Welcome, which does not carry it.
func (v *View) Instance() uint32 { return v.instance }

// TickRate returns the world's tick rate in Hz from Welcome; 0 before it.
func (v *View) TickRate() int { return v.tickRate }

// Tick returns the instance tick the view describes: that of the last
// snapshot, or of the last Welcome or MapChange if none followed it.
func (v *View) Tick() uint32 { return v.tick }

// TickTime returns when tick t of the current instance happened on the
// world's clock, in Unix milliseconds:
// ServerTime + (t − Tick)·1000/TickRate for the last Welcome or MapChange.
func (v *View) TickTime(t uint32) float64 {
	if v.tickRate == 0 {
		return 0
	}
	return float64(v.time0) + float64(int64(t)-int64(v.tick0))*1000/float64(v.tickRate)
}

// TickAt is the inverse of TickTime: the fractional tick at server time
// ms (Unix milliseconds).
func (v *View) TickAt(ms float64) float64 {
	if v.tickRate == 0 {
		return 0
	}
	return float64(v.tick0) + (ms-float64(v.time0))*float64(v.tickRate)/1000
}

// Own returns the player's own authoritative position: the Welcome or
// MapChange position plus every OwnDX, OwnDY since. The predicted position
// is the Predictor's.
func (v *View) Own() rules.Vec { return v.own }

// Ack returns the last Ack the world sent: the Seq of the last input it
// applied, as far as the world said.
func (v *View) Ack() uint32 { return v.ack }

// Len returns how many entities are in the view.
func (v *View) Len() int { return len(v.entities) }

// Entity returns the entity with handle h.
func (v *View) Entity(h uint32) (Entity, bool) {
	e, ok := v.entities[h]
	if !ok {
		return Entity{}, false
	}
	return e.Entity, true
}

// All yields every entity in the view with its handle, in no particular
// order. The view must not change while the loop runs.
func (v *View) All() iter.Seq2[uint32, Entity] {
	return func(yield func(uint32, Entity) bool) {
		for h, e := range v.entities {
			if !yield(h, e.Entity) {
				return
			}
		}
	}
}
