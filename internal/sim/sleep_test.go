package sim

import (
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// TestNPCsSleepUntilAPlayerComesNear keeps hurt rats far from the only
// player: they neither wander nor heal, as an NPC that thinks would. The
// player walks near (never near enough to be attacked), and they wake:
// they heal and wander. It walks away again, and they fall asleep where
// they stand.
func TestNPCsSleepUntilAPlayerComesNear(t *testing.T) {
	h := newHarness(t, openField{w: 160, h: 40}, fieldConfig())
	var rats []*entity
	for i := range 6 {
		rat := h.addNPC("rat", rules.TileCenter(20+i, 20))
		rat.hp = rat.stats.MaxHP - 10
		rats = append(rats, rat)
	}
	// 110 tiles from the rats: beyond wakeRadius, and beyond the AOI
	// cells next to those it reaches into.
	p := h.join(1, rules.TileCenter(130, 20))
	h.step()
	type state struct {
		pos rules.Vec
		hp  int32
	}
	states := func() []state {
		var s []state
		for _, r := range rats {
			s = append(s, state{r.pos, r.hp})
		}
		return s
	}
	// unchanged steps n ticks and fails the test if a rat moved or healed.
	unchanged := func(when string, n int) {
		t.Helper()
		before := states()
		for range n {
			h.step()
			for i, s := range states() {
				if s != before[i] {
					t.Fatalf("%s, tick %d: rat %d went from %+v to %+v; want it asleep", when, h.in.tick, i, before[i], s)
				}
			}
		}
	}
	unchanged("with the player 110 tiles away", 300)

	// Come within 40 tiles of every rat, far beyond their 5 tiles of
	// detection.
	h.walk(p, protocol.DirW)
	for h.pos(p).X > rules.TileCenter(60, 20).X {
		h.step()
	}
	h.walk(p, protocol.DirNone)
	before := states()
	for range 200 {
		h.step()
	}
	moved := 0
	for i, s := range states() {
		if s.hp != rats[i].stats.MaxHP {
			t.Errorf("rat %d has %d of %d HP 10 s after a player came near; want it awake and healed", i, s.hp, rats[i].stats.MaxHP)
		}
		if s.pos != before[i].pos {
			moved++
		}
		if rats[i].npc.state != npcIdle {
			t.Errorf("rat %d is in state %d; want it idle, the player far beyond its detection", i, rats[i].npc.state)
		}
	}
	if moved == 0 {
		t.Error("no rat wandered in the 10 s after a player came near")
	}

	// Walk away again: within a second's wake check they stop.
	h.walk(p, protocol.DirE)
	for h.pos(p).X < rules.TileCenter(130, 20).X {
		h.step()
	}
	h.walk(p, protocol.DirNone)
	for range 2 * h.in.cfg.TickRate {
		h.step()
	}
	for _, r := range rats {
		r.hp-- // a rat that still thought would heal this back
	}
	unchanged("after the player left", 300)
}
