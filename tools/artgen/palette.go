package main

import "image/color"

// Palette indices. Every pixel artgen writes is one of these colours, so the
// art stays consistent and the PNGs are small paletted images.
const (
	cClear  = iota // fully transparent
	cShadow        // translucent black, for drop shadows
	cInk           // outlines
	cWhite

	cGreen0 // darkest green
	cGreen1
	cGreen2
	cGreen3 // grass base
	cGreen4
	cGreen5 // highlight

	cBrown0
	cBrown1
	cBrown2
	cBrown3
	cSand0
	cSand1
	cSand2

	cGrey0
	cGrey1
	cGrey2
	cGrey3
	cGrey4

	cBlue0
	cBlue1
	cBlue2
	cBlue3
	cBlue4

	cDun0 // dungeon stone, darkest
	cDun1
	cDun2
	cDun3
	cDun4

	cRed0
	cRed1
	cRed2
	cRed3

	cYel0
	cYel1
	cYel2

	cPur0
	cPur1
	cPur2
	cPur3

	cSkin0
	cSkin1
	cSkin2

	cTint // translucent red, for the collision marker tile

	numColours
)

// palette returns TinyMMO's palette, indexed by the c* constants.
func palette() color.Palette {
	hex := func(v uint32) color.Color {
		return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
	}
	p := color.Palette{
		cClear:  color.NRGBA{},
		cShadow: color.NRGBA{0x10, 0x0c, 0x18, 0x60},
		cInk:    hex(0x1b1626),
		cWhite:  hex(0xf4f4ec),

		cGreen0: hex(0x1c3a2c),
		cGreen1: hex(0x2a5a36),
		cGreen2: hex(0x3c7c3c),
		cGreen3: hex(0x5a9e44),
		cGreen4: hex(0x86c659),
		cGreen5: hex(0xbfe27c),

		cBrown0: hex(0x3b2623),
		cBrown1: hex(0x5d3a2b),
		cBrown2: hex(0x845536),
		cBrown3: hex(0xaa7848),
		cSand0:  hex(0xbf965e),
		cSand1:  hex(0xd8b47a),
		cSand2:  hex(0xecd6a2),

		cGrey0: hex(0x26263a),
		cGrey1: hex(0x41435a),
		cGrey2: hex(0x646a80),
		cGrey3: hex(0x8e95a8),
		cGrey4: hex(0xc0c7d2),

		cBlue0: hex(0x1a2858),
		cBlue1: hex(0x24449a),
		cBlue2: hex(0x336cc6),
		cBlue3: hex(0x58a0e4),
		cBlue4: hex(0xa2daf6),

		cDun0: hex(0x161220),
		cDun1: hex(0x282232),
		cDun2: hex(0x3c3448),
		cDun3: hex(0x564c64),
		cDun4: hex(0x776c88),

		cRed0: hex(0x5a1a26),
		cRed1: hex(0x9e2a34),
		cRed2: hex(0xdc4a3e),
		cRed3: hex(0xf4a088),

		cYel0: hex(0xb0641e),
		cYel1: hex(0xe4a232),
		cYel2: hex(0xf8e070),

		cPur0: hex(0x36205c),
		cPur1: hex(0x6636a2),
		cPur2: hex(0xa66ae0),
		cPur3: hex(0xe2beff),

		cSkin0: hex(0xa4684a),
		cSkin1: hex(0xdc9e78),
		cSkin2: hex(0xf4cca2),

		cTint: color.NRGBA{0xe0, 0x30, 0x30, 0x90},
	}
	if len(p) != numColours {
		panic("artgen: palette and colour constants disagree")
	}
	return p
}
