package main

import (
	"fmt"
	"image"
	"math"
	"strings"
)

// Tileset geometry.
const (
	tilePx      = 16
	tileColumns = 8
)

// tileDef is one tile of the tileset: its name (the tile's "name" property
// in the .tsx, which tools/mapgen and map authors look tiles up by) and how
// to draw it.
type tileDef struct {
	name string
	draw func(p *pen)
}

// Water and path edges: bit set = the neighbour on that side is not water
// (not path), so the tile draws a shore (a grass border) on that side.
const (
	edgeN = 1 << iota
	edgeE
	edgeS
	edgeW
)

// tileDefs lists the tileset in order: a tile's id is its index.
func tileDefs() []tileDef {
	defs := []tileDef{
		// Row 0: ground.
		{"grass", func(p *pen) { grass(p, 0) }},
		{"grass2", func(p *pen) { grass(p, 1) }},
		{"grass3", func(p *pen) { grass(p, 2) }},
		{"sand", sand},
		{"cobble", cobble},
		{"stone_wall", stoneWall},
		{"well", well},
		{"collision", collisionMarker},
		// Row 1: dungeon and stairs.
		{"dungeon_floor", func(p *pen) { dungeonFloor(p, 0) }},
		{"dungeon_floor2", func(p *pen) { dungeonFloor(p, 1) }},
		{"dungeon_wall_top", dungeonWallTop},
		{"dungeon_wall", dungeonWallFace},
		{"stairs_down", func(p *pen) { stairs(p, true) }},
		{"stairs_up", func(p *pen) { stairs(p, false) }},
		{"water_deep", func(p *pen) { water(p, 0, true) }},
		{"dungeon_floor_moss", func(p *pen) { dungeonFloor(p, 2) }},
		// Row 2: overworld decoration (transparent; drawn over ground).
		{"tree", tree},
		{"pine", pine},
		{"rock", rock},
		{"bush", bush},
		{"flowers_red", func(p *pen) { flowers(p, cRed2, cYel2) }},
		{"flowers_yellow", func(p *pen) { flowers(p, cYel2, cYel0) }},
		{"tall_grass", tallGrass},
		{"portal", portal},
		// Row 3: props.
		{"mushrooms", mushrooms},
		{"stump", stump},
		{"torch", torch},
		{"bones", bones},
		{"barrel", barrel},
		{"fence", fence},
		{"sign", sign},
		{"crate", crate},
		// Row 4: roofs and props.
		{"roof_tl", func(p *pen) { roof(p, -1, false) }},
		{"roof_t", func(p *pen) { roof(p, 0, false) }},
		{"roof_tr", func(p *pen) { roof(p, 1, false) }},
		{"roof_bl", func(p *pen) { roof(p, -1, true) }},
		{"roof_b", func(p *pen) { roof(p, 0, true) }},
		{"roof_br", func(p *pen) { roof(p, 1, true) }},
		{"lamp", lamp},
		{"chest", chest},
		// Row 5: house fronts and more props.
		{"house_wall_l", func(p *pen) { houseWall(p, -1, false) }},
		{"house_window", func(p *pen) { houseWall(p, 0, true) }},
		{"house_door", houseDoor},
		{"house_wall_r", func(p *pen) { houseWall(p, 1, false) }},
		{"pillar", pillar},
		{"pebbles", pebbles},
		{"lily", lily},
		{"grave", grave},
	}
	// Rows 6-7: water with shores, indexed by edge mask.
	for m := range 16 {
		defs = append(defs, tileDef{fmt.Sprintf("water_%s", maskName(m)), func(p *pen) { water(p, m, false) }})
	}
	// Rows 8-9: dirt path with grass borders, indexed by edge mask.
	for m := range 16 {
		defs = append(defs, tileDef{fmt.Sprintf("path_%s", maskName(m)), func(p *pen) { path(p, m) }})
	}
	// Row 10: later additions (append here so existing ids never move).
	defs = append(defs,
		tileDef{"cobble2", cobble2},
		tileDef{"campfire", campfire},
		tileDef{"statue", statue},
	)
	return defs
}

// maskName spells an edge mask as the sides that have a border, e.g. "ne";
// "open" means none.
func maskName(m int) string {
	var b strings.Builder
	for i, s := range "nesw" {
		if m&(1<<i) != 0 {
			b.WriteRune(s)
		}
	}
	if b.Len() == 0 {
		return "open"
	}
	return b.String()
}

