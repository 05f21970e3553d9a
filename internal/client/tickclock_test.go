package client

import (
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/sim"
)

func TestTickClockLeadsByTheRoundTrip(t *testing.T) {
	t0 := time.Unix(1000, 0)
	const period = 50 * time.Millisecond
	tests := []struct {
		rtt  time.Duration
		lead uint32
	}{
		{0, 2},
		{1 * time.Millisecond, 3},
		{50 * time.Millisecond, 3},
		{51 * time.Millisecond, 4},
		{180 * time.Millisecond, 6},
	}
	for _, tt := range tests {
		c := NewTickClock(20, 500, t0)
		c.SetRTT(tt.rtt)
		if got := c.Lead(); got != tt.lead {
			t.Errorf("Lead() with RTT %v = %d, want %d", tt.rtt, got, tt.lead)
		}
		// Snapshot 500 arrived at t0, made RTT/2 before: at t0 + 3 periods
		// the world is at 503 + (RTT/2)/period.
		want := 503 + uint32(tt.rtt/2/period) + tt.lead
		if got := c.Target(t0.Add(3 * period)); got != want {
			t.Errorf("Target(t0+150ms) with RTT %v = %d, want %d", tt.rtt, got, want)
		}
	}
}

func TestTickClockMovesOneTickPerTick(t *testing.T) {
	t0 := time.Unix(1000, 0)
	const period = 50 * time.Millisecond
	c := NewTickClock(20, 100, t0)
	c.SetRTT(80 * time.Millisecond) // lead 4
	now := t0
	tick, jumped := c.Advance(now)
	if tick != 104 || jumped {
		t.Fatalf("first Advance = %d, %v; want 104 (100 + lead 4), no jump", tick, jumped)
	}
	// Snapshots arrive every period, with up to a period of jitter: the
	// clock keeps moving by exactly one.
	for i := range 200 {
		now = now.Add(period)
		jitter := time.Duration(i%3) * period / 3
		c.Observe(100+uint32(i)+1, now.Add(-jitter))
		prev := tick
		tick, jumped = c.Advance(now)
		if tick != prev+1 || jumped {
			t.Fatalf("step %d: Advance = %d, %v; want %d, no jump", i, tick, jumped, prev+1)
		}
	}
}

func TestTickClockCatchesUpHoldsAndJumps(t *testing.T) {
	t0 := time.Unix(1000, 0)
	const period = 50 * time.Millisecond
	c := NewTickClock(20, 100, t0)
	c.Advance(t0) // 102
	// The round trip grows to 300 ms: lead 8, target 108 at t0+1 period
	// and on; the clock takes one extra step a tick until within 2.
	c.SetRTT(300 * time.Millisecond)
	now := t0
	var ticks []uint32
	for range 4 {
		now = now.Add(period)
		c.Observe(c.Target(now)-c.Lead()-3, now) // the world keeps up
		tick, jumped := c.Advance(now)
		if jumped {
			t.Fatalf("Advance jumped while catching up")
		}
		ticks = append(ticks, tick)
	}
	if ticks[1]-ticks[0] != 2 {
		t.Errorf("ticks %v, want a catch-up of two per tick", ticks)
	}
	// The round trip shrinks back: the clock is far ahead, and holds.
	c.SetRTT(0)
	before := c.Tick()
	now = now.Add(period)
	if tick, _ := c.Advance(now); tick != before {
		t.Errorf("Advance ahead of the target = %d, want it held at %d", tick, before)
	}
	// The world reports a tick far ahead (the tab slept): it jumps.
	now = now.Add(period)
	c.Observe(before+100, now)
	tick, jumped := c.Advance(now)
	if !jumped || tick != before+100+c.Lead() {
		t.Errorf("Advance far behind = %d, %v; want a jump to %d", tick, jumped, before+100+c.Lead())
	}
	// An older report changes nothing.
	c.Observe(before, now)
	if got := c.Target(now); got != before+100+c.Lead() {
		t.Errorf("Target after a stale Observe = %d, want %d", got, before+100+c.Lead())
	}
}

