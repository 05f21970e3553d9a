package world

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/sim"
)

// runner is the shell around one instance's simulation core: its goroutine
// (run) owns the core and steps it at the tick rate, feeding it the players
// who arrived and the inputs they sent, and carrying out what the step
// returns: messages to send, travellers for the registry, characters to
// save.
type runner struct {
	core    *sim.Instance // owned by run
	reg     *registry
	joins   chan sim.Arrival // from the registry; never fills (see newRunner)
	stop    context.CancelFunc
	workers int // most goroutines replicating at once
	// sendEvery is how many ticks' messages go out together: each client
	// gets one write every sendEvery ticks.
	sendEvery int
	metrics   *metrics

	// population is the players inside or on their way in. Owned by the
	// registry's goroutine, not by run.
	population int
	// tickP99 is the 99th percentile of the last tickWindow ticks'
	// durations (a time.Duration), which run refreshes every
	// tickP99Every ticks; any goroutine may read it.
	tickP99 atomic.Int64

	// Owned by run.
	ticks   uint32 // steps run
	inputs  []sim.Input
	leaving []*member
	said    [][]byte     // this tick's say lines, encoded
	scratch []byte       // reused to encode a message queued at once
	counted sim.Counters // the core's counters as last added to the metrics
	// tickTimes are the last tickWindow ticks' durations, a ring at
	// ticks % tickWindow; tickSorted is scratch for their percentile.
	tickTimes, tickSorted [tickWindow]time.Duration
}

// The window of an instance's tick p99: the last 200 ticks (10 s at
// 20 Hz), or all of them while there are fewer, refreshed every 20.
const (
	tickWindow   = 200
	tickP99Every = 20
)

// timeTick records how long a tick took, for the metrics and tickP99.
func (r *runner) timeTick(d time.Duration) {
	r.metrics.tickSeconds.Observe(d.Seconds())
	r.tickTimes[(r.ticks-1)%tickWindow] = d // r.ticks counts the tick just run
	if r.ticks%tickP99Every != 0 {
		return
	}
	n := min(int(r.ticks), tickWindow)
	sorted := r.tickSorted[:n]
	copy(sorted, r.tickTimes[:n])
	slices.Sort(sorted)
	r.tickP99.Store(int64(sorted[n*99/100]))
}

// defaultReplicatorShare is the fewest clients worth a replicating
// goroutine of their own: below it, starting one costs more than it saves.
// At 400, 1,000 walkers on two cores are replicated (and written to) by two
// goroutines, which took the tick's p50 from 5.3 to about 4 ms through
// tinymmo dev (docs/performance.md, sixth round). A world on one core
// (GOMAXPROCS 1) always uses one.
const defaultReplicatorShare = 400

func newRunner(core *sim.Instance, reg *registry, workers int, m *metrics) *runner {
	return &runner{
		core: core, reg: reg, workers: workers, metrics: m, sendEvery: max(reg.srv.cfg.SendEvery, 1),
		// The registry sends an arrival only while population is under the
		// instance capacity, so the channel never blocks it.
		joins: make(chan sim.Arrival, reg.srv.cfg.InstanceCapacity+1),
	}
}

// run steps the instance at its tick rate until ctx ends. When it falls
// behind it runs at most maxCatchUp ticks back to back, then drops the rest
// of the debt rather than spiral. Player ticks count steps, not time, so
// clients stay exact through late or dropped ticks.
func (r *runner) run(ctx context.Context) {
	const maxCatchUp = 3
	step := time.Second / time.Duration(r.reg.cfg.TickRate)
	next := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	defer func() { r.metrics.npcs.Sub(float64(r.counted.NPCs)) }() // the instance's NPCs go with it
	for {
		select {
		case <-ctx.Done():
			r.evacuate()
			return
		case <-timer.C:
		}
		now := time.Now()
		for n := 0; !now.Before(next) && n < maxCatchUp; n++ {
			start := time.Now()
			r.step(start)
			r.timeTick(time.Since(start))
			next = next.Add(step)
		}
		if now.After(next) {
			next = now.Add(step) // drop the debt beyond maxCatchUp
		}
		timer.Reset(time.Until(next))
	}
}

