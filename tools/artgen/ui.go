package main

// UI icons: 16x16 cells in one row, named in the index.
const uiPx = 16

type icon struct {
	name string
	rows []string
	key  map[rune]uint8
	thin string // runes drawn after the outline (see splitThin)
}

func icons() []icon {
	heartKey := map[rune]uint8{'H': cRed2, 'h': cRed1, 'd': cRed0, 'w': cWhite, 'l': cRed3}
	emptyKey := map[rune]uint8{'H': cGrey1, 'h': cGrey1, 'd': cGrey0, 'w': cGrey2, 'l': cGrey2}
	heart := []string{
		"................",
		"................",
		"................",
		"...HHH...HHH....",
		"..HwlHH.HHHHh...",
		"..HlHHHHHHHHh...",
		"..HHHHHHHHHHh...",
		"..HHHHHHHHHhh...",
		"...HHHHHHHhh....",
		"....HHHHHhh.....",
		".....HHHhh......",
		"......Hhd.......",
		".......d........",
		"................",
		"................",
		"................",
	}
	dropKey := map[rune]uint8{'B': cBlue2, 'b': cBlue1, 'd': cBlue0, 'w': cWhite, 'l': cBlue4}
	dropEmptyKey := map[rune]uint8{'B': cGrey1, 'b': cGrey1, 'd': cGrey0, 'w': cGrey2, 'l': cGrey2}
	drop := []string{
		"................",
		"................",
		".......B........",
		"......BBb.......",
		"......BBb.......",
		".....BBBBb......",
		".....BBBBb......",
		"....BlBBBBb.....",
		"....BwBBBBb.....",
		"....BlBBBBb.....",
		"....BBBBBbb.....",
		".....BBBbbd.....",
		"......bbdd......",
		"................",
		"................",
		"................",
	}
	coin := []string{
		"................",
		"................",
		"................",
		".....YYYYY......",
		"....YyyyyYo.....",
		"...YyYYYYyYo....",
		"...YyYyyYyYo....",
		"...YyYyyYyYo....",
		"...YyYyyYyYo....",
		"...YyYYYYyYo....",
		"....YyyyyYo.....",
		".....YYYYo......",
		"................",
		"................",
		"................",
		"................",
	}
	coinKey := map[rune]uint8{'Y': cYel1, 'y': cYel2, 'o': cYel0}
	return append([]icon{
		{"heart", heart, heartKey, ""},
		{"heart_empty", heart, emptyKey, ""},
		{"mana", drop, dropKey, ""},
		{"mana_empty", drop, dropEmptyKey, ""},
		{"coin", coin, coinKey, ""},
	}, abilityIcons()...)
}

// uiIndex is the JSON index of the UI sheet: each icon's rectangle.
type uiIndex struct {
	Image string            `json:"image"`
	Icons map[string][4]int `json:"icons"` // name -> x, y, width, height
}

func uiSheet() sheetSpec {
	is := icons()
	img := newSheet(len(is)*uiPx, uiPx)
	idx := uiIndex{Image: "ui.png", Icons: map[string][4]int{}}
	for i, ic := range is {
		p := newPen(img, i*uiPx, 0, uiPx, uiPx, 0)
		p.figure(0, 0, ic.rows, ic.key, ic.thin)
		idx.Icons[ic.name] = [4]int{i * uiPx, 0, uiPx, uiPx}
	}
	return sheetSpec{name: "ui", img: img, meta: idx}
}