// drawTileset renders every tile into one sheet.
func drawTileset() (*image.Paletted, []tileDef) {
	defs := tileDefs()
	rows := (len(defs) + tileColumns - 1) / tileColumns
	img := newSheet(tileColumns*tilePx, rows*tilePx)
	for i, d := range defs {
		p := newPen(img, i%tileColumns*tilePx, i/tileColumns*tilePx, tilePx, tilePx, uint64(i)+1)
		d.draw(p)
	}
	return img, defs
}

// --- ground ---------------------------------------------------------------

func grass(p *pen, variant int) {
	p.fill(cGreen3)
	// Soft mottling: small darker and lighter patches.
	for range 10 + 4*variant {
		x, y := p.r.IntN(16), p.r.IntN(16)
		c := uint8(cGreen2)
		if p.chance(1, 3) {
			c = cGreen4
		}
		p.wset(x, y, c)
		if p.chance(1, 2) {
			p.wset(x+1, y, c)
		}
	}
	// Tufts: two light blades over a dark root.
	for range 3 + 2*variant {
		x, y := p.r.IntN(16), p.r.IntN(16)
		p.wset(x, y+1, cGreen2)
		p.wset(x-1, y, cGreen4)
		p.wset(x+1, y, cGreen4)
		if variant == 2 {
			p.wset(x, y-1, cGreen5)
		}
	}
}

func sand(p *pen) {
	p.fill(cSand1)
	p.speckle(14, cSand0)
	p.speckle(10, cSand2)
	for range 2 {
		x, y := p.r.IntN(16), p.r.IntN(16)
		p.wset(x, y, cBrown3)
		p.wset(x+1, y, cSand0)
	}
}

// cobble draws staggered paving stones that tile seamlessly.
func cobble(p *pen) {
	p.fill(cGrey1)
	type band struct {
		y, h   int
		joints []int
	}
	bands := []band{{0, 5, []int{5, 11}}, {5, 6, []int{2, 8, 13}}, {11, 5, []int{5, 11}}}
	for _, b := range bands {
		for k, j := range b.joints {
			next := b.joints[(k+1)%len(b.joints)]
			if next <= j {
				next += 16
			}
			x0, x1 := j+1, next-1 // stone spans [x0, x1]
			y0, y1 := b.y, b.y+b.h-2
			shade := []uint8{cGrey3, cGrey3, cGrey2}[p.r.IntN(3)]
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					corner := (x == x0 || x == x1) && (y == y0 || y == y1)
					if corner {
						continue
					}
					c := shade
					switch {
					case y == y0 || x == x0:
						c = cGrey4
					case y == y1 || x == x1:
						c = cGrey2
					}
					p.wset(x, y, c)
				}
			}
			if p.chance(1, 2) {
				p.wset(x0+1+p.r.IntN(max(1, x1-x0-1)), y0+1+p.r.IntN(max(1, y1-y0-1)), cGrey2)
			}
		}
	}
}

// cobble2 is a paving variant with a different joint pattern, to break up
// large plazas.
func cobble2(p *pen) {
	cobble(p)
	// Swap the middle band's joints by repainting one stone across it.
	for y := 5; y < 10; y++ {
		for x := 4; x < 12; x++ {
			c := uint8(cGrey3)
			switch {
			case x == 4 || x == 11 || y == 9:
				c = cGrey1
			case y == 5 || x == 5:
				c = cGrey4
			case y == 8 || x == 10:
				c = cGrey2
			}
			p.set(x, y, c)
		}
	}
	p.set(5, 5, cGrey1)
	p.set(10, 5, cGrey1)
	p.set(5, 8, cGrey1)
	p.set(10, 8, cGrey1)
}

// stoneWall is a solid wall of dressed stone seen from above and the south.
func stoneWall(p *pen) {
	p.fill(cGrey1)
	// Cap: the wall's top surface.
	p.rect(0, 0, 16, 4, cGrey3)
	p.rect(0, 0, 16, 1, cGrey4)
	p.rect(0, 3, 16, 1, cGrey2)
	for x := 3; x < 16; x += 6 {
		p.set(x, 1, cGrey2)
		p.set(x, 2, cGrey2)
	}
	// Face: bricks in staggered courses.
	for course := range 3 {
		y := 4 + course*4
		off := (course % 2) * 4
		for bx := -8 + off; bx < 16; bx += 8 {
			for yy := y; yy < y+3; yy++ {
				for xx := bx; xx < bx+7; xx++ {
					c := uint8(cGrey2)
					if yy == y {
						c = cGrey3
					}
					if xx == bx+6 || yy == y+2 {
						c = cGrey2
						if yy == y+2 {
							c = cGrey1
						}
					}
					if xx >= 0 && xx < 16 {
						p.set(xx, yy, c)
					}
				}
			}
		}
	}
	p.rect(0, 15, 16, 1, cGrey0)
}

