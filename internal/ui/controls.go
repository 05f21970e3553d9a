package ui

import (
	"image"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// controls turns the keyboard, the mouse and touches into what the player
// wants: a direction to walk, the ability buttons held, and how to aim:
//   - arrow keys or WASD walk; Space is the basic attack, 1 and 2 the
//     specials;
//   - holding the left mouse button attacks towards the cursor, holding
//     the right one walks towards it;
//   - on a touch screen a finger down anywhere but on a button becomes a
//     virtual stick centred where it landed, and three round ability
//     buttons sit in the bottom right corner: the attack, and the two
//     specials beside it.
//
// The keyboard wins over the mouse, the mouse over the stick.
type controls struct {
	theme *theme
	// keyDown reports whether a key is down: ebiten.IsKeyPressed, or a
	// test's keyboard.
	keyDown func(ebiten.Key) bool
	// typing is set while the chat takes the keys: they then neither walk
	// nor attack.
	typing bool
	// mouseWalk and mouseAttack are set while the right and the left
	// button, pressed outside every widget, are held.
	mouseWalk, mouseAttack bool
	// mouseSeen is set once the cursor has moved: from then on the keys
	// aim at it too.
	mouseSeen bool
	// stick is the finger steering, if stickOn; base is the stick's
	// centre (where the finger landed, dragged along when it goes beyond
	// the stick's reach) and now where the finger is, in device pixels.
	stick     ebiten.TouchID
	stickOn   bool
	base, now image.Point
	// pads are the fingers on the ability buttons, if padOn.
	pads  [client.Slots]ebiten.TouchID
	padOn [client.Slots]bool
	// touched is set once any touch has been seen: the ability buttons
	// show from then on.
	touched bool
	// held holds the buttons held in this frame, and latched those held
	// or pressed since the last tick took them, so that a press shorter
	// than a tick still counts.
	held, latched protocol.Buttons
	w, h          int              // the window, in device pixels
	touches       []ebiten.TouchID // reused buffer
}

// aimMode is how the abilities are aimed.
type aimMode int

const (
	// aimFacing aims the way the player walks or last looked.
	aimFacing aimMode = iota
	// aimCursor aims at the mouse cursor.
	aimCursor
	// aimNearest aims at the nearest enemy in reach, else as aimFacing:
	// the keys without a mouse, and the touch buttons.
	aimNearest
)

// abilityKeys are the keys of the ability slots.
var abilityKeys = [client.Slots][]ebiten.Key{{ebiten.KeySpace}, {ebiten.KeyDigit1, ebiten.KeyNumpad1}, {ebiten.KeyDigit2, ebiten.KeyNumpad2}}

// stickRadius is the virtual stick's reach and deadZone the part of it
// that does nothing, in points.
const (
	stickRadius = 56
	deadZone    = 10
)

// padButton returns the centre and radius of the touch button of ability
// slot: the attack in the corner, the specials to its left and above it.
func (c *controls) padButton(slot int) (x, y, r float64) {
	big, small := float64(c.theme.px(38)), float64(c.theme.px(28))
	pad, gap := float64(c.theme.px(28)), float64(c.theme.px(14))
	ax, ay := float64(c.w)-pad-big, float64(c.h)-pad-big
	switch slot {
	case 1:
		return ax - big - gap - small, ay + big - small, small
	case 2:
		return ax + big - small, ay - big - gap - small, small
	}
	return ax, ay, big
}

// read reads this frame's input in a w×h window, and returns the way to
// walk and how to aim; buttons takes the buttons. player is where the
// player is drawn, for walking towards the mouse; onWidget reports whether
// a point is on a widget, which takes its own clicks and taps.
func (c *controls) read(w, h int, player image.Point, onWidget func(image.Point) bool) (protocol.Direction, aimMode) {
	c.w, c.h = w, h
	aim := aimFacing
	var held protocol.Buttons
	for i, on := range c.readTouches(onWidget) {
		if on {
			held |= client.SlotButton(i)
			aim = aimNearest
		}
	}

	noTouch := len(ebiten.AppendTouchIDs(c.touches[:0])) == 0
	cx, cy := ebiten.CursorPosition()
	cursor := image.Pt(cx, cy)
	c.mouseSeen = c.mouseSeen || cursor != image.Point{}
	for _, m := range [...]struct {
		button ebiten.MouseButton
		held   *bool
	}{{ebiten.MouseButtonLeft, &c.mouseAttack}, {ebiten.MouseButtonRight, &c.mouseWalk}} {
		if inpututil.IsMouseButtonJustPressed(m.button) && noTouch {
			*m.held = !onWidget(cursor)
		}
		if !ebiten.IsMouseButtonPressed(m.button) {
			*m.held = false
		}
	}

	for i, ks := range abilityKeys {
		if c.anyHeld(ks...) {
			held |= client.SlotButton(i)
			aim = aimNearest
			if c.mouseSeen && cursor.In(image.Rect(0, 0, w, h)) {
				aim = aimCursor
			}
		}
	}
	if c.mouseAttack {
		held |= protocol.ButtonPrimary
		aim = aimCursor
	}
	c.held = held
	c.latched |= held

	var dx, dy float64
	if c.anyHeld(ebiten.KeyArrowLeft, ebiten.KeyA) {
		dx--
	}
	if c.anyHeld(ebiten.KeyArrowRight, ebiten.KeyD) {
		dx++
	}
	if c.anyHeld(ebiten.KeyArrowUp, ebiten.KeyW) {
		dy--
	}
	if c.anyHeld(ebiten.KeyArrowDown, ebiten.KeyS) {
		dy++
	}
	if dx != 0 || dy != 0 {
		return direction(dx, dy), aim
	}
	if c.mouseWalk {
		v := cursor.Sub(player)
		if math.Hypot(float64(v.X), float64(v.Y)) >= float64(c.theme.px(deadZone)) {
			return direction(float64(v.X), float64(v.Y)), aim
		}
		return protocol.DirNone, aim
	}
	if c.stickOn {
		v := c.now.Sub(c.base)
		if math.Hypot(float64(v.X), float64(v.Y)) >= float64(c.theme.px(deadZone)) {
			return direction(float64(v.X), float64(v.Y)), aim
		}
	}
	return protocol.DirNone, aim
}

// buttons returns the ability buttons held, or pressed and released, since
// the last call: one call per tick.
func (c *controls) buttons() protocol.Buttons {
	b := c.latched
	c.latched = c.held
	return b
}

// anyHeld reports whether any of keys is down and playing: not typing.
func (c *controls) anyHeld(keys ...ebiten.Key) bool {
	if c.typing {
		return false
	}
	for _, k := range keys {
		if c.keyDown(k) {
			return true
		}
	}
	return false
}

// readTouches follows the stick and the fingers on the ability buttons,
// and reports which buttons are held.
func (c *controls) readTouches(onWidget func(image.Point) bool) [client.Slots]bool {
	c.touches = inpututil.AppendJustPressedTouchIDs(c.touches[:0])
	for _, id := range c.touches {
		c.touched = true
		x, y := ebiten.TouchPosition(id)
		p := image.Pt(x, y)
		pad := -1
		for i := range client.Slots {
			if bx, by, br := c.padButton(i); math.Hypot(float64(x)-bx, float64(y)-by) <= br {
				pad = i
			}
		}
		switch {
		case pad >= 0:
			c.pads[pad], c.padOn[pad] = id, true
		case onWidget(p) || c.stickOn:
		default:
			c.stick, c.stickOn, c.base, c.now = id, true, p, p
		}
	}
	if c.stickOn {
		if inpututil.IsTouchJustReleased(c.stick) {
			c.stickOn = false
		} else {
			x, y := ebiten.TouchPosition(c.stick)
			c.now = image.Pt(x, y)
			// The base follows a finger that goes past the stick's reach,
			// so turning back responds at once.
			v := c.now.Sub(c.base)
			if d, reach := math.Hypot(float64(v.X), float64(v.Y)), float64(c.theme.px(stickRadius)); d > reach {
				k := (d - reach) / d
				c.base = c.base.Add(image.Pt(int(float64(v.X)*k), int(float64(v.Y)*k)))
			}
		}
	}
	for i := range c.padOn {
		if c.padOn[i] && inpututil.IsTouchJustReleased(c.pads[i]) {
			c.padOn[i] = false
		}
	}
	return c.padOn
}

// direction returns the one of the eight directions nearest to the vector
// (dx, dy), in screen coordinates (+Y down).
func direction(dx, dy float64) protocol.Direction {
	octant := int(math.Round(math.Atan2(dy, dx)/(math.Pi/4))+8) % 8 // 0 is east, clockwise
	return [...]protocol.Direction{
		protocol.DirE, protocol.DirSE, protocol.DirS, protocol.DirSW,
		protocol.DirW, protocol.DirNW, protocol.DirN, protocol.DirNE,
	}[octant]
}

// draw draws the touch controls, once the player has touched the screen:
// the ability buttons (with their icons and cooldowns, as the ability bar
// shows them) and the stick while a thumb steers.
func (c *controls) draw(dst *ebiten.Image, hud *hud, slots *[client.Slots]sceneSlot) {
	if !c.touched {
		return
	}
	edge := float32(c.theme.px(2))
	for i := range client.Slots {
		x, y, r := c.padButton(i)
		fill := colControl
		if c.padOn[i] {
			fill = colAccent
		}
		fillCircle(dst, x, y, r, withAlpha(fill, 0xc0))
		hud.drawSlot(dst, circleBox(x, y, r*0.8), &slots[i], true)
		strokeCircle(dst, x, y, r, edge, colPanelEdge)
	}
	if c.stickOn {
		r := float64(c.theme.px(stickRadius))
		bx, by := float64(c.base.X), float64(c.base.Y)
		fillCircle(dst, bx, by, r, withAlpha(colPanel, 0x90))
		strokeCircle(dst, bx, by, r, edge, colPanelEdge)
		fillCircle(dst, float64(c.now.X), float64(c.now.Y), r/2.2, withAlpha(colAccentHi, 0xd0))
	}
}
