package world

import (
	"sync/atomic"

	"github.com/tinymmo/tinymmo/internal/chat"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/sim"
	"github.com/tinymmo/tinymmo/internal/store"
)

// inputQueue is how many of a player's messages may wait for the next tick
// of its instance. Clients send an input only when it changes, a few a
// second, so more than this within one tick is a flood: the excess is
// dropped and counted. protocol.MaxQueuedInputs more may wait in the
// simulation for their tick.
const inputQueue = 8

// sink is a player's connection as the game sees it: its session, or a
// recorder in tests. Its owner is the owner of the member's player.
type sink interface {
	// queue adds an encoded message to what the next flush sends. It must
	// neither block nor keep b, which is reused after it returns.
	queue(b []byte)
	// flush sends what was queued, with one write where it can, and
	// returns the bytes the connection took.
	flush() int
	// close ends the connection with code.
	close(code protocol.CloseCode)
}

// member is the shell's side of a player: what links its session to
// whichever instance holds it. The session talks to it only through inputs
// and gone, and receives the character's last state on final.
//
// The sim.Player inside has exactly one owner at a time: the runner of the
// instance it is in, or the registry while it travels between instances.
type member struct {
	out    sink
	player *sim.Player
	inputs chan protocol.Input // from the session's reader (Message); drained by the owning runner
	// said holds what the player said to its instance, and mail the chat
	// lines for its client from elsewhere (whispers, the world's notices),
	// encoded. The owning runner drains both.
	said chan string
	mail chan []byte
	// orders are moderators' requests about the player (where is it,
	// move it), carried out by the owning runner, which alone may read or
	// move the player; see runner.obey.
	orders chan order
	// party is the player's party id (0: none), kept by the parties for
	// the registry and the runner; replyTo is who whispered to it last.
	party   atomic.Uint32
	replyTo atomic.Pointer[string]
	// vitals is the player's health and mana for its party's frames,
	// packed by packVitals; the owning runner refreshes it while the
	// player is in a party, and the runners of the other members read it.
	vitals atomic.Uint64
	// onMap is the name of the map the registry last placed the player
	// on, for the master's dashboard.
	onMap atomic.Pointer[string]
	gone  atomic.Bool          // set by the session when the connection has ended
	final chan store.Character // the last state, handed back once by the owner that sees gone
}

func newMember(out sink, c store.Character) *member {
	m := &member{
		out:    out,
		inputs: make(chan protocol.Input, inputQueue),
		said:   make(chan string, chat.Burst),
		mail:   make(chan []byte, mailQueue),
		orders: make(chan order, orderQueue),
		final:  make(chan store.Character, 1),
	}
	m.player = sim.NewPlayer(c, m)
	return m
}

// mailQueue is how many chat lines may wait for a player's next tick:
// more than a few speakers' bursts at one listener.
const mailQueue = 32

// order is something to do with a player on the goroutine that owns it:
// the runner r of the instance it is in.
type order func(r *runner, m *member)

// orderQueue is how many orders may wait for a player's next tick: a few
// moderators at once.
const orderQueue = 4

// give queues o for the member's next tick, and reports whether there was
// room.
func (m *member) give(o order) bool {
	select {
	case m.orders <- o:
		return true
	default:
		return false
	}
}

// post queues an encoded chat line for the member's client, and reports
// whether there was room.
func (m *member) post(line []byte) bool {
	select {
	case m.mail <- line:
		return true
	default:
		return false
	}
}

// memberOf returns the member that owns p.
func memberOf(p *sim.Player) *member { return p.Owner.(*member) }

// finish hands the character's last state to the session. The owner calls
// it once, when it sees gone.
func (m *member) finish(c store.Character) {
	m.final <- c
}
