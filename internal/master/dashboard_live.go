package master

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
)

// Live feed timing and sizes.
const (
	liveEvery      = time.Second
	liveHistory    = 600 // samples kept for the charts: 10 minutes
	liveAuditLines = 20
	liveChatLines  = 20
	// worldStatusTimeout bounds one world's answer, so that a stuck world
	// does not hold up the feed.
	worldStatusTimeout = 800 * time.Millisecond
)

// liveFeed gathers the cluster's figures once a second (run) and hands
// them to the dashboard's event streams (serve). run owns the sampling;
// the last event and the history it publishes are guarded by mu.
//
// The charts' samples are gathered whether or not anybody watches, so
// that a dashboard opened later has its history. The list of players in
// the game, which costs the worlds far more to gather and encode, is
// asked for only while a stream is open.
type liveFeed struct {
	m *Master

	watchers atomic.Int32  // open event streams
	wake     chan struct{} // a stream that opened unwatched asks run for an event at once

	mu      sync.Mutex
	latest  []byte        // the last event, as JSON; nil before the first
	listed  bool          // latest lists the players
	changed chan struct{} // closed and replaced when latest changes
	history [liveHistory]sample
	next    int // where the next sample goes in history
	held    int // samples in history, up to liveHistory

	stopping chan struct{} // closed when the HTTP server shuts down
}

// sample is one second of the charts.
type sample struct {
	Time     int64   `json:"t"` // Unix seconds
	CCU      int     `json:"ccu"`
	BytesIn  float64 `json:"in"`  // per second, from players, every world together
	BytesOut float64 `json:"out"` // per second, to players
	// TickP99 is the slowest world's 99th percentile tick duration over
	// the last second, in milliseconds, to the histogram's bucket bound.
	TickP99 float64 `json:"tick_p99_ms"`
	logins  uint64  // logins since the master started
}

// liveEvent is the message the event stream sends each second.
type liveEvent struct {
	Time            time.Time   `json:"time"`
	CCU             int         `json:"ccu"`
	LoginsPerMinute uint64      `json:"logins_per_minute"`
	Worlds          []liveWorld `json:"worlds"`
	// Gateways are the live gateways' last heartbeats, by address.
	Gateways []cluster.GatewayHeartbeat `json:"gateways"`
	Players  []livePlayer               `json:"players"`
	Audit    []auditLine                `json:"audit"`
	// Chat is the last public chat lines of every world, newest first.
	Chat   []liveSay `json:"chat"`
	Sample sample    `json:"sample"`
}

// liveSay is a public chat line said on World.
type liveSay struct {
	World string `json:"world"`
	cluster.SayStatus
}

// liveWorld is a world as the dashboard shows it. Error says why its
// players and instances are missing, when it did not answer.
type liveWorld struct {
	api.World
	Instances []cluster.InstanceStatus `json:"instances"`
	TickP99   float64                  `json:"tick_p99_ms"` // see sample.TickP99
	Error     string                   `json:"error,omitempty"`
}

// livePlayer is a player in the game on World.
type livePlayer struct {
	World string `json:"world"`
	cluster.PlayerStatus
}

