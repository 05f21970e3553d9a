package world

import (
	"fmt"
	"strings"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// command is a chat command: what it needs and does.
type command struct {
	usage string // how to write it, for /help and usage errors
	// args is how many words must follow the command; rest says the words
	// after them are one more argument (a message), which must not be
	// empty.
	args int
	rest bool
	run  func(se *session, args []string, now time.Time) string
}

// commands are the chat commands every player may use, by name.
var commands map[string]command

func init() {
	commands = map[string]command{
		"w": {"/w NAME MESSAGE: whisper to a player", 1, true, func(se *session, a []string, now time.Time) string {
			se.whisper(a[0], a[1])
			return ""
		}},
		"r": {"/r MESSAGE: whisper back to whoever whispered to you last", 0, true, func(se *session, a []string, now time.Time) string {
			to := se.member.replyTo.Load()
			if to == nil {
				return "Nobody has whispered to you yet."
			}
			se.whisper(*to, a[0])
			return ""
		}},
		"p": {"/p MESSAGE: talk to your party", 0, true, func(se *session, a []string, now time.Time) string {
			if !se.srv.parties.say(se, a[0]) {
				return "You are not in a party."
			}
			return ""
		}},
		"invite":  {"/invite NAME: invite a player to your party", 1, false, func(se *session, a []string, now time.Time) string { return se.srv.parties.invite(se, a[0], now) }},
		"accept":  {"/accept: join the party you were invited to", 0, false, func(se *session, a []string, now time.Time) string { return se.srv.parties.answer(se, true, now) }},
		"decline": {"/decline: turn an invitation down", 0, false, func(se *session, a []string, now time.Time) string { return se.srv.parties.answer(se, false, now) }},
		"leave":   {"/leave: leave your party", 0, false, func(se *session, a []string, now time.Time) string { return se.srv.parties.leave(se) }},
		"kick":    {"/kick NAME: remove a member from the party you lead", 1, false, func(se *session, a []string, now time.Time) string { return se.srv.parties.kick(se, a[0]) }},
		"leader":  {"/leader NAME: hand the lead of your party over", 1, false, func(se *session, a []string, now time.Time) string { return se.srv.parties.promote(se, a[0]) }},
		"who": {"/who: who is online", 0, false, func(se *session, a []string, now time.Time) string {
			names := se.srv.players.names()
			return fmt.Sprintf("%d online: %s", len(names), strings.Join(names[:min(len(names), 30)], ", "))
		}},
		"help": {"/help: the commands", 0, false, func(se *session, a []string, now time.Time) string { return helpText() }},
	}
}

// helpText lists the commands.
func helpText() string {
	var b strings.Builder
	b.WriteString("Commands:")
	for _, name := range []string{"w", "r", "p", "invite", "accept", "decline", "leave", "kick", "leader", "who", "help"} {
		b.WriteString(" " + commands[name].usage + ";")
	}
	return strings.TrimSuffix(b.String(), ";")
}

// runCommand carries out line, a say line that starts with "/", and tells
// the player the answer.
func (se *session) runCommand(line string, now time.Time) {
	name, rest, _ := strings.Cut(line[1:], " ")
	cmd, ok := commands[strings.ToLower(name)]
	if !ok {
		se.tell(fmt.Sprintf("Unknown command /%s. Try /help.", name))
		return
	}
	args := strings.Fields(rest)
	if cmd.rest {
		words := strings.SplitN(strings.TrimSpace(rest), " ", cmd.args+1)
		if len(words) != cmd.args+1 || strings.TrimSpace(words[cmd.args]) == "" {
			se.tell("Usage: " + cmd.usage)
			return
		}
		args = words
		args[cmd.args] = strings.TrimSpace(args[cmd.args])
	} else if len(args) != cmd.args {
		se.tell("Usage: " + cmd.usage)
		return
	}
	if answer := cmd.run(se, args, now); answer != "" {
		se.tell(answer)
	}
}

// whisper sends text to the player named to, wherever they are, echoes it
// to the speaker, and lets the listener reply.
func (se *session) whisper(to, text string) {
	target, ok := se.srv.players.byCharacter(to)
	if !ok {
		se.tell(fmt.Sprintf("%s is not online.", to))
		return
	}
	if !target.s.member.post(protocol.ChatLine{Channel: protocol.ChannelWhisper, From: se.name, Text: text}.Append(nil)) {
		se.tell(fmt.Sprintf("%s cannot hear you right now.", target.name))
		return
	}
	target.s.member.replyTo.Store(&se.name)
	se.srv.metrics.chat.WithLabelValues("whisper").Inc()
	se.member.post(protocol.ChatLine{Channel: protocol.ChannelWhisperSent, From: target.name, Text: text}.Append(nil))
}

// invitationLine is the line that asks a player to join from's party.
func invitationLine(from string) []byte {
	return protocol.ChatLine{Channel: protocol.ChannelInvite, From: from, Text: from + " invites you to a party."}.Append(nil)
}

// partyLine is a party chat line.
func partyLine(from, text string) []byte {
	return protocol.ChatLine{Channel: protocol.ChannelParty, From: from, Text: text}.Append(nil)
}

// partyState is the Party message for p (nil: no party).
func partyState(p *party) []byte {
	if p == nil {
		return protocol.Party{}.Append(nil)
	}
	return protocol.Party{Leader: p.leader, Members: p.members}.Append(nil)
}