func well(p *pen) {
	p.shadow(8, 13, 7, 3)
	p.ellipse(8, 8, 7, 6, func(x, y int, nx, ny float64) {
		c := uint8(cGrey3)
		if nx+ny < -0.6 {
			c = cGrey4
		} else if nx+ny > 0.6 {
			c = cGrey2
		}
		p.set(x, y, c)
	})
	p.ellipse(8, 7.5, 4, 3.5, func(x, y int, nx, ny float64) {
		c := uint8(cBlue1)
		if ny < -0.3 {
			c = cBlue0
		}
		if nx > 0.2 && ny > 0.1 && ny < 0.6 {
			c = cBlue2
		}
		p.set(x, y, c)
	})
	// Stones in the rim.
	for _, pt := range [][2]int{{2, 8}, {13, 8}, {8, 13}, {4, 12}, {12, 12}, {4, 3}, {11, 3}} {
		p.set(pt[0], pt[1], cGrey2)
	}
	p.outline(cInk)
}

// collisionMarker marks solid tiles in the hidden collision layer.
func collisionMarker(p *pen) {
	for y := range 16 {
		for x := range 16 {
			if (x+y)%4 == 0 || x == 0 || y == 0 || x == 15 || y == 15 {
				p.set(x, y, cTint)
			}
		}
	}
}

// --- dungeon ---------------------------------------------------------------

func dungeonFloor(p *pen, variant int) {
	p.fill(cDun3)
	// 8x8 flagstones with dark joints and a lit top-left edge.
	for sy := 0; sy < 16; sy += 8 {
		for sx := 0; sx < 16; sx += 8 {
			for i := range 8 {
				p.set(sx+i, sy+7, cDun2)
				p.set(sx+7, sy+i, cDun2)
				if i < 7 {
					p.set(sx+i, sy, cDun4)
					p.set(sx, sy+i, cDun4)
				}
			}
		}
	}
	p.speckle(6, cDun2)
	p.speckle(3, cDun4)
	switch variant {
	case 1: // a crack
		x, y := 2+p.r.IntN(4), 2+p.r.IntN(4)
		for range 9 {
			p.set(x, y, cDun1)
			x += 1
			y += p.r.IntN(3) - 1
		}
	case 2: // moss
		for range 18 {
			x, y := 3+p.r.IntN(10), 3+p.r.IntN(10)
			c := uint8(cGreen1)
			if p.chance(1, 3) {
				c = cGreen2
			}
			p.set(x, y, c)
			p.set(x+1, y, cGreen1)
		}
	}
}

func dungeonWallTop(p *pen) {
	p.fill(cDun0)
	// Faint outlines of the large stones the wall is built from.
	for _, s := range [][4]int{{0, 0, 9, 6}, {9, 0, 7, 7}, {0, 6, 6, 10}, {6, 7, 10, 9}} {
		x, y, w, h := s[0], s[1], s[2], s[3]
		for i := range w {
			p.set(x+i, y, cDun1)
		}
		for j := range h {
			p.set(x, y+j, cDun1)
		}
	}
	p.speckle(5, cDun1)
}

func dungeonWallFace(p *pen) {
	p.fill(cDun1)
	p.rect(0, 0, 16, 1, cDun4) // the lip of the wall top
	p.rect(0, 1, 16, 1, cDun2)
	for course := range 4 {
		y := 2 + course*3
		off := (course % 2) * 4
		for bx := -8 + off; bx < 16; bx += 8 {
			for yy := y; yy < y+2; yy++ {
				for xx := bx; xx < bx+7; xx++ {
					c := uint8(cDun3)
					if yy == y+1 {
						c = cDun2
					}
					if xx == bx {
						c = cDun4
					}
					if xx >= 0 && xx < 16 && yy < 14 {
						p.set(xx, yy, c)
					}
				}
			}
		}
	}
	p.rect(0, 14, 16, 2, cDun0) // shadow where the wall meets the floor
	p.speckle(3, cDun2)
}

