// Package maps loads TinyMMO's Tiled (TMX) maps into immutable Maps that
// the world server steps players on (collision, portals, spawns, NPC zones)
// and the client renders (tile layers, tileset rectangles).
//
// # Map conventions
//
// A map is the file maps/<name>.tmx of an fs.FS (assets.FS by default), where
// name is 1-64 characters of [a-z0-9_]. It must be orthogonal, finite, with
// 16x16 px tiles (rules.TileSize), and may use any number of tilesets with a
// single image each. Layers are found by name at the top level (not in
// groups):
//
//   - tile layer "ground" (required) and "decoration" (optional): rendering
//     only; they never block movement.
//   - tile layer "collision" (required): the single source of solidity. Any
//     non-zero tile there is solid; keep it hidden in Tiled. Tiles outside
//     the map are solid too.
//   - object layer "portals": rectangles with string properties target_map
//     and target_spawn. A player whose feet point enters one travels there.
//   - object layer "spawns": named points; "default" is required. A spawn
//     must fit the player body (rules.Fits) and lie outside every portal, so
//     an arriving player never bounces straight back.
//   - object layer "npc_zones": rectangles with a string property kind (e.g.
//     "rat", "wolf", "skeleton") and an int property count (1-1000).
//
// Other layers and object layers are ignored, so forks can add their own.
// Object positions are converted from pixels to subpixels (rounded to the
// nearest subpixel); they are the only floating point in this package and
// are converted once, at load time.
//
// Load and LoadAll check all of this and return a clear error (matching
// ErrInvalid with errors.Is) for a map that breaks a rule; LoadAll also
// checks that every portal leads to an existing map and spawn.
//
// A *Map is never modified after loading and is safe for concurrent use by
// any number of goroutines; callers must not modify its slices or maps. The
// package keeps no state and starts no goroutines.
package maps

import (
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"math"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/lafriks/go-tiled"

	"github.com/tinymmo/tinymmo/assets"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// Limits on what a map file may ask for, checked before anything is sized
// from the file's contents (go-tiled itself allocates in proportion to the
// file, which MaxFileSize bounds).
const (
	// MaxFileSize is the largest TMX file Load reads.
	MaxFileSize = 32 << 20
	// MaxSide is the largest width or height of a map, in tiles.
	MaxSide = 1024
	// MaxZoneCount is the largest count an NPC zone may ask for.
	MaxZoneCount = 1000
	// MaxObjects is the most objects one object layer may hold.
	MaxObjects = 10000
)

// Tiled stores flips in the top bits of a tile's global id (GID). Ground and
// Decoration keep them; TileSource ignores them. A renderer may honour them.
const (
	FlipHorizontal = 0x80000000
	FlipVertical   = 0x40000000
	FlipDiagonal   = 0x20000000
	// FlipMask covers every flag bit, including hexagonal rotation.
	FlipMask = 0xf0000000
)

// ErrInvalid matches (with errors.Is) every error that reports a map file
// breaking a rule of this package; the error's text says which rule.
var ErrInvalid = errors.New("maps: invalid map")

// InvalidError reports a map that breaks a rule of this package.
type InvalidError struct {
	Map    string // the map's name
	Reason string // what is wrong, e.g. `spawn "default" is missing`
}

func (e *InvalidError) Error() string { return "maps: " + e.Map + ": " + e.Reason }

// Is reports whether target is ErrInvalid.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(name, format string, args ...any) error {
	return &InvalidError{Map: name, Reason: fmt.Sprintf(format, args...)}
}

