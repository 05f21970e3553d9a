package sim

import (
	"testing"

	"github.com/tinymmo/tinymmo/internal/character"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// TestHitsAreMitigatedByTheirKindOfDefence lands one basic attack of each
// class on a rat given far more magic resist than armour: the knight's
// sword and the rogue's arrow lose what its armour takes, the wizard's
// bolt what its magic resist takes, and the hit told to the attacker's
// client carries the damage dealt.
func TestHitsAreMitigatedByTheirKindOfDefence(t *testing.T) {
	const armour, magicResist = 100, 300
	for _, tt := range []struct {
		class    character.Class
		distance int // tiles east of the attacker
		hold     int // ticks the button is held
		magic    bool
	}{
		{character.ClassKnight, 1, 1, false},
		{character.ClassRogue, 3, 20, false}, // a full charge
		{character.ClassWizard, 3, 1, true},
	} {
		t.Run("class="+string(tt.class), func(t *testing.T) {
			h := newHarness(t, openField{w: 60, h: 60}, fieldConfig())
			p := h.joinAs(1, tt.class, rules.TileCenter(30, 30))
			rat := h.addNPC("rat", rules.TileCenter(30+tt.distance, 30))
			rat.npc.stunnedUntil = 1 << 30 // stays put
			rat.stats.Armour, rat.stats.MagicResist = armour, magicResist
			h.step()
			h.press(p, protocol.ButtonPrimary, 0, 0) // aimed east
			for range tt.hold {
				h.step()
			}
			h.press(p, 0, 0, 0)
			for range 20 { // time for a projectile to arrive
				h.step()
			}

			class, _ := rules.ClassNamed(string(tt.class))
			a, _ := rules.AbilityByID(class.Abilities[0])
			if a.Magic != tt.magic {
				t.Fatalf("%s is magic = %v, the test expects %v", a.Name, a.Magic, tt.magic)
			}
			amount := a.Amount(p.entity.stats, 100) // at full power
			want, other := rules.Mitigate(amount, armour), rules.Mitigate(amount, magicResist)
			if tt.magic {
				want, other = other, want
			}
			if want == other {
				t.Fatalf("%d damage is mitigated alike by %d armour and %d magic resist: the test cannot tell them apart", amount, armour, magicResist)
			}
			if dealt := rat.stats.MaxHP - rat.hp; dealt != want {
				t.Errorf("%s for %d before mitigation dealt %d; want %d (%d with the other defence)", a.Name, amount, dealt, want, other)
			}
			hits, _ := h.events(p, protocol.EventHit, 0)
			if len(hits) != 1 || hits[0].Amount != uint32(want) {
				t.Errorf("the %s was told of hits %v; want one of %d", tt.class, hits, want)
			}
		})
	}
}
