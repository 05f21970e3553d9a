package wire

import (
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"
)

// A Reader decodes values from one message, front to back.
//
// Its error is sticky: after the first failed read every read returns the
// zero value, [Reader.Len] reports 0, and [Reader.Err] returns that first
// error, so a decoder may read all its fields and check once at the end:
//
//	r := wire.NewReader(payload)
//	seq := r.Uvarint()
//	name := r.String(32)
//	if err := r.Done(); err != nil {
//		return err
//	}
//
// A Reader is not safe for concurrent use. It never modifies its input.
type Reader struct {
	b   []byte
	off int   // next unread byte; len(b) once err is set
	err error // first error, sticky
}

// NewReader returns a Reader over b. The Reader does not copy b: slices
// returned by [Reader.Bytes] alias it.
func NewReader(b []byte) *Reader {
	return &Reader{b: b}
}

// Len reports how many bytes are left unread; 0 after an error.
func (r *Reader) Len() int {
	return len(r.b) - r.off
}

// Err returns the first error met, or nil.
func (r *Reader) Err() error {
	return r.err
}

// Done returns the first error met or, if there was none, an error wrapping
// ErrTrailing when bytes are left unread. A message must be consumed
// exactly: trailing bytes make it malformed.
func (r *Reader) Done() error {
	if r.err != nil {
		return r.err
	}
	if n := r.Len(); n > 0 {
		return fmt.Errorf("%w: %d left at offset %d", ErrTrailing, n, r.off)
	}
	return nil
}

// fail records err unless an error is already recorded, and consumes the
// rest of the input so that loops on Len end.
func (r *Reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.off = len(r.b)
}

// truncated records that a value of kind what, starting at off, needs more
// bytes than are left.
func (r *Reader) truncated(what string, off int) {
	r.fail(fmt.Errorf("wire: truncated %s at offset %d: %w", what, off, io.ErrUnexpectedEOF))
}

// take returns the next n bytes and advances past them, or records a
// truncation error and returns nil. n must not be negative.
func (r *Reader) take(what string, n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > r.Len() {
		r.truncated(what, r.off)
		return nil
	}
	p := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return p
}

// U8 reads one byte.
func (r *Reader) U8() uint8 {
	p := r.take("u8", 1)
	if p == nil {
		return 0
	}
	return p[0]
}

// U16 reads a little-endian uint16.
func (r *Reader) U16() uint16 {
	p := r.take("u16", 2)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint16(p)
}

// U32 reads a little-endian uint32.
func (r *Reader) U32() uint32 {
	p := r.take("u32", 4)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(p)
}

// Uvarint reads an unsigned LEB128 varint. It fails with ErrOverflow if the
// varint is longer than MaxVarintLen64 bytes or exceeds 64 bits, with
// ErrNonCanonical if it is not minimal (it ends in a zero group after the
// first byte), and with io.ErrUnexpectedEOF if the input ends inside it.
func (r *Reader) Uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	start := r.off
	// Fast path: one byte, the common case for sequence numbers, small
	// lengths and deltas.
	if start < len(r.b) && r.b[start] < 0x80 {
		r.off++
		return uint64(r.b[start])
	}
	var v uint64
	// The loop ends by the tenth byte, which either ends the varint or
	// fails the overflow check.
	for i := 0; ; i++ {
		if start+i >= len(r.b) {
			r.truncated("varint", start)
			return 0
		}
		c := r.b[start+i]
		if i == MaxVarintLen64-1 && c > 1 {
			// The tenth byte holds bit 63 alone; anything more is too
			// big, and a continuation bit would make the varint too long.
			r.fail(fmt.Errorf("%w: at offset %d", ErrOverflow, start))
			return 0
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 && i > 0 {
				r.fail(fmt.Errorf("%w: varint at offset %d has %d bytes, minimal is %d",
					ErrNonCanonical, start, i+1, SizeUvarint(v)))
				return 0
			}
			r.off = start + i + 1
			return v
		}
	}
}

// Varint reads a zigzag-encoded signed varint, with the errors of
// [Reader.Uvarint].
func (r *Reader) Varint() int64 {
	return unzigzag(r.Uvarint())
}

// Bool reads one byte that must be 0 or 1; any other value fails with
// ErrNonCanonical.
func (r *Reader) Bool() bool {
	off := r.off
	switch c := r.U8(); c {
	case 0:
		return false
	case 1:
		return true
	default:
		r.fail(fmt.Errorf("%w: bool at offset %d is %d, want 0 or 1", ErrNonCanonical, off, c))
		return false
	}
}

// length reads a uvarint length prefix for a value of kind what and checks
// it against max and against the bytes left, so that nothing is sliced or
// allocated on the peer's word alone. It returns -1 after an error.
func (r *Reader) length(what string, max int) int {
	off := r.off
	n := r.Uvarint()
	if r.err != nil {
		return -1
	}
	if max < 0 || n > uint64(max) {
		r.fail(fmt.Errorf("%w: %s at offset %d has length %d, cap %d", ErrTooLong, what, off, n, max))
		return -1
	}
	if n > uint64(r.Len()) {
		r.truncated(what, off)
		return -1
	}
	return int(n)
}

// String reads a uvarint length and that many bytes of UTF-8. A length over
// max fails with ErrTooLong, and bytes that are not valid UTF-8 fail with
// ErrInvalidUTF8, both before the string is allocated.
func (r *Reader) String(max int) string {
	off := r.off
	n := r.length("string", max)
	if n < 0 {
		return ""
	}
	p := r.take("string", n)
	if !utf8.Valid(p) {
		r.fail(fmt.Errorf("%w: string at offset %d", ErrInvalidUTF8, off))
		return ""
	}
	return string(p)
}

// Bytes reads a uvarint length and that many bytes. A length over max fails
// with ErrTooLong. The result aliases the Reader's input (with its capacity
// capped to its length, so appending to it copies); copy it to keep it
// beyond the input's lifetime. It is nil after an error and non-nil, possibly
// empty, otherwise.
func (r *Reader) Bytes(max int) []byte {
	n := r.length("bytes", max)
	if n < 0 {
		return nil
	}
	return r.take("bytes", n)
}
