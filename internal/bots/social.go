package bots

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// The social scenario (ScenarioSocial): bots walk as in ScenarioWalk and
// talk. Consecutive bots form party groups of 2, 3, 4, 5, 2, 3, … (see
// group); a group's first bot invites the others with "/invite NAME", each
// accepts when the invitation arrives, and once the party is whole its
// members head for the Dungeon, a private map, through the portals on the
// way, and must arrive in one private instance, their party's. Every bot
// says lines to its instance, whispers to other bots online, answers some
// whispers, and talks to its party.
//
// Delivery is checked exactly for whispers and party lines: each line a bot
// sends carries a tag unique in the run (the bot's index and a sequence
// number, see tag), the sender records the bots it must reach (the one
// whispered to; the other members of its party as its last Party message
// lists them) and each recipient strikes itself off when the line arrives.
// What is left when the run ends is lost. Says are counted as sent and
// heard but not checked: who is in an instance when the world hands a say
// out races with portal trips, so no bot can know its audience exactly.
// A recipient is expected only if its visit lasts at least chatGrace
// longer, so lines in flight when a bot logs out are not lost lines.

// Social parameters.
const (
	// chatEvery is the least time between two lines of one bot, commands
	// included, and chatEvery+chatJitter the most: at most 4 lines in any
	// 10 s, under the world's limit (chat.Burst in chat.Window).
	chatEvery  = 3 * time.Second
	chatJitter = 2 * time.Second
	// chatPoll is how often a bot sees whether a line is due.
	chatPoll = 100 * time.Millisecond
	// chatGrace is how long a recipient must stay in the world after a
	// line is sent for the line to be expected to reach it.
	chatGrace = 2 * time.Second
	// dungeonMap is the private map parties go to.
	dungeonMap = "dungeon"
)

// refusals are what the world's system lines say when it refuses a line
// or a command (internal/world's chat, commands and parties).
var refusals = []string{
	"Slow down", "is not online", "cannot hear you", "You are not in a party", "Unknown command",
	"Usage:", "You have no invitation", "already in a party", "Only the party's leader",
	"The party is full", "You are muted", "That is too long",
}

// socialStats are what a social bot said, heard and did.
type socialStats struct {
	sent, received, whispers, refused, formed int
	refusal                                   string // the first refusal's text
}

// group returns the first index and the size of bot i's party group among n
// bots: consecutive indices in groups of 2, 3, 4, 5, 2, 3, …, the last one
// cut short when the bots run out. A group of one plays alone.
func group(i, n int) (first, size int) {
	for g := 0; ; g++ {
		size = 2 + g%(protocol.MaxPartyMembers-1)
		if i < first+size {
			return first, min(size, n-first)
		}
		first += size
	}
}

// society is what the social bots of a run know of each other: who is
// online under which name and until when, the lines still owed to their
// recipients, and the private instances parties entered. Safe for
// concurrent use.
type society struct {
	mu       sync.Mutex     // guards the fields below
	names    []string       // by bot index; "" while offline
	leaves   []time.Time    // by bot index: when its visit ends
	byName   map[string]int // bot index by character name
	owed     map[string][]int
	expected int
	// private holds every private instance a bot entered, and parties
	// the one each party (by its first bot's index) entered first.
	private  map[instanceID]bool
	parties  map[int]instanceID
	together map[int]bool // parties two or more members of which met in their instance
	splits   int          // arrivals in another private instance than the party's
}

// instanceID names a map instance.
type instanceID struct {
	mapName  string
	instance uint32
}

// newSociety returns the society of a run of n bots, none online yet.
func newSociety(n int) *society {
	return &society{
		names: make([]string, n), leaves: make([]time.Time, n), byName: map[string]int{},
		owed: map[string][]int{}, private: map[instanceID]bool{}, parties: map[int]instanceID{},
		together: map[int]bool{},
	}
}

// enter records that bot i is online as name until leaves.
func (s *society) enter(i int, name string, leaves time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names[i], s.leaves[i], s.byName[name] = name, leaves, i
}

// leave records that bot i went offline.
func (s *society) leave(i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names[i], s.leaves[i] = "", time.Time{}
}

// name returns bot i's character name, "" while it is offline.
func (s *society) name(i int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.names[i]
}

// listensLocked reports whether bot i is online and stays so for chatGrace
// after now.
func (s *society) listensLocked(i int, now time.Time) bool {
	return s.names[i] != "" && s.leaves[i].Sub(now) >= chatGrace
}

// pick returns the name of another bot than self that listens at now,
// drawn at random, and false if a few draws find none.
func (s *society) pick(rng *rand.Rand, self int, now time.Time) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range 8 {
		if i := rng.IntN(len(s.names)); i != self && s.listensLocked(i, now) {
			return s.names[i], true
		}
	}
	return "", false
}

