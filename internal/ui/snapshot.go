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
	// Map is the name of the map the character is on (game screen).
	Map string `json:"map"`
	// Player is the character's predicted feet position in pixels: where
	// the player sees it. Server is the world's word for it, as of the last
	// snapshot; the two agree once the world has applied every input.
	Player Point `json:"player"`
	Server Point `json:"server"`
	// Corrections counts the times the world's word moved the predicted
	// position by more than a pixel: each is a visible snap, and in normal
	// play there are none. Resyncs counts those explained by an input that
	// reached the world late or a jump of the client's clock; Desyncs the
	// others, where the client's rules and the world's disagree (a bug).
	Corrections int `json:"corrections"`
	Desyncs     int `json:"desyncs"`
	Resyncs     int `json:"resyncs"`
	// Entities counts the other entities in the client's view.
	Entities int `json:"entities"`
	// Others lists up to MaxOthers of those entities, nearest first, with
	// their positions as of the last snapshot.
	Others []Other `json:"others"`
	// Debug is set while the F3 overlay shows.
	Debug bool `json:"debug"`
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
	// FrameMs is the mean time between drawn frames over the last second,
	// in milliseconds; 0 before the first second.
	FrameMs float64 `json:"frameMs"`
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

// MaxOthers is the most entities Snapshot.Others lists.
const MaxOthers = 32

// Other is an entity in the client's view: its name and feet position in
// pixels.
type Other struct {
	Name string  `json:"name"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
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
		FrameMs:   a.frameMs,
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
