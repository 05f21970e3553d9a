package world

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// Party rules.
const (
	// MaxPartySize is the most players in a party.
	MaxPartySize = 5
	// inviteTTL is how long an invitation waits for an answer.
	inviteTTL = time.Minute
)

// party is a group of players who share chat, experience and private
// dungeons. Its fields are guarded by the parties' lock.
type party struct {
	id      uint32
	leader  string   // a member's name
	members []string // character names as written, the leader among them
}

// invite is an invitation waiting for its answer.
type invite struct {
	p       *party
	from    string
	expires time.Time
}

// parties holds the world's parties and invitations, by character name
// folded to lower case. Safe for concurrent use: sessions change
// it, and the registry and runners read a member's party id from
// member.party, which it keeps current.
type parties struct {
	srv     *Server
	mu      sync.Mutex // guards the fields below and every party's fields
	last    uint32     // the last party id given
	byName  map[string]*party
	invites map[string]invite
}

func newParties(s *Server) *parties {
	return &parties{srv: s, byName: make(map[string]*party), invites: make(map[string]invite)}
}

// of returns the party id of the player name (0: none) and its leader.
func (ps *parties) of(name string) (uint32, string) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if p := ps.byName[key(name)]; p != nil {
		return p.id, p.leader
	}
	return 0, ""
}

// invite has from invite the player named to: into from's party, or a new
// one that from leads. It returns what to tell from.
func (ps *parties) invite(from *session, to string, now time.Time) string {
	target, ok := ps.srv.players.byCharacter(to)
	switch {
	case !ok:
		return fmt.Sprintf("%s is not online.", to)
	case target.s == from:
		return "You cannot invite yourself."
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.byName[key(from.name)]
	switch {
	case ps.byName[key(target.name)] != nil:
		return fmt.Sprintf("%s is already in a party.", target.name)
	case p != nil && p.leader != from.name:
		return "Only the party's leader may invite."
	case p != nil && len(p.members) >= MaxPartySize:
		return fmt.Sprintf("The party is full (%d).", MaxPartySize)
	}
	if p == nil {
		ps.last++
		p = &party{id: ps.last, leader: from.name, members: []string{from.name}}
		ps.byName[key(from.name)] = p
		ps.changed(p)
	}
	ps.invites[key(target.name)] = invite{p: p, from: from.name, expires: now.Add(inviteTTL)}
	target.s.member.post(invitationLine(from.name))
	return fmt.Sprintf("You invited %s.", target.name)
}

// answer accepts or declines the invitation waiting for se, and returns
// what to tell se.
func (ps *parties) answer(se *session, accept bool, now time.Time) string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	inv, ok := ps.invites[key(se.name)]
	if !ok || now.After(inv.expires) {
		delete(ps.invites, key(se.name))
		if ok {
			ps.disbandIfAloneLocked(inv.p, now)
		}
		return "You have no invitation."
	}
	delete(ps.invites, key(se.name))
	p := inv.p
	switch {
	case !accept:
		ps.tellParty(p, fmt.Sprintf("%s declined the invitation.", se.name))
		ps.disbandIfAloneLocked(p, now)
		return "You declined."
	case ps.byName[key(se.name)] != nil:
		return "You are already in a party."
	case len(p.members) == 0:
		return "That party is gone."
	case len(p.members) >= MaxPartySize:
		return fmt.Sprintf("The party is full (%d).", MaxPartySize)
	}
	p.members = append(p.members, se.name)
	ps.byName[key(se.name)] = p
	ps.changed(p)
	ps.tellParty(p, fmt.Sprintf("%s joined the party.", se.name))
	return ""
}

// disbandIfAloneLocked ends p, made by an invitation, when its leader is
// still alone in it and no other invitation to it waits.
func (ps *parties) disbandIfAloneLocked(p *party, now time.Time) {
	if len(p.members) != 1 {
		return
	}
	for _, inv := range ps.invites {
		if inv.p == p && !now.After(inv.expires) {
			return
		}
	}
	leader := p.members[0]
	delete(ps.byName, key(leader))
	p.members = nil
	ps.setParty(leader, 0)
	ps.sendState(leader, nil)
}

// leave takes se out of its party; it returns what to tell se.
func (ps *parties) leave(se *session) string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.byName[key(se.name)] == nil {
		return "You are not in a party."
	}
	ps.removeLocked(se.name, fmt.Sprintf("%s left the party.", se.name))
	return "You left the party."
}

// kick has the leader se take name out of its party.
func (ps *parties) kick(se *session, name string) string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p, refusal := ps.ledLocked(se, name, "kick")
	if refusal != "" {
		return refusal
	}
	member := ps.memberName(p, name)
	if m, ok := ps.srv.players.byCharacter(member); ok {
		m.s.tell("You were removed from the party.")
	}
	ps.removeLocked(member, fmt.Sprintf("%s was removed from the party.", member))
	return ""
}

