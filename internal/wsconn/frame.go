package wsconn

import (
	"encoding/binary"
	"unicode/utf8"
)

// Opcodes (RFC 6455 §5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// maxControlPayload is the largest payload of a control frame.
const maxControlPayload = 125

// headerLen is the length of an unmasked header for a payload of n bytes.
func headerLen(n int) int {
	switch {
	case n <= 125:
		return 2
	case n <= 0xFFFF:
		return 4
	}
	return 10
}

// appendFrame appends one unmasked, final frame with the opcode and payload.
func appendFrame(b []byte, op byte, payload []byte) []byte {
	n := len(payload)
	switch {
	case n <= 125:
		b = append(b, 0x80|op, byte(n))
	case n <= 0xFFFF:
		b = append(b, 0x80|op, 126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|op, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
}

// mask XORs b in place with key, starting at key offset 0.
func mask(key [4]byte, b []byte) {
	k32 := binary.LittleEndian.Uint32(key[:])
	k64 := uint64(k32)<<32 | uint64(k32)
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^k64)
		b = b[8:]
	}
	for i := range b {
		b[i] ^= key[i&3]
	}
}

// closePayload is the payload of a close frame: the code and the reason,
// cut at a rune boundary to fit 125 bytes.
func closePayload(code uint16, reason string) []byte {
	if len(reason) > maxControlPayload-2 {
		reason = reason[:maxControlPayload-2]
		for len(reason) > 0 && !utf8.ValidString(reason) {
			reason = reason[:len(reason)-1]
		}
	}
	b := make([]byte, 2, 2+len(reason))
	binary.BigEndian.PutUint16(b, code)
	return append(b, reason...)
}

// validReceivedCode reports whether a peer may send code in a close frame
// (RFC 6455 §7.4; 1004–1006 and 1015 must never be on the wire).
func validReceivedCode(code uint16) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}
