package ui

import (
	"image"

	"github.com/hajimehoshi/ebiten/v2"
)

// errorScreen says what went wrong and offers the ways out that make sense:
// Reconnect or Try again (retry), Refresh for an outdated client, Log in
// again for an ended session, and Back to where the player was.
type errorScreen struct {
	app     *App
	p       problem
	f       *form
	buttons []*widget
	panel   image.Rectangle
	lines   []string
}

func newErrorScreen(a *App, p problem, back func() Screen, retry func()) *errorScreen {
	s := &errorScreen{app: a, p: p}
	add := func(id, label string, primary bool, onClick func()) {
		s.buttons = append(s.buttons, &widget{id: id, label: label, primary: primary, onClick: onClick})
	}
	switch {
	case p.kind == kindVersion && canReload:
		add("error.refresh", "Refresh", true, reload)
	case p.kind == kindVersion:
		add("error.quit", "Quit", true, func() { a.quit = true })
	case p.kind == kindSession || p.kind == kindBanned:
		add("error.login", "Log in", true, func() { a.show(newLoginScreen(a)) })
	default:
		if retry != nil && p.retry {
			label, id := "Try again", "error.retry"
			if p.kind == kindDisconnected {
				label, id = "Reconnect", "error.reconnect"
			}
			add(id, label, true, retry)
		}
		if back != nil {
			add("error.back", "Back", retry == nil || !p.retry, func() { a.show(back()) })
		}
	}
	s.f = newForm(a, s.buttons...)
	if len(s.buttons) > 0 {
		s.f.onSubmit = s.buttons[0].onClick
	}
	if back != nil && p.kind != kindVersion {
		s.f.onCancel = func() { a.show(back()) }
	}
	return s
}

func (s *errorScreen) Name() string { return "error" }
func (s *errorScreen) form() *form  { return s.f }

func (s *errorScreen) describe(snap *Snapshot) {
	snap.Error = &SnapshotError{Kind: s.p.kind, Title: s.p.title, Message: s.p.message}
}

func (s *errorScreen) layout() {
	t := s.app.theme
	pad := t.px(24)
	width := float64(min(t.px(460), s.app.w-2*t.px(16)) - 2*pad)
	s.lines = wrap(s.p.message, t.face(sizeBody, false), width)
	h := 24 + 44 + float64(len(s.lines))*24 + 24 + 44 + 24
	s.panel = t.panelRect(s.app.w, s.app.h, 460, h)
	row := image.Rect(s.panel.Min.X+pad, s.panel.Max.Y-pad-t.px(44), s.panel.Max.X-pad, s.panel.Max.Y-pad)
	if len(s.buttons) > 0 {
		for i, r := range splitRow(row, len(s.buttons), t.px(10)) {
			s.buttons[i].rect = r
		}
	}
}

func (s *errorScreen) Update() error {
	s.layout()
	return s.f.update(s.app.ptr)
}

func (s *errorScreen) Draw(dst *ebiten.Image) {
	s.layout()
	t := s.app.theme
	t.drawPanel(dst, s.panel)
	pad := t.px(24)
	x, y := float64(s.panel.Min.X+pad), float64(s.panel.Min.Y+pad)
	drawText(dst, s.p.title, t.face(sizeHead, true), x, y, colDanger, alignLeft)
	y += float64(t.px(44))
	for _, l := range s.lines {
		drawText(dst, l, t.face(sizeBody, false), x, y, colText, alignLeft)
		y += float64(t.px(24))
	}
	s.f.draw(dst)
}
