package rules

// An aim is a direction as one byte, as Input.Aim carries it: 0 is east,
// and it turns clockwise on screen (Y grows to the south) by 360/256
// degrees a unit, so 64 is south, 128 west and 192 north.

// AimScale is the length of the vectors AimVec returns.
const AimScale = 4096

// quarterSine holds round(AimScale × sin(i × 90°/64)) for i in 0..64: a
// table rather than math.Sin, so that every platform gets the same bits.
var quarterSine = [65]int32{
	0, 101, 201, 301, 401, 501, 601, 700, 799, 897, 995, 1092, 1189, 1285, 1380, 1474,
	1567, 1660, 1751, 1842, 1931, 2019, 2106, 2191, 2276, 2359, 2440, 2520, 2598, 2675, 2751, 2824,
	2896, 2967, 3035, 3102, 3166, 3229, 3290, 3349, 3406, 3461, 3513, 3564, 3612, 3659, 3703, 3745,
	3784, 3822, 3857, 3889, 3920, 3948, 3973, 3996, 4017, 4036, 4052, 4065, 4076, 4085, 4091, 4095,
	4096,
}

// sine returns AimScale × sin(a × 360°/256).
func sine(a uint8) int32 {
	i := int(a) & 63
	switch a >> 6 {
	case 0:
		return quarterSine[i]
	case 1:
		return quarterSine[64-i]
	case 2:
		return -quarterSine[i]
	}
	return -quarterSine[64-i]
}

// AimVec returns the direction of aim as a vector of length AimScale
// (within rounding).
func AimVec(aim uint8) Vec { return Vec{sine(aim + 64), sine(aim)} }

// Along returns p moved dist subpixels along aim, rounding towards zero.
func Along(p Vec, aim uint8, dist int32) Vec {
	u := AimVec(aim)
	return Vec{p.X + int32(int64(u.X)*int64(dist)/AimScale), p.Y + int32(int64(u.Y)*int64(dist)/AimScale)}
}

// AimAt returns the aim from a towards b (0 when they coincide): the
// nearest of the 256 directions.
func AimAt(a, b Vec) uint8 {
	dx, dy := int64(b.X-a.X), int64(b.Y-a.Y)
	if dx == 0 && dy == 0 {
		return 0
	}
	best, bestDot := uint8(0), int64(-1<<62)
	for i := range 256 {
		u := AimVec(uint8(i))
		if dot := dx*int64(u.X) + dy*int64(u.Y); dot > bestDot {
			best, bestDot = uint8(i), dot
		}
	}
	return best
}

// Dist2 returns the squared distance between a and b.
func Dist2(a, b Vec) int64 {
	dx, dy := int64(a.X-b.X), int64(a.Y-b.Y)
	return dx*dx + dy*dy
}

// sightStep is the longest stride LineOfSight takes: a quarter tile, so
// no corner of a wall is stepped over.
const sightStep = TileSubpixels / 4

// LineOfSight reports whether the segment from a to b crosses no solid
// tile of c besides those holding a and b: a body's centre may overlap the
// top of a wall (the body itself is at its feet), and that wall hides
// nothing from it.
func LineOfSight(a, b Vec, c Collider) bool {
	dx, dy := int64(b.X-a.X), int64(b.Y-a.Y)
	n := max(abs64(dx), abs64(dy))/sightStep + 1
	ax, ay := a.Tile()
	bx, by := b.Tile()
	for i := int64(1); i < n; i++ {
		p := Vec{a.X + int32(dx*i/n), a.Y + int32(dy*i/n)}
		tx, ty := p.Tile()
		if (tx != ax || ty != ay) && (tx != bx || ty != by) && c.Solid(tx, ty) {
			return false
		}
	}
	return true
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// Projectile is a shot in flight: it moves in a straight line, a wall
// stops it, and it ends when its ticks run out. The world steps it to find
// what it hits; a client steps it the same way to draw it, so a shot
// costs one event on the wire, not a position a tick.
type Projectile struct {
	Pos Vec
	// Vel is the displacement per tick.
	Vel Vec
	// TicksLeft is how many more ticks it flies.
	TicksLeft uint32
	// From is the point it was fired from: a wall on that tile (under a
	// shooter's head) does not stop it.
	From Vec
}

// NewProjectile returns a projectile fired from from along aim at
// pixelsPerSecond for lifetimeMs, at tickRate ticks per second.
func NewProjectile(from Vec, aim uint8, pixelsPerSecond, lifetimeMs int32, tickRate int) Projectile {
	speed := int64(SpeedPerTick(int(pixelsPerSecond), tickRate))
	u := AimVec(aim)
	return Projectile{
		Pos:       from,
		From:      from,
		Vel:       Vec{int32(int64(u.X) * speed / AimScale), int32(int64(u.Y) * speed / AimScale)},
		TicksLeft: Ticks(lifetimeMs, tickRate),
	}
}

// ProjectileStride is the longest sub-step of a projectile's tick: half a
// hurt circle, so that no body is flown past.
const ProjectileStride = HurtRadius / 2

// Step flies p one tick in sub-steps of at most ProjectileStride. At each
// sub-step's point it stops if the tile there is solid (but for the tile
// it was fired from), then asks hit
// (when not nil) whether it struck something there. It reports whether the
// projectile has ended: a wall, a hit, or its last tick; p.Pos is then
// where it ended.
func (p *Projectile) Step(c Collider, hit func(at Vec) bool) (ended bool) {
	if p.TicksLeft == 0 {
		return true
	}
	p.TicksLeft--
	n := max(abs64(int64(p.Vel.X)), abs64(int64(p.Vel.Y)))/ProjectileStride + 1
	from := p.Pos
	ox, oy := p.From.Tile()
	for i := int64(1); i <= n; i++ {
		at := Vec{from.X + int32(int64(p.Vel.X)*i/n), from.Y + int32(int64(p.Vel.Y)*i/n)}
		p.Pos = at
		if tx, ty := at.Tile(); (tx != ox || ty != oy) && c.Solid(tx, ty) {
			return true
		}
		if hit != nil && hit(at) {
			return true
		}
	}
	return p.TicksLeft == 0
}
