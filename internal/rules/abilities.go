package rules

// AbilityID names an ability on the wire (Input buttons select a class's
// abilities; events name the one used). IDs are stable.
type AbilityID uint8

// The abilities. Players' come first, then the NPCs' attacks.
const (
	AbilityNone AbilityID = iota
	SwordSwing            // knight: melee arc in front
	ShieldBash            // knight: a harder arc that stuns NPCs
	SecondWind            // knight: heals a quarter of the knight's health
	BowShot               // rogue: charged arrow: hold to charge, release to fire
	Multishot             // rogue: three arrows in a fan
	Snipe                 // rogue: a fast, long, hard arrow
	WandBolt              // wizard: magic bolt
	MendingBolt           // wizard: heals an ally in sight (Input.Target)
	Fireball              // wizard: a slow, heavy magic bolt
	Bite                  // NPC melee
	GoblinArrow           // NPC arrow
	BoneSlam              // the Bone Lord's telegraphed blast around itself
	numAbilities
)

// Shape is how an ability finds what it affects.
type Shape uint8

// The shapes.
const (
	// ShapeMelee hits every enemy whose body meets a circle of Radius,
	// Reach in front of the user along its aim, in sight of the user.
	ShapeMelee Shape = iota + 1
	// ShapeProjectile fires Count projectiles along the aim (fanned by
	// Spread), which fly at ProjectileSpeed for Lifetime and hit the first
	// enemy they meet; a wall stops them.
	ShapeProjectile
	// ShapeAllyHeal heals the ally named by Input.Target (or the user when
	// none is named), within Reach and in sight.
	ShapeAllyHeal
	// ShapeSelfHeal heals the user.
	ShapeSelfHeal
	// ShapeBlast hits every enemy within Radius of the user, Delay after
	// it began: the others see it coming (a telegraph).
	ShapeBlast
)

// Ability is one row of the ability table. Distances are in subpixels,
// times in milliseconds, speeds in pixels per second.
type Ability struct {
	ID   AbilityID
	Name string
	// Basic abilities are a class's primary attack: their cooldown scales
	// with AttackSpeed.
	Basic bool
	Shape Shape
	// Magic abilities scale with Magic and are mitigated by MagicResist;
	// the others scale with Attack and are mitigated by Armour.
	Magic bool
	// Power is the damage (or heal) in percent of Attack or Magic.
	Power int32
	// HealMaxHP heals this percentage of the target's MaxHP, besides Power.
	HealMaxHP int32
	Cooldown  int32
	ManaCost  int32
	// Reach is how far in front a melee circle lies, or how far an ally
	// heal reaches; Radius is the melee or blast circle's radius.
	Reach, Radius int32
	// Projectiles.
	ProjectileSpeed int32
	Lifetime        int32
	Count           int
	Spread          uint8 // aim units between two projectiles of a fan
	// Charge is the time to full power for abilities fired on release:
	// power grows from MinCharge percent at once to 100 after Charge.
	Charge, MinCharge int32
	// Stun freezes the NPCs hit for this long.
	Stun int32
	// Delay is how long a blast is telegraphed before it strikes.
	Delay int32
}

// HurtRadius is the radius of the circle a body can be hit in, around
// Centre(feet): larger than the walking box, which sits at the feet.
const HurtRadius = 7 * SubpixelsPerPixel

// Centre returns the middle of the body whose feet are at p: where it
// fires from and is hit.
func Centre(p Vec) Vec { return Vec{p.X, p.Y - 6*SubpixelsPerPixel} }

// px converts pixels to subpixels.
func px(n int32) int32 { return n * SubpixelsPerPixel }

