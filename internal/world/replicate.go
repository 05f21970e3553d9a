package world

import (
	"cmp"
	"sync"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// viewer is what one client knows of its instance: which entities are in
// its view, under which handles, and what it was last told about itself.
// It is owned by the instance's goroutine and reset on every map change.
type viewer struct {
	handles []*entity // by handle; nil marks a free handle

	ownSent rules.Vec // the last own position the client was sent

	snap protocol.Snapshot // scratch, reused every tick
	buf  []byte            // scratch, reused every tick

	// Counted each tick for the benchmark and metrics.
	visible, moving int
}

func newViewer(own rules.Vec) *viewer {
	return &viewer{ownSent: own}
}

// assign gives e the lowest free handle.
func (v *viewer) assign(e *entity) uint16 {
	for h, known := range v.handles {
		if known == nil {
			v.handles[h] = e
			return uint16(h)
		}
	}
	v.handles = append(v.handles, e)
	return uint16(len(v.handles) - 1)
}

// viewRect returns the rectangle around p reaching half in each direction.
func viewRect(p, half rules.Vec) rules.Rect {
	return rules.Rect{
		Min: rules.Vec{X: p.X - half.X, Y: p.Y - half.Y},
		Max: rules.Vec{X: p.X + half.X, Y: p.Y + half.Y},
	}
}

// defaultReplicatorShare is the fewest clients worth a replicating
// goroutine of their own: below it, starting one costs more than it saves.
const defaultReplicatorShare = 1000

// replicate sends every client its snapshot of this tick. A large instance
// shares its clients among up to cfg.replicators goroutines, so one
// instance can use every core: while they run, the instance's state is
// only read (but for the entities' spawn-properties caches, which lock),
// and each goroutine owns its clients' viewers and one replicator.
func (in *instance) replicate() {
	n := len(in.entities)
	workers := min(max(in.cfg.replicators, 1), maxReplicators, max(n/cmp.Or(in.cfg.replicatorShare, defaultReplicatorShare), 1))
	for len(in.replicators) < workers {
		in.replicators = append(in.replicators, &replicator{index: len(in.replicators)})
	}
	share := func(clients []*entity, r *replicator) {
		for _, e := range clients {
			e.p.out.deliver(in.snapshot(e, r))
		}
	}
	if workers == 1 {
		share(in.entities, in.replicators[0])
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for w := range workers {
		clients, r := in.entities[min(w*per, n):min((w+1)*per, n)], in.replicators[w]
		wg.Go(func() { share(clients, r) })
	}
	wg.Wait()
}

// maxReplicators caps the goroutines replicating one instance.
const maxReplicators = 8

// replicator is a goroutine replicating clients: its index into each
// entity's marks, and the stamp of the client at hand. Stamps, one per
// client replicated, tell the current client's marks from earlier ones
// without clearing them.
type replicator struct {
	index int
	stamp uint32
}

// entityMark says that the client with stamp known knows an entity, under
// handle, and whether the client with stamp seen saw it this tick. Each
// entity has one per replicator, so replicators never write the same mark;
// the marks live in the entity, next to what every candidate's check
// reads, because a lookup in a separate table costs a cache miss per
// candidate.
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

// snapshot encodes tick's Snapshot for the client of self, updating what
// the viewer knows, with r's scratch. An entity enters the view inside
// spawnHalf and leaves it only beyond keepHalf, so one standing on the edge
// does not flicker.
func (in *instance) snapshot(self *entity, r *replicator) []byte {
	v := self.view
	s := &v.snap
	*s = protocol.Snapshot{
		Tick:     self.p.tick,
		Despawns: s.Despawns[:0],
		Spawns:   s.Spawns[:0],
		Moves:    s.Moves[:0],
		Changes:  s.Changes[:0],
	}
	if self.acked {
		s.HasAck, s.Ack = true, self.p.queue.Current().Seq
	}
	if self.pos != v.ownSent {
		s.HasOwn = true
		s.OwnDX, s.OwnDY = self.pos.X-v.ownSent.X, self.pos.Y-v.ownSent.Y
		v.ownSent = self.pos
	}
	// Mark the entities this client knows.
	stamp, mine, tick := r.next(in.entities), r.index, in.tick
	for h, e := range v.handles {
		if e != nil {
			e.marks[mine].known, e.marks[mine].handle = stamp, uint16(h)
		}
	}
	spawn := viewRect(self.pos, in.cfg.spawnHalf)
	keep := viewRect(self.pos, in.cfg.keepHalf)
	v.visible, v.moving = 0, 0
	in.grid.query(keep, func(e *entity) {
		if e == self || !keep.Contains(e.pos) {
			return // the grid's cells reach beyond the rectangle
		}
		m := &e.marks[mine]
		if m.known == stamp {
			h := m.handle
			if e.dirChanged == tick {
				s.Moves = append(s.Moves, protocol.Move{Handle: uint32(h), Dir: protocol.Direction(e.dir)})
			}
			if e.propsChanged == tick {
				s.Changes = append(s.Changes, protocol.EntityProps{Handle: uint32(h), Props: e.changes})
			}
		} else {
			if !spawn.Contains(e.pos) {
				return
			}
			h := v.assign(e)
			s.Spawns = append(s.Spawns, protocol.EntityProps{Handle: uint32(h), Props: e.spawnProps(tick)})
		}
		m.seen = stamp
		v.visible++
		if e.dir != rules.DirNone {
			v.moving++
		}
	})
	for h, e := range v.handles {
		if e != nil && e.marks[mine].seen != stamp {
			s.Despawns = append(s.Despawns, uint32(h))
			v.handles[h] = nil
		}
	}
	v.buf = s.Append(v.buf[:0])
	out := make([]byte, len(v.buf))
	copy(out, v.buf)
	return out
}
