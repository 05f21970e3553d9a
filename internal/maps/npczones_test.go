package maps

import (
	"slices"
	"testing"

	"github.com/tinymmo/tinymmo/internal/rules"
)

// TestNPCsLiveOnTheirMaps checks the shipped maps' NPC zones against the
// rules' NPC table: every kind they name exists; the boss (the kind with a
// telegraphed special) lives in the Dungeon alone, one of it; the friendly
// kinds, who talk, live in the Overworld and nowhere else; and every kind
// of the table, at least four of them hostile, lives somewhere.
func TestNPCsLiveOnTheirMaps(t *testing.T) {
	isBoss := func(k *rules.NPCKind) bool {
		special, ok := rules.AbilityByID(k.Special)
		return ok && special.Delay > 0
	}
	placed := map[string][]string{} // kind → maps
	bosses := 0
	for name, m := range loadAll(t) {
		for _, z := range m.NPCZones {
			k, ok := rules.NPCNamed(z.Kind)
			if !ok {
				t.Errorf("%s: zone %q names the unknown kind %q", name, z.Name, z.Kind)
				continue
			}
			if !slices.Contains(placed[k.Name], name) {
				placed[k.Name] = append(placed[k.Name], name)
			}
			switch {
			case isBoss(k):
				bosses += z.Count
				if name != "dungeon" {
					t.Errorf("%s: zone %q holds the boss %s; want it in the dungeon only", name, z.Name, k.Title)
				}
			case !k.Hostile:
				if name != "overworld" || k.Line == "" {
					t.Errorf("%s: zone %q holds the friendly %s (line %q); want friends who talk, in the overworld only", name, z.Name, k.Title, k.Line)
				}
			}
		}
	}
	if bosses != 1 {
		t.Errorf("the maps hold %d bosses, want 1 (in the dungeon)", bosses)
	}
	hostile := 0
	for _, k := range rules.NPCKinds() {
		if len(placed[k.Name]) == 0 {
			t.Errorf("no map has any %s", k.Title)
		}
		if k.Hostile && len(placed[k.Name]) > 0 {
			hostile++
		}
	}
	if hostile < 4 {
		t.Errorf("%d hostile kinds live on the maps, want at least 4", hostile)
	}
	if !slices.Equal(placed["bone_lord"], []string{"dungeon"}) || !slices.Contains(placed["villager"], "overworld") || !slices.Contains(placed["elder"], "overworld") {
		t.Errorf("the Bone Lord lives in %v, the villagers in %v, the elder in %v; want the dungeon, the overworld and the overworld",
			placed["bone_lord"], placed["villager"], placed["elder"])
	}
}
