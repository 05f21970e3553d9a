package rules

import "testing"

func TestClassNamed(t *testing.T) {
	for _, name := range []string{"knight", "rogue", "wizard"} {
		c, ok := ClassNamed(name)
		if !ok || c.Name != name {
			t.Fatalf("ClassNamed(%q) = %v, %v", name, c, ok)
		}
		for slot, id := range c.Abilities {
			if _, ok := AbilityByID(id); !ok {
				t.Errorf("%s: ability %d in slot %d is not in the table", name, id, slot)
			}
		}
	}
	for _, name := range []string{"Knight", "paladin", ""} { // names are stored lower case
		if _, ok := ClassNamed(name); ok {
			t.Errorf("ClassNamed(%q) found a class", name)
		}
	}
}

func TestClassesDiffer(t *testing.T) {
	knight, _ := ClassNamed("knight")
	rogue, _ := ClassNamed("rogue")
	wizard, _ := ClassNamed("wizard")
	k, r, w := knight.StatsAt(1), rogue.StatsAt(1), wizard.StatsAt(1)
	if !(k.MaxHP > r.MaxHP && r.MaxHP > w.MaxHP) || k.Armour <= w.Armour {
		t.Errorf("the knight should have the most health and armour: %+v %+v %+v", k, r, w)
	}
	if !(w.MaxMP > r.MaxMP && w.MaxMP > k.MaxMP) || w.Magic <= k.Magic || w.MPRegen <= k.MPRegen {
		t.Errorf("the wizard should have the most mana and magic: %+v %+v %+v", k, r, w)
	}
	if r.Speed <= k.Speed || r.Speed <= w.Speed {
		t.Errorf("the rogue should be fastest: %+v %+v %+v", k, r, w)
	}
}

func TestStatsGrowPerLevel(t *testing.T) {
	for i := range classes {
		c := &classes[i]
		one, two, top := c.StatsAt(1), c.StatsAt(2), c.StatsAt(MaxLevel)
		if one != c.Base {
			t.Errorf("%s at level 1 = %+v, want its base %+v", c.Name, one, c.Base)
		}
		if two.MaxHP != one.MaxHP+c.Growth.MaxHP || two.Attack != one.Attack+c.Growth.Attack {
			t.Errorf("%s at level 2 = %+v, want base plus one growth %+v", c.Name, two, c.Growth)
		}
		if c.StatsAt(MaxLevel+10) != top || c.StatsAt(-3) != one {
			t.Errorf("%s: levels outside 1..%d are not clamped", c.Name, MaxLevel)
		}
		if top.Speed != one.Speed {
			t.Errorf("%s: speed grows from %d to %d; prediction needs it fixed", c.Name, one.Speed, top.Speed)
		}
		if c.Growth.MaxHP <= 0 || c.Growth.MaxMP <= 0 || c.Growth.MPRegen <= 0 || c.Growth.Attack <= 0 ||
			c.Growth.Magic <= 0 || c.Growth.Armour <= 0 || c.Growth.MagicResist <= 0 || c.Growth.AttackSpeed <= 0 {
			t.Errorf("%s: every stat but speed should grow: %+v", c.Name, c.Growth)
		}
	}
}

func TestXPToNext(t *testing.T) {
	for level, want := range map[int]int{1: 70, 2: 140, 10: 700, 0: 70} {
		if got := XPToNext(level); got != want {
			t.Errorf("XPToNext(%d) = %d, want %d", level, got, want)
		}
	}
}
