// Command blank is the baseline of the frame-time tests: an Ebitengine
// program that only fills its window each frame, at the window's device
// pixels as the game draws. It publishes window.tinymmo with the fields of
// ui.Snapshot the tests read (screen "blank", fps, frameMs), measured as
// the game measures them.
package main

import (
	"image/color"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

type blank struct {
	w, h    int
	start   time.Time
	frames  int
	frameMs float64
}

func (b *blank) Update() error {
	v := js.Global().Get("Object").New()
	v.Set("screen", "blank")
	v.Set("fps", ebiten.ActualFPS())
	v.Set("frameMs", b.frameMs)
	js.Global().Set("tinymmo", v)
	return nil
}

// Draw fills the window, and counts the frame as ui.App.countFrame does:
// the mean time between frames over the last full second.
func (b *blank) Draw(dst *ebiten.Image) {
	now := time.Now()
	if b.start.IsZero() {
		b.start = now
	} else if b.frames++; now.Sub(b.start) >= time.Second {
		b.frameMs = float64(now.Sub(b.start)) / float64(time.Millisecond) / float64(b.frames)
		b.start, b.frames = now, 0
	}
	dst.Fill(color.RGBA{0x14, 0x18, 0x24, 0xff})
}

func (b *blank) Layout(w, h int) (int, int) {
	s := ebiten.Monitor().DeviceScaleFactor()
	b.w, b.h = int(float64(w)*s), int(float64(h)*s)
	return b.w, b.h
}

func main() {
	if err := ebiten.RunGame(&blank{}); err != nil {
		panic(err)
	}
}
