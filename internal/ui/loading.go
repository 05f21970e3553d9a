package ui

import (
	"image"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
)

// loadingScreen shows while the client asks for a join token and opens the
// world connection. Cancel stops that and goes back to the characters.
type loadingScreen struct {
	app       *App
	f         *form
	cancel    *widget
	cancelled bool // the request's result leads back to the characters
	panel     image.Rectangle
	start     uint64
}

func newLoadingScreen(a *App) *loadingScreen {
	s := &loadingScreen{app: a, start: a.tick}
	s.cancel = &widget{id: "loading.cancel", label: "Cancel", whileBusy: true, onClick: s.stop}
	s.f = newForm(a, s.cancel)
	s.f.onCancel = s.stop
	return s
}

func (s *loadingScreen) Name() string { return "loading" }
func (s *loadingScreen) form() *form  { return s.f }

// stop cancels the join. Its result, arriving soon after, closes the
// connection if one was opened and goes back to the characters (who load
// once the request is over: one request runs at a time).
func (s *loadingScreen) stop() {
	if s.cancelled {
		return
	}
	s.cancelled = true
	s.cancel.disabled, s.cancel.label = true, "Cancelling…"
	s.app.cancelWork()
}

func (s *loadingScreen) layout() {
	t := s.app.theme
	s.panel = t.panelRect(s.app.w, s.app.h, 400, 250)
	pad := t.px(24)
	s.cancel.rect = image.Rect(s.panel.Min.X+pad, s.panel.Max.Y-pad-t.px(40), s.panel.Max.X-pad, s.panel.Max.Y-pad)
}

func (s *loadingScreen) Update() error {
	s.layout()
	return s.f.update(s.app.ptr)
}

func (s *loadingScreen) Draw(dst *ebiten.Image) {
	s.layout()
	t := s.app.theme
	t.drawPanel(dst, s.panel)
	cx := float64(s.panel.Min.X+s.panel.Max.X) / 2
	y := float64(s.panel.Min.Y + t.px(24))
	drawText(dst, "Entering "+s.app.world.Name, t.face(sizeHead, true), cx, y, colGold, alignCenter)
	drawText(dst, "as "+s.app.character.Name, t.face(sizeBody, false), cx, y+float64(t.px(34)), colMuted, alignCenter)
	// A ring of dots, one of them lit, going round.
	const dots = 8
	lit := int((s.app.tick-s.start)/6) % dots
	cy := y + float64(t.px(100))
	for i := range dots {
		a := 2 * math.Pi * float64(i) / dots
		x := cx + math.Cos(a)*float64(t.px(22))
		yy := cy + math.Sin(a)*float64(t.px(22))
		c := colPanelEdge
		if i == lit {
			c = colAccentHi
		}
		fillCircle(dst, x, yy, float64(t.px(4)), c)
	}
	s.f.draw(dst)
}
