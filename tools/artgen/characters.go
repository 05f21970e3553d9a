package main

// Character sheet layout: frames of charW x charH pixels; row = class*4 +
// direction (down, left, right, up), column = frame (0 idle, 1-4 walk, then
// charAttack and charDead).
const (
	charW      = 16
	charH      = 24
	charFrames = 7
	charAttack = 5 // striking: sword swing, bow drawn, wand raised
	charDead   = 6 // lying on the ground, the same body in every direction
	// The feet point (the position the rules move) sits at this pixel of a
	// frame: draw a frame at (x-charAnchorX, y-charAnchorY).
	charAnchorX = 8
	charAnchorY = 23
)

// directions lists the sheet's directions in row order.
func directions() []string { return []string{"down", "left", "right", "up"} }

// class describes how to draw one playable class.
type class struct {
	name string
	key  map[rune]uint8
	robe bool // legs hidden under a robe
	// Upper body (head, torso, arms, weapon) for rows 0-16, facing down,
	// left and up; facing right mirrors left.
	down, left, up []string
	poses          combatPoses
	thin           string // runes drawn after the outline (see splitThin)
}

// Template runes shared by every class (see class.key for the rest):
// o ink, S/s skin light/shade, e eye, w white.
func baseKey() map[rune]uint8 {
	return map[rune]uint8{
		'o': cInk, 'S': cSkin2, 's': cSkin1, 'e': cInk, 'w': cWhite, 'x': cGrey4,
		'W': cGrey4, 'V': cGrey2, 'G': cYel1, 'K': cBrown2, 'k': cBrown1,
	}
}

func withKey(extra map[rune]uint8) map[rune]uint8 {
	k := baseKey()
	for r, c := range extra {
		k[r] = c
	}
	return k
}