// Map is one loaded map. It is immutable and safe for concurrent readers;
// see the package doc for the rules it was checked against.
type Map struct {
	// Name is the map's file name without extension, e.g. "overworld".
	Name string
	// Title is the map's "title" property, for display; it may be empty.
	Title string
	// Width and Height are the map's size in tiles.
	Width, Height int
	// Ground and Decoration hold each tile's global id (GID), row by row
	// (index y*Width+x), 0 for none; both have Width*Height entries. Draw
	// Ground, then Decoration, using TileSource.
	Ground, Decoration []uint32
	// Tilesets lists the map's tilesets in ascending FirstGID order.
	Tilesets []Tileset
	// Portals lists the portals in file order.
	Portals []Portal
	// Spawns maps each spawn's name to its feet point, in subpixels.
	Spawns map[string]rules.Vec
	// NPCZones lists the NPC zones in file order.
	NPCZones []NPCZone

	solid []uint64 // bit y*Width+x set = solid
}

// Tileset describes one tileset image the map's GIDs refer to.
type Tileset struct {
	// FirstGID is the GID of the tileset's first tile; its tiles are
	// FirstGID to FirstGID+TileCount-1.
	FirstGID  uint32
	TileCount int
	// Columns is the number of tiles per row of the image.
	Columns int
	// TileWidth and TileHeight are the tile size in pixels.
	TileWidth, TileHeight int
	// Spacing and Margin are the pixels between tiles and around the image.
	Spacing, Margin int
	// Image is the slash-separated path of the image in the FS the map was
	// loaded from, e.g. "tiles/tileset.png".
	Image string
}

// Portal is a rectangle that sends a player whose feet point enters it to
// spawn TargetSpawn of map TargetMap.
type Portal struct {
	Name        string
	Rect        rules.Rect // in subpixels
	TargetMap   string
	TargetSpawn string
}

// NPCZone asks the server to keep Count NPCs of Kind inside Rect.
type NPCZone struct {
	Name  string
	Kind  string
	Rect  rules.Rect // in subpixels
	Count int
}

// Solid reports whether tile (tx, ty) blocks movement; tiles outside the map
// are solid. It implements rules.Collider.
func (m *Map) Solid(tx, ty int) bool {
	if tx < 0 || ty < 0 || tx >= m.Width || ty >= m.Height {
		return true
	}
	i := ty*m.Width + tx
	return m.solid[i>>6]&(1<<(i&63)) != 0
}

// PortalAt returns the first portal whose rectangle contains the feet point
// p, if any.
func (m *Map) PortalAt(p rules.Vec) (Portal, bool) {
	for _, pt := range m.Portals {
		if pt.Rect.Contains(p) {
			return pt, true
		}
	}
	return Portal{}, false
}

// Spawn returns the feet point of the named spawn.
func (m *Map) Spawn(name string) (rules.Vec, bool) {
	p, ok := m.Spawns[name]
	return p, ok
}

// TileSource returns the image and the source rectangle (in pixels) to draw
// the tile with global id gid; flip flags are ignored. ok is false for 0 and
// for ids no tileset holds.
func (m *Map) TileSource(gid uint32) (img string, src image.Rectangle, ok bool) {
	gid &^= FlipMask
	if gid == 0 {
		return "", image.Rectangle{}, false
	}
	// Tilesets are few and sorted: the last one starting at or below gid
	// holds it, if any does.
	var ts *Tileset
	for i := len(m.Tilesets) - 1; i >= 0 && ts == nil; i-- {
		if m.Tilesets[i].FirstGID <= gid {
			ts = &m.Tilesets[i]
		}
	}
	if ts == nil {
		return "", image.Rectangle{}, false
	}
	id := int(gid - ts.FirstGID)
	if id >= ts.TileCount {
		return "", image.Rectangle{}, false
	}
	x := ts.Margin + id%ts.Columns*(ts.TileWidth+ts.Spacing)
	y := ts.Margin + id/ts.Columns*(ts.TileHeight+ts.Spacing)
	return ts.Image, image.Rect(x, y, x+ts.TileWidth, y+ts.TileHeight), true
}

// Dir is the directory of an FS that holds the maps.
const Dir = "maps"

// Load loads the named map from assets.FS.
func Load(name string) (*Map, error) { return LoadFS(assets.FS, name) }

