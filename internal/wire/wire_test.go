package wire_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/tinymmo/tinymmo/internal/wire"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func TestFixedWidthIsLittleEndian(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"u8", wire.AppendU8(nil, 0xab), "ab"},
		{"u16", wire.AppendU16(nil, 0x1234), "34 12"},
		{"u32", wire.AppendU32(nil, 0x12345678), "78 56 34 12"},
		{"bool true", wire.AppendBool(nil, true), "01"},
		{"bool false", wire.AppendBool(nil, false), "00"},
		{"appends after prefix", wire.AppendU16([]byte{0xff}, 0xbeef), "ff ef be"},
	}
	for _, tt := range tests {
		if want := mustHex(t, tt.want); !bytes.Equal(tt.got, want) {
			t.Errorf("%s = % x, want % x", tt.name, tt.got, want)
		}
	}

	r := wire.NewReader(mustHex(t, "ab 34 12 78 56 34 12 01 00"))
	if got := r.U8(); got != 0xab {
		t.Errorf("U8() = %#x, want 0xab", got)
	}
	if got := r.U16(); got != 0x1234 {
		t.Errorf("U16() = %#x, want 0x1234", got)
	}
	if got := r.U32(); got != 0x12345678 {
		t.Errorf("U32() = %#x, want 0x12345678", got)
	}
	if got := r.Bool(); !got {
		t.Errorf("Bool() = false, want true")
	}
	if got := r.Bool(); got {
		t.Errorf("Bool() = true, want false")
	}
	if err := r.Done(); err != nil {
		t.Errorf("Done() = %v, want nil", err)
	}
}

func TestUvarintEncoding(t *testing.T) {
	tests := []struct {
		v    uint64
		want string
	}{
		{0, "00"},
		{1, "01"},
		{127, "7f"},
		{128, "80 01"},
		{300, "ac 02"},
		{16383, "ff 7f"},
		{16384, "80 80 01"},
		{math.MaxUint32, "ff ff ff ff 0f"},
		{1 << 63, "80 80 80 80 80 80 80 80 80 01"},
		{math.MaxUint64, "ff ff ff ff ff ff ff ff ff 01"},
	}
	for _, tt := range tests {
		want := mustHex(t, tt.want)
		got := wire.AppendUvarint(nil, tt.v)
		if !bytes.Equal(got, want) {
			t.Errorf("AppendUvarint(%d) = % x, want % x", tt.v, got, want)
		}
		if n := wire.SizeUvarint(tt.v); n != len(want) {
			t.Errorf("SizeUvarint(%d) = %d, want %d", tt.v, n, len(want))
		}
		r := wire.NewReader(want)
		if v := r.Uvarint(); v != tt.v || r.Done() != nil {
			t.Errorf("Uvarint(% x) = %d, %v; want %d, nil", want, v, r.Done(), tt.v)
		}
	}
}

func TestVarintIsZigzag(t *testing.T) {
	tests := []struct {
		v    int64
		want string
	}{
		{0, "00"},
		{-1, "01"},
		{1, "02"},
		{-2, "03"},
		{2, "04"},
		{63, "7e"},
		{-64, "7f"},
		{64, "80 01"},
		{-65, "81 01"},
		{math.MaxInt64, "fe ff ff ff ff ff ff ff ff 01"},
		{math.MinInt64, "ff ff ff ff ff ff ff ff ff 01"},
	}
	for _, tt := range tests {
		want := mustHex(t, tt.want)
		got := wire.AppendVarint(nil, tt.v)
		if !bytes.Equal(got, want) {
			t.Errorf("AppendVarint(%d) = % x, want % x", tt.v, got, want)
		}
		if n := wire.SizeVarint(tt.v); n != len(want) {
			t.Errorf("SizeVarint(%d) = %d, want %d", tt.v, n, len(want))
		}
		r := wire.NewReader(want)
		if v := r.Varint(); v != tt.v || r.Done() != nil {
			t.Errorf("Varint(% x) = %d, %v; want %d, nil", want, v, r.Done(), tt.v)
		}
	}
}