// TestTickClockNeverStaysBehindTheWorld starts the clock and then reports
// world ticks a little ahead of it, as after a map change: the clock must
// jump ahead of the world rather than settle at its last tick, where
// every input would be late and the prediction could not step.
func TestTickClockNeverStaysBehindTheWorld(t *testing.T) {
	start := time.Unix(1000, 0)
	period := 50 * time.Millisecond
	c := NewTickClock(20, 10, start)
	c.Advance(start)
	now := start
	world := uint32(c.Tick()) + 1
	for i := range 20 {
		now = now.Add(period)
		world++
		c.Observe(world, now)
		tick, _ := c.Advance(now)
		if i > 0 && int32(tick-world) <= 0 {
			t.Fatalf("step %d: client tick %d, world at %d: the clock stays behind", i, tick, world)
		}
	}
}

// TestTickClockFollowsTheWorldInASlowTab plays a tab that draws a frame
// every 86 ms and, as the game screen does, advances the clock once per
// world tick due (at most two a frame). Each frame's first Advance sees
// 1.7 ticks pass, which rounds to two: the clock must still hold its lead
// over two minutes rather than creep ahead of the world, where the world
// would refuse its inputs as too far ahead (protocol.MaxInputLead).
func TestTickClockFollowsTheWorldInASlowTab(t *testing.T) {
	start := time.Unix(1000, 0)
	const period, frame = 50 * time.Millisecond, 86 * time.Millisecond
	c := NewTickClock(20, 0, start)
	c.SetRTT(10 * time.Millisecond) // lead 3
	next := start                   // when the game's next tick is due
	for now := start; now.Sub(start) < 2*time.Minute; now = now.Add(frame) {
		world := uint32(now.Sub(start) / period)
		c.Observe(world, now)
		for n := 0; n < 2 && !now.Before(next); n++ {
			next = next.Add(period)
			c.Advance(now)
		}
		if now.Sub(next) > period {
			next = now.Add(period)
		}
		if lead := int32(c.Tick() - world); lead > int32(c.Lead())+MaxClockDrift+2 {
			t.Fatalf("after %v the client tick %d leads the world's %d by %d, want at most %d",
				now.Sub(start), c.Tick(), world, lead, c.Lead()+MaxClockDrift+2)
		}
	}
}

// TestTickClockWaitsForASilentWorld: a world that stalls (a pause, a
// machine frozen for seconds) must not find the client's inputs tagged so
// far ahead that it refuses them when it resumes; and the clock never goes
// back, so the inputs keep their order.
func TestTickClockWaitsForASilentWorld(t *testing.T) {
	if MaxClockSilence <= sim.DefaultQuietTicks || MaxClockSilence+MaxClockJump >= protocol.MaxInputLead/2 {
		t.Fatalf("MaxClockSilence %d must exceed the world's quiet ticks %d and stay well inside the input lead %d",
			MaxClockSilence, sim.DefaultQuietTicks, protocol.MaxInputLead)
	}
	t0 := time.Unix(1000, 0)
	const period = 50 * time.Millisecond
	c := NewTickClock(20, 100, t0)
	c.SetRTT(80 * time.Millisecond) // lead 4
	now := t0
	tick, _ := c.Advance(now)
	// The world goes silent for 30 s while the client keeps ticking.
	for range 600 {
		now = now.Add(period)
		prev := tick
		tick, _ = c.Advance(now)
		if int32(tick-prev) < 0 {
			t.Fatalf("the clock went back from %d to %d", prev, tick)
		}
	}
	if limit := uint32(100 + 4 + MaxClockSilence); tick != limit {
		t.Errorf("after 30 s of silence the clock is at %d, want it waiting at %d", tick, limit)
	}
	// The world resumes a little past where it stopped: the clock holds
	// until the world's tick and lead catch up with it, then moves on.
	world := uint32(103)
	for range 100 {
		now = now.Add(period)
		world++
		c.Observe(world, now)
		prev := tick
		tick, _ = c.Advance(now)
		if int32(tick-prev) < 0 || int32(tick-world) > int32(c.Lead()+MaxClockSilence) {
			t.Fatalf("world at %d: the clock moved from %d to %d", world, prev, tick)
		}
	}
	if d := int32(tick - (world + c.Lead())); d < -MaxClockDrift || d > MaxClockDrift {
		t.Errorf("5 s after the world resumed the clock is %d ticks from its target", d)
	}
}
