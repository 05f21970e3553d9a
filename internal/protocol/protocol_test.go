package protocol_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/wire"
)

func TestMessagesRoundTrip(t *testing.T) {
	tests := []protocol.Message{
		protocol.Hello{Version: protocol.Version},
		protocol.Hello{Version: protocol.Version, Token: strings.Repeat("t", protocol.MaxTokenLen)},
		protocol.Input{},
		protocol.Input{Seq: math.MaxUint32, Tick: math.MaxUint32, Move: protocol.DirNW, Aim: 255, Buttons: protocol.ButtonPrimary},
		protocol.Ping{},
		protocol.Ping{ClientTime: math.MaxUint64},
		protocol.Welcome{TickRate: 1},
		protocol.Welcome{EntityID: math.MaxUint32, Map: strings.Repeat("é", protocol.MaxMapNameLen/2),
			X: math.MinInt32, Y: math.MaxInt32, TickRate: math.MaxUint16, Tick: math.MaxUint32, ServerTime: math.MaxUint64, Speed: math.MaxInt32},
		protocol.Pong{ClientTime: math.MaxUint64, ServerTime: 1},
	}
	for _, m := range tests {
		b := m.Append(nil)
		if got := protocol.Type(b[0]); got != m.Type() {
			t.Errorf("%#v.Append: type byte %v, want %v", m, got, m.Type())
		}
		got, err := protocol.Decode(b)
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Errorf("Decode(%#v.Append(nil)) = %#v, %v; want the message back", m, got, err)
		}
	}
}

func TestInputIsCompact(t *testing.T) {
	tests := []struct {
		seq, tick uint32
		want      int
	}{
		{0, 0, 7},
		{127, 127, 7},
		{16383, 16383, 9},
		{2_097_151, 2_097_151, 11},
		{5, 72_000, 9}, // an hour at 20 Hz
	}
	for _, tt := range tests {
		if got := len(protocol.Input{Seq: tt.seq, Tick: tt.tick}.Append(nil)); got != tt.want {
			t.Errorf("len(Input{Seq: %d, Tick: %d}) = %d bytes, want %d", tt.seq, tt.tick, got, tt.want)
		}
	}
}

// hexMsg builds a message from a type and hex payload bytes.
func hexMsg(t protocol.Type, payload ...byte) []byte {
	return append([]byte{byte(t)}, payload...)
}