// Class runes: A/a/L/d primary colour (main, shade, light, dark), T/t trim,
// R/r plume or accent, B/b legs, F/f boots, O/P orb.
func classes() []class {
	return []class{
		{
			name: "knight",
			key: withKey(map[rune]uint8{
				'A': cGrey3, 'a': cGrey2, 'L': cGrey4, 'd': cGrey1, 'T': cYel1, 't': cYel0,
				'R': cRed2, 'r': cRed1, 'B': cGrey2, 'b': cGrey1, 'F': cGrey1, 'f': cGrey0,
			}),
			poses: knightPoses(),
			down: []string{
				"................", // 0
				"................", // 1
				"................", // 2
				"................", // 3
				".......RR.......", // 4
				"......RRrR......", // 5
				".....LLAAAa.....", // 6
				".W..LLAAAAAa....", // 7
				".W.LLAAAAAAAa...", // 8
				".W.Aooooooooa...", // 9
				".W.AAAAooAAAa...", // 10
				".W.aAAAooAAaa...", // 11
				".W..aaaaaaaa....", // 12
				".W.LLALRRLAaAa..", // 13
				".W.LAaARrAaAaa..", // 14
				"GGGaAaARrAaAad..", // 15
				".KdddTTttTTdd...", // 16
			},
			left: []string{
				"................", // 0
				"................", // 1
				"................", // 2
				"................", // 3
				"..........RR....", // 4
				"......LAARRr....", // 5
				".....LAAAAArr...", // 6
				"..W.LAAAAAAAr...", // 7
				"..W.AAAAAAAAa...", // 8
				"..W.ooooAAAAa...", // 9
				"..W.AAoAAAAAa...", // 10
				"..W.aAAAAAAaa...", // 11
				"..W..aaaaaaarr..", // 12
				"..W...LAAAAarr..", // 13
				"..W...LAAAaarr..", // 14
				".GGGdLaAAAarr...", // 15
				"..K..dTTtTdr....", // 16
			},
			up: []string{
				"................", // 0
				"................", // 1
				"................", // 2
				"................", // 3
				".......RR.......", // 4
				"......RRrR......", // 5
				".....LLRrAa.....", // 6
				"....LLARrAAa....", // 7
				"...LLAARrAAAa...", // 8
				"...LAAARrAAAa...", // 9
				"...AAAAAAAAAa...", // 10
				"...aAAAAAAAaa...", // 11
				"....rrrrrrrr..W.", // 12
				"..aARRRRRRRAa.W.", // 13
				"..aARRRRRRRra.W.", // 14
				"..daRrRRRRrRaGGG", // 15
				"...drrrrrrrrd.K.", // 16
			},
		},
		{
			name: "rogue",
			key: withKey(map[rune]uint8{
				'A': cGreen2, 'a': cGreen1, 'L': cGreen3, 'd': cGreen0, 'T': cBrown2, 't': cBrown1,
				'B': cBrown1, 'b': cBrown0, 'F': cBrown0, 'f': cInk, 'q': cSand1,
			}),
			poses: roguePoses(),
			thin:  "xq",
			down: []string{
				"................", // 0
				"................", // 1
				"................", // 2
				".......L........", // 3
				"......LAa.......", // 4
				".....LAAAa......", // 5
				"....LAAAAAa.....", // 6
				"...LAAAAAAAa....", // 7
				"...LAasssssaa...", // 8
				"...LAseSSesAa...", // 9
				"...LAsSSSSsAa...", // 10
				"...AAassssaAa...", // 11
				"....AAAaaAAa....", // 12
				"...LLAtAAAAAa...", // 13
				"..sLAAAtAAAAas..", // 14
				".VWsAAAAtAAAsS..", // 15
				"..k.TTTTTtTT....", // 16
			},
			left: []string{
				"................", // 0
				"................", // 1
				"................", // 2
				"..........L.....", // 3
				"........LAAa....", // 4
				"......LAAAAAa...", // 5
				".....LAAAAAAa...", // 6
				"....LAAAAAAAAa..", // 7
				"....sssAAAAAAa..", // 8
				"....eSsaAAAAAa..", // 9
				"....SSsaAAAAa...", // 10
				".....ssaAAAAa...", // 11
				".....AAAaaAa....", // 12
				"......LAAtAa....", // 13
				"......LAtAAa....", // 14
				"..VWWsLtAAAa....", // 15
				".......TTTtT....", // 16
			},
			up: []string{
				"................", // 0
				"................", // 1
				"................", // 2
				".......L........", // 3
				"......LAa.......", // 4
				".....LAAAa......", // 5
				"....LAAAAAa.....", // 6
				"...LAAAAAAAa....", // 7
				"...LAAAAAAAAa...", // 8
				"...LAAAAAAAAa...", // 9
				"...LAAAAAAAAa...", // 10
				"...AAAAAAAAaa...", // 11
				"....AAAAAAAa....", // 12
				"...LAAAAAAtAa...", // 13
				"..sLAAAAAtAAas..", // 14
				"..SLAAAAtAAAAsWV", // 15
				"....TTtTTTTT..k.", // 16
			},
		},
		{
			name: "wizard",
			robe: true,
			key: withKey(map[rune]uint8{
				'A': cBlue2, 'a': cBlue1, 'L': cBlue3, 'd': cBlue0, 'T': cYel1, 't': cYel0,
				'B': cBlue2, 'b': cBlue1, 'F': cBrown1, 'f': cBrown0, 'O': cPur2, 'P': cPur3, 'Q': cPur3, 'E': cWhite,
			}),
			poses: wizardPoses(),
			thin:  "QE",
			down: []string{
				"........L.......", // 0
				".......LAa......", // 1
				".......LAa......", // 2
				"......LAAAa.....", // 3
				"..PO..LATAa.....", // 4
				"..OO.LAAAAAa....", // 5
				"..K.TTTTTTTTt...", // 6
				"..K.dsseSSesd...", // 7
				"..K..sSSSSSs....", // 8
				"..K..xwwwwwx....", // 9
				"..K..xwwwwwx....", // 10
				"..K.LAxwwwxAa...", // 11
				"..K.LAAxwxAAa...", // 12
				"..KLLAAATAAAAa..", // 13
				".sSLAAAATAAAAa..", // 14
				"..kLAaAATAAaAa..", // 15
				"..k.LAAATAAAa...", // 16
			},
			left: []string{
				"...........L....", // 0
				"..........LAa...", // 1
				".........LAAa...", // 2
				"........LAAAa...", // 3
				"..PO...LAATAa...", // 4
				"..OO..LAAAAAAa..", // 5
				"..K..TTTTTTTTt..", // 6
				"..K...eSSsaAa...", // 7
				"..K..SSSSsAAa...", // 8
				"..K..wwwxAAAa...", // 9
				"..K..wwwxLAAa...", // 10
				"..K...wxLAAAa...", // 11
				"..K...LAAAAAa...", // 12
				"..K..LAAAAAAa...", // 13
				".sSS.LAAAAAAa...", // 14
				"..k..LAAAAAAa...", // 15
				"..k..LAAAAAAa...", // 16
			},
			up: []string{
				"........L.......", // 0
				".......LAa......", // 1
				".......LAa......", // 2
				"......LAAAa.....", // 3
				"......LAAAa..PO.", // 4
				".....LAAAAAa.OO.", // 5
				"....TTTTTTTTtK..", // 6
				"....dAAAAAAAdK..", // 7
				".....AAAAAAa.K..", // 8
				".....LAAAAAa.K..", // 9
				"....LLAAAAAAaK..", // 10
				"....LAAAAAAAaK..", // 11
				"....LAAAAAAAaK..", // 12
				"...LLAAAAAAAAK..", // 13
				"...LAAAAAAAAaSs.", // 14
				"...LAAAAAAAAak..", // 15
				"....LAAAAAAAak..", // 16
			},
		},
	}
}

