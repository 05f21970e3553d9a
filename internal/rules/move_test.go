package rules

import (
	"bytes"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// grid is a test Collider: '#' is solid, anything else open, and every tile
// outside the rows is solid.
type grid struct {
	w, h  int
	solid []bool
}

func newGrid(rows ...string) *grid {
	g := &grid{w: len(rows[0]), h: len(rows)}
	for _, r := range rows {
		if len(r) != g.w {
			panic("ragged grid")
		}
		for _, c := range r {
			g.solid = append(g.solid, c == '#')
		}
	}
	return g
}

func randomGrid(r *rand.Rand, w, h int, density float64) *grid {
	g := &grid{w: w, h: h, solid: make([]bool, w*h)}
	for i := range g.solid {
		g.solid[i] = r.Float64() < density
	}
	return g
}

func (g *grid) Solid(tx, ty int) bool {
	if tx < 0 || ty < 0 || tx >= g.w || ty >= g.h {
		return true
	}
	return g.solid[ty*g.w+tx]
}

// open is a Collider with no solid tile anywhere.
type open struct{}

func (open) Solid(int, int) bool { return false }

func TestDirUnitAndValid(t *testing.T) {
	tests := []struct {
		d      Dir
		dx, dy int32
		valid  bool
	}{
		{DirNone, 0, 0, true},
		{DirN, 0, -1, true},
		{DirNE, 1, -1, true},
		{DirE, 1, 0, true},
		{DirSE, 1, 1, true},
		{DirS, 0, 1, true},
		{DirSW, -1, 1, true},
		{DirW, -1, 0, true},
		{DirNW, -1, -1, true},
		{9, 0, 0, false},
		{255, 0, 0, false},
	}
	for _, tt := range tests {
		if got := tt.d.Valid(); got != tt.valid {
			t.Errorf("Dir(%d).Valid() = %v, want %v", tt.d, got, tt.valid)
		}
		dx, dy := tt.d.Unit()
		if dx != tt.dx || dy != tt.dy {
			t.Errorf("Dir(%d).Unit() = (%d, %d), want (%d, %d)", tt.d, dx, dy, tt.dx, tt.dy)
		}
	}
	// The wire numbers the directions clockwise from north: 1 = N, 3 = E, 5 = S, 7 = W.
	if DirN != 1 || DirE != 3 || DirS != 5 || DirW != 7 || DirNW != 8 {
		t.Errorf("direction numbering changed: N=%d E=%d S=%d W=%d NW=%d", DirN, DirE, DirS, DirW, DirNW)
	}
}

func TestVelocity(t *testing.T) {
	tests := []struct {
		d     Dir
		speed int32
		want  Vec
	}{
		{DirE, 240, Vec{240, 0}},
		{DirN, 240, Vec{0, -240}},
		{DirSE, 240, Vec{169, 169}}, // floor(240*181/256) = 169
		{DirNW, 256, Vec{-181, -181}},
		{DirSW, 1, Vec{0, 0}},
		{DirS, 0, Vec{0, 0}},
		{DirS, -50, Vec{0, 0}},
		{DirW, MaxSpeed + 1, Vec{-MaxSpeed, 0}},
		{DirNE, math.MaxInt32, Vec{MaxSpeed * 181 / 256, -MaxSpeed * 181 / 256}},
		{DirNone, 240, Vec{0, 0}},
		{42, 240, Vec{0, 0}},
	}
	for _, tt := range tests {
		if got := tt.d.Velocity(tt.speed); got != tt.want {
			t.Errorf("Dir(%d).Velocity(%d) = %v, want %v", tt.d, tt.speed, got, tt.want)
		}
	}
}

func TestDiagonalNeverFasterThanStraight(t *testing.T) {
	for s := int32(0); s <= MaxSpeed; s++ {
		v := DirNE.Velocity(s)
		if d2 := int64(v.X)*int64(v.X) + int64(v.Y)*int64(v.Y); d2 > int64(s)*int64(s) {
			t.Fatalf("DirNE.Velocity(%d) = %v: length^2 %d > %d", s, v, d2, int64(s)*int64(s))
		}
		// And it is nearly as fast as allowed: at most one subpixel per axis
		// below speed/sqrt(2) (181/256 is slightly under 1/sqrt(2)).
		if n := int64(v.X) + 2; 2*n*n <= int64(s)*int64(s) {
			t.Fatalf("DirNE.Velocity(%d) = %v: more than a subpixel slower than speed/sqrt(2)", s, v)
		}
	}
}

func TestSpeedPerTick(t *testing.T) {
	tests := []struct {
		pps, rate int
		want      int32
	}{
		{300, 20, 240},
		{100, 20, 80},
		{80, 10, 128},
		{10, 3, 53},  // 160/3 = 53.3
		{11, 3, 59},  // 176/3 = 58.7
		{1, 32, 1},   // 16/32 = 0.5 rounds up
		{1, 33, 0},   // 16/33 < 0.5
		{0, 20, 0},   // not moving
		{-5, 20, 0},  // nonsense in, nothing out
		{300, 0, 0},  // no tick rate
		{300, -1, 0}, // negative tick rate
		{1280, 20, MaxSpeed},
		{5000, 20, MaxSpeed},
		{math.MaxInt, 1, MaxSpeed},
		{math.MaxInt, math.MaxInt, 16},
		{1, math.MaxInt, 0},
	}
	for _, tt := range tests {
		if got := SpeedPerTick(tt.pps, tt.rate); got != tt.want {
			t.Errorf("SpeedPerTick(%d, %d) = %d, want %d", tt.pps, tt.rate, got, tt.want)
		}
	}
}

func TestFits(t *testing.T) {
	g := newGrid(
		"....",
		".#..",
		"....",
	)
	tests := []struct {
		name string
		p    Vec
		want bool
	}{
		{"centre of an open tile", Vec{px(8), px(14)}, true},
		{"inside the solid tile", Vec{px(24), px(24)}, false},
		{"flush left of the solid tile", Vec{px(16) - BodyHalfWidth, px(24)}, true},
		{"one subpixel into it from the left", Vec{px(16) - BodyHalfWidth + 1, px(24)}, false},
		{"flush right of the solid tile", Vec{px(32) + BodyHalfWidth, px(24)}, true},
		{"one subpixel into it from the right", Vec{px(32) + BodyHalfWidth - 1, px(24)}, false},
		{"feet exactly on the solid tile's top edge", Vec{px(24), px(16)}, true},
		{"feet one subpixel below its top edge", Vec{px(24), px(16) + 1}, false},
		{"head flush below it", Vec{px(24), px(32) + BodyHeight}, true},
		{"head one subpixel into it", Vec{px(24), px(32) + BodyHeight - 1}, false},
		{"body leaves the map on the left", Vec{BodyHalfWidth - 1, px(40)}, false},
		{"body flush with the left map edge", Vec{BodyHalfWidth, px(40)}, true},
		{"head above the map", Vec{px(56), BodyHeight - 1}, false},
		{"feet on the bottom map edge", Vec{px(56), px(48)}, true},
		{"feet below the bottom map edge", Vec{px(56), px(48) + 1}, false},
		{"far outside", Vec{-1 << 30, 1 << 30}, false},
	}
	for _, tt := range tests {
		if got := Fits(tt.p, g); got != tt.want {
			t.Errorf("%s: Fits(%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestWalkingIntoAWallEndsFlush(t *testing.T) {
	// A 7x7 room: open in the middle, solid all around (and beyond the map).
	g := newGrid(
		"#######",
		"#.....#",
		"#.....#",
		"#.....#",
		"#.....#",
		"#.....#",
		"#######",
	)
	start := Vec{px(3*16 + 8), px(3*16 + 12)}
	tests := []struct {
		d    Dir
		want Vec
	}{
		{DirE, Vec{px(6*16) - BodyHalfWidth, start.Y}},
		{DirW, Vec{px(1*16) + BodyHalfWidth, start.Y}},
		{DirS, Vec{start.X, px(6 * 16)}},
		{DirN, Vec{start.X, px(1*16) + BodyHeight}},
		{DirSE, Vec{px(6*16) - BodyHalfWidth, px(6 * 16)}},
		{DirNW, Vec{px(1*16) + BodyHalfWidth, px(1*16) + BodyHeight}},
	}
	for _, speed := range []int32{7, 100, 240, 255, 256, 257, MaxSpeed} {
		for _, tt := range tests {
			p := start
			for range 1000 {
				p = Step(p, tt.d, speed, g)
			}
			if p != tt.want {
				t.Errorf("speed %d: 1000 steps %d from %v end at %v, want flush at %v", speed, tt.d, start, p, tt.want)
			}
		}
	}
}

func TestBlockedStepStopsAtTheEdgeNotBefore(t *testing.T) {
	g := newGrid("...#")
	// 20 subpixels short of the wall, moving 240: the step must use up the 20.
	p := Vec{px(48) - BodyHalfWidth - 20, px(12)}
	if got, want := Step(p, DirE, 240, g), (Vec{px(48) - BodyHalfWidth, px(12)}); got != want {
		t.Errorf("Step(%v, E, 240) = %v, want %v", p, got, want)
	}
	// Already flush: a further push changes nothing.
	flush := Vec{px(48) - BodyHalfWidth, px(12)}
	if got := Step(flush, DirE, 240, g); got != flush {
		t.Errorf("Step(%v, E, 240) = %v, want to stay put", flush, got)
	}
}

func TestDiagonalSlidesAlongAWall(t *testing.T) {
	// A long corridor with a wall on the east: moving NE keeps going north.
	g := newGrid(
		"...#",
		"...#",
		"...#",
		"...#",
		"...#",
		"...#",
		"...#",
		"...#",
	)
	p := Vec{px(48) - BodyHalfWidth, px(7*16 + 8)}
	speed := int32(240)
	diag := DirNE.Velocity(speed).X
	for i := range 10 {
		q := Step(p, DirNE, speed, g)
		if q.X != p.X {
			t.Fatalf("step %d: X moved from %d to %d into the wall", i, p.X, q.X)
		}
		if q.Y != p.Y-diag {
			t.Fatalf("step %d: Y went from %d to %d, want %d (free axis keeps the diagonal component)", i, p.Y, q.Y, p.Y-diag)
		}
		p = q
	}
	// And along a floor: moving SW keeps going west.
	floor := newGrid(
		"........",
		"########",
	)
	p = Vec{px(7*16 + 8), px(16)}
	for i := range 10 {
		q := Step(p, DirSW, speed, floor)
		if q.Y != p.Y || q.X != p.X-diag {
			t.Fatalf("step %d: SW along the floor from %v went to %v, want %v", i, p, q, Vec{p.X - diag, p.Y})
		}
		p = q
	}
}

func TestNoTunnellingThroughAThinWall(t *testing.T) {
	g := newGrid("..........#..........")
	wall := int32(px(10 * 16))
	for off := int32(0); off < TileSubpixels; off += 7 {
		for _, speed := range []int32{200, 256, 300, 511, 700, MaxSpeed} {
			p := Vec{px(2*16) + off, px(12)}
			for range 30 {
				p = Step(p, DirE, speed, g)
				if p.X+BodyHalfWidth > wall {
					t.Fatalf("offset %d speed %d: body reached x=%d past the wall at %d", off, speed, p.X, wall)
				}
			}
			if p.X+BodyHalfWidth != wall {
				t.Errorf("offset %d speed %d: stopped at x=%d, want flush at %d", off, speed, p.X, wall-BodyHalfWidth)
			}
		}
	}
}

func TestBodyInsideAWallCanWalkOut(t *testing.T) {
	g := newGrid(
		".....",
		"..#..",
		".....",
	)
	in := Vec{px(40), px(24)} // feet in the middle of the solid tile
	if Fits(in, g) {
		t.Fatalf("test setup: %v should not fit", in)
	}
	p := in
	for range 20 {
		p = Step(p, DirE, 64, g)
	}
	if !Fits(p, g) || p.X <= in.X {
		t.Errorf("after walking east from inside a wall: %v (fits %v), want out and free", p, Fits(p, g))
	}
}

func TestStepSaturatesInsteadOfWrapping(t *testing.T) {
	tests := []struct {
		p    Vec
		d    Dir
		want Vec
	}{
		{Vec{math.MaxInt32 - 10, 0}, DirE, Vec{math.MaxInt32, 0}},
		{Vec{math.MinInt32 + 10, math.MinInt32 + 3}, DirNW, Vec{math.MinInt32, math.MinInt32}},
		{Vec{0, math.MaxInt32}, DirS, Vec{0, math.MaxInt32}},
	}
	for _, tt := range tests {
		if got := Step(tt.p, tt.d, 240, open{}); got != tt.want {
			t.Errorf("Step(%v, %d, 240, open) = %v, want %v", tt.p, tt.d, got, tt.want)
		}
	}
}

func TestInvalidDirectionDoesNotMove(t *testing.T) {
	p := Vec{1000, 1000}
	for _, d := range []Dir{DirNone, 9, 200} {
		if got := Step(p, d, 240, open{}); got != p {
			t.Errorf("Step(%v, %d) = %v, want %v", p, d, got, p)
		}
	}
}

// randomFit returns a random position in g where a body fits.
func randomFit(t *testing.T, r *rand.Rand, g *grid) Vec {
	t.Helper()
	for range 10000 {
		p := Vec{r.Int32N(int32(g.w * TileSubpixels)), r.Int32N(int32(g.h * TileSubpixels))}
		if Fits(p, g) {
			return p
		}
	}
	t.Fatal("no free position in the random grid")
	return Vec{}
}

func TestRandomWalksNeverOverlapSolidTiles(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		g := randomGrid(r, 4+r.IntN(12), 4+r.IntN(12), 0.1+0.4*r.Float64())
		if g.Solid(0, 0) { // make sure something is open
			g.solid[0] = false
		}
		p := randomFit(t, r, g)
		for step := range 500 {
			d := Dir(r.IntN(9))
			speed := r.Int32N(MaxSpeed+200) - 50
			q := Step(p, d, speed, g)
			if !Fits(q, g) {
				t.Fatalf("trial %d step %d: Step(%v, %d, %d) = %v overlaps a solid tile", trial, step, p, d, speed, q)
			}
			checkDisplacement(t, p, q, d, speed)
			p = q
		}
	}
}

// checkDisplacement asserts that a step from p to q in direction d at speed
// moved no farther than speed (Chebyshev and Euclidean) and never against d.
func checkDisplacement(t *testing.T, p, q Vec, d Dir, speed int32) {
	t.Helper()
	s := int64(min(max(speed, 0), MaxSpeed))
	dx, dy := int64(q.X)-int64(p.X), int64(q.Y)-int64(p.Y)
	if max(abs(dx), abs(dy)) > s {
		t.Fatalf("Step(%v, %d, %d) = %v: Chebyshev displacement %d > speed %d", p, d, speed, q, max(abs(dx), abs(dy)), s)
	}
	if dx*dx+dy*dy > s*s {
		t.Fatalf("Step(%v, %d, %d) = %v: Euclidean displacement^2 %d > speed^2 %d", p, d, speed, q, dx*dx+dy*dy, s*s)
	}
	ux, uy := d.Unit()
	if dx*int64(ux) < 0 || dy*int64(uy) < 0 || (ux == 0 && dx != 0) || (uy == 0 && dy != 0) {
		t.Fatalf("Step(%v, %d, %d) = %v: moved against the direction", p, d, speed, q)
	}
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// TestReplayMatchesGolden replays a fixed sequence of inputs on a fixed map
// and compares every position with testdata/replay.golden. It pins Step's
// exact results across versions and platforms (run it under GOOS=js
// GOARCH=wasm too); regenerate with go test -update only when the rules
// change on purpose.
func TestReplayMatchesGolden(t *testing.T) {
	g := newGrid(
		"################",
		"#......#.......#",
		"#..##..#..#....#",
		"#..##.....#....#",
		"#.........###..#",
		"#..#...........#",
		"#..#....##.....#",
		"#.......##...#.#",
		"#####.......##.#",
		"#..............#",
		"################",
	)
	r := rand.New(rand.NewPCG(20, 26))
	var b strings.Builder
	h := fnv.New64a()
	p := Vec{px(24), px(24)}
	for i := range 5000 {
		d := Dir(r.IntN(9))
		for hold := r.IntN(12); hold >= 0; hold-- { // players hold a key for a while
			p = Step(p, d, []int32{80, 160, 240, 256}[i%4], g)
			fmt.Fprintf(h, "%d,%d;", p.X, p.Y)
		}
		if i%500 == 0 {
			fmt.Fprintf(&b, "input %d: %d,%d\n", i, p.X, p.Y)
		}
	}
	fmt.Fprintf(&b, "final: %d,%d\nfnv64a of every position: %016x\n", p.X, p.Y, h.Sum64())
	got := []byte(b.String())

	path := filepath.Join("testdata", "replay.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("replay differs from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestStepDoesNotAllocate(t *testing.T) {
	g := newGrid("....#", "..#..", ".....")
	p := Vec{px(8), px(12)}
	allocs := testing.AllocsPerRun(100, func() {
		p = Step(p, DirSE, 240, g)
		p = Step(p, DirNW, 240, g)
	})
	if allocs != 0 {
		t.Errorf("Step allocates %v times per run, want 0", allocs)
	}
}

func BenchmarkStep(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	g := randomGrid(r, 64, 64, 0.2)
	cases := []struct {
		name string
		d    Dir
		c    Collider
	}{
		{"case=open-straight", DirE, open{}},
		{"case=open-diagonal", DirSE, open{}},
		{"case=random-map", 0, g},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			p := Vec{px(512), px(512)}
			dirs := [8]Dir{DirN, DirNE, DirE, DirSE, DirS, DirSW, DirW, DirNW}
			i := 0
			for b.Loop() {
				if i&0xffff == 0 { // stay far from the int32 limits on open ground
					p = Vec{px(512), px(512)}
				}
				d := bc.d
				if d == 0 {
					d = dirs[(i>>4)&7] // hold each direction for 16 ticks
				}
				p = Step(p, d, 240, bc.c)
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}