// step runs one tick of the instance and carries out its result.
func (r *runner) step(now time.Time) {
	core := r.core
	r.admit()
	r.obey()
	r.inputs, r.leaving = r.inputs[:0], r.leaving[:0]
	for p := range core.Players() {
		m := memberOf(p)
		if m.gone.Load() {
			r.leaving = append(r.leaving, m)
			continue
		}
		r.inputs = drainInputs(m, r.inputs)
		p.Party = m.party.Load()
	}
	for _, m := range r.leaving {
		m.finish(core.Remove(m.player))
	}
	if len(r.leaving) > 0 {
		r.reg.events <- leftEvent{r, len(r.leaving)}
	}
	res := core.Step(now.UnixMilli(), r.inputs)
	for _, f := range res.Refused {
		r.metrics.inputsDropped.Inc()
		if errors.Is(f.Err, sim.ErrMalformedInput) {
			r.metrics.malformed.Inc()
			r.reg.srv.log.Info("world: closing a client that broke the input rules", "character", f.Player.Char.Name, "err", f.Err)
			memberOf(f.Player).out.close(protocol.CloseMalformed)
		}
	}
	for _, msg := range res.Messages {
		memberOf(msg.To).out.queue(msg.Bytes)
	}
	r.deliverChat()
	if r.ticks%partyVitalsEvery == 0 {
		r.sendPartyVitals()
	}
	r.ticks++
	sent := r.replicate()
	for _, t := range res.Travels {
		m := memberOf(t.Player)
		sent += m.out.flush() // what the old map sent goes before the new map's
		r.reg.events <- travelEvent{r, m, t.Portal}
	}
	r.metrics.bytesOut.Add(float64(sent))
	for _, c := range res.Saves {
		r.reg.srv.saver.Save(c)
	}
	if res.Empty {
		r.reg.events <- retireEvent{r}
	}
	r.countCombat()
}

// countCombat adds what the core's fights came to since the last tick to
// the metrics.
func (r *runner) countCombat() {
	now, was := r.core.Counters(), r.counted
	if now == was {
		return
	}
	c := r.metrics.combat
	c.WithLabelValues("ability").Add(float64(now.AbilitiesUsed - was.AbilitiesUsed))
	c.WithLabelValues("refused").Add(float64(now.Refused - was.Refused))
	c.WithLabelValues("death").Add(float64(now.Deaths - was.Deaths))
	c.WithLabelValues("level").Add(float64(now.LevelsGained - was.LevelsGained))
	r.metrics.npcs.Add(float64(now.NPCs - was.NPCs))
	r.counted = now
}

// deliverChat queues, after the tick's Welcomes, the chat lines for the
// instance's players: what each said, to everyone here, and the lines
// posted to each from elsewhere.
func (r *runner) deliverChat() {
	r.said = r.said[:0]
	for p := range r.core.Players() {
		m := memberOf(p)
		take(&m.inbox, &m.inbox.said, false, func(text string) {
			r.said = append(r.said, protocol.ChatLine{Channel: protocol.ChannelSay, From: p.Char.Name, Text: text}.Append(nil))
		})
		take(&m.inbox, &m.inbox.mail, false, m.out.queue)
	}
	for _, line := range r.said {
		for p := range r.core.Players() {
			memberOf(p).out.queue(line)
		}
	}
}

// partyVitalsEvery is how many ticks apart the party frames' vitals go
// out: twice a second at 20 Hz.
const partyVitalsEvery = 10

// sendPartyVitals publishes the health and mana of the instance's players
// who are in a party, then sends each of them its party's, as the members'
// runners last published them.
func (r *runner) sendPartyVitals() {
	partied := false
	for p := range r.core.Players() {
		if p.Party != 0 {
			memberOf(p).vitals.Store(packVitals(p.Vitals()))
			partied = true
		}
	}
	if !partied {
		return
	}
	for p := range r.core.Players() {
		if p.Party == 0 {
			continue
		}
		if v, ok := r.reg.srv.parties.vitals(p.Char.Name); ok {
			r.scratch = v.Append(r.scratch[:0])
			memberOf(p).out.queue(r.scratch)
		}
	}
}

