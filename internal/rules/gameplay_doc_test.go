package rules_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tinymmo/tinymmo/internal/rules"
)

var updateDoc = flag.Bool("update-doc", false, "rewrite the tables of docs/gameplay.md from the rules")

const gameplayDoc = "../../docs/gameplay.md"

// gameplayTables renders the class, ability and NPC tables that
// docs/gameplay.md quotes between its "<!-- tables -->" markers.
func gameplayTables() string {
	var b strings.Builder
	px := func(v int32) string { return fmt.Sprint(v / rules.SubpixelsPerPixel) }
	b.WriteString("| class | HP | MP | MP/s | attack | magic | armour | magic resist | speed px/s | attack speed % | basic, special 1, special 2 |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, name := range []string{"knight", "rogue", "wizard"} {
		c, _ := rules.ClassNamed(name)
		s, g := c.Base, c.Growth
		var abilities []string
		for _, id := range c.Abilities {
			a, _ := rules.AbilityByID(id)
			abilities = append(abilities, a.Name)
		}
		fmt.Fprintf(&b, "| %s | %d (+%d) | %d (+%d) | %.1f (+%.1f) | %d (+%d) | %d (+%d) | %d (+%d) | %d (+%d) | %d | %d (+%d) | %s |\n",
			name, s.MaxHP, g.MaxHP, s.MaxMP, g.MaxMP, float64(s.MPRegen)/10, float64(g.MPRegen)/10, s.Attack, g.Attack, s.Magic, g.Magic,
			s.Armour, g.Armour, s.MagicResist, g.MagicResist, s.Speed, s.AttackSpeed, g.AttackSpeed, strings.Join(abilities, ", "))
	}
	b.WriteString("\n| ability | shape | scales with | power % | cooldown ms | mana | reach / radius px | projectile px/s, life ms, count | other |\n|---|---|---|---|---|---|---|---|---|\n")
	shapes := map[rules.Shape]string{rules.ShapeMelee: "melee arc", rules.ShapeProjectile: "projectile", rules.ShapeAllyHeal: "ally heal",
		rules.ShapeSelfHeal: "self heal", rules.ShapeBlast: "telegraphed blast"}
	for id := rules.AbilityID(1); ; id++ {
		a, ok := rules.AbilityByID(id)
		if !ok {
			break
		}
		stat := "Attack"
		if a.Magic {
			stat = "Magic"
		}
		proj, other := "", ""
		if a.Shape == rules.ShapeProjectile {
			proj = fmt.Sprintf("%d, %d, %d", a.ProjectileSpeed, a.Lifetime, a.Count)
		}
		switch {
		case a.Charge > 0:
			other = fmt.Sprintf("charges %d ms from %d %%", a.Charge, a.MinCharge)
		case a.Stun > 0:
			other = fmt.Sprintf("stuns NPCs %d ms", a.Stun)
		case a.HealMaxHP > 0:
			other = fmt.Sprintf("heals %d %% of max HP", a.HealMaxHP)
		case a.Delay > 0:
			other = fmt.Sprintf("strikes %d ms after its telegraph", a.Delay)
		case a.Basic:
			other = "basic: cooldown ÷ attack speed"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %s / %s | %s | %s |\n", a.Name, shapes[a.Shape], stat, a.Power, a.Cooldown, a.ManaCost,
			px(a.Reach), px(a.Radius), proj, other)
	}
	b.WriteString("\n| NPC | hostile | level | HP | attack | armour | magic resist | speed px/s | attacks | detect px | range px | leash px | assist px | respawn s | XP |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, k := range rules.NPCKinds() {
		attacks := ""
		for _, id := range []rules.AbilityID{k.Attack, k.Special} {
			if a, ok := rules.AbilityByID(id); ok {
				attacks = strings.TrimPrefix(attacks+", "+a.Name, ", ")
			}
		}
		fmt.Fprintf(&b, "| %s | %v | %d | %d | %d | %d | %d | %d | %s | %s | %s | %s | %s | %d | %d |\n", k.Title, k.Hostile, k.Level, k.Stats.MaxHP, k.Stats.Attack,
			k.Stats.Armour, k.Stats.MagicResist, k.Stats.Speed, attacks, px(k.Detect), px(k.Range), px(k.Leash), px(k.Assist), k.Respawn/1000, k.XP)
	}
	return b.String()
}

// TestGameplayDocQuotesTheRules keeps docs/gameplay.md's tables equal to
// the rules: run with -update-doc after changing a number.
func TestGameplayDocQuotesTheRules(t *testing.T) {
	doc, err := os.ReadFile(gameplayDoc)
	if err != nil {
		t.Fatal(err)
	}
	const marker = "<!-- tables -->\n"
	parts := strings.SplitN(string(doc), marker, 3)
	if len(parts) != 3 {
		t.Fatalf("%s needs two %q markers around its tables", gameplayDoc, strings.TrimSpace(marker))
	}
	want := gameplayTables()
	if parts[1] == want {
		return
	}
	if *updateDoc {
		if err := os.WriteFile(gameplayDoc, []byte(parts[0]+marker+want+marker+parts[2]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's tables differ from the rules; run go test ./internal/rules -run GameplayDoc -update-doc\nwant:\n%s", gameplayDoc, want)
}
