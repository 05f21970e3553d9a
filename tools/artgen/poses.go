package main

// combatPoses are a class's attack pose, by view like class.down, left and
// up (the upper body from row 0; it may reach down over the legs), and its
// body lying dead, drawn from row deadTop whatever the view.
type combatPoses struct {
	attackDown, attackLeft, attackUp []string
	dead                             []string
}

// deadTop is the frame row a dead template starts at: the body lies across
// the bottom of the frame, over the feet point.
const deadTop = 15

// knightPoses: the sword raised for a swing, or thrust forward from the
// side; dead on his back with the sword beside him.
func knightPoses() combatPoses {
	return combatPoses{
		attackDown: []string{
			".W..............", // 0
			".W..............", // 1
			".W..............", // 2
			".W..............", // 3
			".W.....RR.......", // 4
			".W....RRrR......", // 5
			"GGG..LLAAAa.....", // 6
			".K..LLAAAAAa....", // 7
			".LL.LAAAAAAAa...", // 8
			"..LLooooooooa...", // 9
			"...AAAAooAAAa...", // 10
			"...aAAAooAAaa...", // 11
			"....aaaaaaaa....", // 12
			"...LLALRRLAaAa..", // 13
			"...LAaARrAaAaa..", // 14
			"...aAaARrAaAad..", // 15
			"...dddTTttTTdd..", // 16
		},
		attackLeft: []string{
			"................", // 0
			"................", // 1
			"................", // 2
			"................", // 3
			"..........RR....", // 4
			"......LAARRr....", // 5
			".....LAAAAArr...", // 6
			"....LAAAAAAAr...", // 7
			"....AAAAAAAAa...", // 8
			"....ooooAAAAa...", // 9
			"....G.oAAAAAa...", // 10
			"WWWWGKLLAAAaa...", // 11
			"....G.aaaaaarr..", // 12
			"......LAAAAarr..", // 13
			"......LAAAaarr..", // 14
			".....LaAAAarr...", // 15
			".....dTTtTdr....", // 16
		},
		attackUp: []string{
			".............W..", // 0
			".............W..", // 1
			".............W..", // 2
			".............W..", // 3
			".......RR....W..", // 4
			"......RRrR...W..", // 5
			".....LLRrAa.GGG.", // 6
			"....LLARrAAa.K..", // 7
			"...LLAARrAAAaa..", // 8
			"...LAAARrAAAa...", // 9
			"...AAAAAAAAAa...", // 10
			"...aAAAAAAAaa...", // 11
			"....rrrrrrrr....", // 12
			"..aARRRRRRRAa...", // 13
			"..aARRRRRRRra...", // 14
			"..daRrRRRRrRa...", // 15
			"...drrrrrrrrd...", // 16
		},
		dead: []string{
			"..RR............",
			".RrLAAa.........",
			".LAooAaLAAAaBBF.",
			".AAooAaAAAAaBbF.",
			"..aaaa.TTtTaBbf.",
			"...GWWWWWWWW....",
			".....K..........",
		},
	}
}

