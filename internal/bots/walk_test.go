package bots

import (
	"math/rand/v2"
	"testing"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// grid is a terrain from rows of text: '#' is a wall, 'P' a portal tile.
type grid []string

func (g grid) Solid(tx, ty int) bool {
	return ty < 0 || ty >= len(g) || tx < 0 || tx >= len(g[ty]) || g[ty][tx] == '#'
}

func (g grid) PortalAt(p rules.Vec) (maps.Portal, bool) {
	tx, ty := p.Tile()
	if !g.Solid(tx, ty) && g[ty][tx] == 'P' {
		return maps.Portal{Name: "p"}, true
	}
	return maps.Portal{}, false
}

// portals lists g's portal tiles as maps.Portals.
func (g grid) portals() []maps.Portal {
	var out []maps.Portal
	for ty, row := range g {
		for tx, c := range row {
			if c == 'P' {
				lo := rules.Vec{X: int32(tx) * rules.TileSubpixels, Y: int32(ty) * rules.TileSubpixels}
				hi := rules.Vec{X: lo.X + rules.TileSubpixels, Y: lo.Y + rules.TileSubpixels}
				out = append(out, maps.Portal{Name: "p", Rect: rules.Rect{Min: lo, Max: hi}})
			}
		}
	}
	return out
}

func TestWandererTurnsAtRandomAndAvoidsWalls(t *testing.T) {
	g := grid{
		"##########",
		"#........#",
		"#.####.#.#",
		"#........#",
		"##########",
	}
	p := client.NewPredictor(rules.TileCenter(1, 1), 0, 100, g)
	w := walker{rng: rand.New(rand.NewPCG(3, 4)), rate: 20}
	w.arrive(nil)
	seen := map[protocol.Direction]bool{}
	for tick := range 4000 {
		pos := p.Pos()
		d := w.next(pos, p.Peek)
		if d == protocol.DirNone || p.Peek(d) == pos {
			t.Fatalf("tick %d: walker chose %v at %v, which does not move", tick, d, pos)
		}
		if w.turnIn < 0 || w.turnIn > 40 {
			t.Fatalf("tick %d: next turn in %d ticks, want 0.5-2 s at 20 Hz", tick, w.turnIn)
		}
		seen[d] = true
		p.Step(uint32(tick+1), d, w.aim, 0)
	}
	if len(seen) != 8 {
		t.Errorf("walker used directions %v, want all 8", seen)
	}
	for range 1000 {
		if n := w.turnTicks(); n < 10 || n > 40 {
			t.Fatalf("turnTicks() = %d, want 10..40 (0.5-2 s at 20 Hz)", n)
		}
	}
}

// TestSeekerReachesThePortalAroundAWall puts the portal in a box open at
// the bottom and the seeker on the other side of the box's wall: walking
// straight at it gets stuck, so only the detours get it there.
func TestSeekerReachesThePortalAroundAWall(t *testing.T) {
	g := grid{
		"################",
		"#..............#",
		"#.#########....#",
		"#.#P......#....#",
		"#.#.......#....#",
		"#.#.......#....#",
		"#.#.......#....#",
		"#..............#",
		"################",
	}
	for seed := range uint64(5) {
		p := client.NewPredictor(rules.TileCenter(13, 4), 0, 100, g)
		w := walker{rng: rand.New(rand.NewPCG(seed, 1)), rate: 20, seeker: true}
		w.arrive(g.portals())
		reached := false
		for tick := range uint32(2000) {
			p.Step(tick+1, w.next(p.Pos(), p.Peek), w.aim, 0)
			if _, ok := g.PortalAt(p.Pos()); ok {
				reached = true
				break
			}
		}
		if !reached {
			t.Errorf("seed %d: the seeker is at %v after 100 s, never in the portal", seed, p.Pos())
		}
	}
}
