package ui

import (
	"context"
	"image"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/version"
)

// loginScreen asks for a username and password, to log in or create an
// account, or lets the player in as a guest.
type loginScreen struct {
	app                     *App
	f                       *form
	username, password      *widget
	login, create, guest    *widget
	panel                   image.Rectangle
	title, subtitle, status image.Point
}

func newLoginScreen(a *App) *loginScreen {
	s := &loginScreen{app: a}
	s.username = &widget{id: "login.username", label: "Username", placeholder: "3 to 20 letters, digits or _",
		field: newTextField(false, api.UsernameMaxLen)}
	s.password = &widget{id: "login.password", label: "Password", placeholder: "at least 8 characters",
		field: newTextField(true, api.PasswordMaxLen)}
	s.login = &widget{id: "login.login", label: "Log in", onClick: func() { s.submit(false) }}
	s.create = &widget{id: "login.create", label: "Create account", onClick: func() { s.submit(true) }}
	s.guest = &widget{id: "login.guest", label: "Play as guest", primary: true, onClick: s.playAsGuest}
	s.f = newForm(a, s.username, s.password, s.login, s.create, s.guest)
	s.f.onSubmit = func() { s.submit(false) }
	return s
}

func (s *loginScreen) Name() string { return "login" }
func (s *loginScreen) form() *form  { return s.f }

func (s *loginScreen) layout() {
	t := s.app.theme
	s.panel = t.panelRect(s.app.w, s.app.h, 400, 410)
	pad := t.px(24)
	c := column{x: s.panel.Min.X + pad, y: s.panel.Min.Y + pad, w: s.panel.Dx() - 2*pad, gap: t.px(12)}
	s.title = image.Pt(s.panel.Min.X+s.panel.Dx()/2, c.y)
	c.skip(t.px(46))
	s.subtitle = image.Pt(s.title.X, c.y)
	c.skip(t.px(30))
	c.skip(t.px(20))
	t.layoutField(s.username, c.next(t.px(40)))
	c.skip(t.px(20))
	t.layoutField(s.password, c.next(t.px(40)))
	c.skip(t.px(4))
	row := splitRow(c.next(t.px(40)), 2, t.px(10))
	s.login.rect, s.create.rect = row[0], row[1]
	s.guest.rect = c.next(t.px(44))
	s.status = image.Pt(s.title.X, c.y)
}

func (s *loginScreen) Update() error {
	s.layout()
	return s.f.update(s.app.ptr)
}

func (s *loginScreen) Draw(dst *ebiten.Image) {
	s.layout()
	t := s.app.theme
	t.drawPanel(dst, s.panel)
	drawText(dst, "TinyMMO", t.face(sizeTitle, true), float64(s.title.X), float64(s.title.Y), colGold, alignCenter)
	drawText(dst, "Log in, create an account, or jump in as a guest.", t.face(sizeSmall, false),
		float64(s.subtitle.X), float64(s.subtitle.Y), colMuted, alignCenter)
	s.f.draw(dst)
	status := s.app.status
	if s.app.busy {
		status = "Connecting…"
	}
	drawText(dst, status, t.face(sizeSmall, false), float64(s.status.X), float64(s.status.Y), colMuted, alignCenter)
	drawText(dst, "v"+version.Version, t.face(sizeSmall, false), float64(s.app.w-t.px(8)), float64(s.app.h-t.px(20)), colDim, alignRight)
}

// submit logs in, or creates the account first.
func (s *loginScreen) submit(create bool) {
	user, pass := s.username.field.Text(), s.password.field.Text()
	s.app.do(func(ctx context.Context) func() {
		var sess api.Session
		var err error
		if create {
			sess, err = s.app.gw.CreateAccount(ctx, user, pass)
		} else {
			sess, err = s.app.gw.Login(ctx, user, pass)
		}
		return func() { s.done(sess, err) }
	})
}

func (s *loginScreen) playAsGuest() {
	s.app.do(func(ctx context.Context) func() {
		sess, err := s.app.gw.Guest(ctx)
		return func() { s.done(sess, err) }
	})
}

func (s *loginScreen) done(sess api.Session, err error) {
	if err != nil {
		s.app.fail(problemFromAPI(err), func() Screen { return s }, nil)
		return
	}
	s.app.loggedIn(sess.Account.Username)
}