// readErrorTests are inputs each read must refuse, with the error they must
// match and a fragment of its text.
var readErrorTests = []struct {
	name string
	in   string
	read func(r *wire.Reader)
	want error
	text string
}{
	{"empty u8", "", func(r *wire.Reader) { r.U8() }, io.ErrUnexpectedEOF, "truncated u8 at offset 0"},
	{"short u16", "01", func(r *wire.Reader) { r.U16() }, io.ErrUnexpectedEOF, "truncated u16"},
	{"short u32", "01 02 03", func(r *wire.Reader) { r.U32() }, io.ErrUnexpectedEOF, "truncated u32"},
	{"empty varint", "", func(r *wire.Reader) { r.Uvarint() }, io.ErrUnexpectedEOF, "truncated varint"},
	{"varint ends mid-way", "ff ff", func(r *wire.Reader) { r.Uvarint() }, io.ErrUnexpectedEOF, "truncated varint at offset 0"},
	{"non-minimal zero", "80 00", func(r *wire.Reader) { r.Uvarint() }, wire.ErrNonCanonical, "has 2 bytes, minimal is 1"},
	{"non-minimal 127", "ff 00", func(r *wire.Reader) { r.Uvarint() }, wire.ErrNonCanonical, "minimal is 1"},
	{"non-minimal ten bytes", "80 80 80 80 80 80 80 80 80 00", func(r *wire.Reader) { r.Uvarint() }, wire.ErrNonCanonical, "has 10 bytes"},
	{"tenth byte overflows", "ff ff ff ff ff ff ff ff ff 02", func(r *wire.Reader) { r.Uvarint() }, wire.ErrOverflow, "offset 0"},
	{"eleven bytes", "80 80 80 80 80 80 80 80 80 81 01", func(r *wire.Reader) { r.Uvarint() }, wire.ErrOverflow, "offset 0"},
	{"varint offset", "05 80", func(r *wire.Reader) { r.U8(); r.Varint() }, io.ErrUnexpectedEOF, "offset 1"},
	{"bool 2", "02", func(r *wire.Reader) { r.Bool() }, wire.ErrNonCanonical, "bool at offset 0 is 2"},
	{"string over cap", "05 68 65 6c 6c 6f", func(r *wire.Reader) { r.String(4) }, wire.ErrTooLong, "length 5, cap 4"},
	{"string over input", "05 68 65", func(r *wire.Reader) { r.String(64) }, io.ErrUnexpectedEOF, "truncated string"},
	{"string huge length", "ff ff ff ff ff ff ff ff 7f", func(r *wire.Reader) { r.String(math.MaxInt) }, io.ErrUnexpectedEOF, "truncated string"},
	{"string negative cap", "00", func(r *wire.Reader) { r.String(-1) }, wire.ErrTooLong, "cap -1"},
	{"string bad utf8", "02 c3 28", func(r *wire.Reader) { r.String(64) }, wire.ErrInvalidUTF8, "string at offset 0"},
	{"string length non-minimal", "81 00 61", func(r *wire.Reader) { r.String(64) }, wire.ErrNonCanonical, ""},
	{"bytes over cap", "03 01 02 03", func(r *wire.Reader) { r.Bytes(2) }, wire.ErrTooLong, "bytes at offset 0"},
	{"bytes over input", "03 01", func(r *wire.Reader) { r.Bytes(8) }, io.ErrUnexpectedEOF, "truncated bytes"},
	{"bytes huge length", "ff ff ff ff ff ff ff ff ff 01", func(r *wire.Reader) { r.Bytes(math.MaxInt) }, wire.ErrTooLong, ""},
	{"trailing", "01 02", func(r *wire.Reader) { r.U8() }, wire.ErrTrailing, "1 left at offset 1"},
}

func TestReaderRejectsMalformedInput(t *testing.T) {
	for _, tt := range readErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			r := wire.NewReader(mustHex(t, tt.in))
			tt.read(r)
			err := r.Done()
			if !errors.Is(err, tt.want) {
				t.Fatalf("Done() = %v, want an error matching %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Done() = %q, want it to mention %q", err, tt.text)
			}
		})
	}
}

