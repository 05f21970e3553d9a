package main

import (
	"fmt"
	"math"
)

// overworld is a 256x256 island: a town in the middle, meadows, lakes and
// forests, ringed by sea, with a portal to the dungeon entrance in the
// north-east.
func overworld(ts tileset) (*tmap, error) {
	const size = 256
	m := newMap(ts, "overworld", "Overworld", size, size)
	g := newGrid(m, 1, tGrass)
	coast, lakes, forest, flora := noise{11}, noise{12}, noise{13}, noise{14}
	cx, cy := size/2, size/2
	portalX, portalY := 184, 56

	// Sea around the edge and lakes inland, away from the town.
	for y := range size {
		for x := range size {
			fx, fy := float64(x), float64(y)
			edge := float64(min(x, y, size-1-x, size-1-y))
			c := coast.fbm(fx, fy, 28, 4)
			switch {
			case edge < 4+30*c*c:
				g.setT(x, y, tWater)
			case lakes.fbm(fx, fy, 36, 3) > 0.68 && math.Hypot(fx-float64(cx), fy-float64(cy)) > 36:
				g.setT(x, y, tWater)
			}
		}
	}

	// Tiles that nature must leave alone: the town, the roads, the shrine.
	clear := make([]bool, size*size)
	area := func(x0, y0, x1, y1 int, t terrain) { // [x0, x1) x [y0, y1)
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if g.in(x, y) {
					g.setT(x, y, t)
					clear[g.i(x, y)] = true
				}
			}
		}
	}

	// The town: a square with a statue, a main street and two lanes running
	// east-west, a street north-south, and rows of houses facing south onto
	// the street or lane below them.
	tx0, ty0, tx1, ty1 := cx-21, cy-17, cx+21, cy+17
	area(tx0, ty0, tx1, ty1, tGrass)
	area(cx-7, cy-5, cx+7, cy+5, tCobble)
	for _, c := range [][2]int{{cx - 7, cy - 5}, {cx + 6, cy - 5}, {cx - 7, cy + 4}, {cx + 6, cy + 4}} {
		g.setT(c[0], c[1], tGrass)
	}
	area(cx-1, ty0, cx+2, ty1, tCobble)       // north-south street
	area(tx0, cy-1, tx1, cy+2, tCobble)       // main street
	area(tx0+1, cy-10, tx1-1, cy-8, tCobble)  // north lane
	area(tx0+1, cy+10, tx1-1, cy+12, tCobble) // south lane

	// The shrine around the portal.
	area(portalX-6, portalY-5, portalX+7, portalY+7, tGrass)
	area(portalX-2, portalY-1, portalX+3, portalY+3, tCobble)

	// Roads from the town gates out to the country; the last one branches
	// off the west road.
	wiggle := noise{15}
	road := func(k, x0, y0, x1, y1 int) [][2]int {
		var pts [][2]int
		dx, dy := float64(x1-x0), float64(y1-y0)
		l := math.Hypot(dx, dy)
		n := int(l * 2)
		for s := 0; s <= n; s++ {
			t := float64(s) / float64(n)
			// The wander fades to zero at both ends so roads meet their gates.
			off := 14 * math.Sin(t*math.Pi) * (wiggle.fbm(t*40, float64(k)*10, 6, 2) - 0.5) * 2
			x := int(math.Round(float64(x0) + dx*t - dy/l*off))
			y := int(math.Round(float64(y0) + dy*t + dx/l*off))
			pts = append(pts, [2]int{x, y})
			for by := -1; by <= 1; by++ {
				for bx := -1; bx <= 1; bx++ {
					if g.in(x+bx, y+by) && g.at(x+bx, y+by, tCobble) != tCobble {
						g.setT(x+bx, y+by, tPath)
						clear[g.i(x+bx, y+by)] = true
					}
				}
			}
		}
		return pts
	}
	road(0, cx, ty0-1, portalX, portalY+4)
	road(1, cx, ty1, cx-10, 226)
	west := road(2, tx0-1, cy, 24, cy+14)
	road(3, tx1, cy, 230, cy-12)
	b := west[len(west)*2/5]
	road(4, b[0], b[1], 60, 200)

	g.paintGround()
	for y := range size { // vary the paving
		for x := range size {
			if g.at(x, y, tGrass) == tCobble && g.chance(0.3) {
				g.ground[g.i(x, y)] = ts.gid("cobble2")
			}
		}
	}

	// Houses, each with a paved step from its door to the street below.
	type house struct{ x, y, w, door int }
	var houses []house
	for _, row := range []struct{ y, x0, x1 int }{
		{cy - 14, tx0 + 1, tx1 - 1}, // north of the north lane
		{cy - 5, tx0 + 1, tx1 - 1},  // north of the main street
		{cy + 6, tx0 + 1, tx1 - 1},  // north of the south lane
	} {
		for _, h := range []house{{cx - 20, 0, 5, 2}, {cx - 13, 0, 4, 1}, {cx + 9, 0, 4, 2}, {cx + 15, 0, 5, 2}} {
			h.y = row.y
			houses = append(houses, h)
		}
		if row.y != cy-5 { // beside the square there is no room for more
			houses = append(houses, house{cx - 7, row.y, 4, 1}, house{cx + 3, row.y, 4, 2})
		}
	}
	for _, h := range houses {
		g.house(h.x, h.y, h.w, h.door)
		g.ground[g.i(h.x+h.door, h.y+3)] = ts.gid("cobble")
		g.t[g.i(h.x+h.door, h.y+3)] = tCobble
		for i := range h.w { // flowers under the windows
			if i != h.door && g.free(h.x+i, h.y+3, tGrass) && g.chance(0.6) {
				g.put(h.x+i, h.y+3, pick(g.r, []string{"flowers_red", "flowers_yellow"}), false)
			}
		}
		if g.free(h.x+h.w, h.y+2, tGrass) && g.chance(0.7) {
			g.put(h.x+h.w, h.y+2, pick(g.r, []string{"barrel", "crate"}), true)
		}
	}
	g.put(cx, cy-2, "statue", true)
	for _, l := range [][2]int{{cx - 6, cy - 4}, {cx + 5, cy - 4}, {cx - 6, cy + 3}, {cx + 5, cy + 3}} {
		g.put(l[0], l[1], "lamp", true)
	}
	g.put(cx-3, cy+14, "well", true)
	g.put(cx+2, ty0, "sign", true)
	for _, t := range [][2]int{{cx - 18, cy + 14}, {cx - 9, cy + 15}, {cx + 7, cy + 14}, {cx + 16, cy + 15}, {cx - 16, cy - 7}, {cx + 18, cy - 6}} {
		g.put(t[0], t[1], "tree", true)
	}
	for x := tx0; x < tx1; x++ { // garden fences south of the main street
		if g.free(x, cy+2, tGrass) && (x < cx-8 || x > cx+7) {
			g.put(x, cy+2, "fence", true)
		}
	}

	// The portal to the dungeon entrance, flanked by statues.
	g.put(portalX, portalY, "portal", false)
	g.put(portalX-2, portalY, "statue", true)
	g.put(portalX+2, portalY, "statue", true)
	for _, r := range [][2]int{{portalX - 1, portalY - 2}, {portalX, portalY - 2}, {portalX + 1, portalY - 2}, {portalX - 3, portalY - 1}, {portalX + 3, portalY - 1}} {
		g.put(r[0], r[1], "rock", true)
	}
	g.put(portalX+3, portalY+3, "sign", true)
	m.portals = append(m.portals, portal{
		name: "to_dungeon_entrance", tx: portalX, ty: portalY, tw: 1, th: 1,
		targetMap: "dungeon_entrance", targetSpawn: "from_overworld",
	})
	m.spawns = append(m.spawns,
		point{"default", cx, cy + 2},
		point{"from_dungeon_entrance", portalX, portalY + 3},
	)

	// Nature: forests by noise, scattered trees, rocks, bushes and flowers.
	for y := range size {
		for x := range size {
			if !g.free(x, y, tGrass) || clear[g.i(x, y)] || nearT(g, x, y, 1, tPath, tCobble) {
				continue
			}
			fx, fy := float64(x), float64(y)
			f := forest.fbm(fx, fy, 30, 3)
			fl := flora.fbm(fx, fy, 12, 2)
			tree := "tree"
			if flora.fbm(fx, fy, 40, 2) > 0.52 {
				tree = "pine"
			}
			switch {
			case f > 0.63 && g.chance(0.85), f > 0.57 && g.chance(0.3):
				g.put(x, y, tree, true)
			case f > 0.55 && g.chance(0.04):
				g.put(x, y, "mushrooms", false)
			case g.chance(0.010):
				g.put(x, y, tree, true)
			case g.chance(0.004):
				g.put(x, y, "rock", true)
			case g.chance(0.005):
				g.put(x, y, "bush", true)
			case g.chance(0.002):
				g.put(x, y, "stump", true)
			case fl > 0.64 && g.chance(0.45):
				g.put(x, y, "tall_grass", false)
			case fl < 0.34 && g.chance(0.08):
				g.put(x, y, pick(g.r, []string{"flowers_red", "flowers_yellow"}), false)
			case g.chance(0.004):
				g.put(x, y, "pebbles", false)
			}
		}
	}
	for y := range size { // lily pads on open water
		for x := range size {
			if g.at(x, y, tGrass) == tWater && g.edgeMask(x, y, func(x, y int) bool { return g.at(x, y, tWater) == tWater }) == 0 && g.chance(0.01) {
				g.put(x, y, "lily", true)
			}
		}
	}

	// Anything open that the town cannot reach becomes forest, so every
	// open tile is reachable from the spawn.
	filled := 0
	for i, d := range g.distances(cx, cy+2) {
		if d < 0 && !g.solid[i] {
			g.deco[i] = g.ts.gid("tree")
			g.solid[i] = true
			filled++
		}
	}
	if filled > size*size/50 {
		return nil, fmt.Errorf("mapgen: overworld: %d unreachable open tiles; change the seeds", filled)
	}

	// NPC zones, at hand-picked spots that placeZone nudges onto open
	// ground: monsters out in the country, friendly folk in the town square
	// around the default spawn.
	for _, z := range []zone{
		{"meadow_rats_west", "rat", cx - 50, cy - 14, 26, 20, 10},
		{"meadow_rats_north", "rat", cx + 16, cy - 52, 28, 24, 10},
		{"meadow_rats_east", "rat", cx + 24, cy - 24, 28, 22, 10},
		{"wolves_northwest", "wolf", 24, 26, 44, 26, 8},
		{"wolves_southeast", "wolf", 196, 196, 36, 32, 10},
		{"wolves_southwest", "wolf", 24, 168, 56, 56, 8},
		{"slimes_lakeside", "slime", 92, 186, 24, 20, 7},
		{"slimes_east", "slime", 204, 76, 24, 20, 6},
		{"goblin_camp", "goblin_archer", 46, 88, 26, 20, 6},
		{"town_folk", "villager", cx - 7, cy - 5, 14, 5, 3},
		{"elder", "elder", cx + 3, cy, 4, 4, 1},
	} {
		if err := m.placeZone(z); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// nearT reports whether a tile within r (Chebyshev) of (x, y) has one of
// the terrains ts.
func nearT(g *grid, x, y, r int, ts ...terrain) bool {
	for yy := y - r; yy <= y+r; yy++ {
		for xx := x - r; xx <= x+r; xx++ {
			t := g.at(xx, yy, numTerrain)
			for _, want := range ts {
				if t == want {
					return true
				}
			}
		}
	}
	return false
}
