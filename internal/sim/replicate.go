package sim

import (
	"cmp"
	"slices"
	"sync"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/wire"
)

// entity is a thing in an instance: a player (p and view set) or an NPC
// (npc set).
type entity struct {
	slot      int // index in Instance.entities or Instance.npcs
	cell      int // AOI grid cell, and index in it
	cellIndex int

	p     *Player
	view  *viewer
	npc   *npc
	pos   rules.Vec
	dir   rules.Dir
	speed int32

	fighter // health, mana, abilities: see combat.go
	// guardUntil is the first instance tick at which portals work for this
	// entity.
	guardUntil uint32
	// arrivalMove is the direction a player was holding when it arrived
	// through a portal, until its input moves otherwise (then DirNone):
	// portals ignore a player still holding it, so that walking on
	// through the arrival does not lead straight back out.
	arrivalMove protocol.Direction
	// phase spreads a player's periodic work over the ticks: its view is
	// searched on the ticks where (tick - phase) % ScanEvery == 0, and it
	// is autosaved on those where (tick - phase) % AutosaveTicks == 0.
	phase uint32
	// removed is set when the entity has left the instance.
	removed bool

	// What replication reads of every candidate, together: the fields
	// above hold the position, these the rest.
	dirChanged   uint32 // instance tick of the last direction change
	propsChanged uint32 // instance tick at which changes was set
	// marks say which replicated client knows this entity: one per
	// replication part (see entityMark).
	marks   [MaxParts]entityMark
	changes []protocol.Prop
	// notified is the instance tick at which the observers were last told
	// that the entity changed.
	notified uint32
	// observers are the viewers that know the entity, each with its
	// handle there: those told when it changes or leaves, so that a
	// snapshot between two searches looks only at what changed instead of
	// at everything its client knows. Step keeps the list from the
	// viewers' logs (viewer.joined, viewer.left), so that the parts of a
	// replication never write it.
	observers []observer

	// props caches the spawn properties, built at most once a tick for
	// propsTick. Parts replicating at once share it, under propsMu.
	propsMu   sync.Mutex
	propsTick uint32
	props     []protocol.Prop
}

// spawnProps returns every replicated property of e as of the end of tick.
// The slice stays unchanged for the rest of the tick. It is safe to call
// from the parts replicating one instance.
func (e *entity) spawnProps(tick uint32) []protocol.Prop {
	e.propsMu.Lock()
	defer e.propsMu.Unlock()
	if e.propsTick == tick && e.props != nil {
		return e.props
	}
	e.props = append(e.props[:0],
		protocol.IntProp(protocol.PropX, int64(e.pos.X)),
		protocol.IntProp(protocol.PropY, int64(e.pos.Y)),
		protocol.IntProp(protocol.PropDir, int64(e.dir)),
		protocol.IntProp(protocol.PropSpeed, int64(e.speed)),
		protocol.TextProp(protocol.PropName, e.name),
		protocol.IntProp(protocol.PropSprite, int64(e.sprite)),
		protocol.IntProp(protocol.PropLevel, int64(e.level)),
		protocol.IntProp(protocol.PropHP, int64(e.hp)),
		protocol.IntProp(protocol.PropMaxHP, int64(e.stats.MaxHP)),
	)
	if e.dead {
		e.props = append(e.props, protocol.IntProp(protocol.PropAnim, int64(protocol.AnimDead)))
	}
	e.propsTick = tick
	return e.props
}

// setProps records that e's properties props changed this tick, for the
// viewers that know it.
func (in *Instance) setProps(e *entity, props ...protocol.Prop) {
	if e.propsChanged != in.tick {
		e.propsChanged = in.tick
		e.changes = e.changes[:0]
	}
	for _, p := range props {
		if i := slices.IndexFunc(e.changes, func(c protocol.Prop) bool { return c.ID == p.ID }); i >= 0 {
			e.changes[i] = p
		} else {
			e.changes = append(e.changes, p)
		}
	}
	in.changed(e)
}

// pendingEvent is an event for a viewer's next snapshot, about entity e
// under handle h there (e nil: about the viewer's own player).
type pendingEvent struct {
	e  *entity
	h  uint16
	ev protocol.Event
}

