package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync/atomic"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// pingEvery is how often the game screen measures the round trip.
const pingEvery = 2 * time.Second

// gameScreen is the player in the world. For now it shows where the world
// put the character (map and position from Welcome) and the connection's
// health; the world view replaces its Draw.
//
// It owns the world connection: a reader goroutine receives every message
// (a client that stops reading is dropped by the world) and a pinger
// measures the round trip. Leaving the screen logs out.
type gameScreen struct {
	app     *App
	f       *form
	logout  *widget
	conn    *client.Conn
	welcome protocol.Welcome

	stop     context.CancelFunc // ends the reader and the pinger
	received atomic.Int64       // messages from the world; written by the reader
	rtt      atomic.Int64       // last round trip in ms, -1 before the first Pong
	left     bool               // leave has run; a late disconnect is ignored

	panel, top image.Rectangle
}

func newGameScreen(a *App, conn *client.Conn) *gameScreen {
	s := &gameScreen{app: a, conn: conn, welcome: conn.Welcome}
	s.rtt.Store(-1)
	s.logout = &widget{id: "game.logout", label: "Log out", onClick: func() { a.show(newCharactersScreen(a, a.character.ID)) }}
	s.f = newForm(a, s.logout)
	ctx, stop := context.WithCancel(a.ctx)
	s.stop = stop
	a.wg.Go(func() { s.read(ctx) })
	a.wg.Go(func() { s.ping(ctx) })
	return s
}

func (s *gameScreen) Name() string { return "game" }
func (s *gameScreen) form() *form  { return s.f }

func (s *gameScreen) describe(snap *Snapshot) {
	snap.Map = s.welcome.Map
	snap.Player = Point{X: float64(s.welcome.X) / 16, Y: float64(s.welcome.Y) / 16}
	snap.Connected = !s.left
	snap.Received = s.received.Load()
	snap.RTT = s.rtt.Load()
}

// read receives until the connection ends, then reports why.
func (s *gameScreen) read(ctx context.Context) {
	for {
		m, err := s.conn.Recv(ctx)
		if err != nil {
			s.app.post(func() { s.lost(err) })
			return
		}
		s.received.Add(1)
		if p, ok := m.(protocol.Pong); ok {
			s.rtt.Store(max(0, time.Now().UnixMilli()-int64(p.ClientTime)))
		}
	}
}

// ping sends a Ping now and every pingEvery; read turns the Pongs into rtt.
func (s *gameScreen) ping(ctx context.Context) {
	t := time.NewTicker(pingEvery)
	defer t.Stop()
	for {
		if err := s.conn.Send(ctx, protocol.Ping{ClientTime: uint64(time.Now().UnixMilli())}); err != nil {
			return // the reader reports the end
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// lost handles the end of the connection from the world's side.
func (s *gameScreen) lost(err error) {
	if s.left {
		return
	}
	a, c := s.app, s.app.character
	var ce *client.CloseError
	if errors.As(err, &ce) && ce.Code == protocol.CloseLogout {
		a.show(newCharactersScreen(a, c.ID))
		return
	}
	a.fail(problemFromWorld(err, true), func() Screen { return newCharactersScreen(a, c.ID) }, func() { a.enter(c) })
}

// leave logs out of the world (the world saves the character) without
// holding up the game goroutine, then stops the goroutines.
func (s *gameScreen) leave() {
	if s.left {
		return
	}
	s.left = true
	s.app.wg.Go(func() {
		s.conn.Close(protocol.CloseLogout)
		s.stop()
	})
}

func (s *gameScreen) layout() {
	t := s.app.theme
	s.top = image.Rect(0, 0, s.app.w, t.px(52))
	s.logout.rect = image.Rect(s.app.w-t.px(120), t.px(8), s.app.w-t.px(12), t.px(44))
	s.panel = t.panelRect(s.app.w, s.app.h, 420, 330)
}

func (s *gameScreen) Update() error {
	s.layout()
	return s.f.update(s.app.ptr)
}

func (s *gameScreen) Draw(dst *ebiten.Image) {
	s.layout()
	t := s.app.theme
	fillRound(dst, s.top, 0, colPanel)
	drawText(dst, "TinyMMO · "+s.app.world.Name, t.face(sizeBody, true), float64(t.px(14)),
		float64(t.px(16)), colGold, alignLeft)

	t.drawPanel(dst, s.panel)
	c := s.app.character
	cx := float64(s.panel.Min.X+s.panel.Max.X) / 2
	y := s.panel.Min.Y + t.px(20)
	drawText(dst, c.Name, t.face(sizeHead, true), cx, float64(y), colText, alignCenter)
	sprite := image.Rect(s.panel.Min.X, y+t.px(36), s.panel.Max.X, y+t.px(36+96))
	s.app.sprites.draw(dst, c.Class, sprite, s.app.tick, true)
	ping := "…"
	if ms := s.rtt.Load(); ms >= 0 {
		ping = fmt.Sprintf("%d ms", ms)
	}
	lines := []string{
		"Map: " + s.welcome.Map,
		fmt.Sprintf("Position: %.1f, %.1f px", float64(s.welcome.X)/16, float64(s.welcome.Y)/16),
		fmt.Sprintf("Ping: %s · messages received: %d", ping, s.received.Load()),
		"The world view is not drawn in this build.",
	}
	ly := float64(sprite.Max.Y + t.px(14))
	for i, l := range lines {
		col := colText
		if i == len(lines)-1 {
			col = colDim
		}
		drawText(dst, l, t.face(sizeBody, false), cx, ly, col, alignCenter)
		ly += float64(t.px(26))
	}
	s.f.draw(dst)
}
