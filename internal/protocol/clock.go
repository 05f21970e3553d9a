package protocol

import "github.com/tinymmo/tinymmo/internal/wire"

// Ping asks the world for its clock. The client measures the round trip
// from ClientTime to the Pong that echoes it, and estimates the offset to
// the world's clock from ServerTime.
type Ping struct {
	// ClientTime is the client's clock in milliseconds, on any epoch the
	// client likes; the world only echoes it.
	ClientTime uint64
}

// Type returns TypePing.
func (Ping) Type() Type { return TypePing }

// Append appends the encoded Ping to b.
func (m Ping) Append(b []byte) []byte {
	b = wire.AppendU8(b, uint8(TypePing))
	return wire.AppendUvarint(b, m.ClientTime)
}

func decodePing(payload []byte) (Message, error) {
	r := wire.NewReader(payload)
	m := Ping{ClientTime: r.Uvarint()}
	if err := r.Done(); err != nil {
		return nil, err
	}
	return m, nil
}

// Pong answers a Ping.
type Pong struct {
	// ClientTime is the Ping's ClientTime, echoed unchanged.
	ClientTime uint64
	// ServerTime is the world's clock, in milliseconds since the Unix
	// epoch, when it answered.
	ServerTime uint64
}

// Type returns TypePong.
func (Pong) Type() Type { return TypePong }

// Append appends the encoded Pong to b.
func (m Pong) Append(b []byte) []byte {
	b = wire.AppendU8(b, uint8(TypePong))
	b = wire.AppendUvarint(b, m.ClientTime)
	return wire.AppendUvarint(b, m.ServerTime)
}

func decodePong(payload []byte) (Message, error) {
	r := wire.NewReader(payload)
	m := Pong{ClientTime: r.Uvarint(), ServerTime: r.Uvarint()}
	if err := r.Done(); err != nil {
		return nil, err
	}
	return m, nil
}
