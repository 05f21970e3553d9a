package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"slices"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// sheetIndex is the JSON index of a sprite sheet (sprites/characters.json,
// mobs.json, boss.json): frames of one size, one row per sprite and
// direction (row = sprite × len(Directions) + direction), a column per
// frame. Attack and Dead are optional: without them an entity striking or
// dead is drawn idle.
type sheetIndex struct {
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
	Attack      []int    `json:"attack"`
	Dead        []int    `json:"dead"`
}

// directionAims are the aims (protocol.Input.Aim) of the directions a sheet
// may list.
var directionAims = map[string]uint8{"right": 0, "down": 64, "left": 128, "up": 192}

// pose is what an entity is doing, which picks its frames.
type pose int

const (
	poseIdle pose = iota
	poseWalk
	poseAttack
	poseDead
)

// spriteSheet is a loaded sheet.
type spriteSheet struct {
	sheetIndex
	img *ebiten.Image
}

// loadSheet reads sprites/<name>.json and the image it names from assets.
func loadSheet(assets fs.FS, name string) (*spriteSheet, error) {
	path := "sprites/" + name + ".json"
	data, err := fs.ReadFile(assets, path)
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	s := &spriteSheet{}
	if err := json.Unmarshal(data, &s.sheetIndex); err != nil {
		return nil, fmt.Errorf("ui: %s: %w", path, err)
	}
	if s.FrameWidth <= 0 || s.FrameHeight <= 0 || len(s.Sprites) == 0 || len(s.Idle) == 0 || len(s.Walk) == 0 || s.WalkFrameMs <= 0 {
		return nil, fmt.Errorf("ui: %s: incomplete index", path)
	}
	for _, d := range s.Directions {
		if _, ok := directionAims[d]; !ok {
			return nil, fmt.Errorf("ui: %s: unknown direction %q", path, d)
		}
	}
	if len(s.Directions) == 0 {
		return nil, fmt.Errorf("ui: %s: no directions", path)
	}
	if s.img, err = loadImage(assets, "sprites/"+s.Image); err != nil {
		return nil, err
	}
	rows := len(s.Sprites) * len(s.Directions)
	cols := slices.Max(slices.Concat(s.Idle, s.Walk, s.Attack, s.Dead)) + 1
	if b := s.img.Bounds(); b.Dy() < rows*s.FrameHeight || b.Dx() < cols*s.FrameWidth {
		return nil, fmt.Errorf("ui: sprites/%s is %dx%d, too small for %dx%d frames of %dx%d px",
			s.Image, b.Dx(), b.Dy(), cols, rows, s.FrameWidth, s.FrameHeight)
	}
	return s, nil
}

// direction returns the index of the sheet's direction nearest to aim.
func (s *spriteSheet) direction(aim uint8) int {
	best, bestDist := 0, 256
	for i, d := range s.Directions {
		diff := int(aim - directionAims[d])
		if dist := min(diff, 256-diff); dist < bestDist {
			best, bestDist = i, dist
		}
	}
	return best
}

// frame returns sprite index sprite's frame looking towards aim in pose p,
// ms milliseconds into its walk cycle.
func (s *spriteSheet) frame(sprite int, aim uint8, p pose, ms int64) *ebiten.Image {
	row := sprite*len(s.Directions) + s.direction(aim)
	col := s.Idle[0]
	switch {
	case p == poseWalk:
		col = s.Walk[max(ms, 0)/int64(s.WalkFrameMs)%int64(len(s.Walk))]
	case p == poseAttack && len(s.Attack) > 0:
		col = s.Attack[0]
	case p == poseDead && len(s.Dead) > 0:
		col = s.Dead[0]
	}
	r := image.Rect(col*s.FrameWidth, row*s.FrameHeight, (col+1)*s.FrameWidth, (row+1)*s.FrameHeight)
	return s.img.SubImage(r).(*ebiten.Image)
}

