package main

import (
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
)

// writePreview renders the ground and decoration layers of m with the
// tileset image, scaled down by 1<<shrink, to dir/<name>.png: a quick look
// at a generated map without opening Tiled.
func writePreview(m *tmap, tilesetPNG, dir string, shrink int) error {
	f, err := os.Open(tilesetPNG)
	if err != nil {
		return fmt.Errorf("mapgen: preview: %w", err)
	}
	defer f.Close()
	sheet, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("mapgen: preview: %s: %w", tilesetPNG, err)
	}
	cols := sheet.Bounds().Dx() / 16
	full := image.NewNRGBA(image.Rect(0, 0, m.w*16, m.h*16))
	for _, layer := range [][]uint32{m.ground, m.deco} {
		for i, gid := range layer {
			if gid == 0 {
				continue
			}
			id := int(gid - 1)
			src := image.Rect(id%cols*16, id/cols*16, id%cols*16+16, id/cols*16+16)
			dst := image.Rect(i%m.w*16, i/m.w*16, i%m.w*16+16, i/m.w*16+16)
			draw.Draw(full, dst, sheet, src.Min, draw.Over)
		}
	}
	out := image.Image(full)
	if shrink > 0 {
		k := 1 << shrink
		small := image.NewNRGBA(image.Rect(0, 0, m.w*16/k, m.h*16/k))
		for y := range small.Bounds().Dy() {
			for x := range small.Bounds().Dx() {
				small.Set(x, y, full.At(x*k+k/2, y*k+k/2))
			}
		}
		out = small
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("mapgen: preview: %w", err)
	}
	w, err := os.Create(filepath.Join(dir, m.name+".png"))
	if err != nil {
		return fmt.Errorf("mapgen: preview: %w", err)
	}
	if err := png.Encode(w, out); err != nil {
		w.Close()
		return fmt.Errorf("mapgen: preview: %w", err)
	}
	return w.Close()
}