// expect records that the line tagged tag, sent at now, must reach those
// of the bots named in to that listen. It reports whether any does; if
// none, it records nothing.
func (s *society) expect(tag string, to []string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	var owed []int
	for _, name := range to {
		if i, ok := s.byName[name]; ok && s.listensLocked(i, now) {
			owed = append(owed, i)
		}
	}
	if len(owed) == 0 {
		return false
	}
	s.owed[tag] = owed
	s.expected += len(owed)
	return true
}

// heard strikes bot i off the recipients the line tagged tag still owes.
func (s *society) heard(tag string, i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if owed, ok := s.owed[tag]; ok {
		s.owed[tag] = slices.DeleteFunc(owed, func(r int) bool { return r == i })
	}
}

// arrived records that bot i, of the party led by bot leader (-1: none),
// entered a private instance.
func (s *society) arrived(in instanceID, leader int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.private[in] = true
	if leader < 0 {
		return
	}
	first, ok := s.parties[leader]
	switch {
	case !ok:
		s.parties[leader] = in
	case first != in:
		s.splits++
	default:
		s.together[leader] = true
	}
}

// report adds what the society knows to sum. Call it once every bot has
// finished.
func (s *society) report(sum *Summary) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum.ChatExpected = s.expected
	for _, owed := range s.owed {
		sum.ChatLost += len(owed)
	}
	sum.PrivateInstances = len(s.private)
	sum.PartyDungeons = len(s.together)
	sum.PartySplits = s.splits
}

// socialite is one social bot's talk and party play. The game's goroutine
// owns it.
type socialite struct {
	soc         *society
	rng         *rand.Rand
	index       int
	name        string    // its character's
	first, size int       // its party group
	invited     []bool    // the leader's: which members it invited, by offset
	next        time.Time // when it may say its next line
	seq         int
	queue       []protocol.Chat // lines due before any small talk: answers
	party       []string        // the members, as the world last said
	trip        bool            // the party is whole: it heads for the dungeon
	stats       socialStats
}

// newSocialite starts, at now, the social life of bot i of n, whose
// character is called name. It uses the game's rng.
func newSocialite(soc *society, rng *rand.Rand, i, n int, name string, now time.Time) *socialite {
	s := &socialite{soc: soc, rng: rng, index: i, name: name}
	s.first, s.size = group(i, n)
	if s.leads() {
		s.invited = make([]bool, s.size)
	}
	s.next = now.Add(time.Duration(rng.Int64N(int64(chatEvery))))
	return s
}

// leads reports whether the bot is its party group's leader.
func (s *socialite) leads() bool { return s.first == s.index && s.size > 1 }

// line returns the line the bot says at now, if one is due: an answer
// first, then an invitation (the leader's), then small talk, and a say
// when no bot would hear the whisper or party line it meant to send.
func (s *socialite) line(now time.Time) (protocol.Chat, bool) {
	if now.Before(s.next) {
		return protocol.Chat{}, false
	}
	s.next = now.Add(chatEvery + time.Duration(s.rng.Int64N(int64(chatJitter))))
	for len(s.queue) > 0 {
		c := s.queue[0]
		s.queue = s.queue[1:]
		if s.send(c, now) {
			return c, true
		}
	}
	if c, ok := s.invite(); ok {
		return c, true
	}
	if c := s.talk(now); s.send(c, now) {
		return c, true
	}
	c := protocol.Chat{Channel: protocol.ChannelSay, Text: s.tagged("hello all")}
	s.send(c, now)
	return c, true
}

// invite returns the leader's invitation to the next member of its group
// that is online and not yet invited.
func (s *socialite) invite() (protocol.Chat, bool) {
	for off := 1; off < len(s.invited); off++ {
		if s.invited[off] {
			continue
		}
		if name := s.soc.name(s.first + off); name != "" {
			s.invited[off] = true
			return protocol.Chat{Channel: protocol.ChannelSay, Text: "/invite " + name}, true
		}
	}
	return protocol.Chat{}, false
}

// talk returns a line of small talk: to the party, to another bot, or to
// the instance.
func (s *socialite) talk(now time.Time) protocol.Chat {
	switch r := s.rng.IntN(3); {
	case r == 0 && len(s.party) > 1:
		return protocol.Chat{Channel: protocol.ChannelParty, Text: s.tagged("hello party")}
	case r == 1:
		if name, ok := s.soc.pick(s.rng, s.index, now); ok {
			return protocol.Chat{Channel: protocol.ChannelWhisper, To: name, Text: s.tagged("psst")}
		}
	}
	return protocol.Chat{Channel: protocol.ChannelSay, Text: s.tagged("hello all")}
}

// tagged returns text with the bot's next tag.
func (s *socialite) tagged(text string) string {
	s.seq++
	return fmt.Sprintf("%s [%d.%d]", text, s.index, s.seq)
}

