package wire

import "math"

// MaxQuantizeShift is the largest shift [Quantize] and [Dequantize] accept.
const MaxQuantizeShift = 30

// Quantize maps the fixed-point value v to a step of 1<<shift units,
// rounding to the nearest step; a tie (v exactly halfway) rounds up, toward
// +∞, which needs no branch on the sign. For example, game positions are
// int32 fixed-point in 1/16 pixel ("subpixels"); quantized with shift 4 they
// are sent in whole pixels, and Quantize(24, 4) == 2 (1.5 px rounds up to
// 2 px) while Quantize(-24, 4) == -1 (-1.5 px rounds up to -1 px).
//
// For every v, Dequantize(Quantize(v, shift), shift) differs from v by at
// most 1<<shift / 2 (and is exact when shift is 0).
//
// shift must be at most MaxQuantizeShift; Quantize panics otherwise.
func Quantize(v int32, shift uint) int32 {
	if shift > MaxQuantizeShift {
		panic("wire: Quantize shift out of range")
	}
	if shift == 0 {
		return v
	}
	// int64 keeps v + half from overflowing near MaxInt32; the shifted
	// result always fits in int32 again.
	return int32((int64(v) + 1<<(shift-1)) >> shift)
}

// Dequantize maps a quantized value back to units: q<<shift, saturated to
// the int32 range. Saturation matters in two places: q may come from a
// peer and be arbitrarily large, and Quantize of a value within half a step
// of MaxInt32 rounds up past it.
//
// shift must be at most MaxQuantizeShift; Dequantize panics otherwise.
func Dequantize(q int32, shift uint) int32 {
	if shift > MaxQuantizeShift {
		panic("wire: Dequantize shift out of range")
	}
	v := int64(q) << shift
	switch {
	case v > math.MaxInt32:
		return math.MaxInt32
	case v < math.MinInt32:
		return math.MinInt32
	}
	return int32(v)
}
