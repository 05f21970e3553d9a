package client

import (
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

func class(t *testing.T, name string) *rules.Class {
	t.Helper()
	c, ok := rules.ClassNamed(name)
	if !ok {
		t.Fatalf("no class %q", name)
	}
	return c
}

// cooldownOf returns the cooldown in ticks of slot's ability for a class
// at level 1 and 20 Hz.
func cooldownOf(c *rules.Class, slot int) uint32 {
	a, _ := rules.AbilityByID(c.Abilities[slot])
	return a.CooldownTicks(c.StatsAt(1), 20)
}

var fresh = Vitals{HP: 100, MaxHP: 100, MP: 100, MaxMP: 100, Level: 1}

func TestAPressStartsTheCooldownAtOnce(t *testing.T) {
	knight := class(t, "knight")
	c := NewCooldowns(knight, 20)
	bash := cooldownOf(knight, 1)
	if used := c.Step(100, protocol.ButtonSpecial1, fresh); used != [Slots]bool{false, true, false} {
		t.Fatalf("Step(100, special 1) = %v, want Shield Bash used", used)
	}
	if left, length := c.Left(1, 100); left != bash || length != bash {
		t.Errorf("Left(1, 100) = %d, %d; want the whole cooldown %d", left, length, bash)
	}
	if left, _ := c.Left(1, 100+bash-1); left != 1 {
		t.Errorf("a tick before it is ready, Left = %d, want 1", left)
	}
	// Holding a special does not use it again; pressing it again does,
	// once it is ready.
	for tick := uint32(101); tick <= 100+bash; tick++ {
		if used := c.Step(tick, protocol.ButtonSpecial1, fresh); used[1] {
			t.Fatalf("holding Shield Bash used it again at tick %d", tick)
		}
	}
	c.Step(101+bash, 0, fresh)
	if left, length := c.Left(1, 101+bash); left != 0 || length != 0 {
		t.Errorf("Left once ready = %d, %d; want 0, 0", left, length)
	}
	if used := c.Step(102+bash, protocol.ButtonSpecial1, fresh); !used[1] {
		t.Error("a press once ready did not use Shield Bash")
	}
}

func TestHoldingTheBasicAttackRepeatsIt(t *testing.T) {
	knight := class(t, "knight")
	c := NewCooldowns(knight, 20)
	swing := cooldownOf(knight, 0)
	var at []uint32
	for tick := uint32(10); tick < 10+3*swing; tick++ {
		if c.Step(tick, protocol.ButtonPrimary, fresh)[0] {
			at = append(at, tick)
		}
	}
	want := []uint32{10, 10 + swing, 10 + 2*swing}
	if len(at) != 3 || at[0] != want[0] || at[1] != want[1] || at[2] != want[2] {
		t.Errorf("held for %d ticks, the swing was used at %v, want %v", 3*swing, at, want)
	}
}

func TestNothingStartsThatTheWorldWouldRefuse(t *testing.T) {
	wizard := class(t, "wizard")
	fireball, _ := rules.AbilityByID(wizard.Abilities[2])
	tests := []struct {
		name string
		v    Vitals
	}{
		{"not enough mana", Vitals{HP: 70, MP: int64(fireball.ManaCost) - 1, Level: 1}},
		{"dead", Vitals{MP: 100, Level: 1, Dead: true}},
	}
	for _, tt := range tests {
		c := NewCooldowns(wizard, 20)
		if used := c.Step(5, protocol.ButtonSpecial2, tt.v); used[2] {
			t.Errorf("%s: Fireball was used", tt.name)
		}
		if left, _ := c.Left(2, 5); left != 0 {
			t.Errorf("%s: Fireball cools down for %d ticks", tt.name, left)
		}
	}
	c := NewCooldowns(wizard, 20)
	if used := c.Step(5, protocol.ButtonSpecial2, Vitals{MP: int64(fireball.ManaCost), Level: 1}); !used[2] {
		t.Error("with just enough mana Fireball was not used")
	}
}

func TestTheWorldHasTheLastWord(t *testing.T) {
	knight := class(t, "knight")
	bash := cooldownOf(knight, 1)
	action := func(tick uint32) *protocol.Snapshot {
		return &protocol.Snapshot{Tick: tick, Events: []protocol.Event{{Kind: protocol.EventAction, Subject: 0, Ability: uint8(rules.ShieldBash)}}}
	}
	refusal := func(tick uint32, r protocol.Reason) *protocol.Snapshot {
		return &protocol.Snapshot{Tick: tick, Events: []protocol.Event{{Kind: protocol.EventRefused, Ability: uint8(rules.ShieldBash), Reason: r}}}
	}

	t.Run("a refusal takes the press back", func(t *testing.T) {
		c := NewCooldowns(knight, 20)
		c.Step(100, protocol.ButtonSpecial1, fresh)
		c.Observe(refusal(100, protocol.ReasonRange))
		if left, _ := c.Left(1, 101); left != 0 {
			t.Errorf("after the refusal Shield Bash cools down for %d ticks, want it ready", left)
		}
	})
	t.Run("a refusal goes back to the world's cooldown", func(t *testing.T) {
		c := NewCooldowns(knight, 20)
		c.Observe(action(90)) // used at 90 elsewhere (another client, or before a reconnect)
		// The prediction did not know and thought it ready at 95.
		c.Step(94, 0, fresh)
		c.Step(95, protocol.ButtonSpecial1, fresh)
		c.Observe(refusal(95, protocol.ReasonCooldown))
		if left, length := c.Left(1, 95); left != bash-5 || length != bash {
			t.Errorf("Left(1, 95) = %d, %d; want the world's %d of %d", left, length, bash-5, bash)
		}
	})
	t.Run("a late action puts the cooldown later", func(t *testing.T) {
		c := NewCooldowns(knight, 20)
		c.Step(100, protocol.ButtonSpecial1, fresh)
		c.Observe(action(103)) // the input arrived late: used at 103
		if left, _ := c.Left(1, 100); left != bash+3 {
			t.Errorf("Left(1, 100) = %d, want %d: ready %d ticks after 103", left, bash+3, bash)
		}
	})
	t.Run("an action never brings the cooldown earlier", func(t *testing.T) {
		c := NewCooldowns(knight, 20)
		c.Step(100, protocol.ButtonSpecial1, fresh)
		c.Step(100+bash, 0, fresh)
		c.Step(101+bash, protocol.ButtonSpecial1, fresh) // used again, predicted
		c.Observe(action(100))                           // the first use's word comes late
		if left, _ := c.Left(1, 101+bash); left != bash {
			t.Errorf("Left = %d, want %d from the second use", left, bash)
		}
	})
	t.Run("other players' events are not the player's", func(t *testing.T) {
		c := NewCooldowns(knight, 20)
		s := action(50)
		s.Events[0].Subject = protocol.OfHandle(3)
		c.Observe(s)
		if left, _ := c.Left(1, 50); left != 0 {
			t.Errorf("another's Shield Bash set the player's cooldown: %d left", left)
		}
	})
}

func TestTheBowChargesWhileHeldAndFiresOnRelease(t *testing.T) {
	rogue := class(t, "rogue")
	bow, _ := rules.AbilityByID(rules.BowShot)
	c := NewCooldowns(rogue, 20)
	if used := c.Step(10, protocol.ButtonPrimary, fresh); used[0] {
		t.Fatal("the bow fired on the press")
	}
	for tick := uint32(11); tick < 20; tick++ {
		if used := c.Step(tick, protocol.ButtonPrimary, fresh); used[0] {
			t.Fatalf("the bow fired at tick %d while held", tick)
		}
	}
	if p, ok := c.Charge(0, 16); !ok || p != bow.ChargePercent(6, 20) {
		t.Errorf("Charge(0, 16) = %d, %v; want %d", p, ok, bow.ChargePercent(6, 20))
	}
	if used := c.Step(20, 0, fresh); !used[0] {
		t.Fatal("the bow did not fire on release")
	}
	if _, ok := c.Charge(0, 20); ok {
		t.Error("still charging after the release")
	}
	if left, _ := c.Left(0, 20); left != cooldownOf(rogue, 0) {
		t.Errorf("after the shot Left = %d, want %d", left, cooldownOf(rogue, 0))
	}
}

func TestCooldownsScaleWithTheLevel(t *testing.T) {
	knight := class(t, "knight")
	swing, _ := rules.AbilityByID(rules.SwordSwing)
	c := NewCooldowns(knight, 20)
	v := fresh
	v.Level = 40
	c.Step(1, protocol.ButtonPrimary, v)
	want := swing.CooldownTicks(knight.StatsAt(40), 20)
	if _, length := c.Left(0, 1); length != want || want == cooldownOf(knight, 0) {
		t.Errorf("a level 40 knight's swing cools down for %d ticks, want %d (level 1: %d)", length, want, cooldownOf(knight, 0))
	}
}