// announce queues ev about e for e's own client (as subject 0) and for
// every client that knows e.
func (in *Instance) announce(e *entity, ev protocol.Event) {
	if e.view != nil {
		e.view.events = append(e.view.events, pendingEvent{ev: ev})
	}
	for _, o := range e.observers {
		v := in.viewers[o.v]
		v.events = append(v.events, pendingEvent{e: e, h: o.h, ev: ev})
	}
}

// tellOwn queues ev for e's own client only.
func tellOwn(e *entity, ev protocol.Event) {
	if e.view != nil {
		e.view.events = append(e.view.events, pendingEvent{ev: ev})
	}
}

// observer is a viewer that knows an entity, and the entity's handle in it.
// The viewer is named by its index in Instance.viewers, so that an entry
// takes 8 bytes: an entity in a crowd has a couple of hundred.
type observer struct {
	v int32
	h uint16
}

// viewEntry is an entity a viewer took in or let go of, and its handle.
type viewEntry struct {
	e *entity
	h uint16
}

// viewer is what one client knows of its instance: which entities are in
// its view, under which handles, and what it was last told about itself.
// It is reset on every map change.
type viewer struct {
	id      int32     // its index in Instance.viewers
	handles []*entity // by handle; nil marks a free handle
	lowFree int       // no handle below it is free
	known   int       // handles in use

	ownSent rules.Vec // the last own position the client was sent
	scanned bool      // the view has been searched at least once
	// wasFull is set when the view reached its most visible entities,
	// and cleared by a search that looks for newcomers; deferred counts
	// the searches skipped since that search (see nearlyFull).
	wasFull  bool
	deferred int
	sent     bool   // a snapshot was sent since the view began
	sentTick uint32 // the player tick of the last snapshot sent

	// told holds the handles of the entities that changed or left since
	// the last snapshot (Instance.notify fills it); joined and left log
	// the handles assigned and freed since the last Step, which moves
	// them into the entities' observers.
	told   []uint16
	joined []viewEntry
	left   []viewEntry

	// events wait for the next snapshot; vitals are the own vitals
	// the client was last sent (-1: never).
	events []pendingEvent
	vitals [numVitals]int64

	buf       []byte // the last snapshot encoded, reused every tick
	bodyBytes int    // of buf, beyond the snapshot's fixed header

	// Counted each tick for the benchmark and metrics.
	visible, moving int
}

// newViewer returns a viewer for a client at own, listed in in.viewers.
func (in *Instance) newViewer(own rules.Vec) *viewer {
	v := &viewer{ownSent: own}
	for i := range v.vitals {
		v.vitals[i] = -1
	}
	if n := len(in.freeViewers); n > 0 {
		v.id = in.freeViewers[n-1]
		in.freeViewers = in.freeViewers[:n-1]
		in.viewers[v.id] = v
	} else {
		v.id = int32(len(in.viewers))
		in.viewers = append(in.viewers, v)
	}
	return v
}

// dropViewer drops v, whose player leaves the instance, from the
// observers of everything it knows and from in.viewers.
func (in *Instance) dropViewer(v *viewer) {
	v.applyLogs()
	for h, e := range v.handles {
		if e != nil {
			e.unobserve(v.id, uint16(h))
		}
	}
	in.viewers[v.id] = nil
	in.freeViewers = append(in.freeViewers, v.id)
}

// assign gives e the lowest free handle.
func (v *viewer) assign(e *entity) uint16 {
	v.known++
	h := v.lowFree
	for h < len(v.handles) && v.handles[h] != nil {
		h++
	}
	if h == len(v.handles) {
		v.handles = append(v.handles, e)
	} else {
		v.handles[h] = e
	}
	v.lowFree = h + 1
	v.joined = append(v.joined, viewEntry{e, uint16(h)})
	return uint16(h)
}

// free releases handle h.
func (v *viewer) free(h int) {
	v.left = append(v.left, viewEntry{v.handles[h], uint16(h)})
	v.known--
	v.handles[h] = nil
	v.lowFree = min(v.lowFree, h)
}

