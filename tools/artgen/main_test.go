package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
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
	if len(files) != 12 {
		t.Errorf("artgen wrote %d files, want 12: %v", len(files), files)
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
	for _, name := range []string{"tiles/tileset.png", "sprites/characters.png", "sprites/mobs.png", "sprites/boss.png", "sprites/effects.png", "sprites/ui.png"} {
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

// generate runs artgen into a temporary directory and returns it.
func generate(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	if err := run(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// readSheet decodes out/sprites/<name>.json into index and returns the
// image it names.
func readSheet(t *testing.T, out, name string, index any) image.Image {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "sprites", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, index); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	var img struct {
		Image string `json:"image"`
	}
	if err := json.Unmarshal(data, &img); err != nil || img.Image != name+".png" {
		t.Fatalf("%s.json names image %q (%v), want %q", name, img.Image, err, name+".png")
	}
	f, err := os.Open(filepath.Join(out, "sprites", img.Image))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", img.Image, err)
	}
	return m
}

// figure returns how many fully opaque pixels r of img holds and the
// bounds of those pixels.
func figure(img image.Image, r image.Rectangle) (n int, bounds image.Rectangle) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a == 0xffff {
				n++
				bounds = bounds.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return n, bounds
}

// samePixels reports whether rectangles a and b of img hold the same pixels.
func samePixels(img image.Image, a, b image.Rectangle) bool {
	for y := range a.Dy() {
		for x := range a.Dx() {
			if img.At(a.Min.X+x, a.Min.Y+y) != img.At(b.Min.X+x, b.Min.Y+y) {
				return false
			}
		}
	}
	return true
}

// TestSpriteSheetsHaveEveryNamedFrame decodes the written character,
// monster and boss sheets and checks their indexes list the sprites the
// game uses, that the image is exactly as large as the index says, and
// that every frame of every sprite and direction has a figure in it, the
// attack and dead frames differing from idle.
func TestSpriteSheetsHaveEveryNamedFrame(t *testing.T) {
	out := generate(t)
	tests := []struct {
		sheet          string
		frameW, frameH int
		sprites        []string
		directions     []string
		minHeight      int // of the idle figure, in pixels
	}{
		{"characters", 16, 24, []string{"knight", "rogue", "wizard"}, []string{"down", "left", "right", "up"}, 16},
		{"mobs", 16, 16, []string{"rat", "wolf", "skeleton", "slime", "goblin_archer", "villager", "elder"}, []string{"left", "right"}, 5},
		{"boss", 32, 32, []string{"bone_lord"}, []string{"left", "right"}, 28},
	}
	for _, tt := range tests {
		t.Run(tt.sheet, func(t *testing.T) {
			var idx struct {
				FrameWidth, FrameHeight  int
				AnchorX, AnchorY         int
				Sprites, Directions      []string
				Idle, Walk, Attack, Dead []int
				WalkFrameMs              int
			}
			img := readSheet(t, out, tt.sheet, &idx)
			if idx.FrameWidth != tt.frameW || idx.FrameHeight != tt.frameH {
				t.Fatalf("frames are %dx%d, want %dx%d", idx.FrameWidth, idx.FrameHeight, tt.frameW, tt.frameH)
			}
			if !slices.Equal(idx.Sprites, tt.sprites) || !slices.Equal(idx.Directions, tt.directions) {
				t.Fatalf("sprites %q directions %q, want %q and %q", idx.Sprites, idx.Directions, tt.sprites, tt.directions)
			}
			if len(idx.Idle) != 1 || len(idx.Walk) == 0 || len(idx.Attack) != 1 || len(idx.Dead) != 1 || idx.WalkFrameMs <= 0 {
				t.Fatalf("index lists idle %v walk %v attack %v dead %v walkFrameMs %d, want one idle, attack and dead frame and a walk cycle", idx.Idle, idx.Walk, idx.Attack, idx.Dead, idx.WalkFrameMs)
			}
			if idx.AnchorX < 0 || idx.AnchorX >= tt.frameW || idx.AnchorY < 0 || idx.AnchorY >= tt.frameH {
				t.Errorf("anchor (%d,%d) lies outside a frame", idx.AnchorX, idx.AnchorY)
			}
			frames := slices.Concat(idx.Idle, idx.Walk, idx.Attack, idx.Dead)
			cols, rows := slices.Max(frames)+1, len(idx.Sprites)*len(idx.Directions)
			if b := img.Bounds(); b.Dx() != cols*tt.frameW || b.Dy() != rows*tt.frameH {
				t.Fatalf("image is %dx%d, want %dx%d for %d columns and %d rows", b.Dx(), b.Dy(), cols*tt.frameW, rows*tt.frameH, cols, rows)
			}
			cell := func(row, col int) image.Rectangle {
				return image.Rect(col*tt.frameW, row*tt.frameH, (col+1)*tt.frameW, (row+1)*tt.frameH)
			}
			for s, sprite := range idx.Sprites {
				for d, dir := range idx.Directions {
					row := s*len(idx.Directions) + d
					for _, col := range frames {
						if n, _ := figure(img, cell(row, col)); n < 12 {
							t.Errorf("%s facing %s, frame %d: %d opaque pixels, want a figure", sprite, dir, col, n)
						}
					}
					idle, attack, dead := cell(row, idx.Idle[0]), cell(row, idx.Attack[0]), cell(row, idx.Dead[0])
					if samePixels(img, idle, attack) || samePixels(img, idle, dead) || samePixels(img, attack, dead) {
						t.Errorf("%s facing %s: idle, attack and dead frames are not all different", sprite, dir)
					}
					if _, b := figure(img, idle); b.Dy() < tt.minHeight {
						t.Errorf("%s facing %s stands %d px tall, want at least %d", sprite, dir, b.Dy(), tt.minHeight)
					}
				}
			}
		})
	}
}

// TestEffectsSheetHasEveryEffect decodes effects.json and effects.png and
// checks every effect the game plays is there, in its row, with the
// frames the index promises, each holding a drawing that differs from the
// effect's other frames.
func TestEffectsSheetHasEveryEffect(t *testing.T) {
	var idx struct {
		FrameWidth, FrameHeight int
		AnchorX, AnchorY        int
		Effects                 []struct {
			Name                 string
			Row, Frames, FrameMs int
			Loop, Rotate         bool
		}
	}
	img := readSheet(t, generate(t), "effects", &idx)
	want := []struct {
		name   string
		frames int
		rotate bool
	}{
		{"arrow", 1, true}, {"magic_bolt", 2, true}, {"mending_bolt", 2, true}, {"fireball", 3, true},
		{"sword_slash", 3, true}, {"hit_flash", 3, false}, {"level_up", 4, false}, {"heal", 3, false},
		{"telegraph", 1, false}, {"death_puff", 4, false},
	}
	if idx.FrameWidth != 16 || idx.FrameHeight != 16 || idx.AnchorX != 8 || idx.AnchorY != 8 {
		t.Errorf("frames %dx%d anchored at (%d,%d), want 16x16 at (8,8)", idx.FrameWidth, idx.FrameHeight, idx.AnchorX, idx.AnchorY)
	}
	if len(idx.Effects) != len(want) {
		t.Fatalf("index lists %d effects, want %d", len(idx.Effects), len(want))
	}
	if b := img.Bounds(); b.Dx() != 4*idx.FrameWidth || b.Dy() != len(want)*idx.FrameHeight {
		t.Errorf("image is %dx%d, want %dx%d", b.Dx(), b.Dy(), 4*idx.FrameWidth, len(want)*idx.FrameHeight)
	}
	for i, e := range idx.Effects {
		w := want[i]
		if e.Name != w.name || e.Row != i || e.Frames != w.frames || e.Rotate != w.rotate || e.FrameMs <= 0 {
			t.Errorf("effect %d = %+v, want %s in row %d with %d frames, rotate %v", i, e, w.name, i, w.frames, w.rotate)
			continue
		}
		var cells []image.Rectangle
		for f := range e.Frames {
			r := image.Rect(f*idx.FrameWidth, e.Row*idx.FrameHeight, (f+1)*idx.FrameWidth, (e.Row+1)*idx.FrameHeight)
			if !r.In(img.Bounds()) {
				t.Errorf("%s frame %d lies outside the image", e.Name, f)
				continue
			}
			if n, _ := figure(img, r); n < 6 {
				t.Errorf("%s frame %d has %d opaque pixels, want a drawing", e.Name, f, n)
			}
			for j, c := range cells {
				if samePixels(img, c, r) {
					t.Errorf("%s frames %d and %d are the same", e.Name, j, f)
				}
			}
			cells = append(cells, r)
		}
	}
}

// TestUISheetHasEveryIcon decodes ui.json and ui.png and checks every icon
// the HUD uses has its own 16x16 rectangle inside the image with a drawing
// in it.
func TestUISheetHasEveryIcon(t *testing.T) {
	var idx struct {
		Icons map[string][4]int
	}
	img := readSheet(t, generate(t), "ui", &idx)
	want := []string{
		"heart", "heart_empty", "mana", "mana_empty", "coin",
		"icon_sword_swing", "icon_shield_bash", "icon_second_wind", "icon_bow_shot", "icon_multishot",
		"icon_dash", "icon_wand_bolt", "icon_mending_bolt", "icon_fireball", "skull", "xp_star",
	}
	if len(idx.Icons) != len(want) {
		t.Errorf("index has %d icons, want %d", len(idx.Icons), len(want))
	}
	seen := map[[4]int]string{}
	for _, name := range want {
		v, ok := idx.Icons[name]
		if !ok {
			t.Errorf("icon %q is missing", name)
			continue
		}
		r := image.Rect(v[0], v[1], v[0]+v[2], v[1]+v[3])
		if r.Dx() != 16 || r.Dy() != 16 || !r.In(img.Bounds()) {
			t.Errorf("icon %q at %v: want 16x16 inside the %v image", name, r, img.Bounds())
			continue
		}
		if other, dup := seen[v]; dup {
			t.Errorf("icons %q and %q share %v", other, name, r)
		}
		seen[v] = name
		if n, _ := figure(img, r); n < 20 {
			t.Errorf("icon %q has %d opaque pixels, want a drawing", name, n)
		}
	}
}
