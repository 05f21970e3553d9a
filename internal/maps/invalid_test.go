package maps

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tinymmo/tinymmo/assets"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// smallMap is a valid 4x3 map: row 1 is open except its last tile, with a
// portal on tile (2,1) and the default spawn on tile (0,1). Gid 8 is the
// tileset's collision marker, but any non-zero gid would do.
const smallMap = `<?xml version="1.0" encoding="UTF-8"?>
<map version="1.10" orientation="orthogonal" renderorder="right-down" width="4" height="3" tilewidth="16" tileheight="16" infinite="0">
 <properties>
  <property name="title" value="Small"/>
 </properties>
 <tileset firstgid="1" source="../tiles/tileset.tsx"/>
 <layer id="1" name="ground" width="4" height="3">
  <data encoding="csv">
1,1,1,1,
1,2,3,1,
1,1,1,1
</data>
 </layer>
 <layer id="2" name="decoration" width="4" height="3">
  <data encoding="csv">
0,0,0,0,
0,0,24,0,
0,0,0,0
</data>
 </layer>
 <layer id="3" name="collision" width="4" height="3" visible="0">
  <data encoding="csv">
8,8,8,8,
0,0,0,8,
8,8,8,8
</data>
 </layer>
 <objectgroup id="4" name="portals">
  <object id="1" name="door" x="32" y="16" width="16" height="16">
   <properties>
    <property name="target_map" value="other"/>
    <property name="target_spawn" value="default"/>
   </properties>
  </object>
 </objectgroup>
 <objectgroup id="5" name="spawns">
  <object id="2" name="default" x="8" y="28">
   <point/>
  </object>
 </objectgroup>
 <objectgroup id="6" name="npc_zones">
  <object id="3" name="rats" x="0" y="16" width="48" height="16">
   <properties>
    <property name="kind" value="rat"/>
    <property name="count" type="int" value="2"/>
   </properties>
  </object>
 </objectgroup>
</map>
`

// otherMap is a valid 2x1 map whose portal leads back to "small".
const otherMap = `<?xml version="1.0" encoding="UTF-8"?>
<map version="1.10" orientation="orthogonal" width="3" height="1" tilewidth="16" tileheight="16" infinite="0">
 <tileset firstgid="1" source="../tiles/tileset.tsx"/>
 <layer id="1" name="ground" width="3" height="1"><data encoding="csv">1,1,1</data></layer>
 <layer id="2" name="collision" width="3" height="1"><data encoding="csv">0,0,0</data></layer>
 <objectgroup id="3" name="portals">
  <object id="1" name="back" x="32" y="0" width="16" height="16">
   <properties>
    <property name="target_map" value="small"/>
    <property name="target_spawn" value="default"/>
   </properties>
  </object>
 </objectgroup>
 <objectgroup id="4" name="spawns">
  <object id="2" name="default" x="8" y="12"><point/></object>
 </objectgroup>
</map>
`