// ledLocked returns se's party if se leads it and name is another member
// of it, or else why se may not do what to name.
func (ps *parties) ledLocked(se *session, name, what string) (*party, string) {
	p := ps.byName[key(se.name)]
	switch {
	case p == nil:
		return nil, "You are not in a party."
	case p.leader != se.name:
		return nil, fmt.Sprintf("Only the party's leader may %s.", what)
	case ps.byName[key(name)] != p || strings.EqualFold(name, se.name):
		return nil, fmt.Sprintf("%s is not another member of your party.", name)
	}
	return p, ""
}

// leads reports whether se leads a party that name, someone else, is in.
func (ps *parties) leads(se *session, name string) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	_, refusal := ps.ledLocked(se, name, "")
	return refusal == ""
}

// promote has the leader se hand the lead to name.
func (ps *parties) promote(se *session, name string) string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p, refusal := ps.ledLocked(se, name, "hand the lead over")
	if refusal != "" {
		return refusal
	}
	p.leader = ps.memberName(p, name)
	ps.changed(p)
	ps.tellParty(p, fmt.Sprintf("%s leads the party now.", p.leader))
	return ""
}

// say sends a party line from se to every member online.
func (ps *parties) say(se *session, text string) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.byName[key(se.name)]
	if p == nil {
		return false
	}
	line := partyLine(se.name, text)
	for _, name := range p.members {
		if m, ok := ps.srv.players.byCharacter(name); ok {
			m.s.member.post(line)
		}
	}
	return true
}

// vitals returns the health and mana of the party of the player name, in
// the order of its members, as their runners last published them; false
// when name is in no party.
func (ps *parties) vitals(name string) (protocol.PartyVitals, bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.byName[key(name)]
	if p == nil {
		return protocol.PartyVitals{}, false
	}
	var v [MaxPartySize]protocol.MemberVitals
	for i, name := range p.members {
		if m, ok := ps.srv.players.byCharacter(name); ok {
			v[i] = unpackVitals(m.s.member.vitals.Load())
		}
	}
	return protocol.PartyVitals{Members: v[:len(p.members)]}, true
}

// loggedOut takes a player who left the world out of its party and its
// invitations.
func (ps *parties) loggedOut(name string) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	delete(ps.invites, key(name))
	if ps.byName[key(name)] != nil {
		ps.removeLocked(name, fmt.Sprintf("%s left the world.", name))
	}
}

// removeLocked takes name out of its party, telling the others why. A
// party left with one member is disbanded, and one left with none (its
// leader was alone, waiting for answers) is dropped; a leader who leaves
// hands the lead to the next member.
func (ps *parties) removeLocked(name, why string) {
	p := ps.byName[key(name)]
	delete(ps.byName, key(name))
	p.members = slices.DeleteFunc(p.members, func(m string) bool { return m == name })
	ps.setParty(name, 0)
	ps.sendState(name, nil)
	if len(p.members) == 0 {
		return // a leader alone, whose invitations were not yet answered
	}
	if len(p.members) == 1 {
		last := p.members[0]
		delete(ps.byName, key(last))
		p.members = nil
		ps.setParty(last, 0)
		ps.sendState(last, nil)
		if m, ok := ps.srv.players.byCharacter(last); ok {
			m.s.tell(why + " The party is disbanded.")
		}
		return
	}
	if p.leader == name {
		p.leader = p.members[0]
		why += fmt.Sprintf(" %s leads the party now.", p.leader)
	}
	ps.changed(p)
	ps.tellParty(p, why)
}

// memberName returns how the member of p named name (in any case) writes
// it.
func (ps *parties) memberName(p *party, name string) string {
	for _, m := range p.members {
		if strings.EqualFold(m, name) {
			return m
		}
	}
	return name
}

// changed tells every member of p the party's new state and records
// their party id.
func (ps *parties) changed(p *party) {
	for _, name := range p.members {
		ps.setParty(name, p.id)
		ps.sendState(name, p)
	}
}

// setParty records the party id of the player name, if online, for the
// runners and the registry.
func (ps *parties) setParty(name string, id uint32) {
	if m, ok := ps.srv.players.byCharacter(name); ok {
		m.s.member.party.Store(id)
	}
}

// sendState sends the player name its party's members and leader (none
// for nil).
func (ps *parties) sendState(name string, p *party) {
	m, ok := ps.srv.players.byCharacter(name)
	if !ok {
		return
	}
	m.s.member.post(partyState(p))
}

// tellParty sends a system line to every member of p online.
func (ps *parties) tellParty(p *party, text string) {
	for _, name := range p.members {
		if m, ok := ps.srv.players.byCharacter(name); ok {
			m.s.tell(text)
		}
	}
}

func key(name string) string { return strings.ToLower(name) }
