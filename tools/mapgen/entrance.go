package main

import "math"

// dungeonEntrance is a 64x48 glade in a forest: a portal back to the
// overworld in the south, a graveyard, and in the north a crypt whose
// stairs lead down into the dungeon.
func dungeonEntrance(ts tileset) (*tmap, error) {
	const w, h = 64, 48
	m := newMap(ts, "dungeon_entrance", "Dungeon Entrance", w, h)
	g := newGrid(m, 2, tGrass)
	edge := noise{21}
	stairsX, portalX, portalY := 31, 32, 42

	// The crypt: a block of rock against the north edge, its stairs in the
	// middle of its front.
	for x := stairsX - 6; x < stairsX+8; x++ {
		for y := range 9 {
			g.setT(x, y, tRock)
		}
	}
	// Ruined walls run from the crypt along the forest's edge.
	for x := stairsX - 12; x < stairsX+14; x++ {
		if g.at(x, 8, tRock) == tGrass && x%9 != 0 {
			g.setT(x, 8, tWall)
		}
	}
	g.setT(stairsX, 8, tStairs)
	g.setT(stairsX+1, 8, tStairs)

	// A road from the portal to the stairs, and the portal's platform.
	wiggle := noise{23}
	for y := 9; y <= portalY; y++ {
		t := float64(y-9) / float64(portalY-9)
		x := 32 + int(math.Round(7*math.Sin(t*math.Pi)*(wiggle.at(float64(y), 0, 8)-0.5)*2))
		for bx := -1; bx <= 0; bx++ {
			g.setT(x+bx, y, tPath)
		}
		if y > 9 {
			g.setT(x+1, y, tPath)
		}
	}
	for y := portalY - 1; y <= portalY+1; y++ {
		for x := portalX - 2; x <= portalX+2; x++ {
			g.setT(x, y, tCobble)
		}
	}
	g.paintGround()
	g.ground[g.i(stairsX, 8)] = ts.gid("stairs_down")
	g.ground[g.i(stairsX+1, 8)] = ts.gid("stairs_down")

	// The crypt's front: torches and pillars either side of the stairs.
	g.put(stairsX-1, 8, "torch", true)
	g.put(stairsX+2, 8, "torch", true)
	g.put(stairsX-3, 9, "pillar", true)
	g.put(stairsX+4, 9, "pillar", true)

	// Forest all around the edges, thicker where the noise says so.
	for y := range h {
		for x := range w {
			if !g.free(x, y, tGrass) {
				continue
			}
			d := float64(min(x, y, w-1-x, h-1-y))
			n := edge.fbm(float64(x), float64(y), 8, 2)
			if d < 2+5*n || (d < 4+8*n && g.chance(0.25)) {
				if !nearT(g, x, y, 1, tPath, tCobble, tStairs) {
					g.put(x, y, pick(g.r, []string{"pine", "pine", "tree"}), true)
				}
			}
		}
	}

	// A graveyard west of the road, a camp to the east.
	for gy := 14; gy < 24; gy += 3 {
		for gx := 12; gx < 24; gx += 3 {
			if g.free(gx, gy, tGrass) && g.chance(0.75) {
				g.put(gx, gy, "grave", true)
			}
		}
	}
	g.put(44, 28, "campfire", true)
	for _, p := range [][3]int{{42, 27, 0}, {46, 29, 0}, {45, 26, 1}} {
		g.put(p[0], p[1], []string{"stump", "crate"}[p[2]], true)
	}
	flora := noise{24}
	for y := range h {
		for x := range w {
			if !g.free(x, y, tGrass) || nearT(g, x, y, 0, tPath) {
				continue
			}
			graveyard := x >= 10 && x < 26 && y >= 12 && y < 26
			switch {
			case graveyard && g.chance(0.06), y < 14 && g.chance(0.02):
				g.put(x, y, "bones", false)
			case g.chance(0.004):
				g.put(x, y, "bones", false)
			case nearDeco(g, x, y, "pine") && g.chance(0.08):
				g.put(x, y, "mushrooms", false)
			case g.chance(0.015):
				g.put(x, y, "pebbles", false)
			case flora.fbm(float64(x), float64(y), 6, 2) > 0.62 && g.chance(0.5):
				g.put(x, y, "tall_grass", false)
			case g.chance(0.008):
				g.put(x, y, "rock", true)
			}
		}
	}

	// The portal home.
	g.put(portalX, portalY, "portal", false)
	g.put(portalX-2, portalY, "statue", true)
	g.put(portalX+2, portalY, "statue", true)
	m.portals = append(m.portals,
		portal{name: "to_overworld", tx: portalX, ty: portalY, tw: 1, th: 1, targetMap: "overworld", targetSpawn: "from_dungeon_entrance"},
		portal{name: "to_dungeon", tx: stairsX, ty: 8, tw: 2, th: 1, targetMap: "dungeon", targetSpawn: "from_dungeon_entrance"},
	)
	m.spawns = append(m.spawns,
		point{"default", 32, 26},
		point{"from_overworld", portalX, portalY - 3},
		point{"from_dungeon", stairsX, 11},
	)

	for i, d := range g.distances(32, 26) {
		if d < 0 && !g.solid[i] {
			g.deco[i] = ts.gid("pine")
			g.solid[i] = true
		}
	}

	// Rats in the graveyard, slimes in the glade east of the road.
	for _, z := range []zone{
		{"graveyard_rats", "rat", 10, 12, 18, 16, 6},
		{"glade_slimes", "slime", 36, 16, 20, 20, 6},
	} {
		if err := m.placeZone(z); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// nearDeco reports whether a 4-neighbour of (x, y) has the named decoration.
func nearDeco(g *grid, x, y int, name string) bool {
	want := g.ts.gid(name)
	for _, d := range [][2]int{{0, -1}, {1, 0}, {0, 1}, {-1, 0}} {
		if g.in(x+d[0], y+d[1]) && g.deco[g.i(x+d[0], y+d[1])] == want {
			return true
		}
	}
	return false
}
