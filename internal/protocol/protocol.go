// Package protocol defines the messages a game client and a world server
// exchange over a WebSocket, and their byte encoding.
//
// Each WebSocket binary message carries exactly one logical message: a type
// byte followed by that type's payload, built from the primitives of package
// wire. Types 0x01..0x7F travel from client to world, 0x80..0xFF from world
// to client; 0x00 is never used. docs/protocol.md describes every message
// byte by byte, and tests keep its examples equal to the golden vectors in
// testdata/golden.
//
// Every message type is a small struct with an Append method that writes its
// type byte and payload; [Decode] turns one received message back into the
// matching struct. The encoding is canonical: a message that decodes
// re-encodes to exactly the bytes received.
//
// Adding a message family: define the structs, their Append methods and
// decoders in a file of their own, give each a Type constant in the right
// range, register its name and decoder in the switch of Type.info, and add
// a golden vector (golden_test.go) that docs/protocol.md quotes. Any change
// a peer of another version would misread needs a new [Version].
//
// The package owns no goroutines and no state; it imports only the standard
// library and package wire, so the client (including js/wasm), the bots and
// the world all use it.
package protocol

import (
	"errors"
	"fmt"
)

// Version is the protocol version. A client sends it in [Hello], and a world
// refuses any other value (see [ErrVersion]) and closes the connection with
// [CloseBadVersion]. Bump it on any change a peer of the previous version
// would misread or refuse (docs/protocol.md, "Versioning").
const Version = 4

// MaxClientMessage is the largest message, in bytes including the type
// byte, that a client may send. The world sets it as the WebSocket read
// limit, so a larger frame closes the connection before it is buffered, and
// [Decode] refuses larger client→world messages too. Inputs are a handful of
// bytes; the largest message is a Chat of MaxRunes characters of 4 bytes,
// and a flood stays cheap to refuse.
const MaxClientMessage = 1024

// MaxWorldMessage is the largest message, in bytes including the type byte,
// that a world may send; the client sets it as its WebSocket read limit and
// [Decode] refuses larger world→client messages.
const MaxWorldMessage = 64 << 10

// Type is a message's first byte: it names the message and, by its range,
// the direction it travels.
type Type uint8

// Message types. Client→world types are in 0x01..0x7F and world→client
// types in 0x80..0xFF.
const (
	TypeHello Type = 0x01 // client→world: first message, carries the join token
	TypeInput Type = 0x02 // client→world: a change of player input, from a tick on
	TypePing  Type = 0x03 // client→world: clock and latency probe
	TypeChat  Type = 0x04 // client→world: a chat line said

	TypeWelcome     Type = 0x80 // world→client: the answer to Hello
	TypePong        Type = 0x81 // world→client: the answer to Ping
	TypeMapChange   Type = 0x82 // world→client: the player moved to another map instance
	TypeSnapshot    Type = 0x83 // world→client: one tick of the player's view
	TypeChatLine    Type = 0x84 // world→client: a chat line heard
	TypeParty       Type = 0x85 // world→client: the player's party
	TypePartyVitals Type = 0x86 // world→client: the party members' health and mana
)

// typeInfo describes a registered message type.
type typeInfo struct {
	name string
	// decode reads the payload after the type byte. It returns the cause
	// of a failure unwrapped; Decode adds the message name and kind. It
	// takes the payload rather than a *wire.Reader so that the Reader,
	// local to it, stays on the stack despite the indirect call.
	decode func(payload []byte) (Message, error)
}

// info returns the registration of t, and false for an unknown type. This
// switch is the registry of message types: a new message adds a case here.
func (t Type) info() (typeInfo, bool) {
	switch t {
	case TypeHello:
		return typeInfo{"Hello", decodeHello}, true
	case TypeInput:
		return typeInfo{"Input", decodeInput}, true
	case TypePing:
		return typeInfo{"Ping", decodePing}, true
	case TypeChat:
		return typeInfo{"Chat", decodeChat}, true
	case TypeWelcome:
		return typeInfo{"Welcome", decodeWelcome}, true
	case TypePong:
		return typeInfo{"Pong", decodePong}, true
	case TypeMapChange:
		return typeInfo{"MapChange", decodeMapChange}, true
	case TypeSnapshot:
		return typeInfo{"Snapshot", decodeSnapshot}, true
	case TypeChatLine:
		return typeInfo{"ChatLine", decodeChatLine}, true
	case TypeParty:
		return typeInfo{"Party", decodeParty}, true
	case TypePartyVitals:
		return typeInfo{"PartyVitals", decodePartyVitals}, true
	}
	return typeInfo{}, false
}

