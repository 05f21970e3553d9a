package master

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
)

// missedHeartbeats is how many heartbeat intervals a world may stay silent
// before it leaves the world list.
const missedHeartbeats = 3

// registry is the set of live worlds, learned from their heartbeats. Safe
// for concurrent use.
type registry struct {
	mu     sync.Mutex // guards worlds
	worlds map[string]registered
}

type registered struct {
	hb       cluster.Heartbeat
	deadline time.Time // the world is gone after this
}

func newRegistry() *registry {
	return &registry{worlds: make(map[string]registered)}
}

// update records a heartbeat received at now.
func (r *registry) update(hb cluster.Heartbeat, now time.Time) {
	interval := min(max(hb.Interval, 100*time.Millisecond), 3*time.Second)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.worlds[hb.World.ID] = registered{hb: hb, deadline: now.Add(missedHeartbeats * interval)}
}

// lookup returns the live world id.
func (r *registry) lookup(id string, now time.Time) (api.World, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.worlds[id]
	if !ok || now.After(w.deadline) {
		delete(r.worlds, id)
		return api.World{}, false
	}
	return w.hb.World, true
}

// list returns the live worlds ordered by id, forgetting the silent ones.
func (r *registry) list(now time.Time) []api.World {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]api.World, 0, len(r.worlds))
	for id, w := range r.worlds {
		if now.After(w.deadline) {
			delete(r.worlds, id)
			continue
		}
		out = append(out, w.hb.World)
	}
	slices.SortFunc(out, func(a, b api.World) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (m *Master) onHeartbeat(msg *nats.Msg) {
	var hb cluster.Heartbeat
	if err := json.Unmarshal(msg.Data, &hb); err != nil || !cluster.ValidWorldID(hb.World.ID) {
		m.log.Warn("master: ignoring malformed heartbeat", "err", err)
		return
	}
	if _, known := m.worlds.lookup(hb.World.ID, time.Now()); !known {
		m.log.Info("world registered", "id", hb.World.ID, "name", hb.World.Name)
	}
	m.worlds.update(hb, time.Now())
}

// WorldOnline reports whether world id is in the world list.
func (m *Master) WorldOnline(id string) bool {
	_, ok := m.worlds.lookup(id, time.Now())
	return ok
}
