package protocol_test

import (
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// BenchmarkInput measures the message every player sends when its intent changes.
func BenchmarkInput(b *testing.B) {
	in := protocol.Input{Seq: 3000, Tick: 72000, Move: protocol.DirNE, Aim: 224, Buttons: protocol.ButtonPrimary}
	enc := in.Append(nil)
	b.Run("op=append", func(b *testing.B) {
		buf := make([]byte, 0, protocol.MaxClientMessage)
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			buf = in.Append(buf[:0])
		}
		b.ReportMetric(float64(len(buf)), "bytes/input")
	})
	b.Run("op=decode", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := protocol.Decode(enc); err != nil {
				b.Fatal(err)
			}
		}
		// The upstream cost of input at 20 Hz, payload only (WebSocket
		// framing adds 6 bytes per client frame).
		b.ReportMetric(float64(len(enc)*8*20), "bits/s/client")
	})
}