// roguePoses: the bow drawn towards the enemy (x is the string, q the
// arrow's shaft, V its head); dead face down with the bow dropped.
func roguePoses() combatPoses {
	return combatPoses{
		attackDown: []string{
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
			"...sAAASAAAAs...", // 15
			"....xx.q.xx.....", // 16
			"..kx...q...xk...", // 17
			"...K...q...K....", // 18
			"....KKKqKKK.....", // 19
			".......V........", // 20
		},
		attackLeft: []string{
			"................", // 0
			"................", // 1
			"................", // 2
			"..........L.....", // 3
			"..k.....LAAa....", // 4
			".Kx...LAAAAAa...", // 5
			".K.x.LAAAAAAa...", // 6
			"K...xAAAAAAAAa..", // 7
			"K...xssAAAAAAa..", // 8
			"K...xeSsaAAAAa..", // 9
			"VqqqqqSSsaAAAa..", // 10
			"K...x.ssaAAAAa..", // 11
			"K...x.AAAaaAa...", // 12
			".K.x..LAAtAa....", // 13
			".Kx...LAtAAa....", // 14
			"..k...LtAAAa....", // 15
			".......TTTtT....", // 16
		},
		attackUp: []string{
			".....KKVKK......", // 0
			"...KK..q..KK....", // 1
			"..k..x.q.x..k...", // 2
			"......xLx.......", // 3
			"......LAa.......", // 4
			".....LAAAa......", // 5
			"...sLAAAAAas....", // 6
			"...LAAAAAAAa....", // 7
			"...LAAAAAAAAa...", // 8
			"...LAAAAAAAAa...", // 9
			"...LAAAAAAAAa...", // 10
			"...AAAAAAAAaa...", // 11
			"....AAAAAAAa....", // 12
			"...LAAAAAAtAa...", // 13
			"..sLAAAAAtAAas..", // 14
			"..SLAAAAtAAAAs..", // 15
			"....TTtTTTTT....", // 16
		},
		dead: []string{
			"....kKKKKKKk....",
			"..LAa...........",
			".LAAAAaAAAtABBF.",
			".AsSAAAAAtAABbF.",
			"..aaa.aaTTTTBbf.",
			"......s.........",
			"................",
		},
	}
}

// wizardPoses: the staff raised with the orb flaring (Q and E sparkles); dead
// with the hat rolled off.
func wizardPoses() combatPoses {
	return combatPoses{
		attackDown: []string{
			"Q.PO..E.L.......", // 0
			"..OO...LAa......", // 1
			".QK....LAa......", // 2
			"..K...LAAAa.....", // 3
			"..K...LATAa.....", // 4
			"..K..LAAAAAa....", // 5
			"..KsTTTTTTTTt...", // 6
			"..KSdsseSSesd...", // 7
			"..k..sSSSSSs....", // 8
			"..k..xwwwwwx....", // 9
			".....xwwwwwx....", // 10
			"....LAxwwwxAa...", // 11
			"....LAAxwxAAa...", // 12
			"...LLAAATAAAAa..", // 13
			"...LAAAATAAAAa..", // 14
			"...LAaAATAAaAa..", // 15
			"....LAAATAAAa...", // 16
		},
		attackLeft: []string{
			"Q.PO.E.....L....", // 0
			"..OO......LAa...", // 1
			".QK......LAAa...", // 2
			"..K.....LAAAa...", // 3
			"..K....LAATAa...", // 4
			"..K...LAAAAAAa..", // 5
			"..KS.TTTTTTTTt..", // 6
			"..KSS.eSSsaAa...", // 7
			"..k..SSSSsAAa...", // 8
			"..k..wwwxAAAa...", // 9
			".....wwwxLAAa...", // 10
			"......wxLAAAa...", // 11
			"......LAAAAAa...", // 12
			".....LAAAAAAa...", // 13
			".....LAAAAAAa...", // 14
			".....LAAAAAAa...", // 15
			".....LAAAAAAa...", // 16
		},
		attackUp: []string{
			"........L..EPO.Q", // 0
			".......LAa..OO..", // 1
			".......LAa..QK..", // 2
			"......LAAAa..K..", // 3
			"......LAAAa..K..", // 4
			".....LAAAAAa.K..", // 5
			"....TTTTTTTTtK..", // 6
			"....dAAAAAAAdK..", // 7
			".....AAAAAAaSS..", // 8
			".....LAAAAAa.k..", // 9
			"....LLAAAAAAak..", // 10
			"....LAAAAAAAa...", // 11
			"....LAAAAAAAa...", // 12
			"...LLAAAAAAAAa..", // 13
			"...LAAAAAAAAa...", // 14
			"...LAAAAAAAAa...", // 15
			"....LAAAAAAAa...", // 16
		},
		dead: []string{
			"...........L....",
			".........LAAa...",
			"..sSS...TTTTTt..",
			".xwsLAAAAAAAaFF.",
			".xwwLAAAAAAAaFf.",
			"..xxLAaAAAAAa...",
			"....kKKKKKKKPO..",
		},
	}
}