// legTemplates returns the leg templates for rows 16-21, by view and walk
// phase: 0 standing (also the passing frames), 1 left foot forward, 2 right
// foot forward.
func legTemplates() map[string][3][]string {
	return map[string][3][]string{
		"front": {
			{
				"....BBBBBBBB....",
				".....BbBBbB.....",
				".....Bb..Bb.....",
				".....Bb..Bb.....",
				".....FF..FF.....",
				".....Ff..Ff.....",
			},
			{
				"....BBBBBBBB....",
				".....BbBBbB.....",
				".....Bb..Bb.....",
				".....Bb..FF.....",
				".....FF..Ff.....",
				".....Ff.........",
			},
			{
				"....BBBBBBBB....",
				".....BbBBbB.....",
				".....Bb..Bb.....",
				".....FF..Bb.....",
				".....Ff..FF.....",
				".........Ff.....",
			},
		},
		"side": {
			{
				".....BBBBBB.....",
				"......BBBb......",
				"......BBb.......",
				"......BBb.......",
				".....FFFf.......",
				".....FFff.......",
			},
			{
				".....BBBBBB.....",
				".....BBBBbb.....",
				"....BBb..bb.....",
				"....Bb....bb....",
				"...FFf....ff....",
				"...Fff...fff....",
			},
			{
				".....BBBBBB.....",
				".....bbBBBB.....",
				"....bb...BBb....",
				"....bb....Bb....",
				"...ff....FFf....",
				"...fff..FFff....",
			},
		},
		"robe-front": {
			{
				"....BBBBBBbB....",
				"...LBBBBBBBbB...",
				"...LBBBBBBBbB...",
				"...bbbbbbbbbb...",
				".....FF..FF.....",
				".....Ff..Ff.....",
			},
			{
				"....BBBBBBbB....",
				"...LBBBBBBBbB...",
				"...LBBBBBBBbB...",
				"...bbbbbbbbbb...",
				".....FF.........",
				".....Ff.........",
			},
			{
				"....BBBBBBbB....",
				"...LBBBBBBBbB...",
				"...LBBBBBBBbB...",
				"...bbbbbbbbbb...",
				".........FF.....",
				".........Ff.....",
			},
		},
		"robe-side": {
			{
				".....LBBBBBb....",
				".....LBBBBBBb...",
				"....LBBBBBBBb...",
				"....bbbbbbbbb...",
				".....FFf........",
				".....Fff........",
			},
			{
				".....LBBBBBb....",
				"....LBBBBBBBb...",
				"...LBBBBBBBBb...",
				"...bbbbbbbbbb...",
				"...FFf....ff....",
				"...Fff....ff....",
			},
			{
				".....LBBBBBb....",
				"....LBBBBBBBb...",
				"...LBBBBBBBBb...",
				"...bbbbbbbbbb...",
				"....ff...FFf....",
				"....ff...Fff....",
			},
		},
	}
}

