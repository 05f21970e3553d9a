package client

import "time"

// Limits of TickClock's corrections, in ticks.
const (
	// MaxClockDrift is how far the client tick may stray from its target
	// before TickClock corrects it by a tick (an extra step, or a hold).
	MaxClockDrift = 2
	// MaxClockJump is how far behind its target the client tick may fall
	// (a stalled tab, a lost connection) before TickClock jumps to it.
	MaxClockJump = 20
	// MaxClockSilence is how far past the world's last report, lead
	// included, the client tick runs while the world sends nothing. It is
	// twice the longest the world stays quiet with a client in the game
	// (sim.DefaultQuietTicks), so it holds only a stalled or paused world:
	// the clock then waits for it, instead of tagging inputs ever further
	// ahead until the world refuses them (protocol.MaxInputLead).
	MaxClockSilence = 40
)

// TickClock runs the client tick: the player tick the client predicts and
// tags its inputs with, ahead of the world by a lead of
// ceil(RTT/tick) + 2 ticks, so that an input sent now reaches the world
// before the step it is tagged for.
//
// The client calls Advance once per tick of the world's rate (from its own
// ticker); the clock then moves on by one tick, plus one when it has fallen
// more than MaxClockDrift behind its target, or one fewer when it is that
// far ahead, so that it follows the world smoothly. Its target is the world's
// current player tick as the last snapshot shows it (it was made half a
// round trip before it arrived) plus the lead.
//
// While the world sends nothing for longer than it ever stays quiet, the
// clock stops at MaxClockSilence ticks past its last report.
//
// A TickClock is owned by one goroutine; time is passed in.
type TickClock struct {
	period   time.Duration
	rtt      time.Duration
	snapTick uint32    // the last player tick the world reported
	snapAt   time.Time // when that report arrived
	tick     uint32
	started  bool
	last     time.Time // of the last Advance
}

// NewTickClock returns a clock for a world running at tickRate Hz, which
// reported player tick tick (Welcome.Tick) at local time now.
func NewTickClock(tickRate int, tick uint32, now time.Time) *TickClock {
	return &TickClock{period: time.Second / time.Duration(max(tickRate, 1)), snapTick: tick, snapAt: now, tick: tick}
}

// Observe notes that the world's message for player tick n (a Snapshot or
// MapChange) arrived at now.
func (c *TickClock) Observe(n uint32, now time.Time) {
	if int32(n-c.snapTick) >= 0 {
		c.snapTick, c.snapAt = n, now
	}
}

// SetRTT sets the measured round trip (from Ping and Pong).
func (c *TickClock) SetRTT(rtt time.Duration) { c.rtt = max(rtt, 0) }

// Lead returns how many ticks ahead of the world the client runs:
// ceil(RTT/tick) + 2.
func (c *TickClock) Lead() uint32 {
	return uint32((c.rtt+c.period-1)/c.period) + 2
}

// Target returns the client tick the clock aims for at now: the world's
// estimated player tick plus Lead.
func (c *TickClock) Target(now time.Time) uint32 {
	elapsed := now.Sub(c.snapAt) + c.rtt/2
	return c.snapTick + uint32(max(elapsed, 0)/c.period) + c.Lead()
}

// Tick returns the client tick.
func (c *TickClock) Tick() uint32 { return c.tick }

// Advance moves the client tick on for one tick of the world's rate at
// now, and returns it. It is meant to be called once a tick; after a longer
// gap (a stalled tab, a caller that paused) it moves on by the ticks that
// passed. jumped is set when it moved by more than one step of a catch-up:
// the first Advance, which starts the clock at its target, does not count.
// The tick never goes back, so the inputs it tags keep their order.
func (c *TickClock) Advance(now time.Time) (tick uint32, jumped bool) {
	target := c.Target(now)
	if !c.started {
		c.started, c.last = true, now
		if int32(target-c.tick) > 0 {
			c.tick = target
		}
		return c.tick, false
	}
	passed := max((now.Sub(c.last)+c.period/2)/c.period, 1)
	c.last = now
	next := c.tick + uint32(passed)
	jumped = passed > 2
	switch d := int32(target - next); {
	case d > MaxClockJump:
		next, jumped = target, true
	case d < -MaxClockDrift:
		// Ahead: one tick fewer, however long since the last call. Frames
		// 1.7 ticks apart each count as two, so without it a slow tab
		// would carry the clock ever further ahead of the world.
		next--
	case passed > 1:
		// Back from a gap: no extra step on top.
	case d > MaxClockDrift:
		next++
	}
	if limit := c.snapTick + c.Lead() + MaxClockSilence; int32(next-limit) > 0 {
		// The world has been silent too long: wait for it.
		next = c.tick
		if int32(limit-next) > 0 {
			next = limit
		}
		jumped = false
	}
	if int32(next-c.snapTick) <= 0 {
		// Behind the world's last tick: every input would be late, and
		// the prediction could not run ahead. Start again at the target.
		next, jumped = target, true
	}
	c.tick = next
	return c.tick, jumped
}