func TestDecodeRejects(t *testing.T) {
	longToken := protocol.Hello{Version: protocol.Version, Token: strings.Repeat("t", protocol.MaxTokenLen+1)}.Append(nil)
	oversized := append(protocol.Input{}.Append(nil), make([]byte, protocol.MaxClientMessage)...)
	tests := []struct {
		name  string
		in    []byte
		kind  error
		cause error // also matched by errors.Is, if set
		text  string
	}{
		{"empty", nil, protocol.ErrMalformed, nil, "protocol: malformed message: empty"},
		{"type 0x00", []byte{0x00}, protocol.ErrUnknownType, nil, "protocol: unknown message type 0x00"},
		{"unknown client type", []byte{0x7f, 1}, protocol.ErrUnknownType, nil, "unknown message type 0x7f"},
		{"unknown world type", []byte{0xff}, protocol.ErrUnknownType, nil, "unknown message type 0xff"},
		{"hello other version", hexMsg(protocol.TypeHello, 0x01, 0x00), protocol.ErrVersion, nil,
			"protocol: unsupported protocol version 1 in Hello (want 4)"},
		{"hello other version, other layout", hexMsg(protocol.TypeHello, 0x05, 0xff, 0xff, 0xff), protocol.ErrVersion, nil,
			"version 5"},
		{"hello version 0", hexMsg(protocol.TypeHello, 0x00, 0x00), protocol.ErrVersion, nil, "version 0"},
		{"hello no version", hexMsg(protocol.TypeHello), protocol.ErrMalformed, io.ErrUnexpectedEOF,
			"protocol: malformed Hello: version: wire: truncated varint"},
		{"hello token too long", longToken, protocol.ErrMalformed, wire.ErrTooLong, "malformed Hello"},
		{"hello token bad utf8", hexMsg(protocol.TypeHello, 0x04, 0x02, 0xc3, 0x28), protocol.ErrMalformed, wire.ErrInvalidUTF8, "malformed Hello"},
		{"hello trailing", hexMsg(protocol.TypeHello, 0x04, 0x00, 0x00), protocol.ErrMalformed, wire.ErrTrailing, "malformed Hello"},
		{"input truncated", hexMsg(protocol.TypeInput, 0x01, 0x00, 0x00), protocol.ErrMalformed, io.ErrUnexpectedEOF, "malformed Input"},
		{"input of version 1, without tick", hexMsg(protocol.TypeInput, 0x01, 0x00, 0x00, 0x00), protocol.ErrMalformed, io.ErrUnexpectedEOF, "malformed Input"},
		{"input of version 2, without target", hexMsg(protocol.TypeInput, 0x01, 0x00, 0x00, 0x00, 0x00), protocol.ErrMalformed, io.ErrUnexpectedEOF, "malformed Input"},
		{"input move 9", hexMsg(protocol.TypeInput, 0x01, 0x00, 0x09, 0x00, 0x00, 0x00), protocol.ErrMalformed, nil,
			"protocol: malformed Input: move 9 out of range 0..8"},
		{"input reserved button", hexMsg(protocol.TypeInput, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00), protocol.ErrMalformed, nil,
			"buttons 0b00001000 set reserved bits"},
		{"input target over the handles", hexMsg(protocol.TypeInput, 0x01, 0x00, 0x00, 0x00, 0x00, 0x81, 0x80, 0x04), protocol.ErrMalformed, nil,
			"target 65537 over 65536"},
		{"input seq overflow", hexMsg(protocol.TypeInput, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00), protocol.ErrMalformed, nil,
			"seq 4294967296 overflows uint32"},
		{"input tick overflow", hexMsg(protocol.TypeInput, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x00, 0x00, 0x00), protocol.ErrMalformed, nil,
			"protocol: malformed Input: tick 4294967296 overflows uint32"},
		{"input non-minimal seq", hexMsg(protocol.TypeInput, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00), protocol.ErrMalformed, wire.ErrNonCanonical, "malformed Input"},
		{"input non-minimal tick", hexMsg(protocol.TypeInput, 0x01, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00), protocol.ErrMalformed, wire.ErrNonCanonical, "malformed Input"},
		{"input over the client cap", oversized, protocol.ErrMalformed, nil, "malformed Input: 1031 bytes, cap 1024"},
		{"chat on the system channel", hexMsg(protocol.TypeChat, 0x04, 0x00, 0x01, 'x'), protocol.ErrMalformed, nil,
			"channel 4 is not one a client speaks on"},
		{"whisper to nobody", hexMsg(protocol.TypeChat, 0x01, 0x00, 0x01, 'x'), protocol.ErrMalformed, nil,
			"a whisper, and only a whisper, names one"},
		{"say to someone", hexMsg(protocol.TypeChat, 0x00, 0x01, 'A', 0x01, 'x'), protocol.ErrMalformed, nil,
			"a whisper, and only a whisper, names one"},
		{"chat text over the cap", append(hexMsg(protocol.TypeChat, 0x00, 0x00, 0xa1, 0x06), make([]byte, 801)...), protocol.ErrMalformed, wire.ErrTooLong, "malformed Chat"},
		{"chat text bad utf8", hexMsg(protocol.TypeChat, 0x00, 0x00, 0x02, 0xc3, 0x28), protocol.ErrMalformed, wire.ErrInvalidUTF8, "malformed Chat"},
		{"chat line of unknown channel", hexMsg(protocol.TypeChatLine, 0x06, 0x00, 0x01, 'x'), protocol.ErrMalformed, nil, "channel 6 unknown"},
		{"party of six", hexMsg(protocol.TypeParty, 0x01, 'A', 0x06, 1, 'A', 1, 'B', 1, 'C', 1, 'D', 1, 'E', 1, 'F'), protocol.ErrMalformed, nil, "6 members, at most 5"},
		{"party vitals of six", hexMsg(protocol.TypePartyVitals, 0x06, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0), protocol.ErrMalformed, nil, "6 members, at most 5"},
		{"party vitals over the maximum", hexMsg(protocol.TypePartyVitals, 0x01, 0x0a, 0x09, 0x00, 0x00), protocol.ErrMalformed, nil, "member 0: 10/9 HP, 0/0 MP out of range"},
		{"party vitals of an offline member with mana", hexMsg(protocol.TypePartyVitals, 0x01, 0x00, 0x00, 0x00, 0x05), protocol.ErrMalformed, nil, "out of range"},
		{"party vitals overflow", hexMsg(protocol.TypePartyVitals, 0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x00), protocol.ErrMalformed, nil, "member 0: a maximum overflows uint32"},
		{"party vitals truncated", hexMsg(protocol.TypePartyVitals, 0x01, 0x00, 0x00), protocol.ErrMalformed, io.ErrUnexpectedEOF, "malformed PartyVitals"},
		{"party without a leader", hexMsg(protocol.TypeParty, 0x00, 0x01, 1, 'A'), protocol.ErrMalformed, nil, "a party, and only a party, has a leader"},
		{"snapshot event of unknown kind", hexMsg(protocol.TypeSnapshot, 0x01, 0x80, 0x01, 0x0a, 0x00), protocol.ErrMalformed, nil,
			"event kind 10 unknown"},
		{"snapshot refusal of unknown reason", hexMsg(protocol.TypeSnapshot, 0x01, 0x80, 0x01, 0x08, 0x01, 0x09), protocol.ErrMalformed, nil,
			"refusal reason 9 unknown"},
		{"snapshot event subject over the handles", hexMsg(protocol.TypeSnapshot, 0x01, 0x80, 0x01, 0x05, 0x82, 0x80, 0x04), protocol.ErrMalformed, nil,
			"event subject 65538 over 65536"},
		{"snapshot empty vitals", hexMsg(protocol.TypeSnapshot, 0x01, 0x40, 0x00), protocol.ErrMalformed, nil, "vitals: empty list"},
		{"map change of version 2, without ack", hexMsg(protocol.TypeMapChange, 0x01, 'd', 0x01, 0x00, 0x00, 0x01, 0x01), protocol.ErrMalformed, io.ErrUnexpectedEOF, "malformed MapChange"},
		{"map change without owner", hexMsg(protocol.TypeMapChange, 0x01, 'd', 0x01, 0x00, 0x00, 0x01, 0x01, 0x00), protocol.ErrMalformed, io.ErrUnexpectedEOF, "malformed MapChange"},
		{"ping trailing", hexMsg(protocol.TypePing, 0x01, 0x01), protocol.ErrMalformed, wire.ErrTrailing, "malformed Ping"},
		{"welcome tick rate 0", protocol.Welcome{}.Append(nil), protocol.ErrMalformed, nil, "tick rate 0 out of range"},
		{"welcome x overflow", hexMsg(protocol.TypeWelcome, 0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x14, 0x00, 0x00, 0x00),
			protocol.ErrMalformed, nil, "x 2147483648 overflows int32"},
		{"welcome y underflow", hexMsg(protocol.TypeWelcome, 0x01, 0x00, 0x00, 0x81, 0x80, 0x80, 0x80, 0x10, 0x14, 0x00, 0x00, 0x00),
			protocol.ErrMalformed, nil, "y -2147483649 overflows int32"},
		{"welcome entity overflow", hexMsg(protocol.TypeWelcome, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00),
			protocol.ErrMalformed, nil, "entity id 4294967296 overflows uint32"},
		{"welcome tick rate overflow", hexMsg(protocol.TypeWelcome, 0x01, 0x00, 0x00, 0x00, 0x80, 0x80, 0x04, 0x00, 0x00, 0x00),
			protocol.ErrMalformed, nil, "tick rate 65536 out of range 1..65535"},
		{"welcome of version 1, without speed", hexMsg(protocol.TypeWelcome, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00),
			protocol.ErrMalformed, io.ErrUnexpectedEOF, "malformed Welcome"},
		{"welcome speed overflow", hexMsg(protocol.TypeWelcome, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x08),
			protocol.ErrMalformed, nil, "speed 2147483648 overflows int32"},
		{"pong truncated", hexMsg(protocol.TypePong, 0x01), protocol.ErrMalformed, io.ErrUnexpectedEOF, "malformed Pong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := protocol.Decode(tt.in)
			if err == nil {
				t.Fatalf("Decode(% x) = %#v, want an error", tt.in, m)
			}
			if m != nil {
				t.Errorf("Decode(% x) returned %#v with its error, want nil", tt.in, m)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("Decode(% x) = %v, want an error matching %v", tt.in, err, tt.kind)
			}
			for _, other := range []error{protocol.ErrUnknownType, protocol.ErrMalformed, protocol.ErrVersion} {
				if other != tt.kind && errors.Is(err, other) {
					t.Errorf("Decode(% x) = %v, which also matches %v", tt.in, err, other)
				}
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("Decode(% x) = %v, want it to wrap %v", tt.in, err, tt.cause)
			}
			var de *protocol.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode(% x) = %T, want *DecodeError", tt.in, err)
			}
			if len(tt.in) > 0 && de.Type != protocol.Type(tt.in[0]) {
				t.Errorf("DecodeError.Type = %v, want %v", de.Type, protocol.Type(tt.in[0]))
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Decode(% x) = %q, want it to say %q", tt.in, err, tt.text)
			}
		})
	}
}

