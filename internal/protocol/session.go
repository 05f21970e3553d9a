package protocol

import (
	"fmt"
	"math"

	"github.com/tinymmo/tinymmo/internal/wire"
)

// Limits on session fields, in bytes.
const (
	MaxTokenLen   = 64 // Hello.Token
	MaxMapNameLen = 64 // Welcome.Map
)

// Hello is the first message a client sends on a new connection: it names
// the protocol version it speaks and presents its single-use join token.
// Any other first message, or a second Hello, is a protocol violation.
type Hello struct {
	// Version is the client's protocol version; it must equal Version.
	// It is the first field in every version of Hello, so that a world
	// can refuse a client of another version with CloseBadVersion
	// whatever else that version's Hello holds.
	Version uint64
	// Token is the join token the master handed the client, at most
	// MaxTokenLen bytes of UTF-8. The world checks it, not Decode.
	Token string
}

// Type returns TypeHello.
func (Hello) Type() Type { return TypeHello }

// Append appends the encoded Hello to b.
func (m Hello) Append(b []byte) []byte {
	b = wire.AppendU8(b, uint8(TypeHello))
	b = wire.AppendUvarint(b, m.Version)
	return wire.AppendString(b, m.Token)
}

func decodeHello(payload []byte) (Message, error) {
	r := wire.NewReader(payload)
	var m Hello
	m.Version = r.Uvarint()
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("version: %w", err)
	}
	// The rest of another version's Hello may be laid out differently,
	// so the version is checked before it is read.
	if m.Version != Version {
		return nil, fmt.Errorf("%w %d in Hello (want %d)", ErrVersion, m.Version, Version)
	}
	m.Token = r.String(MaxTokenLen)
	if err := r.Done(); err != nil {
		return nil, err
	}
	return m, nil
}

// Welcome is the world's answer to an accepted Hello: the player's entity,
// where it stands, and the clocks the client needs to run the simulation.
type Welcome struct {
	// EntityID identifies the player's own entity in later messages.
	EntityID uint32
	// Map is the name of the map the player is on, at most MaxMapNameLen
	// bytes of UTF-8.
	Map string
	// X and Y are the player's position in subpixels (1/16 pixel).
	X, Y int32
	// TickRate is the simulation rate in ticks per second; never 0.
	TickRate uint16
	// Tick is the player's tick (see docs/protocol.md, "Player ticks")
	// when the world placed the player, and X, Y its position at that
	// tick; every step adds one, and snapshots count on from it.
	Tick uint32
	// ServerTime is the world's clock, in milliseconds since the Unix
	// epoch, when it sent the Welcome.
	ServerTime uint64
	// Speed is how far the player walks in one tick, in subpixels per
	// axis (rules.SpeedPerTick of its class's speed at TickRate), so the
	// client predicts with the world's own figure.
	Speed uint32
}

// Type returns TypeWelcome.
func (Welcome) Type() Type { return TypeWelcome }

// Append appends the encoded Welcome to b.
func (m Welcome) Append(b []byte) []byte {
	b = wire.AppendU8(b, uint8(TypeWelcome))
	b = wire.AppendUvarint(b, uint64(m.EntityID))
	b = wire.AppendString(b, m.Map)
	b = wire.AppendVarint(b, int64(m.X))
	b = wire.AppendVarint(b, int64(m.Y))
	b = wire.AppendUvarint(b, uint64(m.TickRate))
	b = wire.AppendUvarint(b, uint64(m.Tick))
	b = wire.AppendUvarint(b, m.ServerTime)
	return wire.AppendUvarint(b, uint64(m.Speed))
}

func decodeWelcome(payload []byte) (Message, error) {
	r := wire.NewReader(payload)
	id := r.Uvarint()
	mapName := r.String(MaxMapNameLen)
	x := r.Varint()
	y := r.Varint()
	rate := r.Uvarint()
	tick := r.Uvarint()
	now := r.Uvarint()
	speed := r.Uvarint()
	if err := r.Done(); err != nil {
		return nil, err
	}
	switch {
	case id > math.MaxUint32:
		return nil, fmt.Errorf("entity id %d overflows uint32", id)
	case x < math.MinInt32 || x > math.MaxInt32:
		return nil, fmt.Errorf("x %d overflows int32", x)
	case y < math.MinInt32 || y > math.MaxInt32:
		return nil, fmt.Errorf("y %d overflows int32", y)
	case rate == 0 || rate > math.MaxUint16:
		return nil, fmt.Errorf("tick rate %d out of range 1..%d", rate, math.MaxUint16)
	case tick > math.MaxUint32:
		return nil, fmt.Errorf("tick %d overflows uint32", tick)
	case speed > math.MaxInt32:
		return nil, fmt.Errorf("speed %d overflows int32", speed)
	}
	return Welcome{
		EntityID:   uint32(id),
		Map:        mapName,
		X:          int32(x),
		Y:          int32(y),
		TickRate:   uint16(rate),
		Tick:       uint32(tick),
		ServerTime: now,
		Speed:      uint32(speed),
	}, nil
}
