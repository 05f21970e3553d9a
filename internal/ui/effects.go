package ui

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// How long the effects of the fighting show.
const (
	// numberTime is how long a damage or heal number floats.
	numberTime = time.Second
	// boltTime is how long a Mending Bolt takes from its caster to the
	// one it heals: the heal is instant, the bolt only shows it.
	boltTime = 250 * time.Millisecond
	// fallbackTime is how long an effect drawn as a shape (no art) shows.
	fallbackTime = 300 * time.Millisecond
	// talkReach is how near, in pixels, the player must stand to a
	// friendly NPC to read what it says.
	talkReach = 48
)

// ageOf returns how long before the moment drawn effect e happened.
func (s *gameScreen) ageOf(e *client.Effect) time.Duration {
	sc := &s.sc
	return time.Duration((sc.at - float64(e.Tick)) * sc.msPerTick * float64(time.Millisecond))
}

// subjectAt returns where the subject of e is drawn, in world pixels (its
// feet), or where it was when e happened if it is no longer in view.
func (s *gameScreen) subjectAt(e *client.Effect) (x, y float64) {
	if e.Subject == 0 {
		return s.sc.own.x, s.sc.own.y
	}
	if se, ok := s.byHandle[e.Subject-1]; ok {
		return se.x, se.y
	}
	p := pixels(e.At)
	return p.X, p.Y
}

// bodyLift is how far above the feet, in pixels, the middle of a body is
// (rules.Centre).
const bodyLift = 6

