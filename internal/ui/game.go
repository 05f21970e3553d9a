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
	"github.com/tinymmo/tinymmo/internal/rules"
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
	conn    worldLink
	session *worldSession
	inputs  chan protocol.Input // to the sender
	chats   chan protocol.Chat  // to the sender

	stop     context.CancelFunc // ends the reader and the sender
	received atomic.Int64       // messages from the world; written by the reader
	left     bool               // leave has run; a late disconnect is ignored

	period    time.Duration // between inputs: one world tick
	nextInput time.Time
	ctrl      controls
	debug     bool // the F3 overlay shows

	// The chat, the invitation prompt, and what the session last told of
	// the chat, the party, the invitation and the instance's owner.
	chat   chatBox
	invite invitePrompt
	social social

	// The map on screen, and when the player arrived on it.
	tm        *tilemap
	arrivals  int
	arrivedAt time.Time

	// Bandwidth, measured once a second from the connection's counters.
	counted        client.ConnStats
	countedAt      time.Time
	downBps, upBps float64

	sc    scene          // reused every frame
	shown []*sceneEntity // the entities inside the window, this frame
	// shownBoxes are their boxes on screen, and flashes those hit.
	shownBoxes []image.Rectangle
	flashes    []flash
	labels     labelCache
	bubbles    labelCache // friendly NPCs' lines
	hud        hud
	lastDraw   time.Time
	// What the last frame drew: the camera, where the player was (for
	// walking towards the mouse), the entity under the cursor (pointing
	// into sc.entities, valid until the next frame), every other entity's
	// on-screen box and the entity itself, by handle.
	drawn    bool
	cam      camera
	playerAt image.Point
	hover    *sceneEntity
	boxes    map[uint32]image.Rectangle
	byHandle map[uint32]*sceneEntity
	// numbers and shots count the damage and heal numbers and the
	// projectiles the last frame drew; refusal and says are the refusal
	// and the friendly NPC's line it showed.
	numbers, shots int
	refusal, says  string
	top            image.Rectangle
	debugRect      image.Rectangle
}

// worldLink is what the game screen needs of its connection to a world:
// a *client.Conn, or a scripted scene (fightscene.World).
type worldLink interface {
	Recv(ctx context.Context) (protocol.Message, error)
	Send(ctx context.Context, m protocol.Message) error
	Close(code protocol.CloseCode) error
	Stats() client.ConnStats
}

// newGameScreen shows the world conn leads to, which welcomed the player
// with welcome; leaving it shows the screen back makes.
func newGameScreen(a *App, conn worldLink, welcome protocol.Welcome, back func() Screen) (*gameScreen, error) {
	now := time.Now()
	session, err := newWorldSession(a.maps, welcome, a.character.Class, now)
	if err != nil {
		return nil, err
	}
	s := &gameScreen{
		app: a, conn: conn, session: session,
		inputs:    make(chan protocol.Input, 8),
		chats:     make(chan protocol.Chat, 8),
		period:    time.Second / time.Duration(max(session.tickRate(), 1)),
		nextInput: now,
		ctrl:      controls{theme: a.theme, keyDown: ebiten.IsKeyPressed},
		hud:       hud{theme: a.theme, icons: a.sprites.icons},
		countedAt: now,
		counted:   conn.Stats(),
		boxes:     map[uint32]image.Rectangle{},
		byHandle:  map[uint32]*sceneEntity{},
	}
	s.logout = &widget{id: "game.logout", label: "Log out", onClick: func() { a.show(back()) }}
	s.chat = newChatBox(s)
	s.invite = newInvitePrompt(s)
	s.f = newForm(a, s.logout, s.chat.open, s.chat.input, s.invite.accept, s.invite.decline)
	s.f.playKeys = true
	s.f.onSubmit, s.f.onCancel = s.enter, s.escape
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
	snap.ChatFocused = s.chat.typing
	snap.Numbers, snap.Shots, snap.Refusal, snap.Says = s.numbers, s.shots, s.refusal, s.says
	k := s.app.theme.scale
	for i := range snap.Others {
		o := &snap.Others[i]
		if b, ok := s.boxes[o.Handle]; ok {
			o.OnScreen, o.Screen = true, Point{X: float64(b.Min.X+b.Max.X) / 2 / k, Y: float64(b.Min.Y+b.Max.Y) / 2 / k}
		}
	}
	if e := s.hover; e != nil && !e.self {
		b := s.boxes[e.handle]
		snap.Target = &Other{
			Handle: e.handle, Name: e.name, Sprite: spriteName(e.sprite), Hostile: e.kind != nil && e.kind.Hostile,
			X: e.x, Y: e.y, HP: e.hp, MaxHP: e.maxHP, Dead: e.pose == poseDead,
			OnScreen: true, Screen: Point{X: float64(b.Min.X+b.Max.X) / 2 / k, Y: float64(b.Min.Y+b.Max.Y) / 2 / k},
		}
	}
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
		case line := <-s.chats:
			msg = line
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
	s.hud.layout(s.app.w, s.app.h, s.top)
	s.debugRect = image.Rect(s.app.w-t.px(10+250), s.top.Max.Y+t.px(10), s.app.w-t.px(10), s.top.Max.Y+t.px(10+176))
	s.layoutChat()
	s.layoutInvite()
}