// auditLine is an audit log entry as the dashboard shows it.
type auditLine struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target,omitempty"`
	Reason string    `json:"reason,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

func newLiveFeed(m *Master) *liveFeed {
	return &liveFeed{m: m, wake: make(chan struct{}, 1), changed: make(chan struct{}), stopping: make(chan struct{})}
}

// run samples the cluster every liveEvery until ctx ends.
func (f *liveFeed) run(ctx context.Context) {
	t := time.NewTicker(liveEvery)
	defer t.Stop()
	previous := make(map[string]cluster.WorldStatus) // each world's last answer
	var last time.Time
	for {
		now := time.Now()
		listed := f.watchers.Load() > 0
		ev := f.gather(ctx, now, previous, now.Sub(last), listed)
		last = now
		f.publish(ev, listed)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-f.wake:
		}
	}
}

// gather asks every live world for its status, with its players when
// listed, and builds the event at now. previous holds each world's answer
// at the last sample, elapsed ago, for the rates; gather updates it.
func (f *liveFeed) gather(ctx context.Context, now time.Time, previous map[string]cluster.WorldStatus, elapsed time.Duration, listed bool) liveEvent {
	ev := liveEvent{Time: now.UTC(), Worlds: []liveWorld{}, Players: []livePlayer{}, Audit: []auditLine{}, Chat: []liveSay{},
		Gateways: f.m.gateways.list(now)}
	ev.Sample.Time, ev.Sample.logins = now.Unix(), f.m.logins.Load()
	seen := make(map[string]bool)
	for _, w := range f.m.liveWorlds(now) {
		lw := liveWorld{World: w, Instances: []cluster.InstanceStatus{}}
		wctx, cancel := context.WithTimeout(ctx, worldStatusTimeout)
		st, err := cluster.Request[cluster.WorldStatus](wctx, f.m.nc, cluster.WorldSubject(w.ID, cluster.WorldOpStatus), cluster.StatusRequest{Players: listed})
		cancel()
		if err != nil {
			lw.Error = "did not answer"
			ev.CCU += w.Population
			ev.Worlds = append(ev.Worlds, lw)
			continue
		}
		seen[w.ID] = true
		lw.Population, lw.Instances = st.Population, st.Instances
		ev.CCU += st.Population
		for _, p := range st.Players {
			ev.Players = append(ev.Players, livePlayer{World: w.ID, PlayerStatus: p})
		}
		for _, say := range st.Says {
			ev.Chat = append(ev.Chat, liveSay{World: w.ID, SayStatus: say})
		}
		if prev, ok := previous[w.ID]; ok && elapsed > 0 && st.BytesIn >= prev.BytesIn && st.BytesOut >= prev.BytesOut {
			ev.Sample.BytesIn += float64(st.BytesIn-prev.BytesIn) / elapsed.Seconds()
			ev.Sample.BytesOut += float64(st.BytesOut-prev.BytesOut) / elapsed.Seconds()
			lw.TickP99 = tickPercentile(prev, st, 0.99) * 1000
			ev.Sample.TickP99 = max(ev.Sample.TickP99, lw.TickP99)
		}
		previous[w.ID] = st
		ev.Worlds = append(ev.Worlds, lw)
	}
	for id := range previous {
		if !seen[id] {
			delete(previous, id)
		}
	}
	ev.Sample.CCU = ev.CCU
	slices.SortStableFunc(ev.Chat, func(a, b liveSay) int { return b.At.Compare(a.At) })
	ev.Chat = ev.Chat[:min(len(ev.Chat), liveChatLines)]
	entries, err := f.m.db.AuditLog(ctx, 0, liveAuditLines)
	if err != nil && ctx.Err() == nil {
		f.m.log.Warn("dashboard: read the audit log", "err", err)
	}
	for _, e := range entries {
		ev.Audit = append(ev.Audit, auditLine{At: e.At.UTC(), Actor: e.ActorName, Action: string(e.Action),
			Target: e.TargetName, Reason: e.Reason, Detail: e.Detail})
	}
	return ev
}

// tickPercentile returns the upper bound, in seconds, of the histogram
// bucket that holds the q quantile of the ticks between the answers prev
// and cur; the last bound when it lies beyond, 0 without ticks.
func tickPercentile(prev, cur cluster.WorldStatus, q float64) float64 {
	if cur.Ticks <= prev.Ticks || len(cur.TickBuckets) != len(prev.TickBuckets) || len(cur.TickBuckets) == 0 {
		return 0
	}
	want := q * float64(cur.Ticks-prev.Ticks)
	for i, b := range cur.TickBuckets {
		if b.Count < prev.TickBuckets[i].Count { // the world restarted
			return 0
		}
		if float64(b.Count-prev.TickBuckets[i].Count) >= want {
			return b.UpperBound
		}
	}
	return cur.TickBuckets[len(cur.TickBuckets)-1].UpperBound
}

// publish records ev's sample and makes ev, which lists the players when
// listed, the latest event.
func (f *liveFeed) publish(ev liveEvent, listed bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	minuteAgo := f.sampleAgo(min(60, f.held))
	f.history[f.next] = ev.Sample
	f.next = (f.next + 1) % liveHistory
	f.held = min(f.held+1, liveHistory)
	if f.held > 1 {
		ev.LoginsPerMinute = ev.Sample.logins - minuteAgo.logins
	}
	data, _ := json.Marshal(ev) // a liveEvent always encodes
	f.latest, f.listed = data, listed
	close(f.changed)
	f.changed = make(chan struct{})
}

// sampleAgo returns the sample n samples before the next one (1: the
// newest). Call with mu held and 0 < n ≤ held, or get the zero sample.
func (f *liveFeed) sampleAgo(n int) sample {
	if n <= 0 || n > f.held {
		return sample{}
	}
	return f.history[(f.next-n+liveHistory)%liveHistory]
}

// current returns the latest event (nil if it does not list the
// players), the history oldest first, and a channel closed when a newer
// event is out.
func (f *liveFeed) current() ([]byte, []sample, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]sample, 0, f.held)
	for n := f.held; n > 0; n-- {
		out = append(out, f.sampleAgo(n))
	}
	if !f.listed {
		return nil, out, f.changed
	}
	return f.latest, out, f.changed
}

// serve streams server-sent events: first "history", the samples so far,
// then the latest liveEvent each second until the client goes or the
// server shuts down. The first stream to open while nobody watched wakes
// run, whose next event lists the players.
func (f *liveFeed) serve(w http.ResponseWriter, r *http.Request, _ adminSession) {
	if f.watchers.Add(1) == 1 {
		select {
		case f.wake <- struct{}{}:
		default: // already woken
		}
	}
	defer f.watchers.Add(-1)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	latest, history, changed := f.current()
	data, _ := json.Marshal(history) // samples always encode
	if _, err := fmt.Fprintf(w, "event: history\ndata: %s\n\n", data); err != nil {
		return
	}
	for {
		if latest != nil {
			if _, err := fmt.Fprintf(w, "data: %s\n\n", latest); err != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		case <-f.stopping:
			return
		}
		latest, _, changed = f.current()
	}
}