// LoadAll loads every map in assets.FS and checks the links between them.
func LoadAll() (map[string]*Map, error) { return LoadAllFS(assets.FS) }

// LoadFS loads Dir/<name>.tmx from fsys, with any tilesets it references.
// A missing file gives an error matching fs.ErrNotExist; a map that breaks
// a rule of this package gives one matching ErrInvalid.
func LoadFS(fsys fs.FS, name string) (*Map, error) {
	if !validName(name) {
		return nil, invalid(name, "map names are 1-64 characters of [a-z0-9_]")
	}
	file := path.Join(Dir, name+".tmx")
	info, err := fs.Stat(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("maps: %s: %w", name, err)
	}
	if info.Size() > MaxFileSize {
		return nil, invalid(name, "%s is %d bytes, more than %d", file, info.Size(), MaxFileSize)
	}
	if err := checkHeader(fsys, file, name); err != nil {
		return nil, err
	}
	tm, err := tiled.LoadFile(file, tiled.WithFileSystem(fsys))
	if err != nil {
		return nil, fmt.Errorf("maps: %s: %s: %w", name, file, err)
	}
	return convert(name, tm)
}

// checkHeader reads only the <map> element's attributes and rejects a map
// too large to load before go-tiled allocates its layers.
func checkHeader(fsys fs.FS, file, name string) error {
	f, err := fsys.Open(file)
	if err != nil {
		return fmt.Errorf("maps: %s: %w", name, err)
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	for {
		tok, err := d.Token()
		if err != nil {
			return invalid(name, "%s has no <map> element: %v", file, err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if start.Name.Local != "map" {
			return invalid(name, "%s starts with <%s>, want <map>", file, start.Name.Local)
		}
		w, h := -1, -1
		for _, a := range start.Attr {
			switch a.Name.Local {
			case "width":
				w, _ = strconv.Atoi(a.Value)
			case "height":
				h, _ = strconv.Atoi(a.Value)
			}
		}
		if w < 1 || h < 1 || w > MaxSide || h > MaxSide {
			return invalid(name, "size %dx%d tiles is outside 1x1 to %dx%d", w, h, MaxSide, MaxSide)
		}
		return nil
	}
}

// LoadAllFS loads every Dir/*.tmx of fsys and checks that every portal
// leads to a map and spawn that exist. The result is keyed by map name.
func LoadAllFS(fsys fs.FS) (map[string]*Map, error) {
	files, err := fs.Glob(fsys, Dir+"/*.tmx")
	if err != nil {
		return nil, fmt.Errorf("maps: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("maps: no %s/*.tmx files: %w", Dir, fs.ErrNotExist)
	}
	all := make(map[string]*Map, len(files))
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".tmx")
		m, err := LoadFS(fsys, name)
		if err != nil {
			return nil, err
		}
		all[name] = m
	}
	names := make([]string, 0, len(all))
	for name := range all {
		names = append(names, name)
	}
	slices.Sort(names)
	var errs []error
	for _, name := range names {
		for _, p := range all[name].Portals {
			target, ok := all[p.TargetMap]
			if !ok {
				errs = append(errs, invalid(name, "portal %q leads to map %q, which does not exist", p.Name, p.TargetMap))
				continue
			}
			if _, ok := target.Spawns[p.TargetSpawn]; !ok {
				errs = append(errs, invalid(name, "portal %q leads to spawn %q, which map %q lacks", p.Name, p.TargetSpawn, p.TargetMap))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return all, nil
}

func validName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for _, c := range []byte(name) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// convert checks a parsed TMX map against the package rules and builds the
// Map.
func convert(name string, tm *tiled.Map) (*Map, error) {
	switch {
	case tm.Orientation != "orthogonal":
		return nil, invalid(name, "orientation is %q, want orthogonal", tm.Orientation)
	case tm.Infinite:
		return nil, invalid(name, "infinite maps are not supported")
	case tm.TileWidth != rules.TileSize || tm.TileHeight != rules.TileSize:
		return nil, invalid(name, "tiles are %dx%d px, want %dx%d", tm.TileWidth, tm.TileHeight, rules.TileSize, rules.TileSize)
	case tm.Width < 1 || tm.Height < 1 || tm.Width > MaxSide || tm.Height > MaxSide:
		return nil, invalid(name, "size %dx%d tiles is outside 1x1 to %dx%d", tm.Width, tm.Height, MaxSide, MaxSide)
	}
	m := &Map{Name: name, Width: tm.Width, Height: tm.Height, Spawns: map[string]rules.Vec{}}
	if tm.Properties != nil {
		m.Title = tm.Properties.GetString("title")
	}

	tilesets, err := convertTilesets(name, tm)
	if err != nil {
		return nil, err
	}
	m.Tilesets = tilesets

	layers := map[string]*tiled.Layer{}
	for _, l := range tm.Layers {
		if _, dup := layers[l.Name]; dup {
			return nil, invalid(name, "two tile layers are named %q", l.Name)
		}
		layers[l.Name] = l
	}
	gids := func(layer string, required bool) ([]uint32, error) {
		l, ok := layers[layer]
		if !ok {
			if required {
				return nil, invalid(name, "tile layer %q is missing", layer)
			}
			return make([]uint32, m.Width*m.Height), nil
		}
		if l.OffsetX != 0 || l.OffsetY != 0 {
			return nil, invalid(name, "tile layer %q has an offset; layers must align with the grid", layer)
		}
		if len(l.Tiles) != m.Width*m.Height {
			return nil, invalid(name, "tile layer %q has %d tiles, want %d", layer, len(l.Tiles), m.Width*m.Height)
		}
		out := make([]uint32, len(l.Tiles))
		for i, t := range l.Tiles {
			if t.Nil {
				continue
			}
			g := t.Tileset.FirstGID + t.ID
			if _, _, ok := m.TileSource(g); !ok {
				return nil, invalid(name, "tile layer %q: tile (%d,%d) has id %d, which no tileset holds", layer, i%m.Width, i/m.Width, g)
			}
			if t.HorizontalFlip {
				g |= FlipHorizontal
			}
			if t.VerticalFlip {
				g |= FlipVertical
			}
			if t.DiagonalFlip {
				g |= FlipDiagonal
			}
			out[i] = g
		}
		return out, nil
	}
	if m.Ground, err = gids("ground", true); err != nil {
		return nil, err
	}
	if m.Decoration, err = gids("decoration", false); err != nil {
		return nil, err
	}
	collision, err := gids("collision", true)
	if err != nil {
		return nil, err
	}
	m.solid = make([]uint64, (len(collision)+63)/64)
	for i, g := range collision {
		if g != 0 {
			m.solid[i>>6] |= 1 << (i & 63)
		}
	}

	groups := map[string]*tiled.ObjectGroup{}
	for _, g := range tm.ObjectGroups {
		if _, dup := groups[g.Name]; dup {
			return nil, invalid(name, "two object layers are named %q", g.Name)
		}
		if len(g.Objects) > MaxObjects {
			return nil, invalid(name, "object layer %q has %d objects, more than %d", g.Name, len(g.Objects), MaxObjects)
		}
		groups[g.Name] = g
	}
	if err := m.readPortals(groups["portals"]); err != nil {
		return nil, err
	}
	if err := m.readSpawns(groups["spawns"]); err != nil {
		return nil, err
	}
	if err := m.readZones(groups["npc_zones"]); err != nil {
		return nil, err
	}
	return m, nil
}

func convertTilesets(name string, tm *tiled.Map) ([]Tileset, error) {
	var out []Tileset
	for _, ts := range tm.Tilesets {
		// go-tiled loads external tilesets lazily, when a layer uses one;
		// looking up the first tile loads it now.
		if _, err := tm.TileGIDToTile(ts.FirstGID); err != nil {
			return nil, invalid(name, "tileset %q: %v", ts.Source, err)
		}
		label := ts.Name
		if ts.Source != "" {
			label = ts.Source
		}
		switch {
		case ts.Image == nil || ts.Image.Source == "":
			return nil, invalid(name, "tileset %q has no single image (image collections are not supported)", label)
		case ts.TileWidth <= 0 || ts.TileHeight <= 0:
			return nil, invalid(name, "tileset %q has tiles of %dx%d px", label, ts.TileWidth, ts.TileHeight)
		case ts.TileCount <= 0 || ts.FirstGID == 0 || uint64(ts.FirstGID)+uint64(ts.TileCount) > 1<<28:
			return nil, invalid(name, "tileset %q has firstgid %d and %d tiles", label, ts.FirstGID, ts.TileCount)
		case ts.Spacing < 0 || ts.Margin < 0:
			return nil, invalid(name, "tileset %q has negative spacing or margin", label)
		}
		cols := ts.Columns
		if cols <= 0 {
			cols = (ts.Image.Width - 2*ts.Margin + ts.Spacing) / (ts.TileWidth + ts.Spacing)
		}
		if cols <= 0 {
			return nil, invalid(name, "tileset %q: cannot tell how many columns it has", label)
		}
		out = append(out, Tileset{
			FirstGID:   ts.FirstGID,
			TileCount:  ts.TileCount,
			Columns:    cols,
			TileWidth:  ts.TileWidth,
			TileHeight: ts.TileHeight,
			Spacing:    ts.Spacing,
			Margin:     ts.Margin,
			Image:      path.Clean(filepath.ToSlash(ts.GetFileFullPath(ts.Image.Source))),
		})
	}
	slices.SortFunc(out, func(a, b Tileset) int { return int(a.FirstGID) - int(b.FirstGID) })
	for i := 1; i < len(out); i++ {
		if out[i-1].FirstGID+uint32(out[i-1].TileCount) > out[i].FirstGID {
			return nil, invalid(name, "tilesets %q and %q overlap", out[i-1].Image, out[i].Image)
		}
	}
	return out, nil
}

// subpixels converts a Tiled coordinate in pixels to subpixels, rejecting
// values far outside the map (which also rules out overflow and NaN).
func (m *Map) subpixels(v float64) (int32, bool) {
	s := math.Round(v * rules.SubpixelsPerPixel)
	limit := float64(2*MaxSide) * rules.TileSubpixels
	if !(s >= -limit && s <= limit) {
		return 0, false
	}
	return int32(s), true
}

// rect converts a rectangle object; it must be an unrotated rectangle with
// a positive size that overlaps the map.
func (m *Map) rect(layer string, o *tiled.Object) (rules.Rect, error) {
	what := fmt.Sprintf("%s object %q (id %d)", layer, o.Name, o.ID)
	switch {
	case o.GID != 0 || len(o.Ellipses) > 0 || len(o.Polygons) > 0 || len(o.PolyLines) > 0 || o.Text != nil:
		return rules.Rect{}, invalid(m.Name, "%s must be a plain rectangle", what)
	case o.Rotation != 0:
		return rules.Rect{}, invalid(m.Name, "%s is rotated", what)
	case !(o.Width > 0 && o.Height > 0):
		return rules.Rect{}, invalid(m.Name, "%s has no area (%gx%g)", what, o.Width, o.Height)
	}
	x0, ok0 := m.subpixels(o.X)
	y0, ok1 := m.subpixels(o.Y)
	x1, ok2 := m.subpixels(o.X + o.Width)
	y1, ok3 := m.subpixels(o.Y + o.Height)
	r := rules.Rect{Min: rules.Vec{X: x0, Y: y0}, Max: rules.Vec{X: x1, Y: y1}}
	mapW, mapH := int32(m.Width)*rules.TileSubpixels, int32(m.Height)*rules.TileSubpixels
	if !(ok0 && ok1 && ok2 && ok3) || r.Max.X <= 0 || r.Max.Y <= 0 || r.Min.X >= mapW || r.Min.Y >= mapH || r.Min.X >= r.Max.X || r.Min.Y >= r.Max.Y {
		return rules.Rect{}, invalid(m.Name, "%s lies outside the map", what)
	}
	return r, nil
}

func (m *Map) readPortals(g *tiled.ObjectGroup) error {
	if g == nil {
		return nil
	}
	names := map[string]bool{}
	for _, o := range g.Objects {
		r, err := m.rect("portals", o)
		if err != nil {
			return err
		}
		p := Portal{
			Name:        o.Name,
			Rect:        r,
			TargetMap:   o.Properties.GetString("target_map"),
			TargetSpawn: o.Properties.GetString("target_spawn"),
		}
		switch {
		case p.Name == "":
			return invalid(m.Name, "portal id %d has no name", o.ID)
		case names[p.Name]:
			return invalid(m.Name, "two portals are named %q", p.Name)
		case !validName(p.TargetMap):
			return invalid(m.Name, "portal %q: target_map %q is not a valid map name", p.Name, p.TargetMap)
		case p.TargetSpawn == "":
			return invalid(m.Name, "portal %q has no target_spawn", p.Name)
		}
		names[p.Name] = true
		m.Portals = append(m.Portals, p)
	}
	return nil
}

// readSpawns runs after readPortals and after the collision layer is
// loaded: a spawn must fit the body and lie outside every portal.
func (m *Map) readSpawns(g *tiled.ObjectGroup) error {
	if g != nil {
		for _, o := range g.Objects {
			switch {
			case o.Name == "":
				return invalid(m.Name, "spawn id %d has no name", o.ID)
			case o.Width != 0 || o.Height != 0 || o.GID != 0 || len(o.Polygons) > 0 || len(o.PolyLines) > 0:
				return invalid(m.Name, "spawn %q must be a point", o.Name)
			}
			if _, dup := m.Spawns[o.Name]; dup {
				return invalid(m.Name, "two spawns are named %q", o.Name)
			}
			x, okx := m.subpixels(o.X)
			y, oky := m.subpixels(o.Y)
			p := rules.Vec{X: x, Y: y}
			if !okx || !oky || !rules.Fits(p, m) {
				return invalid(m.Name, "spawn %q at (%g,%g) px: the player body there overlaps a solid tile or the map edge", o.Name, o.X, o.Y)
			}
			if pt, in := m.PortalAt(p); in {
				return invalid(m.Name, "spawn %q lies inside portal %q; arrivals would bounce straight back", o.Name, pt.Name)
			}
			m.Spawns[o.Name] = p
		}
	}
	if _, ok := m.Spawns["default"]; !ok {
		return invalid(m.Name, `spawn "default" is missing`)
	}
	return nil
}

func (m *Map) readZones(g *tiled.ObjectGroup) error {
	if g == nil {
		return nil
	}
	for _, o := range g.Objects {
		r, err := m.rect("npc_zones", o)
		if err != nil {
			return err
		}
		z := NPCZone{Name: o.Name, Kind: o.Properties.GetString("kind"), Rect: r}
		if z.Kind == "" {
			return invalid(m.Name, "npc zone %q (id %d) has no kind", o.Name, o.ID)
		}
		// Read count whatever its declared type: Tiled writes type="int",
		// but a hand-edited file may not.
		if p := o.Properties.Get("count"); p != nil {
			z.Count, err = strconv.Atoi(strings.TrimSpace(p.Value))
		}
		if err != nil || z.Count < 1 || z.Count > MaxZoneCount {
			return invalid(m.Name, "npc zone %q (id %d): count must be an integer from 1 to %d", o.Name, o.ID, MaxZoneCount)
		}
		m.NPCZones = append(m.NPCZones, z)
	}
	return nil
}