func (s *gameScreen) Update() error {
	now := time.Now()
	s.session.expireInvite(now)
	s.session.socialInto(&s.social)
	s.layout()
	if err := s.f.update(s.app.ptr); err != nil {
		return err
	}
	if s.app.screen != s { // Log out was pressed
		return nil
	}
	if s.chat.typing && s.f.focus != s.chat.input { // a click elsewhere took the focus
		s.closeChat(false)
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyF3) {
		s.debug = !s.debug
	}
	if err := s.arrive(now); err != nil {
		s.lost(err) // the client cannot show the map the world put the player on
		return nil
	}
	s.play(now)

	if d := now.Sub(s.countedAt); d >= time.Second {
		st := s.conn.Stats()
		s.downBps = float64(st.BytesIn-s.counted.BytesIn) / d.Seconds()
		s.upBps = float64(st.BytesOut-s.counted.BytesOut) / d.Seconds()
		s.counted, s.countedAt = st, now
	}
	return nil
}

// play reads the controls at local time now (not the keys while the
// player types in the chat) and runs the client's ticks due, handing the
// sender the inputs that change what the world was last told: one client
// tick per world tick. After a stall (a hidden tab, a slow frame) the game
// does not run a burst of ticks: the client's clock catches up or jumps.
func (s *gameScreen) play(now time.Time) {
	onUI := func(p image.Point) bool {
		return s.f.at(p) != nil || p.In(s.partyFrame()) || (!s.ctrl.touched && s.hud.onHUD(p))
	}
	s.ctrl.typing = s.chat.typing
	dir, aim := s.ctrl.read(s.app.w, s.app.h, s.playerAt, onUI)
	for n := 0; n < 2 && !now.Before(s.nextInput); n++ {
		s.nextInput = s.nextInput.Add(s.period)
		for _, in := range s.session.step(s.intent(dir, aim, s.ctrl.buttons(), image.Pt(ebiten.CursorPosition())), now) {
			select {
			case s.inputs <- in:
			default: // the sender is behind; the prediction resyncs
			}
		}
	}
	if now.Sub(s.nextInput) > s.period {
		s.nextInput = now.Add(s.period)
	}
}

// autoAimReach is how far, in pixels, the touch buttons and the keys
// without a mouse look for an enemy to aim at.
const autoAimReach = 200

