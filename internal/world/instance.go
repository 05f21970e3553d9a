package world

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/sim"
	"github.com/tinymmo/tinymmo/internal/store"
)

// terrain is what an instance needs of its map. *maps.Map provides it; the
// tick benchmark uses an open field of any size.
type terrain interface {
	rules.Collider
	// PortalAt returns the portal whose area contains p.
	PortalAt(p rules.Vec) (maps.Portal, bool)
	// SizeSubpixels returns the map's width and height in subpixels.
	SizeSubpixels() (w, h int32)
}

// instanceConfig is what an instance takes from the world's Config.
type instanceConfig struct {
	tickRate          int
	spawnHalf         rules.Vec // half the view: entities closer than this enter it
	keepHalf          rules.Vec // entities farther than this leave it
	autosaveTicks     uint32    // 0: no autosave
	portalGuardTicks  uint32    // after arriving, portals are ignored this long
	emptyTimeoutTicks uint32    // an empty retirable instance asks to be retired after this
	// replicators is the most goroutines that replicate clients at once
	// (0 means 1); each takes at least replicatorShare clients (0 means
	// defaultReplicatorShare).
	replicators, replicatorShare int
}

// entity is a thing in an instance: for now, always a player.
type entity struct {
	slot      int // index in instance.entities
	cell      int // AOI grid cell, and index in it
	cellIndex int

	p     *player
	view  *viewer
	pos   rules.Vec
	dir   rules.Dir
	speed int32
	// acked is set when this tick's step applied an input: the snapshot
	// then acknowledges it.
	acked bool
	// guardUntil is the first tick at which portals work for this entity.
	guardUntil uint32

	// What replication reads of every candidate, together: the fields
	// above hold the position, these the rest.
	dirChanged   uint32 // tick of the last direction change
	propsChanged uint32 // tick at which changes was set
	// marks say which replicated client knows this entity: one per
	// replicating goroutine (see entityMark).
	marks   [maxReplicators]entityMark
	changes []protocol.Prop

	// props caches the spawn properties, built at most once a tick for
	// propsTick. Replicating goroutines share it, under propsMu.
	propsMu   sync.Mutex
	propsTick uint32
	props     []protocol.Prop
}

// spawnProps returns every replicated property of e as of the end of tick.
// The slice stays unchanged for the rest of the tick. It is safe to call
// from the goroutines replicating one instance.
func (e *entity) spawnProps(tick uint32) []protocol.Prop {
	e.propsMu.Lock()
	defer e.propsMu.Unlock()
	if e.propsTick == tick && e.props != nil {
		return e.props
	}
	c := &e.p.char
	e.props = append(e.props[:0],
		protocol.IntProp(protocol.PropX, int64(e.pos.X)),
		protocol.IntProp(protocol.PropY, int64(e.pos.Y)),
		protocol.IntProp(protocol.PropDir, int64(e.dir)),
		protocol.IntProp(protocol.PropSpeed, int64(e.speed)),
		protocol.TextProp(protocol.PropName, c.Name),
		protocol.IntProp(protocol.PropSprite, int64(spriteOf(c.Class))),
		protocol.IntProp(protocol.PropLevel, int64(c.Level)),
		protocol.IntProp(protocol.PropHP, int64(c.HP)),
		protocol.IntProp(protocol.PropMaxHP, int64(c.MaxHP)),
	)
	e.propsTick = tick
	return e.props
}

func spriteOf(c store.Class) protocol.Sprite {
	switch c {
	case store.ClassRogue:
		return protocol.SpriteRogue
	case store.ClassWizard:
		return protocol.SpriteWizard
	}
	return protocol.SpriteKnight
}

// instance is one running copy of a map. Its goroutine (run) owns every
// entity in it, the AOI grid and the tick; other goroutines reach it only
// through joins.
type instance struct {
	id      uint32
	mapName string
	terrain terrain
	cfg     instanceConfig
	world   placer // where players go when they take a portal or leave

	joins      chan *player // players arriving; buffered
	population atomic.Int32 // players inside or on their way in
	stop       context.CancelFunc

	// Owned by run, which lends the entities and their viewers to the
	// replicating goroutines for the replication phase of a tick (see
	// replicate).
	tick       uint32
	entities   []*entity // dense; entity.slot indexes it
	grid       *grid
	emptySince uint32
	// replicators are the replicating goroutines' scratch, one each; made
	// as needed.
	replicators []*replicator
	metrics     *metrics // nil in benchmarks
}

// placer moves players between instances and stores their state. The world
// implements it.
type placer interface {
	// travel takes over p, which left its instance through portal.
	travel(p *player, portal maps.Portal)
	// autosave stores a batch of characters without blocking the tick.
	autosave(cs []store.Character)
	// retire asks to stop an instance that has been empty for a while.
	retire(in *instance)
}

func newInstance(id uint32, mapName string, t terrain, cfg instanceConfig, w placer, m *metrics) *instance {
	wSub, hSub := t.SizeSubpixels()
	return &instance{
		id: id, mapName: mapName, terrain: t, cfg: cfg, world: w, metrics: m,
		joins: make(chan *player, 64),
		grid:  newGrid(wSub, hSub),
	}
}

// run steps the instance at its tick rate until ctx ends. When it falls
// behind it runs at most maxCatchUp ticks back to back, then drops the rest
// of the debt rather than spiral.
func (in *instance) run(ctx context.Context) {
	const maxCatchUp = 3
	step := time.Second / time.Duration(in.cfg.tickRate)
	next := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			in.evacuate()
			return
		case <-timer.C:
		}
		now := time.Now()
		for n := 0; !now.Before(next) && n < maxCatchUp; n++ {
			start := time.Now()
			in.step()
			if in.metrics != nil {
				in.metrics.tickSeconds.Observe(time.Since(start).Seconds())
			}
			next = next.Add(step)
		}
		if now.After(next) {
			next = now.Add(step) // drop the debt beyond maxCatchUp
		}
		timer.Reset(time.Until(next))
	}
}

