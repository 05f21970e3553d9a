package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// Game screen timings.
const (
	// pingEvery is how often the game measures the round trip (and keeps
	// the server clock estimate fresh).
	pingEvery = time.Second
	// fadeTime is how long the picture takes to fade in on a new map, and
	// titleTime how long the map's title shows.
	fadeTime  = 350 * time.Millisecond
	titleTime = 2500 * time.Millisecond
	// maxViewWidth is the widest stretch of world, in pixels, the camera
	// shows: about the world's interest area, so that nothing pops in
	// inside the window.
	maxViewWidth = 1280
)

// gameScreen is the player in the world: the map around the character,
// the other entities the world replicates, the HUD and the controls.
//
// It owns the world connection and two goroutines: a reader that applies
// every message to the session (a client that stops reading is dropped by
// the world) and a sender that sends the inputs the game goroutine makes,
// one per world tick, and a Ping every pingEvery. Leaving the screen logs
// out.
type gameScreen struct {
	app     *App
	f       *form
	logout  *widget
	conn    *client.Conn
	session *worldSession
	inputs  chan protocol.Input // to the sender

	stop     context.CancelFunc // ends the reader and the sender
	received atomic.Int64       // messages from the world; written by the reader
	left     bool               // leave has run; a late disconnect is ignored

	period    time.Duration // between inputs: one world tick
	nextInput time.Time
	ctrl      controls
	debug     bool // the F3 overlay shows

	// The map on screen, and when the player arrived on it.
	tm        *tilemap
	arrivals  int
	arrivedAt time.Time

	// Bandwidth, measured once a second from the connection's counters.
	counted        client.ConnStats
	countedAt      time.Time
	downBps, upBps float64

	sc        scene          // reused every frame
	shown     []*sceneEntity // the entities inside the window, this frame
	labels    labelCache
	lastDraw  time.Time
	playerAt  image.Point // where the player was drawn, for walking towards the mouse
	top, hud  image.Rectangle
	debugRect image.Rectangle
}

func newGameScreen(a *App, conn *client.Conn) (*gameScreen, error) {
	now := time.Now()
	session, err := newWorldSession(a.maps, conn.Welcome, a.character.Class, now)
	if err != nil {
		return nil, err
	}
	s := &gameScreen{
		app: a, conn: conn, session: session,
		inputs:    make(chan protocol.Input, 8),
		period:    time.Second / time.Duration(max(session.tickRate(), 1)),
		nextInput: now,
		ctrl:      controls{theme: a.theme},
		countedAt: now,
		counted:   conn.Stats(),
	}
	s.logout = &widget{id: "game.logout", label: "Log out", onClick: func() { a.show(newCharactersScreen(a, a.character.ID)) }}
	s.f = newForm(a, s.logout)
	s.f.playKeys = true
	ctx, stop := context.WithCancel(a.ctx)
	s.stop = stop
	a.wg.Go(func() { s.read(ctx) })
	a.wg.Go(func() { s.send(ctx) })
	return s, nil
}

func (s *gameScreen) Name() string { return "game" }
func (s *gameScreen) form() *form  { return s.f }

func (s *gameScreen) describe(snap *Snapshot) {
	s.session.describe(snap)
	snap.Connected = !s.left
	snap.Received = s.received.Load()
	snap.Debug = s.debug
}

// read applies messages until the connection ends or one does not fit the
// view, then reports why.
func (s *gameScreen) read(ctx context.Context) {
	for {
		m, err := s.conn.Recv(ctx)
		if err == nil {
			s.received.Add(1)
			err = s.session.apply(m, time.Now())
		}
		if err != nil {
			s.app.post(func() { s.lost(err) })
			return
		}
	}
}

// send sends the inputs the game goroutine makes, and a Ping now and
// every pingEvery.
func (s *gameScreen) send(ctx context.Context) {
	t := time.NewTicker(pingEvery)
	defer t.Stop()
	var msg protocol.Message = protocol.Ping{ClientTime: uint64(time.Now().UnixMilli())}
	for {
		if err := s.conn.Send(ctx, msg); err != nil {
			return // the reader reports the end
		}
		select {
		case <-ctx.Done():
			return
		case in := <-s.inputs:
			msg = in
		case <-t.C:
			msg = protocol.Ping{ClientTime: uint64(time.Now().UnixMilli())}
		}
	}
}