// send decides whether to send c at now, and if so counts it and records
// whom it must reach. It refuses a whisper or party line that no bot would
// be there to hear: a whisper to a bot that left (the world would answer
// that it is not online), or a party line when the other members left
// (the party is disbanded).
func (s *socialite) send(c protocol.Chat, now time.Time) bool {
	tag, _, ok := tagOf(c.Text)
	if !ok {
		return true // a command
	}
	switch c.Channel {
	case protocol.ChannelWhisper:
		if !s.soc.expect(tag, []string{c.To}, now) {
			return false
		}
		s.stats.whispers++
	case protocol.ChannelParty:
		others := slices.DeleteFunc(slices.Clone(s.party), func(m string) bool { return m == s.name })
		if !s.soc.expect(tag, others, now) {
			return false
		}
	}
	s.stats.sent++
	return true
}

// tagOf returns the tag of a bot's line and the index of the bot that
// said it, and false for a line without one.
func tagOf(text string) (tag string, from int, ok bool) {
	open := strings.LastIndexByte(text, '[')
	if open < 0 || !strings.HasSuffix(text, "]") {
		return "", 0, false
	}
	tag = text[open+1 : len(text)-1]
	index, _, ok := strings.Cut(tag, ".")
	from, err := strconv.Atoi(index)
	return tag, from, ok && err == nil
}

// hear takes a chat line or a Party message from the world. It
// reports whether the party just became whole, which starts the trip to
// the dungeon.
func (s *socialite) hear(m protocol.Message) bool {
	switch m := m.(type) {
	case protocol.ChatLine:
		s.chatLine(m)
	case protocol.Party:
		s.party = m.Members
		if s.leads() && len(m.Members) > 1 && s.stats.formed == 0 {
			s.stats.formed = 1
		}
		if !s.trip && s.size > 1 && len(m.Members) == s.size {
			s.trip = true
			return true
		}
	}
	return false
}

// chatLine counts a line heard, strikes it off what is owed, answers
// invitations, and answers some whispers.
func (s *socialite) chatLine(m protocol.ChatLine) {
	switch m.Channel {
	case protocol.ChannelSystem:
		for _, r := range refusals {
			if strings.Contains(m.Text, r) {
				s.stats.refused++
				s.stats.refusal = cmp.Or(s.stats.refusal, m.Text)
				return
			}
		}
	case protocol.ChannelInvite:
		answer := "/decline"
		if s.size > 1 && m.From == s.soc.name(s.first) {
			answer = "/accept"
		}
		s.queue = append([]protocol.Chat{{Channel: protocol.ChannelSay, Text: answer}}, s.queue...)
	case protocol.ChannelSay, protocol.ChannelWhisper, protocol.ChannelParty:
		tag, from, ok := tagOf(m.Text)
		if !ok || from == s.index {
			return
		}
		s.stats.received++
		if m.Channel == protocol.ChannelSay {
			return
		}
		s.soc.heard(tag, s.index)
		if m.Channel == protocol.ChannelWhisper && len(s.queue) < 2 && s.rng.IntN(2) == 0 {
			s.queue = append(s.queue, protocol.Chat{Channel: protocol.ChannelWhisper, To: m.From, Text: s.tagged("hi back")})
		}
	}
}

// arrive takes a map change: it records the private instances the bot
// enters.
func (s *socialite) arrive(m protocol.MapChange) {
	if m.Owner == "" {
		return
	}
	leader := -1
	if s.size > 1 && len(s.party) > 1 {
		leader = s.first
	}
	s.soc.arrived(instanceID{m.Map, m.Instance}, leader)
}

// route returns the portals of m that lead on towards the dungeon while
// the bot is on its party's trip there, and none otherwise (in the dungeon
// too): the walker then only wanders.
func (s *socialite) route(mc *client.MapCache, m *maps.Map) ([]maps.Portal, error) {
	if !s.trip {
		return nil, nil
	}
	hop, err := nextHop(mc, m.Name, dungeonMap)
	if err != nil || hop == "" {
		return nil, err
	}
	var out []maps.Portal
	for _, p := range m.Portals {
		if p.TargetMap == hop {
			out = append(out, p)
		}
	}
	return out, nil
}

// nextHop returns the map next after from on the shortest way through
// portals to map to, or "" if from is to or no way leads there.
func nextHop(mc *client.MapCache, from, to string) (string, error) {
	first := map[string]string{from: ""} // each map reached: the first hop towards it
	for queue := []string{from}; len(queue) > 0; queue = queue[1:] {
		m, err := mc.Map(queue[0])
		if err != nil {
			return "", fmt.Errorf("bots: %w", err)
		}
		for _, p := range m.Portals {
			if _, seen := first[p.TargetMap]; seen {
				continue
			}
			first[p.TargetMap] = cmp.Or(first[queue[0]], p.TargetMap)
			if p.TargetMap == to {
				return first[to], nil
			}
			queue = append(queue, p.TargetMap)
		}
	}
	return "", nil
}