// stairs draws a stairwell: going down, the steps darken towards the top of
// the tile; going up, they lighten.
func stairs(p *pen, down bool) {
	frame := uint8(cGrey1)
	p.fill(frame)
	steps := []uint8{cGrey4, cGrey3, cGrey2, cGrey1, cGrey0}
	if down {
		steps = []uint8{cGrey0, cInk, cGrey1, cGrey2, cGrey3}
		steps[0], steps[1] = cInk, cGrey0
	}
	for i := range 5 {
		y := 1 + i*3
		top := steps[i]
		p.rect(2, y, 12, 2, top)
		p.rect(2, y+2, 12, 1, cGrey0)
		if !down || i > 1 {
			p.rect(2, y, 12, 1, lighter(top))
		}
	}
	p.rect(0, 0, 2, 16, cGrey2)
	p.rect(14, 0, 2, 16, cGrey2)
	p.rect(0, 0, 1, 16, cGrey3)
	p.rect(15, 0, 1, 16, cGrey1)
}

func lighter(c uint8) uint8 {
	switch c {
	case cInk:
		return cGrey0
	case cGrey0, cGrey1, cGrey2, cGrey3:
		return c + 1
	}
	return c
}

// --- water and paths ----------------------------------------------------------

// edgeDepth is the width of a shore or a grass border along a side at
// position i (0..15); both ends are 2 so neighbouring tiles line up.
func edgeDepth(i int) int {
	return 2 + []int{0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0}[i]
}

// edgeDist returns, for pixel (x, y) and an edge mask, how deep the pixel
// lies inside the border of the nearest bordered side relative to that
// side's local depth: negative is inside the border, 0 is its first pixel
// outside, and large values are far away.
func edgeDist(x, y, mask int) int {
	best := 99
	if mask&edgeN != 0 {
		best = min(best, y-edgeDepth(x))
	}
	if mask&edgeS != 0 {
		best = min(best, 15-y-edgeDepth(x))
	}
	if mask&edgeW != 0 {
		best = min(best, x-edgeDepth(y))
	}
	if mask&edgeE != 0 {
		best = min(best, 15-x-edgeDepth(y))
	}
	return best
}

func water(p *pen, mask int, deep bool) {
	p.fill(cBlue2)
	// Wave strokes, wrapping so open water tiles seamlessly.
	for range 5 {
		x, y := p.r.IntN(16), p.r.IntN(16)
		p.wset(x, y, cBlue3)
		p.wset(x+1, y, cBlue3)
		p.wset(x+2, y+1, cBlue3)
		p.wset(x-1, y+1, cBlue1)
	}
	if deep {
		p.speckle(3, cBlue1)
	} else {
		p.speckle(2, cBlue4)
	}
	for y := range 16 {
		for x := range 16 {
			switch d := edgeDist(x, y, mask); {
			case d < 0:
				c := uint8(cSand1)
				if (x*7+y*13)%11 == 0 {
					c = cSand2
				} else if (x*5+y*3)%13 == 0 {
					c = cSand0
				}
				p.set(x, y, c)
			case d == 0:
				p.set(x, y, cSand0)
			case d == 1:
				p.set(x, y, cBlue4)
			case d == 2:
				p.set(x, y, cBlue3)
			}
		}
	}
}

func path(p *pen, mask int) {
	p.fill(cSand0)
	p.speckle(16, cSand1)
	p.speckle(8, cBrown3)
	for range 3 {
		x, y := 1+p.r.IntN(14), 1+p.r.IntN(14)
		p.set(x, y, cSand2)
		p.set(x, y+1, cBrown2)
	}
	for y := range 16 {
		for x := range 16 {
			switch d := edgeDist(x, y, mask); {
			case d < -1:
				c := uint8(cGreen3)
				if (x*7+y*5)%9 == 0 {
					c = cGreen4
				}
				p.set(x, y, c)
			case d == -1:
				p.set(x, y, cGreen2)
			case d == 0:
				p.set(x, y, cBrown2)
			}
		}
	}
}

// --- decoration ------------------------------------------------------------

// shade4 picks one of four colours for a lit sphere: light comes from the
// top left.
func shade4(nx, ny float64, dark, mid, light, high uint8) uint8 {
	l := -(nx + ny) / math.Sqrt2
	switch {
	case l > 0.55:
		return high
	case l > 0.05:
		return light
	case l > -0.5:
		return mid
	}
	return dark
}

