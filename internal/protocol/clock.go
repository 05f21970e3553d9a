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

// Pong answers a Ping. The world does not write it at once: it goes out
// with the client's next batch of messages, and Held says how long it
// waited, so that the client can take that time out of the round trip.
type Pong struct {
	// ClientTime is the Ping's ClientTime, echoed unchanged.
	ClientTime uint64
	// ServerTime is the world's clock, in milliseconds since the Unix
	// epoch, when it sent the Pong.
	ServerTime uint64
	// Held is how long the world held the Ping before it sent the Pong,
	// in milliseconds.
	Held uint64
}

// RoundTrip returns the network round trip the Pong measured, in
// milliseconds, for a Pong that arrived at local time nowMS on the clock
// of the Ping's ClientTime: the time since the Ping less the time the world
// held it. It is false for a Pong that cannot be from that clock.
func (m Pong) RoundTrip(nowMS float64) (float64, bool) {
	rtt := nowMS - float64(m.ClientTime) - float64(m.Held)
	return rtt, rtt >= 0
}

// Type returns TypePong.
func (Pong) Type() Type { return TypePong }

// Append appends the encoded Pong to b.
func (m Pong) Append(b []byte) []byte {
	b = wire.AppendU8(b, uint8(TypePong))
	b = wire.AppendUvarint(b, m.ClientTime)
	b = wire.AppendUvarint(b, m.ServerTime)
	return wire.AppendUvarint(b, m.Held)
}

func decodePong(payload []byte) (Message, error) {
	r := wire.NewReader(payload)
	m := Pong{ClientTime: r.Uvarint(), ServerTime: r.Uvarint(), Held: r.Uvarint()}
	if err := r.Done(); err != nil {
		return nil, err
	}
	return m, nil
}