// applyViewLogs moves what every viewer took in and let go of since the
// last Step into the entities' observers.
func (in *Instance) applyViewLogs() {
	for _, e := range in.entities {
		e.view.applyLogs()
	}
}

// applyLogs moves what v took in and let go of into the entities'
// observers.
func (v *viewer) applyLogs() {
	for _, l := range v.left {
		l.e.unobserve(v.id, l.h)
	}
	for _, j := range v.joined {
		j.e.observers = append(j.e.observers, observer{v.id, j.h})
	}
	v.left, v.joined = trimLog(v.left), trimLog(v.joined)
}

// maxKeptLog is the most entries a viewer's log keeps room for once
// applied: a crowd's arrival grows it, and an idle player keeps little.
const maxKeptLog = 8

func trimLog(l []viewEntry) []viewEntry {
	if cap(l) > maxKeptLog {
		return nil
	}
	clear(l)
	return l[:0]
}

// unobserve drops viewer v, which knew e under handle h, from e's
// observers.
func (e *entity) unobserve(v int32, h uint16) {
	for i, o := range e.observers {
		if o.v == v && o.h == h {
			last := len(e.observers) - 1
			e.observers[i] = e.observers[last]
			e.observers[last] = observer{}
			e.observers = e.observers[:last]
			return
		}
	}
}

// notify tells every viewer that knows e to look at it in its next
// snapshot.
func (in *Instance) notify(e *entity) {
	for _, o := range e.observers {
		v := in.viewers[o.v]
		v.told = append(v.told, o.h)
	}
}

// changed tells the viewers that know e that it changed this tick: at
// most once a tick, so that a snapshot tells each change once.
func (in *Instance) changed(e *entity) {
	if e.notified != in.tick {
		e.notified = in.tick
		in.notify(e)
	}
}

// viewRect returns the rectangle around p reaching half in each direction.
func viewRect(p, half rules.Vec) rules.Rect {
	return rules.Rect{
		Min: rules.Vec{X: p.X - half.X, Y: p.Y - half.Y},
		Max: rules.Vec{X: p.X + half.X, Y: p.Y + half.Y},
	}
}

// MaxParts caps how many parts one instance's replication may be split
// into (see Replicate).
const MaxParts = 8

// Parts returns how many parts to split the replication of the instance's
// players into, given workers goroutines and the fewest players worth a
// part of their own (share): at least 1, at most MaxParts.
func (in *Instance) Parts(workers, share int) int {
	return min(max(workers, 1), MaxParts, max(len(in.entities)/max(share, 1), 1))
}

// Replicate encodes this tick's snapshot for every player of part (0 ≤
// part < parts ≤ MaxParts) and returns them, one message per player; their
// bytes stay valid until the next Step. A player with nothing to be told
// this tick (see Config.QuietTicks) gets a message with nil Bytes: send it
// nothing. Call it after Step, once for each part. The parts of one
// tick may run at the same time on different goroutines: while they run,
// the instance's state is only read (but for the entities' spawn-property
// caches, which lock), and each part writes only its own players' viewers
// and its own marks.
func (in *Instance) Replicate(part, parts int) []Message {
	for len(in.parts) < parts {
		in.parts = append(in.parts, &replicator{index: len(in.parts)})
	}
	r := in.parts[part]
	n := len(in.entities)
	per := (n + parts - 1) / parts
	clients := in.entities[min(part*per, n):min((part+1)*per, n)]
	r.out = r.out[:0]
	for _, e := range clients {
		r.out = append(r.out, Message{e.p, in.snapshot(e, r)})
	}
	return r.out
}

// replicator is one part of a tick's replication: its index into each
// entity's marks, the stamp of the client at hand, and its output. Stamps,
// one per client replicated, tell the current client's marks from earlier
// ones without clearing them.
type replicator struct {
	index int
	stamp uint32
	out   []Message
	// Scratch for the client at hand, shared by the part's clients so
	// that an idle client keeps none.
	snap   protocol.Snapshot
	spawns []candidate // entities entering the view
}

// entityMark says that the client with stamp known knows an entity, under
// handle, and whether the client with stamp seen saw it this tick. Each
// entity has one per part, so parts never write the same mark; the marks
// live in the entity, next to what every candidate's check reads, because a
// lookup in a separate table costs a cache miss per candidate.
type entityMark struct {
	known, seen uint32
	handle      uint16
}

