package main

import (
	"fmt"
	"slices"
)

// dungeon is a 96x64 crypt of rooms joined by corridors; the stairs back up
// to the entrance are in the first room, at the top.
func dungeon(ts tileset) (*tmap, error) {
	const w, h = 96, 64
	m := newMap(ts, "dungeon", "Dungeon", w, h)
	g := newGrid(m, 3, tRock)

	type room struct{ x, y, w, h int }
	centre := func(r room) (int, int) { return r.x + r.w/2, r.y + r.h/2 }
	rooms := []room{{42, 3, 12, 9}} // the entry room
	overlaps := func(a room) bool {
		for _, b := range rooms {
			if a.x < b.x+b.w+3 && b.x < a.x+a.w+3 && a.y < b.y+b.h+3 && b.y < a.y+a.h+3 {
				return true
			}
		}
		return false
	}
	for range 400 {
		if len(rooms) == 14 {
			break
		}
		r := room{w: 8 + g.r.IntN(9), h: 6 + g.r.IntN(6)}
		r.x, r.y = 2+g.r.IntN(w-r.w-4), 3+g.r.IntN(h-r.h-5)
		if !overlaps(r) {
			rooms = append(rooms, r)
		}
	}
	if len(rooms) < 10 {
		return nil, fmt.Errorf("mapgen: dungeon: only %d rooms fit; change the seed", len(rooms))
	}
	for _, r := range rooms {
		for y := r.y; y < r.y+r.h; y++ {
			for x := r.x; x < r.x+r.w; x++ {
				g.setT(x, y, tFloor)
			}
		}
	}

	// Corridors, three tiles wide: each room joins the nearest earlier one,
	// plus a few extra loops.
	corridor := func(a, b room) {
		ax, ay := centre(a)
		bx, by := centre(b)
		horizontalFirst := g.chance(0.5)
		cornerX, cornerY := bx, ay
		if !horizontalFirst {
			cornerX, cornerY = ax, by
		}
		line := func(x0, y0, x1, y1 int) {
			for x := min(x0, x1) - 1; x <= max(x0, x1)+1; x++ {
				for y := min(y0, y1) - 1; y <= max(y0, y1)+1; y++ {
					g.setT(x, y, tFloor)
				}
			}
		}
		line(ax, ay, cornerX, cornerY)
		line(cornerX, cornerY, bx, by)
	}
	dist := func(a, b room) int {
		ax, ay := centre(a)
		bx, by := centre(b)
		return (ax-bx)*(ax-bx) + (ay-by)*(ay-by)
	}
	for i := 1; i < len(rooms); i++ {
		nearest := slices.MinFunc(rooms[:i], func(a, b room) int { return dist(rooms[i], a) - dist(rooms[i], b) })
		corridor(rooms[i], nearest)
	}
	for range 3 {
		a, b := g.r.IntN(len(rooms)), g.r.IntN(len(rooms))
		if a != b {
			corridor(rooms[a], rooms[b])
		}
	}
	// Keep a solid rim so the map edge always reads as wall.
	for y := range h {
		for x := range w {
			if x < 1 || y < 2 || x >= w-1 || y >= h-1 {
				g.setT(x, y, tRock)
			}
		}
	}

	// The stairs up, in the top row of the entry room.
	entry := rooms[0]
	sx := entry.x + entry.w/2 - 1
	g.setT(sx, entry.y, tStairs)
	g.setT(sx+1, entry.y, tStairs)
	g.paintGround()
	g.ground[g.i(sx, entry.y)] = ts.gid("stairs_up")
	g.ground[g.i(sx+1, entry.y)] = ts.gid("stairs_up")

	// Furniture: torches on walls, pillars in big rooms, clutter.
	for y := range h {
		for x := range w {
			if g.ground[g.i(x, y)] == ts.gid("dungeon_wall") && g.chance(0.07) {
				g.put(x, y, "torch", true)
			}
		}
	}
	g.put(sx-1, entry.y-1, "torch", true)
	g.put(sx+2, entry.y-1, "torch", true)
	for _, r := range rooms {
		if r.w >= 12 && r.h >= 8 && r != entry {
			for _, c := range [][2]int{{r.x + 2, r.y + 2}, {r.x + r.w - 3, r.y + 2}, {r.x + 2, r.y + r.h - 3}, {r.x + r.w - 3, r.y + r.h - 3}} {
				g.put(c[0], c[1], "pillar", true)
			}
		}
		for range r.w * r.h / 12 {
			x, y := r.x+1+g.r.IntN(r.w-2), r.y+1+g.r.IntN(r.h-2)
			if !g.free(x, y, tFloor) {
				continue
			}
			switch k := g.r.IntN(10); {
			case k < 4:
				g.put(x, y, "bones", false)
			case k < 6:
				g.put(x, y, "pebbles", false)
			case k < 8 && r != entry:
				g.put(x, y, pick(g.r, []string{"crate", "barrel"}), true)
			case r != entry && g.chance(0.15):
				g.put(x, y, "chest", true)
			}
		}
	}

	m.portals = append(m.portals, portal{
		name: "to_dungeon_entrance", tx: sx, ty: entry.y, tw: 2, th: 1,
		targetMap: "dungeon_entrance", targetSpawn: "from_dungeon",
	})
	m.spawns = append(m.spawns,
		point{"default", sx, entry.y + 4},
		point{"from_dungeon_entrance", sx + 1, entry.y + 3},
	)

	// Clutter must never wall anything off.
	steps := g.distances(sx, entry.y+4)
	for i, d := range steps {
		if d < 0 && !g.solid[i] {
			return nil, fmt.Errorf("mapgen: dungeon: tile (%d,%d) unreachable", i%w, i/w)
		}
	}

	// The room farthest to walk to from the stairs is the boss's, and holds
	// nothing else; the others get skeletons, every third one rats.
	entryDist := func(r room) int { // steps to the room's nearest open tile
		best := w * h
		for y := r.y; y < r.y+r.h; y++ {
			for x := r.x; x < r.x+r.w; x++ {
				if d := steps[g.i(x, y)]; d >= 0 {
					best = min(best, d)
				}
			}
		}
		return best
	}
	boss := slices.MaxFunc(rooms[1:], func(a, b room) int { return entryDist(a) - entryDist(b) })
	for i, r := range rooms[1:] {
		name, kind, count := fmt.Sprintf("room%d_skeletons", i+1), "skeleton", 2+r.w*r.h/40
		switch {
		case r == boss:
			name, kind, count = "boss", "bone_lord", 1
		case i%3 == 2:
			name, kind, count = fmt.Sprintf("room%d_rats", i+1), "rat", 3+r.w*r.h/50
		}
		if err := m.placeZone(zone{name, kind, r.x, r.y, r.w, r.h, count}); err != nil {
			return nil, err
		}
	}
	return m, nil
}
