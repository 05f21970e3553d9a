package ui

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// hud draws the game's heads-up display over the world: the character's
// panel (name, level, health, mana, experience), the ability bar, and
// notices. It belongs to the game goroutine.
type hud struct {
	theme *theme
	icons *iconSheet
	// panel is the character's panel and slots the ability bar's slots,
	// in device pixels, as layout placed them.
	panel image.Rectangle
	slots [client.Slots]image.Rectangle
}

// slotKeys are the keys the ability bar shows under each slot.
var slotKeys = [client.Slots]string{"Space", "1", "2"}

// layout places the panel under top, the top bar, and the ability bar at
// the bottom middle of a w×h window.
func (h *hud) layout(w, hgt int, top image.Rectangle) {
	t := h.theme
	h.panel = image.Rect(t.px(10), top.Max.Y+t.px(10), t.px(10+230), top.Max.Y+t.px(10+110))
	size, gap := t.px(48), t.px(10)
	x := w/2 - (client.Slots*size+(client.Slots-1)*gap)/2
	y := hgt - t.px(22) - size
	for i := range h.slots {
		h.slots[i] = image.Rect(x, y, x+size, y+size)
		x += size + gap
	}
}

// onHUD reports whether p lies on the panel or the ability bar, where a
// click is not an attack.
func (h *hud) onHUD(p image.Point) bool {
	if p.In(h.panel) {
		return true
	}
	for _, r := range h.slots {
		if p.In(r) {
			return true
		}
	}
	return false
}

// drawPanel draws the character's panel: name, level and class, then
// health, mana and experience from the world's vitals.
func (h *hud) drawPanel(dst *ebiten.Image, name string, class api.Class, v client.Vitals) {
	t := h.theme
	r := h.panel
	fillRound(dst, r, float32(t.px(8)), withAlpha(colPanel, 0xd8))
	pad := t.px(10)
	drawText(dst, name, t.face(sizeBody, true), float64(r.Min.X+pad), float64(r.Min.Y+pad), colText, alignLeft)
	drawText(dst, fmt.Sprintf("Lv %d %s", max(v.Level, 1), capitalize(string(class))), t.face(sizeSmall, false),
		float64(r.Max.X-pad), float64(r.Min.Y+pad+t.px(2)), colMuted, alignRight)
	bar := image.Rect(r.Min.X+pad, r.Min.Y+t.px(34), r.Max.X-pad, r.Min.Y+t.px(34+18))
	h.meter(dst, bar, fmt.Sprintf("HP %d / %d", v.HP, v.MaxHP), v.HP, v.MaxHP, colDanger)
	bar = bar.Add(image.Pt(0, t.px(24)))
	h.meter(dst, bar, fmt.Sprintf("MP %d / %d", v.MP, v.MaxMP), v.MP, v.MaxMP, colAccent)
	bar = image.Rect(bar.Min.X, bar.Max.Y+t.px(8), bar.Max.X, bar.Max.Y+t.px(8+14))
	next := int64(rules.XPToNext(int(v.Level)))
	h.meter(dst, bar, fmt.Sprintf("XP %d / %d", v.XP, next), v.XP, next, colGold)
}

// meter draws a bar filled to v of most, labelled.
func (h *hud) meter(dst *ebiten.Image, r image.Rectangle, label string, v, most int64, fill color.RGBA) {
	t := h.theme
	fillRound(dst, r, float32(t.px(4)), colField)
	if most > 0 && v > 0 {
		f := r
		f.Max.X = r.Min.X + int(int64(r.Dx())*min(v, most)/most)
		fillRound(dst, f, float32(t.px(4)), fill)
	}
	drawTextIn(dst, label, t.face(sizeSmall, true), r, colText)
}

