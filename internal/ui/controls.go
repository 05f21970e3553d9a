package ui

import (
	"image"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// controls turns the keyboard, the mouse and touches into a direction to
// walk and buttons to hold:
//   - arrow keys or WASD walk, Space is the action;
//   - holding the left mouse button walks towards the cursor;
//   - on a touch screen a finger down anywhere but on a button becomes a
//     virtual stick centred where it landed, and a round action button
//     sits in the bottom right corner.
//
// The keyboard wins over the mouse, the mouse over the stick.
type controls struct {
	theme *theme
	// mouseWalk is set while the left button, pressed outside every
	// widget, is held.
	mouseWalk bool
	// stick is the finger steering, if stickOn; base is the stick's
	// centre (where the finger landed, dragged along when it goes beyond
	// the stick's reach) and now where the finger is, in device pixels.
	stick     ebiten.TouchID
	stickOn   bool
	base, now image.Point
	// action is the finger on the action button, if actionOn.
	action   ebiten.TouchID
	actionOn bool
	// touched is set once any touch has been seen: the action button shows
	// from then on.
	touched bool
	w, h    int              // the window, in device pixels
	touches []ebiten.TouchID // reused buffer
}

// stickRadius is the virtual stick's reach and deadZone the part of it
// that does nothing, in points.
const (
	stickRadius = 56
	deadZone    = 10
)

// actionButton returns the action button's centre and radius.
func (c *controls) actionButton() (x, y, r float64) {
	r = float64(c.theme.px(38))
	pad := float64(c.theme.px(28))
	return float64(c.w) - pad - r, float64(c.h) - pad - r, r
}

// read reads this tick's input in a w×h window. player is where the
// player is drawn, for walking towards the mouse; onWidget reports whether
// a point is on a widget, which takes its own clicks and taps.
func (c *controls) read(w, h int, player image.Point, onWidget func(image.Point) bool) (protocol.Direction, protocol.Buttons) {
	c.w, c.h = w, h
	var buttons protocol.Buttons
	if ebiten.IsKeyPressed(ebiten.KeySpace) {
		buttons |= protocol.ButtonPrimary
	}
	if c.readTouches(onWidget) {
		buttons |= protocol.ButtonPrimary
	}

	var dx, dy float64
	held := func(keys ...ebiten.Key) bool {
		for _, k := range keys {
			if ebiten.IsKeyPressed(k) {
				return true
			}
		}
		return false
	}
	if held(ebiten.KeyArrowLeft, ebiten.KeyA) {
		dx--
	}
	if held(ebiten.KeyArrowRight, ebiten.KeyD) {
		dx++
	}
	if held(ebiten.KeyArrowUp, ebiten.KeyW) {
		dy--
	}
	if held(ebiten.KeyArrowDown, ebiten.KeyS) {
		dy++
	}
	if dx != 0 || dy != 0 {
		return direction(dx, dy), buttons
	}

	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) && len(ebiten.AppendTouchIDs(c.touches[:0])) == 0 {
		x, y := ebiten.CursorPosition()
		c.mouseWalk = !onWidget(image.Pt(x, y))
	}
	if !ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
		c.mouseWalk = false
	}
	if c.mouseWalk {
		x, y := ebiten.CursorPosition()
		v := image.Pt(x, y).Sub(player)
		if math.Hypot(float64(v.X), float64(v.Y)) >= float64(c.theme.px(deadZone)) {
			return direction(float64(v.X), float64(v.Y)), buttons
		}
		return protocol.DirNone, buttons
	}

	if c.stickOn {
		v := c.now.Sub(c.base)
		if math.Hypot(float64(v.X), float64(v.Y)) >= float64(c.theme.px(deadZone)) {
			return direction(float64(v.X), float64(v.Y)), buttons
		}
	}
	return protocol.DirNone, buttons
}

// readTouches follows the stick and action fingers, and reports whether
// the action button is held.
func (c *controls) readTouches(onWidget func(image.Point) bool) bool {
	c.touches = inpututil.AppendJustPressedTouchIDs(c.touches[:0])
	for _, id := range c.touches {
		c.touched = true
		x, y := ebiten.TouchPosition(id)
		p := image.Pt(x, y)
		ax, ay, ar := c.actionButton()
		switch {
		case math.Hypot(float64(x)-ax, float64(y)-ay) <= ar:
			c.action, c.actionOn = id, true
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
	if c.actionOn && inpututil.IsTouchJustReleased(c.action) {
		c.actionOn = false
	}
	return c.actionOn
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

// draw draws the touch controls, once the player has touched the screen.
func (c *controls) draw(dst *ebiten.Image) {
	if !c.touched {
		return
	}
	ax, ay, ar := c.actionButton()
	fill := colControl
	if c.actionOn {
		fill = colAccent
	}
	edge := float32(c.theme.px(2))
	fillCircle(dst, ax, ay, ar, withAlpha(fill, 0xc0))
	strokeCircle(dst, ax, ay, ar, edge, colPanelEdge)
	face := c.theme.face(sizeHead, true)
	drawText(dst, "A", face, ax, ay-lineHeight(face)/2, colText, alignCenter)
	if c.stickOn {
		r := float64(c.theme.px(stickRadius))
		bx, by := float64(c.base.X), float64(c.base.Y)
		fillCircle(dst, bx, by, r, withAlpha(colPanel, 0x90))
		strokeCircle(dst, bx, by, r, edge, colPanelEdge)
		fillCircle(dst, float64(c.now.X), float64(c.now.Y), r/2.2, withAlpha(colAccentHi, 0xd0))
	}
}
