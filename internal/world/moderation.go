package world

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/moderation"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
)

// moderatorCommands are the commands of moderators and admins. Each acts on
// a player online in this world, by character name; offline accounts are
// dealt with on the command line (tinymmo admin). Each is first sent to the
// master (see moderate), which checks the role again, applies any ban or
// mute and writes the audit row; only then does the world act.
var moderatorCommands = map[string]command{
	"mute": {usage: "/mute NAME DURATION REASON: silence a player for up to 30d (30s, 10m, 2h, 1d)", role: api.RoleModerator, args: 2, rest: true,
		run: (*session).muteCommand},
	"unmute": {usage: "/unmute NAME: let a muted player speak again", role: api.RoleModerator, args: 1,
		run: (*session).unmuteCommand},
	"ban": {usage: "/ban NAME DURATION|perm REASON: ban a player's account (up to 365d, or for good) and remove them", role: api.RoleModerator, args: 2, rest: true,
		run: (*session).banCommand},
	"where": {usage: "/where NAME: the map and position of a player", role: api.RoleModerator, args: 1,
		run: (*session).whereCommand},
	"goto": {usage: "/goto NAME: go to a player, on any map (your own copy of a private map)", role: api.RoleModerator, args: 1,
		run: (*session).gotoCommand},
	"summon": {usage: "/summon NAME: bring a player to you, from any map", role: api.RoleModerator, args: 1,
		run: (*session).summonCommand},
	"heal": {usage: "/heal NAME: give a player (or yourself) back full health and mana", role: api.RoleModerator, args: 1,
		run: (*session).healCommand},
	"broadcast": {usage: "/broadcast MESSAGE: tell everyone online in this world", role: api.RoleAdmin, rest: true,
		run: (*session).broadcastCommand},
}

// kickUsage is /kick's usage for moderators, who may also kick players
// from the world.
const kickUsage = "/kick NAME [REASON]: remove a member from the party you lead; anyone else, from the world (REASON needed)"

// moderateTimeout bounds the wait for the master's answer. The moderator's
// session waits for it, so that the answer comes before the next command.
const moderateTimeout = 3 * time.Second

// moderate asks the master to check, apply and record the moderator se's
// action req. It returns what to tell se when the master refuses, or ""
// when the action may go ahead.
func (se *session) moderate(req cluster.ModerateRequest) string {
	req.ActorID, req.ActorName = se.grant.AccountID, se.name
	ctx, cancel := context.WithTimeout(se.srv.ctx, moderateTimeout)
	defer cancel()
	_, err := cluster.Request[cluster.Empty](ctx, se.srv.nc, cluster.SubjectModerate, req)
	if err == nil {
		return ""
	}
	var ae *api.Error
	if !errors.As(err, &ae) {
		se.srv.log.Error("world: moderate", "action", req.Action, "err", err)
		return "That did not work; nothing was done."
	}
	return "Refused: " + sentence(ae.Message)
}

// online returns the session of the player named name, or what to tell
// se when there is none.
func (se *session) online(name string) (named, string) {
	target, ok := se.srv.players.byCharacter(name)
	if !ok {
		return named{}, fmt.Sprintf("%s is not online.", name)
	}
	return target, ""
}

// sanction sends a ban, mute or kick of the player named name to the
// master, with reason. It returns the target, or what to tell se.
func (se *session) sanction(action store.Action, name, reason string, d time.Duration) (named, string) {
	target, answer := se.online(name)
	if answer != "" {
		return named{}, answer
	}
	reason, err := moderation.CheckReason(reason)
	if err != nil {
		return named{}, sentence(err.Error())
	}
	if answer := se.moderate(cluster.ModerateRequest{Action: string(action), TargetID: target.s.grant.AccountID,
		TargetName: target.name, Reason: reason, For: d}); answer != "" {
		return named{}, answer
	}
	return target, ""
}

func (se *session) muteCommand(a []string, now time.Time) string {
	d, err := moderation.ParseDuration(a[1], moderation.MaxMute)
	if err != nil {
		return sentence(err.Error())
	}
	target, answer := se.sanction(store.ActionMute, a[0], a[2], d)
	if answer != "" {
		return answer
	}
	reason := strings.TrimSpace(a[2])
	target.s.mute.Store(&cluster.Mute{Until: now.Add(d), Reason: reason})
	target.s.tell(fmt.Sprintf("A moderator muted you for %s: %s", moderation.FormatLeft(d), sentence(reason)))
	return fmt.Sprintf("%s is muted for %s.", target.name, moderation.FormatLeft(d))
}

func (se *session) unmuteCommand(a []string, now time.Time) string {
	target, answer := se.online(a[0])
	if answer != "" {
		return answer
	}
	if answer := se.moderate(cluster.ModerateRequest{Action: string(store.ActionUnmute),
		TargetID: target.s.grant.AccountID, TargetName: target.name}); answer != "" {
		return answer
	}
	target.s.mute.Store(nil)
	target.s.tell("You may speak again.")
	return fmt.Sprintf("%s may speak again.", target.name)
}

