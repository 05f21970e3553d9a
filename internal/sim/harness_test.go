package sim

import (
	"fmt"
	"testing"

	"github.com/tinymmo/tinymmo/internal/character"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// wallTerrain is a tile grid read from rows of text: '#' is a wall, 'P' a
// portal tile, anything else floor. Outside the rows is solid.
type wallTerrain struct {
	rows []string
}

func (t wallTerrain) Solid(tx, ty int) bool {
	if ty < 0 || ty >= len(t.rows) || tx < 0 || tx >= len(t.rows[ty]) {
		return true
	}
	return t.rows[ty][tx] == '#'
}

func (t wallTerrain) PortalAt(p rules.Vec) (maps.Portal, bool) {
	tx, ty := p.Tile()
	if ty >= 0 && ty < len(t.rows) && tx >= 0 && tx < len(t.rows[ty]) && t.rows[ty][tx] == 'P' {
		return maps.Portal{Name: "test", TargetMap: "elsewhere", TargetSpawn: "default"}, true
	}
	return maps.Portal{}, false
}

func (t wallTerrain) SizeSubpixels() (int32, int32) {
	return int32(len(t.rows[0])) * rules.TileSubpixels, int32(len(t.rows)) * rules.TileSubpixels
}

// openField is a walled rectangle of w×h tiles with nothing inside.
type openField struct{ w, h int }

func (f openField) Solid(tx, ty int) bool { return tx < 0 || ty < 0 || tx >= f.w || ty >= f.h }

func (openField) PortalAt(rules.Vec) (maps.Portal, bool) { return maps.Portal{}, false }

func (f openField) SizeSubpixels() (int32, int32) {
	return int32(f.w) * rules.TileSubpixels, int32(f.h) * rules.TileSubpixels
}

// testConfig is a world's default view at 20 Hz, with margin added to the
// view to keep entities.
func testConfig(margin int32) Config {
	half := rules.Vec{X: 640 * rules.SubpixelsPerPixel, Y: 360 * rules.SubpixelsPerPixel}
	return Config{TickRate: 20, SpawnHalf: half, KeepHalf: rules.Vec{X: half.X + margin, Y: half.Y + margin}}
}

// harness drives one instance tick by tick, as a world's shell would, and
// plays each player's client: every message a player is sent is decoded
// and applied to a client.View of its own, built from the bytes alone.
type harness struct {
	t       testing.TB
	in      *Instance
	terrain Terrain
	now     int64
	parts   int // replication parts per tick

	clients map[*Player]*testClient
	pending []Input
	last    *Result
}

// testClient is what the harness knows of one player's client.
type testClient struct {
	view *client.View
	seq  uint32
	last protocol.Input     // the last input sent
	msgs []protocol.Message // every message, in order
}

func newHarness(t testing.TB, terrain Terrain, cfg Config) *harness {
	return &harness{
		t: t, in: New(1, "test", terrain, cfg), terrain: terrain, now: 1_000_000, parts: 1,
		clients: make(map[*Player]*testClient),
	}
}

// join adds a rogue with 37/90 HP at pos, placed at the next step.
func (h *harness) join(id int64, pos rules.Vec) *Player {
	return h.joinAs(id, character.ClassRogue, pos)
}

// joinAs adds a player of class at pos, with a character's saved state.
func (h *harness) joinAs(id int64, class character.Class, pos rules.Vec) *Player {
	p := NewPlayer(character.Character{ID: id, Name: fmt.Sprint("P", id), Class: class, Level: 1, X: pos.X, Y: pos.Y, HP: 37, MaxHP: 90, MP: 500, MaxMP: 50}, nil)
	load := func(string) (client.Terrain, error) { return h.terrain, nil }
	h.clients[p] = &testClient{view: client.NewView(load)}
	h.in.Add(Arrival{Player: p})
	return p
}

// walk queues p's input to move in dir from its next step on, as a
// client with no lead would send it.
func (h *harness) walk(p *Player, dir protocol.Direction) {
	h.send(p, func(in *protocol.Input) { in.Move = dir })
}

// send queues p's next input, the last one changed by change, to take
// effect at p's next step.
func (h *harness) send(p *Player, change func(*protocol.Input)) {
	c := h.clients[p]
	c.seq++
	change(&c.last)
	in := c.last
	in.Seq, in.Tick = c.seq, p.Tick()+1
	h.pending = append(h.pending, Input{Player: p, Input: in})
}

// step runs one tick with the queued inputs and delivers every message to
// the clients, failing the test if one does not fit its client's view.
func (h *harness) step() *Result {
	h.t.Helper()
	h.now += 50
	r := h.in.Step(h.now, h.pending)
	h.pending = h.pending[:0]
	for _, m := range r.Messages {
		h.deliver(m)
	}
	for part := range h.parts {
		for _, m := range h.in.Replicate(part, h.parts) {
			if m.Bytes != nil {
				h.deliver(m)
			}
		}
	}
	h.last = r
	return r
}

func (h *harness) deliver(m Message) {
	h.t.Helper()
	c := h.clients[m.To]
	msg, err := protocol.Decode(m.Bytes)
	if err != nil {
		h.t.Fatalf("player %d was sent undecodable bytes % x: %v", m.To.Char.ID, m.Bytes, err)
	}
	if err := c.view.Apply(msg); err != nil {
		h.t.Fatalf("player %d: %T does not fit the client's view: %v", m.To.Char.ID, msg, err)
	}
	c.msgs = append(c.msgs, msg)
}

// lastSnapshot returns the last message p was sent, which must be a
// Snapshot.
func (h *harness) lastSnapshot(p *Player) protocol.Snapshot {
	h.t.Helper()
	msgs := h.clients[p].msgs
	if len(msgs) == 0 {
		h.t.Fatalf("player %d was sent nothing", p.Char.ID)
	}
	s, ok := msgs[len(msgs)-1].(protocol.Snapshot)
	if !ok {
		h.t.Fatalf("player %d's last message is %T, want a Snapshot", p.Char.ID, msgs[len(msgs)-1])
	}
	return s
}

// pos returns where the server has p.
func (h *harness) pos(p *Player) rules.Vec {
	return p.entity.pos
}
