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
	// HP, MaxHP, MP, MaxMP, Level and XP are the player's own vitals as
	// the world last sent them; XPNext is the experience the level takes
	// (XP counts towards it). Dead is set from the player's death to its
	// respawn.
	HP     int64 `json:"hp"`
	MaxHP  int64 `json:"maxHP"`
	MP     int64 `json:"mp"`
	MaxMP  int64 `json:"maxMP"`
	Level  int64 `json:"level"`
	XP     int64 `json:"xp"`
	XPNext int64 `json:"xpNext"`
	Dead   bool  `json:"dead"`
	// Cooldowns lists the player's abilities in slot order: the basic
	// attack (Space, the left button), then the specials (keys 1 and 2).
	Cooldowns []Cooldown `json:"cooldowns"`
	// Refusal is the message about an ability the world refused, while it
	// shows (such as "not enough mana"), or "".
	Refusal string `json:"refusal"`
	// HitsDealt, HitsTaken, Kills and Deaths count what the client saw of
	// the fighting since it entered the world (client.Tally): hits by the
	// player and on it, hostile NPCs seen dying, and its own deaths.
	HitsDealt int `json:"hitsDealt"`
	HitsTaken int `json:"hitsTaken"`
	Kills     int `json:"kills"`
	Deaths    int `json:"deaths"`
	// Numbers counts the damage and heal numbers on screen, and Shots the
	// projectiles drawn, in the last frame.
	Numbers int `json:"numbers"`
	Shots   int `json:"shots"`
	// Says is what the friendly NPC the player stands by says, as its
	// bubble shows it; "" for none.
	Says string `json:"says"`
	// Chat lists the last chat lines (at most 20), oldest first; nil off
	// the game screen. ChatFocused is set while the chat's input line
	// takes the keys (the character then stands still).
	Chat        []ChatEntry `json:"chat"`
	ChatFocused bool        `json:"chatFocused"`
	// Party is the player's party, nil for none.
	Party *PartyState `json:"party"`
	// Invite names who invited the player to a party while the
	// invitation waits for an answer; "" for none.
	Invite string `json:"invite"`
	// Owner names whose private instance the player is in (a player, or a
	// party's leader); "" on a shared map.
	Owner string `json:"owner"`
	// Target is the entity under the mouse cursor, nil for none: what a
	// click aims at, and the ally the Mending Bolt heals.
	Target *Other `json:"target"`
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

// Other is an entity in the client's view: its handle, name, sprite and
// health, its feet position in world pixels, and where the game drew it
// in the last frame.
type Other struct {
	Handle uint32 `json:"handle"`
	Name   string `json:"name"`
	// Sprite is a class ("knight", "rogue", "wizard") or an NPC kind
	// ("rat", "wolf", …, "bone_lord", "villager", "elder"); Hostile is set
	// for the NPCs that fight.
	Sprite  string  `json:"sprite"`
	Hostile bool    `json:"hostile"`
	X       float64 `json:"x"`
	Y       float64 `json:"y"`
	HP      int64   `json:"hp"`
	MaxHP   int64   `json:"maxHP"`
	Dead    bool    `json:"dead"`
	// Party is set for the player's party members.
	Party bool `json:"party"`
	// OnScreen is set when the last frame drew it; Screen is then the
	// middle of its body in CSS pixels, where a click hits it.
	OnScreen bool  `json:"onScreen"`
	Screen   Point `json:"screen"`
}

// ChatEntry is one chat line. Channel is "say", "whisper", "party",
// "whisper-sent" (the player's own whisper, From naming its recipient),
// "system" (From empty) or "invite" (From invites the player to a party).
type ChatEntry struct {
	Channel string `json:"channel"`
	From    string `json:"from"`
	Text    string `json:"text"`
}

// PartyState is the player's party: its leader's name and its members, the
// leader among them, in the world's order.
type PartyState struct {
	Leader  string        `json:"leader"`
	Members []PartyMember `json:"members"`
}

// PartyMember is a party member with its vitals as the world last sent
// them (zero before any); Online is cleared while it is logged out.
type PartyMember struct {
	Name   string `json:"name"`
	HP     int64  `json:"hp"`
	MaxHP  int64  `json:"maxHP"`
	MP     int64  `json:"mp"`
	MaxMP  int64  `json:"maxMP"`
	Online bool   `json:"online"`
}

// Cooldown is one of the player's abilities as the ability bar shows it.
type Cooldown struct {
	// Ability is its name (rules.Ability.Name), e.g. "Sword Swing".
	Ability string `json:"ability"`
	// Ms is how long it has left to cool down, 0 when it has not.
	Ms int64 `json:"ms"`
	// ManaCost is what it takes; Ready is set when it can be used now:
	// cooled down, affordable, and the player alive.
	ManaCost int64 `json:"manaCost"`
	Ready    bool  `json:"ready"`
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
