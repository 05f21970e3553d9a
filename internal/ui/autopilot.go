package ui

import (
	"fmt"
	"math/rand/v2"

	"github.com/tinymmo/tinymmo/internal/api"
)

// pilotPause is how many ticks the autopilot waits between two actions, so
// that someone watching sees each screen.
const pilotPause = 20

// autopilot plays the AutoplayGuest script: Play as guest, the first
// server, a new character of a random class, Play. It acts only through
// the widgets, as a player would, and stops in the game or on an error
// other than a taken name (then it tries another name).
type autopilot struct {
	wait  int
	done  bool
	name  string    // the name it is creating, or "" for none yet
	class api.Class // the class it picked for name, or "" for none yet
}

func newAutopilot() *autopilot { return &autopilot{wait: pilotPause} }

// step takes at most one action.
func (p *autopilot) step(a *App) {
	if p.done || a.busy {
		return
	}
	if p.wait > 0 {
		p.wait--
		return
	}
	fs, ok := a.screen.(formScreen)
	if !ok {
		return
	}
	f := fs.form()
	click := func(id string) {
		if w := f.byID(id); w != nil && f.enabled(w) {
			f.click(w)
			p.wait = pilotPause
		}
	}
	switch s := a.screen.(type) {
	case *loginScreen:
		click("login.guest")
	case *serversScreen:
		click("servers.world.0")
	case *charactersScreen:
		p.characters(s, click)
	case *gameScreen:
		p.done = true
	case *errorScreen:
		if s.p.kind != kindNameTaken {
			p.done = true
			return
		}
		p.name, p.class = "", ""
		click("error.back")
	}
}

func (p *autopilot) characters(s *charactersScreen, click func(id string)) {
	if s.mode == modeList {
		for i, c := range s.chars {
			switch {
			case p.name == "" || c.Name != p.name:
			case s.picked != c.ID:
				click(fmt.Sprintf("characters.char.%d", i))
				return
			default:
				click("characters.play")
				return
			}
		}
		if s.loaded {
			click("characters.new")
		}
		return
	}
	switch {
	case p.name == "" || s.name.field.Text() != p.name:
		p.name = fmt.Sprintf("Hero%05d", rand.IntN(100000))
		s.name.field.setText(p.name)
		p.wait = pilotPause
	case p.class == "":
		p.class = api.Classes[rand.IntN(len(api.Classes))]
		click("create.class." + string(p.class))
	default:
		click("create.submit")
	}
}
