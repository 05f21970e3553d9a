package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// The palette.
var (
	colBackground = color.RGBA{0x14, 0x18, 0x24, 0xff}
	colPanel      = color.RGBA{0x1f, 0x25, 0x36, 0xff}
	colPanelEdge  = color.RGBA{0x2f, 0x38, 0x50, 0xff}
	colControl    = color.RGBA{0x2b, 0x32, 0x47, 0xff}
	colHover      = color.RGBA{0x36, 0x3f, 0x5a, 0xff}
	colPressed    = color.RGBA{0x22, 0x28, 0x3a, 0xff}
	colField      = color.RGBA{0x10, 0x13, 0x1c, 0xff}
	colText       = color.RGBA{0xe8, 0xe6, 0xe3, 0xff}
	colMuted      = color.RGBA{0xaa, 0xb1, 0xc5, 0xff}
	colDim        = color.RGBA{0x6a, 0x71, 0x85, 0xff}
	colAccent     = color.RGBA{0x3d, 0x8b, 0xe0, 0xff}
	colAccentHi   = color.RGBA{0x5f, 0xb0, 0xff, 0xff}
	colGold       = color.RGBA{0xf4, 0xd3, 0x5e, 0xff}
	colDanger     = color.RGBA{0xe0, 0x5d, 0x5d, 0xff}
	colGood       = color.RGBA{0x6c, 0xc0, 0x70, 0xff}
	colHostile    = color.RGBA{0xff, 0xa0, 0x90, 0xff}
	// The chat's channels; colParty also marks party members' names.
	colWhisper     = color.RGBA{0xff, 0x8c, 0xd9, 0xff}
	colWhisperSent = color.RGBA{0xd8, 0xa4, 0xcc, 0xff}
	colParty       = color.RGBA{0x80, 0xd8, 0xff, 0xff}
	colSystem      = color.RGBA{0xff, 0xe8, 0x7a, 0xff}
	colInvite      = color.RGBA{0xff, 0xa8, 0x4c, 0xff}
)

// Text sizes in points (CSS pixels); the theme multiplies them by the
// device scale.
const (
	sizeTitle = 34
	sizeHead  = 22
	sizeBody  = 16
	sizeSmall = 13
)

// theme holds the fonts and the device scale, and draws the shapes every
// screen uses. It is owned by the game goroutine.
type theme struct {
	regular, bold *text.GoTextFaceSource
	// scale is device pixels per CSS pixel: every length in points is
	// multiplied by it, so text stays sharp on high-density screens.
	scale float64
	faces map[faceKey]*text.GoTextFace
}

type faceKey struct {
	size float64
	bold bool
}

func newTheme() (*theme, error) {
	regular, err := text.NewGoTextFaceSource(bytes.NewReader(goregular.TTF))
	if err != nil {
		return nil, fmt.Errorf("ui: load font: %w", err)
	}
	bold, err := text.NewGoTextFaceSource(bytes.NewReader(gobold.TTF))
	if err != nil {
		return nil, fmt.Errorf("ui: load font: %w", err)
	}
	return &theme{regular: regular, bold: bold, scale: 1, faces: map[faceKey]*text.GoTextFace{}}, nil
}

// setScale changes the device scale; faces are made again at the new size.
func (t *theme) setScale(s float64) {
	if s <= 0 || s == t.scale {
		return
	}
	t.scale = s
	clear(t.faces)
}

// face returns the face for a size in points.
func (t *theme) face(size float64, bold bool) *text.GoTextFace {
	k := faceKey{size, bold}
	if f, ok := t.faces[k]; ok {
		return f
	}
	src := t.regular
	if bold {
		src = t.bold
	}
	f := &text.GoTextFace{Source: src, Size: size * t.scale}
	t.faces[k] = f
	return f
}

// px converts points to device pixels.
func (t *theme) px(points float64) int { return int(points*t.scale + 0.5) }