// next returns the stamp for the next client. When the stamps run out
// (after some 4 billion clients, half a day of 5,000 players) it clears its
// marks in every entity and starts over, so that an old mark can never pass
// for a new one.
func (r *replicator) next(entities []*entity) uint32 {
	r.stamp++
	if r.stamp == 0 {
		for _, e := range entities {
			e.marks[r.index] = entityMark{}
		}
		r.stamp = 1
	}
	return r.stamp
}

// snapshot encodes this tick's Snapshot for the client of self, updating
// what the viewer knows, with r's scratch. An entity enters the view
// inside SpawnHalf and leaves it only beyond KeepHalf, so one standing on
// the edge does not flicker. At most MaxSpawns entities enter per
// snapshot, nearest first.
func (in *Instance) snapshot(self *entity, r *replicator) []byte {
	v := self.view
	s := &r.snap
	p := self.p
	*s = protocol.Snapshot{
		Tick:     p.tick,
		Despawns: s.Despawns[:0],
		Spawns:   s.Spawns[:0],
		Moves:    s.Moves[:0],
		Changes:  s.Changes[:0],
		Vitals:   s.Vitals[:0],
		Events:   s.Events[:0],
	}
	if p.acked && p.ackAt == p.tick {
		s.HasAck, s.Ack = true, p.inputs.Current().Seq
	}
	if self.pos != v.ownSent {
		s.HasOwn = true
		s.OwnDX, s.OwnDY = self.pos.X-v.ownSent.X, self.pos.Y-v.ownSent.Y
		v.ownSent = self.pos
	}
	scanEvery := uint32(cmp.Or(in.cfg.ScanEvery, DefaultScanEvery))
	if v.scanned && (in.tick-self.phase)%scanEvery != 0 {
		in.update(v, s)
		return in.encode(self, v, s)
	}
	v.told = v.told[:0] // a search looks at everything
	v.scanned = true
	v.visible, v.moving = 0, 0
	maxVisible := cmp.Or(in.cfg.MaxVisible, DefaultMaxVisible)
	keep := viewRect(self.pos, in.cfg.KeepHalf)
	if v.known >= maxVisible {
		v.wasFull = true
	}
	if v.known >= maxVisible || v.wasFull && v.known >= nearlyFull(maxVisible) && v.deferred < maxDeferredSearches {
		// No room for anyone new, or little in a view that was full: check
		// only those the client knows, so that a crowd costs what its
		// visible part costs.
		if v.known < maxVisible {
			v.deferred++
		}
		in.recheck(v, s, keep)
		return in.encode(self, v, s)
	}
	v.wasFull, v.deferred = false, 0
	// Mark the entities this client knows.
	stamp, mine, tick := r.next(in.entities), r.index, in.tick
	for h, e := range v.handles {
		if e != nil {
			e.marks[mine].known, e.marks[mine].handle = stamp, uint16(h)
		}
	}
	spawn := viewRect(self.pos, in.cfg.SpawnHalf)
	r.spawns = r.spawns[:0]
	in.grid.query(keep, func(e *entity) {
		if e == self || !keep.Contains(e.pos) {
			return // the grid's cells reach beyond the rectangle
		}
		m := &e.marks[mine]
		if m.known != stamp {
			if spawn.Contains(e.pos) {
				r.spawns = append(r.spawns, candidate{e, distance2(e.pos, self.pos)})
			}
			return
		}
		m.seen = stamp
		in.tell(s, int(m.handle), e)
		v.count(e)
	})
	for h, e := range v.handles {
		if e != nil && e.marks[mine].seen != stamp {
			s.Despawns = append(s.Despawns, uint32(h))
			v.free(h)
		}
	}
	if limit := min(cmp.Or(in.cfg.MaxSpawns, DefaultMaxSpawns), maxVisible-v.known); len(r.spawns) > limit {
		nearest(r.spawns, limit)
		r.spawns = r.spawns[:limit]
	}
	for _, c := range r.spawns {
		e := c.e
		h := v.assign(e)
		s.Spawns = append(s.Spawns, protocol.EntityProps{Handle: uint32(h), Props: e.spawnProps(tick)})
		v.count(e)
	}
	if cap(r.spawns) > max(maxKeptScratch, 2*len(in.entities)) {
		r.spawns = nil // a crowd left; do not keep room for it
	}
	return in.encode(self, v, s)
}