// drawBar draws the ability bar: each slot with its key.
func (h *hud) drawBar(dst *ebiten.Image, slots *[client.Slots]sceneSlot) {
	t := h.theme
	face := t.face(sizeSmall-2, true)
	for i, r := range h.slots {
		back := image.Rect(r.Min.X-t.px(3), r.Min.Y-t.px(3), r.Max.X+t.px(3), r.Max.Y+t.px(17))
		fillRound(dst, back, float32(t.px(8)), withAlpha(colPanel, 0xd8))
		h.drawSlot(dst, r, &slots[i], false)
		strokeRound(dst, r, float32(t.px(6)), float32(t.px(1)), colPanelEdge)
		drawText(dst, slotKeys[i], face, float64(r.Min.X+r.Max.X)/2, float64(r.Max.Y+t.px(1)), colText, alignCenter)
	}
}

// drawSlot draws an ability in r (a circle in it when round): its icon,
// greyed when the player cannot afford it or is dead, its mana cost, the
// sweep of its cooldown with the seconds left, and how far the bow has
// charged.
func (h *hud) drawSlot(dst *ebiten.Image, r image.Rectangle, sl *sceneSlot, round bool) {
	t := h.theme
	a := sl.ability
	if a == nil {
		return
	}
	var tint ebiten.ColorScale
	if !sl.usable {
		tint.Scale(0.35, 0.35, 0.45, 1)
	}
	if icon := h.icons.ability(a.ID); icon != nil {
		b := icon.Bounds()
		k := float64(min(r.Dx(), r.Dy())) / float64(max(b.Dx(), b.Dy()))
		if whole := math.Floor(k); whole >= 1 {
			k = whole // crisp pixels
		}
		op := &ebiten.DrawImageOptions{}
		op.GeoM.Scale(k, k)
		op.GeoM.Translate(float64(r.Min.X)+(float64(r.Dx())-k*float64(b.Dx()))/2, float64(r.Min.Y)+(float64(r.Dy())-k*float64(b.Dy()))/2)
		op.ColorScale = tint
		dst.DrawImage(icon, op)
	} else {
		col := colText
		if !sl.usable {
			col = colDim
		}
		drawTextIn(dst, initials(a.Name), t.face(sizeBody, true), r, col)
	}
	if sl.left > 0 && sl.length > 0 {
		fillSweep(dst, r, float64(sl.left)/float64(sl.length), round, withAlpha(colField, 0xb0))
		drawTextIn(dst, fmt.Sprintf("%.1f", sl.leftMs/1000), t.face(sizeSmall, true), r, colText)
	}
	if a.ManaCost > 0 {
		col := colAccentHi
		if !sl.affordable {
			col = colDanger
		}
		drawText(dst, fmt.Sprint(a.ManaCost), t.face(sizeSmall-3, true), float64(r.Max.X-t.px(3)), float64(r.Min.Y+t.px(1)), col, alignRight)
	}
	if sl.charging {
		bar := image.Rect(r.Min.X, r.Min.Y-t.px(8), r.Max.X, r.Min.Y-t.px(3))
		fillRect(dst, float64(bar.Min.X), float64(bar.Min.Y), float64(bar.Dx()), float64(bar.Dy()), colField)
		fillRect(dst, float64(bar.Min.X), float64(bar.Min.Y), float64(bar.Dx())*float64(sl.charge)/100, float64(bar.Dy()), colGold)
	}
}

// initials returns the first letters of name's words, as a slot without
// an icon shows it.
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		b.WriteString(w[:1])
	}
	return b.String()
}

// drawNotice draws a line of text on a panel centred at height y.
func (h *hud) drawNotice(dst *ebiten.Image, line string, y int, col color.RGBA) {
	t := h.theme
	face := t.face(sizeBody, true)
	w := int(textWidth(line, face)) + t.px(32)
	hgt := int(lineHeight(face)) + t.px(16)
	x := dst.Bounds().Dx()/2 - w/2
	r := image.Rect(x, y-hgt/2, x+w, y+hgt/2)
	fillRound(dst, r, float32(t.px(8)), withAlpha(colPanel, 0xe0))
	drawTextIn(dst, line, face, r, col)
}