func tree(p *pen) {
	p.shadow(8, 14, 6.5, 2)
	p.rect(6, 10, 4, 5, cBrown1)
	p.rect(6, 10, 1, 5, cBrown2)
	p.set(5, 14, cBrown1)
	p.set(10, 14, cBrown1)
	wobble := [...]float64{0, 0.5, 0.2, 0.6, 0.1, 0.5, 0.3, 0.6}
	p.ellipse(8, 6.5, 7, 6.5, func(x, y int, nx, ny float64) {
		a := math.Atan2(ny, nx)
		k := int((a+math.Pi)/(2*math.Pi)*8) % 8
		if nx*nx+ny*ny > 1-wobble[k]*0.35 {
			return
		}
		p.set(x, y, shade4(nx, ny, cGreen1, cGreen2, cGreen3, cGreen4))
	})
	// Leaf clusters: little arcs of shadow and highlight.
	for _, c := range [][2]int{{4, 4}, {9, 3}, {6, 8}, {11, 7}, {3, 8}} {
		if opaque(p.get(c[0], c[1]+1)) {
			p.set(c[0], c[1]+1, cGreen1)
			p.set(c[0]+1, c[1]+1, cGreen1)
		}
		if opaque(p.get(c[0], c[1])) && c[1] < 7 {
			p.set(c[0], c[1], cGreen4)
		}
	}
	p.set(5, 3, cGreen5)
	p.set(4, 4, cGreen5)
	p.outline(cGreen0)
}

func pine(p *pen) {
	p.shadow(8, 14, 5.5, 2)
	p.rect(7, 12, 2, 3, cBrown1)
	tiers := [][3]int{{1, 5, 1}, {4, 9, 2}, {7, 12, 3}} // top, bottom, extra width
	for _, t := range tiers {
		for y := t[0]; y <= t[1]; y++ {
			half := 1 + (y-t[0])*(3+t[2])/(t[1]-t[0]+1)
			for x := 8 - half; x < 8+half; x++ {
				c := uint8(cGreen1)
				switch {
				case x < 8-half/2:
					c = cGreen2
				case x >= 8+half/2:
					c = cGreen0
				}
				if y == t[1] {
					c = cGreen0
				}
				p.set(x, y, c)
			}
		}
	}
	p.set(7, 2, cGreen3)
	p.set(6, 5, cGreen3)
	p.set(5, 9, cGreen3)
	p.outline(cInk)
}

func rock(p *pen) {
	p.shadow(8, 13.5, 6.5, 2.5)
	p.ellipse(8, 9.5, 6.5, 5, func(x, y int, nx, ny float64) {
		if ny > 0.75 {
			return
		}
		p.set(x, y, shade4(nx, ny, cGrey1, cGrey2, cGrey3, cGrey4))
	})
	for _, pt := range [][2]int{{9, 7}, {10, 8}, {10, 9}, {11, 10}} {
		p.set(pt[0], pt[1], cGrey1)
	}
	p.set(5, 6, cGrey4)
	p.outline(cInk)
}

func bush(p *pen) {
	p.shadow(8, 13.5, 6, 2)
	for _, b := range [][3]float64{{5, 10, 3.5}, {11, 10, 3.5}, {8, 8, 4.5}} {
		p.ellipse(b[0], b[1], b[2], b[2]*0.9, func(x, y int, nx, ny float64) {
			p.set(x, y, shade4(nx, ny, cGreen1, cGreen2, cGreen3, cGreen4))
		})
	}
	for _, pt := range [][2]int{{6, 8}, {10, 10}, {8, 11}} {
		p.set(pt[0], pt[1], cRed2)
	}
	p.set(7, 6, cGreen5)
	p.outline(cGreen0)
}

func flowers(p *pen, petal, centre uint8) {
	spots := [][2]int{{3, 4}, {10, 3}, {6, 10}, {12, 11}}
	for i, s := range spots {
		x, y := s[0], s[1]
		p.set(x, y+2, cGreen1)
		p.set(x, y+3, cGreen1)
		p.set(x+1, y+3, cGreen2)
		pc := petal
		if i == 3 {
			pc = cWhite
		}
		p.set(x-1, y, pc)
		p.set(x+1, y, pc)
		p.set(x, y-1, pc)
		p.set(x, y+1, pc)
		p.set(x, y, centre)
	}
}

func tallGrass(p *pen) {
	for _, b := range [][3]int{{2, 9, 5}, {4, 8, 6}, {6, 10, 4}, {8, 7, 7}, {10, 9, 5}, {12, 8, 6}, {5, 13, 3}, {11, 13, 3}, {13, 11, 4}} {
		x, y, h := b[0], b[1], b[2]
		for i := range h {
			c := uint8(cGreen2)
			if i < 2 {
				c = cGreen4
			}
			xx := x
			if i == 0 {
				xx += (x % 3) - 1
			}
			p.set(xx, y+i-h+3, c)
		}
		p.set(x, y+3, cGreen1)
	}
}