// align is a horizontal text alignment.
type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// drawText draws one line of s with its top at y; x is its left edge,
// centre or right edge according to a.
func drawText(dst *ebiten.Image, s string, face text.Face, x, y float64, clr color.Color, a align) {
	op := &text.DrawOptions{}
	op.GeoM.Translate(x, y)
	op.ColorScale.ScaleWithColor(clr)
	switch a {
	case alignCenter:
		op.PrimaryAlign = text.AlignCenter
	case alignRight:
		op.PrimaryAlign = text.AlignEnd
	}
	text.Draw(dst, s, face, op)
}

// drawTextIn draws s centred in r, vertically and horizontally.
func drawTextIn(dst *ebiten.Image, s string, face text.Face, r image.Rectangle, clr color.Color) {
	h := lineHeight(face)
	drawText(dst, s, face, float64(r.Min.X+r.Max.X)/2, float64(r.Min.Y+r.Max.Y)/2-h/2, clr, alignCenter)
}

// lineHeight returns the height of one line of face.
func lineHeight(face text.Face) float64 {
	m := face.Metrics()
	return m.HAscent + m.HDescent
}

// wrap splits s into lines no wider than width, breaking at spaces (a word
// wider than width gets a line of its own).
func wrap(s string, face text.Face, width float64) []string {
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		line := ""
		for word := range strings.FieldsSeq(para) {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if line != "" && textWidth(try, face) > width {
				lines = append(lines, line)
				line = word
				continue
			}
			line = try
		}
		lines = append(lines, line)
	}
	return lines
}

// textWidth returns how wide s is drawn with face.
func textWidth(s string, face text.Face) float64 { return text.AdvanceAt(s, len(s), face) }

// capitalize upper-cases the first letter of an ASCII word.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// drawChoice draws the background of something to pick, such as a list
// row or a card: lighter under the pointer, and ringed ring points wide when
// selected.
func (t *theme) drawChoice(dst *ebiten.Image, r image.Rectangle, hot, selected bool, ring float64) {
	bg := colControl
	if hot {
		bg = colHover
	}
	fillRound(dst, r, float32(t.px(8)), bg)
	if selected {
		strokeRound(dst, r, float32(t.px(8)), float32(t.px(ring)), colAccentHi)
	}
}

// fillRound fills r with rounded corners of radius rad.
func fillRound(dst *ebiten.Image, r image.Rectangle, rad float32, clr color.Color) {
	drawShape(dst, r, shapeKey{w: r.Dx(), h: r.Dy(), rad: rad}, clr)
}

// strokeRound outlines r with rounded corners.
func strokeRound(dst *ebiten.Image, r image.Rectangle, rad, width float32, clr color.Color) {
	drawShape(dst, r, shapeKey{w: r.Dx(), h: r.Dy(), rad: rad, stroke: width}, clr)
}

// fillCircle fills the circle of radius r around (x, y).
func fillCircle(dst *ebiten.Image, x, y, r float64, clr color.Color) {
	b := circleBox(x, y, r)
	drawShape(dst, b, shapeKey{w: b.Dx(), h: b.Dy(), circle: true}, clr)
}

// strokeCircle outlines the circle of radius r around (x, y).
func strokeCircle(dst *ebiten.Image, x, y, r float64, width float32, clr color.Color) {
	b := circleBox(x, y, r)
	drawShape(dst, b, shapeKey{w: b.Dx(), h: b.Dy(), circle: true, stroke: width}, clr)
}

// circleBox returns the square around a circle, in whole pixels.
func circleBox(x, y, r float64) image.Rectangle {
	d := int(math.Round(2 * r))
	x0, y0 := int(math.Round(x-r)), int(math.Round(y-r))
	return image.Rect(x0, y0, x0+d, y0+d)
}

// imageRect returns the rectangle at (x, y) of size w×h, rounded to whole
// pixels.
func imageRect(x, y, w, h float64) image.Rectangle {
	x0, y0 := int(math.Round(x)), int(math.Round(y))
	return image.Rect(x0, y0, x0+int(math.Round(w)), y0+int(math.Round(h)))
}