func (se *session) banCommand(a []string, now time.Time) string {
	d, err := moderation.ParseBan(a[1])
	if err != nil {
		return sentence(err.Error())
	}
	target, answer := se.sanction(store.ActionBan, a[0], a[2], d)
	if answer != "" {
		return answer
	}
	target.s.closeBecause(protocol.CloseBanned, a[2])
	if d == 0 {
		return fmt.Sprintf("%s is banned for good.", target.name)
	}
	return fmt.Sprintf("%s is banned for %s.", target.name, moderation.FormatLeft(d))
}

// kick is /kick: a party kick when se leads a party with name in it, or
// se is not a moderator; otherwise a kick from the world, which needs a
// reason.
func (se *session) kick(a []string, now time.Time) string {
	name, reason, _ := strings.Cut(a[0], " ")
	if se.srv.parties.leads(se, name) || !se.grant.Role.AtLeast(api.RoleModerator) {
		return se.srv.parties.kick(se, name)
	}
	if strings.TrimSpace(reason) == "" {
		return "Usage: " + kickUsage
	}
	target, answer := se.sanction(store.ActionKick, name, reason, 0)
	if answer != "" {
		return answer
	}
	target.s.closeBecause(protocol.CloseKicked, reason)
	return fmt.Sprintf("%s was removed from the world.", target.name)
}

// audited sends an action that changes nothing stored (where, goto,
// summon) to the master to check and record, and returns the target, or
// what to tell se.
func (se *session) audited(action store.Action, name string) (named, string) {
	target, answer := se.online(name)
	if answer != "" {
		return named{}, answer
	}
	return target, se.moderate(cluster.ModerateRequest{Action: string(action), TargetID: target.s.grant.AccountID, TargetName: target.name})
}

func (se *session) whereCommand(a []string, now time.Time) string {
	target, answer := se.audited(store.ActionWhere, a[0])
	if answer != "" {
		return answer
	}
	if !target.s.member.give(func(r *runner, m *member) {
		p := placeOf(m)
		se.tell(fmt.Sprintf("%s is on %s at (%d, %d).", target.name, p.Map,
			p.Pos.X/rules.SubpixelsPerPixel, p.Pos.Y/rules.SubpixelsPerPixel))
	}) {
		return busy(target.name)
	}
	return ""
}

func (se *session) gotoCommand(a []string, now time.Time) string {
	target, answer := se.audited(store.ActionGoto, a[0])
	if answer != "" {
		return answer
	}
	if !target.s.member.give(func(r *runner, m *member) {
		if !se.member.give(moveTo(placeOf(m))) {
			se.tell(busy(se.name))
		}
	}) {
		return busy(target.name)
	}
	return ""
}

func (se *session) summonCommand(a []string, now time.Time) string {
	target, answer := se.audited(store.ActionSummon, a[0])
	if answer != "" {
		return answer
	}
	if !se.member.give(func(r *runner, m *member) {
		if !target.s.member.give(moveTo(placeOf(m))) {
			se.tell(busy(target.name))
		}
	}) {
		return busy(se.name)
	}
	return ""
}

func (se *session) healCommand(a []string, now time.Time) string {
	target, answer := se.audited(store.ActionHeal, a[0])
	if answer != "" {
		return answer
	}
	if !target.s.member.give(func(r *runner, m *member) {
		if !r.core.Restore(m.player) {
			se.tell(fmt.Sprintf("%s is dead and will come back whole.", target.name))
			return
		}
		se.tell(fmt.Sprintf("%s is healed.", target.name))
		if target.s != se {
			target.s.tell("A moderator healed you.")
		}
	}) {
		return busy(target.name)
	}
	return ""
}

func (se *session) broadcastCommand(a []string, now time.Time) string {
	if answer := se.moderate(cluster.ModerateRequest{Action: string(store.ActionBroadcast), Detail: a[0]}); answer != "" {
		return answer
	}
	se.srv.players.tellAll(protocol.ChatLine{Channel: protocol.ChannelSystem, Text: "[Broadcast] " + a[0]}.Append(nil))
	return ""
}

// refuseIfMuted tells a muted player so, with the time left and why, and
// reports whether it is muted at now.
func (se *session) refuseIfMuted(now time.Time) bool {
	m := se.mute.Load()
	if m == nil || !now.Before(m.Until) {
		return false
	}
	se.tell(fmt.Sprintf("You are muted for %s: %s", moderation.FormatLeft(m.Until.Sub(now)), sentence(m.Reason)))
	return true
}

// busy is the answer when a player's orders are piling up.
func busy(name string) string { return fmt.Sprintf("%s is busy; try again in a moment.", name) }

// sentence returns s with its first letter in upper case and a full stop
// at the end, unless it ends in punctuation already.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if last, _ := utf8.DecodeLastRuneInString(s); !unicode.IsPunct(last) {
		s += "."
	}
	return s
}