func portal(p *pen) {
	p.shadow(8, 13.5, 7, 2.5)
	p.ellipse(8, 8, 7.5, 7, func(x, y int, nx, ny float64) {
		p.set(x, y, shade4(nx, ny, cGrey1, cGrey2, cGrey3, cGrey4))
	})
	p.ellipse(8, 8, 5.5, 5, func(x, y int, nx, ny float64) {
		r := math.Hypot(nx, ny)
		a := math.Atan2(ny, nx) + r*4.5 // a spiral
		s := math.Sin(a * 2)
		c := uint8(cPur1)
		switch {
		case r < 0.3:
			c = cPur3
		case s > 0.5:
			c = cPur2
		case s < -0.6:
			c = cPur0
		}
		p.set(x, y, c)
	})
	p.set(8, 7, cWhite)
	p.set(3, 4, cPur3) // sparkles on the rim
	p.set(13, 12, cPur3)
	p.outline(cInk)
}

func mushrooms(p *pen) {
	for _, m := range [][3]int{{5, 9, 3}, {11, 12, 2}} {
		x, y, r := m[0], m[1], m[2]
		p.rect(x-1, y, 2, r+1, cSand2)
		p.set(x, y+r, cSand0)
		p.ellipse(float64(x), float64(y)+0.5, float64(r)+0.5, float64(r)*0.7, func(xx, yy int, nx, ny float64) {
			if ny > 0.3 {
				return
			}
			p.set(xx, yy, shade4(nx, ny, cRed0, cRed1, cRed2, cRed3))
		})
		p.set(x-1, y-1, cWhite)
		if r > 2 {
			p.set(x+1, y-2, cWhite)
		}
	}
	p.outline(cInk)
}

func stump(p *pen) {
	p.shadow(8, 13, 6, 2)
	p.rect(3, 7, 10, 5, cBrown1)
	p.rect(3, 7, 2, 5, cBrown2)
	p.set(2, 11, cBrown1)
	p.set(13, 11, cBrown1)
	p.ellipse(8, 7, 5, 2.5, func(x, y int, nx, ny float64) {
		r := math.Hypot(nx, ny)
		c := uint8(cBrown3)
		if r > 0.45 && r < 0.7 {
			c = cBrown2
		}
		if r < 0.2 {
			c = cSand0
		}
		p.set(x, y, c)
	})
	p.outline(cInk)
}

// torch is a wall torch; place it on a dungeon wall face.
func torch(p *pen) {
	p.rect(6, 9, 4, 2, cGrey2)
	p.rect(7, 7, 2, 6, cBrown1)
	p.set(7, 7, cBrown2)
	flame := []string{
		"..r..",
		".ryr.",
		"ryYyr",
		"ryYyr",
		".ryr.",
	}
	p.stamp(6, 2, flame, map[rune]uint8{'r': cRed2, 'y': cYel1, 'Y': cYel2})
	p.outline(cInk)
}

func bones(p *pen) {
	skull := []string{
		".WWW.",
		"WWWWW",
		"WoWoW",
		".WWW.",
		".w.w.",
	}
	p.stamp(2, 3, skull, map[rune]uint8{'W': cWhite, 'o': cInk, 'w': cGrey4})
	for i := range 7 {
		p.set(7+i, 12-i/2, cGrey4)
		p.set(7+i, 8+i/2, cWhite)
	}
	p.outline(cInk)
}

func barrel(p *pen) {
	p.shadow(8, 14, 6, 2)
	for y := 3; y < 14; y++ {
		w := 5
		if y > 4 && y < 12 {
			w = 6
		}
		for x := 8 - w; x < 8+w; x++ {
			c := uint8(cBrown2)
			switch {
			case x < 8-w+2:
				c = cBrown3
			case x >= 8+w-2:
				c = cBrown1
			}
			if (x-2)%3 == 0 && x > 8-w && x < 8+w-1 {
				c = cBrown1
			}
			p.set(x, y, c)
		}
	}
	p.rect(3, 5, 10, 1, cGrey2)
	p.rect(3, 11, 10, 1, cGrey2)
	p.ellipse(8, 3.5, 5, 1.8, func(x, y int, _, _ float64) { p.set(x, y, cBrown3) })
	p.outline(cInk)
}

