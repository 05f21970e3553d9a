package rules_test

import (
	"math/rand/v2"
	"testing"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// docStep is docs/protocol.md, "Movement rules", written out in plain code
// from the text alone: a client built from the doc must step exactly so.
func docStep(x, y int64, dir int, speed int64, solid func(tx, ty int64) bool) (int64, int64) {
	units := [9][2]int64{{0, 0}, {0, -1}, {1, -1}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}}
	dx, dy := units[dir][0], units[dir][1]
	speed = min(max(speed, 0), 1024)
	if dx != 0 && dy != 0 {
		speed = speed * 181 / 256 // floor: speed >= 0
	}
	floorTile := func(v int64) int64 { return v >> 8 }
	// move is the doc's "collision on one axis"; blocked(t, r) says whether
	// tile t on the moving axis, row r across it, is solid.
	move := func(pos, delta, back, front, lo, hi int64, blocked func(t, r int64) bool) int64 {
		any := func(t int64) bool {
			for r := floorTile(lo); r <= floorTile(hi-1); r++ {
				if blocked(t, r) {
					return true
				}
			}
			return false
		}
		if delta > 0 {
			edge := pos + front
			for t := floorTile(edge-1) + 1; t <= floorTile(edge+delta-1); t++ {
				if any(t) {
					return t*256 - front
				}
			}
		} else {
			edge := pos - back
			for t := floorTile(edge) - 1; t >= floorTile(edge+delta); t-- {
				if any(t) {
					return (t+1)*256 + back
				}
			}
		}
		return pos + delta
	}
	if dx != 0 {
		x = move(x, dx*speed, 80, 80, y-96, y, func(t, r int64) bool { return solid(t, r) })
	}
	if dy != 0 {
		y = move(y, dy*speed, 96, 0, x-80, x+80, func(t, r int64) bool { return solid(r, t) })
	}
	return x, y
}

func TestDocumentedMovementMatchesStep(t *testing.T) {
	m, err := maps.Load("overworld")
	if err != nil {
		t.Fatal(err)
	}
	solid := func(tx, ty int64) bool { return m.Solid(int(tx), int(ty)) }
	// The documented speeds per class at 20 Hz.
	for class, want := range map[string]int32{"knight": 64, "rogue": 80, "wizard": 72} {
		c, _ := rules.ClassNamed(class)
		st := c.StatsAt(1)
		if got := rules.SpeedPerTick(int(st.Speed), 20); got != want || int64(got) != (int64(st.Speed)*16+10)/20 {
			t.Errorf("SpeedPerTick(%s) = %d, want %d as documented", class, got, want)
		}
	}
	w, h := m.SizeSubpixels()
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range 20000 {
		// Random positions, many inside walls or off the map, and walks
		// of a few steps from each.
		p := rules.Vec{X: rng.Int32N(w+2048) - 1024, Y: rng.Int32N(h+2048) - 1024}
		speed := []int32{64, 72, 80, rng.Int32N(1100)}[rng.IntN(4)]
		x, y := int64(p.X), int64(p.Y)
		for range 1 + rng.IntN(20) {
			d := rng.IntN(9)
			want := rules.Step(p, rules.Dir(d), speed, m)
			x, y = docStep(x, y, d, int64(speed), solid)
			if want.X != int32(x) || want.Y != int32(y) {
				t.Fatalf("case %d: from %v dir %d speed %d: rules.Step = %v, the documented rules give (%d, %d)", i, p, d, speed, want, x, y)
			}
			p = want
		}
	}
}
