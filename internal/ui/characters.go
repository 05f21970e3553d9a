package ui

import (
	"context"
	"fmt"
	"image"
	"slices"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// The character screen's modes (window.tinymmo.mode).
const (
	modeList   = "list"
	modeCreate = "create"
)

// classBlurb says in a few words how a class plays.
func classBlurb(c api.Class) string {
	switch c {
	case api.ClassKnight:
		return "Tough, fights up close"
	case api.ClassRogue:
		return "Fast, strikes first"
	case api.ClassWizard:
		return "Casts spells from afar"
	}
	return ""
}

// charactersScreen lists the account's characters on the chosen world, and
// creates new ones: a name and a class, with each class's sprite walking.
type charactersScreen struct {
	app    *App
	mode   string
	chars  []api.Character
	loaded bool
	picked int64 // the selected character's ID

	list                *form
	rows                []*widget
	play, newChar, back *widget

	create         *form
	name           *widget
	cards          []*widget
	class          api.Class
	submit, cancel *widget

	panel        image.Rectangle
	header, note image.Point
}

// newCharactersScreen shows the characters of a.world and loads them;
// pick selects that character once loaded (0 for the first).
func newCharactersScreen(a *App, pick int64) *charactersScreen {
	s := &charactersScreen{app: a, mode: modeList, picked: pick, class: api.ClassKnight}
	s.play = &widget{id: "characters.play", label: "Play", primary: true, onClick: s.enterPicked}
	s.newChar = &widget{id: "characters.new", label: "New character", onClick: func() { s.setMode(modeCreate) }}
	s.back = &widget{id: "characters.back", label: "Servers", onClick: a.showServers}
	s.setCharacters(nil)

	s.name = &widget{id: "create.name", label: "Name", placeholder: "3 to 16 letters and digits",
		field: newTextField(false, api.NameMaxLen)}
	widgets := []*widget{s.name}
	for _, c := range api.Classes {
		card := &widget{id: "create.class." + string(c), label: capitalize(string(c)),
			onClick: func() { s.class = c }}
		card.paint = func(dst *ebiten.Image, w *widget, hot bool) { s.paintCard(dst, w, c, hot) }
		s.cards = append(s.cards, card)
		widgets = append(widgets, card)
	}
	s.submit = &widget{id: "create.submit", label: "Create", primary: true, onClick: s.createCharacter}
	s.cancel = &widget{id: "create.cancel", label: "Cancel", onClick: func() { s.setMode(modeList) }}
	s.create = newForm(a, append(widgets, s.submit, s.cancel)...)
	s.create.onSubmit = s.createCharacter
	s.create.onCancel = func() { s.setMode(modeList) }
	s.load()
	return s
}

func (s *charactersScreen) Name() string { return "characters" }

func (s *charactersScreen) form() *form {
	if s.mode == modeCreate {
		return s.create
	}
	return s.list
}

func (s *charactersScreen) describe(snap *Snapshot) { snap.Mode = s.mode }

func (s *charactersScreen) setMode(m string) {
	s.form().release()
	s.mode = m
}

// load asks for the account's characters on the world.
func (s *charactersScreen) load() {
	world := s.app.world.ID
	s.app.do(func(ctx context.Context) func() {
		chars, err := s.app.gw.Characters(ctx, world)
		return func() {
			if err != nil {
				s.app.fail(problemFromAPI(err), func() Screen { return newServersScreen(s.app) },
					func() { s.app.show(s); s.load() })
				return
			}
			s.setCharacters(chars)
			if len(chars) == 0 {
				s.setMode(modeCreate) // nothing to pick: straight to creating one
			}
		}
	})
}

// setCharacters rebuilds the list; the picked character stays selected.
func (s *charactersScreen) setCharacters(chars []api.Character) {
	s.chars, s.loaded = chars, chars != nil
	if len(chars) > 0 && !s.has(s.picked) {
		s.picked = chars[0].ID
	}
	s.rows = s.rows[:0]
	widgets := []*widget{}
	for i, c := range chars {
		row := &widget{id: fmt.Sprintf("characters.char.%d", i), label: c.Name}
		row.onClick = func() {
			if s.picked == c.ID {
				s.enterPicked() // a second click on the selected row plays
				return
			}
			s.picked = c.ID
		}
		row.paint = func(dst *ebiten.Image, w *widget, hot bool) { s.paintRow(dst, w, c, hot) }
		s.rows = append(s.rows, row)
		widgets = append(widgets, row)
	}
	s.list = newForm(s.app, append(widgets, s.play, s.newChar, s.back)...)
	s.list.onSubmit = s.enterPicked
	s.list.onCancel = s.app.showServers
}

func (s *charactersScreen) has(id int64) bool {
	for _, c := range s.chars {
		if c.ID == id {
			return true
		}
	}
	return false
}

func (s *charactersScreen) enterPicked() {
	for _, c := range s.chars {
		if c.ID == s.picked {
			s.app.enter(c)
			return
		}
	}
}

// createCharacter asks the world to create the character in the form.
func (s *charactersScreen) createCharacter() {
	world, name, class := s.app.world.ID, s.name.field.Text(), s.class
	s.app.do(func(ctx context.Context) func() {
		c, err := s.app.gw.CreateCharacter(ctx, world, name, class)
		return func() {
			if err != nil {
				s.app.fail(problemFromAPI(err), func() Screen { return s }, nil)
				return
			}
			s.name.field.setText("")
			s.picked = c.ID
			s.setCharacters(append(s.chars, c))
			s.setMode(modeList)
		}
	})
}

func (s *charactersScreen) layout() {
	t := s.app.theme
	pad := t.px(24)
	if s.mode == modeCreate {
		s.panel = t.panelRect(s.app.w, s.app.h, 560, 470)
	} else {
		s.panel = t.panelRect(s.app.w, s.app.h, 560, 96+float64(max(len(s.rows), 2))*72+80)
	}
	s.header = image.Pt(s.panel.Min.X+pad, s.panel.Min.Y+pad)
	inner := image.Rect(s.panel.Min.X+pad, s.panel.Min.Y+pad+t.px(64), s.panel.Max.X-pad, s.panel.Max.Y-pad)
	s.note = inner.Min
	buttons := image.Rect(inner.Min.X, inner.Max.Y-t.px(44), inner.Max.X, inner.Max.Y)

	for _, w := range append(s.list.widgets, s.create.widgets...) {
		w.rect = image.Rectangle{}
	}
	if s.mode == modeCreate {
		c := column{x: inner.Min.X, y: inner.Min.Y + t.px(20), w: inner.Dx(), gap: t.px(16)}
		t.layoutField(s.name, c.next(t.px(40)))
		cards := splitRow(c.next(min(t.px(210), buttons.Min.Y-c.y-t.px(16))), len(s.cards), t.px(10))
		for i, card := range s.cards {
			card.rect = cards[i]
			card.selected = api.Classes[i] == s.class
		}
		b := splitRow(buttons, 2, t.px(10))
		s.submit.rect, s.cancel.rect = b[0], b[1]
		return
	}
	rowH, gap := t.px(64), t.px(8)
	fit := max(1, (buttons.Min.Y-t.px(12)-inner.Min.Y+gap)/(rowH+gap))
	for i, r := range s.rows {
		r.selected = s.chars[i].ID == s.picked
		if i < fit {
			y := inner.Min.Y + i*(rowH+gap)
			r.rect = image.Rect(inner.Min.X, y, inner.Max.X, y+rowH)
		}
	}
	s.play.disabled = !s.has(s.picked)
	b := splitRow(buttons, 3, t.px(10))
	s.play.rect, s.newChar.rect, s.back.rect = b[0], b[1], b[2]
}

func (s *charactersScreen) Update() error {
	s.layout()
	if s.mode == modeCreate && (s.create.focus == nil || s.create.focus.field == nil) {
		// Arrow keys step through the classes.
		i := max(0, slices.Index(api.Classes[:], s.class))
		if inpututil.IsKeyJustPressed(ebiten.KeyArrowLeft) {
			s.class = api.Classes[(i+len(api.Classes)-1)%len(api.Classes)]
		}
		if inpututil.IsKeyJustPressed(ebiten.KeyArrowRight) {
			s.class = api.Classes[(i+1)%len(api.Classes)]
		}
	}
	return s.form().update(s.app.ptr)
}

func (s *charactersScreen) Draw(dst *ebiten.Image) {
	s.layout()
	t := s.app.theme
	t.drawPanel(dst, s.panel)
	title := "Your characters"
	if s.mode == modeCreate {
		title = "New character"
	}
	drawText(dst, title, t.face(sizeHead, true), float64(s.header.X), float64(s.header.Y), colGold, alignLeft)
	drawText(dst, "on "+s.app.world.Name, t.face(sizeSmall, false), float64(s.header.X), float64(s.header.Y+t.px(32)), colMuted, alignLeft)
	if s.mode == modeList {
		switch {
		case !s.loaded:
			drawText(dst, "Loading your characters…", t.face(sizeBody, false), float64(s.note.X), float64(s.note.Y), colMuted, alignLeft)
		case len(s.chars) == 0:
			drawText(dst, "No character on this server yet.", t.face(sizeBody, false), float64(s.note.X), float64(s.note.Y), colMuted, alignLeft)
		}
	}
	s.form().draw(dst)
}

// paintRow draws a character: its sprite, name, level and class.
func (s *charactersScreen) paintRow(dst *ebiten.Image, w *widget, c api.Character, hot bool) {
	t := s.app.theme
	r := w.rect
	t.drawChoice(dst, r, hot, w.selected, 2)
	sprite := image.Rect(r.Min.X+t.px(8), r.Min.Y+t.px(4), r.Min.X+t.px(8)+r.Dy()-t.px(8), r.Max.Y-t.px(4))
	s.app.sprites.drawClass(dst, c.Class, sprite, s.app.tick, w.selected)
	x := float64(sprite.Max.X + t.px(12))
	drawText(dst, c.Name, t.face(sizeBody+2, true), x, float64(r.Min.Y+t.px(10)), colText, alignLeft)
	info := fmt.Sprintf("Level %d %s", c.Level, capitalize(string(c.Class)))
	drawText(dst, info, t.face(sizeSmall, false), x, float64(r.Min.Y+t.px(36)), colMuted, alignLeft)
}

// paintCard draws a class to choose: its sprite walking, name, what it
// does and its numbers, wrapped to the card's width.
func (s *charactersScreen) paintCard(dst *ebiten.Image, w *widget, c api.Class, hot bool) {
	t := s.app.theme
	r := w.rect
	t.drawChoice(dst, r, hot, w.selected, 3)
	small := t.face(sizeSmall-1, false)
	width := float64(r.Dx() - t.px(12))
	lines := wrap(classBlurb(c), small, width)
	blurb := len(lines)
	if class, ok := rules.ClassNamed(string(c)); ok {
		st := class.StatsAt(1)
		lines = append(lines, wrap(fmt.Sprintf("HP %d  MP %d  Speed %d", st.MaxHP, st.MaxMP, st.Speed), small, width)...)
	}
	lineH := t.px(17)
	textH := t.px(30) + len(lines)*lineH + t.px(8)
	sprite := image.Rect(r.Min.X+t.px(6), r.Min.Y+t.px(8), r.Max.X-t.px(6), r.Max.Y-textH)
	s.app.sprites.drawClass(dst, c, sprite, s.app.tick, w.selected)
	cx := float64(r.Min.X+r.Max.X) / 2
	y := r.Max.Y - textH + t.px(4)
	drawText(dst, w.label, t.face(sizeBody, true), cx, float64(y), colText, alignCenter)
	y += t.px(26)
	for i, l := range lines {
		col := colMuted
		if i >= blurb {
			col = colDim
		}
		drawText(dst, l, small, cx, float64(y), col, alignCenter)
		y += lineH
	}
}
