package rules

import "testing"

func TestNPCKinds(t *testing.T) {
	hostile := 0
	for _, k := range NPCKinds() {
		got, ok := NPCNamed(k.Name)
		if !ok || got.Name != k.Name || k.Title == "" || k.Stats.MaxHP <= 0 || k.Stats.Speed <= 0 {
			t.Errorf("kind %q is incomplete: %+v", k.Name, k)
			continue
		}
		if !k.Hostile {
			if k.Line == "" {
				t.Errorf("friendly %q has nothing to say", k.Name)
			}
			continue
		}
		hostile++
		if _, ok := AbilityByID(k.Attack); !ok || k.Detect <= 0 || k.Range <= 0 || k.XP <= 0 || k.Stats.Attack <= 0 {
			t.Errorf("hostile %q cannot fight: %+v", k.Name, k)
		}
	}
	if hostile < 4 {
		t.Errorf("%d hostile kinds, want at least 4", hostile)
	}
	boss, ok := NPCNamed("bone_lord")
	if !ok || boss.Special != BoneSlam {
		t.Fatalf("the Bone Lord has no telegraphed special: %+v", boss)
	}
	if slam, _ := AbilityByID(BoneSlam); slam.Shape != ShapeBlast || slam.Delay <= 0 {
		t.Errorf("Bone Slam is not telegraphed: %+v", slam)
	}
	if _, ok := NPCNamed("dragon"); ok {
		t.Error("an unknown kind was found")
	}
}