var abilities = [numAbilities]Ability{
	SwordSwing: {Name: "Sword Swing", Basic: true, Shape: ShapeMelee, Power: 100, Cooldown: 600, Reach: px(10), Radius: px(16)},
	ShieldBash: {Name: "Shield Bash", Shape: ShapeMelee, Power: 150, Cooldown: 6000, ManaCost: 12, Reach: px(10), Radius: px(14), Stun: 1500},
	SecondWind: {Name: "Second Wind", Shape: ShapeSelfHeal, HealMaxHP: 25, Cooldown: 20000, ManaCost: 20},
	BowShot: {Name: "Bow Shot", Basic: true, Shape: ShapeProjectile, Power: 100, Cooldown: 800,
		ProjectileSpeed: 260, Lifetime: 1000, Count: 1, Charge: 900, MinCharge: 30},
	Multishot: {Name: "Multishot", Shape: ShapeProjectile, Power: 60, Cooldown: 5000, ManaCost: 12,
		ProjectileSpeed: 240, Lifetime: 800, Count: 3, Spread: 12},
	Snipe: {Name: "Snipe", Shape: ShapeProjectile, Power: 200, Cooldown: 8000, ManaCost: 15,
		ProjectileSpeed: 400, Lifetime: 900, Count: 1},
	WandBolt: {Name: "Magic Bolt", Basic: true, Shape: ShapeProjectile, Magic: true, Power: 100, Cooldown: 1000,
		ProjectileSpeed: 220, Lifetime: 900, Count: 1},
	MendingBolt: {Name: "Mending Bolt", Shape: ShapeAllyHeal, Magic: true, Power: 150, Cooldown: 3000, ManaCost: 15,
		Reach: px(160)},
	Fireball: {Name: "Fireball", Shape: ShapeProjectile, Magic: true, Power: 180, Cooldown: 6000, ManaCost: 25,
		ProjectileSpeed: 160, Lifetime: 1200, Count: 1},
	Bite:        {Name: "Bite", Basic: true, Shape: ShapeMelee, Power: 100, Cooldown: 1400, Reach: px(8), Radius: px(10)},
	GoblinArrow: {Name: "Goblin Arrow", Basic: true, Shape: ShapeProjectile, Power: 100, Cooldown: 2000, ProjectileSpeed: 180, Lifetime: 900, Count: 1},
	BoneSlam:    {Name: "Bone Slam", Shape: ShapeBlast, Power: 250, Cooldown: 8000, Radius: px(48), Delay: 1200},
}

func init() {
	for id := range abilities {
		abilities[id].ID = AbilityID(id)
	}
}

// AbilityByID returns the ability with id.
func AbilityByID(id AbilityID) (*Ability, bool) {
	if id == AbilityNone || id >= numAbilities {
		return nil, false
	}
	return &abilities[id], true
}

// Ticks converts ms milliseconds into ticks at tickRate, rounding up, so
// that a cooldown is never shorter than its table says.
func Ticks(ms int32, tickRate int) uint32 {
	if ms <= 0 || tickRate <= 0 {
		return 0
	}
	return uint32((int64(ms)*int64(tickRate) + 999) / 1000)
}

// CooldownTicks returns a's cooldown in ticks for a user with stats s.
func (a *Ability) CooldownTicks(s Stats, tickRate int) uint32 {
	ms := a.Cooldown
	if a.Basic && s.AttackSpeed > 0 {
		ms = int32(int64(ms) * 100 / int64(s.AttackSpeed))
	}
	return Ticks(ms, tickRate)
}

// Amount returns the damage (or heal) a deals for a user with stats s, at
// charge percent of full power (100 for abilities that do not charge),
// before mitigation.
func (a *Ability) Amount(s Stats, charge int32) int32 {
	base := s.Attack
	if a.Magic {
		base = s.Magic
	}
	return int32(int64(base) * int64(a.Power) * int64(charge) / 10000)
}

// ChargePercent returns the power percentage of an ability fired on
// release after held ticks of charge: MinCharge at once, rising evenly to
// 100 at a.Charge.
func (a *Ability) ChargePercent(held uint32, tickRate int) int32 {
	full := Ticks(a.Charge, tickRate)
	if full == 0 || held >= full {
		return 100
	}
	return a.MinCharge + int32(int64(100-a.MinCharge)*int64(held)/int64(full))
}

// Mitigate returns amount reduced by a defence (Armour or MagicResist):
// amount × 100 / (100 + defence), with a negative defence counting as 0.
// Any hit deals at least 1.
func Mitigate(amount, defence int32) int32 {
	if amount <= 0 {
		return 0
	}
	d := int64(max(defence, 0))
	return int32(max(int64(amount)*100/(100+d), 1))
}
