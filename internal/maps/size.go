package maps

import "github.com/tinymmo/tinymmo/internal/rules"

// SizeSubpixels returns the map's width and height in subpixels.
func (m *Map) SizeSubpixels() (w, h int32) {
	return int32(m.Width) * rules.TileSubpixels, int32(m.Height) * rules.TileSubpixels
}
