package rules

import (
	"math"
	"testing"
)

func TestAimVecIsAUnitCircle(t *testing.T) {
	for _, tt := range []struct {
		aim  uint8
		want Vec
	}{{0, Vec{AimScale, 0}}, {64, Vec{0, AimScale}}, {128, Vec{-AimScale, 0}}, {192, Vec{0, -AimScale}}} {
		if got := AimVec(tt.aim); got != tt.want {
			t.Errorf("AimVec(%d) = %v, want %v", tt.aim, got, tt.want)
		}
	}
	for a := range 256 {
		u := AimVec(uint8(a))
		angle := float64(a) * 2 * math.Pi / 256
		if dx, dy := float64(u.X)-AimScale*math.Cos(angle), float64(u.Y)-AimScale*math.Sin(angle); math.Abs(dx) > 1 || math.Abs(dy) > 1 {
			t.Errorf("AimVec(%d) = %v, off the circle by (%.1f, %.1f)", a, u, dx, dy)
		}
		if got := AimAt(Vec{}, Vec{u.X, u.Y}); got != uint8(a) {
			t.Errorf("AimAt(AimVec(%d)) = %d", a, got)
		}
	}
}

func TestMitigate(t *testing.T) {
	for _, tt := range []struct{ amount, defence, want int32 }{
		{100, 0, 100},
		{100, 100, 50},  // 100 × 100/200
		{100, 300, 25},  // 100 × 100/400
		{30, 15, 26},    // 3000/115 = 26.08, rounded down
		{100, -50, 100}, // negative defence counts as none
		{1, 1000, 1},    // every hit deals at least 1
		{0, 10, 0},
	} {
		if got := Mitigate(tt.amount, tt.defence); got != tt.want {
			t.Errorf("Mitigate(%d, %d) = %d, want %d", tt.amount, tt.defence, got, tt.want)
		}
	}
}

func TestAmountScalesWithTheRightStat(t *testing.T) {
	s := Stats{Attack: 20, Magic: 30}
	sword, _ := AbilityByID(SwordSwing)
	bolt, _ := AbilityByID(WandBolt)
	fire, _ := AbilityByID(Fireball)
	if got := sword.Amount(s, 100); got != 20 {
		t.Errorf("sword at Attack 20 = %d, want 20", got)
	}
	if got := bolt.Amount(s, 100); got != 30 {
		t.Errorf("magic bolt at Magic 30 = %d, want 30", got)
	}
	if got := fire.Amount(s, 100); got != 54 {
		t.Errorf("fireball (180%%) at Magic 30 = %d, want 54", got)
	}
	if got := sword.Amount(s, 50); got != 10 {
		t.Errorf("sword at half charge = %d, want 10", got)
	}
}

func TestChargeAndCooldown(t *testing.T) {
	bow, _ := AbilityByID(BowShot)
	// 900 ms at 20 Hz is 18 ticks: 30 % at once, 100 % from 18 on.
	for held, want := range map[uint32]int32{0: 30, 9: 65, 17: 96, 18: 100, 100: 100} {
		if got := bow.ChargePercent(held, 20); got != want {
			t.Errorf("ChargePercent(%d) = %d, want %d", held, got, want)
		}
	}
	sword, _ := AbilityByID(SwordSwing)
	// 600 ms at 20 Hz is 12 ticks; at 120 % attack speed 500 ms, 10 ticks.
	if got := sword.CooldownTicks(Stats{AttackSpeed: 100}, 20); got != 12 {
		t.Errorf("sword cooldown = %d ticks, want 12", got)
	}
	if got := sword.CooldownTicks(Stats{AttackSpeed: 120}, 20); got != 10 {
		t.Errorf("sword cooldown at 120%% = %d ticks, want 10", got)
	}
	bash, _ := AbilityByID(ShieldBash)
	if got := bash.CooldownTicks(Stats{AttackSpeed: 200}, 20); got != 120 {
		t.Errorf("a special's cooldown (6 s) = %d ticks at 200%% attack speed, want 120: only basics scale", got)
	}
	if got := Ticks(1, 20); got != 1 {
		t.Errorf("Ticks(1 ms) = %d, want 1: rounded up", got)
	}
}

