package main

import "math"

// Effects sheet layout: fxPx x fxPx frames, one row per effect, its frames
// from column 0. Every frame is drawn around the cell's centre, which is
// the anchor: draw a frame at (x-fxAnchor, y-fxAnchor) for an effect at
// (x, y).
const (
	fxPx     = 16
	fxAnchor = 8
)

// effect is one row of the effects sheet.
type effect struct {
	name    string
	frames  int
	frameMs int
	// loop: the frames repeat for as long as the effect lasts (projectiles
	// in flight, a telegraph until its blow lands); otherwise they play once.
	loop bool
	// rotate: drawn facing east, to be turned to the effect's direction.
	rotate bool
	draw   func(p *pen, frame int)
}

// effects lists the sheet's rows in order.
func effects() []effect {
	return []effect{
		{"arrow", 1, 100, true, true, arrow},
		{"magic_bolt", 2, 100, true, true, orb(cPur0, cPur1, cPur2, cPur3)},
		{"mending_bolt", 2, 100, true, true, orb(cGreen1, cGreen4, cGreen5, cWhite)},
		{"fireball", 3, 80, true, true, fireball},
		{"sword_slash", 3, 60, false, true, swordSlash},
		{"hit_flash", 3, 60, false, false, hitFlash},
		{"level_up", 4, 120, false, false, levelUp},
		{"heal", 3, 120, false, false, heal},
		{"telegraph", 1, 100, true, false, telegraph},
		{"death_puff", 4, 100, false, false, deathPuff},
	}
}

// arrow points east, outlined so it shows on any ground.
func arrow(p *pen, _ int) {
	p.stamp(0, 6, []string{
		"..w.........V...",
		"...wqqqqqqqqVVV.",
		"..w.........V...",
	}, map[rune]uint8{'w': cWhite, 'q': cBrown3, 'V': cGrey4})
	p.outline(cInk)
}

// orb returns a glowing ball flying east, from its rim colour to its core,
// with a fading trail; the two frames pulse.
func orb(rim, outer, inner, core uint8) func(p *pen, frame int) {
	return func(p *pen, frame int) {
		r := 4.5 + float64(frame)*0.6
		p.set(2, 8-frame, outer)
		p.set(4, 7+frame, outer)
		p.disc(5.5, 8, 1.6, rim)
		p.disc(9.5, 8, r, rim)
		p.disc(9.5, 8, r-1, outer)
		p.disc(9.5, 8, r-2.2, inner)
		p.disc(10, 7.5, 1.2, core)
		p.set(8+frame, 6, cWhite)
	}
}

// fireball is a flickering ball of flame flying east, its tail behind it.
func fireball(p *pen, frame int) {
	flick := []float64{0, 0.7, 0.3}[frame]
	for i, t := range []struct{ x, y, r float64 }{{2.5, 8, 1.5}, {4.5, 7, 2}, {5, 9.5, 1.8}} {
		y := t.y
		if (i+frame)%2 == 1 {
			y += 0.8
		}
		p.disc(t.x, y, t.r, cRed2)
	}
	p.disc(9.5, 8, 5+flick*0.5, cRed1)
	p.disc(9.5, 8, 4.2+flick*0.5, cRed2)
	p.disc(10, 8, 3+flick, cYel1)
	p.disc(10.5, 7.5, 1.6+flick*0.5, cYel2)
	p.set(11, 7, cWhite)
}

// swordSlash is a crescent swept on the east side, thickest in the middle:
// its upper half as the blade starts, the whole arc, then a fading lower
// half.
func swordSlash(p *pen, frame int) {
	for y := range fxPx {
		dy := float64(y) + 0.5 - 8
		if frame == 0 && y > 7 || frame == 2 && y < 8 {
			continue
		}
		edge := int(4 + math.Sqrt(10*10-dy*dy)) // the arc's outer edge
		thick := int(5.5*(1-math.Abs(dy)/8.5) + 0.5)
		for x := edge - max(thick, 1); x < edge; x++ {
			if frame == 2 && (x+y)%2 == 0 {
				continue
			}
			c := uint8(cBlue4)
			switch {
			case x >= edge-2:
				c = cWhite
			case x == edge-thick:
				c = cGrey4
			}
			p.set(x, y, c)
		}
	}
}

// hitFlash is a white burst with yellow rays that spreads and scatters.
func hitFlash(p *pen, frame int) {
	switch frame {
	case 0:
		p.disc(8, 8, 2.5, cYel2)
		p.disc(8, 8, 1.5, cWhite)
	case 1:
		for _, d := range [][2]int{{0, -1}, {1, 0}, {0, 1}, {-1, 0}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}} {
			n := 6
			if d[0] != 0 && d[1] != 0 {
				n = 4
			}
			for i := 2; i <= n; i++ {
				c := uint8(cYel2)
				if i > n-2 {
					c = cYel1
				}
				p.set(8+d[0]*i, 8+d[1]*i, c)
			}
		}
		p.disc(8, 8, 2.5, cWhite)
	case 2:
		for _, d := range [][2]int{{0, -1}, {1, 0}, {0, 1}, {-1, 0}} {
			p.set(8+d[0]*6, 8+d[1]*6, cYel1)
			p.set(8+d[0]*7, 8+d[1]*7, cYel2)
		}
		for _, d := range [][2]int{{1, 1}, {-1, -1}, {1, -1}, {-1, 1}} {
			p.set(8+d[0]*5, 8+d[1]*5, cYel1)
		}
	}
}

