package rules

import (
	"math"
	"math/bits"
)

// Dir is a movement direction, numbered as the wire's Input.Move: 0 is no
// movement and 1..8 are N, NE, E, SE, S, SW, W, NW (clockwise from north).
type Dir uint8

// The directions.
const (
	DirNone Dir = iota
	DirN
	DirNE
	DirE
	DirSE
	DirS
	DirSW
	DirW
	DirNW
)

// Valid reports whether d is DirNone or one of the eight directions.
func (d Dir) Valid() bool { return d <= DirNW }

// Unit returns the direction's unit step: each component is -1, 0 or 1,
// with Y growing to the south. An invalid d returns (0, 0).
func (d Dir) Unit() (dx, dy int32) {
	switch d {
	case DirN:
		return 0, -1
	case DirNE:
		return 1, -1
	case DirE:
		return 1, 0
	case DirSE:
		return 1, 1
	case DirS:
		return 0, 1
	case DirSW:
		return -1, 1
	case DirW:
		return -1, 0
	case DirNW:
		return -1, -1
	}
	return 0, 0
}

// MaxSpeed is the largest speed Step honours, in subpixels per tick (4 tiles
// per tick, 1280 px/s at 20 Hz: far above any class speed). The cap bounds
// the work of one Step and keeps every intermediate value far from
// overflowing.
const MaxSpeed = 4 * TileSubpixels

// diagNum / 2^diagShift approximates 1/sqrt(2) from below (181/256 =
// 0.70703 < 0.70711), so a diagonal component is at most speed/sqrt(2).
const (
	diagNum   = 181
	diagShift = 8
)

// clampSpeed limits speed to [0, MaxSpeed].
func clampSpeed(speed int32) int64 {
	return int64(min(max(speed, 0), MaxSpeed))
}

// SpeedPerTick converts a speed in pixels per second into subpixels per tick
// at tickRate ticks per second, rounded to nearest (halves up). It returns 0
// if either argument is <= 0 and never more than MaxSpeed.
func SpeedPerTick(pixelsPerSecond, tickRate int) int32 {
	if pixelsPerSecond <= 0 || tickRate <= 0 {
		return 0
	}
	// (pps*16 + tickRate/2) / tickRate in 128 bits, so no input overflows.
	tr := uint64(tickRate)
	hi, lo := bits.Mul64(uint64(pixelsPerSecond), SubpixelsPerPixel)
	lo, carry := bits.Add64(lo, tr/2, 0)
	hi += carry
	if hi >= tr { // the quotient does not fit in 64 bits
		return MaxSpeed
	}
	q, _ := bits.Div64(hi, lo, tr)
	return int32(min(q, MaxSpeed))
}

// Velocity returns the displacement one tick of movement in direction d at
// speed subpixels per tick asks for, before collision. Speed is clamped to
// [0, MaxSpeed]. A straight move covers speed on its axis; a diagonal move
// covers floor(speed*181/256) on each axis, so its Euclidean length never
// exceeds speed (rounding to nearest instead would overshoot by up to 0.7
// subpixel for about half of all speeds, e.g. 240 -> 170 and
// 170*sqrt(2) = 240.4). An invalid d returns the zero Vec.
func (d Dir) Velocity(speed int32) Vec {
	ux, uy := d.Unit()
	s := clampSpeed(speed)
	if ux != 0 && uy != 0 {
		s = s * diagNum >> diagShift
	}
	return Vec{ux * int32(s), uy * int32(s)}
}

// Step moves a body with its feet at p one tick in direction d at speed
// subpixels per tick (clamped to [0, MaxSpeed]) against the solid tiles of c,
// and returns the new feet position.
//
// The move is axis-separated: first along X, then along Y. On each axis the
// body sweeps through every tile it would newly enter, so it cannot tunnel
// through a wall at any speed; if one is solid, the body stops flush against
// that tile's edge. A blocked diagonal therefore slides along the wall on the
// free axis. Tiles the body already overlaps at p are ignored, so a body
// placed inside a wall (a bad save, an edited map) can walk out of it.
//
// If Fits(p, c), the result also fits. An invalid d or DirNone returns p.
// Step is pure, deterministic and allocation-free; it calls c.Solid a bounded
// number of times (at most 16).
func Step(p Vec, d Dir, speed int32, c Collider) Vec {
	v := d.Velocity(speed)
	x, y := int64(p.X), int64(p.Y)
	if v.X != 0 {
		x = sweep(x, int64(v.X), y-BodyHeight, y, BodyHalfWidth, BodyHalfWidth, func(a, b int64) bool {
			return c.Solid(int(a), int(b))
		})
	}
	if v.Y != 0 {
		y = sweep(y, int64(v.Y), x-BodyHalfWidth, x+BodyHalfWidth, BodyHeight, 0, func(a, b int64) bool {
			return c.Solid(int(b), int(a))
		})
	}
	return Vec{sat32(x), sat32(y)}
}

// sweep moves coordinate pos by delta along one axis for a body spanning
// [pos-back, pos+front) on that axis and [lo, hi) on the other, stopping
// flush at the first solid tile the body would newly enter. solid takes
// (tile on the moving axis, tile on the other axis).
//
// The callback is a non-escaping closure, so it does not allocate.
func sweep(pos, delta, lo, hi, back, front int64, solid func(along, across int64) bool) int64 {
	rowLo, rowHi := lo>>tileShift, (hi-1)>>tileShift
	blocked := func(t int64) bool {
		for r := rowLo; r <= rowHi; r++ {
			if solid(t, r) {
				return true
			}
		}
		return false
	}
	if delta > 0 {
		edge := pos + front // exclusive leading edge
		for t := (edge-1)>>tileShift + 1; t <= (edge+delta-1)>>tileShift; t++ {
			if blocked(t) {
				return t<<tileShift - front
			}
		}
		return pos + delta
	}
	edge := pos - back // inclusive leading edge
	for t := edge>>tileShift - 1; t >= (edge+delta)>>tileShift; t-- {
		if blocked(t) {
			return (t+1)<<tileShift + back
		}
	}
	return pos + delta
}

// sat32 converts v to int32, saturating at the int32 limits.
func sat32(v int64) int32 {
	return int32(min(max(v, math.MinInt32), math.MaxInt32))
}