// testFS returns an FS with the real tileset and the given maps, keyed by
// name.
func testFS(t *testing.T, maps map[string]string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, f := range []string{"tiles/tileset.tsx", "tiles/tileset.png"} {
		data, err := fs.ReadFile(assets.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		fsys[f] = &fstest.MapFile{Data: data}
	}
	for name, doc := range maps {
		fsys["maps/"+name+".tmx"] = &fstest.MapFile{Data: []byte(doc)}
	}
	return fsys
}

func TestSmallMapLoads(t *testing.T) {
	m, err := LoadFS(testFS(t, map[string]string{"small": smallMap}), "small")
	if err != nil {
		t.Fatalf("LoadFS(small) = %v", err)
	}
	wantSolid := "####\n...#\n####\n"
	var got strings.Builder
	for y := range 3 {
		for x := range 4 {
			if m.Solid(x, y) {
				got.WriteByte('#')
			} else {
				got.WriteByte('.')
			}
		}
		got.WriteByte('\n')
	}
	if got.String() != wantSolid {
		t.Errorf("solidity:\n%s\nwant:\n%s", got.String(), wantSolid)
	}
	door := Portal{
		Name:        "door",
		Rect:        rules.Rect{Min: rules.Vec{X: 32 * 16, Y: 16 * 16}, Max: rules.Vec{X: 48 * 16, Y: 32 * 16}},
		TargetMap:   "other",
		TargetSpawn: "default",
	}
	if len(m.Portals) != 1 || m.Portals[0] != door {
		t.Errorf("Portals = %+v, want [%+v]", m.Portals, door)
	}
	if p, ok := m.Spawn("default"); !ok || p != (rules.Vec{X: 8 * 16, Y: 28 * 16}) {
		t.Errorf(`Spawn("default") = %v, %v; want {128 448}, true`, p, ok)
	}
	if _, ok := m.Spawn("nowhere"); ok {
		t.Error(`Spawn("nowhere") found a spawn`)
	}
	rats := NPCZone{Name: "rats", Kind: "rat", Count: 2, Rect: rules.Rect{Min: rules.Vec{X: 0, Y: 256}, Max: rules.Vec{X: 768, Y: 512}}}
	if len(m.NPCZones) != 1 || m.NPCZones[0] != rats {
		t.Errorf("NPCZones = %+v, want [%+v]", m.NPCZones, rats)
	}
	if m.Title != "Small" || m.Ground[5] != 2 || m.Decoration[6] != 24 || m.Decoration[0] != 0 {
		t.Errorf("Title %q, Ground[5] %d, Decoration[6] %d, Decoration[0] %d; want Small, 2, 24, 0", m.Title, m.Ground[5], m.Decoration[6], m.Decoration[0])
	}
	tests := []struct {
		p    rules.Vec
		want bool
	}{
		{rules.Vec{X: 32 * 16, Y: 16 * 16}, true},     // top-left corner is inside
		{rules.Vec{X: 48*16 - 1, Y: 32*16 - 1}, true}, // so is the last subpixel
		{rules.TileCenter(2, 1), true},                // the portal tile's centre
		{rules.Vec{X: 32*16 - 1, Y: 24 * 16}, false},  // one subpixel left of it
		{rules.Vec{X: 40 * 16, Y: 16*16 - 1}, false},  // one subpixel above it
		{rules.Vec{X: 48 * 16, Y: 24 * 16}, false},    // the right edge is outside
		{rules.Vec{X: 40 * 16, Y: 32 * 16}, false},    // the bottom edge is outside
		{rules.Vec{X: 8 * 16, Y: 28 * 16}, false},     // the spawn
		{rules.Vec{X: -1 << 20, Y: 1 << 20}, false},   // far away
	}
	for _, tt := range tests {
		if _, got := m.PortalAt(tt.p); got != tt.want {
			t.Errorf("PortalAt(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

func TestBadMapsGiveClearErrors(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // replace old with new in smallMap
		want     string // a substring of the error; "" means it must load
	}{
		{"count without a declared type still loads", `name="count" type="int"`, `name="count"`, ""},
		{"no collision layer", `name="collision"`, `name="walls"`, `tile layer "collision" is missing`},
		{"no ground layer", `name="ground"`, `name="floor"`, `tile layer "ground" is missing`},
		{"two ground layers", `name="decoration"`, `name="ground"`, `two tile layers are named "ground"`},
		{"layer offset", `name="collision" width="4" height="3"`, `name="collision" offsetx="8" width="4" height="3"`, `has an offset`},
		{"big tiles", `tilewidth="16" tileheight="16" infinite`, `tilewidth="32" tileheight="32" infinite`, `tiles are 32x32 px`},
		{"isometric", `orientation="orthogonal"`, `orientation="isometric"`, `orientation is "isometric"`},
		{"infinite", `infinite="0"`, `infinite="1"`, `infinite maps are not supported`},
		{"too wide", `renderorder="right-down" width="4"`, `renderorder="right-down" width="5000"`, `size 5000x3 tiles`},
		{"no size", `renderorder="right-down" width="4" height="3"`, `renderorder="right-down"`, `size -1x-1 tiles`},
		{"unknown tile id", "1,2,3,1,", "1,2,999,1,", `has id 999, which no tileset holds`},
		{"not a map", `<map version`, `<tileset version`, `starts with <tileset>`},
		{"portal without target map", `<property name="target_map" value="other"/>`, ``, `target_map "" is not a valid map name`},
		{"portal to a bad map name", `value="other"`, `value="../other"`, `target_map "../other" is not a valid map name`},
		{"portal without target spawn", `<property name="target_spawn" value="default"/>`, ``, `portal "door" has no target_spawn`},
		{"portal without name", `name="door"`, `name=""`, `portal id 1 has no name`},
		{"rotated portal", `name="door" x="32"`, `name="door" rotation="45" x="32"`, `is rotated`},
		{"elliptic portal", `<object id="1" name="door" x="32" y="16" width="16" height="16">`, `<object id="1" name="door" x="32" y="16" width="16" height="16"><ellipse/>`, `must be a plain rectangle`},
		{"flat portal", `name="door" x="32" y="16" width="16" height="16"`, `name="door" x="32" y="16" width="16" height="0"`, `has no area`},
		{"portal off the map", `name="door" x="32"`, `name="door" x="3200"`, `lies outside the map`},
		{"portal at NaN", `name="door" x="32"`, `name="door" x="NaN"`, `lies outside the map`},
		{"spawn in a wall", `name="default" x="8" y="28"`, `name="default" x="8" y="12"`, `spawn "default" at (8,12) px: the player body there overlaps`},
		{"spawn across the map edge", `name="default" x="8" y="28"`, `name="default" x="2" y="28"`, `overlaps a solid tile or the map edge`},
		{"spawn at infinity", `name="default" x="8" y="28"`, `name="default" x="1e300" y="28"`, `overlaps a solid tile or the map edge`},
		{"spawn inside a portal", `name="default" x="8" y="28"`, `name="default" x="40" y="28"`, `spawn "default" lies inside portal "door"`},
		{"no default spawn", `name="default" x="8"`, `name="start" x="8"`, `spawn "default" is missing`},
		{"two default spawns", `<point/>`, `<point/></object><object id="9" name="default" x="24" y="28"><point/>`, `two spawns are named "default"`},
		{"spawn without name", `name="default" x="8"`, `name="" x="8"`, `spawn id 2 has no name`},
		{"spawn as a rectangle", `name="default" x="8" y="28"`, `name="default" x="8" y="28" width="4" height="4"`, `spawn "default" must be a point`},
		{"zone without kind", `<property name="kind" value="rat"/>`, ``, `npc zone "rats" (id 3) has no kind`},
		{"zone without count", `<property name="count" type="int" value="2"/>`, ``, `count must be an integer from 1 to 1000`},
		{"zone count zero", `type="int" value="2"`, `type="int" value="0"`, `count must be an integer from 1 to 1000`},
		{"zone count too big", `type="int" value="2"`, `type="int" value="1001"`, `count must be an integer from 1 to 1000`},
		{"zone count not a number", `type="int" value="2"`, `type="int" value="lots"`, `count must be an integer from 1 to 1000`},
		{"two portal layers", `<objectgroup id="5" name="spawns">`, `<objectgroup id="7" name="portals"></objectgroup><objectgroup id="5" name="spawns">`, `two object layers are named "portals"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(smallMap, tt.old, tt.new, 1)
			if doc == smallMap {
				t.Fatalf("test case did not change the map: %q not found", tt.old)
			}
			_, err := LoadFS(testFS(t, map[string]string{"small": doc}), "small")
			if tt.want == "" {
				if err != nil {
					t.Fatalf("LoadFS() = %v, want success", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadFS() = %v, want an error containing %q", err, tt.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("LoadFS() = %v, which does not match ErrInvalid", err)
			}
			if !strings.HasPrefix(err.Error(), "maps: small: ") {
				t.Errorf("LoadFS() = %q, want it to start with the package and map name", err)
			}
		})
	}
}

func TestUnreadableMapsGiveErrors(t *testing.T) {
	tests := []struct {
		name     string
		fsys     fstest.MapFS
		load     string
		notFound bool
	}{
		{"missing map", testFS(t, nil), "small", true},
		{"missing tileset", testFS(t, map[string]string{"small": strings.Replace(smallMap, "tileset.tsx", "gone.tsx", 1)}), "small", true},
		{"truncated file", testFS(t, map[string]string{"small": smallMap[:len(smallMap)/2]}), "small", false},
		{"empty file", testFS(t, map[string]string{"small": ""}), "small", false},
		{"bad csv", testFS(t, map[string]string{"small": strings.Replace(smallMap, "1,1,1,1,\n1,2,3,1,", "1,1,", 1)}), "small", false},
		{"path in the name", testFS(t, map[string]string{"small": smallMap}), "../maps/small", false},
		{"empty name", testFS(t, map[string]string{"small": smallMap}), "", false},
		{"upper-case name", testFS(t, map[string]string{"small": smallMap}), "Small", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := LoadFS(tt.fsys, tt.load)
			if err == nil {
				t.Fatalf("LoadFS(%q) = %v, nil; want an error", tt.load, m)
			}
			if !strings.HasPrefix(err.Error(), "maps: ") {
				t.Errorf("LoadFS(%q) = %q, want it to start with \"maps: \"", tt.load, err)
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tt.notFound {
				t.Errorf("errors.Is(%q, fs.ErrNotExist) = %v, want %v", err, got, tt.notFound)
			}
		})
	}
}

func TestLoadAllChecksPortalLinks(t *testing.T) {
	tests := []struct {
		name string
		maps map[string]string
		want string // "" means success
	}{
		{"linked", map[string]string{"small": smallMap, "other": otherMap}, ""},
		{"missing map", map[string]string{"small": smallMap}, `maps: small: portal "door" leads to map "other", which does not exist`},
		{"missing spawn", map[string]string{"small": smallMap, "other": strings.Replace(otherMap, `name="default"`, `name="start"`, 1)}, `maps: other: spawn "default" is missing`},
		{"missing target spawn", map[string]string{"small": strings.Replace(smallMap, `name="target_spawn" value="default"`, `name="target_spawn" value="cellar"`, 1), "other": otherMap}, `maps: small: portal "door" leads to spawn "cellar", which map "other" lacks`},
		{"no maps", map[string]string{}, `no maps/*.tmx files`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all, err := LoadAllFS(testFS(t, tt.maps))
			if tt.want == "" {
				if err != nil || len(all) != len(tt.maps) {
					t.Fatalf("LoadAllFS() = %d maps, %v; want %d maps", len(all), err, len(tt.maps))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadAllFS() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