// intent turns the controls' reading into what the player wants this
// tick, aiming from the middle of the player's body as the last frame drew
// it: at the mouse cursor (in device pixels), at the nearest enemy in
// reach, or (not aimed) the way the player looks. The Mending Bolt heals
// the player under the cursor, or the player itself.
func (s *gameScreen) intent(dir protocol.Direction, mode aimMode, buttons protocol.Buttons, cursor image.Point) intent {
	in := intent{dir: dir, buttons: buttons}
	if buttons == 0 || !s.drawn {
		return in
	}
	own := &s.sc.own
	from := rules.Centre(subpixels(own.x, own.y))
	switch mode {
	case aimCursor:
		wx, wy := s.cam.toWorld(float64(cursor.X), float64(cursor.Y))
		in.aim, in.aimed = rules.AimAt(from, subpixels(wx, wy)), true
	case aimNearest:
		best := math.Inf(1)
		for i := range s.sc.entities {
			e := &s.sc.entities[i]
			if e.kind == nil || !e.kind.Hostile || e.pose == poseDead {
				continue
			}
			if d := math.Hypot(e.x-own.x, e.y-own.y); d <= autoAimReach && d < best {
				best = d
				in.aim, in.aimed = rules.AimAt(from, rules.Centre(subpixels(e.x, e.y))), true
			}
		}
	}
	if e := s.hover; mode == aimCursor && e != nil && !e.self && client.IsPlayer(e.sprite) && e.pose != poseDead {
		in.target = protocol.OfHandle(e.handle)
	}
	return in
}

// subpixels converts a position in pixels to subpixels.
func subpixels(x, y float64) rules.Vec {
	return rules.Vec{X: int32(math.Round(x * rules.SubpixelsPerPixel)), Y: int32(math.Round(y * rules.SubpixelsPerPixel))}
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
	s.session.scene(&s.sc, sceneEntity{name: c.Name, sprite: classSprite(c.Class)}, now, dt)
	sc := &s.sc
	// The camera looks at the middle of the player's body.
	cam := newCamera(sc.own.x, sc.own.y-float64(s.app.sprites.chars.FrameHeight)/2, s.zoom(), s.app.w, s.app.h)
	s.cam, s.drawn = cam, true
	if !s.tm.covers(cam) {
		dst.Fill(colBackground)
	}
	s.tm.draw(dst, cam)
	s.drawTelegraphs(dst, cam)

	// Entities outside the window (the world's view is wider) are not
	// drawn; a margin keeps names and sprites whole at the edges.
	s.shown = s.shown[:0]
	clear(s.byHandle)
	margin := 48 * cam.zoom
	for i := range sc.entities {
		e := &sc.entities[i]
		if !e.self {
			s.byHandle[e.handle] = e
		}
		x, y := cam.toScreen(e.x, e.y)
		if x > -margin && y > -margin && x < float64(s.app.w)+margin && y < float64(s.app.h)+margin {
			s.shown = append(s.shown, e)
		}
	}
	ms := now.UnixMilli()
	clear(s.boxes)
	s.hover = nil
	cursor := image.Pt(ebiten.CursorPosition())
	s.shownBoxes = s.shownBoxes[:0]
	for _, e := range s.shown {
		box := s.drawEntity(dst, cam, e, ms)
		s.shownBoxes = append(s.shownBoxes, box)
		if !e.self {
			s.boxes[e.handle] = box
		}
		if cursor.In(box) {
			s.hover = e // the last drawn is in front
		}
	}
	s.drawFlashes(dst)
	s.drawEffects(dst, cam)
	s.shots = s.drawShots(dst, cam)
	for i, e := range s.shown {
		s.drawLabel(dst, cam, e, s.shownBoxes[i])
	}
	s.numbers = s.drawNumbers(dst, cam)
	s.drawBubble(dst, cam)
	s.drawSays(dst, cam)
	px, py := cam.toScreen(sc.own.x, sc.own.y-float64(s.app.sprites.chars.FrameHeight)/2)
	s.playerAt = image.Pt(int(px), int(py))

	s.drawHUD(dst)
	if s.debug {
		s.drawDebug(dst)
	}
	s.ctrl.draw(dst, &s.hud, &sc.slots)
	s.drawChat(dst, now)
	s.drawTransition(dst, now)
	s.drawInvite(dst)
	s.f.draw(dst)
}

// hitFlash is how long an entity lights up when hit.
const hitFlash = 150 * time.Millisecond

// flash is a sprite lit up by a hit: drawn again, added on top, so that it
// flashes white and fades by alpha.
type flash struct {
	frame *ebiten.Image
	geo   ebiten.GeoM
	alpha float32
}