// step runs one tick: arrivals, departures, inputs, movement, portals,
// replication and autosave.
func (in *instance) step() {
	in.tick++
	in.admit()
	in.dropGone()
	for _, e := range in.entities {
		in.applyInput(e)
	}
	for i := 0; i < len(in.entities); i++ {
		e := in.entities[i]
		if e.dir != rules.DirNone {
			e.pos = rules.Step(e.pos, e.dir, e.speed, in.terrain)
			in.grid.moved(e)
		}
		if in.tick >= e.guardUntil {
			if portal, ok := in.terrain.PortalAt(e.pos); ok {
				in.remove(e)
				e.p.char.X, e.p.char.Y = e.pos.X, e.pos.Y
				in.world.travel(e.p, portal)
				i-- // remove moved the last entity into this slot
			}
		}
	}
	in.replicate()
	if in.cfg.autosaveTicks > 0 && in.tick%in.cfg.autosaveTicks == 0 && len(in.entities) > 0 {
		batch := make([]store.Character, len(in.entities))
		for i, e := range in.entities {
			batch[i] = e.state()
		}
		in.world.autosave(batch)
	}
	in.checkEmpty()
}

// admit adds the players that arrived since the last tick.
func (in *instance) admit() {
	for {
		select {
		case p := <-in.joins:
			in.add(p)
		default:
			return
		}
	}
}

func (in *instance) add(p *player) {
	stats, _ := rules.Stats(string(p.char.Class))
	e := &entity{
		slot:       len(in.entities),
		p:          p,
		pos:        rules.Vec{X: p.char.X, Y: p.char.Y},
		speed:      rules.SpeedPerTick(stats.Speed, in.cfg.tickRate),
		guardUntil: in.tick + in.cfg.portalGuardTicks,
	}
	e.view = newViewer(e.pos)
	in.entities = append(in.entities, e)
	in.grid.insert(e)
	now := uint64(time.Now().UnixMilli())
	if !p.welcomed {
		p.welcomed = true
		p.out.deliver(protocol.Welcome{
			EntityID: uint32(p.char.ID), Map: in.mapName, X: e.pos.X, Y: e.pos.Y,
			TickRate: uint16(in.cfg.tickRate), Tick: p.tick, ServerTime: now, Speed: uint32(e.speed),
		}.Append(nil))
		return
	}
	p.out.deliver(protocol.MapChange{
		Map: in.mapName, Instance: in.id, X: e.pos.X, Y: e.pos.Y, Tick: p.tick, ServerTime: now,
	}.Append(nil))
}

// remove takes e out of the instance, keeping entities dense.
func (in *instance) remove(e *entity) {
	in.grid.remove(e)
	last := in.entities[len(in.entities)-1]
	in.entities[e.slot] = last
	last.slot = e.slot
	in.entities[len(in.entities)-1] = nil
	in.entities = in.entities[:len(in.entities)-1]
	in.population.Add(-1)
}

// dropGone removes the players whose sessions ended and hands the sessions
// their last state to save.
func (in *instance) dropGone() {
	for i := 0; i < len(in.entities); i++ {
		e := in.entities[i]
		if e.p.gone.Load() {
			in.remove(e)
			e.p.char = e.state()
			e.p.finish()
			i--
		}
	}
}

// applyInput runs the input side of e's step: it queues the inputs that
// arrived (at the player's tick before the step), advances the player's
// tick, and sets e's direction from the input in force (sim.InputQueue).
// One step per tick caps speed whatever the client sends; no input yet
// means standing still.
func (in *instance) applyInput(e *entity) {
	p := e.p
	for drained := false; !drained; {
		select {
		case m := <-p.inputs:
			in.push(p, m)
		default:
			drained = true
		}
	}
	p.tick++
	cur, applied := p.queue.Advance(p.tick)
	e.acked = applied
	if dir := rules.Dir(cur.Move); dir != e.dir {
		e.dir = dir
		e.dirChanged = in.tick
	}
}

// push queues an input of p: a malformed one ends the session (4007), one
// beyond the queue is dropped and counted.
func (in *instance) push(p *player, m protocol.Input) {
	if p.refused {
		return
	}
	err := p.queue.Push(m, p.tick)
	switch {
	case err == nil:
	case errors.Is(err, sim.ErrInputQueueFull):
		if in.metrics != nil {
			in.metrics.inputsDropped.Inc()
		}
	default:
		p.refused = true
		p.out.refuse(protocol.CloseMalformed)
	}
}

// state returns e's character with its current position.
func (e *entity) state() store.Character {
	c := e.p.char
	c.X, c.Y = e.pos.X, e.pos.Y
	return c
}

// checkEmpty asks the world to retire the instance once it has been empty
// for the configured time.
func (in *instance) checkEmpty() {
	if in.population.Load() > 0 || in.cfg.emptyTimeoutTicks == 0 {
		in.emptySince = in.tick
		return
	}
	if in.tick-in.emptySince >= in.cfg.emptyTimeoutTicks {
		in.emptySince = in.tick // ask again later if the world keeps it
		in.world.retire(in)
	}
}

// evacuate hands every player still inside back to its session with its
// last state; the world shuts instances down only after every session has
// ended, so normally none is left.
func (in *instance) evacuate() {
	in.admit()
	for _, e := range in.entities {
		e.p.char = e.state()
		e.p.finish()
	}
	in.entities = nil
}
