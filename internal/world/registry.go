package world

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/sim"
)

// registry runs the world's map instances. Its goroutine owns which
// instances exist and how many players each holds: it places joining
// players, moves travellers through portals (saving them on the way), and
// retires instances that stayed empty. Sessions and runners reach it only
// through its events channel, so no lock is taken on the tick path.
type registry struct {
	srv    *Server
	cfg    sim.Config
	events chan any // join, travel, move, left or retire; see loop
	done   chan struct{}

	instances atomic.Int32 // running, for heartbeats
	// published is the instances and their populations after the last
	// event, for the master's dashboard; written by loop.
	published atomic.Pointer[[]publishedInstance]

	// Owned by loop.
	shared  map[string][]*runner // by map name, in the order opened
	private map[privateKey]*runner
	opened  map[string]uint32 // instances opened so far, by map name

	ctx     context.Context // ends when every runner must stop
	cancel  context.CancelFunc
	running sync.WaitGroup // every runner's goroutine
}

// privateKey names a private instance: a map's for one party, or for one
// account outside parties.
type privateKey struct {
	mapName string
	account int64  // 0 for a party's
	party   uint32 // 0 for an account's
}

// Registry events.
type (
	// joinEvent places a player who just entered the world.
	joinEvent struct{ m *member }
	// travelEvent moves a player who left r through portal.
	travelEvent struct {
		from   *runner
		m      *member
		portal maps.Portal
	}
	// moveEvent places a player a moderator moved (see moveTo): it left
	// from, and its character holds where it goes.
	moveEvent struct {
		from *runner
		m    *member
	}
	// leftEvent says n players left r for good.
	leftEvent struct {
		from *runner
		n    int
	}
	// retireEvent asks to stop r, which has been empty for a while.
	retireEvent struct{ r *runner }
)

// eventQueue bounds the registry's events. Senders block when it is full,
// which only happens if thousands of players join or travel in one tick.
const eventQueue = 4096

func newRegistry(s *Server) *registry {
	cfg := s.cfg
	spawnHalf := rules.Vec{
		X: int32(cfg.ViewWidth/2) * rules.SubpixelsPerPixel,
		Y: int32(cfg.ViewHeight/2) * rules.SubpixelsPerPixel,
	}
	margin := int32(cfg.ViewMargin) * rules.SubpixelsPerPixel
	ticks := func(d time.Duration) uint32 { return uint32(d * time.Duration(cfg.TickRate) / time.Second) }
	ctx, cancel := context.WithCancel(context.Background())
	r := &registry{
		srv: s,
		cfg: sim.Config{
			TickRate:         cfg.TickRate,
			SpawnHalf:        spawnHalf,
			KeepHalf:         rules.Vec{X: spawnHalf.X + margin, Y: spawnHalf.Y + margin},
			AutosaveTicks:    ticks(cfg.Autosave),
			PortalGuardTicks: ticks(time.Second),
			EmptyTicks:       ticks(cfg.EmptyInstanceTimeout),
			SpreadRadius:     int32(cfg.SpawnSpread) * rules.SubpixelsPerPixel,
			Seed:             uint64(time.Now().UnixNano()),
		},
		events:  make(chan any, eventQueue),
		done:    make(chan struct{}),
		shared:  make(map[string][]*runner),
		private: make(map[privateKey]*runner),
		opened:  make(map[string]uint32),
		ctx:     ctx,
		cancel:  cancel,
	}
	go r.loop()
	return r
}

// join places m's player in an instance of its character's map.
func (r *registry) join(m *member) { r.events <- joinEvent{m} }

// count returns how many instances are running.
func (r *registry) count() int { return int(r.instances.Load()) }

// publishedInstance is an instance as the registry last published it: its
// map and players, and its runner, for the tick times it keeps current.
type publishedInstance struct {
	cluster.InstanceStatus
	r *runner
}

// instanceStatus returns the running instances as of the registry's last
// event (none before the first), each with its current tick p99.
func (r *registry) instanceStatus() []cluster.InstanceStatus {
	out := []cluster.InstanceStatus{}
	if p := r.published.Load(); p != nil {
		for _, in := range *p {
			st := in.InstanceStatus
			st.TickP99MS = float64(in.r.tickP99.Load()) / float64(time.Millisecond)
			out = append(out, st)
		}
	}
	return out
}

// status lists the running instances by map name, for published.
// Called by loop.
func (r *registry) status() *[]publishedInstance {
	out := []publishedInstance{}
	for _, ins := range r.shared {
		for _, in := range ins {
			out = append(out, publishedInstance{cluster.InstanceStatus{Map: in.core.Map(), Players: in.population}, in})
		}
	}
	for _, in := range r.private {
		out = append(out, publishedInstance{cluster.InstanceStatus{Map: in.core.Map(), Players: in.population}, in})
	}
	slices.SortStableFunc(out, func(a, b publishedInstance) int { return strings.Compare(a.Map, b.Map) })
	return &out
}

