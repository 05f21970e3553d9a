package main

import "math/rand/v2"

// terrain is what a tile's ground is made of; it decides the ground tile
// after autotiling and whether the ground itself is solid.
type terrain uint8

const (
	tGrass terrain = iota
	tWater
	tPath
	tCobble
	tWall      // overworld stone wall (solid)
	tFloor     // dungeon floor
	tRock      // dungeon rock (solid): rendered as wall top or wall face
	tStairs    // stairs, walkable; ground set explicitly
	numTerrain // not a terrain
)

// grid is a map under construction with its terrain.
type grid struct {
	*tmap
	t []terrain
	r *rand.Rand
}

func newGrid(m *tmap, seed uint64, fill terrain) *grid {
	g := &grid{tmap: m, t: make([]terrain, m.w*m.h), r: rand.New(rand.NewPCG(seed, 0x6d61_7067))}
	for i := range g.t {
		g.t[i] = fill
	}
	return g
}

// at returns the terrain at (x, y); outside the map it returns out.
func (g *grid) at(x, y int, out terrain) terrain {
	if !g.in(x, y) {
		return out
	}
	return g.t[g.i(x, y)]
}

func (g *grid) setT(x, y int, t terrain) {
	if g.in(x, y) {
		g.t[g.i(x, y)] = t
	}
}

// put places a decoration tile; solid marks it in the collision layer.
func (g *grid) put(x, y int, name string, solid bool) {
	if !g.in(x, y) {
		return
	}
	g.deco[g.i(x, y)] = g.ts.gid(name)
	if solid {
		g.solid[g.i(x, y)] = true
	}
}

// free reports whether (x, y) is open ground with nothing on it.
func (g *grid) free(x, y int, ground terrain) bool {
	return g.in(x, y) && g.t[g.i(x, y)] == ground && g.deco[g.i(x, y)] == 0 && !g.solid[g.i(x, y)]
}

// chance returns true with probability p.
func (g *grid) chance(p float64) bool { return g.r.Float64() < p }

// edgeMask returns the bits (1 N, 2 E, 4 S, 8 W) of the sides whose
// neighbour does not satisfy same.
func (g *grid) edgeMask(x, y int, same func(x, y int) bool) int {
	m := 0
	for bit, d := range [][2]int{{0, -1}, {1, 0}, {0, 1}, {-1, 0}} {
		if !same(x+d[0], y+d[1]) {
			m |= 1 << bit
		}
	}
	return m
}

// maskName spells an edge mask as the tileset does (see tools/artgen).
func maskName(m int) string {
	s := ""
	for i, c := range "nesw" {
		if m&(1<<i) != 0 {
			s += string(c)
		}
	}
	if s == "" {
		return "open"
	}
	return s
}

// paintGround turns terrain into ground tiles and marks solid terrain.
// Water and paths are autotiled against their neighbours.
func (g *grid) paintGround() {
	water := func(x, y int) bool { return g.at(x, y, tWater) == tWater }
	pathish := func(x, y int) bool {
		t := g.at(x, y, tPath)
		return t == tPath || t == tCobble || t == tStairs
	}
	for y := range g.h {
		for x := range g.w {
			i := g.i(x, y)
			var name string
			switch g.t[i] {
			case tGrass:
				name = pick(g.r, []string{"grass", "grass", "grass", "grass", "grass2", "grass2", "grass3"})
			case tWater:
				mask := g.edgeMask(x, y, water)
				name = "water_" + maskName(mask)
				if mask == 0 && g.chance(0.3) {
					name = "water_deep"
				}
				g.solid[i] = true
			case tPath:
				name = "path_" + maskName(g.edgeMask(x, y, pathish))
			case tCobble:
				name = "cobble"
			case tWall:
				name = "stone_wall"
				g.solid[i] = true
			case tFloor:
				name = pick(g.r, []string{"dungeon_floor", "dungeon_floor", "dungeon_floor", "dungeon_floor", "dungeon_floor", "dungeon_floor2", "dungeon_floor_moss"})
			case tRock:
				name = "dungeon_wall_top"
				if below := g.at(x, y+1, tRock); below != tRock && below != tWall {
					name = "dungeon_wall"
				}
				g.solid[i] = true
			case tStairs:
				continue // set by the caller
			}
			g.ground[i] = g.ts.gid(name)
		}
	}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// distances flood-fills the open tiles 4-connected to (x, y) and returns
// each tile's walking distance from it in steps, or -1 for tiles it cannot
// reach (solid ones included).
func (g *grid) distances(x, y int) []int {
	dist := make([]int, g.w*g.h)
	for i := range dist {
		dist[i] = -1
	}
	if !g.in(x, y) || g.solid[g.i(x, y)] {
		return dist
	}
	queue := []int{g.i(x, y)}
	dist[queue[0]] = 0
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		cx, cy := i%g.w, i/g.w
		for _, d := range [][2]int{{0, -1}, {1, 0}, {0, 1}, {-1, 0}} {
			nx, ny := cx+d[0], cy+d[1]
			if !g.in(nx, ny) {
				continue
			}
			j := g.i(nx, ny)
			if dist[j] < 0 && !g.solid[j] {
				dist[j] = dist[i] + 1
				queue = append(queue, j)
			}
		}
	}
	return dist
}

// house places a w x 3 house with its top-left at (x, y) on the decoration
// layer: two rows of roof and a front with windows and a door.
func (g *grid) house(x, y, w, door int) {
	for i := range w {
		side := "_t"
		switch i {
		case 0:
			side = "_tl"
		case w - 1:
			side = "_tr"
		}
		g.put(x+i, y, "roof"+side, true)
		g.put(x+i, y+1, "roof"+map[string]string{"_t": "_b", "_tl": "_bl", "_tr": "_br"}[side], true)
		front := "house_window"
		switch {
		case i == 0:
			front = "house_wall_l"
		case i == w-1:
			front = "house_wall_r"
		case i == door:
			front = "house_door"
		}
		g.put(x+i, y+2, front, true)
	}
}
