package main

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"strings"
)

// pen draws into one cell of a sheet: coordinates are relative to the
// cell's top-left corner and clipped to the cell.
type pen struct {
	img  *image.Paletted
	cell image.Rectangle
	r    *rand.Rand
}

func newSheet(w, h int) *image.Paletted {
	return image.NewPaletted(image.Rect(0, 0, w, h), palette())
}

// newPen returns a pen for the w x h cell at (x, y) of img, with its own
// random stream derived from seed, so changing one cell never changes
// another.
func newPen(img *image.Paletted, x, y, w, h int, seed uint64) *pen {
	return &pen{
		img:  img,
		cell: image.Rect(x, y, x+w, y+h),
		r:    rand.New(rand.NewPCG(seed, 0x7a11_3e55)),
	}
}

func (p *pen) w() int { return p.cell.Dx() }
func (p *pen) h() int { return p.cell.Dy() }

func (p *pen) in(x, y int) bool { return x >= 0 && y >= 0 && x < p.w() && y < p.h() }

// set paints one pixel; out-of-cell pixels are ignored.
func (p *pen) set(x, y int, c uint8) {
	if p.in(x, y) {
		p.img.SetColorIndex(p.cell.Min.X+x, p.cell.Min.Y+y, c)
	}
}

// get returns the colour index at (x, y), or cClear outside the cell.
func (p *pen) get(x, y int) uint8 {
	if !p.in(x, y) {
		return cClear
	}
	return p.img.ColorIndexAt(p.cell.Min.X+x, p.cell.Min.Y+y)
}

// wset paints a pixel with both coordinates wrapped into the cell, for
// textures that must tile seamlessly.
func (p *pen) wset(x, y int, c uint8) {
	p.set(mod(x, p.w()), mod(y, p.h()), c)
}

func mod(a, n int) int { return ((a % n) + n) % n }

func (p *pen) fill(c uint8) { p.rect(0, 0, p.w(), p.h(), c) }

func (p *pen) rect(x, y, w, h int, c uint8) {
	for j := y; j < y+h; j++ {
		for i := x; i < x+w; i++ {
			p.set(i, j, c)
		}
	}
}

// chance returns true with probability n/d.
func (p *pen) chance(n, d int) bool { return p.r.IntN(d) < n }

// speckle scatters n pixels of colour c at random (wrapping) positions.
func (p *pen) speckle(n int, c uint8) {
	for range n {
		p.set(p.r.IntN(p.w()), p.r.IntN(p.h()), c)
	}
}

// stamp draws a text template at (x, y): each rune maps to a colour through
// key; '.' is left untouched. A malformed template is a bug in artgen, so it
// panics.
func (p *pen) stamp(x, y int, rows []string, key map[rune]uint8) {
	for j, row := range rows {
		for i, ch := range []rune(row) {
			if ch == '.' {
				continue
			}
			c, ok := key[ch]
			if !ok {
				panic(fmt.Sprintf("artgen: template rune %q has no colour", ch))
			}
			p.set(x+i, y+j, c)
		}
	}
}

// splitThin splits a template in two: body has the runes in thin replaced
// by '.', and detail keeps only those runes. Stamping body, outlining, then
// stamping detail keeps thin lines such as a bow's string one pixel wide,
// where an outline would thicken them into a dark band.
func splitThin(rows []string, thin string) (body, detail []string) {
	for _, row := range rows {
		b, d := []rune(row), []rune(row)
		for i, ch := range b {
			if strings.ContainsRune(thin, ch) {
				b[i] = '.'
			} else {
				d[i] = '.'
			}
		}
		body, detail = append(body, string(b)), append(detail, string(d))
	}
	return body, detail
}

// figure stamps a template at (x, y) like stamp, outlines everything in
// the cell with ink, then stamps the template's thin runes over the outline
// (see splitThin).
func (p *pen) figure(x, y int, rows []string, key map[rune]uint8, thin string) {
	body, detail := splitThin(rows, thin)
	p.stamp(x, y, body, key)
	p.outline(cInk)
	p.stamp(x, y, detail, key)
}

// opaque reports whether a colour index counts as part of a figure (shadows
// and tints do not).
func opaque(c uint8) bool { return c != cClear && c != cShadow && c != cTint }

// outline paints c on every non-figure pixel of the cell that touches a
// figure pixel on one of its four sides.
func (p *pen) outline(c uint8) {
	var marks []image.Point
	for y := range p.h() {
		for x := range p.w() {
			if opaque(p.get(x, y)) {
				continue
			}
			if opaque(p.get(x-1, y)) || opaque(p.get(x+1, y)) || opaque(p.get(x, y-1)) || opaque(p.get(x, y+1)) {
				marks = append(marks, image.Pt(x, y))
			}
		}
	}
	for _, m := range marks {
		p.set(m.X, m.Y, c)
	}
}

// ellipse calls f for every pixel whose centre lies inside the ellipse with
// centre (cx, cy) and radii (rx, ry), passing the normalised offsets.
func (p *pen) ellipse(cx, cy, rx, ry float64, f func(x, y int, nx, ny float64)) {
	for y := range p.h() {
		for x := range p.w() {
			nx, ny := (float64(x)+0.5-cx)/rx, (float64(y)+0.5-cy)/ry
			if nx*nx+ny*ny <= 1 {
				f(x, y, nx, ny)
			}
		}
	}
}

// disc paints the pixels within r of (cx, cy) with c.
func (p *pen) disc(cx, cy, r float64, c uint8) {
	p.ellipse(cx, cy, r, r, func(x, y int, _, _ float64) { p.set(x, y, c) })
}

// ring paints the pixels whose centres lie between r0 and r1 from (cx, cy).
func (p *pen) ring(cx, cy, r0, r1 float64, c uint8) {
	p.ellipse(cx, cy, r1, r1, func(x, y int, nx, ny float64) {
		if math.Hypot(nx, ny)*r1 >= r0 {
			p.set(x, y, c)
		}
	})
}

// sparkle paints a small four-pointed star: a centre pixel c and its four
// neighbours in edge.
func (p *pen) sparkle(x, y int, c, edge uint8) {
	p.set(x, y, c)
	for _, d := range [][2]int{{0, -1}, {1, 0}, {0, 1}, {-1, 0}} {
		p.set(x+d[0], y+d[1], edge)
	}
}

// shadow darkens an elliptic patch of ground under a figure; it only paints
// pixels that are still clear.
func (p *pen) shadow(cx, cy, rx, ry float64) {
	p.ellipse(cx, cy, rx, ry, func(x, y int, _, _ float64) {
		if p.get(x, y) == cClear {
			p.set(x, y, cShadow)
		}
	})
}

// mirror copies the w x h block at (sx, sy) of img to (dx, dy), flipped
// left to right.
func mirror(img *image.Paletted, sx, sy, dx, dy, w, h int) {
	for y := range h {
		for x := range w {
			img.SetColorIndex(dx+w-1-x, dy+y, img.ColorIndexAt(sx+x, sy+y))
		}
	}
}