// drawFlashes draws the frame's flashes, after every sprite: drawn in one
// pass, they share their blend mode and batch together, rather than
// splitting the sprites' batches.
func (s *gameScreen) drawFlashes(dst *ebiten.Image) {
	for _, f := range s.flashes {
		op := &ebiten.DrawImageOptions{GeoM: f.geo, Blend: ebiten.BlendLighter}
		op.ColorScale.ScaleAlpha(f.alpha)
		dst.DrawImage(f.frame, op)
	}
	s.flashes = s.flashes[:0]
}

// drawEntity draws an entity's sprite with its feet at its position (and,
// when it was just hit, queues its flash for drawFlashes), and returns the
// box it covers on screen. An entity whose art is missing is drawn as a
// disc.
func (s *gameScreen) drawEntity(dst *ebiten.Image, cam camera, e *sceneEntity, ms int64) image.Rectangle {
	sh, i := s.app.sprites.sheetOf(e.sprite)
	x, y := cam.toScreen(e.x, e.y)
	if sh == nil {
		r := 6 * cam.zoom
		col := colMuted
		if e.kind != nil && e.kind.Hostile {
			col = colDanger
		}
		if e.pose == poseDead {
			col = colDim
		}
		fillCircle(dst, x, y-r, r, col)
		return image.Rect(int(x-r), int(y-2*r), int(x+r), int(y))
	}
	fr := sh.frame(i, e.aim, e.pose, ms)
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Scale(cam.zoom, cam.zoom)
	left, top := cam.toScreen(e.x-float64(sh.AnchorX), e.y-float64(sh.AnchorY))
	op.GeoM.Translate(left, top)
	dst.DrawImage(fr, op)
	if e.hitMs >= 0 && e.hitMs < float64(hitFlash/time.Millisecond) {
		s.flashes = append(s.flashes, flash{fr, op.GeoM, float32(1 - e.hitMs/float64(hitFlash/time.Millisecond))})
	}
	return image.Rect(int(left), int(top), int(left+float64(sh.FrameWidth)*cam.zoom), int(top+float64(sh.FrameHeight)*cam.zoom))
}

// drawLabel draws an entity's name above its head (box is its sprite on
// screen), and a health bar between the two for NPCs and the hurt.
func (s *gameScreen) drawLabel(dst *ebiten.Image, cam camera, e *sceneEntity, box image.Rectangle) {
	x, _ := cam.toScreen(e.x, 0)
	top := float64(box.Min.Y)
	barW, barH := 16*cam.zoom, max(2, math.Round(cam.zoom*1.5))
	barY := top - barH - cam.zoom
	if e.maxHP > 0 && e.pose != poseDead && (e.kind != nil || e.hp < e.maxHP) {
		fill := colGood
		if e.kind != nil && e.kind.Hostile {
			fill = colDanger
		}
		fillBar(dst, x-barW/2, barY, barW, barH, e.hp, e.maxHP, fill)
	}
	col, name := colText, e.name
	switch {
	case e.self:
		col = colGold
	case e.party:
		col, name = colParty, partyMark+e.name
	case e.kind != nil && e.kind.Hostile:
		col = colHostile
	case e.kind != nil:
		col = colGood
	}
	img := s.labels.get(s.app.theme, name, col)
	b := img.Bounds()
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(math.Round(x-float64(b.Dx())/2), barY-cam.zoom-float64(b.Dy()))
	dst.DrawImage(img, op)
}

// labelCache holds short texts drawn into images, with a shadow: names,
// numbers, lines. A crowd's names then cost a copy each a frame instead of
// laying out and drawing every glyph. It is owned by the game goroutine.
type labelCache struct {
	scale  float64 // the theme scale the labels were drawn at
	images map[labelKey]*ebiten.Image
}

type labelKey struct {
	text string
	col  color.RGBA
}

// maxLabels bounds the label cache; when full it starts over.
const maxLabels = 512

// get returns the label for text in col, drawing it first if needed.
func (c *labelCache) get(t *theme, text string, col color.RGBA) *ebiten.Image {
	return c.getWrapped(t, text, col, 0)
}

