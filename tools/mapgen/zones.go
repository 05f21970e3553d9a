package main

import "fmt"

// Rules for NPC zones, which the generators place with placeZone.
const (
	// zoneClearance is how many tiles a zone keeps from every portal and
	// spawn point, so NPCs never appear on a player as they arrive.
	zoneClearance = 2
	// zoneMinOpenPct is the share of a zone's tiles, in percent, that must
	// be open ground (the mapgen tests demand at least 75%).
	zoneMinOpenPct = 85
	// zoneSearch is how far, in tiles, placeZone may move a zone.
	zoneSearch = 40
)

// placeZone adds the NPC zone z at the spot nearest to its requested
// top-left corner (in rings of growing Chebyshev distance, scanned row by
// row) where it lies wholly inside the map, keeps zoneClearance tiles from
// every portal and spawn, and has at least zoneMinOpenPct% open tiles. Call
// it once the map's collision is final. It fails if no spot within
// zoneSearch tiles qualifies.
func (m *tmap) placeZone(z zone) error {
	// open[y*(w+1)+x] counts the open tiles above and left of (x, y).
	open := make([]int, (m.w+1)*(m.h+1))
	for y := range m.h {
		for x := range m.w {
			o := 0
			if !m.solid[m.i(x, y)] {
				o = 1
			}
			open[(y+1)*(m.w+1)+x+1] = o + open[y*(m.w+1)+x+1] + open[(y+1)*(m.w+1)+x] - open[y*(m.w+1)+x]
		}
	}
	fits := func(c zone) bool {
		if c.tx < 0 || c.ty < 0 || c.tx+c.tw > m.w || c.ty+c.th > m.h {
			return false
		}
		x0, y0, x1, y1 := c.tx-zoneClearance, c.ty-zoneClearance, c.tx+c.tw+zoneClearance, c.ty+c.th+zoneClearance
		for _, p := range m.portals {
			if p.tx < x1 && x0 < p.tx+p.tw && p.ty < y1 && y0 < p.ty+p.th {
				return false
			}
		}
		for _, s := range m.spawns {
			if s.tx >= x0 && s.tx < x1 && s.ty >= y0 && s.ty < y1 {
				return false
			}
		}
		n := open[(c.ty+c.th)*(m.w+1)+c.tx+c.tw] - open[c.ty*(m.w+1)+c.tx+c.tw] - open[(c.ty+c.th)*(m.w+1)+c.tx] + open[c.ty*(m.w+1)+c.tx]
		return n*100 >= zoneMinOpenPct*c.tw*c.th
	}
	for d := 0; d <= zoneSearch; d++ {
		for dy := -d; dy <= d; dy++ {
			for dx := -d; dx <= d; dx++ {
				if max(dx, -dx, dy, -dy) != d {
					continue
				}
				c := z
				c.tx, c.ty = z.tx+dx, z.ty+dy
				if fits(c) {
					m.zones = append(m.zones, c)
					return nil
				}
			}
		}
	}
	return fmt.Errorf("mapgen: %s: no open ground for zone %q (%dx%d) within %d tiles of (%d,%d)", m.name, z.name, z.tw, z.th, zoneSearch, z.tx, z.ty)
}
