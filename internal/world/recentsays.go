package world

import (
	"slices"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/cluster"
)

// recentSaysKept is how many says the world remembers for the dashboard.
const recentSaysKept = 20

// recentSays is the world's last public chat lines (says, never whispers
// or party lines), for the master's dashboard. Safe for concurrent use.
type recentSays struct {
	mu    sync.Mutex // guards lines
	lines []cluster.SayStatus
}

// add remembers that name said text on mapName at at.
func (r *recentSays) add(at time.Time, name, mapName, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines[max(0, len(r.lines)-recentSaysKept+1):], cluster.SayStatus{At: at.UTC(), Name: name, Map: mapName, Text: text})
}

// list returns the lines remembered, oldest first.
func (r *recentSays) list() []cluster.SayStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.lines)
}