func TestReaderErrorIsSticky(t *testing.T) {
	// A bad bool, then bytes that would decode fine on their own.
	r := wire.NewReader(mustHex(t, "07 02 05 01 00 03 61 62 63"))
	if got := r.U8(); got != 7 {
		t.Fatalf("U8() = %d, want 7", got)
	}
	r.Bool()
	first := r.Err()
	if !errors.Is(first, wire.ErrNonCanonical) {
		t.Fatalf("Err() after Bool(0x02) = %v, want ErrNonCanonical", first)
	}
	if n := r.Len(); n != 0 {
		t.Errorf("Len() after error = %d, want 0", n)
	}
	if v := r.U8(); v != 0 {
		t.Errorf("U8() after error = %d, want 0", v)
	}
	if v := r.U16(); v != 0 {
		t.Errorf("U16() after error = %d, want 0", v)
	}
	if v := r.U32(); v != 0 {
		t.Errorf("U32() after error = %d, want 0", v)
	}
	if v := r.Uvarint(); v != 0 {
		t.Errorf("Uvarint() after error = %d, want 0", v)
	}
	if v := r.Varint(); v != 0 {
		t.Errorf("Varint() after error = %d, want 0", v)
	}
	if v := r.Bool(); v {
		t.Errorf("Bool() after error = true, want false")
	}
	if v := r.String(64); v != "" {
		t.Errorf("String() after error = %q, want empty", v)
	}
	if v := r.Bytes(64); v != nil {
		t.Errorf("Bytes() after error = %q, want nil", v)
	}
	if err := r.Err(); err != first {
		t.Errorf("Err() = %v, want the first error %v", err, first)
	}
	if err := r.Done(); err != first {
		t.Errorf("Done() = %v, want the first error %v", err, first)
	}
}

func TestStringsAndBytesRoundTrip(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes: a two-byte length prefix
	var b []byte
	b = wire.AppendString(b, "")
	b = wire.AppendString(b, "héllo, 世界")
	b = wire.AppendString(b, long)
	b = wire.AppendBytes(b, nil)
	b = wire.AppendBytes(b, []byte{0, 0xff})

	r := wire.NewReader(b)
	if got := r.String(0); got != "" {
		t.Errorf("String(0) = %q, want empty", got)
	}
	if got := r.String(len("héllo, 世界")); got != "héllo, 世界" {
		t.Errorf("String() = %q, want %q", got, "héllo, 世界")
	}
	if got := r.String(len(long)); got != long {
		t.Errorf("String() = %q, want %q", got, long)
	}
	if got := r.Bytes(0); got == nil || len(got) != 0 {
		t.Errorf("Bytes() = %#v, want empty and non-nil", got)
	}
	got := r.Bytes(2)
	if !bytes.Equal(got, []byte{0, 0xff}) {
		t.Errorf("Bytes() = % x, want 00 ff", got)
	}
	if cap(got) != len(got) {
		t.Errorf("cap(Bytes()) = %d, want %d so appends cannot clobber the input", cap(got), len(got))
	}
	if err := r.Done(); err != nil {
		t.Errorf("Done() = %v, want nil", err)
	}
}

func TestBytesAliasesInput(t *testing.T) {
	in := []byte{2, 'a', 'b'}
	got := wire.NewReader(in).Bytes(2)
	in[1] = 'z'
	if string(got) != "zb" {
		t.Errorf("Bytes() after changing the input = %q, want %q (documented to alias)", got, "zb")
	}
}

func TestAppendDoesNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 64)
	s := "a string"
	p := []byte("some bytes")
	allocs := testing.AllocsPerRun(100, func() {
		b := buf[:0]
		b = wire.AppendU8(b, 1)
		b = wire.AppendU16(b, 2)
		b = wire.AppendU32(b, 3)
		b = wire.AppendUvarint(b, math.MaxUint64)
		b = wire.AppendVarint(b, math.MinInt64)
		b = wire.AppendBool(b, true)
		b = wire.AppendString(b, s)
		b = wire.AppendBytes(b, p)
		buf = b
	})
	if allocs != 0 {
		t.Errorf("Append* into a buffer with capacity: %v allocs, want 0", allocs)
	}
}

func TestReadingNumbersDoesNotAllocate(t *testing.T) {
	var b []byte
	b = wire.AppendU8(b, 1)
	b = wire.AppendU16(b, 2)
	b = wire.AppendU32(b, 3)
	b = wire.AppendUvarint(b, math.MaxUint64)
	b = wire.AppendVarint(b, -5)
	b = wire.AppendBool(b, true)
	b = wire.AppendBytes(b, []byte("xyz"))
	var sum uint64
	allocs := testing.AllocsPerRun(100, func() {
		r := wire.NewReader(b)
		sum += uint64(r.U8()) + uint64(r.U16()) + uint64(r.U32()) + r.Uvarint() + uint64(r.Varint())
		if r.Bool() {
			sum += uint64(len(r.Bytes(3)))
		}
		if r.Done() != nil {
			sum = 0
		}
	})
	if sum == 0 {
		t.Fatal("reads failed")
	}
	if allocs != 0 {
		t.Errorf("reading numbers and bytes: %v allocs, want 0", allocs)
	}
}
