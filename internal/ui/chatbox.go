package ui

import (
	"image"
	"image/color"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/chat"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// Chat box sizes and timings.
const (
	// chatVisible is how many of the newest lines the box shows.
	chatVisible = 8
	// chatShowTime is how long a line shows when the player is not
	// typing, and chatFadeTime how long it then takes to fade out.
	chatShowTime = 30 * time.Second
	chatFadeTime = 2 * time.Second
)

// chatBox is the game screen's chat: the newest lines at the bottom left,
// the input line (shown while the player types) and the Chat button that
// opens it on a screen without a keyboard. Enter opens the input line,
// Enter again sends what it holds and closes it, Escape closes it without
// sending. A line is said on the say channel; one starting with "/" is a
// command the world runs (/w name text, /p text, /invite name, …).
type chatBox struct {
	open  *widget // the Chat button, "chat.open"
	input *widget // the input line, "chat.input"
	// typing is set while the input line shows and takes the keys.
	typing bool
	// lines is where the newest lines show, above the input line.
	lines  image.Rectangle
	labels labelCache
	shown  []shownLine // this frame's, newest first
}

// newChatBox makes the chat's widgets for game screen s.
func newChatBox(s *gameScreen) chatBox {
	return chatBox{
		open:  &widget{id: "chat.open", label: "Chat", onClick: s.openChat},
		input: &widget{id: "chat.input", field: newTextField(false, chat.MaxRunes)},
	}
}

// openChat shows the input line and gives it the keys.
func (s *gameScreen) openChat() {
	s.chat.typing = true
	s.layout() // the input line shows at once, to the form and the test hook
	s.f.setFocus(s.chat.input)
}

// closeChat hides the input line and gives the keys back to the game;
// what it holds stays for the next time unless forget is set.
func (s *gameScreen) closeChat(forget bool) {
	s.chat.typing = false
	if forget {
		s.chat.input.field.setText("")
	}
	if s.f.focus == s.chat.input {
		s.f.setFocus(nil)
	}
	s.layout()
}

// submitChat sends the input line, unless blank, and closes it.
func (s *gameScreen) submitChat() {
	line := strings.TrimSpace(s.chat.input.field.Text())
	s.closeChat(true)
	if line != "" {
		s.say(line)
	}
}

// enter answers the Enter key: it opens the input line, or sends it.
func (s *gameScreen) enter() {
	if s.chat.typing {
		s.submitChat()
	} else {
		s.openChat()
	}
}

// escape answers the Escape key: it closes the input line unsent.
func (s *gameScreen) escape() {
	if s.chat.typing {
		s.closeChat(true)
	}
}

// say sends a line on the say channel, where the world runs it as a
// command if it starts with "/".
func (s *gameScreen) say(line string) {
	select {
	case s.chats <- protocol.Chat{Channel: protocol.ChannelSay, Text: line}:
	default: // the sender is stuck: the connection is ending, as the reader will tell
	}
}

// layoutChat places the input line at the bottom left, beside the ability
// bar (or the touch buttons), the lines above it, and the Chat button in
// the top bar, left of Log out.
func (s *gameScreen) layoutChat() {
	t := s.app.theme
	c := &s.chat
	c.open.rect = image.Rect(s.logout.rect.Min.X-t.px(80), s.logout.rect.Min.Y, s.logout.rect.Min.X-t.px(10), s.logout.rect.Max.Y)
	right := s.app.w - t.px(200) // clear of the touch buttons
	if !s.ctrl.touched {
		right = s.hud.slots[0].Min.X - t.px(20)
	}
	width := min(max(right-t.px(10), t.px(220)), t.px(380), s.app.w-t.px(20))
	field := image.Rect(t.px(10), s.app.h-t.px(10+36), t.px(10)+width, s.app.h-t.px(10))
	c.lines = image.Rect(field.Min.X, field.Min.Y-t.px(6+chatVisible*18+12), field.Max.X, field.Min.Y-t.px(6))
	if c.typing {
		t.layoutField(c.input, field)
	} else {
		c.input.rect = image.Rectangle{}
	}
}

// drawChat draws the newest lines, bottom up, on a panel: the whole box's
// while the player types; otherwise behind the lines alone, each of which
// fades out chatShowTime after it came.
func (s *gameScreen) drawChat(dst *ebiten.Image, now time.Time) {
	t := s.app.theme
	c := &s.chat
	pad := t.px(8)
	c.shown = c.shown[:0]
	top := c.lines.Max.Y - pad
	lines := s.social.lines
	for i := len(lines) - 1; i >= max(0, len(lines)-chatVisible); i-- {
		l := &lines[i]
		alpha := 1.0
		if age := now.Sub(l.at); !c.typing && age > chatShowTime {
			alpha = 1 - float64(age-chatShowTime)/float64(chatFadeTime)
		}
		if alpha <= 0 {
			break // older lines have faded too
		}
		img := c.labels.getWrapped(t, chatText(l), chatColour(l.channel), float64(c.lines.Dx()-2*pad))
		if top-img.Bounds().Dy() < c.lines.Min.Y+pad {
			break
		}
		top -= img.Bounds().Dy()
		c.shown = append(c.shown, shownLine{img, alpha})
	}
	switch {
	case c.typing:
		fillRound(dst, c.lines, float32(t.px(8)), withAlpha(colPanel, 0xb0))
	case len(c.shown) > 0:
		back := image.Rect(c.lines.Min.X, top-pad, c.lines.Max.X, c.lines.Max.Y)
		fillRound(dst, back, float32(t.px(8)), withAlpha(colPanel, uint8(0x70*c.shown[0].alpha)))
	}
	y := c.lines.Max.Y - pad
	for _, l := range c.shown {
		y -= l.img.Bounds().Dy()
		op := &ebiten.DrawImageOptions{}
		op.GeoM.Translate(float64(c.lines.Min.X+pad), float64(y))
		op.ColorScale.ScaleAlpha(float32(l.alpha))
		dst.DrawImage(l.img, op)
	}
}

// shownLine is a chat line as the box draws it this frame.
type shownLine struct {
	img   *ebiten.Image
	alpha float64
}

// chatText returns line l as the chat box shows it: "From: text", "To
// From: text" for the player's own whisper, and the bare text of the
// world's lines (an invitation's names the inviter).
func chatText(l *chatLine) string {
	switch l.channel {
	case protocol.ChannelSystem, protocol.ChannelInvite:
		return l.text
	case protocol.ChannelWhisperSent:
		return "To " + l.from + ": " + l.text
	}
	return l.from + ": " + l.text
}

// chatColour returns the colour of the lines of channel ch.
func chatColour(ch protocol.Channel) color.RGBA {
	switch ch {
	case protocol.ChannelWhisper:
		return colWhisper
	case protocol.ChannelWhisperSent:
		return colWhisperSent
	case protocol.ChannelParty:
		return colParty
	case protocol.ChannelSystem:
		return colSystem
	case protocol.ChannelInvite:
		return colInvite
	}
	return colText
}
