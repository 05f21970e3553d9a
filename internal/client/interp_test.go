package client

import (
	"math"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// interpView returns a view at tick 20 (at 20 Hz, so tick t is at
// t*50 ms) with handle 0 walking east from tick 10 and handle 1 walking
// east against the wall at column 12.
func interpView(t *testing.T) *View {
	t.Helper()
	w := welcome("a", 10, rules.TileCenter(5, 5))
	w.ServerTime = 500
	msgs := []protocol.Message{w, protocol.Snapshot{Tick: 10, Spawns: []protocol.EntityProps{
		{Handle: 0, Props: props(rules.TileCenter(1, 3), rules.DirE, 40)},
		{Handle: 1, Props: props(rules.TileCenter(11, 5), rules.DirE, 40)},
	}}}
	for tick := uint32(11); tick <= 20; tick++ {
		msgs = append(msgs, protocol.Snapshot{Tick: tick})
	}
	return applyAll(t, msgs)
}

func TestRenderPos(t *testing.T) {
	a := mapA()
	start := rules.TileCenter(1, 3)
	at := func(tick int) rules.Vec { return walk(start, rules.DirE, 40, a, tick-10) }
	px := func(v rules.Vec) (float64, float64) { return float64(v.X) / 16, float64(v.Y) / 16 }
	tests := []struct {
		name   string
		ms     float64
		wantX  float64
		wantY  float64
		handle uint32
	}{
		{name: "on a tick", ms: 18 * 50, handle: 0},
		{name: "midway between ticks", ms: 18*50 + 25, handle: 0},
		{name: "a fifth past a tick", ms: 19*50 + 10, handle: 0},
		{name: "before the history keeps", ms: 0, handle: 0},
		{name: "extrapolated half a tick", ms: 20*50 + 25, handle: 0},
		{name: "extrapolated one and a half ticks", ms: 21*50 + 25, handle: 0},
		{name: "extrapolation is capped", ms: 30 * 50, handle: 0},
		{name: "extrapolation stops at walls", ms: 22 * 50, handle: 1},
	}
	// Expected values, worked out by hand from the rules.
	x18, y := px(at(18))
	x19, _ := px(at(19))
	x20, _ := px(at(20))
	x21, _ := px(at(21))
	x22, _ := px(at(22))
	oldest, _ := px(at(20 - historyLen + 1))
	flushX := float64(12*rules.TileSubpixels-rules.BodyHalfWidth) / 16
	tests[0].wantX, tests[0].wantY = x18, y
	tests[1].wantX, tests[1].wantY = (x18+x19)/2, y
	tests[2].wantX, tests[2].wantY = x19+(x20-x19)/5, y
	tests[3].wantX, tests[3].wantY = oldest, y
	tests[4].wantX, tests[4].wantY = (x20+x21)/2, y
	tests[5].wantX, tests[5].wantY = (x21+x22)/2, y
	tests[6].wantX, tests[6].wantY = x22, y
	tests[7].wantX, tests[7].wantY = flushX, float64(rules.TileCenter(11, 5).Y)/16

	v := interpView(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y, ok := v.RenderPos(tt.handle, tt.ms)
			if !ok || math.Abs(x-tt.wantX) > 1e-9 || math.Abs(y-tt.wantY) > 1e-9 {
				t.Errorf("RenderPos(%d, %v) = %v, %v, %v; want %v, %v", tt.handle, tt.ms, x, y, ok, tt.wantX, tt.wantY)
			}
		})
	}
	if _, _, ok := v.RenderPos(9, 1000); ok {
		t.Error("RenderPos(unknown handle) ok = true, want false")
	}
	if x, _, ok := v.RenderPos(0, math.NaN()); !ok || math.IsNaN(x) {
		t.Errorf("RenderPos(0, NaN) = %v, %v; want a position", x, ok)
	}
}

func TestRenderPosDoesNotInterpolateAcrossAJump(t *testing.T) {
	v := interpView(t)
	if err := v.Apply(roundTrip(t, protocol.Snapshot{Tick: 21, Changes: []protocol.EntityProps{
		{Handle: 0, Props: []protocol.Prop{protocol.IntProp(protocol.PropX, 3200), protocol.IntProp(protocol.PropY, 1600)}},
	}})); err != nil {
		t.Fatal(err)
	}
	// Half way between ticks 20 and 21: the entity was teleported in 21,
	// so it is drawn at its new place, never in between.
	if x, y, ok := v.RenderPos(0, 20*50+25); !ok || x != 200 || y != 100 {
		t.Errorf("RenderPos across a teleport = %v, %v, %v; want 200, 100", x, y, ok)
	}
}

func TestServerClockKeepsTheFastestRoundTrip(t *testing.T) {
	var c ServerClock
	c.Seed(10_000, 1_000)
	if got := c.Now(1_100); got != 10_100 {
		t.Errorf("after Seed, Now(1100) = %v, want 10100", got)
	}
	c.Observe(protocol.Pong{ClientTime: 2_000, ServerTime: 11_040}, 2_080) // rtt 80: server at 11080 when it arrived
	if got := c.Now(2_080); got != 11_080 || c.RTT() != 80 {
		t.Errorf("after a Pong, Now = %v, RTT = %v; want 11080, 80", got, c.RTT())
	}
	c.Observe(protocol.Pong{ClientTime: 3_000, ServerTime: 12_500}, 3_400) // slower: ignored
	c.Seed(0, 0)                                                           // a Pong beats a seed
	if got := c.Now(2_080); got != 11_080 {
		t.Errorf("a slower Pong or a seed moved the clock: Now = %v, want 11080", got)
	}
	c.Observe(protocol.Pong{ClientTime: 4_000, ServerTime: 13_010}, 4_020) // faster: taken
	if got := c.Now(4_020); got != 13_020 || c.RTT() != 20 {
		t.Errorf("after a faster Pong, Now = %v, RTT = %v; want 13020, 20", got, c.RTT())
	}
}

func TestSmoother(t *testing.T) {
	var s Smoother
	start := rules.Vec{X: 1600, Y: 1600}
	s.Reset(start)
	s.Advance(rules.Vec{X: 1600 + 32, Y: 1600})
	if x, y := s.Frame(0.5, 0); x != 101 || y != 100 {
		t.Errorf("Frame(0.5) between 100 and 102 px = %v, %v; want 101, 100", x, y)
	}
	// A 1.5 px correction: the drawn position stays, then fades to the
	// new path.
	s.Correct(Correction{From: rules.Vec{X: 1632, Y: 1600}, To: rules.Vec{X: 1632, Y: 1624}, Size: 24})
	if x, y := s.Frame(0.5, 0); x != 101 || y != 100 {
		t.Errorf("right after a small correction Frame = %v, %v; want it unchanged at 101, 100", x, y)
	}
	if x, y := s.Frame(0.5, 2*time.Second); math.Abs(x-101) > 1e-6 || math.Abs(y-101.5) > 1e-6 {
		t.Errorf("long after a small correction Frame = %v, %v; want the new path at 101, 101.5", x, y)
	}
	// A large correction is applied at once.
	s.Correct(Correction{From: rules.Vec{X: 1632, Y: 1624}, To: rules.Vec{X: 1632 + 4096, Y: 1624}, Size: 4096})
	if x, _ := s.Frame(1, 0); x != 102+256 {
		t.Errorf("after a large correction Frame(1) x = %v, want %v", x, 102+256)
	}
}
