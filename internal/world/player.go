package world

import (
	"sync/atomic"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/sim"
	"github.com/tinymmo/tinymmo/internal/store"
)

// inputHandoff is how many inputs may wait between the session's reader and
// the instance, which takes them all every tick into the player's
// sim.InputQueue. Clients send inputs only when they change, within the
// connection's rate cap, so a tick's worth never comes near it; one beyond
// it is dropped and counted like one beyond the queue.
const inputHandoff = protocol.MaxQueuedInputs

// sink receives a player's encoded messages. A session delivers them to its
// WebSocket; the tick benchmark only counts them. Neither method may block.
type sink interface {
	deliver(b []byte)
	// refuse ends the connection with code: the instance found the
	// client's inputs malformed.
	refuse(code protocol.CloseCode)
}

// player is a character in the world. It travels between instances
// carrying its state, so health and cooldowns survive a portal.
//
// Exactly one goroutine owns a player's state at a time: the instance it is
// in, or the transfer moving it to the next one. The session talks to it
// only through inputs and gone, and receives its last state on final.
type player struct {
	out    sink
	inputs chan protocol.Input // from the session; drained into queue by the owning instance
	gone   atomic.Bool         // set by the session when the connection ended
	final  chan store.Character

	// Owned by the current owner (see above).
	char     store.Character
	welcomed bool // whether the client has had its Welcome (later places send MapChange)
	// tick is the player tick (docs/protocol.md, "Player ticks"): one
	// more for every step of the instance holding the player, kept across
	// map changes.
	tick  uint32
	queue sim.InputQueue // the player's inputs: in force and waiting
	// refused is set once the player's inputs were found malformed; its
	// later inputs are ignored while the session closes.
	refused bool
}

func newPlayer(out sink, c store.Character) *player {
	return &player{
		out:    out,
		inputs: make(chan protocol.Input, inputHandoff),
		final:  make(chan store.Character, 1),
		char:   c,
	}
}

// finish hands the player's last state to the session. The owner calls it
// once, when it sees gone.
func (p *player) finish() {
	p.final <- p.char
}
