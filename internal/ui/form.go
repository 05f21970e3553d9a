package ui

import (
	"image"
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// widget is anything a player can click, tap or Tab to: a button, a text
// field, a list row or a card. A screen builds its widgets once and sets
// their rectangles each tick; the form routes input to them.
type widget struct {
	// id names the widget for tests and the autopilot, e.g. "login.guest".
	id    string
	label string
	rect  image.Rectangle // device pixels; empty hides the widget

	disabled bool
	selected bool // a chosen row or card
	primary  bool // drawn in the accent colour
	// whileBusy keeps the widget usable while a request is under way (a
	// Cancel button); every other widget waits for it.
	whileBusy bool

	field       *textField // non-nil for a text field
	placeholder string     // shown in an empty field

	onClick func()
	// paint draws a custom widget (rows, cards); nil draws a button.
	paint func(dst *ebiten.Image, w *widget, hot bool)
}

// visible reports whether the widget is laid out.
func (w *widget) visible() bool { return !w.rect.Empty() }

// form holds a screen's widgets in Tab order, tracks focus, hover and
// presses, and turns clicks, taps and keys into actions. It is owned by the
// game goroutine.
type form struct {
	app     *App
	widgets []*widget
	focus   *widget // receives keys; nil for none
	// focusShown is set once the player uses the keyboard to move the
	// focus, so mouse users see no focus ring.
	focusShown bool
	pressed    *widget // where the pointer went down
	hover      *widget

	onSubmit func() // Enter in a text field or with nothing focused
	onCancel func() // Escape
	// playKeys leaves the arrow keys and Space to the game: they neither
	// move the focus nor press the focused button.
	playKeys bool
}

func newForm(app *App, widgets ...*widget) *form {
	return &form{app: app, widgets: widgets}
}

// enabled reports whether w takes input now.
func (f *form) enabled(w *widget) bool {
	return w.visible() && !w.disabled && (!f.app.busy || w.whileBusy)
}

// byID returns the widget named id, or nil.
func (f *form) byID(id string) *widget {
	for _, w := range f.widgets {
		if w.id == id {
			return w
		}
	}
	return nil
}

// at returns the topmost visible widget under p.
func (f *form) at(p image.Point) *widget {
	for i := len(f.widgets) - 1; i >= 0; i-- {
		if w := f.widgets[i]; w.visible() && p.In(w.rect) {
			return w
		}
	}
	return nil
}

// setFocus moves the keyboard focus to w (nil for none).
func (f *form) setFocus(w *widget) {
	if f.focus == w {
		return
	}
	if f.focus != nil && f.focus.field != nil {
		f.focus.field.blur()
	}
	f.focus = w
	if w != nil && w.field != nil {
		w.field.focus()
	}
}

// click activates w as a click or tap on it would.
func (f *form) click(w *widget) {
	if !f.enabled(w) {
		return
	}
	if w.field != nil {
		f.setFocus(w)
		return
	}
	if w.onClick != nil {
		w.onClick()
	}
}

// moveFocus moves the focus to the next (or previous) enabled widget.
func (f *form) moveFocus(step int) {
	n := len(f.widgets)
	if n == 0 {
		return
	}
	start := -1
	for i, w := range f.widgets {
		if w == f.focus {
			start = i
		}
	}
	if start < 0 && step < 0 {
		start = n
	}
	for k := 1; k <= n; k++ {
		i := ((start+step*k)%n + n) % n
		if w := f.widgets[i]; f.enabled(w) {
			f.setFocus(w)
			f.focusShown = true
			return
		}
	}
}

// update handles one tick of input: the focused field's typing first, then
// the pointer, then navigation keys.
func (f *form) update(p pointer) error {
	if f.focus != nil && !f.enabled(f.focus) {
		f.setFocus(nil)
	}
	handled := false
	if f.focus != nil && f.focus.field != nil {
		var err error
		if handled, err = f.focus.field.update(); err != nil {
			return err
		}
	}

	f.hover = nil
	if p.hover {
		if w := f.at(p.at); w != nil && f.enabled(w) {
			f.hover = w
		}
	}
	if p.pressed {
		f.pressed = nil
		switch w := f.at(p.pressAt); {
		case w == nil:
			f.setFocus(nil)
		case !f.enabled(w):
		case w.field != nil:
			f.setFocus(w)
			f.focusShown = false
			w.field.placeCaret(p.pressAt.X)
		default:
			f.pressed = w
			f.setFocus(w)
			f.focusShown = false
		}
	}
	if p.released {
		w := f.pressed
		f.pressed = nil
		if w != nil && p.releaseAt.In(w.rect) {
			f.click(w)
		}
	}
	if handled {
		return nil
	}

	inField := f.focus != nil && f.focus.field != nil
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyTab):
		if shiftHeld() {
			f.moveFocus(-1)
		} else {
			f.moveFocus(1)
		}
	case !inField && !f.playKeys && inpututil.IsKeyJustPressed(ebiten.KeyArrowDown):
		f.moveFocus(1)
	case !inField && !f.playKeys && inpututil.IsKeyJustPressed(ebiten.KeyArrowUp):
		f.moveFocus(-1)
	case enterPressed():
		if f.focus != nil && !inField {
			f.click(f.focus)
		} else if f.onSubmit != nil && !f.app.busy {
			f.onSubmit()
		}
	case !inField && !f.playKeys && inpututil.IsKeyJustPressed(ebiten.KeySpace):
		if f.focus != nil {
			f.click(f.focus)
		}
	case inpututil.IsKeyJustPressed(ebiten.KeyEscape):
		if f.onCancel != nil {
			f.onCancel()
		}
	}
	return nil
}

