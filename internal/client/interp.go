package client

import (
	"math"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// InterpolationDelay is how far behind the world's clock a renderer should
// draw other entities: two ticks at 20 Hz, so the ticks on both sides of
// the drawn moment have normally arrived and RenderPos interpolates.
const InterpolationDelay = 100 * time.Millisecond

// MaxExtrapolation is how many ticks past the newest snapshot RenderPos
// extrapolates when snapshots are late; beyond it the entity stands still
// until the next snapshot arrives.
const MaxExtrapolation = 2

// historyLen is how many ticks of positions an entity keeps: 400 ms at
// 20 Hz, enough for InterpolationDelay plus jitter.
const historyLen = 8

// sample is an entity's position at the end of a tick.
type sample struct {
	tick uint32
	pos  rules.Vec
}

// history is a ring of an entity's last positions, oldest first.
type history struct {
	s     [historyLen]sample
	start int // index of the oldest sample
	n     int
}

func (h *history) reset() { h.start, h.n = 0, 0 }

// at returns the i-th sample, oldest first.
func (h *history) at(i int) sample { return h.s[(h.start+i)%historyLen] }

// set records pos as the position at the end of tick, replacing the newest
// sample if it is of the same tick.
func (h *history) set(tick uint32, pos rules.Vec) {
	if h.n > 0 {
		last := (h.start + h.n - 1) % historyLen
		if h.s[last].tick == tick {
			h.s[last].pos = pos
			return
		}
	}
	if h.n == historyLen {
		h.s[h.start] = sample{tick, pos}
		h.start = (h.start + 1) % historyLen
		return
	}
	h.s[(h.start+h.n)%historyLen] = sample{tick, pos}
	h.n++
}

// RenderPos returns where to draw the entity with handle h at server time
// ms (Unix milliseconds, normally the estimated world clock minus
// InterpolationDelay), in pixels. Between two known ticks it interpolates
// linearly; before the oldest it returns the oldest position; past the
// newest tick it extrapolates with the shared rules along the entity's
// direction, for at most MaxExtrapolation ticks. ok is false for an unknown
// handle.
func (v *View) RenderPos(h uint32, ms float64) (x, y float64, ok bool) {
	e, ok := v.entities[h]
	if !ok || e.hist.n == 0 {
		return 0, 0, false
	}
	t := v.TickAt(ms)
	first, last := e.hist.at(0), e.hist.at(e.hist.n-1)
	if t <= float64(first.tick) {
		x, y = toPixels(first.pos)
		return x, y, true
	}
	if t >= float64(last.tick) {
		ahead := min(t-float64(last.tick), MaxExtrapolation)
		whole := int(ahead)
		p := last.pos
		for range whole {
			p = rules.Step(p, e.Dir, e.Speed, v.terrain)
		}
		next := p
		frac := ahead - float64(whole)
		if frac > 0 {
			next = rules.Step(p, e.Dir, e.Speed, v.terrain)
		}
		x, y = lerp(p, next, frac)
		return x, y, true
	}
	for i := e.hist.n - 1; i > 0; i-- {
		a := e.hist.at(i - 1)
		if t >= float64(a.tick) {
			b := e.hist.at(i)
			x, y = lerp(a.pos, b.pos, (t-float64(a.tick))/float64(b.tick-a.tick))
			return x, y, true
		}
	}
	x, y = toPixels(first.pos) // t is NaN
	return x, y, true
}

// toPixels converts a position to pixels.
func toPixels(p rules.Vec) (x, y float64) { return lerp(p, p, 0) }

// lerp returns the point a fraction f of the way from a to b, in pixels.
func lerp(a, b rules.Vec, f float64) (x, y float64) {
	x = (float64(a.X) + (float64(b.X)-float64(a.X))*f) / rules.SubpixelsPerPixel
	y = (float64(a.Y) + (float64(b.Y)-float64(a.Y))*f) / rules.SubpixelsPerPixel
	return x, y
}

// ServerClock estimates the world's clock from Pongs, for RenderPos. It
// keeps the offset measured by the fastest round trip seen, the sample
// least distorted by queueing. The zero value knows nothing (offset 0);
// Welcome can seed it. It is not safe for concurrent use.
type ServerClock struct {
	offset float64 // server ms minus local ms
	rtt    float64 // round trip of the Pong offset came from
	pong   bool    // whether offset came from a Pong
}

// Seed sets a first estimate from a message stamped with the world's clock
// (Welcome.ServerTime, MapChange.ServerTime) that arrived at local time
// localMS, ignoring its transit time. Pongs refine it.
func (c *ServerClock) Seed(serverMS uint64, localMS float64) {
	if !c.pong {
		c.offset = float64(serverMS) - localMS
	}
}

// Observe takes a Pong that arrived at local time localMS, on the clock
// the matching Ping's ClientTime used.
func (c *ServerClock) Observe(p protocol.Pong, localMS float64) {
	rtt := localMS - float64(p.ClientTime)
	if rtt < 0 {
		return // not from this clock
	}
	if !c.pong || rtt <= c.rtt {
		c.offset, c.rtt, c.pong = float64(p.ServerTime)+rtt/2-localMS, rtt, true
	}
}

// Now returns the estimated world clock, in Unix milliseconds, at local
// time localMS.
func (c *ServerClock) Now(localMS float64) float64 { return localMS + c.offset }

// RTT returns the round trip of the best sample, in milliseconds; 0 before
// any Pong.
func (c *ServerClock) RTT() float64 { return c.rtt }

// Smoother turns the predicted own position, which advances once a tick
// and jumps when a correction arrives, into a smooth position to draw.
// Between ticks it interpolates; a correction becomes an offset that fades
// out over about SmoothTime, except large ones, which it applies at once.
// The zero value starts at the origin: call Reset first. Not safe for
// concurrent use.
type Smoother struct {
	prev, cur  rules.Vec
	offX, offY float64 // pixels still to fade out
}

// Smoothing parameters.
const (
	// SmoothTime is the time constant of the fade of a correction.
	SmoothTime = 100 * time.Millisecond
	// SnapDistance is the correction, in subpixels, from which the
	// Smoother jumps instead of fading: two tiles.
	SnapDistance = 2 * rules.TileSubpixels
)

// Reset places the player at p with no motion and no offset: after Welcome
// and MapChange.
func (s *Smoother) Reset(p rules.Vec) { *s = Smoother{prev: p, cur: p} }

// Advance records the predicted position after a new input (Predictor.Pos
// after Predictor.Step).
func (s *Smoother) Advance(p rules.Vec) { s.prev, s.cur = s.cur, p }

// Correct absorbs a correction: the predicted path moves by To−From, and
// what is drawn keeps its place and fades towards the new path.
func (s *Smoother) Correct(c Correction) {
	dx, dy := c.To.X-c.From.X, c.To.Y-c.From.Y
	s.prev.X += dx
	s.prev.Y += dy
	s.cur.X += dx
	s.cur.Y += dy
	if c.Size >= SnapDistance {
		s.offX, s.offY = 0, 0
		return
	}
	s.offX -= float64(dx) / rules.SubpixelsPerPixel
	s.offY -= float64(dy) / rules.SubpixelsPerPixel
}

// Frame returns the position to draw, in pixels, at fraction alpha (0 to 1)
// of the current tick, after fading the offset for dt, the time since the
// last frame.
func (s *Smoother) Frame(alpha float64, dt time.Duration) (x, y float64) {
	alpha = min(max(alpha, 0), 1)
	k := math.Exp(-float64(dt) / float64(SmoothTime))
	s.offX *= k
	s.offY *= k
	x, y = lerp(s.prev, s.cur, alpha)
	return x + s.offX, y + s.offY
}
