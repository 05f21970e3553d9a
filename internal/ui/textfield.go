package ui

import (
	"image"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/exp/textinput"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
)

// textField is a one-line text entry. Typing goes through an
// exp/textinput Composer, so accented letters, IME compositions (Chinese,
// Japanese, Korean…), mobile keyboards and, in the browser, paste all work.
// It is owned by the game goroutine.
type textField struct {
	password bool
	maxRunes int // at most this many characters are kept

	text  string
	caret int // byte offset into text
	// offset is how far the text is scrolled left, in device pixels, so
	// that the caret stays inside the box.
	offset float64

	composer    textinput.Composer
	composition string // the IME's uncommitted text, shown at the caret
	compCaret   int    // caret inside composition, in bytes
	// imeStart and imeEnd bound, in text, the surrounding text handed to
	// the IME when its session started; a commit may replace it.
	imeStart, imeEnd int

	// Set by the form before each update and draw.
	rect  image.Rectangle
	face  text.Face
	pad   float64
	blink int // ticks since the caret last moved
}

func newTextField(password bool, maxRunes int) *textField {
	f := &textField{password: password, maxRunes: maxRunes}
	f.composer.OnNewSession = f.onNewSession
	f.composer.OnComposition = func(c *textinput.Composition) {
		f.composition = c.Text()
		f.compCaret, _ = c.SelectionRangeInBytes()
	}
	f.composer.OnCommit = f.onCommit
	return f
}

// Text returns the committed text.
func (f *textField) Text() string { return f.text }

// setText replaces the text and puts the caret at its end.
func (f *textField) setText(s string) {
	f.composer.Confirm()
	f.text = f.clean(s)
	f.caret = len(f.text)
	f.blink = 0
}

func (f *textField) onNewSession() *textinput.SessionOptions {
	f.imeStart, f.imeEnd = 0, len(f.text)
	return &textinput.SessionOptions{
		CaretBounds:     f.caretRect(),
		TextBeforeCaret: f.text[:f.caret],
		TextAfterCaret:  f.text[f.caret:],
	}
}

func (f *textField) onCommit(c *textinput.Commit) {
	if before, after := c.IsSurroundingTextReplaced(); before || after {
		newBefore, newAfter := c.SurroundingText()
		head := f.text[:f.imeStart] + newBefore + c.Text()
		f.text = f.clean(head + newAfter + f.text[f.imeEnd:])
		f.caret = min(len(f.clean(head)), len(f.text))
	} else {
		f.insert(c.Text())
	}
	f.blink = 0
}

// insert puts s at the caret, dropping what does not fit.
func (f *textField) insert(s string) {
	s = f.clean(s)
	room := f.maxRunes - utf8.RuneCountInString(f.text)
	if n := utf8.RuneCountInString(s); n > room {
		s = truncateRunes(s, max(room, 0))
	}
	f.text = f.text[:f.caret] + s + f.text[f.caret:]
	f.caret += len(s)
}

// clean removes line breaks and control characters (a one-line field has
// no use for them; a paste may carry them) and caps the length.
func (f *textField) clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	return truncateRunes(s, f.maxRunes)
}

func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// focus starts text input into f; blur ends it, committing any composition.
func (f *textField) focus() { f.blink = 0 }
func (f *textField) blur()  { f.composer.Confirm() }

// update handles this tick's typing while f has the focus. It reports
// whether the IME consumed the input, in which case no one else should act
// on this tick's keys.
func (f *textField) update() (handled bool, err error) {
	f.blink++
	handled, err = f.composer.Update()
	if err != nil || handled {
		return handled, err
	}
	// The keys below edit the text or move the caret outside the IME's
	// view, so a live session is confirmed first (see Composer).
	switch {
	case repeated(ebiten.KeyBackspace):
		f.composer.Confirm()
		if f.caret > 0 {
			_, n := utf8.DecodeLastRuneInString(f.text[:f.caret])
			f.text = f.text[:f.caret-n] + f.text[f.caret:]
			f.caret -= n
		}
	case repeated(ebiten.KeyDelete):
		f.composer.Confirm()
		if f.caret < len(f.text) {
			_, n := utf8.DecodeRuneInString(f.text[f.caret:])
			f.text = f.text[:f.caret] + f.text[f.caret+n:]
		}
	case repeated(ebiten.KeyArrowLeft):
		f.composer.Confirm()
		if f.caret > 0 {
			_, n := utf8.DecodeLastRuneInString(f.text[:f.caret])
			f.caret -= n
		}
	case repeated(ebiten.KeyArrowRight):
		f.composer.Confirm()
		if f.caret < len(f.text) {
			_, n := utf8.DecodeRuneInString(f.text[f.caret:])
			f.caret += n
		}
	case repeated(ebiten.KeyHome):
		f.composer.Confirm()
		f.caret = 0
	case repeated(ebiten.KeyEnd):
		f.composer.Confirm()
		f.caret = len(f.text)
	default:
		return false, nil
	}
	f.blink = 0
	return true, nil
}

