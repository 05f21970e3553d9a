package ui

import (
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"slices"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/api"
)

// characterSheet is sprites/characters.json: the classes' frames in one
// image, one row per class and direction.
type characterSheet struct {
	Image       string   `json:"image"`
	FrameWidth  int      `json:"frameWidth"`
	FrameHeight int      `json:"frameHeight"`
	Sprites     []string `json:"sprites"`
	Directions  []string `json:"directions"`
	Idle        []int    `json:"idle"`
	Walk        []int    `json:"walk"`
	WalkFrameMs int      `json:"walkFrameMs"`
}

// classSprites draws the playable classes, for the character screens'
// previews.
type classSprites struct {
	sheet characterSheet
	img   *ebiten.Image
}

// loadClassSprites reads sprites/characters.png and its index from assets.
func loadClassSprites(assets fs.FS) (*classSprites, error) {
	data, err := fs.ReadFile(assets, "sprites/characters.json")
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	var s classSprites
	if err := json.Unmarshal(data, &s.sheet); err != nil {
		return nil, fmt.Errorf("ui: sprites/characters.json: %w", err)
	}
	sh := s.sheet
	if sh.FrameWidth <= 0 || sh.FrameHeight <= 0 || len(sh.Idle) == 0 || len(sh.Walk) == 0 || sh.WalkFrameMs <= 0 {
		return nil, fmt.Errorf("ui: sprites/characters.json: incomplete index")
	}
	f, err := assets.Open("sprites/" + sh.Image)
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("ui: sprites/%s: %w", sh.Image, err)
	}
	rows := len(sh.Sprites) * len(sh.Directions)
	if b := img.Bounds(); b.Dy() < rows*sh.FrameHeight {
		return nil, fmt.Errorf("ui: sprites/%s is %dx%d, too small for %d rows of %d px", sh.Image, b.Dx(), b.Dy(), rows, sh.FrameHeight)
	}
	s.img = ebiten.NewImageFromImage(img)
	return &s, nil
}

// frame returns the frame of class walking down (towards the player) at
// tick (60 per second), or idle when walking is false. It returns nil for a
// class the sheet does not have.
func (s *classSprites) frame(class api.Class, tick uint64, walking bool) *ebiten.Image {
	sh := s.sheet
	row := slices.Index(sh.Sprites, string(class))
	if row < 0 {
		return nil
	}
	row *= len(sh.Directions) // direction 0: down
	col := sh.Idle[0]
	if walking {
		step := tick * 1000 / 60 / uint64(sh.WalkFrameMs)
		col = sh.Walk[step%uint64(len(sh.Walk))]
	}
	r := image.Rect(col*sh.FrameWidth, row*sh.FrameHeight, (col+1)*sh.FrameWidth, (row+1)*sh.FrameHeight)
	return s.img.SubImage(r).(*ebiten.Image)
}

// draw draws class at the largest whole-number scale that fits in box,
// centred, so the pixel art stays crisp.
func (s *classSprites) draw(dst *ebiten.Image, class api.Class, box image.Rectangle, tick uint64, walking bool) {
	fr := s.frame(class, tick, walking)
	if fr == nil {
		return
	}
	k := max(1, min(box.Dx()/s.sheet.FrameWidth, box.Dy()/s.sheet.FrameHeight))
	w, h := s.sheet.FrameWidth*k, s.sheet.FrameHeight*k
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Scale(float64(k), float64(k))
	op.GeoM.Translate(float64(box.Min.X+(box.Dx()-w)/2), float64(box.Min.Y+(box.Dy()-h)/2))
	dst.DrawImage(fr, op)
}
