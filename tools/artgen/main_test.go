package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedArtIsUpToDate regenerates the art into a temporary directory
// and compares it byte for byte with the committed files under assets/, so
// a change to the drawing code cannot land without its output (run go run
// ./tools/artgen from the repository root to refresh them).
func TestCommittedArtIsUpToDate(t *testing.T) {
	out := t.TempDir()
	if err := run(out); err != nil {
		t.Fatal(err)
	}
	var files []string
	err := filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 8 {
		t.Errorf("artgen wrote %d files, want 8: %v", len(files), files)
	}
	for _, f := range files {
		rel, _ := filepath.Rel(out, f)
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "assets", rel))
		if err != nil {
			t.Errorf("%v (run go run ./tools/artgen)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("assets/%s is out of date (run go run ./tools/artgen)", filepath.ToSlash(rel))
		}
	}
}

// TestArtUsesThePalette checks every sheet is a paletted image limited to
// artgen's palette, with transparent pixels where nothing is drawn.
func TestArtUsesThePalette(t *testing.T) {
	out := t.TempDir()
	if err := run(out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"tiles/tileset.png", "sprites/characters.png", "sprites/mobs.png", "sprites/ui.png"} {
		f, err := os.Open(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p, ok := img.(*image.Paletted)
		if !ok {
			t.Fatalf("%s decodes as %T, want *image.Paletted", name, img)
		}
		if len(p.Palette) > numColours {
			t.Errorf("%s has %d colours, want at most %d", name, len(p.Palette), numColours)
		}
		if _, _, _, a := p.At(0, 0).RGBA(); name != "tiles/tileset.png" && a != 0 {
			t.Errorf("%s: top-left pixel is opaque, want a transparent background", name)
		}
	}
}