// loop handles events until shutdown closes the channel.
func (r *registry) loop() {
	defer close(r.done)
	for ev := range r.events {
		switch ev := ev.(type) {
		case joinEvent:
			r.place(ev.m, false)
		case travelEvent:
			r.travel(ev)
		case moveEvent:
			r.arrive(ev.from, ev.m)
		case leftEvent:
			ev.from.population -= ev.n
		case retireEvent:
			r.retire(ev.r)
		}
		r.published.Store(r.status())
	}
}

// place puts m's player in its party's (or else its own) private copy of a
// private map, or the first shared instance with room, opening another when all are
// full. A character on a map that no longer exists starts over at the
// world's start. spread asks for a free spot near the position: arrivals at
// a spawn point.
func (r *registry) place(m *member, spread bool) {
	c := &m.player.Char
	mp, ok := r.srv.maps[c.Map]
	if !ok {
		start := r.srv.startPosition()
		c.Map, c.X, c.Y = start.Map, start.Pos.X, start.Pos.Y
		mp, spread = r.srv.maps[start.Map], true
	}
	owner, ownerName := privateKey{account: c.AccountID}, c.Name
	if party, leader := r.srv.parties.of(c.Name); party != 0 {
		owner, ownerName = privateKey{party: party}, leader
	}
	in := r.pick(c.Map, mp, owner, ownerName)
	mapName := c.Map
	m.onMap.Store(&mapName)
	in.population++
	in.joins <- sim.Arrival{Player: m.player, Spread: spread}
}

// pick returns the instance of map name for a player: owner's private one
// (its mapName unset) on a private map, a shared one with room on others.
func (r *registry) pick(name string, m *maps.Map, owner privateKey, ownerName string) *runner {
	if slices.Contains(r.srv.cfg.PrivateMaps, name) {
		key := owner
		key.mapName = name
		if in, ok := r.private[key]; ok {
			return in
		}
		in := r.open(name, m, ownerName)
		r.private[key] = in
		return in
	}
	for _, in := range r.shared[name] {
		if in.population < r.srv.cfg.InstanceCapacity {
			return in
		}
	}
	in := r.open(name, m, "")
	r.shared[name] = append(r.shared[name], in)
	return in
}

// open starts an instance of map name: a private one of owner's, or a
// shared one for owner "".
func (r *registry) open(name string, m *maps.Map, owner string) *runner {
	r.opened[name]++
	in := newRunner(sim.New(r.opened[name], name, m, r.srv.instanceConfig(r.cfg, m, owner)), r, runtime.GOMAXPROCS(0), r.srv.metrics)
	ctx, cancel := context.WithCancel(r.ctx)
	in.stop = cancel
	r.instances.Add(1)
	r.srv.metrics.instances.Inc()
	r.running.Go(func() { in.run(ctx) })
	return in
}

// travel moves a player who took a portal to the portal's target.
func (r *registry) travel(ev travelEvent) {
	r.srv.metrics.portalTrips.Inc()
	p := ev.m.player
	target := r.srv.maps[ev.portal.TargetMap]
	pos, _ := target.Spawn(ev.portal.TargetSpawn) // maps checks every portal's target at load
	p.Char.Map, p.Char.X, p.Char.Y = ev.portal.TargetMap, pos.X, pos.Y
	r.arrive(ev.from, ev.m)
}

// arrive places m, who left from, where its character now is, saving it
// there (a map change is a save point), unless its session has ended.
func (r *registry) arrive(from *runner, m *member) {
	from.population--
	p := m.player
	if m.gone.Load() {
		m.finish(p.Char)
		return
	}
	p.Char.Version++
	r.srv.saver.Save(p.Char)
	r.place(m, true)
}

// retire stops in if it is still empty and is not the first shared
// instance of its map, which stays open for newcomers.
func (r *registry) retire(in *runner) {
	if in.population > 0 {
		return
	}
	name := in.core.Map()
	for key, p := range r.private {
		if p == in {
			delete(r.private, key)
			r.stop(in)
			return
		}
	}
	list := r.shared[name]
	if i := slices.Index(list, in); i > 0 {
		r.shared[name] = slices.Delete(list, i, i+1)
		r.stop(in)
	}
}

// stop stops in without waiting for it.
func (r *registry) stop(in *runner) {
	r.instances.Add(-1)
	r.srv.metrics.instances.Dec()
	in.stop()
}

// shutdown stops every runner and the registry. Call it after every session
// has ended: no player is left inside, and no event can come any more but
// from the runners, which it waits for first.
func (r *registry) shutdown() {
	r.cancel()
	r.running.Wait()
	close(r.events)
	<-r.done
}