// sprites holds every sheet the client draws with: the classes, the
// monsters and NPCs (and the bosses, in a sheet of bigger frames), the
// effects and the icons. Sheets beyond the classes' are optional: what is
// missing is drawn with simple shapes.
type sprites struct {
	chars *spriteSheet
	npcs  []*spriteSheet
	fx    *effectSheet // nil without sprites/effects.json
	icons *iconSheet
	// byName finds each sprite's sheet and index; the first sheet that
	// has a name draws it.
	byName map[string]spriteRef
}

// spriteRef is a sprite's sheet and index in it.
type spriteRef struct {
	sheet *spriteSheet
	index int
}

// loadSprites reads every sheet from assets.
func loadSprites(assets fs.FS) (*sprites, error) {
	chars, err := loadSheet(assets, "characters")
	if err != nil {
		return nil, err
	}
	for _, c := range api.Classes {
		if !slices.Contains(chars.Sprites, string(c)) {
			return nil, fmt.Errorf("ui: sprites/characters.json has no %s", c)
		}
	}
	s := &sprites{chars: chars}
	for _, name := range []string{"mobs", "boss"} {
		sh, err := loadSheet(assets, name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, err
		default:
			s.npcs = append(s.npcs, sh)
		}
	}
	s.byName = map[string]spriteRef{}
	for _, sh := range append([]*spriteSheet{s.chars}, s.npcs...) {
		for i, name := range sh.Sprites {
			if _, ok := s.byName[name]; !ok {
				s.byName[name] = spriteRef{sh, i}
			}
		}
	}
	if s.fx, err = loadEffects(assets); err != nil {
		return nil, err
	}
	if s.icons, err = loadIcons(assets); err != nil {
		return nil, err
	}
	return s, nil
}

// sheetOf returns the sheet that draws an entity of sprite sp, and the
// sprite's index in it; nil if none does.
func (s *sprites) sheetOf(sp protocol.Sprite) (*spriteSheet, int) {
	if r, ok := s.byName[spriteName(sp)]; ok {
		return r.sheet, r.index
	}
	return nil, -1
}

// drawClass draws class facing the player at the largest whole-number
// scale that fits in box, centred, so the pixel art stays crisp; walking at
// tick (60 per second) when walking is set.
func (s *sprites) drawClass(dst *ebiten.Image, class api.Class, box image.Rectangle, tick uint64, walking bool) {
	sh := s.chars
	i := slices.Index(sh.Sprites, string(class))
	if i < 0 {
		return
	}
	p := poseIdle
	if walking {
		p = poseWalk
	}
	fr := sh.frame(i, protocol.DirS.Aim(), p, int64(tick*1000/60))
	k := max(1, min(box.Dx()/sh.FrameWidth, box.Dy()/sh.FrameHeight))
	w, h := sh.FrameWidth*k, sh.FrameHeight*k
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Scale(float64(k), float64(k))
	op.GeoM.Translate(float64(box.Min.X+(box.Dx()-w)/2), float64(box.Min.Y+(box.Dy()-h)/2))
	dst.DrawImage(fr, op)
}

// effectIndex is sprites/effects.json: square frames around an anchor, a
// row per effect.
type effectIndex struct {
	Image       string      `json:"image"`
	FrameWidth  int         `json:"frameWidth"`
	FrameHeight int         `json:"frameHeight"`
	AnchorX     int         `json:"anchorX"`
	AnchorY     int         `json:"anchorY"`
	Effects     []effectRow `json:"effects"`
}

// effectRow is one effect: frames 0 to Frames−1 of row Row, FrameMs each;
// Loop repeats them while the effect lasts (else they play once), and
// Rotate means it is drawn facing east, to be turned to its direction.
type effectRow struct {
	Name    string `json:"name"`
	Row     int    `json:"row"`
	Frames  int    `json:"frames"`
	FrameMs int    `json:"frameMs"`
	Loop    bool   `json:"loop"`
	Rotate  bool   `json:"rotate"`
}

// effectSheet is the loaded effects sheet.
type effectSheet struct {
	effectIndex
	img    *ebiten.Image
	byName map[string]effectRow
}

