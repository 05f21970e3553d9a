package world

import (
	"fmt"
	"strings"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// command is a chat command: who may use it, what it needs and what it
// does.
type command struct {
	usage string // how to write it, for /help and usage errors
	// role is the least role that may use it; "" for everyone.
	role api.Role
	// args is how many words must follow the command; rest says the words
	// after them are one more argument (a message), which must not be
	// empty.
	args int
	rest bool
	// speaks says the command talks to other players, which a muted
	// player may not.
	speaks bool
	run    func(se *session, args []string, now time.Time) string
}

// commands are the chat commands, by name; helpOrder lists them as /help
// does.
var (
	commands  map[string]command
	helpOrder = []string{
		"w", "r", "p", "invite", "accept", "decline", "leave", "kick", "leader", "who", "help",
		"mute", "unmute", "ban", "where", "goto", "summon", "heal", "broadcast",
	}
)

func init() {
	commands = map[string]command{
		"w": {usage: "/w NAME MESSAGE: whisper to a player", args: 1, rest: true, speaks: true, run: func(se *session, a []string, now time.Time) string {
			se.whisper(a[0], a[1])
			return ""
		}},
		"r": {usage: "/r MESSAGE: whisper back to whoever whispered to you last", rest: true, speaks: true, run: func(se *session, a []string, now time.Time) string {
			to := se.member.replyTo.Load()
			if to == nil {
				return "Nobody has whispered to you yet."
			}
			se.whisper(*to, a[0])
			return ""
		}},
		"p": {usage: "/p MESSAGE: talk to your party", rest: true, speaks: true, run: func(se *session, a []string, now time.Time) string {
			if !se.srv.parties.say(se, a[0]) {
				return "You are not in a party."
			}
			return ""
		}},
		"invite":  {usage: "/invite NAME: invite a player to your party", args: 1, run: func(se *session, a []string, now time.Time) string { return se.srv.parties.invite(se, a[0], now) }},
		"accept":  {usage: "/accept: join the party you were invited to", run: func(se *session, a []string, now time.Time) string { return se.srv.parties.answer(se, true, now) }},
		"decline": {usage: "/decline: turn an invitation down", run: func(se *session, a []string, now time.Time) string { return se.srv.parties.answer(se, false, now) }},
		"leave":   {usage: "/leave: leave your party", run: func(se *session, a []string, now time.Time) string { return se.srv.parties.leave(se) }},
		// /kick is the party leader's and the moderator's: see kick.
		"kick":   {usage: "/kick NAME: remove a member from the party you lead", rest: true, run: (*session).kick},
		"leader": {usage: "/leader NAME: hand the lead of your party over", args: 1, run: func(se *session, a []string, now time.Time) string { return se.srv.parties.promote(se, a[0]) }},
		"who": {usage: "/who: who is online", run: func(se *session, a []string, now time.Time) string {
			names := se.srv.players.names()
			return fmt.Sprintf("%d online: %s", len(names), strings.Join(names[:min(len(names), 30)], ", "))
		}},
		"help": {usage: "/help: the commands you may use", run: func(se *session, a []string, now time.Time) string {
			for _, line := range helpLines(se.grant.Role) {
				se.tell(line)
			}
			return ""
		}},
	}
	for name, c := range moderatorCommands {
		commands[name] = c
	}
}

// helpLines lists the commands role may use, as /help tells them: a line
// of every player's commands, then one for each role above player that
// role has, each within protocol.MaxChatText.
func helpLines(role api.Role) []string {
	tiers := []struct {
		role  api.Role
		title string
	}{{"", "Commands:"}, {api.RoleModerator, "Moderator commands:"}, {api.RoleAdmin, "Admin commands:"}}
	var lines []string
	for _, tier := range tiers {
		if tier.role != "" && !role.AtLeast(tier.role) {
			break
		}
		var b strings.Builder
		b.WriteString(tier.title)
		for _, name := range helpOrder {
			c := commands[name]
			if c.role != tier.role {
				continue
			}
			if name == "kick" && role.AtLeast(api.RoleModerator) {
				c.usage = kickUsage
			}
			b.WriteString(" " + c.usage + ";")
		}
		lines = append(lines, strings.TrimSuffix(b.String(), ";"))
	}
	return lines
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
	if cmd.role != "" && !se.grant.Role.AtLeast(cmd.role) {
		se.tell(fmt.Sprintf("/%s is for %ss.", strings.ToLower(name), cmd.role))
		return
	}
	if cmd.speaks && se.refuseIfMuted(now) {
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
