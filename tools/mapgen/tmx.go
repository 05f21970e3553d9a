package main

import (
	"bytes"
	"fmt"
	"html"
	"strconv"
)

// tmap is a map under construction.
type tmap struct {
	ts          tileset
	name, title string
	w, h        int
	ground      []uint32
	deco        []uint32
	solid       []bool
	portals     []portal
	spawns      []point
	zones       []zone
}

type portal struct {
	name                   string
	tx, ty, tw, th         int // in tiles
	targetMap, targetSpawn string
}

type point struct {
	name   string
	tx, ty int // the spawn's feet point is 8 px right of and 12 px below the tile's top left
}

type zone struct {
	name           string
	kind           string
	tx, ty, tw, th int
	count          int
}

func newMap(ts tileset, name, title string, w, h int) *tmap {
	return &tmap{
		ts: ts, name: name, title: title, w: w, h: h,
		ground: make([]uint32, w*h),
		deco:   make([]uint32, w*h),
		solid:  make([]bool, w*h),
	}
}

func (m *tmap) in(x, y int) bool { return x >= 0 && y >= 0 && x < m.w && y < m.h }
func (m *tmap) i(x, y int) int   { return y*m.w + x }

// check verifies what internal/maps will verify too, so a bad generator run
// fails here with a clearer message.
func (m *tmap) check() error {
	for _, s := range m.spawns {
		if !m.in(s.tx, s.ty) || m.solid[m.i(s.tx, s.ty)] {
			return fmt.Errorf("mapgen: %s: spawn %q on a solid tile (%d,%d)", m.name, s.name, s.tx, s.ty)
		}
		for _, p := range m.portals {
			if s.tx >= p.tx && s.tx < p.tx+p.tw && s.ty >= p.ty && s.ty < p.ty+p.th {
				return fmt.Errorf("mapgen: %s: spawn %q inside portal %q", m.name, s.name, p.name)
			}
		}
	}
	return nil
}

// tmx renders the map as a Tiled TMX document with CSV layer data.
func (m *tmap) tmx() []byte {
	var b bytes.Buffer
	id := 1 // next object id
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<map version="1.10" tiledversion="1.10.2" orientation="orthogonal" renderorder="right-down" width="%d" height="%d" tilewidth="16" tileheight="16" infinite="0" nextlayerid="7" nextobjectid="%d">
 <properties>
  <property name="title" value="%s"/>
 </properties>
 <tileset firstgid="1" source="../tiles/tileset.tsx"/>
`, m.w, m.h, 1+len(m.portals)+len(m.spawns)+len(m.zones), html.EscapeString(m.title))
	collision := make([]uint32, len(m.solid))
	for i, s := range m.solid {
		if s {
			collision[i] = m.ts.gid("collision")
		}
	}
	m.layer(&b, 1, "ground", m.ground, "")
	m.layer(&b, 2, "decoration", m.deco, "")
	m.layer(&b, 3, "collision", collision, ` visible="0" opacity="0.5"`)

	b.WriteString(` <objectgroup id="4" name="portals" color="#a040ff">` + "\n")
	for _, p := range m.portals {
		fmt.Fprintf(&b, `  <object id="%d" name="%s" x="%d" y="%d" width="%d" height="%d">
   <properties>
    <property name="target_map" value="%s"/>
    <property name="target_spawn" value="%s"/>
   </properties>
  </object>
`, id, p.name, p.tx*16, p.ty*16, p.tw*16, p.th*16, p.targetMap, p.targetSpawn)
		id++
	}
	b.WriteString(" </objectgroup>\n")

	b.WriteString(` <objectgroup id="5" name="spawns" color="#40c0ff">` + "\n")
	for _, s := range m.spawns {
		fmt.Fprintf(&b, `  <object id="%d" name="%s" x="%d" y="%d">
   <point/>
  </object>
`, id, s.name, s.tx*16+8, s.ty*16+12)
		id++
	}
	b.WriteString(" </objectgroup>\n")

	b.WriteString(` <objectgroup id="6" name="npc_zones" color="#ff4040">` + "\n")
	for _, z := range m.zones {
		fmt.Fprintf(&b, `  <object id="%d" name="%s" x="%d" y="%d" width="%d" height="%d">
   <properties>
    <property name="count" type="int" value="%d"/>
    <property name="kind" value="%s"/>
   </properties>
  </object>
`, id, z.name, z.tx*16, z.ty*16, z.tw*16, z.th*16, z.count, z.kind)
		id++
	}
	b.WriteString(" </objectgroup>\n</map>\n")
	return b.Bytes()
}

func (m *tmap) layer(b *bytes.Buffer, id int, name string, gids []uint32, attrs string) {
	fmt.Fprintf(b, ` <layer id="%d" name="%s" width="%d" height="%d"%s>
  <data encoding="csv">
`, id, name, m.w, m.h, attrs)
	for y := range m.h {
		for x := range m.w {
			b.WriteString(strconv.FormatUint(uint64(gids[m.i(x, y)]), 10))
			if x < m.w-1 || y < m.h-1 {
				b.WriteByte(',')
			}
		}
		b.WriteByte('\n')
	}
	b.WriteString("</data>\n </layer>\n")
}
