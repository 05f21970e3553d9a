package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// generate runs mapgen with the committed tileset into a temporary
// directory and returns that directory.
func generate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	tsx, err := os.ReadFile(filepath.Join("..", "..", "assets", "tiles", "tileset.tsx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "tiles"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tiles", "tileset.tsx"), tsx, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(dir, "", 0); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCommittedMapsAreUpToDate regenerates the maps into a temporary
// directory and compares them byte for byte with assets/maps, so a change
// to the generator cannot land without its output (run go run
// ./tools/mapgen from the repository root to refresh them). internal/maps
// tests what the maps contain.
func TestCommittedMapsAreUpToDate(t *testing.T) {
	dir := generate(t)
	for _, name := range []string{"overworld", "dungeon_entrance", "dungeon"} {
		got, err := os.ReadFile(filepath.Join(dir, "maps", name+".tmx"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "assets", "maps", name+".tmx"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("assets/maps/%s.tmx is out of date (run go run ./tools/mapgen)", name)
		}
	}
}

// TestNPCZonesLieOnOpenGround loads every generated map as the server does
// and checks each NPC zone: its rectangle lies inside the map, overlaps no
// portal, contains no spawn point, and at least 75% of its tiles are
// walkable, so NPCs spawn on floor and never on a player arriving.
func TestNPCZonesLieOnOpenGround(t *testing.T) {
	all, err := maps.LoadAllFS(os.DirFS(generate(t)))
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range all {
		if len(m.NPCZones) == 0 {
			t.Errorf("%s has no NPC zones", name)
		}
		mapRect := rules.Rect{Max: rules.Vec{X: int32(m.Width) * rules.TileSubpixels, Y: int32(m.Height) * rules.TileSubpixels}}
		for _, z := range m.NPCZones {
			r := z.Rect
			if r.Min.X < 0 || r.Min.Y < 0 || r.Max.X > mapRect.Max.X || r.Max.Y > mapRect.Max.Y {
				t.Errorf("%s: zone %q %v reaches outside the %dx%d map", name, z.Name, r, m.Width, m.Height)
				continue
			}
			for _, p := range m.Portals {
				if overlap(r, p.Rect) {
					t.Errorf("%s: zone %q %v overlaps portal %q %v", name, z.Name, r, p.Name, p.Rect)
				}
			}
			for s, p := range m.Spawns {
				if r.Contains(p) {
					t.Errorf("%s: zone %q %v contains spawn %q %v", name, z.Name, r, s, p)
				}
			}
			open, all := 0, 0
			tx0, ty0 := r.Min.Tile()
			tx1, ty1 := (r.Max.X-1)/rules.TileSubpixels, (r.Max.Y-1)/rules.TileSubpixels
			for ty := ty0; ty <= int(ty1); ty++ {
				for tx := tx0; tx <= int(tx1); tx++ {
					all++
					if !m.Solid(tx, ty) {
						open++
					}
				}
			}
			if open*4 < all*3 {
				t.Errorf("%s: zone %q has %d walkable tiles of %d, want at least 75%%", name, z.Name, open, all)
			}
		}
	}
}

// TestPlaceZoneMovesOffSpawnsPortalsAndWalls places zones on a small map
// with a wall, a spawn and a portal: a zone is moved the least distance that
// clears them, and one that cannot fit anywhere is an error.
func TestPlaceZoneMovesOffSpawnsPortalsAndWalls(t *testing.T) {
	newTestMap := func() *tmap {
		m := newMap(tileset{}, "test", "Test", 20, 10)
		for y := range 10 { // a wall down columns 9-11
			for x := 9; x <= 11; x++ {
				m.solid[m.i(x, y)] = true
			}
		}
		m.spawns = []point{{"default", 2, 2}}
		m.portals = []portal{{name: "out", tx: 17, ty: 8, tw: 1, th: 1}}
		return m
	}
	tests := []struct {
		name         string
		z            zone
		wantX, wantY int
		wantErr      bool
	}{
		{"clear spot stays", zone{tx: 5, ty: 5, tw: 4, th: 4}, 5, 5, false},
		{"off the spawn", zone{tx: 1, ty: 1, tw: 3, th: 3}, 5, 0, false},
		{"off the wall", zone{tx: 9, ty: 1, tw: 3, th: 3}, 6, 0, false},
		{"off the portal", zone{tx: 16, ty: 6, tw: 3, th: 3}, 13, 3, false},
		{"wider than the open ground", zone{tx: 0, ty: 0, tw: 12, th: 4}, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMap()
			err := m.placeZone(tt.z)
			if tt.wantErr {
				if err == nil || len(m.zones) != 0 {
					t.Errorf("placeZone(%+v) = %v, zones %+v; want an error and no zone", tt.z, err, m.zones)
				}
				return
			}
			if err != nil || len(m.zones) != 1 || m.zones[0].tx != tt.wantX || m.zones[0].ty != tt.wantY {
				t.Errorf("placeZone(%+v) = %v, zones %+v; want one zone at (%d,%d)", tt.z, err, m.zones, tt.wantX, tt.wantY)
			}
		})
	}
}

// overlap reports whether two half-open rectangles share any point.
func overlap(a, b rules.Rect) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}

func TestUnknownTileNamePanicsWithTheName(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !bytes.Contains([]byte(r.(string)), []byte(`"no_such_tile"`)) {
			t.Errorf("recover() = %v, want a panic naming the tile", r)
		}
	}()
	tileset{"grass": 1}.gid("no_such_tile")
}
