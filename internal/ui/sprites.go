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
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// characterSheet is sprites/characters.json: the classes' frames in one
// image, one row per class and direction.
type characterSheet struct {
	Image       string   `json:"image"`
	FrameWidth  int      `json:"frameWidth"`
	FrameHeight int      `json:"frameHeight"`
	AnchorX     int      `json:"anchorX"` // the feet point within a frame
	AnchorY     int      `json:"anchorY"`
	Sprites     []string `json:"sprites"`
	Directions  []string `json:"directions"`
	Idle        []int    `json:"idle"`
	Walk        []int    `json:"walk"`
	WalkFrameMs int      `json:"walkFrameMs"`
}

// facing is the way a sprite looks, as the sheet draws it.
type facing int

// Facings, in the order the sheet's directions must be listed.
const (
	faceDown facing = iota
	faceLeft
	faceRight
	faceUp
)

// sheetDirections is the direction order characters.json must have.
var sheetDirections = []string{"down", "left", "right", "up"}

// facingOf returns the facing nearest to aim (protocol.Input.Aim: 1/256
// turns clockwise from east).
func facingOf(aim uint8) facing {
	return [...]facing{faceRight, faceDown, faceLeft, faceUp}[(int(aim)+32)/64%4]
}

// spriteName returns the sheet name of an entity's sprite, or "" for one
// the client cannot draw.
func spriteName(s protocol.Sprite) string {
	switch s {
	case protocol.SpriteKnight:
		return string(api.ClassKnight)
	case protocol.SpriteRogue:
		return string(api.ClassRogue)
	case protocol.SpriteWizard:
		return string(api.ClassWizard)
	}
	return ""
}

// classSprites draws the playable classes: in the world, and as previews on
// the character screens.
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
	if !slices.Equal(sh.Directions, sheetDirections) {
		return nil, fmt.Errorf("ui: sprites/characters.json: directions %q, want %q", sh.Directions, sheetDirections)
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
	cols := slices.Max(append(slices.Clone(sh.Idle), sh.Walk...)) + 1
	if b := img.Bounds(); b.Dy() < rows*sh.FrameHeight || b.Dx() < cols*sh.FrameWidth {
		return nil, fmt.Errorf("ui: sprites/%s is %dx%d, too small for %dx%d frames of %dx%d px",
			sh.Image, b.Dx(), b.Dy(), cols, rows, sh.FrameWidth, sh.FrameHeight)
	}
	s.img = ebiten.NewImageFromImage(img)
	return &s, nil
}

// frame returns the frame of the named sprite looking towards f, at ms
// milliseconds into its walk cycle, or idle when walking is false. It
// returns nil for a sprite the sheet does not have.
func (s *classSprites) frame(sprite string, f facing, walking bool, ms int64) *ebiten.Image {
	sh := s.sheet
	row := slices.Index(sh.Sprites, sprite)
	if row < 0 {
		return nil
	}
	row = row*len(sh.Directions) + int(f)
	col := sh.Idle[0]
	if walking {
		col = sh.Walk[max(ms, 0)/int64(sh.WalkFrameMs)%int64(len(sh.Walk))]
	}
	r := image.Rect(col*sh.FrameWidth, row*sh.FrameHeight, (col+1)*sh.FrameWidth, (row+1)*sh.FrameHeight)
	return s.img.SubImage(r).(*ebiten.Image)
}

// draw draws class facing the player at the largest whole-number scale that
// fits in box, centred, so the pixel art stays crisp; walking at tick (60
// per second) when walking is set.
func (s *classSprites) draw(dst *ebiten.Image, class api.Class, box image.Rectangle, tick uint64, walking bool) {
	fr := s.frame(string(class), faceDown, walking, int64(tick*1000/60))
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