func TestEveryAbilityIsComplete(t *testing.T) {
	for id := AbilityNone + 1; id < numAbilities; id++ {
		a, ok := AbilityByID(id)
		if !ok || a.ID != id || a.Name == "" || a.Shape == 0 || a.Cooldown <= 0 {
			t.Errorf("ability %d is incomplete: %+v", id, a)
			continue
		}
		switch a.Shape {
		case ShapeProjectile:
			if a.ProjectileSpeed <= 0 || a.Lifetime <= 0 || a.Count < 1 || a.Power <= 0 {
				t.Errorf("%s: a projectile needs speed, lifetime, count and power", a.Name)
			}
		case ShapeMelee, ShapeBlast:
			if a.Radius <= 0 || a.Power <= 0 {
				t.Errorf("%s: a melee or blast needs a radius and power", a.Name)
			}
		}
	}
	if _, ok := AbilityByID(AbilityNone); ok {
		t.Error("AbilityNone is in the table")
	}
	if _, ok := AbilityByID(numAbilities); ok {
		t.Error("an ID past the table is in it")
	}
}

func TestLineOfSight(t *testing.T) {
	g := newGrid(
		"......",
		"..#...",
		"......",
	)
	c := func(tx, ty int) Vec { return TileCenter(tx, ty) }
	if !LineOfSight(c(0, 0), c(5, 0), g) {
		t.Error("an open row is not in sight")
	}
	if LineOfSight(c(0, 1), c(5, 1), g) {
		t.Error("a wall in the row does not block the sight")
	}
	if LineOfSight(c(1, 0), c(3, 2), g) {
		t.Error("a diagonal through the wall's tile is in sight")
	}
	if !LineOfSight(c(1, 1), c(1, 1), g) {
		t.Error("a point is not in sight of itself")
	}
}

func TestProjectileStopsAtAWall(t *testing.T) {
	g := newGrid(
		"....#...",
	)
	// A projectile fast enough to cross a whole tile in one tick still
	// stops in the wall's tile, never beyond it.
	for _, speed := range []int32{30, 200, 600, 1200} {
		p := NewProjectile(TileCenter(0, 0), 0, speed, 5000, 20)
		for !p.Step(g, nil) {
		}
		if tx, _ := p.Pos.Tile(); tx != 4 {
			t.Errorf("at %d px/s the projectile ended in tile %d, want the wall's tile 4", speed, tx)
		}
	}
}

func TestProjectileHitsWhatItMeetsAndEndsInTime(t *testing.T) {
	var o open
	p := NewProjectile(Vec{}, 0, 200, 1000, 20) // 160 subpixels a tick for 20 ticks
	target := Vec{X: 1000, Y: 0}
	ticks := 0
	hitAt := Vec{}
	for !p.Step(o, func(at Vec) bool {
		if Dist2(at, target) <= HurtRadius*HurtRadius {
			hitAt = at
			return true
		}
		return false
	}) {
		ticks++
	}
	if hitAt == (Vec{}) || Dist2(hitAt, target) > HurtRadius*HurtRadius || hitAt.X > target.X {
		t.Errorf("the projectile hit at %v, want the near edge of the hurt circle around %v", hitAt, target)
	}
	miss := NewProjectile(Vec{}, 64, 200, 1000, 20)
	n := 0
	for !miss.Step(o, nil) {
		n++
	}
	if n != 19 || miss.Pos.Y != 20*160 {
		t.Errorf("a miss flew %d+1 ticks to %v, want 20 ticks to y=3200", n, miss.Pos)
	}
}

func TestAHeadOverAWallSeesAndShootsPastIt(t *testing.T) {
	g := newGrid(
		"......",
		"..#...",
		"......",
	)
	// A centre inside the wall's tile (a body standing just below it) sees
	// past it, and is seen.
	inWall := TileCenter(2, 1)
	if !LineOfSight(inWall, TileCenter(5, 1), g) || !LineOfSight(TileCenter(5, 1), inWall, g) {
		t.Error("a centre over the top of a wall neither sees nor is seen")
	}
	p := NewProjectile(inWall, 0, 200, 1000, 20)
	for !p.Step(g, nil) {
	}
	if tx, _ := p.Pos.Tile(); tx < 5 {
		t.Errorf("a shot fired from the wall's tile stopped at tile %d", tx)
	}
}