// lost ends the game when the connection has ended, or the client cannot
// go on with it: it shows why, with a way back in.
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
	s.top = image.Rect(0, 0, s.app.w, t.px(44))
	s.logout.rect = image.Rect(s.app.w-t.px(112), t.px(6), s.app.w-t.px(10), t.px(38))
	s.hud = image.Rect(t.px(10), s.top.Max.Y+t.px(10), t.px(10+230), s.top.Max.Y+t.px(10+84))
	s.debugRect = image.Rect(s.app.w-t.px(10+250), s.top.Max.Y+t.px(10), s.app.w-t.px(10), s.top.Max.Y+t.px(10+176))
}

func (s *gameScreen) Update() error {
	s.layout()
	if err := s.f.update(s.app.ptr); err != nil {
		return err
	}
	if s.app.screen != s { // Log out was pressed
		return nil
	}
	now := time.Now()
	if inpututil.IsKeyJustPressed(ebiten.KeyF3) {
		s.debug = !s.debug
	}
	if err := s.arrive(now); err != nil {
		s.lost(err) // the client cannot show the map the world put the player on
		return nil
	}

	// One client tick per world tick; inputs go out only when they change.
	// After a stall (a hidden tab, a slow frame) the game does not run a
	// burst of ticks: the client's clock catches up or jumps.
	onWidget := func(p image.Point) bool { return s.f.at(p) != nil }
	dir, buttons := s.ctrl.read(s.app.w, s.app.h, s.playerAt, onWidget)
	for n := 0; n < 2 && !now.Before(s.nextInput); n++ {
		s.nextInput = s.nextInput.Add(s.period)
		for _, in := range s.session.step(dir, buttons, now) {
			select {
			case s.inputs <- in:
			default: // the sender is behind; the prediction resyncs
			}
		}
	}
	if now.Sub(s.nextInput) > s.period {
		s.nextInput = now.Add(s.period)
	}

	if d := now.Sub(s.countedAt); d >= time.Second {
		st := s.conn.Stats()
		s.downBps = float64(st.BytesIn-s.counted.BytesIn) / d.Seconds()
		s.upBps = float64(st.BytesOut-s.counted.BytesOut) / d.Seconds()
		s.counted, s.countedAt = st, now
	}
	return nil
}

// arrive notices a new map (the first one, or one a portal led to) and
// loads its tiles.
func (s *gameScreen) arrive(now time.Time) error {
	name, arrivals := s.session.arrival()
	if arrivals == s.arrivals {
		return nil
	}
	tm, err := s.app.tilemap(name)
	if err != nil {
		return err
	}
	s.tm, s.arrivals, s.arrivedAt = tm, arrivals, now
	return nil
}

// paintsWindow reports whether Draw sets every pixel: it does once the map
// is loaded, filling what the map does not cover itself.
func (s *gameScreen) paintsWindow() bool { return s.tm != nil }

// zoom returns how many device pixels a world pixel takes: about two points,
// and more when the window is wider than the world shows.
func (s *gameScreen) zoom() float64 {
	z := max(1, math.Round(2*s.app.theme.scale))
	return max(z, math.Ceil(float64(s.app.w)/maxViewWidth))
}

func (s *gameScreen) Draw(dst *ebiten.Image) {
	s.layout()
	now := time.Now()
	dt := now.Sub(s.lastDraw)
	if s.lastDraw.IsZero() {
		dt = 0
	}
	s.lastDraw = now
	if s.tm == nil { // before the first Update
		return
	}
	c := s.app.character
	self := sceneEntity{name: c.Name, sprite: string(c.Class), hp: int64(c.HP), maxHP: int64(c.MaxHP)}
	s.session.scene(&s.sc, self, now, dt)
	sc := &s.sc
	sh := s.app.sprites.sheet
	// The camera looks at the middle of the player's sprite.
	cam := newCamera(sc.own.x, sc.own.y-float64(sh.FrameHeight)/2, s.zoom(), s.app.w, s.app.h)
	if !s.tm.covers(cam) {
		dst.Fill(colBackground)
	}
	s.tm.draw(dst, cam)

	// Entities outside the window (the world's view is wider) are not
	// drawn; a margin keeps names and sprites whole at the edges.
	s.shown = s.shown[:0]
	margin := 48 * cam.zoom
	for i := range sc.entities {
		x, y := cam.toScreen(sc.entities[i].x, sc.entities[i].y)
		if x > -margin && y > -margin && x < float64(s.app.w)+margin && y < float64(s.app.h)+margin {
			s.shown = append(s.shown, &sc.entities[i])
		}
	}
	ms := now.UnixMilli()
	for _, e := range s.shown {
		s.drawEntity(dst, cam, e, ms)
	}
	for _, e := range s.shown {
		s.drawLabel(dst, cam, e)
	}
	px, py := cam.toScreen(sc.own.x, sc.own.y-float64(sh.FrameHeight)/2)
	s.playerAt = image.Pt(int(px), int(py))

	s.drawHUD(dst)
	if s.debug {
		s.drawDebug(dst)
	}
	s.ctrl.draw(dst)
	s.drawTransition(dst, now)
	s.f.draw(dst)
}