// fillRect fills a rectangle given in device pixels, in one quad.
func fillRect(dst *ebiten.Image, x, y, w, h float64, clr color.Color) {
	if whitePixel == nil {
		whitePixel = ebiten.NewImage(1, 1)
		whitePixel.Fill(color.White)
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Scale(w, h)
	op.GeoM.Translate(x, y)
	op.ColorScale.ScaleWithColor(clr)
	dst.DrawImage(whitePixel, op)
}

// Shapes are drawn once, in white, into small images that every later
// frame copies in the colour it needs: filling a vector path each frame
// costs far more, above all in a browser without a GPU. The caches belong
// to the game goroutine, which does all drawing.
var (
	shapes     = map[shapeKey]*ebiten.Image{}
	whitePixel *ebiten.Image
)

// maxShapes bounds the shape cache; when full it starts over.
const maxShapes = 256

// shapeKey is a rounded rectangle's size in device pixels, corner radius,
// and outline width (0 for a filled one); or a circle filling the size.
// A sweep above 0 fills only the last sweep/sweepSteps of a turn of the
// box (or circle), clockwise from 12 o'clock, as a cooldown shows what is
// left of it.
type shapeKey struct {
	w, h        int
	rad, stroke float32
	circle      bool
	sweep       int
}

// sweepSteps is how finely a cooldown sweep is drawn: each step is drawn
// once, then cached.
const sweepSteps = 48

// fillSweep fills the part of r (of the circle in it when round) that a
// cooldown with frac of it left covers: the last frac of a turn clockwise
// from 12 o'clock.
func fillSweep(dst *ebiten.Image, r image.Rectangle, frac float64, round bool, clr color.Color) {
	step := int(math.Ceil(min(max(frac, 0), 1) * sweepSteps))
	if step == 0 {
		return
	}
	drawShape(dst, r, shapeKey{w: r.Dx(), h: r.Dy(), circle: round, sweep: step}, clr)
}

// drawShape draws shape k at r in clr, drawing it into the cache first if
// it is not there.
func drawShape(dst *ebiten.Image, r image.Rectangle, k shapeKey, clr color.Color) {
	if k.w <= 0 || k.h <= 0 {
		return
	}
	// An outline lies half outside its rectangle: the image has room for it.
	m := int(math.Ceil(float64(k.stroke)))
	img, ok := shapes[k]
	if !ok {
		if len(shapes) >= maxShapes {
			for _, old := range shapes {
				old.Deallocate()
			}
			clear(shapes)
		}
		img = ebiten.NewImage(k.w+2*m, k.h+2*m)
		var p vector.Path
		switch {
		case k.sweep > 0:
			sweepPath(&p, k)
		case k.circle:
			r := float32(min(k.w, k.h)) / 2
			p.Arc(float32(m)+r, float32(m)+r, r, 0, 2*math.Pi, vector.Clockwise)
			p.Close()
		default:
			roundRect(&p, image.Rect(m, m, m+k.w, m+k.h), k.rad)
		}
		op := &vector.DrawPathOptions{AntiAlias: true}
		if k.stroke > 0 {
			vector.StrokePath(img, &p, &vector.StrokeOptions{Width: k.stroke}, op)
		} else {
			vector.FillPath(img, &p, nil, op)
		}
		shapes[k] = img
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(float64(r.Min.X-m), float64(r.Min.Y-m))
	op.ColorScale.ScaleWithColor(clr)
	dst.DrawImage(img, op)
}

// sweepPath outlines the sweep of k (see shapeKey): from the centre out at
// the angle where it starts, round the edge clockwise to 12 o'clock, and
// back. Angles run clockwise from 12 o'clock.
func sweepPath(p *vector.Path, k shapeKey) {
	cx, cy := float64(k.w)/2, float64(k.h)/2
	start := 2 * math.Pi * (1 - float64(k.sweep)/sweepSteps)
	// edge returns where the ray at angle a leaves the box or circle.
	edge := func(a float64) (float32, float32) {
		dx, dy := math.Sin(a), -math.Cos(a)
		t := min(cx, cy)
		if !k.circle {
			t = min(cx/max(math.Abs(dx), 1e-9), cy/max(math.Abs(dy), 1e-9))
		}
		return float32(cx + dx*t), float32(cy + dy*t)
	}
	p.MoveTo(float32(cx), float32(cy))
	p.LineTo(edge(start))
	if k.circle {
		r := float32(min(cx, cy))
		p.Arc(float32(cx), float32(cy), r, float32(start-math.Pi/2), float32(3*math.Pi/2), vector.Clockwise)
	} else {
		// The corners between the start and 12 o'clock.
		for _, corner := range []float64{math.Pi / 4, 3 * math.Pi / 4, 5 * math.Pi / 4, 7 * math.Pi / 4} {
			if corner > start {
				x := cx + math.Copysign(cx, math.Sin(corner))
				y := cy + math.Copysign(cy, -math.Cos(corner))
				p.LineTo(float32(x), float32(y))
			}
		}
		p.LineTo(float32(cx), 0)
	}
	p.Close()
}

func roundRect(p *vector.Path, r image.Rectangle, rad float32) {
	x0, y0, x1, y1 := float32(r.Min.X), float32(r.Min.Y), float32(r.Max.X), float32(r.Max.Y)
	rad = min(rad, (x1-x0)/2, (y1-y0)/2)
	p.MoveTo(x0+rad, y0)
	p.LineTo(x1-rad, y0)
	p.QuadTo(x1, y0, x1, y0+rad)
	p.LineTo(x1, y1-rad)
	p.QuadTo(x1, y1, x1-rad, y1)
	p.LineTo(x0+rad, y1)
	p.QuadTo(x0, y1, x0, y1-rad)
	p.LineTo(x0, y0+rad)
	p.QuadTo(x0, y0, x0+rad, y0)
	p.Close()
}

// column lays out boxes of the given height from top to bottom.
type column struct {
	x, y, w, gap int
}

// next returns the next box of height h.
func (c *column) next(h int) image.Rectangle {
	r := image.Rect(c.x, c.y, c.x+c.w, c.y+h)
	c.y += h + c.gap
	return r
}

// skip moves down by h.
func (c *column) skip(h int) { c.y += h }

// splitRow splits r into n boxes side by side with gap between them.
func splitRow(r image.Rectangle, n, gap int) []image.Rectangle {
	out := make([]image.Rectangle, n)
	w := (r.Dx() - gap*(n-1)) / n
	for i := range out {
		x := r.Min.X + i*(w+gap)
		out[i] = image.Rect(x, r.Min.Y, x+w, r.Max.Y)
	}
	return out
}

// panelRect returns a centred panel at most maxW points wide, with a margin
// from the window's sides.
func (t *theme) panelRect(winW, winH int, maxW, h float64) image.Rectangle {
	margin := t.px(16)
	w := min(t.px(maxW), winW-2*margin)
	ph := min(t.px(h), winH-2*margin)
	x := (winW - w) / 2
	y := max(margin, (winH-ph)/2)
	return image.Rect(x, y, x+w, y+ph)
}

// drawPanel draws the background card that holds a screen's content.
func (t *theme) drawPanel(dst *ebiten.Image, r image.Rectangle) {
	fillRound(dst, r, float32(t.px(10)), colPanel)
	strokeRound(dst, r, float32(t.px(10)), float32(t.px(1)), colPanelEdge)
}

// fillBar draws a w×h bar at (x, y), filled to v of most in fill.
func fillBar(dst *ebiten.Image, x, y, w, h float64, v, most int64, fill color.Color) {
	fillRect(dst, x, y, w, h, colField)
	if most > 0 {
		fillRect(dst, x, y, w*min(max(float64(v)/float64(most), 0), 1), h, fill)
	}
}

// withAlpha returns c (opaque) made translucent with alpha a, premultiplied
// as color.RGBA requires.
func withAlpha(c color.RGBA, a uint8) color.RGBA {
	k := func(v uint8) uint8 { return uint8(uint16(v) * uint16(a) / 0xff) }
	return color.RGBA{k(c.R), k(c.G), k(c.B), a}
}
