package ui

import (
	"context"
	"fmt"
	"image"
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/api"
)

// serversScreen lists the worlds: name, population and capacity, status
// and rules. Picking one opens its characters.
type serversScreen struct {
	app     *App
	f       *form
	worlds  []api.World
	rows    []*widget
	loaded  bool
	first   int // the first row shown, when they do not all fit
	refresh *widget
	logout  *widget

	panel, list  image.Rectangle
	header, note image.Point
}

func newServersScreen(a *App) *serversScreen {
	s := &serversScreen{app: a}
	s.refresh = &widget{id: "servers.refresh", label: "Refresh", onClick: s.load}
	s.logout = &widget{id: "servers.logout", label: "Log out", onClick: a.logOut}
	s.setWorlds(nil)
	s.load()
	return s
}

func (s *serversScreen) Name() string { return "servers" }
func (s *serversScreen) form() *form  { return s.f }

// load asks the gateway for the world list.
func (s *serversScreen) load() {
	s.app.do(func(ctx context.Context) func() {
		worlds, err := s.app.gw.Worlds(ctx)
		return func() {
			if err != nil {
				s.app.fail(problemFromAPI(err), func() Screen { return s }, func() { s.app.show(s); s.load() })
				return
			}
			s.setWorlds(worlds)
		}
	})
}

// setWorlds rebuilds the rows; the form keeps them in list order, then the
// buttons.
func (s *serversScreen) setWorlds(worlds []api.World) {
	s.worlds, s.loaded = worlds, worlds != nil
	s.rows = s.rows[:0]
	widgets := []*widget{}
	for i, w := range worlds {
		row := &widget{id: fmt.Sprintf("servers.world.%d", i), label: w.Name,
			onClick: func() { s.app.openWorld(w) }}
		row.paint = func(dst *ebiten.Image, wd *widget, hot bool) { s.paintRow(dst, wd, w, hot) }
		s.rows = append(s.rows, row)
		widgets = append(widgets, row)
	}
	s.first = 0
	s.f = newForm(s.app, append(widgets, s.refresh, s.logout)...)
	s.f.onCancel = s.app.logOut
}

func (s *serversScreen) layout() {
	t := s.app.theme
	rowH, gap := t.px(64), t.px(8)
	s.panel = t.panelRect(s.app.w, s.app.h, 560, 96+float64(max(len(s.rows), 2))*72+80)
	pad := t.px(24)
	s.header = image.Pt(s.panel.Min.X+pad, s.panel.Min.Y+pad)
	s.list = image.Rect(s.panel.Min.X+pad, s.panel.Min.Y+pad+t.px(64), s.panel.Max.X-pad, s.panel.Max.Y-pad-t.px(56))
	fit := max(1, (s.list.Dy()+gap)/(rowH+gap))
	// Keep the focused row in view.
	for i, r := range s.rows {
		if r == s.f.focus {
			s.first = min(s.first, i)
			s.first = max(s.first, i-fit+1)
		}
	}
	s.first = max(0, min(s.first, len(s.rows)-fit))
	for i, r := range s.rows {
		r.rect = image.Rectangle{}
		if k := i - s.first; k >= 0 && k < fit {
			y := s.list.Min.Y + k*(rowH+gap)
			r.rect = image.Rect(s.list.Min.X, y, s.list.Max.X, y+rowH)
		}
	}
	buttons := image.Rect(s.list.Min.X, s.panel.Max.Y-pad-t.px(44), s.list.Max.X, s.panel.Max.Y-pad)
	b := splitRow(buttons, 2, t.px(10))
	s.refresh.rect, s.logout.rect = b[0], b[1]
	s.note = image.Pt(s.list.Min.X, s.list.Min.Y)
}

func (s *serversScreen) Update() error {
	s.layout()
	if _, dy := ebiten.Wheel(); dy != 0 {
		if dy < 0 {
			s.first++
		} else {
			s.first--
		}
	}
	return s.f.update(s.app.ptr)
}

func (s *serversScreen) Draw(dst *ebiten.Image) {
	s.layout()
	t := s.app.theme
	t.drawPanel(dst, s.panel)
	drawText(dst, "Choose a server", t.face(sizeHead, true), float64(s.header.X), float64(s.header.Y), colGold, alignLeft)
	who := "Logged in as " + s.app.account
	drawText(dst, who, t.face(sizeSmall, false), float64(s.header.X), float64(s.header.Y+t.px(32)), colMuted, alignLeft)
	switch {
	case !s.loaded:
		drawText(dst, "Loading the servers…", t.face(sizeBody, false), float64(s.note.X), float64(s.note.Y), colMuted, alignLeft)
	case len(s.rows) == 0:
		drawText(dst, "No server is online right now. Refresh in a moment.", t.face(sizeBody, false),
			float64(s.note.X), float64(s.note.Y), colMuted, alignLeft)
	}
	s.f.draw(dst)
}

// paintRow draws one world: name and tags on the left, population and
// status on the right.
func (s *serversScreen) paintRow(dst *ebiten.Image, wd *widget, w api.World, hot bool) {
	t := s.app.theme
	r := wd.rect
	t.drawChoice(dst, r, hot, false, 0)
	pad := float64(t.px(14))
	x, y := float64(r.Min.X)+pad, float64(r.Min.Y+t.px(10))
	drawText(dst, w.Name, t.face(sizeBody+2, true), x, y, colText, alignLeft)

	// Tags under the name.
	tx, ty := x, y+float64(t.px(26))
	tag := func(label string, c color.Color) {
		face := t.face(sizeSmall-1, true)
		tw := int(textWidth(label, face)) + t.px(12)
		box := image.Rect(int(tx), int(ty), int(tx)+tw, int(ty)+t.px(18))
		strokeRound(dst, box, float32(t.px(4)), float32(t.px(1)), c)
		drawTextIn(dst, label, face, box, c)
		tx += float64(tw + t.px(6))
	}
	if w.PvP {
		tag("PvP", colDanger)
	}
	if w.Hardcore {
		tag("Hardcore", colGold)
	}
	if !w.PvP && !w.Hardcore {
		tag("Normal", colMuted)
	}

	right := float64(r.Max.X) - pad
	pop := fmt.Sprintf("%d / %d players", w.Population, w.Capacity)
	drawText(dst, pop, t.face(sizeSmall, false), right, y+float64(t.px(2)), colMuted, alignRight)
	status, c := "Online", color.Color(colGood)
	if w.Status != "online" {
		status, c = capitalize(w.Status), colDanger
	}
	drawText(dst, status, t.face(sizeSmall, true), right, y+float64(t.px(26)), c, alignRight)
}
