package world

import (
	"sync/atomic"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/store"
)

// inputQueue is how many inputs may wait for a player's next ticks. The
// world applies one input per tick, so this is 400 ms of jitter at 20 Hz;
// inputs beyond it are dropped, which is what makes sending inputs faster
// than the tick rate useless.
const inputQueue = 8

// sink receives a player's encoded messages. A session delivers them to its
// WebSocket; the tick benchmark only counts them. deliver must not block.
type sink interface {
	deliver(b []byte)
}

// player is a character in the world. It travels between instances
// carrying its state, so health and cooldowns survive a portal.
//
// Exactly one goroutine owns a player's state at a time: the instance it is
// in, or the transfer moving it to the next one. The session talks to it
// only through inputs and gone, and receives its last state on final.
type player struct {
	out    sink
	inputs chan protocol.Input // from the session; drained by the owning instance
	gone   atomic.Bool         // set by the session when the connection ended
	final  chan store.Character

	// Owned by the current owner (see above).
	char     store.Character
	welcomed bool   // whether the client has had its Welcome (later places send MapChange)
	ack      uint32 // Seq of the last input applied, in whichever instance
}

func newPlayer(out sink, c store.Character) *player {
	return &player{
		out:    out,
		inputs: make(chan protocol.Input, inputQueue),
		final:  make(chan store.Character, 1),
		char:   c,
	}
}

// finish hands the player's last state to the session. The owner calls it
// once, when it sees gone.
func (p *player) finish() {
	p.final <- p.char
}