func fence(p *pen) {
	for _, x := range []int{2, 12} {
		p.rect(x, 4, 2, 10, cBrown2)
		p.set(x, 4, cBrown3)
		p.rect(x+1, 5, 1, 9, cBrown1)
	}
	p.rect(0, 6, 16, 2, cBrown3)
	p.rect(0, 7, 16, 1, cBrown2)
	p.rect(0, 10, 16, 2, cBrown3)
	p.rect(0, 11, 16, 1, cBrown2)
	p.outline(cInk)
}

func sign(p *pen) {
	p.shadow(8, 14, 4, 1.5)
	p.rect(7, 9, 2, 5, cBrown1)
	p.rect(2, 3, 12, 7, cBrown3)
	p.rect(2, 8, 12, 2, cBrown2)
	for _, r := range [][2]int{{4, 5}, {4, 7}} {
		p.rect(r[0], r[1], 8, 1, cBrown1)
	}
	p.outline(cInk)
}

func crate(p *pen) {
	p.shadow(8, 14, 6.5, 2)
	p.rect(2, 3, 12, 11, cBrown2)
	p.rect(2, 3, 12, 2, cBrown3)
	p.rect(2, 3, 2, 11, cBrown3)
	p.rect(12, 3, 2, 11, cBrown1)
	p.rect(2, 12, 12, 2, cBrown1)
	for i := range 8 {
		p.set(4+i, 5+i*7/8, cBrown1)
	}
	p.outline(cInk)
}

// roof draws a tile of a red shingle roof; side is -1 (left edge), 0 or 1
// (right edge); eave marks the bottom row.
func roof(p *pen, side int, eave bool) {
	p.fill(cRed1)
	for row := range 4 {
		y := row * 4
		off := (row % 2) * 2
		p.rect(0, y+3, 16, 1, cRed0)
		p.rect(0, y, 16, 1, cRed2)
		for x := off; x < 16; x += 4 {
			p.set(x, y+1, cRed0)
			p.set(x, y+2, cRed0)
		}
	}
	if !eave {
		p.rect(0, 0, 16, 2, cRed0) // the ridge
		p.rect(0, 0, 16, 1, cRed3)
	} else {
		p.rect(0, 13, 16, 1, cRed0)
		p.rect(0, 14, 16, 2, cBrown0) // eave shadow
	}
	switch side {
	case -1:
		p.rect(0, 0, 1, 16, cInk)
		p.rect(1, 0, 1, 16, cRed2)
	case 1:
		p.rect(15, 0, 1, 16, cInk)
		p.rect(14, 0, 1, 16, cRed0)
	}
}

// houseWall draws a half-timbered wall tile; side is -1, 0 or 1.
func houseWall(p *pen, side int, window bool) {
	p.fill(cSand2)
	p.speckle(6, cSand1)
	p.rect(0, 0, 16, 2, cBrown1)
	p.rect(0, 13, 16, 3, cGrey2) // stone footing
	p.rect(0, 13, 16, 1, cGrey3)
	for x := 0; x < 16; x += 5 {
		p.set(x, 14, cGrey1)
	}
	if window {
		p.rect(4, 4, 8, 7, cBrown1)
		p.rect(5, 5, 6, 5, cBlue2)
		p.rect(5, 5, 6, 1, cBlue1)
		p.rect(7, 5, 2, 5, cBrown1)
		p.set(5, 7, cBlue4)
		p.set(9, 7, cBlue4)
		p.rect(3, 11, 10, 1, cBrown2) // sill
	}
	switch side {
	case -1:
		p.rect(0, 0, 2, 13, cBrown1)
		p.rect(0, 0, 1, 16, cInk)
	case 1:
		p.rect(14, 0, 2, 13, cBrown1)
		p.rect(15, 0, 1, 16, cInk)
	}
}

func houseDoor(p *pen) {
	houseWall(p, 0, false)
	p.rect(3, 3, 10, 13, cBrown0)
	p.rect(4, 4, 8, 12, cBrown2)
	p.rect(4, 4, 8, 1, cBrown3)
	for x := 6; x < 12; x += 2 {
		p.rect(x, 5, 1, 11, cBrown1)
	}
	p.set(10, 10, cYel2)
	p.rect(2, 15, 12, 1, cGrey3) // doorstep
}

