package world

import (
	"time"

	"github.com/tinymmo/tinymmo/internal/store"
)

// stampSaveVersions gives each character a save version greater than any
// this server has stamped before, just before it is written, so the store's
// version check keeps today's order (the last write wins) until the world
// saves through internal/saver, which versions snapshots when they are
// taken. Versions start from the wall clock in nanoseconds so they also
// exceed those written before a restart.
func (s *Server) stampSaveVersions(cs []store.Character) {
	for i := range cs {
		now := time.Now().UnixNano()
		for {
			last := s.saveVersion.Load()
			v := max(now, last+1)
			if s.saveVersion.CompareAndSwap(last, v) {
				cs[i].Version = v
				break
			}
		}
	}
}