// walkPhase maps a frame column to (leg phase, vertical bob): the walk
// cycle is contact, passing, contact, passing, and the body rises a pixel
// while passing.
func walkPhase(frame int) (phase, bob int) {
	switch frame {
	case 1:
		return 1, 0
	case 3:
		return 2, 0
	case 2, 4:
		return 0, -1
	}
	return 0, 0
}

// drawCharacter draws one frame of class c facing view ("down", "left" or
// "up") into the cell of p.
func drawCharacter(p *pen, c class, view string, frame int) {
	if frame == charDead {
		p.figure(0, deadTop, c.poses.dead, c.key, c.thin)
		p.shadow(8, 22.5, 5, 1.5)
		return
	}
	phase, bob := walkPhase(frame)
	legView := "front"
	upper, attack := c.down, c.poses.attackDown
	switch view {
	case "left":
		legView, upper, attack = "side", c.left, c.poses.attackLeft
	case "up":
		upper, attack = c.up, c.poses.attackUp
	}
	if frame == charAttack {
		upper, phase = attack, 1 // strike with a step forward
	}
	if c.robe {
		legView = "robe-" + legView
	}
	p.stamp(0, 16, legTemplates()[legView][phase], c.key)
	p.figure(0, bob, upper, c.key, c.thin)
	p.shadow(8, 22.5, 5, 1.5)
}

func characterSheet() sheetSpec {
	cs := classes()
	dirs := directions()
	img := newSheet(charFrames*charW, len(cs)*len(dirs)*charH)
	for ci, c := range cs {
		for di, dir := range dirs {
			for f := range charFrames {
				x, y := f*charW, (ci*len(dirs)+di)*charH
				if dir == "right" {
					continue // mirrored from left below
				}
				drawCharacter(newPen(img, x, y, charW, charH, 0), c, dir, f)
			}
		}
		for f := range charFrames {
			left, right := ci*len(dirs)+1, ci*len(dirs)+2
			mirror(img, f*charW, left*charH, f*charW, right*charH, charW, charH)
		}
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.name
	}
	return sheetSpec{
		name: "characters",
		img:  img,
		meta: spriteIndex{
			Image:       "characters.png",
			FrameWidth:  charW,
			FrameHeight: charH,
			AnchorX:     charAnchorX,
			AnchorY:     charAnchorY,
			Layout:      "row = sprite*4 + direction, column = frame",
			Sprites:     names,
			Directions:  dirs,
			Idle:        []int{0},
			Walk:        []int{1, 2, 3, 4},
			WalkFrameMs: 150,
			Attack:      []int{charAttack},
			Dead:        []int{charDead},
		},
	}
}

// spriteIndex is the JSON index of a directional sprite sheet.
type spriteIndex struct {
	Image       string   `json:"image"`
	FrameWidth  int      `json:"frameWidth"`
	FrameHeight int      `json:"frameHeight"`
	AnchorX     int      `json:"anchorX"`
	AnchorY     int      `json:"anchorY"`
	Layout      string   `json:"layout"`
	Sprites     []string `json:"sprites"`
	Directions  []string `json:"directions"`
	Idle        []int    `json:"idle"`
	Walk        []int    `json:"walk"`
	WalkFrameMs int      `json:"walkFrameMs"`
	Attack      []int    `json:"attack"` // shown while striking, one frame per direction
	Dead        []int    `json:"dead"`   // lying on the ground
}