func lamp(p *pen) {
	p.shadow(8, 14.5, 3.5, 1.3)
	p.rect(7, 5, 2, 10, cGrey1)
	p.rect(7, 5, 1, 10, cGrey2)
	p.rect(6, 13, 4, 2, cGrey1)
	p.rect(5, 1, 6, 1, cGrey1)
	p.rect(5, 2, 6, 3, cYel2)
	p.rect(5, 2, 1, 3, cYel1)
	p.rect(10, 2, 1, 3, cYel1)
	p.rect(6, 5, 4, 1, cGrey1)
	p.outline(cInk)
}

func chest(p *pen) {
	p.shadow(8, 14, 6.5, 2)
	p.rect(2, 5, 12, 9, cBrown2)
	p.rect(2, 5, 12, 3, cBrown3)
	p.rect(2, 8, 12, 1, cBrown1)
	p.rect(2, 5, 1, 9, cYel0)
	p.rect(13, 5, 1, 9, cYel0)
	p.rect(7, 7, 2, 3, cYel2)
	p.set(7, 9, cYel0)
	p.outline(cInk)
}

func pillar(p *pen) {
	p.shadow(8, 14.5, 6, 1.5)
	p.rect(3, 13, 10, 2, cGrey2)
	p.rect(4, 3, 8, 10, cGrey2)
	p.rect(4, 3, 2, 10, cGrey3)
	p.rect(10, 3, 2, 10, cGrey1)
	p.rect(7, 3, 1, 10, cGrey3)
	p.rect(3, 1, 10, 2, cGrey4)
	p.rect(3, 2, 10, 1, cGrey3)
	p.rect(3, 14, 10, 1, cGrey1)
	p.outline(cInk)
}

func pebbles(p *pen) {
	for _, s := range [][2]int{{3, 4}, {10, 6}, {6, 11}, {12, 12}, {2, 12}} {
		p.set(s[0], s[1], cGrey3)
		p.set(s[0]+1, s[1], cGrey2)
		p.set(s[0], s[1]+1, cGrey1)
		p.set(s[0]+1, s[1]+1, cGrey1)
	}
}

func lily(p *pen) {
	p.ellipse(7, 8, 5, 3.5, func(x, y int, nx, ny float64) {
		if nx > 0.1 && math.Abs(ny) < 0.25 { // the notch
			return
		}
		p.set(x, y, shade4(nx, ny, cGreen1, cGreen2, cGreen3, cGreen4))
	})
	p.set(5, 7, cRed3)
	p.set(4, 7, cWhite)
	p.set(5, 6, cWhite)
	p.outline(cGreen0)
}

func grave(p *pen) {
	p.shadow(8, 14, 5.5, 1.5)
	p.rect(4, 4, 8, 10, cGrey2)
	p.rect(5, 3, 6, 1, cGrey2)
	p.rect(4, 4, 2, 10, cGrey3)
	p.rect(5, 3, 2, 1, cGrey3)
	p.rect(7, 5, 2, 5, cGrey1)
	p.rect(6, 6, 4, 1, cGrey1)
	p.outline(cInk)
}

func campfire(p *pen) {
	p.shadow(8, 12.5, 6, 2)
	for _, s := range [][2]int{{3, 11}, {5, 13}, {8, 13}, {11, 13}, {13, 11}, {4, 9}, {12, 9}} {
		p.rect(s[0]-1, s[1]-1, 2, 2, cGrey2)
		p.set(s[0]-1, s[1]-1, cGrey3)
	}
	p.rect(5, 10, 7, 2, cBrown1)
	p.rect(6, 9, 5, 1, cBrown2)
	flame := []string{
		"...r...",
		"..rr.r.",
		".ryyrr.",
		".ryYyr.",
		"ryYYYyr",
		"ryYYYyr",
		".ryyyr.",
	}
	p.stamp(5, 2, flame, map[rune]uint8{'r': cRed2, 'y': cYel1, 'Y': cYel2})
	p.outline(cInk)
}

func statue(p *pen) {
	p.shadow(8, 14.5, 6.5, 1.5)
	p.rect(3, 11, 10, 4, cGrey2)
	p.rect(3, 11, 10, 1, cGrey4)
	p.rect(3, 12, 2, 3, cGrey3)
	figure := []string{
		"...LL...",
		"..LAAa..",
		"..LAAa..",
		"...Aa...",
		".LAAAAa.",
		"L.LAAa.a",
		"..LAAa..",
		"..La.a..",
		"..La.a..",
	}
	p.stamp(4, 1, figure, map[rune]uint8{'L': cGrey4, 'A': cGrey3, 'a': cGrey2})
	p.outline(cInk)
}
