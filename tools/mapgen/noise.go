package main

import "math"

// noise is seeded 2D value noise in [0, 1): smooth, deterministic, and
// cheap enough for a 256x256 map.
type noise struct{ seed uint64 }

func (n noise) lattice(x, y int) float64 {
	h := n.seed ^ uint64(int64(x))*0x9e3779b97f4a7c15 ^ uint64(int64(y))*0xc2b2ae3d27d4eb4f
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 29
	return float64(h>>11) / (1 << 53)
}

// at samples one octave with the given cell size in tiles.
func (n noise) at(x, y, cell float64) float64 {
	fx, fy := x/cell, y/cell
	x0, y0 := math.Floor(fx), math.Floor(fy)
	tx, ty := smooth(fx-x0), smooth(fy-y0)
	ix, iy := int(x0), int(y0)
	a := lerp(n.lattice(ix, iy), n.lattice(ix+1, iy), tx)
	b := lerp(n.lattice(ix, iy+1), n.lattice(ix+1, iy+1), tx)
	return lerp(a, b, ty)
}

// fbm sums octaves of decreasing cell size for a natural look.
func (n noise) fbm(x, y, cell float64, octaves int) float64 {
	sum, amp, norm := 0.0, 1.0, 0.0
	for o := range octaves {
		sum += amp * noise{n.seed + uint64(o)*7919}.at(x, y, cell)
		norm += amp
		amp /= 2
		cell /= 2
	}
	return sum / norm
}

func smooth(t float64) float64     { return t * t * (3 - 2*t) }
func lerp(a, b, t float64) float64 { return a + (b-a)*t }