// String returns the message name, such as "Hello", or "Type(0x42)" for an
// unknown type.
func (t Type) String() string {
	if info, ok := t.info(); ok {
		return info.name
	}
	return fmt.Sprintf("Type(0x%02x)", uint8(t))
}

// FromClient reports whether t is in the client→world range 0x01..0x7F.
// A world must refuse a message that decodes but does not come from this
// range (such as a Welcome sent by a client) as malformed.
func (t Type) FromClient() bool {
	return t >= 0x01 && t <= 0x7f
}

// maxSize returns the size cap of a message of type t, type byte included.
func (t Type) maxSize() int {
	if t.FromClient() {
		return MaxClientMessage
	}
	return MaxWorldMessage
}

// Message is implemented by every message struct (Hello, Input, …).
type Message interface {
	// Type returns the message's type byte.
	Type() Type
	// Append appends the message, type byte first, to b and returns the
	// extended slice. It follows package wire's writer rules: b may be
	// nil, is not retained, and is not reallocated if it has capacity.
	// Append does not check field limits; a message whose fields break
	// the limits documented on its struct encodes but will not decode.
	Append(b []byte) []byte
}

// Errors that [Decode] reports, wrapped in a [*DecodeError]; test for them
// with errors.Is.
var (
	// ErrUnknownType means the type byte names no message of this version.
	ErrUnknownType = errors.New("protocol: unknown message type")
	// ErrMalformed means the message is empty, over its size cap, or its
	// payload is truncated, has trailing bytes, is not canonical, or has a
	// field out of range.
	ErrMalformed = errors.New("protocol: malformed message")
	// ErrVersion means a Hello carries a protocol version other than
	// Version. The world answers it with CloseBadVersion.
	ErrVersion = errors.New("protocol: unsupported protocol version")
)

// DecodeError is the error [Decode] returns. errors.Is matches it against
// its Kind and against its cause (so a truncated message also matches
// io.ErrUnexpectedEOF, and a bad string wire.ErrInvalidUTF8).
type DecodeError struct {
	Type Type  // the message's type byte; 0 for an empty message
	Kind error // ErrUnknownType, ErrMalformed or ErrVersion
	Err  error // the cause; nil when Kind is ErrUnknownType
}

// Error says what was wrong, for example
// "protocol: malformed Input: move 9 out of range 0..8".
func (e *DecodeError) Error() string {
	switch {
	case e.Kind == ErrUnknownType:
		return fmt.Sprintf("%v 0x%02x", ErrUnknownType, uint8(e.Type))
	case e.Kind == ErrMalformed && e.Type == 0:
		return fmt.Sprintf("protocol: malformed message: %v", e.Err)
	case e.Kind == ErrMalformed:
		return fmt.Sprintf("protocol: malformed %v: %v", e.Type, e.Err)
	}
	// An ErrVersion cause already reads "protocol: unsupported ...".
	return fmt.Sprint(e.Err)
}

// Unwrap returns the kind and the cause, for errors.Is and errors.As.
func (e *DecodeError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Decode decodes one whole message, type byte first, and returns the
// concrete struct as a Message value (Hello, Input, …; never a pointer).
// It refuses an empty message, an unknown type, a message over its
// direction's size cap (MaxClientMessage or MaxWorldMessage), a truncated
// or non-canonical payload, trailing bytes, and out-of-range fields, with a
// [*DecodeError] saying which. Strings in the result are copies; nothing
// in it aliases b.
//
// Decode accepts both directions; the receiver checks [Type.FromClient].
func Decode(b []byte) (Message, error) {
	if len(b) == 0 {
		return nil, &DecodeError{Kind: ErrMalformed, Err: errors.New("empty")}
	}
	t := Type(b[0])
	info, ok := t.info()
	if !ok {
		return nil, &DecodeError{Type: t, Kind: ErrUnknownType}
	}
	if limit := t.maxSize(); len(b) > limit {
		return nil, &DecodeError{Type: t, Kind: ErrMalformed,
			Err: fmt.Errorf("%d bytes, cap %d", len(b), limit)}
	}
	m, err := info.decode(b[1:])
	if err != nil {
		kind := ErrMalformed
		if errors.Is(err, ErrVersion) {
			kind = ErrVersion
		}
		return nil, &DecodeError{Type: t, Kind: kind, Err: err}
	}
	return m, nil
}
