package main

import (
	"fmt"
	"image"
	"slices"
)

// Monster sheet layout: mobW x mobH frames; row = mob*2 + direction (left,
// right), column = frame (see the mobIdle ... mobDead constants). The boss
// sheet has the same layout with bigger frames (see boss.go).
const (
	mobW = 16
	mobH = 16
	// The feet point of a monster frame, as for characters.
	mobAnchorX = 8
	mobAnchorY = 15
)

// Frame columns of the monster and boss sheets.
const (
	mobIdle   = 0
	mobWalk1  = 1
	mobWalk2  = 2
	mobAttack = 3 // the strike: bite, lunge, shot or swing (friendly folk wave)
	mobDead   = 4 // lying on the ground
	mobFrames = 5
)

// mob describes how to draw one monster (or friendly NPC) facing left;
// facing right mirrors it.
type mob struct {
	name   string
	key    map[rune]uint8
	thin   string              // runes drawn after the outline (see splitThin)
	frames [mobFrames][]string // indexed by the mob* frame constants
}

// mobs lists the monster sheet's sprites in row order. Template runes are
// per mob (see each key); '.' is clear.
func mobs() []mob {
	return []mob{rat(), wolf(), skeleton(), slime(), goblinArcher(), villager(), elder()}
}

func rat() mob {
	body := []string{
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
	feet := func(rows ...string) []string { return append(append([]string{}, body...), rows...) }
	return mob{
		name: "rat",
		key:  withKey(map[rune]uint8{'A': cBrown2, 'a': cBrown1, 'L': cBrown3, 'p': cRed3, 'P': cRed3, 't': cRed3}),
		frames: [mobFrames][]string{
			feet("....a..a..a.....", "................", "................"),
			feet("...a....a..a....", "................", "................"),
			feet(".....a.a...a....", "................", "................"),
			{ // lunging, jaws open
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"...pP...........",
				"..pAAA..........",
				".AeAAAAAAa......",
				"PAAAALLAAAAa....",
				".w.AAALLLAAAa.tt",
				"ww.aAAAAAAAAatt.",
				"....aaaaaaaaa...",
				"...a....a..a....",
				"..a......a..a...",
				"................",
			},
			{ // on its back, feet in the air
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"....a..a..a.....",
				"....a..a..a.....",
				"...aAAAAAAAa....",
				"..AAAALLAAAAa.t.",
				".PoAAAAAAAAAatt.",
				"..pAAAAAAAAa....",
				"....aaaaaaa.....",
				"................",
			},
		},
	}
}

func wolf() mob {
	body := []string{
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
	legs := func(rows ...string) []string { return append(append([]string{}, body...), rows...) }
	return mob{
		name: "wolf",
		key:  withKey(map[rune]uint8{'A': cGrey2, 'a': cGrey1, 'L': cGrey3, 'n': cInk, 'r': cRed2}),
		frames: [mobFrames][]string{
			legs("....A..a..A..a..", "....A..a..A..a..", "...AA.aa.AA.aa..", "................", "................"),
			legs("...A...a...A.a..", "..A....a..A..a..", ".AA....aa.A..aa.", "................", "................"),
			legs(".....Aa....Aa...", ".....Aa....Aa...", "....AAa...AAa...", "................", "................"),
			{ // leaping, jaws wide
				"................",
				"................",
				"................",
				"...A.A..........",
				"...AAA..........",
				"..ArAA..LLLL....",
				"nAAAAALLLLLLLL..",
				".w.AAAAAAAAAAAa.",
				"...aAAAAAAAAAAaa",
				"aw.aAAAAAAAAAa.a",
				"aa..aAAAAAAAa...",
				"...AA.aa..AAa...",
				"..AA...aa..aAa..",
				".AA.....aa...aa.",
				"................",
				"................",
			},
			{ // on its side, legs out
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"..A.A...........",
				".AAAA.LLLLLLL...",
				"nAoAAALLLLLLLLa.",
				".aAAAAAAAAAAAAaa",
				"..aaaaaaaaaaaa.a",
				"...A.a.....A.a..",
				"..A...a...A...a.",
				"................",
			},
		},
	}
}

func skeleton() mob {
	top := []string{
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
	legs := func(rows ...string) []string { return append(append([]string{}, top...), rows...) }
	return mob{
		name: "skeleton",
		key:  withKey(map[rune]uint8{'r': cRed2}),
		frames: [mobFrames][]string{
			legs(".....x..x.......", ".....W..W.......", "....WW..WW......"),
			legs("....x....x......", "...W.....W......", "..WW.....WW....."),
			legs("......xx........", "......WW........", ".....WWW........"),
			{ // sword swung down in front, eyes lit
				"................",
				"......WWWW......",
				".....WWWWWW.....",
				".....WrrWWWx....",
				".....WooWWWx....",
				"......WWWWx.....",
				"......oWoWx.....",
				"V......xx.......",
				".V...WWWWWW.....",
				"..V.xxWoWo.x....",
				"...Vx.WoWo.x....",
				"....GK..WW..x...",
				"....K.WxxW......",
				"....x....x......",
				"...W.....W......",
				"..WW.....WW.....",
			},
			{ // a heap of bones
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"...WWWW.........",
				"..WooWWx........",
				"..WooWWx..x.x...",
				"...WoWx..xWWWx..",
				".V.xWx.WxxWoWx.x",
				"..VV..WWxx.WxxW.",
				"................",
			},
		},
	}
}

func slime() mob {
	return mob{
		name: "slime",
		key:  map[rune]uint8{'A': cBlue3, 'a': cBlue2, 'd': cBlue1, 'L': cBlue4, 'w': cWhite, 'e': cInk},
		frames: [mobFrames][]string{
			{
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"......AAAA......",
				"....AALwAAAa....",
				"...ALwLAAAAAa...",
				"..AeAAeAAAAAAa..",
				"..AeAAeAAAAAaa..",
				"..AAAAAAAAAAaa..",
				"..aAAAAAAAAaad..",
				"...ddddddddddd..",
				"................",
			},
			{ // squashed
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"......AAAAA.....",
				"...AALwAAAAAa...",
				"..ALwLAAAAAAAa..",
				".AeAAeAAAAAAAaa.",
				".AeAAeAAAAAAAaa.",
				".aAAAAAAAAAAaad.",
				"..ddddddddddddd.",
				"................",
			},
			{ // stretched
				"................",
				"................",
				"................",
				"................",
				"................",
				".......AAA......",
				"......ALwAa.....",
				".....ALwAAAa....",
				".....AAAAAAa....",
				"....AeAAeAAAa...",
				"....AeAAeAAAa...",
				"....AAAAAAAAa...",
				"....AAAAAAAaa...",
				"....aAAAAAAad...",
				".....ddddddd....",
				"................",
			},
			{ // leaping, mouth open
				"................",
				"................",
				"......AAAA......",
				"....AALwAAAa....",
				"...ALwLAAAAAa...",
				"..AeAAeAAAAAAa..",
				"..AeAAeAAAAAAa..",
				"..AAAAAAAAAAaa..",
				"..AddddAAAAAaa..",
				"..AdwwdAAAAaad..",
				"...ddddddddddd..",
				"................",
				"................",
				"................",
				"................",
				"................",
			},
			{ // a puddle
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				".....AAAAAA.....",
				"...AALwAAAAAAa..",
				".AAeAeAAAAAAAAa.",
				".daaaaaaaaaaaad.",
				"..dddd...ddddd..",
				"................",
			},
		},
	}
}

func goblinArcher() mob {
	// G/g skin, e eye, m mouth, T/t leather, B trousers, K/k bow, s string,
	// V arrowhead, a arrow shaft.
	head := []string{
		"................",
		"................",
		"......gGGg......",
		".....gGGGGg.....",
		"..GggGGGGGGgG...",
		"...GeGGGGGGG....",
		"....GGGGGGg.....",
		"....mGGGGg......",
	}
	with := func(rows ...string) []string { return append(append([]string{}, head...), rows...) }
	return mob{
		name: "goblin_archer",
		thin: "sa",
		key: map[rune]uint8{
			'G': cGreen4, 'g': cGreen2, 'e': cYel2, 'm': cInk, 'T': cBrown2, 't': cBrown1,
			'B': cBrown0, 'K': cBrown3, 'k': cBrown1, 's': cGrey4, 'V': cGrey3, 'a': cSand1,
		},
		frames: [mobFrames][]string{
			with(
				".....TTTTTt.....",
				"..k.GTTTTTtG....",
				"..Ks.TTTTTt.....",
				"..Ks.tTTTTt.....",
				"..k..BB..BB.....",
				".....BB..BB.....",
				"....GG..GG......",
				"................",
			),
			with(
				".....TTTTTt.....",
				"..k.GTTTTTtG....",
				"..Ks.TTTTTt.....",
				"..Ks.tTTTTt.....",
				"..k.BB....BB....",
				"...BB......BB...",
				"..GG.......GG...",
				"................",
			),
			with(
				".....TTTTTt.....",
				"..k.GTTTTTtG....",
				"..Ks.TTTTTt.....",
				"..Ks.tTTTTt.....",
				"..k...BBBB......",
				"......BBB.......",
				".....GGG........",
				"................",
			),
			{ // the bow drawn, an arrow on the string
				"................",
				"................",
				"......gGGg......",
				"..k..gGGGGg.....",
				".Ks.GgGGGGGGgG..",
				".K.s.GeGGGGGG...",
				"K...s.GGGGGg....",
				"K....smGGGg.....",
				"VaaaaaaGTTTt....",
				"K....sTTTTTt....",
				"K...s.TTTTTt....",
				".K.s..tTTTTt....",
				".Ks..BB....BB...",
				"..k.BB......BB..",
				"...GG.......GG..",
				"................",
			},
			{ // fallen on its back, the bow dropped
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"..gG............",
				".gGGgTTTTtBBGG..",
				".GeGGTTTTtBBG...",
				".gGmgtttt.......",
				"..g.kKKKKKKk....",
				"................",
			},
		},
	}
}

// humanKey is the key of the friendly folk: h/H hair, S/s skin, e eye, and
// per person C/c clothes, B trousers, F shoes, K/k staff.
func humanKey(extra map[rune]uint8) map[rune]uint8 {
	k := map[rune]uint8{'S': cSkin2, 's': cSkin1, 'e': cInk}
	for r, c := range extra {
		k[r] = c
	}
	return k
}

func villager() mob {
	top := []string{
		"................",
		"................",
		"......hhhh......",
		".....hhhhhH.....",
		".....SShhhH.....",
		".....eSShhH.....",
		".....SSSsh......",
		"......SSs.......",
		".....CCCCCc.....",
		"....CCCCCCCc....",
		"....SCCCCCcS....",
		".....CCCCCc.....",
	}
	legs := func(rows ...string) []string { return append(append([]string{}, top...), rows...) }
	return mob{
		name: "villager",
		key:  humanKey(map[rune]uint8{'h': cBrown1, 'H': cBrown0, 'C': cRed2, 'c': cRed1, 'B': cBrown2, 'F': cBrown0}),
		frames: [mobFrames][]string{
			legs(".....BBBBBB.....", ".....BB..BB.....", ".....FF..FF.....", "................"),
			legs(".....BBBBBB.....", "....BB....BB....", "...FF......FF...", "................"),
			legs(".....BBBBBB.....", "......BBBB......", "......FFF.......", "................"),
			{ // waving
				"................",
				"..S.............",
				".SS...hhhh......",
				"..C..hhhhhH.....",
				"..C..SShhhH.....",
				"..CC.eSShhH.....",
				"...C.SSSsh......",
				"...CC.SSs.......",
				"....CCCCCCc.....",
				".....CCCCCCc....",
				".....CCCCCcS....",
				".....CCCCCc.....",
				".....BBBBBB.....",
				".....BB..BB.....",
				".....FF..FF.....",
				"................",
			},
			{ // lying down
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"..hhhh....S.....",
				".hhhhhCCCCCc....",
				".hSeSSCCCCCcBBF.",
				"..SSsSCCCCCcBBF.",
				"...s..cccccc....",
				"................",
			},
		},
	}
}

func elder() mob {
	top := []string{
		"................",
		"................",
		"......WWWW......",
		".....WWWWWw.....",
		".....SSWWWw.....",
		".....eSSWWw.....",
		"....WWSSSW......",
		"..K.WWWWW.......",
		"..KSCWWWCCc.....",
		"..K.CCWCCCCc....",
		"..K.CCCCCCCc....",
		"..K.CCCCCCCc....",
	}
	hem := func(rows ...string) []string { return append(append([]string{}, top...), rows...) }
	return mob{
		name: "elder",
		key:  humanKey(map[rune]uint8{'W': cGrey4, 'w': cGrey3, 'C': cPur1, 'c': cPur0, 'L': cPur2, 'F': cBrown1, 'K': cBrown2, 'k': cBrown1, 'G': cYel2}),
		frames: [mobFrames][]string{
			hem("..K.CCCCCCCc....", "..k.cccccccc....", ".....FF..FF.....", "................"),
			hem("..K.CCCCCCCc....", "..k.cccccccc....", "....FF....FF....", "................"),
			hem("..K.CCCCCCCc....", "..k.cccccccc....", "......FFF.......", "................"),
			{ // raising the staff
				".G.G............",
				"..K.............",
				".GKG..WWWW......",
				"..K..WWWWWw.....",
				"..K..SSWWWw.....",
				"..KS.eSSWWw.....",
				"..KCWWSSSW......",
				"..KCWWWWW.......",
				"...CCWWWCCc.....",
				"....CCWCCCCc....",
				"....CCCCCCCc....",
				"....CCCCCCCc....",
				"....CCCCCCCc....",
				"....cccccccc....",
				".....FF..FF.....",
				"................",
			},
			{ // lying down, the staff beside
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"................",
				"..WWW.KKKKKKKK..",
				".WWWWWCCCCCCc...",
				".WSeSWCCCCCCcFF.",
				"..WWWWCCCCCCcFF.",
				"...W..cccccc....",
				"................",
			},
		},
	}
}

// drawMobSheet draws every mob of ms, in frames of w x h, into a sheet laid
// out as described at the top of this file, with a drop shadow under each
// figure scaled to the frame. A template that is not exactly w x h is a bug
// in artgen, so it panics.
func drawMobSheet(ms []mob, w, h int) (img *image.Paletted, names []string) {
	img = newSheet(mobFrames*w, len(ms)*2*h)
	for i, m := range ms {
		names = append(names, m.name)
		for f, rows := range m.frames {
			if len(rows) != h || slices.ContainsFunc(rows, func(r string) bool { return len(r) != w }) {
				panic(fmt.Sprintf("artgen: %s frame %d is not %dx%d", m.name, f, w, h))
			}
			x, y := f*w, i*2*h
			p := newPen(img, x, y, w, h, 0)
			p.figure(0, 0, rows, m.key, m.thin)
			p.shadow(float64(w)/2, float64(h)-1, float64(w)*11/32, float64(h)*1.2/16)
			mirror(img, x, y, x, y+h, w, h)
		}
	}
	return img, names
}

// mobIndex returns the JSON index of a monster sheet.
func mobIndex(image string, w, h, anchorX, anchorY int, names []string) spriteIndex {
	return spriteIndex{
		Image:       image,
		FrameWidth:  w,
		FrameHeight: h,
		AnchorX:     anchorX,
		AnchorY:     anchorY,
		Layout:      "row = sprite*2 + direction, column = frame",
		Sprites:     names,
		Directions:  []string{"left", "right"},
		Idle:        []int{mobIdle},
		Walk:        []int{mobWalk1, mobIdle, mobWalk2, mobIdle},
		WalkFrameMs: 120,
		Attack:      []int{mobAttack},
		Dead:        []int{mobDead},
	}
}

func mobSheet() sheetSpec {
	img, names := drawMobSheet(mobs(), mobW, mobH)
	return sheetSpec{name: "mobs", img: img, meta: mobIndex("mobs.png", mobW, mobH, mobAnchorX, mobAnchorY, names)}
}
