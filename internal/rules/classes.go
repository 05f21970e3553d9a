package rules

// Stats are a combatant's numbers: a class at some level, or an NPC kind.
// Every field is an integer, so that the world and the clients compute
// the same values.
type Stats struct {
	MaxHP, MaxMP int32
	// MPRegen is the mana regained per second, in tenths.
	MPRegen int32
	// Attack scales physical abilities, Magic magic ones and heals.
	Attack, Magic int32
	// Armour and MagicResist mitigate physical and magic damage (Mitigate).
	Armour, MagicResist int32
	// Speed is the walking speed in pixels per second.
	Speed int32
	// AttackSpeed is a percentage: a basic attack's cooldown is its
	// ability's cooldown × 100 / AttackSpeed.
	AttackSpeed int32
}

// plus returns s with n times g added to every stat.
func (s Stats) plus(g Stats, n int32) Stats {
	return Stats{
		MaxHP: s.MaxHP + n*g.MaxHP, MaxMP: s.MaxMP + n*g.MaxMP, MPRegen: s.MPRegen + n*g.MPRegen,
		Attack: s.Attack + n*g.Attack, Magic: s.Magic + n*g.Magic,
		Armour: s.Armour + n*g.Armour, MagicResist: s.MagicResist + n*g.MagicResist,
		Speed: s.Speed + n*g.Speed, AttackSpeed: s.AttackSpeed + n*g.AttackSpeed,
	}
}

// Class is a character class: its stats at level 1, their growth per
// level, and its abilities.
type Class struct {
	// Name is the class as the API and the databases spell it.
	Name string
	// Base are the stats at level 1; Growth is added for every level
	// above it. Speed never grows: a client predicts its own walk with
	// the speed its Welcome gave, for the whole session.
	Base, Growth Stats
	// Abilities are the basic attack (the primary button) and the two
	// specials (buttons 1 and 2).
	Abilities [3]AbilityID
}

// MaxLevel is the highest level a character reaches.
const MaxLevel = 50

// StatsAt returns the class's stats at level (clamped to 1..MaxLevel).
func (c *Class) StatsAt(level int) Stats {
	level = min(max(level, 1), MaxLevel)
	return c.Base.plus(c.Growth, int32(level-1))
}

// classes is the class table. The knight trades speed for health and
// armour, the wizard health for mana and magic; the rogue is fast and hits
// hard from afar.
var classes = [...]Class{
	{
		Name:      "knight",
		Base:      Stats{MaxHP: 120, MaxMP: 40, MPRegen: 20, Attack: 14, Magic: 4, Armour: 30, MagicResist: 10, Speed: 80, AttackSpeed: 100},
		Growth:    Stats{MaxHP: 14, MaxMP: 3, MPRegen: 1, Attack: 2, Magic: 1, Armour: 3, MagicResist: 1, AttackSpeed: 1},
		Abilities: [3]AbilityID{SwordSwing, ShieldBash, SecondWind},
	},
	{
		Name:      "rogue",
		Base:      Stats{MaxHP: 90, MaxMP: 50, MPRegen: 25, Attack: 16, Magic: 4, Armour: 15, MagicResist: 15, Speed: 100, AttackSpeed: 110},
		Growth:    Stats{MaxHP: 10, MaxMP: 4, MPRegen: 1, Attack: 3, Magic: 1, Armour: 2, MagicResist: 2, AttackSpeed: 2},
		Abilities: [3]AbilityID{BowShot, Multishot, Snipe},
	},
	{
		Name:      "wizard",
		Base:      Stats{MaxHP: 70, MaxMP: 120, MPRegen: 50, Attack: 6, Magic: 18, Armour: 10, MagicResist: 30, Speed: 90, AttackSpeed: 100},
		Growth:    Stats{MaxHP: 8, MaxMP: 10, MPRegen: 3, Attack: 1, Magic: 3, Armour: 1, MagicResist: 3, AttackSpeed: 1},
		Abilities: [3]AbilityID{WandBolt, MendingBolt, Fireball},
	},
}

// ClassNamed returns the class named name ("knight", "rogue" or "wizard",
// as the API and the databases spell it).
func ClassNamed(name string) (*Class, bool) {
	for i := range classes {
		if classes[i].Name == name {
			return &classes[i], true
		}
	}
	return nil, false
}

// XPToNext is the experience a character of level needs to reach the
// next: 70 × level. Experience beyond it carries over.
func XPToNext(level int) int { return 70 * max(level, 1) }

// RespawnMillis is how long a dead player waits before it comes back at
// its map's respawn point, whole.
const RespawnMillis = 3000
