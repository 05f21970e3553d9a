package protocol

import (
	"fmt"
	"math"

	"github.com/tinymmo/tinymmo/internal/wire"
)

// Chat limits, in bytes. A line is at most chat.MaxRunes characters, which
// UTF-8 writes in at most 4 bytes each.
const (
	MaxChatText = 800
	MaxChatName = 64
)

// Channel says where a chat line goes, or where it came from.
type Channel uint8

// The channels. A client sends Say, Whisper and Party; the world sends all
// of them.
const (
	// ChannelSay is everyone in the speaker's map instance.
	ChannelSay Channel = 0
	// ChannelWhisper is one player, by name, on any map of the world. In a
	// ChatLine it is a whisper to the client from From.
	ChannelWhisper Channel = 1
	// ChannelParty is the speaker's party.
	ChannelParty Channel = 2
	// ChannelWhisperSent (world → client) echoes the client's own whisper
	// to From.
	ChannelWhisperSent Channel = 3
	// ChannelSystem (world → client) is the world speaking: its message of
	// the day, broadcasts, refusals ("slow down") and notices.
	ChannelSystem Channel = 4
	// ChannelInvite (world → client): From invites the client to a party;
	// the client offers to accept or decline (the lines "/accept" and
	// "/decline").
	ChannelInvite Channel = 5
)

// String returns the channel's name.
func (c Channel) String() string {
	switch c {
	case ChannelSay:
		return "say"
	case ChannelWhisper:
		return "whisper"
	case ChannelParty:
		return "party"
	case ChannelWhisperSent:
		return "whisper-sent"
	case ChannelSystem:
		return "system"
	case ChannelInvite:
		return "invite"
	}
	return fmt.Sprintf("Channel(%d)", uint8(c))
}

// Chat is a line a player says (client → world). The world cleans and
// checks Text (package chat), and answers a refusal with a system line.
type Chat struct {
	// Channel is ChannelSay, ChannelWhisper or ChannelParty.
	Channel Channel
	// To names the player a whisper goes to; empty otherwise.
	To   string
	Text string
}

// Type returns TypeChat.
func (Chat) Type() Type { return TypeChat }

// Append appends the encoded Chat to b.
func (m Chat) Append(b []byte) []byte { return appendLine(b, TypeChat, m.Channel, m.To, m.Text) }

func decodeChat(payload []byte) (Message, error) {
	channel, to, text, err := decodeLine(payload)
	if err != nil {
		return nil, err
	}
	m := Chat{Channel: channel, To: to, Text: text}
	switch {
	case m.Channel > ChannelParty:
		return nil, fmt.Errorf("channel %d is not one a client speaks on", m.Channel)
	case (m.Channel == ChannelWhisper) != (m.To != ""):
		return nil, fmt.Errorf("channel %v with recipient %q: a whisper, and only a whisper, names one", m.Channel, m.To)
	}
	return m, nil
}

// ChatLine is a chat line for the client (world → client).
type ChatLine struct {
	Channel Channel
	// From is the speaker's name: for ChannelWhisperSent the recipient's,
	// and empty for ChannelSystem.
	From string
	Text string
}

// Type returns TypeChatLine.
func (ChatLine) Type() Type { return TypeChatLine }

// Append appends the encoded ChatLine to b.
func (m ChatLine) Append(b []byte) []byte {
	return appendLine(b, TypeChatLine, m.Channel, m.From, m.Text)
}

func decodeChatLine(payload []byte) (Message, error) {
	channel, from, text, err := decodeLine(payload)
	if err != nil {
		return nil, err
	}
	m := ChatLine{Channel: channel, From: from, Text: text}
	if m.Channel > ChannelInvite {
		return nil, fmt.Errorf("channel %d unknown", m.Channel)
	}
	return m, nil
}

// appendLine appends a Chat or ChatLine: the type, the channel, a name
// and the text.
func appendLine(b []byte, t Type, c Channel, name, text string) []byte {
	b = append(b, uint8(t), uint8(c))
	b = wire.AppendString(b, name)
	return wire.AppendString(b, text)
}

