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

// missedHeartbeats is how many heartbeat intervals a world or gateway may
// stay silent before it leaves its list.
const missedHeartbeats = 3

// registry is a set of live peers (worlds, gateways) by key, learned from
// their heartbeats: a peer silent for missedHeartbeats of its intervals
// leaves it. Safe for concurrent use.
type registry[T any] struct {
	mu    sync.Mutex // guards peers
	peers map[string]registered[T]
}

type registered[T any] struct {
	last     T         // the last heartbeat
	deadline time.Time // the peer is gone after this
}

func newRegistry[T any]() *registry[T] {
	return &registry[T]{peers: make(map[string]registered[T])}
}

// update records key's heartbeat hb, received at now, which promises the
// next within interval (bounded to 100 ms to 3 s).
func (r *registry[T]) update(key string, hb T, interval time.Duration, now time.Time) {
	interval = min(max(interval, 100*time.Millisecond), 3*time.Second)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.peers[key] = registered[T]{last: hb, deadline: now.Add(missedHeartbeats * interval)}
}

// lookup returns the last heartbeat of the live peer key.
func (r *registry[T]) lookup(key string, now time.Time) (T, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.peers[key]
	if !ok || now.After(p.deadline) {
		delete(r.peers, key)
		var zero T
		return zero, false
	}
	return p.last, true
}

// list returns the live peers' last heartbeats ordered by key, forgetting
// the silent ones.
func (r *registry[T]) list(now time.Time) []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	keys := make([]string, 0, len(r.peers))
	for key, p := range r.peers {
		if now.After(p.deadline) {
			delete(r.peers, key)
			continue
		}
		keys = append(keys, key)
	}
	slices.SortFunc(keys, strings.Compare)
	out := make([]T, len(keys))
	for i, key := range keys {
		out[i] = r.peers[key].last
	}
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
	m.worlds.update(hb.World.ID, hb, hb.Interval, time.Now())
}

func (m *Master) onGatewayHeartbeat(msg *nats.Msg) {
	var hb cluster.GatewayHeartbeat
	if err := json.Unmarshal(msg.Data, &hb); err != nil || hb.Addr == "" || len(hb.Addr) > 256 {
		m.log.Warn("master: ignoring malformed gateway heartbeat", "err", err)
		return
	}
	if _, known := m.gateways.lookup(hb.Addr, time.Now()); !known {
		m.log.Info("gateway registered", "addr", hb.Addr)
	}
	m.gateways.update(hb.Addr, hb, hb.Interval, time.Now())
}

// liveWorlds returns the world list: the live worlds by id.
func (m *Master) liveWorlds(now time.Time) []api.World {
	hbs := m.worlds.list(now)
	out := make([]api.World, len(hbs))
	for i, hb := range hbs {
		out[i] = hb.World
	}
	return out
}

// WorldOnline reports whether world id is in the world list.
func (m *Master) WorldOnline(id string) bool {
	_, ok := m.worlds.lookup(id, time.Now())
	return ok
}
