package client

import (
	"fmt"
	"testing"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// gridTerrain is a tile grid read from rows of text: '#' is a wall, 'P' a
// portal tile, anything else floor. Outside the rows is solid.
type gridTerrain []string

func (g gridTerrain) Solid(tx, ty int) bool {
	if ty < 0 || ty >= len(g) || tx < 0 || tx >= len(g[ty]) {
		return true
	}
	return g[ty][tx] == '#'
}

func (g gridTerrain) PortalAt(p rules.Vec) (maps.Portal, bool) {
	tx, ty := p.Tile()
	if ty >= 0 && ty < len(g) && tx >= 0 && tx < len(g[ty]) && g[ty][tx] == 'P' {
		return maps.Portal{Name: "p", TargetMap: "b", TargetSpawn: "default"}, true
	}
	return maps.Portal{}, false
}

// mapA is an open room with a wall at column 12 and a portal at tile
// (3, 2); mapB is a corridor.
func mapA() gridTerrain {
	return gridTerrain{
		"################",
		"#...........#..#",
		"#..P........#..#",
		"#...........#..#",
		"#...........#..#",
		"#...........#..#",
		"#..............#",
		"################",
	}
}

func mapB() gridTerrain {
	return gridTerrain{
		"##########",
		"#........#",
		"##########",
	}
}

// loadTest is the tests' LoadFunc: maps "a" and "b".
func loadTest(name string) (Terrain, error) {
	switch name {
	case "a":
		return mapA(), nil
	case "b":
		return mapB(), nil
	}
	return nil, fmt.Errorf("no map %q", name)
}

// walk steps p n times in dir at speed on terrain t.
func walk(p rules.Vec, d rules.Dir, speed int32, t rules.Collider, n int) rules.Vec {
	for range n {
		p = rules.Step(p, d, speed, t)
	}
	return p
}

// roundTrip encodes and decodes m, so tests feed the View what a real
// connection would.
func roundTrip(t *testing.T, m protocol.Message) protocol.Message {
	t.Helper()
	got, err := protocol.Decode(m.Append(nil))
	if err != nil {
		t.Fatalf("Decode(%T): %v", m, err)
	}
	return got
}