// A view that was full and has lost a few of its entities, as happens all
// the time in a moving crowd, searches for newcomers only every
// maxDeferredSearches+1 searches while it holds at least nearlyFull of its
// most visible: each such search looks at the whole crowd to add a
// handful. One that falls below searches at once; one filling up from
// empty is not slowed.
const maxDeferredSearches = 3

// nearlyFull is the fewest entities a view that was full keeps between
// its searches for newcomers: seven eighths of maxVisible.
func nearlyFull(maxVisible int) int { return maxVisible - maxVisible/8 }

// recheck fills s for a search of a full view: the entities v knows that
// left the instance or the keep rectangle are despawned, and what changed
// about the others is told.
func (in *Instance) recheck(v *viewer, s *protocol.Snapshot, keep rules.Rect) {
	v.visible, v.moving = 0, 0
	for h, e := range v.handles {
		switch {
		case e == nil:
		case e.removed || !keep.Contains(e.pos):
			s.Despawns = append(s.Despawns, uint32(h))
			v.free(h)
		default:
			in.tell(s, h, e)
			v.count(e)
		}
	}
}

// update fills s with what changed since the last snapshot about the
// entities v knows, without searching the view: the snapshot between two
// searches. It looks only at the entities that told v they changed or
// left; the visible counts stand as the last search found them.
func (in *Instance) update(v *viewer, s *protocol.Snapshot) {
	for _, h := range v.told {
		switch e := v.handles[h]; {
		case e == nil: // told twice: it left, and was despawned already
		case e.removed:
			s.Despawns = append(s.Despawns, uint32(h))
			v.free(int(h))
		default:
			in.tell(s, int(h), e)
		}
	}
	v.told = v.told[:0]
}

// tell fills s with what changed this tick about e, known under handle h.
func (in *Instance) tell(s *protocol.Snapshot, h int, e *entity) {
	if e.dirChanged == in.tick {
		s.Moves = append(s.Moves, protocol.Move{Handle: uint32(h), Dir: protocol.Direction(e.dir)})
	}
	if e.propsChanged == in.tick {
		s.Changes = append(s.Changes, protocol.EntityProps{Handle: uint32(h), Props: e.changes})
	}
}

// maxKeptScratch is the most spawn candidates a part keeps room for
// between searches in an instance of few entities. In a crowd it keeps
// room for the instance's entities, twice over at most (append's growth):
// with every view full, each search that looks for newcomers finds most of
// the crowd again, and growing the scratch anew each time cost a tenth of
// the process at 1,000 walkers (allocation and garbage collection).
const maxKeptScratch = 128

// encode encodes the viewer's snapshot, or returns nil when it carries
// nothing and the client had one within Config.QuietTicks: the client steps
// the entities through the ticks it is not sent (docs/protocol.md).
func (in *Instance) encode(self *entity, v *viewer, s *protocol.Snapshot) []byte {
	tick := self.p.tick
	s.Vitals = v.changedVitals(self, s.Vitals)
	for _, pe := range v.events {
		ev := pe.ev
		if pe.e != nil {
			if int(pe.h) >= len(v.handles) || v.handles[pe.h] != pe.e {
				continue // it left the view (or was never in it)
			}
			ev.Subject = protocol.OfHandle(uint32(pe.h))
		}
		s.Events = append(s.Events, ev)
	}
	if cap(v.events) > maxKeptEvents {
		v.events = nil
	} else {
		clear(v.events)
		v.events = v.events[:0]
	}
	if len(s.Spawns) == 0 && cap(v.buf) > maxKeptBuf {
		// The burst of spawns that grew it is over: an idle player keeps
		// little.
		v.buf = nil
	}
	quiet := uint32(cmp.Or(in.cfg.QuietTicks, DefaultQuietTicks))
	if v.sent && tick-v.sentTick < quiet && !s.HasAck && !s.HasOwn &&
		len(s.Despawns)+len(s.Spawns)+len(s.Moves)+len(s.Changes)+len(s.Vitals)+len(s.Events) == 0 {
		return nil
	}
	v.sent, v.sentTick = true, tick
	v.buf = s.Append(v.buf[:0])
	v.bodyBytes = len(v.buf) - snapshotHeaderLen(s)
	return v.buf
}

