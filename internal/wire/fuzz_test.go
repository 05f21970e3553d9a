package wire_test

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/tinymmo/tinymmo/internal/wire"
)

// FuzzReader runs a sequence of reads, chosen by ops, over data. No input may
// panic; after an error every read must return the zero value; and every
// read that succeeds must have consumed exactly the canonical encoding of the
// value it returned.
func FuzzReader(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7}, []byte{1, 2, 0, 3, 0, 0, 0, 0xac, 0x02, 0x03, 1, 2, 'h', 'i', 1, 0xff})
	f.Add([]byte{3, 3, 3}, []byte{0x80, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{0x16, 0x27}, []byte{0x02, 0xc3, 0x28, 0x05, 1, 2})
	f.Add([]byte{5, 5}, []byte{0x01, 0x02})
	f.Fuzz(func(t *testing.T, ops, data []byte) {
		r := wire.NewReader(data)
		for _, op := range ops {
			before := r.Len()
			off := len(data) - before
			limit := int(op >> 4) // 0..15: the cap for String and Bytes
			var enc []byte        // canonical encoding of what was read
			var zero bool         // whether the value read is the zero value
			switch op % 8 {
			case 0:
				v := r.U8()
				enc, zero = wire.AppendU8(nil, v), v == 0
			case 1:
				v := r.U16()
				enc, zero = wire.AppendU16(nil, v), v == 0
			case 2:
				v := r.U32()
				enc, zero = wire.AppendU32(nil, v), v == 0
			case 3:
				v := r.Uvarint()
				enc, zero = wire.AppendUvarint(nil, v), v == 0
			case 4:
				v := r.Varint()
				enc, zero = wire.AppendVarint(nil, v), v == 0
			case 5:
				v := r.Bool()
				enc, zero = wire.AppendBool(nil, v), !v
			case 6:
				v := r.String(limit)
				if len(v) > limit || !utf8.ValidString(v) {
					t.Fatalf("String(%d) = %q: over the cap or invalid UTF-8", limit, v)
				}
				enc, zero = wire.AppendString(nil, v), v == ""
			case 7:
				v := r.Bytes(limit)
				if len(v) > limit {
					t.Fatalf("Bytes(%d) returned %d bytes", limit, len(v))
				}
				enc, zero = wire.AppendBytes(nil, v), v == nil
				if r.Err() == nil && v == nil {
					t.Fatalf("Bytes(%d) = nil without an error", limit)
				}
			}
			if r.Len() > before {
				t.Fatalf("Len() grew from %d to %d", before, r.Len())
			}
			if err := r.Err(); err != nil {
				if !zero {
					t.Fatalf("op %d returned a non-zero value with error %v", op%8, err)
				}
				if r.Len() != 0 {
					t.Fatalf("Len() = %d after error %v, want 0", r.Len(), err)
				}
				continue
			}
			if got := data[off : len(data)-r.Len()]; !bytes.Equal(got, enc) {
				t.Fatalf("op %d consumed % x, but the value re-encodes as % x", op%8, got, enc)
			}
		}
		if err := r.Done(); err == nil && r.Len() != 0 {
			t.Fatalf("Done() = nil with %d bytes left", r.Len())
		} else if err != nil && r.Err() == nil && !errors.Is(err, wire.ErrTrailing) {
			t.Fatalf("Done() = %v without a read error, want ErrTrailing", err)
		}
	})
}

// FuzzVarintRoundTrip checks that every integer survives AppendUvarint and
// AppendVarint followed by the matching read, in the size SizeX predicts.
func FuzzVarintRoundTrip(f *testing.F) {
	f.Add(uint64(0), int64(0))
	f.Add(uint64(300), int64(-65))
	f.Add(^uint64(0), int64(-1<<63))
	f.Fuzz(func(t *testing.T, u uint64, i int64) {
		b := wire.AppendUvarint(nil, u)
		if len(b) != wire.SizeUvarint(u) {
			t.Fatalf("AppendUvarint(%d) wrote %d bytes, SizeUvarint says %d", u, len(b), wire.SizeUvarint(u))
		}
		n := len(b)
		b = wire.AppendVarint(b, i)
		if len(b)-n != wire.SizeVarint(i) {
			t.Fatalf("AppendVarint(%d) wrote %d bytes, SizeVarint says %d", i, len(b)-n, wire.SizeVarint(i))
		}
		r := wire.NewReader(b)
		if got := r.Uvarint(); got != u {
			t.Fatalf("Uvarint() = %d, want %d", got, u)
		}
		if got := r.Varint(); got != i {
			t.Fatalf("Varint() = %d, want %d", got, i)
		}
		if err := r.Done(); err != nil {
			t.Fatalf("Done() = %v", err)
		}
	})
}

// FuzzStringRoundTrip checks that valid UTF-8 strings survive AppendString
// and String, that invalid ones are refused, and that the cap is exact.
func FuzzStringRoundTrip(f *testing.F) {
	f.Add("")
	f.Add("héllo, 世界")
	f.Add("\xc3\x28")
	f.Fuzz(func(t *testing.T, s string) {
		b := wire.AppendString(nil, s)
		r := wire.NewReader(b)
		got := r.String(len(s))
		err := r.Done()
		if !utf8.ValidString(s) {
			if !errors.Is(err, wire.ErrInvalidUTF8) {
				t.Fatalf("String() of invalid UTF-8 %q: error %v, want ErrInvalidUTF8", s, err)
			}
			return
		}
		if err != nil || got != s {
			t.Fatalf("String() = %q, %v; want %q, nil", got, err, s)
		}
		if len(s) > 0 {
			r := wire.NewReader(b)
			r.String(len(s) - 1)
			if err := r.Err(); !errors.Is(err, wire.ErrTooLong) {
				t.Fatalf("String(%d) of a %d-byte string: error %v, want ErrTooLong", len(s)-1, len(s), err)
			}
		}
	})
}