// drawEntity draws an entity's sprite with its feet at its position.
func (s *gameScreen) drawEntity(dst *ebiten.Image, cam camera, e *sceneEntity, ms int64) {
	sp := s.app.sprites
	fr := sp.frame(e.sprite, e.face, e.walking, ms)
	if fr == nil {
		return
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Scale(cam.zoom, cam.zoom)
	op.GeoM.Translate(cam.toScreen(e.x-float64(sp.sheet.AnchorX), e.y-float64(sp.sheet.AnchorY)))
	dst.DrawImage(fr, op)
}

// drawLabel draws an entity's name above its head, and a health bar
// between the two.
func (s *gameScreen) drawLabel(dst *ebiten.Image, cam camera, e *sceneEntity) {
	sh := s.app.sprites.sheet
	x, top := cam.toScreen(e.x, e.y-float64(sh.AnchorY))
	barW, barH := 16*cam.zoom, max(2, math.Round(cam.zoom*1.5))
	barY := top - barH - cam.zoom
	if e.maxHP > 0 {
		frac := min(max(float64(e.hp)/float64(e.maxHP), 0), 1)
		fillRect(dst, x-barW/2, barY, barW, barH, colField)
		fillRect(dst, x-barW/2, barY, barW*frac, barH, colGood)
	}
	img := s.labels.get(s.app.theme, e.name, e.self)
	b := img.Bounds()
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(math.Round(x-float64(b.Dx())/2), barY-cam.zoom-float64(b.Dy()))
	dst.DrawImage(img, op)
}

// labelCache holds names drawn into images, so that a crowd's names cost a
// copy each a frame instead of laying out and drawing every glyph. It is
// owned by the game goroutine.
type labelCache struct {
	scale  float64 // the theme scale the labels were drawn at
	images map[labelKey]*ebiten.Image
}

type labelKey struct {
	name string
	self bool // the player's own name, in gold
}

// maxLabels bounds the label cache; when full it starts over.
const maxLabels = 512

// get returns the label for name, drawing it first if needed.
func (c *labelCache) get(t *theme, name string, self bool) *ebiten.Image {
	if c.images == nil || c.scale != t.scale || len(c.images) >= maxLabels {
		for _, img := range c.images {
			img.Deallocate()
		}
		c.images, c.scale = map[labelKey]*ebiten.Image{}, t.scale
	}
	k := labelKey{name, self}
	if img, ok := c.images[k]; ok {
		return img
	}
	face := t.face(sizeSmall, true)
	shadow := max(1, t.px(1))
	w := int(math.Ceil(textWidth(name, face))) + shadow
	h := int(math.Ceil(lineHeight(face))) + shadow
	img := ebiten.NewImage(max(w, 1), max(h, 1))
	col := colText
	if self {
		col = colGold
	}
	drawText(img, name, face, float64(shadow), float64(shadow), colField, alignLeft)
	drawText(img, name, face, 0, 0, col, alignLeft)
	c.images[k] = img
	return img
}

// drawHUD draws the top bar and the character's panel: name, level, health
// and mana.
func (s *gameScreen) drawHUD(dst *ebiten.Image) {
	t := s.app.theme
	a := s.app
	c := a.character
	fillRect(dst, 0, 0, float64(s.top.Dx()), float64(s.top.Dy()), withAlpha(colPanel, 0xd8))
	// The longest title that fits beside the Log out button.
	parts := []string{"TinyMMO", a.world.Name}
	if m, err := a.maps.Map(s.sc.mapName); err == nil && m.Title != "" {
		parts = append(parts, m.Title)
	}
	face := t.face(sizeBody, true)
	room := float64(s.logout.rect.Min.X - t.px(28))
	title := strings.Join(parts, " · ")
	for len(parts) > 1 && textWidth(title, face) > room {
		parts = parts[1:]
		title = strings.Join(parts, " · ")
	}
	drawText(dst, title, face, float64(t.px(14)), float64(s.top.Dy())/2-lineHeight(face)/2, colGold, alignLeft)

	r := s.hud
	fillRound(dst, r, float32(t.px(8)), withAlpha(colPanel, 0xd8))
	pad := t.px(10)
	drawText(dst, c.Name, t.face(sizeBody, true), float64(r.Min.X+pad), float64(r.Min.Y+pad), colText, alignLeft)
	drawText(dst, fmt.Sprintf("Lv %d %s", max(c.Level, 1), capitalize(string(c.Class))), t.face(sizeSmall, false),
		float64(r.Max.X-pad), float64(r.Min.Y+pad+t.px(2)), colMuted, alignRight)
	bar := image.Rect(r.Min.X+pad, r.Min.Y+t.px(34), r.Max.X-pad, r.Min.Y+t.px(34+18))
	s.drawBar(dst, bar, "HP", c.HP, c.MaxHP, colDanger)
	bar = bar.Add(image.Pt(0, t.px(24)))
	s.drawBar(dst, bar, "MP", c.MP, c.MaxMP, colAccent)
}

// drawBar draws a labelled bar filled to v of most.
func (s *gameScreen) drawBar(dst *ebiten.Image, r image.Rectangle, label string, v, most int, fill color.RGBA) {
	t := s.app.theme
	fillRound(dst, r, float32(t.px(4)), colField)
	if most > 0 && v > 0 {
		f := r
		f.Max.X = r.Min.X + r.Dx()*min(v, most)/most
		fillRound(dst, f, float32(t.px(4)), fill)
	}
	drawTextIn(dst, fmt.Sprintf("%s %d / %d", label, v, most), t.face(sizeSmall, true), r, colText)
}

// drawDebug draws the F3 overlay: frame rate, round trip, bandwidth, and
// what the client knows of the world.
func (s *gameScreen) drawDebug(dst *ebiten.Image) {
	t := s.app.theme
	sc := &s.sc
	r := s.debugRect
	fillRound(dst, r, float32(t.px(8)), withAlpha(colField, 0xd8))
	ping := "…"
	if sc.rtt >= 0 {
		ping = fmt.Sprintf("%.0f ms", sc.rtt)
	}
	lines := []string{
		fmt.Sprintf("FPS %.0f · frame %.1f ms · TPS %.0f", ebiten.ActualFPS(), s.app.frameMs, ebiten.ActualTPS()),
		"Ping " + ping,
		fmt.Sprintf("Down %.1f kB/s · up %.1f kB/s", s.downBps/1000, s.upBps/1000),
		fmt.Sprintf("Entities %d", len(sc.entities)-1),
		fmt.Sprintf("Map %s · tick %d", sc.mapName, sc.tick),
		fmt.Sprintf("Pos %.1f, %.1f", sc.predicted.X, sc.predicted.Y),
		fmt.Sprintf("Inputs in flight %d · corrections %d", sc.pending, sc.corrections),
	}
	face := t.face(sizeSmall, false)
	y := float64(r.Min.Y + t.px(10))
	for _, l := range lines {
		drawText(dst, l, face, float64(r.Min.X+t.px(10)), y, colText, alignLeft)
		y += float64(t.px(22))
	}
}

// drawTransition fades a new map in and shows its title for a while.
func (s *gameScreen) drawTransition(dst *ebiten.Image, now time.Time) {
	since := now.Sub(s.arrivedAt)
	if since < fadeTime {
		a := uint8(255 * (1 - float64(since)/float64(fadeTime)))
		fillRect(dst, 0, 0, float64(s.app.w), float64(s.app.h), withAlpha(colBackground, a))
	}
	if since >= titleTime {
		return
	}
	m, err := s.app.maps.Map(s.sc.mapName)
	if err != nil || m.Title == "" {
		return
	}
	t := s.app.theme
	alpha := min(1, float64(titleTime-since)/float64(500*time.Millisecond))
	face := t.face(sizeTitle, true)
	y := float64(s.app.h)/4 - lineHeight(face)/2
	drawText(dst, m.Title, face, float64(s.app.w)/2+2, y+2, withAlpha(colField, uint8(255*alpha)), alignCenter)
	drawText(dst, m.Title, face, float64(s.app.w)/2, y, withAlpha(colGold, uint8(255*alpha)), alignCenter)
}