func TestWorldMessagesHaveALargerCap(t *testing.T) {
	// A Welcome over MaxClientMessage is fine from the world...
	w := protocol.Welcome{Map: strings.Repeat("m", protocol.MaxMapNameLen), TickRate: 20}
	big := append(w.Append(nil), make([]byte, protocol.MaxClientMessage)...)
	if _, err := protocol.Decode(big); !errors.Is(err, wire.ErrTrailing) {
		t.Errorf("Decode(Welcome + padding to %d bytes) = %v, want only the trailing bytes refused", len(big), err)
	}
	// ...but not over MaxWorldMessage.
	huge := append(w.Append(nil), make([]byte, protocol.MaxWorldMessage)...)
	if _, err := protocol.Decode(huge); err == nil || !strings.Contains(err.Error(), "cap 65536") {
		t.Errorf("Decode(%d-byte Welcome) = %v, want the size cap refused", len(huge), err)
	}
}

func TestTypeDirections(t *testing.T) {
	for i := range 256 {
		typ := protocol.Type(i)
		if got, want := typ.FromClient(), i >= 0x01 && i <= 0x7f; got != want {
			t.Errorf("Type(0x%02x).FromClient() = %v, want %v", i, got, want)
		}
	}
	for _, m := range goldenMessages {
		switch m.(type) {
		case protocol.Hello, protocol.Input, protocol.Ping, protocol.Chat:
			if !m.Type().FromClient() {
				t.Errorf("%v is sent by the client but its type 0x%02x is not in 0x01..0x7f", m.Type(), uint8(m.Type()))
			}
		default:
			if m.Type().FromClient() {
				t.Errorf("%v is sent by the world but its type 0x%02x is not in 0x80..0xff", m.Type(), uint8(m.Type()))
			}
		}
	}
}