// drawFx draws frame ms of the named effect of the effects sheet centred
// at world pixel (x, y), turned to aim if the effect turns. Without the
// sheet it draws a disc of col and radius r pixels for fallbackTime.
func (s *gameScreen) drawFx(dst *ebiten.Image, cam camera, name string, ms float64, x, y float64, aim uint8, col color.RGBA, r float64) {
	fx := s.app.sprites.fx
	sx, sy := cam.toScreen(x, y)
	if fx == nil {
		if ms < float64(fallbackTime/time.Millisecond) {
			fillCircle(dst, sx, sy, r*cam.zoom, withAlpha(col, 0xc0))
		}
		return
	}
	fr, row, ok := fx.frame(name, int64(ms))
	if !ok {
		return
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(-float64(fx.AnchorX), -float64(fx.AnchorY))
	if row.Rotate {
		op.GeoM.Rotate(float64(aim) * 2 * math.Pi / 256)
	}
	op.GeoM.Scale(cam.zoom, cam.zoom)
	op.GeoM.Translate(sx, sy)
	dst.DrawImage(fr, op)
}

// drawTelegraphs draws, on the ground, the circle every telegraphed strike
// will land in, filling up until it lands.
func (s *gameScreen) drawTelegraphs(dst *ebiten.Image, cam camera) {
	sc := &s.sc
	for i := range sc.effects {
		e := &sc.effects[i]
		if e.Kind != protocol.EventTelegraph || e.Ticks == 0 {
			continue
		}
		done := (sc.at - float64(e.Tick)) / float64(e.Ticks)
		if done < 0 || done >= 1 {
			continue
		}
		x, y := cam.toScreen(pixels(e.At).X, pixels(e.At).Y)
		r := float64(e.Amount) / rules.SubpixelsPerPixel * cam.zoom
		fillCircle(dst, x, y, r, withAlpha(colDanger, 0x30))
		// The inside grows in eight steps, each drawn once and cached.
		if in := math.Ceil(done*8) / 8 * r; in > 0 {
			fillCircle(dst, x, y, in, withAlpha(colDanger, 0x40))
		}
		strokeCircle(dst, x, y, r, float32(max(1, cam.zoom)), withAlpha(colDanger, 0xd0))
	}
}

// drawEffects draws what happened to the entities: slashes, hits, heals,
// deaths, level-ups, and the player's own slash as soon as it is
// predicted.
func (s *gameScreen) drawEffects(dst *ebiten.Image, cam camera) {
	sc := &s.sc
	if a := sc.struck; a != nil && a.Shape == rules.ShapeMelee && sc.struckMs >= 0 {
		s.drawSlash(dst, cam, sc.own.x, sc.own.y, sc.struckAim, a, sc.struckMs)
	}
	for i := range sc.effects {
		e := &sc.effects[i]
		age := s.ageOf(e)
		if age < 0 {
			continue
		}
		ms := float64(age) / float64(time.Millisecond)
		x, y := s.subjectAt(e)
		switch e.Kind {
		case protocol.EventAction:
			a, ok := rules.AbilityByID(rules.AbilityID(e.Ability))
			switch {
			case !ok:
			case a.Shape == rules.ShapeMelee && e.Subject != 0: // the player's own is drawn as predicted
				s.drawSlash(dst, cam, x, y, e.Aim, a, ms)
			case a.Shape == rules.ShapeAllyHeal && age < boltTime:
				s.drawMendingBolt(dst, cam, i, x, y, ms)
			}
		case protocol.EventHit:
			s.drawFx(dst, cam, "hit_flash", ms, x, y-bodyLift, 0, colText, 4)
		case protocol.EventHeal:
			s.drawFx(dst, cam, "heal", ms, x, y-bodyLift, 0, colGood, 6)
		case protocol.EventDeath:
			s.drawFx(dst, cam, "death_puff", ms, x, y-bodyLift, 0, colDim, 8)
		case protocol.EventLevelUp:
			s.drawFx(dst, cam, "level_up", ms, x, y-bodyLift, 0, colGold, 10)
		}
	}
}

// drawSlash draws a melee ability's slash where it strikes: its reach in
// front of the body of the one at (x, y), ms after it began.
func (s *gameScreen) drawSlash(dst *ebiten.Image, cam camera, x, y float64, aim uint8, a *rules.Ability, ms float64) {
	at := rules.Along(rules.Centre(subpixels(x, y)), aim, a.Reach)
	p := pixels(at)
	s.drawFx(dst, cam, "sword_slash", ms, p.X, p.Y, aim, colText, float64(a.Radius)/rules.SubpixelsPerPixel/2)
}

// drawMendingBolt draws the Mending Bolt of the Action effect sc.effects[i]
// cast from (x, y), ms ago, on its way to the one it healed: the first
// Heal of the same tick.
func (s *gameScreen) drawMendingBolt(dst *ebiten.Image, cam camera, i int, x, y float64, ms float64) {
	sc := &s.sc
	cast := &sc.effects[i]
	for j := range sc.effects {
		h := &sc.effects[j]
		if h.Kind != protocol.EventHeal || h.Tick != cast.Tick {
			continue
		}
		tx, ty := s.subjectAt(h)
		f := ms / float64(boltTime/time.Millisecond)
		bx, by := x+(tx-x)*f, y-bodyLift+(ty-y)*f
		aim := rules.AimAt(subpixels(x, y), subpixels(tx, ty))
		s.drawFx(dst, cam, "mending_bolt", ms, bx, by, aim, colGood, 3)
		return
	}
}

// shotArt names the effect that draws each ability's projectile, and the
// colour of the disc drawn without the art.
var shotArt = map[rules.AbilityID]struct {
	name string
	col  color.RGBA
}{
	rules.BowShot:     {"arrow", colGold},
	rules.Multishot:   {"arrow", colGold},
	rules.Snipe:       {"arrow", colGold},
	rules.GoblinArrow: {"arrow", colGold},
	rules.WandBolt:    {"magic_bolt", colAccentHi},
	rules.Fireball:    {"fireball", colDanger},
}

// drawShots draws the projectiles in flight, turned the way they fly, and
// returns how many it drew.
func (s *gameScreen) drawShots(dst *ebiten.Image, cam camera) int {
	ms := float64(time.Now().UnixMilli() % 1_000_000)
	for _, sh := range s.sc.shots {
		art, ok := shotArt[sh.ability]
		if !ok {
			art.name, art.col = "magic_bolt", colText
		}
		if s.app.sprites.fx == nil {
			x, y := cam.toScreen(sh.x, sh.y)
			fillCircle(dst, x, y, 2*cam.zoom, art.col)
			continue
		}
		s.drawFx(dst, cam, art.name, ms, sh.x, sh.y, sh.aim, art.col, 2)
	}
	return len(s.sc.shots)
}

// Colours of the numbers that float up.
var (
	colDamage    = color.RGBA{0xff, 0x5a, 0x4a, 0xff}
	colOwnDamage = color.RGBA{0xff, 0x2a, 0x2a, 0xff}
	colHealing   = color.RGBA{0x7c, 0xf0, 0x7c, 0xff}
)

// drawNumbers draws the damage (red) and heal (green) numbers floating up
// from those hit and healed, and "Level up!" over those who levelled up;
// it returns how many numbers it drew.
func (s *gameScreen) drawNumbers(dst *ebiten.Image, cam camera) int {
	sc := &s.sc
	n := 0
	for i := range sc.effects {
		e := &sc.effects[i]
		var text string
		var col color.RGBA
		switch e.Kind {
		case protocol.EventHit:
			text, col = fmt.Sprint(e.Amount), colDamage
			if e.Subject == 0 {
				col = colOwnDamage
			}
		case protocol.EventHeal:
			text, col = fmt.Sprintf("+%d", e.Amount), colHealing
		case protocol.EventLevelUp:
			text, col = "Level up!", colGold
		default:
			continue
		}
		age := s.ageOf(e)
		if age < 0 || age >= numberTime {
			continue
		}
		f := float64(age) / float64(numberTime)
		x, y := s.subjectAt(e)
		// Numbers of one moment spread a little, so that they do not
		// cover each other.
		x += float64(i%5-2) * 3
		y -= 22 + 14*f
		img := s.labels.get(s.app.theme, text, col)
		b := img.Bounds()
		sx, sy := cam.toScreen(x, y)
		op := &ebiten.DrawImageOptions{}
		op.GeoM.Translate(math.Round(sx-float64(b.Dx())/2), math.Round(sy-float64(b.Dy())))
		if f > 0.7 {
			op.ColorScale.ScaleAlpha(float32((1 - f) / 0.3))
		}
		dst.DrawImage(img, op)
		if e.Kind != protocol.EventLevelUp {
			n++
		}
	}
	return n
}

// drawBubble draws what the nearest friendly NPC within talkReach of the
// player says, in a bubble over its head.
func (s *gameScreen) drawBubble(dst *ebiten.Image, cam camera) {
	own := &s.sc.own
	var near *sceneEntity
	best := float64(talkReach)
	for _, e := range s.shown {
		if e.kind == nil || e.kind.Hostile || e.kind.Line == "" || e.pose == poseDead {
			continue
		}
		if d := math.Hypot(e.x-own.x, e.y-own.y); d <= best {
			near, best = e, d
		}
	}
	s.says = ""
	if near == nil {
		return
	}
	s.says = near.kind.Line
	s.drawSpeech(dst, cam, near, near.kind.Line)
}

// bubbleRunes is the most characters of a said line a bubble shows.
const bubbleRunes = 80

// drawSays draws what the players in the window said lately in bubbles
// over their heads, cut short when long.
func (s *gameScreen) drawSays(dst *ebiten.Image, cam camera) {
	for _, e := range s.shown {
		if line := truncateRunes(e.says, bubbleRunes); line != "" {
			if line != e.says {
				line += "…"
			}
			s.drawSpeech(dst, cam, e, line)
		}
	}
}

// drawSpeech draws line in a bubble over entity e's head, wrapped to a
// few words a line.
func (s *gameScreen) drawSpeech(dst *ebiten.Image, cam camera, e *sceneEntity, line string) {
	t := s.app.theme
	img := s.bubbles.getWrapped(t, line, colText, float64(t.px(180)))
	b := img.Bounds()
	pad := t.px(8)
	x, y := cam.toScreen(e.x, e.y)
	top := y - 30*cam.zoom - float64(b.Dy()+2*pad)
	left := math.Round(x - float64(b.Dx())/2 - float64(pad))
	box := imageRect(left, top, float64(b.Dx()+2*pad), float64(b.Dy()+2*pad))
	fillRound(dst, box, float32(t.px(8)), withAlpha(colPanel, 0xe8))
	strokeRound(dst, box, float32(t.px(8)), float32(t.px(1)), colPanelEdge)
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(left+float64(pad), top+float64(pad))
	dst.DrawImage(img, op)
}
