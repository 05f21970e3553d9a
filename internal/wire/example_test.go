package wire_test

import (
	"fmt"

	"github.com/tinymmo/tinymmo/internal/wire"
)

func ExampleReader() {
	// Encode: a sequence number, a signed offset and a name.
	var b []byte
	b = wire.AppendUvarint(b, 300)
	b = wire.AppendVarint(b, -3)
	b = wire.AppendString(b, "Ana")
	fmt.Printf("% x\n", b)

	// Decode: read every field, then check once.
	r := wire.NewReader(b)
	seq := r.Uvarint()
	dx := r.Varint()
	name := r.String(16)
	if err := r.Done(); err != nil {
		fmt.Println("malformed:", err)
		return
	}
	fmt.Println(seq, dx, name)

	// A truncated copy fails, and the error says where.
	r = wire.NewReader(b[:4])
	r.Uvarint()
	r.Varint()
	r.String(16)
	fmt.Println(r.Done())
	// Output:
	// ac 02 05 03 41 6e 61
	// 300 -3 Ana
	// wire: truncated string at offset 3: unexpected EOF
}

func ExampleQuantize() {
	const subpixelShift = 4 // positions are in 1/16 px
	x := int32(1000)        // 62.5 px
	px := wire.Quantize(x, subpixelShift)
	fmt.Println(px, wire.Dequantize(px, subpixelShift))
	// Output: 63 1008
}
