package wire_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tinymmo/tinymmo/internal/wire"
)

func TestQuantizeRoundsToNearest(t *testing.T) {
	tests := []struct {
		v     int32
		shift uint
		want  int32
	}{
		{0, 4, 0},
		{7, 4, 0},   // 0.4375 px
		{8, 4, 1},   // 0.5 px: a tie rounds up
		{23, 4, 1},  // 1.4375 px
		{24, 4, 2},  // 1.5 px
		{-7, 4, 0},  // -0.4375 px
		{-8, 4, 0},  // -0.5 px: a tie rounds up, toward +inf
		{-9, 4, -1}, // -0.5625 px
		{-24, 4, -1},
		{-25, 4, -2},
		{1234, 0, 1234},
		{math.MaxInt32, 4, 1 << 27},
		{math.MinInt32, 4, -1 << 27},
		{math.MaxInt32, 30, 2},
		{math.MinInt32, 30, -2},
	}
	for _, tt := range tests {
		if got := wire.Quantize(tt.v, tt.shift); got != tt.want {
			t.Errorf("Quantize(%d, %d) = %d, want %d", tt.v, tt.shift, got, tt.want)
		}
	}
}

func TestDequantizeSaturates(t *testing.T) {
	tests := []struct {
		q     int32
		shift uint
		want  int32
	}{
		{3, 4, 48},
		{-3, 4, -48},
		{1 << 27, 4, math.MaxInt32},
		{-1 << 27, 4, math.MinInt32},
		{math.MaxInt32, 30, math.MaxInt32},
		{math.MinInt32, 30, math.MinInt32},
		{math.MaxInt32, 0, math.MaxInt32},
	}
	for _, tt := range tests {
		if got := wire.Dequantize(tt.q, tt.shift); got != tt.want {
			t.Errorf("Dequantize(%d, %d) = %d, want %d", tt.q, tt.shift, got, tt.want)
		}
	}
}

func TestQuantizeErrorIsAtMostHalfAStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for shift := uint(0); shift <= wire.MaxQuantizeShift; shift++ {
		half := int64(0)
		if shift > 0 {
			half = 1 << (shift - 1)
		}
		vals := []int32{0, 1, -1, math.MaxInt32, math.MinInt32, math.MaxInt32 - 1, math.MinInt32 + 1}
		for _, d := range []int64{-half - 1, -half, -half + 1, half - 1, half, half + 1} {
			vals = append(vals, int32(d), int32(-(1<<20)+d), int32((1<<20)+d))
		}
		for range 2000 {
			vals = append(vals, int32(rng.Uint32()))
		}
		for _, v := range vals {
			got := wire.Dequantize(wire.Quantize(v, shift), shift)
			if diff := int64(got) - int64(v); diff > half || diff < -half {
				t.Fatalf("Dequantize(Quantize(%d, %d)) = %d: off by %d, want at most %d", v, shift, got, diff, half)
			}
		}
	}
}

func TestQuantizePanicsOnBadShift(t *testing.T) {
	for name, f := range map[string]func(){
		"Quantize":   func() { wire.Quantize(1, wire.MaxQuantizeShift+1) },
		"Dequantize": func() { wire.Dequantize(1, wire.MaxQuantizeShift+1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s with shift %d did not panic", name, wire.MaxQuantizeShift+1)
				}
			}()
			f()
		}()
	}
}
