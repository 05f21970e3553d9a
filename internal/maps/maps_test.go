package maps

import (
	"image"
	"slices"
	"testing"

	"github.com/tinymmo/tinymmo/internal/rules"
)

// loadAll loads the shipped maps once per test.
func loadAll(t testing.TB) map[string]*Map {
	t.Helper()
	all, err := LoadAll()
	if err != nil {
		t.Fatalf("LoadAll() = %v", err)
	}
	return all
}

func TestShippedMapsLoad(t *testing.T) {
	all := loadAll(t)
	var names []string
	for name := range all {
		names = append(names, name)
	}
	slices.Sort(names)
	if want := []string{"dungeon", "dungeon_entrance", "overworld"}; !slices.Equal(names, want) {
		t.Fatalf("LoadAll() maps = %v, want %v", names, want)
	}
	for _, name := range names {
		m, err := Load(name)
		if err != nil {
			t.Fatalf("Load(%q) = %v", name, err)
		}
		if m.Name != name || m.Title == "" || len(m.Ground) != m.Width*m.Height || len(m.Decoration) != m.Width*m.Height {
			t.Errorf("Load(%q): name %q title %q, %d ground and %d decoration tiles for %dx%d", name, m.Name, m.Title, len(m.Ground), len(m.Decoration), m.Width, m.Height)
		}
	}
}

func TestMapSizes(t *testing.T) {
	all := loadAll(t)
	tests := []struct {
		name                   string
		minW, minH, maxW, maxH int
	}{
		{"overworld", 256, 256, MaxSide, MaxSide},
		{"dungeon_entrance", 48, 36, 96, 64},
		{"dungeon", 80, 48, 128, 96},
	}
	for _, tt := range tests {
		m := all[tt.name]
		if m.Width < tt.minW || m.Height < tt.minH || m.Width > tt.maxW || m.Height > tt.maxH {
			t.Errorf("%s is %dx%d tiles, want between %dx%d and %dx%d", tt.name, m.Width, m.Height, tt.minW, tt.minH, tt.maxW, tt.maxH)
		}
	}
}