// decodeLine reads the payload appendLine writes.
func decodeLine(payload []byte) (c Channel, name, text string, err error) {
	r := wire.NewReader(payload)
	c = Channel(r.U8())
	name = r.String(MaxChatName)
	text = r.String(MaxChatText)
	return c, name, text, r.Done()
}

// Party tells the client its party (world → client): sent when it joins,
// changes or leaves one. No members means no party.
type Party struct {
	Leader  string
	Members []string // at most MaxPartyMembers, the leader among them
}

// MaxPartyMembers is the most members a Party lists.
const MaxPartyMembers = 5

// Type returns TypeParty.
func (Party) Type() Type { return TypeParty }

// Append appends the encoded Party to b.
func (m Party) Append(b []byte) []byte {
	b = append(b, uint8(TypeParty))
	b = wire.AppendString(b, m.Leader)
	b = append(b, uint8(len(m.Members)))
	for _, name := range m.Members {
		b = wire.AppendString(b, name)
	}
	return b
}

func decodeParty(payload []byte) (Message, error) {
	r := wire.NewReader(payload)
	m := Party{Leader: r.String(MaxChatName)}
	n := int(r.U8())
	if r.Err() == nil && n > MaxPartyMembers {
		return nil, fmt.Errorf("%d members, at most %d", n, MaxPartyMembers)
	}
	if n > 0 {
		m.Members = make([]string, n)
	}
	for i := range m.Members {
		m.Members[i] = r.String(MaxChatName)
	}
	if err := r.Done(); err != nil {
		return nil, err
	}
	if (m.Leader == "") != (n == 0) {
		return nil, fmt.Errorf("leader %q with %d members: a party, and only a party, has a leader", m.Leader, n)
	}
	return m, nil
}

// PartyVitals tells the client its party members' health and mana (world →
// client), about twice a second while it is in a party. Members follow the
// order of the last [Party]'s Members.
type PartyVitals struct {
	Members []MemberVitals // at most MaxPartyMembers
}

// MemberVitals is one party member's health and mana. MaxHP 0 means the
// member is offline, and then every field is 0.
type MemberVitals struct {
	HP, MaxHP, MP, MaxMP uint32
}

// Online reports whether the member is in the world.
func (v MemberVitals) Online() bool { return v.MaxHP > 0 }

// Type returns TypePartyVitals.
func (PartyVitals) Type() Type { return TypePartyVitals }

// Append appends the encoded PartyVitals to b.
func (m PartyVitals) Append(b []byte) []byte {
	b = append(b, uint8(TypePartyVitals), uint8(len(m.Members)))
	for _, v := range m.Members {
		b = wire.AppendUvarint(b, uint64(v.HP))
		b = wire.AppendUvarint(b, uint64(v.MaxHP))
		b = wire.AppendUvarint(b, uint64(v.MP))
		b = wire.AppendUvarint(b, uint64(v.MaxMP))
	}
	return b
}

func decodePartyVitals(payload []byte) (Message, error) {
	r := wire.NewReader(payload)
	n := int(r.U8())
	if r.Err() == nil && n > MaxPartyMembers {
		return nil, fmt.Errorf("%d members, at most %d", n, MaxPartyMembers)
	}
	var m PartyVitals
	if n > 0 {
		m.Members = make([]MemberVitals, n)
	}
	for i := range m.Members {
		hp, maxHP, mp, maxMP := r.Uvarint(), r.Uvarint(), r.Uvarint(), r.Uvarint()
		if r.Err() != nil {
			break
		}
		switch {
		case maxHP > math.MaxUint32 || maxMP > math.MaxUint32:
			return nil, fmt.Errorf("member %d: a maximum overflows uint32", i)
		case hp > maxHP || mp > maxMP || (maxHP == 0 && maxMP != 0):
			return nil, fmt.Errorf("member %d: %d/%d HP, %d/%d MP out of range", i, hp, maxHP, mp, maxMP)
		}
		m.Members[i] = MemberVitals{HP: uint32(hp), MaxHP: uint32(maxHP), MP: uint32(mp), MaxMP: uint32(maxMP)}
	}
	if err := r.Done(); err != nil {
		return nil, err
	}
	return m, nil
}
