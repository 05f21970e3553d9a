package ui

import (
	"image"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// pointer is one tick of mouse and touch input, in device pixels. A touch
// counts like the left mouse button, so every button can be tapped.
type pointer struct {
	// pressed is set when a button or finger went down this tick, at
	// pressAt; released when one went up, at releaseAt. Both can be set in
	// one tick when a click was shorter than a frame.
	pressed, released  bool
	pressAt, releaseAt image.Point
	// at is where the mouse is; hover is false for touch-only input.
	at    image.Point
	hover bool
}

// readPointer reads this tick's pointer input. touches is a reused buffer.
func readPointer(touches []ebiten.TouchID) (pointer, []ebiten.TouchID) {
	var p pointer
	x, y := ebiten.CursorPosition()
	p.at, p.hover = image.Pt(x, y), true
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		p.pressed, p.pressAt = true, p.at
	}
	if inpututil.IsMouseButtonJustReleased(ebiten.MouseButtonLeft) {
		p.released, p.releaseAt = true, p.at
	}
	touches = inpututil.AppendJustPressedTouchIDs(touches[:0])
	if len(touches) > 0 {
		x, y := ebiten.TouchPosition(touches[0])
		p.pressed, p.pressAt, p.hover = true, image.Pt(x, y), false
	}
	touches = inpututil.AppendJustReleasedTouchIDs(touches[:0])
	if len(touches) > 0 {
		x, y := inpututil.TouchPositionInPreviousTick(touches[0])
		p.released, p.releaseAt, p.hover = true, image.Pt(x, y), false
	}
	return p, touches
}

// repeated reports whether key was just pressed or is held long enough to
// repeat, as text editing keys do.
func repeated(key ebiten.Key) bool {
	const delay, interval = 24, 3 // ticks
	d := inpututil.KeyPressDuration(key)
	return d == 1 || d >= delay && (d-delay)%interval == 0
}

// shiftHeld reports whether either Shift key is down.
func shiftHeld() bool {
	return ebiten.IsKeyPressed(ebiten.KeyShift)
}

// enterPressed reports whether Enter (either one) was just pressed.
func enterPressed() bool {
	return inpututil.IsKeyJustPressed(ebiten.KeyEnter) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadEnter)
}