// maxKeptBuf is the largest snapshot buffer a viewer keeps once no more
// spawns come.
const maxKeptBuf = 512

// maxKeptEvents is the most events a viewer keeps room for between
// snapshots once a fight around it is over.
const maxKeptEvents = 16

// The own vitals a snapshot carries, in viewer.vitals order.
const (
	vitalHP = iota
	vitalMaxHP
	vitalMP
	vitalMaxMP
	vitalLevel
	vitalXP
	numVitals
)

var vitalProps = [numVitals]protocol.PropID{protocol.PropHP, protocol.PropMaxHP, protocol.PropMP, protocol.PropMaxMP, protocol.PropLevel, protocol.PropXP}

// changedVitals appends to props the own vitals of self that differ from
// what v last sent, and records them as sent.
func (v *viewer) changedVitals(self *entity, props []protocol.Prop) []protocol.Prop {
	now := [numVitals]int64{int64(self.hp), int64(self.stats.MaxHP), int64(self.mp), int64(self.stats.MaxMP), int64(self.level), int64(self.xp)}
	for i, val := range now {
		if val != v.vitals[i] {
			v.vitals[i] = val
			props = append(props, protocol.IntProp(vitalProps[i], val))
		}
	}
	return props
}

// count counts e as visible to the viewer this tick.
func (v *viewer) count(e *entity) {
	v.visible++
	if e.dir != rules.DirNone {
		v.moving++
	}
}

// candidate is an entity about to enter a client's view, and its squared
// distance from the client.
type candidate struct {
	e  *entity
	d2 int64
}

// nearest reorders cs so that its first k hold the k nearest, in no
// particular order: a quickselect, linear on average, for crowds where
// hundreds wait to enter a view.
func nearest(cs []candidate, k int) {
	lo, hi := 0, len(cs)-1
	for lo < hi {
		pivot := cs[lo+(hi-lo)/2].d2
		i, j := lo, hi
		for i <= j {
			for cs[i].d2 < pivot {
				i++
			}
			for cs[j].d2 > pivot {
				j--
			}
			if i <= j {
				cs[i], cs[j] = cs[j], cs[i]
				i++
				j--
			}
		}
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			return
		}
	}
}

// distance2 is the squared distance between a and b, in subpixels².
func distance2(a, b rules.Vec) int64 {
	dx, dy := int64(a.X-b.X), int64(a.Y-b.Y)
	return dx*dx + dy*dy
}

// ViewStats is what the clients of an instance were sent in its last tick.
type ViewStats struct {
	// Visible and Moving count the entities in every client's view, and
	// those of them moving, summed over clients.
	Visible, Moving int64
	// BodyBytes is the snapshot bytes beyond each snapshot's fixed header
	// (type, tick, flags, ack and own position): spawns, despawns, moves
	// and changes, handles included.
	BodyBytes int64
}

// ViewStats sums what the last tick's Replicate calls sent. Call it after
// they have all returned.
func (in *Instance) ViewStats() ViewStats {
	var st ViewStats
	for _, e := range in.entities {
		v := e.view
		st.Visible += int64(v.visible)
		st.Moving += int64(v.moving)
		st.BodyBytes += int64(v.bodyBytes)
	}
	return st
}

// snapshotHeaderLen is the size of s's fixed part: type, tick, flags, ack
// and own position.
func snapshotHeaderLen(s *protocol.Snapshot) int {
	n := 2 + wire.SizeUvarint(uint64(s.Tick))
	if s.HasAck {
		n += wire.SizeUvarint(uint64(s.Ack))
	}
	if s.HasOwn {
		n += wire.SizeVarint(int64(s.OwnDX)) + wire.SizeVarint(int64(s.OwnDY))
	}
	return n
}
