package main

// The boss sheet has the monster sheet's layout (see mobs.go) with
// bossPx x bossPx frames, so a boss stands twice as tall as the monsters.
const (
	bossPx      = 32
	bossAnchorX = 16
	bossAnchorY = 31
)

// bosses lists the boss sheet's sprites in row order.
func bosses() []mob { return []mob{boneLord()} }

// boneLord is the Dungeon's boss: a crowned giant skeleton in a purple cape
// with red-lit eyes and a greatsword.
func boneLord() mob {
	// Y/y/j gold, W/w/X bone, n ink, r/R eye glow, C/c/p cape, M/m armour,
	// S/s/E blade, h grip.
	head := []string{
		"...........Y..Y..Y..............",
		"...........YY.YY.YY.............",
		"..........YyYYyYYyYj............",
		"..........YYYrYYYYYj............",
		".........WWWWWWWWWWWX...........",
		"........WwwWWWWWWWWWWX..........",
		"........WnnnnWWnnnnWWX..........",
		"........WnRrnWWnRrnWWX..........",
		"........WnnnnWWnnnnWX...........",
		".........WWWWnnWWWWWX...........",
		".........WnWnWnWnWWX............",
		"..........WWWWWWWWX....ccc......",
	}
	// The torso, resting both hands on the sword planted in front.
	torso := []string{
		"......mMMMM.XXX.MMMMmCCCCCc.....",
		".....mMMMMMWWWWWMMMMMCCCpCCc....",
		".....mMMMMnWnWnWnMMMMCCpCCCCc...",
		"...YY.XWW.WnWnWnW.WWXCCpCCCCc...",
		"....h.XW..WnWnWnW..WXCpCCCCCCc..",
		"....hXW....WWWWW...WXCpCCCCCCc..",
		"...WhW.....nWXWn....WXpCCCCCCc..",
		".YYYYYYY....WWW.....WXCpCCCCCCc.",
		"...SsE.....XWWWX...WWCpCCCCCCCc.",
		"...SsE....XWWnWWX..W.CCpCCCCCCc.",
	}
	frame := func(parts ...[]string) []string {
		var rows []string
		for _, p := range parts {
			rows = append(rows, p...)
		}
		return rows
	}
	return mob{
		name: "bone_lord",
		key: map[rune]uint8{
			'Y': cYel1, 'y': cYel2, 'j': cYel0, 'W': cGrey4, 'w': cWhite, 'X': cGrey3, 'n': cInk,
			'r': cRed2, 'R': cRed3, 'C': cPur1, 'c': cPur0, 'p': cPur2, 'M': cDun3, 'm': cDun2,
			'S': cGrey2, 's': cGrey4, 'E': cWhite, 'h': cBrown1,
		},
		frames: [mobFrames][]string{
			frame(head, torso, []string{
				"...SsE....XWW.WWX....CCpCCCCCcc.",
				"...SsE.....XW..WX....cCCpCCCcc..",
				"...SsE.....XW..WX....cCCpCCCc.c.",
				"...SsE.....XW..WX....c.cCc.c....",
				"...SsE.....XW..WX...............",
				"...SsE......W...W...............",
				"...SsE.....XW..XW...............",
				"....sE.....XW..XW...............",
				"....s.....WWW.WWW...............",
				"................................",
			}),
			frame(head, torso, []string{
				"...SsE....XWW.WWX....CCpCCCCCcc.",
				"...SsE....XW...WX....cCCpCCCcc..",
				"...SsE...XW.....WX...cCCpCCCc.c.",
				"...SsE...XW.....WX...c.cCc.c....",
				"...SsE..XW.......WX.............",
				"...SsE..W.........W.............",
				"...SsE.XW.........WX............",
				"....sE.XW.........WX............",
				"....s.WWW.........WWW...........",
				"................................",
			}),
			frame(head, torso, []string{
				"...SsE....XWW.WWX....CCpCCCCCcc.",
				"...SsE.....XWWWX.....cCCpCCCcc..",
				"...SsE.....XWWX......cCCpCCCc.c.",
				"...SsE.....XWWX......c.cCc.c....",
				"...SsE.....XWWX.................",
				"...SsE......WW..................",
				"...SsE.....XWWX.................",
				"....sE.....XWWX.................",
				"....s.....WWWWW.................",
				"................................",
			}),
			{ // the greatsword raised overhead, eyes blazing
				"....s......Y..Y..Y..............",
				"...SsE.....YY.YY.YY.............",
				"...SsE....YyYYyYYyYj............",
				"...SsE....YYYrYYYYYj............",
				"...SsE...WWWWWWWWWWWX...........",
				"...SsE..WwwWWWWWWWWWWX..........",
				"...SsE..WnnnnWWnnnnWWX..........",
				"...SsE..WnRRnWWnRRnWWX..........",
				"...SsE..WnnnnWWnnnnWX...........",
				"...SsE...WWWWnnWWWWWX...........",
				"...SsE...WnWnWnWnWWX............",
				"...SsE....n.n.n.nWX....ccc......",
				"...SsE....WWWWWWWX.....ccc......",
				".YYYYYYYmMM.XXX.MMMMmCCCCCc.....",
				"...WhW.MMMMWWWWWMMMMMCCCpCCc....",
				"...WhWMMMMnWnWnWnMMMMCCpCCCCc...",
				"....YXW...WnWnWnW.WWXCCpCCCCc...",
				"...........WnWnWnW..WXCpCCCCCCc.",
				"............WWWWW...WXCpCCCCCCc.",
				"............nWXWn....WXpCCCCCCc.",
				".............WWW.....WXCpCCCCCCc",
				"............XWWWX...WWCpCCCCCCCc",
				"...........XWWnWWX..W.CCpCCCCCCc",
				"..........XWW.WWX....CCpCCCCCcc.",
				"..........XW...WX....cCCpCCCcc..",
				".........XW.....WX...cCCpCCCc.c.",
				".........XW.....WX...c.cCc.c....",
				"........XW.......WX.............",
				"........W.........W.............",
				".......XW.........WX............",
				"......WWW.........WWW...........",
				"................................",
			},
			{ // collapsed into a heap, crown rolled off, sword dropped
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"................................",
				"......Y..Y......................",
				".....YYYYYYj....................",
				"....WWWWWWWX....................",
				"...WwnnWnnWWX...........cc......",
				"...WnnnWnnnWX.......cCCCCCc.....",
				"...WWWnWWWWX...XWWCCpCCCCCc.....",
				"....WnWnWnX..XWnWnCpCCCCCCCc....",
				".....WWWWX..XWWnWnWXCCCCCCCcc...",
				"..WX...WWX.XWX.WnWWX.WXWW..WX...",
				"YYYYYYY.SssssssssssssssE........",
				".hY.WXWW.XWX..WWX.WWX..XWWX.....",
				"................................",
				"................................",
			},
		},
	}
}

func bossSheet() sheetSpec {
	img, names := drawMobSheet(bosses(), bossPx, bossPx)
	return sheetSpec{name: "boss", img: img, meta: mobIndex("boss.png", bossPx, bossPx, bossAnchorX, bossAnchorY, names)}
}
