package wire

import "math/bits"

// AppendU8 appends v as one byte.
func AppendU8(b []byte, v uint8) []byte {
	return append(b, v)
}

// AppendU16 appends v as two bytes, little-endian.
func AppendU16(b []byte, v uint16) []byte {
	return append(b, byte(v), byte(v>>8))
}

// AppendU32 appends v as four bytes, little-endian.
func AppendU32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// AppendUvarint appends v as an unsigned LEB128 varint: seven bits per byte,
// least significant group first, the high bit set on every byte but the last.
// The encoding is minimal, 1 to MaxVarintLen64 bytes (see [SizeUvarint]).
func AppendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// AppendVarint appends v zigzag-encoded as an unsigned varint, so that values
// near zero of either sign are short: 0→0, -1→1, 1→2, -2→3, and so on.
func AppendVarint(b []byte, v int64) []byte {
	return AppendUvarint(b, zigzag(v))
}

// AppendBool appends v as one byte, 1 for true and 0 for false.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// AppendString appends s prefixed by its length in bytes as a uvarint.
// It does not check that s is valid UTF-8 or within any cap; a [Reader]
// rejects a string that is not, so callers that want their output to decode
// must keep to the limits the reader applies.
func AppendString(b []byte, s string) []byte {
	b = AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// AppendBytes appends p prefixed by its length as a uvarint.
func AppendBytes(b, p []byte) []byte {
	b = AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

// SizeUvarint reports how many bytes AppendUvarint writes for v.
func SizeUvarint(v uint64) int {
	// Every 7 significant bits take one byte; zero still takes one.
	return (bits.Len64(v|1) + 6) / 7
}

// SizeVarint reports how many bytes AppendVarint writes for v.
func SizeVarint(v int64) int {
	return SizeUvarint(zigzag(v))
}

// zigzag maps signed to unsigned so that small magnitudes stay small.
func zigzag(v int64) uint64 {
	return uint64(v<<1) ^ uint64(v>>63)
}

// unzigzag inverts zigzag.
func unzigzag(u uint64) int64 {
	return int64(u>>1) ^ -int64(u&1)
}
