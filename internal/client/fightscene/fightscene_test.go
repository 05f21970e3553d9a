package fightscene

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// newScene returns a fight whose clock started an hour ago, so that Recv
// never waits, and a View fed its Welcome.
func newScene(t *testing.T, cfg Config) (*World, *client.View) {
	t.Helper()
	cfg.Start = time.Now().Add(-time.Hour)
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v := client.NewView(client.NewMapCache(nil).Terrain)
	if err := v.Apply(w.Welcome()); err != nil {
		t.Fatal(err)
	}
	return w, v
}

func TestTheClientFollowsTheFightExactly(t *testing.T) {
	w, v := newScene(t, Config{NPCs: 20, Players: 20, Doom: 15 * time.Second})
	p := client.NewPredictor(v.Own(), w.Welcome().Tick, int32(w.Welcome().Speed), v.Terrain())
	kinds := map[protocol.EventKind]int{}
	shots, deadTicks := 0, 0
	var walked rules.Vec
	for i := range 600 {
		// The player walks about, a tick ahead, and attacks now and then;
		// from tick 250 it stands, and the Bone Lord's slam at 300 kills
		// it.
		dir := protocol.Direction(1 + i/40%8)
		if i >= 250 {
			dir = protocol.DirNone
		}
		if i == 250 {
			walked = v.Own()
		}
		buttons := protocol.Buttons(0)
		if i%30 < 3 {
			buttons = protocol.ButtonPrimary
		}
		if in, send := p.Step(v.Tick()+2, dir, 0, buttons); send {
			if err := w.Send(t.Context(), in); err != nil {
				t.Fatal(err)
			}
		}
		m, err := w.Recv(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		s, ok := m.(protocol.Snapshot)
		if !ok {
			t.Fatalf("Recv returned %T, want a Snapshot", m)
		}
		if err := v.Apply(s); err != nil {
			t.Fatalf("tick %d: the view refused the snapshot: %v", s.Tick, err)
		}
		p.Observe(&s)
		if c := p.Reconcile(s.Tick, v.Own(), s.Ack, s.HasAck); c.Desync() {
			t.Fatalf("tick %d: the player's prediction desynced: %+v", s.Tick, c)
		}
		if v.Vitals().Dead {
			deadTicks++
		}
		for _, e := range s.Events {
			kinds[e.Kind]++
		}
		for _, a := range w.actors {
			if e, _ := v.Entity(a.handle); e.Pos != a.pos || e.HP != a.hp || e.Level != a.level || e.Dead() != (a.dead != 0) {
				t.Fatalf("tick %d: %s is at %v with %d HP (dead %v) in the view, %v with %d HP (dead %v) in the scene",
					s.Tick, a.name, e.Pos, e.HP, e.Dead(), a.pos, a.hp, a.dead != 0)
			}
		}
		shots = max(shots, len(slices.Collect(v.Shots())))
	}
	if v.Len() != 41 {
		t.Errorf("the view holds %d entities, want the 40 fighters and the elder", v.Len())
	}
	for _, k := range []protocol.EventKind{protocol.EventAction, protocol.EventShot, protocol.EventHit, protocol.EventHeal,
		protocol.EventDeath, protocol.EventRespawn, protocol.EventTelegraph, protocol.EventLevelUp} {
		if kinds[k] == 0 {
			t.Errorf("600 ticks of fighting had no event of kind %d: %v", k, kinds)
		}
	}
	if shots == 0 {
		t.Error("no shot was ever in flight")
	}
	if walked == w.home {
		t.Errorf("the player did not walk from %v", w.home)
	}
	// Killed by the slam it stood in, it lay 3 s and came back at home.
	if got := v.Vitals(); got.Dead || got.HP != got.MaxHP || got.MaxMP == 0 || v.Tally().Deaths != 1 || deadTicks != 60 {
		t.Errorf("after the slam: vitals %+v, %d deaths, dead for %d ticks; want one death of 60 ticks, and alive with full health", got, v.Tally().Deaths, deadTicks)
	}
	if v.Own() != w.home || p.Pos() != v.Own() {
		t.Errorf("after the respawn the player is at %v, predicted at %v; want home %v", v.Own(), p.Pos(), w.home)
	}
	elder, _ := v.Entity(40)
	if elder.Sprite != protocol.SpriteElder || elder.Dead() || elder.HP != elder.MaxHP || rules.Dist2(elder.Pos, w.home) > 48*48*rules.SubpixelsPerPixel*rules.SubpixelsPerPixel {
		t.Errorf("the elder: %+v; want him unhurt within 48 px of home %v", elder, w.home)
	}
}

func TestAPingIsAnsweredAndCloseEnds(t *testing.T) {
	w, _ := newScene(t, Config{NPCs: 1, Players: 1})
	if err := w.Send(t.Context(), protocol.Ping{ClientTime: 42}); err != nil {
		t.Fatal(err)
	}
	m, err := w.Recv(t.Context())
	if p, ok := m.(protocol.Pong); err != nil || !ok || p.ClientTime != 42 {
		t.Fatalf("Recv after a Ping = %+v, %v; want its Pong", m, err)
	}
	if st := w.Stats(); st.MessagesOut != 1 || st.MessagesIn != 1 || st.BytesIn == 0 {
		t.Errorf("Stats() = %+v", st)
	}
	w.Close(protocol.CloseLogout)
	if _, err := w.Recv(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("Recv after Close = %v, want ErrClosed", err)
	}
	if err := w.Send(t.Context(), protocol.Ping{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close = %v, want ErrClosed", err)
	}
}

func TestRecvPacesTheTicks(t *testing.T) {
	start := time.Now()
	w, err := New(Config{NPCs: 1, Players: 1, TickRate: 50, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := w.Recv(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	// Five ticks at 50 Hz: the first is due at once, the fifth 80 ms later.
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("five ticks at 50 Hz came in %v, want at least 80 ms", d)
	}
}
