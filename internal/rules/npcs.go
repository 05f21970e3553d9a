package rules

// NPCKind is one row of the NPC table: what a kind of creature is and how
// it behaves. Distances are in subpixels, times in milliseconds.
type NPCKind struct {
	// Name is the kind as maps name it in their npc_zones.
	Name string
	// Title is what players see over its head.
	Title string
	// Hostile kinds fight; friendly ones wander and talk (Line).
	Hostile bool
	Level   int
	Stats   Stats
	// Attack is its basic attack; Special, if any, is used whenever its
	// cooldown allows while fighting.
	Attack, Special AbilityID
	// Detect is how near a player must come to be attacked.
	Detect int32
	// Range is how near it closes in before attacking.
	Range int32
	// Leash is how far from its spawn it follows a player before it
	// returns, regaining health on the way; 0 never returns.
	Leash int32
	// Assist is how near another NPC must be to join a fight this one is
	// drawn into.
	Assist int32
	// Respawn is how long after its death it comes back; 0 never.
	Respawn int32
	// XP is the experience its death shares among those who fought it.
	XP int
	// Line is what a friendly NPC says.
	Line string
}

var npcKinds = [...]NPCKind{
	{Name: "rat", Title: "Rat", Hostile: true, Level: 1,
		Stats:  Stats{MaxHP: 40, Attack: 6, Armour: 0, MagicResist: 0, Speed: 60, AttackSpeed: 100},
		Attack: Bite, Detect: px(80), Range: px(14), Leash: px(200), Assist: px(80), Respawn: 10000, XP: 6},
	{Name: "slime", Title: "Slime", Hostile: true, Level: 2,
		Stats:  Stats{MaxHP: 60, Attack: 8, Armour: 5, MagicResist: 20, Speed: 40, AttackSpeed: 100},
		Attack: Bite, Detect: px(70), Range: px(14), Leash: px(180), Assist: px(90), Respawn: 12000, XP: 8},
	{Name: "wolf", Title: "Wolf", Hostile: true, Level: 3,
		Stats:  Stats{MaxHP: 80, Attack: 12, Armour: 5, MagicResist: 5, Speed: 85, AttackSpeed: 120},
		Attack: Bite, Detect: px(120), Range: px(14), Leash: px(260), Assist: px(140), Respawn: 15000, XP: 12},
	{Name: "goblin_archer", Title: "Goblin Archer", Hostile: true, Level: 4,
		Stats:  Stats{MaxHP: 55, Attack: 10, Armour: 8, MagicResist: 8, Speed: 60, AttackSpeed: 100},
		Attack: GoblinArrow, Detect: px(150), Range: px(120), Leash: px(240), Assist: px(120), Respawn: 15000, XP: 14},
	{Name: "skeleton", Title: "Skeleton", Hostile: true, Level: 5,
		Stats:  Stats{MaxHP: 100, Attack: 12, Armour: 20, MagicResist: 10, Speed: 55, AttackSpeed: 100},
		Attack: Bite, Detect: px(110), Range: px(14), Assist: px(120), Respawn: 30000, XP: 15},
	{Name: "bone_lord", Title: "Bone Lord", Hostile: true, Level: 10,
		Stats:  Stats{MaxHP: 1200, Attack: 25, Armour: 40, MagicResist: 30, Speed: 45, AttackSpeed: 100},
		Attack: Bite, Special: BoneSlam, Detect: px(160), Range: px(16), Assist: px(160), Respawn: 120000, XP: 300},
	{Name: "villager", Title: "Villager", Level: 1, Stats: Stats{MaxHP: 50, Speed: 30},
		Line: "Mind the wolves past the meadow. They hunt in packs."},
	{Name: "elder", Title: "Elder", Level: 1, Stats: Stats{MaxHP: 50, Speed: 20},
		Line: "The Bone Lord stirs beneath the dungeon. Go with friends, and go ready."},
}

// NPCNamed returns the kind named name.
func NPCNamed(name string) (*NPCKind, bool) {
	for i := range npcKinds {
		if npcKinds[i].Name == name {
			return &npcKinds[i], true
		}
	}
	return nil, false
}

// NPCKinds returns the NPC table, for tools and documentation.
func NPCKinds() []NPCKind { return npcKinds[:] }
