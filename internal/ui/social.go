package ui

import (
	"slices"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// Chat and party timings and sizes.
const (
	// maxChatLines is how many lines the chat keeps; maxChatShown how many
	// the test hook lists.
	maxChatLines = 50
	maxChatShown = 20
	// inviteTime is how long an invitation waits for an answer.
	inviteTime = 60 * time.Second
	// sayTime is how long a said line shows in a bubble over the speaker.
	sayTime = 5 * time.Second
)

// chatLine is one line of the chat, received at at (local time).
type chatLine struct {
	channel    protocol.Channel
	from, text string
	at         time.Time
}

// social is what the world tells the player about the others: the chat,
// the party, a pending invitation and whose instance the player is in.
// The world session's reader fills it and the game goroutine takes copies
// (see worldSession.socialInto), under the session's lock.
type social struct {
	// lines are the last maxChatLines chat lines, oldest first.
	lines []chatLine
	// party is the player's party; no members for none. vitals are its
	// members' health and mana, in the order of party.Members, once the
	// world has sent them.
	party  protocol.Party
	vitals []protocol.MemberVitals
	// invite names who invited the player to a party, "" for no one, at
	// inviteAt (local time).
	invite   string
	inviteAt time.Time
	// owner names whose private instance the player is in; "" for a
	// shared one.
	owner string
}

// apply takes the part of message m, received at at, that is about the
// others.
func (so *social) apply(m protocol.Message, at time.Time) {
	switch m := m.(type) {
	case protocol.ChatLine:
		so.add(chatLine{channel: m.Channel, from: m.From, text: m.Text, at: at})
		if m.Channel == protocol.ChannelInvite {
			so.invite, so.inviteAt = m.From, at
		}
	case protocol.Party:
		so.party = m
		so.vitals = nil // they followed the old list of members
	case protocol.PartyVitals:
		if len(m.Members) == len(so.party.Members) {
			so.vitals = m.Members
		}
	case protocol.MapChange:
		so.owner = m.Owner
	}
}

// add appends a line, forgetting the oldest beyond maxChatLines.
func (so *social) add(l chatLine) {
	if len(so.lines) == maxChatLines {
		so.lines = slices.Delete(so.lines, 0, 1)
	}
	so.lines = append(so.lines, l)
}

// memberVitals returns the vitals of the party's member i, if the world
// has sent them.
func (so *social) memberVitals(i int) (protocol.MemberVitals, bool) {
	if i < len(so.vitals) {
		return so.vitals[i], true
	}
	return protocol.MemberVitals{}, false
}

// inParty reports whether name is one of the party's members.
func (so *social) inParty(name string) bool {
	return name != "" && slices.Contains(so.party.Members, name)
}

// copyFrom makes so a copy of src, reusing so's slices.
func (so *social) copyFrom(src *social) {
	lines, members, vitals := so.lines[:0], so.party.Members[:0], so.vitals[:0]
	*so = *src
	so.lines = append(lines, src.lines...)
	so.party.Members = append(members, src.party.Members...)
	so.vitals = append(vitals, src.vitals...)
}

// describe adds the chat, the party, the invitation and the instance's
// owner to a test snapshot.
func (so *social) describe(snap *Snapshot) {
	shown := so.lines[max(0, len(so.lines)-maxChatShown):]
	snap.Chat = make([]ChatEntry, len(shown))
	for i, l := range shown {
		snap.Chat[i] = ChatEntry{Channel: l.channel.String(), From: l.from, Text: l.text}
	}
	snap.Invite, snap.Owner = so.invite, so.owner
	snap.Party = nil
	if len(so.party.Members) > 0 {
		snap.Party = &PartyState{Leader: so.party.Leader, Members: make([]PartyMember, len(so.party.Members))}
		for i, name := range so.party.Members {
			m := PartyMember{Name: name, Online: true}
			if v, ok := so.memberVitals(i); ok {
				m.HP, m.MaxHP, m.MP, m.MaxMP, m.Online = int64(v.HP), int64(v.MaxHP), int64(v.MP), int64(v.MaxMP), v.Online()
			}
			snap.Party.Members[i] = m
		}
	}
}

// recentSays returns the lines of the last sayTime before now, oldest
// first: those a speech bubble may show.
func (so *social) recentSays(now time.Time) []chatLine {
	i := len(so.lines)
	for i > 0 && now.Sub(so.lines[i-1].at) < sayTime {
		i--
	}
	return so.lines[i:]
}

// lastSaid returns the newest line name said among lines, "" for none.
func lastSaid(lines []chatLine, name string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if l := &lines[i]; l.channel == protocol.ChannelSay && l.from == name {
			return l.text
		}
	}
	return ""
}
