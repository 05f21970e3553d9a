package world

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tinymmo/tinymmo/internal/chat"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// chat checks a line the player said at now (package chat's rules) and
// sends it on: a say to the player's instance, whose runner hands it to
// everyone there, unless it is a command (commands.go); a whisper to the
// player named, wherever they are, with an echo to the speaker; a party
// line to the party. A muted player's lines are refused, with the time
// left. A refusal is told to the speaker as a system line.
// The session's goroutine calls it (see serve).
func (se *session) chat(m protocol.Chat, now time.Time) {
	text, err := chat.Clean(m.Text)
	switch {
	case errors.Is(err, chat.ErrTooLong):
		se.tell(fmt.Sprintf("That is too long: at most %d characters.", chat.MaxRunes))
		return
	case err != nil:
		return // nothing to say
	}
	if ok, wait := se.chatLimit.Allow(now); !ok {
		se.srv.metrics.chat.WithLabelValues("refused").Inc()
		se.tell(fmt.Sprintf("Slow down: at most %d messages every %d seconds. Wait %d s.",
			chat.Burst, int(chat.Window.Seconds()), int(wait.Seconds())+1))
		return
	}
	isCommand := m.Channel == protocol.ChannelSay && strings.HasPrefix(text, "/")
	if !isCommand && se.refuseIfMuted(now) {
		return
	}
	switch {
	case isCommand:
		se.runCommand(text, now)
	case m.Channel == protocol.ChannelSay:
		if se.member.say(text) {
			se.srv.metrics.chat.WithLabelValues("say").Inc()
			mapName := ""
			if onMap := se.member.onMap.Load(); onMap != nil {
				mapName = *onMap
			}
			se.srv.says.add(now, se.name, mapName, text)
		} // else the limiter lets no more through than the queue holds
	case m.Channel == protocol.ChannelWhisper:
		se.whisper(m.To, text)
	case m.Channel == protocol.ChannelParty:
		if !se.srv.parties.say(se, text) {
			se.tell("You are not in a party.")
		}
	}
}

// tell sends the player a system line.
func (se *session) tell(text string) {
	se.member.post(protocol.ChatLine{Channel: protocol.ChannelSystem, Text: text}.Append(nil))
}