// shown returns what the box displays of text[:upTo]: the text, or one dot
// per character of a password.
func (f *textField) shown(upTo int) string {
	if f.password {
		return strings.Repeat("•", utf8.RuneCountInString(f.text[:upTo]))
	}
	return f.text[:upTo]
}

// rendered returns the whole line as drawn, with the composition spliced
// in at the caret: the line, the caret's byte offset in it, and where the
// composition starts and ends.
func (f *textField) rendered() (line string, caret, compStart, compEnd int) {
	before := f.shown(f.caret)
	after := f.shown(len(f.text))[len(before):]
	comp, compCaret := f.composition, f.compCaret
	if f.password {
		// Compositions of a password are shown as dots too.
		comp = strings.Repeat("•", utf8.RuneCountInString(f.composition))
		compCaret = len(comp)
	}
	return before + comp + after, len(before) + compCaret, len(before), len(before) + len(comp)
}

// caretRect returns the caret's box in device pixels, for the IME's
// candidate window.
func (f *textField) caretRect() image.Rectangle {
	line, at, _, _ := f.rendered()
	x := float64(f.rect.Min.X) + f.pad + text.AdvanceAt(line, at, f.face) - f.offset
	h := lineHeight(f.face)
	y := float64(f.rect.Min.Y+f.rect.Max.Y)/2 - h/2
	return image.Rect(int(x), int(y), int(x)+1, int(y+h))
}

// placeCaret moves the caret to the character boundary nearest to x.
func (f *textField) placeCaret(x int) {
	f.composer.Confirm()
	target := float64(x-f.rect.Min.X) - f.pad + f.offset
	line := f.shown(len(f.text))
	best, bestDist := 0, -1.0
	for i := 0; ; {
		d := text.AdvanceAt(line, len(f.shown(i)), f.face) - target
		if d < 0 {
			d = -d
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = i, d
		}
		if i >= len(f.text) {
			break
		}
		_, n := utf8.DecodeRuneInString(f.text[i:])
		i += n
	}
	f.caret = best
	f.blink = 0
}

// draw draws the box, the text or placeholder, and the caret if focused.
func (f *textField) draw(dst *ebiten.Image, t *theme, placeholder string, focused bool) {
	r := f.rect
	fillRound(dst, r, float32(t.px(6)), colField)
	edge, width := colPanelEdge, t.px(1)
	if focused {
		edge, width = colAccentHi, t.px(2)
	}
	strokeRound(dst, r, float32(t.px(6)), float32(width), edge)

	inner := r.Inset(int(f.pad))
	line, at, compStart, compEnd := f.rendered()
	caretX := text.AdvanceAt(line, at, f.face)
	// Scroll so that the caret stays visible.
	if w := float64(inner.Dx()); caretX-f.offset > w {
		f.offset = caretX - w
	} else if caretX < f.offset {
		f.offset = caretX
	}
	y := float64(r.Min.Y+r.Max.Y)/2 - lineHeight(f.face)/2
	clip := dst.SubImage(inner).(*ebiten.Image)
	if line == "" && !focused {
		drawText(clip, placeholder, f.face, float64(inner.Min.X), y, colDim, alignLeft)
	} else {
		drawText(clip, line, f.face, float64(inner.Min.X)-f.offset, y, colText, alignLeft)
	}
	if compEnd > compStart {
		// Underline the composition, as IMEs expect.
		x0 := float32(float64(inner.Min.X) + text.AdvanceAt(line, compStart, f.face) - f.offset)
		x1 := float32(float64(inner.Min.X) + text.AdvanceAt(line, compEnd, f.face) - f.offset)
		uy := float32(y + lineHeight(f.face))
		vector.StrokeLine(clip, x0, uy, x1, uy, float32(t.px(1)), colAccentHi, false)
	}
	if focused && f.blink%60 < 36 {
		x := float32(float64(inner.Min.X) + caretX - f.offset)
		vector.StrokeLine(dst, x, float32(y), x, float32(y+lineHeight(f.face)), float32(t.px(2)), colAccentHi, false)
	}
}
