package protocol_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// FuzzDecode feeds Decode arbitrary messages, seeded with every golden
// vector. Nothing may panic; every error must be a *DecodeError of one of
// the three kinds; and whatever decodes must re-encode to the same bytes.
func FuzzDecode(f *testing.F) {
	for _, m := range goldenMessages {
		f.Add(m.Append(nil))
	}
	f.Add([]byte{})
	f.Add([]byte{0x02, 0x81, 0x00, 0x00, 0x00, 0x00})
	f.Add([]byte{0x02, 0x01, 0x81, 0x00, 0x00, 0x00, 0x00})
	f.Add([]byte{0x01, 0x02, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := protocol.Decode(b)
		if err != nil {
			var de *protocol.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode(% x) = %T %v, want *DecodeError", b, err, err)
			}
			if !errors.Is(err, protocol.ErrMalformed) && !errors.Is(err, protocol.ErrUnknownType) && !errors.Is(err, protocol.ErrVersion) {
				t.Fatalf("Decode(% x) = %v, of no known kind", b, err)
			}
			if m != nil {
				t.Fatalf("Decode(% x) = %#v with error %v, want nil", b, m, err)
			}
			return
		}
		if got := m.Type(); got != protocol.Type(b[0]) {
			t.Fatalf("Decode(% x).Type() = %v, want %v", b, got, protocol.Type(b[0]))
		}
		if again := m.Append(nil); !bytes.Equal(again, b) {
			t.Fatalf("Decode(% x) = %#v, which re-encodes as % x", b, m, again)
		}
	})
}
