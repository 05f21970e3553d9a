package sim

import (
	"testing"

	"github.com/tinymmo/tinymmo/internal/character"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// TestADeadPlayersActionsAreRefused kills a knight beside a rat and has it
// press every button while it lies dead: each press is refused as dead,
// nothing is used, no mana is spent and the rat is not touched. Back from
// death, the same presses are carried out.
func TestADeadPlayersActionsAreRefused(t *testing.T) {
	h := newHarness(t, openField{w: 60, h: 60}, fieldConfig())
	knight := h.joinAs(1, character.ClassKnight, rules.TileCenter(30, 30))
	rat := h.addNPC("rat", rules.TileCenter(31, 30)) // east, within the sword's arc
	rat.npc.stunnedUntil = 1 << 30                   // a target that stays put and bites nobody
	h.step()
	e := knight.entity
	h.in.damage(rat, e, 10_000, false, 0)
	if !e.dead {
		t.Fatalf("the knight has %d HP after 10,000 damage, want it dead", e.hp)
	}
	diedAt, mana := h.in.tick, e.mp
	_, from := h.events(knight, protocol.EventRefused, 0)

	buttons := []protocol.Buttons{protocol.ButtonPrimary, protocol.ButtonSpecial1, protocol.ButtonSpecial2}
	for _, b := range buttons {
		h.press(knight, b, 0, 0) // aimed east, at the rat
		h.step()
		h.step() // held: a press is refused once, not every tick
		h.press(knight, 0, 0, 0)
		h.step()
	}
	if !e.dead {
		t.Fatalf("the knight came back %d ticks after its death, before the test was done", h.in.tick-diedAt)
	}
	refused, _ := h.events(knight, protocol.EventRefused, from)
	used, _ := h.events(knight, protocol.EventAction, from)
	class, _ := rules.ClassNamed("knight")
	if len(refused) != len(buttons) {
		t.Fatalf("a dead knight pressed %d buttons and was refused %v; want one refusal each", len(buttons), refused)
	}
	for i, r := range refused {
		if r.Reason != protocol.ReasonDead || rules.AbilityID(r.Ability) != class.Abilities[i] {
			t.Errorf("refusal %d = ability %d for reason %v; want ability %d for %v", i, r.Ability, r.Reason, class.Abilities[i], protocol.ReasonDead)
		}
	}
	if len(used) != 0 || e.mp != mana || rat.hp != rat.stats.MaxHP {
		t.Errorf("while dead: %d abilities used, mana %d (was %d), the rat at %d of %d HP; want nothing done",
			len(used), e.mp, mana, rat.hp, rat.stats.MaxHP)
	}

	// Alive again, beside the rat once more: the sword swings and hits.
	for e.dead {
		h.step()
	}
	e.pos = rules.TileCenter(30, 30)
	h.in.grid.moved(e)
	_, from = h.events(knight, protocol.EventAction, 0)
	h.press(knight, protocol.ButtonPrimary, 0, 0)
	h.step()
	h.press(knight, 0, 0, 0)
	h.step()
	if used, _ := h.events(knight, protocol.EventAction, from); len(used) != 1 || rat.hp == rat.stats.MaxHP {
		t.Errorf("back from death, one swing at the rat: used %v, the rat at %d of %d HP; want one swing that hits", used, rat.hp, rat.stats.MaxHP)
	}
}
