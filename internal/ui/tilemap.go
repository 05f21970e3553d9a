package ui

import (
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"math"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/maps"
)

// tilemap draws a map's ground and decoration layers, the same TMX the
// world collides against. It draws only the tiles inside the window.
type tilemap struct {
	m *maps.Map
	// tiles holds the source image of each GID the map uses, cut from its
	// tileset once; nil for 0 and for GIDs no tileset holds.
	tiles map[uint32]*ebiten.Image
	// tileW and tileH are the tile size in pixels (of the first tileset;
	// package maps checks they all match the map's).
	tileW, tileH int
}

// newTilemap loads m's tileset images from assets and cuts the tiles m
// uses.
func newTilemap(assets fs.FS, m *maps.Map) (*tilemap, error) {
	if len(m.Tilesets) == 0 {
		return nil, fmt.Errorf("ui: map %s has no tileset", m.Name)
	}
	images := map[string]*ebiten.Image{}
	tm := &tilemap{m: m, tiles: map[uint32]*ebiten.Image{}, tileW: m.Tilesets[0].TileWidth, tileH: m.Tilesets[0].TileHeight}
	for _, layer := range [][]uint32{m.Ground, m.Decoration} {
		for _, gid := range layer {
			if _, done := tm.tiles[gid]; done {
				continue
			}
			name, src, ok := m.TileSource(gid)
			if !ok {
				tm.tiles[gid] = nil
				continue
			}
			img, ok := images[name]
			if !ok {
				var err error
				if img, err = loadImage(assets, name); err != nil {
					return nil, err
				}
				images[name] = img
			}
			if !src.In(img.Bounds()) {
				return nil, fmt.Errorf("ui: map %s: tile %d lies outside %s", m.Name, gid, name)
			}
			tm.tiles[gid] = img.SubImage(src).(*ebiten.Image)
		}
	}
	return tm, nil
}

// loadImage decodes a PNG from assets into an ebiten image.
func loadImage(assets fs.FS, name string) (*ebiten.Image, error) {
	f, err := assets.Open(name)
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("ui: %s: %w", name, err)
	}
	return ebiten.NewImageFromImage(img), nil
}

// visible returns the range of tiles [x0, x1) × [y0, y1) that a camera
// shows, clipped to the map.
func (tm *tilemap) visible(cam camera) image.Rectangle {
	minX, minY := cam.toWorld(0, 0)
	maxX, maxY := cam.toWorld(float64(cam.w), float64(cam.h))
	r := image.Rect(
		int(math.Floor(minX/float64(tm.tileW))), int(math.Floor(minY/float64(tm.tileH))),
		int(math.Floor(maxX/float64(tm.tileW)))+1, int(math.Floor(maxY/float64(tm.tileH)))+1,
	)
	return r.Intersect(image.Rect(0, 0, tm.m.Width, tm.m.Height))
}

// covers reports whether the map's ground fills the whole window. (Every
// ground cell of the maps has a tile; package maps checks the layer's
// size, and the tests that every map's tiles load.)
func (tm *tilemap) covers(cam camera) bool {
	x0, y0 := cam.toWorld(0, 0)
	x1, y1 := cam.toWorld(float64(cam.w), float64(cam.h))
	return x0 >= 0 && y0 >= 0 && x1 <= float64(tm.m.Width*tm.tileW) && y1 <= float64(tm.m.Height*tm.tileH)
}

// draw draws the ground, then the decoration, of the tiles the camera
// shows. Outside the map stays as the caller filled it.
func (tm *tilemap) draw(dst *ebiten.Image, cam camera) {
	r := tm.visible(cam)
	op := &ebiten.DrawImageOptions{}
	for _, layer := range [][]uint32{tm.m.Ground, tm.m.Decoration} {
		for ty := r.Min.Y; ty < r.Max.Y; ty++ {
			row := layer[ty*tm.m.Width : (ty+1)*tm.m.Width]
			for tx := r.Min.X; tx < r.Max.X; tx++ {
				img := tm.tiles[row[tx]]
				if img == nil {
					continue
				}
				op.GeoM.Reset()
				op.GeoM.Scale(cam.zoom, cam.zoom)
				op.GeoM.Translate(cam.toScreen(float64(tx*tm.tileW), float64(ty*tm.tileH)))
				dst.DrawImage(img, op)
			}
		}
	}
}

// camera maps world pixels to the window's device pixels: zoom device
// pixels per world pixel, with the world point (x, y) at the window's
// centre.
type camera struct {
	x, y float64
	zoom float64
	w, h int // the window, in device pixels
}

// newCamera centres a camera on (x, y), snapped to whole device pixels so
// that tiles do not shimmer as it moves.
func newCamera(x, y, zoom float64, w, h int) camera {
	return camera{x: math.Round(x*zoom) / zoom, y: math.Round(y*zoom) / zoom, zoom: zoom, w: w, h: h}
}

// toScreen converts world pixels to device pixels.
func (c camera) toScreen(x, y float64) (float64, float64) {
	return math.Round((x-c.x)*c.zoom) + float64(c.w/2), math.Round((y-c.y)*c.zoom) + float64(c.h/2)
}

// toWorld converts device pixels to world pixels.
func (c camera) toWorld(sx, sy float64) (float64, float64) {
	return (sx-float64(c.w/2))/c.zoom + c.x, (sy-float64(c.h/2))/c.zoom + c.y
}