// packVitals packs health and mana into a member's vitals word, 16 bits
// each (far above any class's maximum at the top level), clamped.
func packVitals(hp, maxHP, mp, maxMP int32) uint64 {
	c := func(v int32) uint64 { return uint64(min(max(v, 0), 0xffff)) }
	return c(hp)<<48 | c(maxHP)<<32 | c(mp)<<16 | c(maxMP)
}

// unpackVitals undoes packVitals.
func unpackVitals(w uint64) protocol.MemberVitals {
	return protocol.MemberVitals{HP: uint32(w >> 48), MaxHP: uint32(w >> 32 & 0xffff), MP: uint32(w >> 16 & 0xffff), MaxMP: uint32(w & 0xffff)}
}

// admit hands the core the players the registry placed here.
func (r *runner) admit() {
	for {
		select {
		case a := <-r.joins:
			r.core.Add(a)
		default:
			return
		}
	}
}

// obey carries out the orders given to the instance's players (see
// member.give), before the tick's inputs are drained: a player an order
// moves away leaves its inputs queued for the instance it goes to.
func (r *runner) obey() {
	type given struct {
		m *member
		o order
	}
	var todo []given
	for p := range r.core.Players() {
		m := memberOf(p)
		if !m.gone.Load() {
			take(&m.inbox, &m.inbox.orders, false, func(o order) { todo = append(todo, given{m, o}) })
		}
	}
	for _, g := range todo {
		g.o(r, g.m)
	}
}

// moveTo is the order that takes a player to to: out of its instance now,
// and into one of to's map by the registry, as a portal would.
func moveTo(to place) order {
	return func(r *runner, m *member) {
		c := r.core.Remove(m.player)
		c.Map, c.X, c.Y = to.Map, to.Pos.X, to.Pos.Y
		m.player.Char = c
		r.reg.events <- moveEvent{r, m}
	}
}

// placeOf returns where m's player is. Only the runner that owns it may
// call it.
func placeOf(m *member) place {
	c := m.player.State()
	return place{Map: c.Map, Pos: rules.Vec{X: c.X, Y: c.Y}}
}

// drainInputs appends the messages m's session queued since the last tick.
func drainInputs(m *member, inputs []sim.Input) []sim.Input {
	take(&m.inbox, &m.inbox.inputs, true, func(in protocol.Input) {
		inputs = append(inputs, sim.Input{Player: m.player, Input: in})
	})
	return inputs
}

// replicate queues every client's snapshot of this tick and sends the
// clients whose turn it is what they have queued, returning the bytes the
// connections took. Each client has its turn every sendEvery ticks, and the
// clients take turns in an even spread over the ticks, so no tick does all
// the writes. A large instance shares its clients among up to workers
// goroutines, so one instance can use every core for encoding and sending.
func (r *runner) replicate() int {
	parts := r.core.Parts(r.workers, defaultReplicatorShare)
	every := uint32(r.sendEvery)
	send := func(part int) int {
		n := 0
		for i, msg := range r.core.Replicate(part, parts) {
			out := memberOf(msg.To).out
			if msg.Bytes != nil {
				out.queue(msg.Bytes)
			}
			if (r.ticks+uint32(i))%every == 0 {
				n += out.flush()
			}
		}
		return n
	}
	if parts == 1 {
		return send(0)
	}
	var wg sync.WaitGroup
	sent := make([]int, parts)
	for part := range parts {
		wg.Go(func() { sent[part] = send(part) })
	}
	wg.Wait()
	total := 0
	for _, n := range sent {
		total += n
	}
	return total
}

// evacuate hands every player still inside back to its session with its
// last state; the world stops runners only after every session has ended,
// so normally none is left.
func (r *runner) evacuate() {
	for {
		select {
		case a := <-r.joins:
			memberOf(a.Player).finish(a.Player.State())
			continue
		default:
		}
		break
	}
	r.leaving = r.leaving[:0]
	for p := range r.core.Players() {
		r.leaving = append(r.leaving, memberOf(p))
	}
	for _, m := range r.leaving {
		m.finish(r.core.Remove(m.player))
	}
}
