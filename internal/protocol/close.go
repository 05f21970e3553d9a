package protocol

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// CloseCode is a WebSocket close status code the world sends when it ends a
// connection. The codes are in the 4000–4999 range RFC 6455 leaves to
// applications. Send c.Reason() as the close reason so the client can show
// it even if it does not know the code.
type CloseCode uint16

// Close codes.
const (
	CloseLogout       CloseCode = 4000 // the player logged out
	CloseBadVersion   CloseCode = 4001 // Hello carried another protocol version
	CloseBadToken     CloseCode = 4002 // the join token is unknown or invalid
	CloseTokenExpired CloseCode = 4003 // the join token is past its lifetime
	CloseTokenUsed    CloseCode = 4004 // the join token was already used
	CloseWorldFull    CloseCode = 4005 // the world is at capacity
	CloseReplaced     CloseCode = 4006 // a newer login took this character
	CloseMalformed    CloseCode = 4007 // a message failed to decode or broke the protocol
	CloseRateLimited  CloseCode = 4008 // the client sent messages too fast
	CloseShutdown     CloseCode = 4009 // the world is shutting down
	CloseKicked       CloseCode = 4010 // a moderator removed the player from the world
	CloseTooSlow      CloseCode = 4011 // the client did not read its messages fast enough
	CloseStillSaving  CloseCode = 4012 // the character's previous session has not finished saving
	CloseLoadFailed   CloseCode = 4013 // the world could not load the character
	CloseBusy         CloseCode = 4014 // too many connections are logging in at once
	CloseBanned       CloseCode = 4015 // a moderator banned the account
)

// MaxCloseReason is the most bytes a WebSocket close reason may have
// (RFC 6455: a control frame's 125 bytes, less the 2-byte code).
const MaxCloseReason = 123

// String returns a short name for logs and metrics labels, such as
// "bad_version", or "CloseCode(4999)" for a code not listed here.
func (c CloseCode) String() string {
	switch c {
	case CloseLogout:
		return "logout"
	case CloseBadVersion:
		return "bad_version"
	case CloseBadToken:
		return "bad_token"
	case CloseTokenExpired:
		return "token_expired"
	case CloseTokenUsed:
		return "token_used"
	case CloseWorldFull:
		return "world_full"
	case CloseReplaced:
		return "replaced"
	case CloseMalformed:
		return "malformed"
	case CloseRateLimited:
		return "rate_limited"
	case CloseShutdown:
		return "shutdown"
	case CloseKicked:
		return "kicked"
	case CloseTooSlow:
		return "too_slow"
	case CloseStillSaving:
		return "still_saving"
	case CloseLoadFailed:
		return "load_failed"
	case CloseBusy:
		return "busy"
	case CloseBanned:
		return "banned"
	}
	return fmt.Sprintf("CloseCode(%d)", uint16(c))
}

// Reason returns the text to show the player. It fits a WebSocket close
// frame (at most 123 bytes). A code not listed here gets a generic text.
func (c CloseCode) Reason() string {
	switch c {
	case CloseLogout:
		return "Logged out."
	case CloseBadVersion:
		return "This game version is out of date. Please refresh to update."
	case CloseBadToken:
		return "The login was refused. Please log in again."
	case CloseTokenExpired:
		return "The login expired. Please log in again."
	case CloseTokenUsed:
		return "This login was already used. Please log in again."
	case CloseWorldFull:
		return "The world is full. Please try again later."
	case CloseReplaced:
		return "This character was logged in from somewhere else."
	case CloseMalformed:
		return "The game sent something the server did not understand. Please refresh."
	case CloseRateLimited:
		return "Disconnected for sending too many messages."
	case CloseShutdown:
		return "The world is shutting down. Please reconnect in a moment."
	case CloseKicked:
		return "You were removed from the world."
	case CloseTooSlow:
		return "Disconnected: the connection was too slow to keep up."
	case CloseStillSaving:
		return "This character is still being saved from its last session. Please try again in a moment."
	case CloseLoadFailed:
		return "The world could not load this character. Please try again later."
	case CloseBusy:
		return "The world is busy letting players in. Please try again in a moment."
	case CloseBanned:
		return "This account was banned."
	}
	return "Disconnected."
}

// ReasonWith returns c's Reason followed by why, such as a moderator's
// reason: "You were removed from the world: spamming." It is cut at a
// character boundary to fit MaxCloseReason bytes, ending in "…" when cut.
func (c CloseCode) ReasonWith(why string) string {
	why = strings.TrimSpace(why)
	if why == "" {
		return c.Reason()
	}
	r := strings.TrimSuffix(c.Reason(), ".") + ": " + why
	if len(r) <= MaxCloseReason {
		return r
	}
	const ellipsis = "…"
	r = r[:MaxCloseReason-len(ellipsis)]
	for !utf8.ValidString(r) {
		r = r[:len(r)-1] // drop the bytes of a cut character
	}
	return r + ellipsis
}