func TestTypeString(t *testing.T) {
	tests := []struct {
		typ  protocol.Type
		want string
	}{
		{protocol.TypeHello, "Hello"},
		{protocol.TypeInput, "Input"},
		{protocol.TypePing, "Ping"},
		{protocol.TypeWelcome, "Welcome"},
		{protocol.TypePong, "Pong"},
		{0x00, "Type(0x00)"},
		{0x42, "Type(0x42)"},
	}
	for _, tt := range tests {
		if got := tt.typ.String(); got != tt.want {
			t.Errorf("Type(0x%02x).String() = %q, want %q", uint8(tt.typ), got, tt.want)
		}
	}
}

func TestDirectionString(t *testing.T) {
	want := []string{"none", "N", "NE", "E", "SE", "S", "SW", "W", "NW", "Direction(9)"}
	for i, w := range want {
		if got := protocol.Direction(i).String(); got != w {
			t.Errorf("Direction(%d).String() = %q, want %q", i, got, w)
		}
	}
}

func TestDecodedStringsDoNotAliasInput(t *testing.T) {
	b := protocol.Hello{Version: protocol.Version, Token: "abc"}.Append(nil)
	m, err := protocol.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	copy(b[len(b)-3:], "xyz")
	if got := m.(protocol.Hello).Token; got != "abc" {
		t.Errorf("Token after changing the input = %q, want %q", got, "abc")
	}
}

func TestAppendDoesNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 128)
	msgs := []protocol.Message{goldenMessages[0], goldenMessages[1], goldenMessages[2], goldenMessages[3], goldenMessages[4]}
	allocs := testing.AllocsPerRun(100, func() {
		for _, m := range msgs {
			buf = m.Append(buf[:0])
		}
	})
	if allocs != 0 {
		t.Errorf("Append into a buffer with capacity: %v allocs, want 0", allocs)
	}
	in := protocol.Input{Seq: 1, Move: protocol.DirS}
	allocs = testing.AllocsPerRun(100, func() {
		buf = in.Append(buf[:0])
	})
	if allocs != 0 || !bytes.Equal(buf, []byte{0x02, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00}) {
		t.Errorf("Input.Append: %v allocs, % x; want 0 allocs, 02 01 00 05 00 00 00", allocs, buf)
	}
}

// TestDecodeInputAllocatesOnce holds the hot path to its budget: the one
// allocation is the Input boxed in the Message interface; the wire.Reader
// must stay on the stack.
func TestDecodeInputAllocatesOnce(t *testing.T) {
	b := protocol.Input{Seq: 3000, Move: protocol.DirS, Aim: 64}.Append(nil)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := protocol.Decode(b); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Errorf("Decode(Input): %v allocs, want at most 1", allocs)
	}
}

func TestAimFacesTheDirection(t *testing.T) {
	want := map[protocol.Direction]uint8{
		protocol.DirNone: 0, protocol.DirE: 0, protocol.DirSE: 32, protocol.DirS: 64, protocol.DirSW: 96,
		protocol.DirW: 128, protocol.DirNW: 160, protocol.DirN: 192, protocol.DirNE: 224, protocol.DirNW + 1: 0,
	}
	for d, aim := range want {
		if got := d.Aim(); got != aim {
			t.Errorf("%v.Aim() = %d, want %d", d, got, aim)
		}
	}
}
