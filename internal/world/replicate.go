package world

import (
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// viewer is what one client knows of its instance: which entities are in
// its view, under which handles, and what it was last told about itself.
// It is owned by the instance's goroutine and reset on every map change.
type viewer struct {
	handles []*entity // by handle; nil marks a free handle

	ownSent rules.Vec // the last own position the client was sent
	ackSent uint32    // the last Ack sent
	ackSet  bool      // whether any Ack was sent

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

// snapshot encodes tick's Snapshot for the client of self, updating what
// the viewer knows. An entity enters the view inside spawnHalf and leaves
// it only beyond keepHalf, so one standing on the edge does not flicker.
func (in *instance) snapshot(self *entity) []byte {
	v := self.view
	s := &v.snap
	*s = protocol.Snapshot{
		Tick:     in.tick,
		Despawns: s.Despawns[:0],
		Spawns:   s.Spawns[:0],
		Moves:    s.Moves[:0],
		Changes:  s.Changes[:0],
	}
	if ack := self.p.ack; !v.ackSet || v.ackSent != ack {
		s.HasAck, s.Ack = true, ack
		v.ackSent, v.ackSet = ack, true
	}
	if self.pos != v.ownSent {
		s.HasOwn = true
		s.OwnDX, s.OwnDY = self.pos.X-v.ownSent.X, self.pos.Y-v.ownSent.Y
		v.ownSent = self.pos
	}
	// Mark the entities this client knows, in the entities themselves: a
	// lookup per candidate in a per-client table would miss the cache on
	// every candidate, as each client's table is cold by its turn.
	in.mark++
	stamp := in.mark
	for h, e := range v.handles {
		if e != nil {
			e.markStamp, e.markHandle = stamp, uint16(h)
		}
	}
	spawn := viewRect(self.pos, in.cfg.spawnHalf)
	keep := viewRect(self.pos, in.cfg.keepHalf)
	v.visible, v.moving = 0, 0
	in.grid.query(keep, func(e *entity) {
		if e == self || !keep.Contains(e.pos) {
			return // the grid's cells reach beyond the rectangle
		}
		if e.markStamp == stamp {
			h := e.markHandle
			if e.dirChanged == in.tick {
				s.Moves = append(s.Moves, protocol.Move{Handle: uint32(h), Dir: protocol.Direction(e.dir)})
			}
			if e.propsChanged == in.tick {
				s.Changes = append(s.Changes, protocol.EntityProps{Handle: uint32(h), Props: e.changes})
			}
		} else {
			if !spawn.Contains(e.pos) {
				return
			}
			h := v.assign(e)
			s.Spawns = append(s.Spawns, protocol.EntityProps{Handle: uint32(h), Props: e.spawnProps(in.tick)})
		}
		e.seenStamp = stamp
		v.visible++
		if e.dir != rules.DirNone {
			v.moving++
		}
	})
	for h, e := range v.handles {
		if e != nil && e.seenStamp != stamp {
			s.Despawns = append(s.Despawns, uint32(h))
			v.handles[h] = nil
		}
	}
	v.buf = s.Append(v.buf[:0])
	out := make([]byte, len(v.buf))
	copy(out, v.buf)
	return out
}