// levelUp is a column of golden sparkles rising out of a glow at the feet.
func levelUp(p *pen, frame int) {
	glow := []float64{5, 6.5, 7.5, 7.5}[frame]
	p.ellipse(8, 14, glow, 1.6, func(x, y int, _, _ float64) {
		if frame < 3 || (x+y)%2 == 0 {
			p.set(x, y, cYel1)
		}
	})
	for i, s := range [][2]int{{4, 12}, {11, 10}, {7, 8}, {12, 14}, {3, 9}} {
		y := s[1] - frame*3 + i%2
		if y < 1 || y > 14 {
			continue
		}
		if (i+frame)%2 == 0 {
			p.sparkle(s[0], y, cWhite, cYel2)
		} else {
			p.set(s[0], y, cYel2)
		}
	}
}

// heal is a green cross rising and fading, with sparkles around it.
func heal(p *pen, frame int) {
	cy := 10 - frame*3
	cross := func(c uint8) {
		p.rect(6, cy-1, 5, 3, c)
		p.rect(7, cy-2, 3, 5, c)
	}
	cross(cGreen2)
	p.rect(7, cy-1, 3, 3, cGreen4)
	p.rect(6, cy, 5, 1, cGreen4)
	p.rect(8, cy-2, 1, 5, cGreen4)
	p.set(8, cy, cWhite)
	if frame == 2 { // fading: knock out every other pixel of the cross
		for y := cy - 2; y <= cy+2; y++ {
			for x := 6; x <= 10; x++ {
				if (x+y)%2 == 0 {
					p.set(x, y, cClear)
				}
			}
		}
	}
	for i, s := range [][2]int{{3, 12}, {13, 9}, {2, 6}, {12, 14}} {
		if (i+frame)%2 == 0 {
			p.sparkle(s[0], s[1]-frame, cWhite, cGreen5)
		}
	}
}

// telegraph is a red ring on the ground with a translucent inside, drawn to
// fill the frame so the client can scale it to the danger's radius.
func telegraph(p *pen, _ int) {
	p.disc(8, 8, 8, cTint)
	p.ring(8, 8, 6.6, 8, cRed2)
	p.ring(8, 8, 6.6, 7.3, cRed1)
}

// deathPuff is a cloud of grey smoke that swells and thins out.
func deathPuff(p *pen, frame int) {
	puffs := []struct{ x, y, r float64 }{{8, 10, 3}, {5, 9, 2.2}, {11, 9, 2.4}, {7, 7, 2.2}, {10, 6.5, 1.8}}
	grow := []float64{0.5, 1, 1.35, 1.5}[frame]
	for _, f := range puffs {
		x, y := 8+(f.x-8)*grow, 10+(f.y-10)*grow-float64(frame)
		p.disc(x, y, f.r*grow, cGrey3)
	}
	for _, f := range puffs {
		x, y := 8+(f.x-8)*grow, 10+(f.y-10)*grow-float64(frame)
		p.disc(x-0.5, y-0.5, f.r*grow*0.6, cGrey4)
	}
	if frame >= 2 { // thin out: clear a growing share of the pixels
		for y := range fxPx {
			for x := range fxPx {
				if (x*7+y*3)%5 < frame-1 {
					p.set(x, y, cClear)
				}
			}
		}
	}
}

// effectIndex is the JSON index of the effects sheet.
type effectIndex struct {
	Image       string      `json:"image"`
	FrameWidth  int         `json:"frameWidth"`
	FrameHeight int         `json:"frameHeight"`
	AnchorX     int         `json:"anchorX"`
	AnchorY     int         `json:"anchorY"`
	Layout      string      `json:"layout"`
	Effects     []effectRow `json:"effects"`
}

// effectRow describes one effect of the sheet (see effect).
type effectRow struct {
	Name    string `json:"name"`
	Row     int    `json:"row"`
	Frames  int    `json:"frames"` // columns 0 to frames-1
	FrameMs int    `json:"frameMs"`
	Loop    bool   `json:"loop"`
	Rotate  bool   `json:"rotate"`
}

func effectSheet() sheetSpec {
	fx := effects()
	cols := 0
	for _, e := range fx {
		cols = max(cols, e.frames)
	}
	img := newSheet(cols*fxPx, len(fx)*fxPx)
	idx := effectIndex{
		Image: "effects.png", FrameWidth: fxPx, FrameHeight: fxPx, AnchorX: fxAnchor, AnchorY: fxAnchor,
		Layout: "row = effect, columns 0 to frames-1; draw centred on the anchor; " +
			"rotate: drawn facing east, turn it to the effect's direction; loop: repeat while it lasts, else play once",
	}
	for row, e := range fx {
		for f := range e.frames {
			e.draw(newPen(img, f*fxPx, row*fxPx, fxPx, fxPx, 0), f)
		}
		idx.Effects = append(idx.Effects, effectRow{e.name, row, e.frames, e.frameMs, e.loop, e.rotate})
	}
	return sheetSpec{name: "effects", img: img, meta: idx}
}
