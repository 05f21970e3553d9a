package wire_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tinymmo/tinymmo/internal/wire"
)

// varintBatch returns 256 values that each encode in exactly size bytes.
func varintBatch(size int) []uint64 {
	lo, hi := uint64(0), uint64(math.MaxUint64)
	if size > 1 {
		lo = 1 << (7 * (size - 1))
	}
	if size < wire.MaxVarintLen64 {
		hi = 1<<(7*size) - 1
	}
	vals := make([]uint64, 256)
	for i := range vals {
		vals[i] = lo + uint64(i)*7919%(hi-lo+1)
	}
	return vals
}

func BenchmarkAppendUvarint(b *testing.B) {
	for _, size := range []int{1, 2, 3, 5, 10} {
		b.Run(fmt.Sprintf("bytes=%d", size), func(b *testing.B) {
			vals := varintBatch(size)
			buf := make([]byte, 0, len(vals)*wire.MaxVarintLen64)
			b.SetBytes(int64(len(vals) * size))
			b.ReportAllocs()
			for b.Loop() {
				buf = buf[:0]
				for _, v := range vals {
					buf = wire.AppendUvarint(buf, v)
				}
			}
			if len(buf) != len(vals)*size {
				b.Fatalf("encoded %d bytes, want %d", len(buf), len(vals)*size)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vals)), "ns/varint")
		})
	}
}

func BenchmarkReaderUvarint(b *testing.B) {
	for _, size := range []int{1, 2, 3, 5, 10} {
		b.Run(fmt.Sprintf("bytes=%d", size), func(b *testing.B) {
			vals := varintBatch(size)
			var buf []byte
			for _, v := range vals {
				buf = wire.AppendUvarint(buf, v)
			}
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			var sum uint64
			for b.Loop() {
				r := wire.NewReader(buf)
				for r.Len() > 0 {
					sum += r.Uvarint()
				}
				if r.Err() != nil {
					b.Fatal(r.Err())
				}
			}
			if sum == 0 {
				b.Fatal("decoded nothing")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vals)), "ns/varint")
		})
	}
}