// release ends text input, when the screen goes away.
func (f *form) release() {
	f.setFocus(nil)
	f.pressed, f.hover = nil, nil
}

// cursor returns the mouse cursor shape for what is under it.
func (f *form) cursor(p pointer) ebiten.CursorShapeType {
	w := f.at(p.at)
	switch {
	case w == nil || !f.enabled(w):
		return ebiten.CursorShapeDefault
	case w.field != nil:
		return ebiten.CursorShapeText
	}
	return ebiten.CursorShapePointer
}

// draw draws every visible widget.
func (f *form) draw(dst *ebiten.Image) {
	t := f.app.theme
	for _, w := range f.widgets {
		if !w.visible() {
			continue
		}
		hot := w == f.hover || w == f.pressed
		switch {
		case w.field != nil:
			face := t.face(sizeSmall, false)
			drawText(dst, w.label, face, float64(w.rect.Min.X), float64(w.rect.Min.Y-t.px(20)), colMuted, alignLeft)
			w.field.draw(dst, t, w.placeholder, w == f.focus)
		case w.paint != nil:
			w.paint(dst, w, hot && f.enabled(w))
		default:
			f.drawButton(dst, w, hot)
		}
		if w == f.focus && f.focusShown && w.field == nil {
			strokeRound(dst, w.rect.Inset(-t.px(3)), float32(t.px(9)), float32(t.px(2)), colGold)
		}
	}
}

func (f *form) drawButton(dst *ebiten.Image, w *widget, hot bool) {
	t := f.app.theme
	enabled := f.enabled(w)
	var bg color.Color = colControl
	fg := colText
	switch {
	case !enabled:
		bg, fg = colPanelEdge, colDim
	case w == f.pressed:
		bg = colPressed
	case w.primary && hot:
		bg = colAccentHi
	case w.primary:
		bg = colAccent
	case hot:
		bg = colHover
	}
	fillRound(dst, w.rect, float32(t.px(6)), bg)
	drawTextIn(dst, w.label, t.face(sizeBody, true), w.rect, fg)
}

// layoutField gives a text field its box and face.
func (t *theme) layoutField(w *widget, r image.Rectangle) {
	w.rect = r
	w.field.rect = r
	w.field.face = t.face(sizeBody, false)
	w.field.pad = float64(t.px(10))
}
