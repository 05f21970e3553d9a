package maps_test

import (
	"fmt"
	"log"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// A world loads every map once at startup, places a player at a spawn and
// steps it with the shared rules; a *maps.Map is the rules.Collider.
func ExampleLoadAll() {
	all, err := maps.LoadAll()
	if err != nil {
		log.Fatal(err)
	}
	world := all["overworld"]
	p, _ := world.Spawn("default")
	speed := rules.SpeedPerTick(80, 20) // 80 px/s at 20 ticks per second
	for range 20 {                      // one second walking east
		p = rules.Step(p, rules.DirE, speed, world)
	}
	fmt.Printf("%s is %dx%d tiles\n", world.Title, world.Width, world.Height)
	fmt.Printf("walked %d px east\n", (p.X-world.Spawns["default"].X)/rules.SubpixelsPerPixel)
	if portal, ok := world.PortalAt(p); ok {
		fmt.Println("entered", portal.TargetMap)
	}
	// Output:
	// Overworld is 256x256 tiles
	// walked 80 px east
}
