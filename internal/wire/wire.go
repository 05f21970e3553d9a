// Package wire holds the byte codec primitives of the client↔world protocol:
// little-endian fixed-width integers, unsigned LEB128 varints, zigzag-encoded
// signed varints, length-prefixed strings and bytes, booleans, and the
// fixed-point quantization used for positions.
//
// Writers append to a caller's slice: AppendX(b, v) returns the extended
// slice, accepts a nil b, never retains b, and does not allocate when b has
// enough spare capacity.
//
// Readers go through a [Reader], a cursor over one message with a sticky
// error. The Reader is written for untrusted input: it never panics, checks
// every declared length against a caller-supplied cap and against the bytes
// left before slicing or allocating, and accepts only the canonical encoding
// of each value (minimal varints, booleans 0 or 1). Canonical encoding means
// a message that decodes re-encodes to exactly the same bytes.
//
// The package owns no goroutines and no state; it imports only the standard
// library so that the client (including js/wasm) and every server may use it.
// The messages themselves live in package protocol.
package wire

import "errors"

// Errors reported by a [Reader]. The Reader wraps them with the kind of value
// and the offset where reading failed; test for them with errors.Is.
// Truncated input is reported as an error wrapping io.ErrUnexpectedEOF.
var (
	// ErrOverflow means a varint is longer than MaxVarintLen64 bytes or
	// does not fit in 64 bits.
	ErrOverflow = errors.New("wire: varint overflows 64 bits")
	// ErrNonCanonical means a value is not in its one canonical encoding:
	// a varint with redundant trailing zero groups, or a boolean other
	// than 0 or 1.
	ErrNonCanonical = errors.New("wire: non-canonical encoding")
	// ErrTooLong means a declared length exceeds the cap the caller gave.
	ErrTooLong = errors.New("wire: length exceeds cap")
	// ErrInvalidUTF8 means a string is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("wire: invalid UTF-8")
	// ErrTrailing means bytes were left over after the last field.
	ErrTrailing = errors.New("wire: trailing bytes")
)

// MaxVarintLen64 is the longest encoding of a 64-bit varint, in bytes.
const MaxVarintLen64 = 10
