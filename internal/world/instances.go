package world

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
)

// instances runs the world's map instances: it opens them on demand, places
// players in them, moves players through portals, and retires instances
// that stayed empty. Safe for concurrent use.
type instances struct {
	srv    *Server
	ctx    context.Context // ends when every instance must stop
	cancel context.CancelFunc
	cfg    instanceConfig

	mu      sync.Mutex               // guards following fields
	shared  map[string][]*instance   // by map name, in the order opened
	private map[privateKey]*instance // dungeons, one per account for now
	nextID  uint32

	running   sync.WaitGroup // every instance's goroutine
	travelers sync.WaitGroup // players between instances
	saves     chan []store.Character
	saver     sync.WaitGroup
}

type privateKey struct {
	mapName string
	account int64
}

func newInstances(s *Server) *instances {
	ctx, cancel := context.WithCancel(context.Background())
	cfg := s.cfg
	spawnHalf := rules.Vec{
		X: int32(cfg.ViewWidth/2) * rules.SubpixelsPerPixel,
		Y: int32(cfg.ViewHeight/2) * rules.SubpixelsPerPixel,
	}
	margin := int32(cfg.ViewMargin) * rules.SubpixelsPerPixel
	ticks := func(d time.Duration) uint32 { return uint32(d * time.Duration(cfg.TickRate) / time.Second) }
	is := &instances{
		srv: s, ctx: ctx, cancel: cancel,
		cfg: instanceConfig{
			tickRate:          cfg.TickRate,
			spawnHalf:         spawnHalf,
			keepHalf:          rules.Vec{X: spawnHalf.X + margin, Y: spawnHalf.Y + margin},
			autosaveTicks:     ticks(cfg.Autosave),
			portalGuardTicks:  ticks(time.Second),
			emptyTimeoutTicks: ticks(cfg.EmptyInstanceTimeout),
			replicators:       runtime.GOMAXPROCS(0),
		},
		shared:  make(map[string][]*instance),
		private: make(map[privateKey]*instance),
		saves:   make(chan []store.Character, 4),
	}
	is.saver.Go(is.saveLoop)
	return is
}

// join places p in an instance of its character's map: the player's own
// private copy of a private map, or the first shared instance with room
// (opening another when all are full). A character on a map that no longer
// exists starts over at the world's start.
func (is *instances) join(p *player) {
	m, ok := is.srv.maps[p.char.Map]
	if !ok {
		start := is.srv.startPosition()
		p.char.Map, p.char.X, p.char.Y = start.Map, start.Pos.X, start.Pos.Y
		m = is.srv.maps[start.Map]
	}
	is.mu.Lock()
	in := is.pickLocked(p.char.Map, m, p.char.AccountID)
	in.population.Add(1)
	is.mu.Unlock()
	in.joins <- p // buffered; the instance drains it every tick
}

func (is *instances) pickLocked(name string, m *maps.Map, account int64) *instance {
	if slices.Contains(is.srv.cfg.PrivateMaps, name) {
		key := privateKey{name, account}
		if in, ok := is.private[key]; ok {
			return in
		}
		in := is.openLocked(name, m)
		is.private[key] = in
		return in
	}
	for _, in := range is.shared[name] {
		if int(in.population.Load()) < is.srv.cfg.InstanceCapacity {
			return in
		}
	}
	in := is.openLocked(name, m)
	is.shared[name] = append(is.shared[name], in)
	return in
}

func (is *instances) openLocked(name string, m *maps.Map) *instance {
	is.nextID++
	in := newInstance(is.nextID, name, m, is.cfg, is, is.srv.metrics)
	ctx, cancel := context.WithCancel(is.ctx)
	in.stop = cancel
	is.srv.metrics.instances.Inc()
	is.running.Go(func() { in.run(ctx) })
	return in
}

// count returns how many instances are running.
func (is *instances) count() int {
	is.mu.Lock()
	defer is.mu.Unlock()
	n := len(is.private)
	for _, list := range is.shared {
		n += len(list)
	}
	return n
}

// travel implements placer: it saves the character on its new map (map
// change is a save point) and places it there, off the tick goroutine.
func (is *instances) travel(p *player, portal maps.Portal) {
	is.travelers.Go(func() {
		target := is.srv.maps[portal.TargetMap]
		pos, _ := target.Spawn(portal.TargetSpawn) // maps checks every portal's target at load
		p.char.Map, p.char.X, p.char.Y = portal.TargetMap, pos.X, pos.Y
		is.srv.metrics.portalTrips.Inc()
		if p.gone.Load() {
			p.finish()
			return
		}
		is.save([]store.Character{p.char})
		is.join(p)
	})
}

// autosave implements placer: it queues a batch for the saver, or drops it
// if the saver is behind (the next autosave carries newer state anyway).
func (is *instances) autosave(cs []store.Character) {
	select {
	case is.saves <- cs:
	default:
		is.srv.metrics.autosavesSkipped.Inc()
	}
}

func (is *instances) saveLoop() {
	for batch := range is.saves {
		is.save(batch)
	}
}

func (is *instances) save(cs []store.Character) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	is.srv.stampSaveVersions(cs)
	if _, err := is.srv.db.SaveCharacters(ctx, cs...); err != nil {
		is.srv.log.Error("world: save characters", "count", len(cs), "err", err)
	}
}

// retire implements placer: it stops in if it is still empty and is not the
// first shared instance of its map, which stays open for newcomers.
func (is *instances) retire(in *instance) {
	is.mu.Lock()
	defer is.mu.Unlock()
	if in.population.Load() > 0 {
		return
	}
	for key, p := range is.private {
		if p == in {
			delete(is.private, key)
			is.stopLocked(in)
			return
		}
	}
	list := is.shared[in.mapName]
	if i := slices.Index(list, in); i > 0 {
		is.shared[in.mapName] = slices.Delete(list, i, i+1)
		is.stopLocked(in)
	}
}

// stopLocked stops in without waiting: run is the caller's own goroutine
// when an instance retires itself.
func (is *instances) stopLocked(in *instance) {
	is.srv.metrics.instances.Dec()
	in.stop()
}

// shutdown stops every instance and waits for them, the travelers and the
// saver. Call it after every session has ended.
func (is *instances) shutdown() {
	is.travelers.Wait()
	is.cancel()
	is.running.Wait()
	close(is.saves)
	is.saver.Wait()
}
