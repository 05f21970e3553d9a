package world

import (
	"sync"
	"sync/atomic"

	"github.com/tinymmo/tinymmo/internal/chat"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/sim"
	"github.com/tinymmo/tinymmo/internal/store"
)

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
// whichever instance holds it. The session talks to it only through its
// inbox and gone, and receives the character's last state on final.
//
// The sim.Player inside has exactly one owner at a time: the runner of the
// instance it is in, or the registry while it travels between instances.
type member struct {
	out    sink
	player *sim.Player
	inbox  inbox
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
		out:   out,
		final: make(chan store.Character, 1),
	}
	m.player = sim.NewPlayer(c, m)
	return m
}

// inbox holds what other goroutines hand a player's owner (the runner of
// its instance) for its next tick. Any goroutine may put; only the owner
// takes. Each kind of item has a limit, past which a put is refused: a
// client or a crowd that outruns the ticks loses what does not fit,
// instead of holding anything up. An empty inbox keeps no buffer but the
// inputs', so an idle player costs little, and the owner finds it empty
// with one atomic load.
type inbox struct {
	full atomic.Bool // something waits; written under mu
	mu   sync.Mutex
	// inputs are the client's inputs, from the session's reader
	// (Message).
	inputs []protocol.Input
	// said is what the player said to its instance, and mail the chat
	// lines for its client from elsewhere (whispers, the world's
	// notices), encoded.
	said []string
	mail [][]byte
	// orders are moderators' requests about the player (where is it,
	// move it), carried out by the owner, which alone may read or move
	// the player; see runner.obey.
	orders []order
}

// The inbox's limits, per kind.
const (
	// inputQueue is how many of a player's messages may wait for the
	// next tick of its instance. Clients send an input only when it
	// changes, a few a second, so more than this within one tick is a
	// flood: the excess is dropped and counted. protocol.MaxQueuedInputs
	// more may wait in the simulation for their tick.
	inputQueue = 8
	// mailQueue is how many chat lines may wait for a player's next tick:
	// more than a few speakers' bursts at one listener.
	mailQueue = 32
	// orderQueue is how many orders may wait for a player's next tick: a
	// few moderators at once.
	orderQueue = 4
)

// put appends v to the queue q, unless q holds limit items, and reports
// whether it did.
func put[T any](b *inbox, q *[]T, v T, limit int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(*q) >= limit {
		return false
	}
	*q = append(*q, v)
	b.full.Store(true)
	return true
}

// take hands each item of the queue q to use, in order, and empties q;
// keep says whether q keeps its buffer. Only the owner calls it. use must
// not put to the inbox.
func take[T any](b *inbox, q *[]T, keep bool, use func(T)) {
	if !b.full.Load() {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, v := range *q {
		use(v)
	}
	if keep {
		clear(*q)
		*q = (*q)[:0]
	} else {
		*q = nil
	}
	b.full.Store(len(b.inputs)+len(b.said)+len(b.mail)+len(b.orders) > 0)
}

// order is something to do with a player on the goroutine that owns it:
// the runner r of the instance it is in.
type order func(r *runner, m *member)

// give queues o for the member's next tick, and reports whether there was
// room.
func (m *member) give(o order) bool { return put(&m.inbox, &m.inbox.orders, o, orderQueue) }

// post queues an encoded chat line for the member's client, and reports
// whether there was room.
func (m *member) post(line []byte) bool { return put(&m.inbox, &m.inbox.mail, line, mailQueue) }

// say queues a line the player said to its instance, and reports whether
// there was room.
func (m *member) say(text string) bool { return put(&m.inbox, &m.inbox.said, text, chat.Burst) }

// input queues an input from the client, and reports whether there was
// room.
func (m *member) input(in protocol.Input) bool {
	return put(&m.inbox, &m.inbox.inputs, in, inputQueue)
}

// memberOf returns the member that owns p.
func memberOf(p *sim.Player) *member { return p.Owner.(*member) }

// finish hands the character's last state to the session. The owner calls
// it once, when it sees gone.
func (m *member) finish(c store.Character) {
	m.final <- c
}