// loadEffects reads sprites/effects.json; nil, nil when there is none.
func loadEffects(assets fs.FS) (*effectSheet, error) {
	const path = "sprites/effects.json"
	data, err := fs.ReadFile(assets, path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	s := &effectSheet{byName: map[string]effectRow{}}
	if err := json.Unmarshal(data, &s.effectIndex); err != nil {
		return nil, fmt.Errorf("ui: %s: %w", path, err)
	}
	if s.FrameWidth <= 0 || s.FrameHeight <= 0 {
		return nil, fmt.Errorf("ui: %s: no frame size", path)
	}
	if s.img, err = loadImage(assets, "sprites/"+s.Image); err != nil {
		return nil, err
	}
	b := s.img.Bounds()
	for _, e := range s.Effects {
		if e.Frames <= 0 || e.FrameMs <= 0 || (e.Row+1)*s.FrameHeight > b.Dy() || e.Frames*s.FrameWidth > b.Dx() {
			return nil, fmt.Errorf("ui: %s: effect %q does not fit its image", path, e.Name)
		}
		s.byName[e.Name] = e
	}
	return s, nil
}

// frame returns the frame of the named effect ms milliseconds after it
// began, and whether it has one then: a non-looping effect ends after its
// last frame.
func (s *effectSheet) frame(name string, ms int64) (*ebiten.Image, effectRow, bool) {
	if s == nil {
		return nil, effectRow{}, false
	}
	e, ok := s.byName[name]
	if !ok || ms < 0 {
		return nil, e, false
	}
	n := ms / int64(e.FrameMs)
	if e.Loop {
		n %= int64(e.Frames)
	} else if n >= int64(e.Frames) {
		return nil, e, false
	}
	col := int(n)
	r := image.Rect(col*s.FrameWidth, e.Row*s.FrameHeight, (col+1)*s.FrameWidth, (e.Row+1)*s.FrameHeight)
	return s.img.SubImage(r).(*ebiten.Image), e, true
}

// iconSheet is sprites/ui.json: named icons, each an [x, y, width, height]
// rectangle of one image.
type iconSheet struct {
	img   *ebiten.Image
	icons map[string]*ebiten.Image
}

// loadIcons reads sprites/ui.json and its image.
func loadIcons(assets fs.FS) (*iconSheet, error) {
	const path = "sprites/ui.json"
	data, err := fs.ReadFile(assets, path)
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	var idx struct {
		Image string           `json:"image"`
		Icons map[string][]int `json:"icons"`
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("ui: %s: %w", path, err)
	}
	s := &iconSheet{icons: map[string]*ebiten.Image{}}
	if s.img, err = loadImage(assets, "sprites/"+idx.Image); err != nil {
		return nil, err
	}
	for name, r := range idx.Icons {
		if len(r) != 4 {
			return nil, fmt.Errorf("ui: %s: icon %q is not [x, y, width, height]", path, name)
		}
		rect := image.Rect(r[0], r[1], r[0]+r[2], r[1]+r[3])
		if rect.Empty() || !rect.In(s.img.Bounds()) {
			return nil, fmt.Errorf("ui: %s: icon %q lies outside its image", path, name)
		}
		s.icons[name] = s.img.SubImage(rect).(*ebiten.Image)
	}
	return s, nil
}

// abilityIcons lists, for each player ability, the icons that may show it,
// best first.
var abilityIcons = map[rules.AbilityID][]string{
	rules.SwordSwing:  {"icon_sword_swing"},
	rules.ShieldBash:  {"icon_shield_bash"},
	rules.SecondWind:  {"icon_second_wind"},
	rules.BowShot:     {"icon_bow_shot"},
	rules.Multishot:   {"icon_multishot"},
	rules.Snipe:       {"icon_snipe", "icon_bow_shot"},
	rules.WandBolt:    {"icon_wand_bolt"},
	rules.MendingBolt: {"icon_mending_bolt"},
	rules.Fireball:    {"icon_fireball"},
}

// ability returns the icon of ability id, or nil if there is none.
func (s *iconSheet) ability(id rules.AbilityID) *ebiten.Image {
	for _, name := range abilityIcons[id] {
		if img, ok := s.icons[name]; ok {
			return img
		}
	}
	return nil
}