// The README's three maps link Overworld <-> Dungeon Entrance <-> Dungeon.
func TestPortalsLinkTheThreeMaps(t *testing.T) {
	all := loadAll(t)
	targets := func(name string) []string {
		var out []string
		for _, p := range all[name].Portals {
			out = append(out, p.TargetMap)
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name string
		want []string
	}{
		{"overworld", []string{"dungeon_entrance"}},
		{"dungeon_entrance", []string{"dungeon", "overworld"}},
		{"dungeon", []string{"dungeon_entrance"}},
	}
	for _, tt := range tests {
		if got := targets(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("%s portals lead to %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestEveryPortalLandsOnAWalkableSpawnOutsidePortals(t *testing.T) {
	all := loadAll(t)
	for name, m := range all {
		for _, p := range m.Portals {
			target, ok := all[p.TargetMap]
			if !ok {
				t.Errorf("%s: portal %q leads to missing map %q", name, p.Name, p.TargetMap)
				continue
			}
			at, ok := target.Spawn(p.TargetSpawn)
			if !ok {
				t.Errorf("%s: portal %q leads to missing spawn %s/%s", name, p.Name, p.TargetMap, p.TargetSpawn)
				continue
			}
			if !rules.Fits(at, target) {
				t.Errorf("%s: portal %q lands at %v in %s, where the body does not fit", name, p.Name, at, p.TargetMap)
			}
			if q, in := target.PortalAt(at); in {
				t.Errorf("%s: portal %q lands inside portal %q of %s", name, p.Name, q.Name, p.TargetMap)
			}
		}
	}
}

func TestEverySpawnIsWalkableAndOutsidePortals(t *testing.T) {
	for name, m := range loadAll(t) {
		if _, ok := m.Spawn("default"); !ok {
			t.Errorf("%s has no default spawn", name)
		}
		for s, p := range m.Spawns {
			if !rules.Fits(p, m) {
				t.Errorf("%s: spawn %q at %v: body does not fit", name, s, p)
			}
			if q, in := m.PortalAt(p); in {
				t.Errorf("%s: spawn %q is inside portal %q", name, s, q.Name)
			}
		}
	}
}

// flood returns the open tiles 4-connected to tile (x, y). The body (10x6
// px) is smaller than a tile, so a body can walk between any two
// 4-adjacent open tiles: tile connectivity is body connectivity.
// TestWalkingReachesEveryPortal checks that claim with rules.Step.
func flood(m *Map, x, y int) (reach []bool, parent []int) {
	reach = make([]bool, m.Width*m.Height)
	parent = make([]int, m.Width*m.Height)
	if m.Solid(x, y) {
		return reach, parent
	}
	start := y*m.Width + x
	reach[start], parent[start] = true, -1
	queue := []int{start}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, d := range [][2]int{{0, -1}, {1, 0}, {0, 1}, {-1, 0}} {
			nx, ny := i%m.Width+d[0], i/m.Width+d[1]
			if m.Solid(nx, ny) {
				continue
			}
			j := ny*m.Width + nx
			if !reach[j] {
				reach[j], parent[j] = true, i
				queue = append(queue, j)
			}
		}
	}
	return reach, parent
}

// rectTiles calls f for every tile that r overlaps.
func rectTiles(r rules.Rect, f func(tx, ty int)) {
	for ty := int(r.Min.Y >> 8); ty <= int((r.Max.Y-1)>>8); ty++ {
		for tx := int(r.Min.X >> 8); tx <= int((r.Max.X-1)>>8); tx++ {
			f(tx, ty)
		}
	}
}

func TestOpenGroundIsOneConnectedRegion(t *testing.T) {
	for name, m := range loadAll(t) {
		spawn, _ := m.Spawn("default")
		sx, sy := spawn.Tile()
		reach, _ := flood(m, sx, sy)
		open, reached := 0, 0
		for i := range reach {
			if !m.Solid(i%m.Width, i/m.Width) {
				open++
				if reach[i] {
					reached++
				}
			}
		}
		if reached*100 < open*95 {
			t.Errorf("%s: default spawn reaches %d of %d open tiles, want at least 95%%", name, reached, open)
		}
		if name == "overworld" && reached < 20000 {
			t.Errorf("overworld: only %d walkable tiles reachable, want room for thousands of players", reached)
		}
		for s, p := range m.Spawns {
			tx, ty := p.Tile()
			if !reach[ty*m.Width+tx] {
				t.Errorf("%s: spawn %q is not reachable from the default spawn", name, s)
			}
		}
		for _, p := range m.Portals {
			found := false
			rectTiles(p.Rect, func(tx, ty int) {
				found = found || (tx >= 0 && ty >= 0 && tx < m.Width && ty < m.Height && reach[ty*m.Width+tx])
			})
			if !found {
				t.Errorf("%s: portal %q is not reachable from the default spawn", name, p.Name)
			}
		}
		for _, z := range m.NPCZones {
			room := 0
			rectTiles(z.Rect, func(tx, ty int) {
				if tx >= 0 && ty >= 0 && tx < m.Width && ty < m.Height && reach[ty*m.Width+tx] {
					room++
				}
			})
			if room < z.Count {
				t.Errorf("%s: npc zone %q wants %d %ss but has %d reachable open tiles", name, z.Name, z.Count, z.Kind, room)
			}
		}
	}
}

// TestWalkingReachesEveryPortal walks a body with rules.Step from each
// map's default spawn along a shortest tile path into every portal, and
// checks that no step is ever blocked and the walk ends inside the portal.
func TestWalkingReachesEveryPortal(t *testing.T) {
	const speed = 64 // subpixels per tick; divides the 256-subpixel tile
	for name, m := range loadAll(t) {
		spawn, _ := m.Spawn("default")
		sx, sy := spawn.Tile()
		_, parent := flood(m, sx, sy)
		for _, p := range m.Portals {
			tx, ty := p.Rect.Min.Tile()
			var route []int // tile indices from the spawn to the portal
			for i := ty*m.Width + tx; i != -1; i = parent[i] {
				route = append(route, i)
			}
			slices.Reverse(route)
			if route[0] != sy*m.Width+sx {
				t.Fatalf("%s: no tile path to portal %q", name, p.Name)
			}
			// Start at the spawn tile's centre, then go tile centre to
			// tile centre; each leg is straight along one axis.
			pos := spawn
			centre := func(i int) rules.Vec { return rules.TileCenter(i%m.Width, i/m.Width) }
			walk := func(to rules.Vec) {
				for pos != to {
					d := rules.DirNone
					switch {
					case to.Y < pos.Y:
						d = rules.DirN
					case to.Y > pos.Y:
						d = rules.DirS
					case to.X < pos.X:
						d = rules.DirW
					case to.X > pos.X:
						d = rules.DirE
					}
					s := min(speed, max(abs32(to.X-pos.X), abs32(to.Y-pos.Y)))
					next := rules.Step(pos, d, s, m)
					if next == pos {
						t.Fatalf("%s: walking to portal %q: blocked at %v heading for %v", name, p.Name, pos, to)
					}
					pos = next
				}
			}
			for _, i := range route {
				walk(centre(i))
			}
			if got, in := m.PortalAt(pos); !in || got.Name != p.Name {
				t.Errorf("%s: walked to %v, want to be inside portal %q (PortalAt = %q, %v)", name, pos, p.Name, got.Name, in)
			}
		}
	}
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

func TestSolid(t *testing.T) {
	m := loadAll(t)["dungeon"]
	spawn, _ := m.Spawn("default")
	sx, sy := spawn.Tile()
	tests := []struct {
		tx, ty int
		want   bool
	}{
		{sx, sy, false},
		{0, 0, true}, // the dungeon's rim is rock
		{-1, sy, true},
		{sx, -1, true},
		{m.Width, 0, true},
		{0, m.Height, true},
		{1 << 30, -1 << 30, true},
	}
	for _, tt := range tests {
		if got := m.Solid(tt.tx, tt.ty); got != tt.want {
			t.Errorf("dungeon.Solid(%d, %d) = %v, want %v", tt.tx, tt.ty, got, tt.want)
		}
	}
}

func TestTileSource(t *testing.T) {
	m := loadAll(t)["overworld"]
	ts := m.Tilesets[0]
	tests := []struct {
		gid  uint32
		ok   bool
		want image.Rectangle
	}{
		{0, false, image.Rectangle{}},
		{1, true, image.Rect(0, 0, 16, 16)},
		{2, true, image.Rect(16, 0, 32, 16)},
		{9, true, image.Rect(0, 16, 16, 32)},
		{1 | FlipHorizontal | FlipDiagonal, true, image.Rect(0, 0, 16, 16)},
		{ts.FirstGID + uint32(ts.TileCount) - 1, true, image.Rect((ts.TileCount-1)%8*16, (ts.TileCount-1)/8*16, (ts.TileCount-1)%8*16+16, (ts.TileCount-1)/8*16+16)},
		{ts.FirstGID + uint32(ts.TileCount), false, image.Rectangle{}},
	}
	for _, tt := range tests {
		img, r, ok := m.TileSource(tt.gid)
		if ok != tt.ok || r != tt.want || (ok && img != "tiles/tileset.png") {
			t.Errorf("TileSource(%#x) = %q, %v, %v; want tiles/tileset.png, %v, %v", tt.gid, img, r, ok, tt.want, tt.ok)
		}
	}
	// Every tile the maps use has a source.
	for name, m := range loadAll(t) {
		for _, layer := range [][]uint32{m.Ground, m.Decoration} {
			for i, gid := range layer {
				if _, _, ok := m.TileSource(gid); gid != 0 && !ok {
					t.Fatalf("%s: tile (%d,%d) gid %d has no source", name, i%m.Width, i/m.Width, gid)
				}
			}
		}
		for i, gid := range m.Ground {
			if gid == 0 {
				t.Fatalf("%s: tile (%d,%d) has no ground", name, i%m.Width, i/m.Width)
			}
		}
	}
}

func BenchmarkStepOnOverworld(b *testing.B) {
	m := loadAll(b)["overworld"]
	start, _ := m.Spawn("default")
	p := start
	dirs := [8]rules.Dir{rules.DirN, rules.DirNE, rules.DirE, rules.DirSE, rules.DirS, rules.DirSW, rules.DirW, rules.DirNW}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		p = rules.Step(p, dirs[(i>>5)&7], 240, m) // hold each direction for 32 ticks
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

func BenchmarkLoadOverworld(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load("overworld"); err != nil {
			b.Fatal(err)
		}
	}
}
