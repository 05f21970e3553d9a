package main

// Monster sheet layout: 16x16 frames; row = mob*2 + direction (left, right),
// column = frame (0 idle, 1-2 walk).
const (
	mobW      = 16
	mobH      = 16
	mobFrames = 3
	// The feet point of a monster frame, as for characters.
	mobAnchorX = 8
	mobAnchorY = 15
)

type mob struct {
	name string
	key  map[rune]uint8
	// Frames facing left: idle, walk 1, walk 2. Facing right mirrors them.
	frames [mobFrames][]string
}

func mobs() []mob {
	ratBody := []string{
		"................",
		"................",
		"................",
		"................",
		"................",
		"................",
		"....pP..........",
		"...pAAA.........",
		"..AeAAAAAa......",
		".PAAAALAAAa.....",
		"..AAAALLAAAa....",
		"...aAAAAAAaa..t.",
		"....aaaaaaaatt..",
	}
	rat := func(feet ...string) []string { return append(append([]string{}, ratBody...), feet...) }
	wolfBody := []string{
		"................",
		"................",
		"................",
		"..A.A...........",
		"..AAA...........",
		"..AeAA..........",
		"nAAAAALLLLLL....",
		"..wAAALLLLLLAa..",
		"...aAAAAAAAAAaa.",
		"...aAAAAAAAAAa.a",
		"....aAAAAAAAa...",
	}
	wolf := func(legs ...string) []string { return append(append([]string{}, wolfBody...), legs...) }
	skelTop := []string{
		"................",
		"......WWWW......",
		".....WWWWWW.....",
		".....WooWWWx....",
		".....WooWWWx....",
		"......WWWWx.....",
		"......oWoWx.....",
		".......xx.......",
		".....WWWWWW.....",
		"....x.WoWo.x....",
		"....x.WoWo.x....",
		"...V...WW...x...",
		"......WxxW......",
	}
	skel := func(legs ...string) []string { return append(append([]string{}, skelTop...), legs...) }
	return []mob{
		{
			name: "rat",
			key:  withKey(map[rune]uint8{'A': cBrown2, 'a': cBrown1, 'L': cBrown3, 'p': cRed3, 'P': cRed3, 't': cRed3}),
			frames: [mobFrames][]string{
				rat("....a..a..a.....", "................", "................"),
				rat("...a....a..a....", "................", "................"),
				rat(".....a.a...a....", "................", "................"),
			},
		},
		{
			name: "wolf",
			key:  withKey(map[rune]uint8{'A': cGrey2, 'a': cGrey1, 'L': cGrey3, 'n': cInk}),
			frames: [mobFrames][]string{
				wolf("....A..a..A..a..", "....A..a..A..a..", "...AA.aa.AA.aa.."),
				wolf("...A...a...A.a..", "..A....a..A..a..", ".AA....aa.A..aa."),
				wolf(".....Aa....Aa...", ".....Aa....Aa...", "....AAa...AAa..."),
			},
		},
		{
			name: "skeleton",
			key:  withKey(map[rune]uint8{}),
			frames: [mobFrames][]string{
				skel(".....x..x.......", ".....W..W.......", "....WW..WW......"),
				skel("....x....x......", "...W.....W......", "..WW.....WW....."),
				skel("......xx........", "......WW........", ".....WWW........"),
			},
		},
	}
}

func mobSheet() sheetSpec {
	ms := mobs()
	img := newSheet(mobFrames*mobW, len(ms)*2*mobH)
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.name
		for f, rows := range m.frames {
			x, y := f*mobW, i*2*mobH
			p := newPen(img, x, y, mobW, mobH, 0)
			p.stamp(0, 0, rows, m.key)
			p.outline(cInk)
			p.shadow(8, 15, 5.5, 1.2)
			mirror(img, x, y, x, y+mobH, mobW, mobH)
		}
	}
	return sheetSpec{
		name: "mobs",
		img:  img,
		meta: spriteIndex{
			Image:       "mobs.png",
			FrameWidth:  mobW,
			FrameHeight: mobH,
			AnchorX:     mobAnchorX,
			AnchorY:     mobAnchorY,
			Layout:      "row = sprite*2 + direction, column = frame",
			Sprites:     names,
			Directions:  []string{"left", "right"},
			Idle:        []int{0},
			Walk:        []int{1, 0, 2, 0},
			WalkFrameMs: 120,
		},
	}
}
