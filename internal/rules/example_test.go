package rules_test

import (
	"fmt"

	"github.com/tinymmo/tinymmo/internal/rules"
)

// wallAt is a Collider with a wall of solid tiles at column x (and nothing
// else), standing in for a *maps.Map.
type wallAt int

func (w wallAt) Solid(tx, ty int) bool { return tx == int(w) }

// The server and the client step a player the same way: integer positions,
// a direction from the input and the class's speed.
func ExampleStep() {
	speed := rules.SpeedPerTick(300, 20) // 300 px/s at 20 Hz = 240 subpixels per tick
	p := rules.TileCenter(2, 5)          // feet in the middle of tile (2, 5)
	for range 10 {
		p = rules.Step(p, rules.DirNE, speed, wallAt(4)) // slides up the wall at column 4
	}
	fmt.Println("speed", speed)
	fmt.Println("x flush against the wall:", p.X+rules.BodyHalfWidth == 4*rules.TileSubpixels)
	fmt.Println("y moved", rules.TileCenter(2, 5).Y-p.Y, "subpixels north")
	// Output:
	// speed 240
	// x flush against the wall: true
	// y moved 1690 subpixels north
}
