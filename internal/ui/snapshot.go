package ui

import "github.com/hajimehoshi/ebiten/v2"

// Snapshot is the client's state as tests and tools see it. The browser
// build publishes it every tick as window.tinymmo, a fresh copy (frozen at
// the top level) whose changes change nothing in the game. Lengths are in
// CSS pixels, the page's coordinates, so a test can click a widget at the
// centre of its rectangle.
type Snapshot struct {
	// Screen is the current screen: "login", "servers", "characters",
	// "loading", "game" or "error".
	Screen string `json:"screen"`
	// Mode is the characters screen's "list" or "create".
	Mode string `json:"mode,omitempty"`
	// Busy is set while a request to the servers is under way.
	Busy bool `json:"busy"`
	// Map and Player are where the world put the character (game screen):
	// the map's name and the feet position in pixels.
	Map    string `json:"map"`
	Player Point  `json:"player"`
	// Entities counts the other entities the client knows of.
	Entities int `json:"entities"`
	// Connected is set while the world connection is open.
	Connected bool `json:"connected"`
	// Received counts messages from the world; RTT is the last measured
	// round trip in milliseconds, -1 before the first.
	Received int64 `json:"received"`
	RTT      int64 `json:"rtt"`
	// FPS and TPS are the measured frames and ticks per second; Tick
	// counts ticks since start.
	FPS  float64 `json:"fps"`
	TPS  float64 `json:"tps"`
	Tick uint64  `json:"tick"`
	// Account, World and Character name the player's choices so far.
	Account   string `json:"account"`
	World     string `json:"world"`
	Character string `json:"character"`
	// Error is what the error screen shows; nil on other screens.
	Error *SnapshotError `json:"error"`
	// Focus is the ID of the widget with the keyboard focus, or "".
	Focus string `json:"focus"`
	// Autoplay is the autoplay mode, or "".
	Autoplay string `json:"autoplay"`
	// Widgets lists the visible widgets of the current screen.
	Widgets []WidgetState `json:"widgets"`
}

// Point is a position in pixels.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// SnapshotError is the problem the error screen shows.
type SnapshotError struct {
	// Kind is stable: version_mismatch, bad_credentials, invalid_input,
	// username_taken, name_taken, too_many_characters, rate_limited,
	// session_expired, banned, server_full, disconnected, unavailable or
	// internal.
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	Message string `json:"message"`
}

// WidgetState is one widget: its ID (e.g. "login.guest"), label, rectangle
// in CSS pixels, and state. Value is a text field's text (never a
// password's).
type WidgetState struct {
	ID       string  `json:"id"`
	Label    string  `json:"label"`
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	W        float64 `json:"w"`
	H        float64 `json:"h"`
	Enabled  bool    `json:"enabled"`
	Selected bool    `json:"selected"`
	Value    string  `json:"value,omitempty"`
}

// snapshot describes the App now.
func (a *App) snapshot() Snapshot {
	s := Snapshot{
		Screen:    a.screen.Name(),
		Busy:      a.busy,
		RTT:       -1,
		FPS:       ebiten.ActualFPS(),
		TPS:       ebiten.ActualTPS(),
		Tick:      a.tick,
		Account:   a.account,
		World:     a.world.Name,
		Character: a.character.Name,
		Autoplay:  a.opts.Autoplay,
		Widgets:   []WidgetState{},
	}
	if fs, ok := a.screen.(formScreen); ok {
		f := fs.form()
		if f.focus != nil {
			s.Focus = f.focus.id
		}
		k := a.theme.scale
		for _, w := range f.widgets {
			if !w.visible() {
				continue
			}
			ws := WidgetState{
				ID: w.id, Label: w.label, Enabled: f.enabled(w), Selected: w.selected,
				X: float64(w.rect.Min.X) / k, Y: float64(w.rect.Min.Y) / k,
				W: float64(w.rect.Dx()) / k, H: float64(w.rect.Dy()) / k,
			}
			if w.field != nil && !w.field.password {
				ws.Value = w.field.Text()
			}
			s.Widgets = append(s.Widgets, ws)
		}
	}
	if d, ok := a.screen.(describer); ok {
		d.describe(&s)
	}
	return s
}