// getWrapped returns the label for text in col, wrapped to width device
// pixels (0: one line), drawing it first if needed.
func (c *labelCache) getWrapped(t *theme, text string, col color.RGBA, width float64) *ebiten.Image {
	if c.images == nil || c.scale != t.scale || len(c.images) >= maxLabels {
		for _, img := range c.images {
			img.Deallocate()
		}
		c.images, c.scale = map[labelKey]*ebiten.Image{}, t.scale
	}
	k := labelKey{text, col}
	if img, ok := c.images[k]; ok {
		return img
	}
	face := t.face(sizeSmall, true)
	shadow := max(1, t.px(1))
	lines := []string{text}
	if width > 0 {
		lines = wrap(text, face, width)
	}
	w := 0.0
	for _, l := range lines {
		w = max(w, textWidth(l, face))
	}
	lh := lineHeight(face)
	img := ebiten.NewImage(max(int(math.Ceil(w))+shadow, 1), max(int(math.Ceil(lh*float64(len(lines))))+shadow, 1))
	for i, l := range lines {
		y := lh * float64(i)
		drawText(img, l, face, float64(shadow), y+float64(shadow), colField, alignLeft)
		drawText(img, l, face, 0, y, col, alignLeft)
	}
	c.images[k] = img
	return img
}

// drawHUD draws the top bar, the character's panel, the ability bar
// (unless the touch buttons show the abilities) and the notices: an
// ability refused, the player's death.
func (s *gameScreen) drawHUD(dst *ebiten.Image) {
	t := s.app.theme
	a := s.app
	c := a.character
	sc := &s.sc
	fillRect(dst, 0, 0, float64(s.top.Dx()), float64(s.top.Dy()), withAlpha(colPanel, 0xd8))
	// The longest title that fits beside the Log out button.
	parts := []string{"TinyMMO", a.world.Name}
	if m, err := a.maps.Map(sc.mapName); err == nil && m.Title != "" {
		parts = append(parts, placeTitle(m.Title, s.social.owner, s.social.party.Leader))
	}
	face := t.face(sizeBody, true)
	room := float64(s.chat.open.rect.Min.X - t.px(28))
	title := strings.Join(parts, " · ")
	for len(parts) > 1 && textWidth(title, face) > room {
		parts = parts[1:]
		title = strings.Join(parts, " · ")
	}
	drawText(dst, title, face, float64(t.px(14)), float64(s.top.Dy())/2-lineHeight(face)/2, colGold, alignLeft)

	s.hud.drawPanel(dst, c.Name, c.Class, sc.vitals)
	s.drawParty(dst)
	if !s.ctrl.touched {
		s.hud.drawBar(dst, &sc.slots)
	}
	noticeY := s.hud.slots[0].Min.Y - t.px(36)
	if s.ctrl.touched {
		noticeY = s.app.h / 3
	}
	s.refusal = ""
	if e, age, ok := s.lastOwn(protocol.EventRefused); ok && age < refusalTime {
		s.refusal = e.Reason.String()
		s.hud.drawNotice(dst, capitalize(s.refusal), noticeY, colText)
	}
	if sc.vitals.Dead {
		left := rules.RespawnMillis * time.Millisecond
		if _, age, ok := s.lastOwn(protocol.EventDeath); ok {
			left -= max(age, 0)
		}
		line := "You died — respawning…"
		if secs := int(math.Ceil(left.Seconds())); secs > 0 {
			line = fmt.Sprintf("You died — respawning in %d s", secs)
		}
		s.hud.drawNotice(dst, line, s.app.h/2-t.px(60), colDanger)
	}
}

// Notice timings.
const (
	// refusalTime is how long the message about a refused ability shows.
	refusalTime = 1500 * time.Millisecond
)

// lastOwn returns the newest effect of kind about the player itself, and
// how long ago it happened at the moment drawn.
func (s *gameScreen) lastOwn(kind protocol.EventKind) (client.Effect, time.Duration, bool) {
	sc := &s.sc
	for i := len(sc.effects) - 1; i >= 0; i-- {
		if e := sc.effects[i]; e.Kind == kind && e.Subject == 0 {
			return e, time.Duration((sc.at - float64(e.Tick)) * sc.msPerTick * float64(time.Millisecond)), true
		}
	}
	return client.Effect{}, 0, false
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
