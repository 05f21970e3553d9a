package ui

import (
	"image"
	"slices"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/assets"
	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

func TestDirectionIsTheNearestOfEight(t *testing.T) {
	tests := []struct {
		dx, dy float64
		want   protocol.Direction
	}{
		{1, 0, protocol.DirE}, {10, 3, protocol.DirE}, {1, 1, protocol.DirSE}, {0, 1, protocol.DirS},
		{-1, 1, protocol.DirSW}, {-1, 0, protocol.DirW}, {-5, -4, protocol.DirNW}, {0, -1, protocol.DirN},
		{3, -10, protocol.DirN}, {1, -1, protocol.DirNE}, {-10, 0.5, protocol.DirW},
	}
	for _, tt := range tests {
		if got := direction(tt.dx, tt.dy); got != tt.want {
			t.Errorf("direction(%v, %v) = %v, want %v", tt.dx, tt.dy, got, tt.want)
		}
	}
}

func TestSpritesLookTheNearestWayTheyHave(t *testing.T) {
	sp, err := loadSprites(assets.FS)
	if err != nil {
		t.Fatal(err)
	}
	mobs, _ := sp.sheetOf(protocol.SpriteRat)
	if mobs == nil || mobs == sp.chars {
		t.Fatalf("the rat is drawn from %v, want the monsters' sheet", mobs)
	}
	tests := []struct {
		aim         uint8
		char, mobAt string
	}{
		{protocol.DirE.Aim(), "right", "right"},
		{protocol.DirS.Aim(), "down", ""},
		{protocol.DirW.Aim(), "left", "left"},
		{protocol.DirN.Aim(), "up", ""},
		{protocol.DirE.Aim() + 20, "right", "right"}, // a little south of east
		{protocol.DirW.Aim() - 20, "left", "left"},   // a little south of west
		{protocol.DirN.Aim() + 16, "up", "right"},    // north-north-east
	}
	for _, tt := range tests {
		if got := sp.chars.Directions[sp.chars.direction(tt.aim)]; got != tt.char {
			t.Errorf("a character aimed %d looks %s, want %s", tt.aim, got, tt.char)
		}
		if got := mobs.Directions[mobs.direction(tt.aim)]; tt.mobAt != "" && got != tt.mobAt {
			t.Errorf("a monster aimed %d looks %s, want %s", tt.aim, got, tt.mobAt)
		}
	}
	for s := protocol.SpriteKnight; s <= protocol.SpriteWizard; s++ {
		if sh, i := sp.sheetOf(s); sh != sp.chars || sh.Sprites[i] != spriteName(s) {
			t.Errorf("sprite %d is not drawn as the class %s", s, spriteName(s))
		}
	}
	if sh, _ := sp.sheetOf(protocol.SpriteElder + 1); sh != nil {
		t.Error("an unknown sprite has art")
	}
}

func TestCameraCentresAndConverts(t *testing.T) {
	cam := newCamera(100.3, 50, 2, 800, 600)
	if x, y := cam.toScreen(cam.x, cam.y); x != 400 || y != 300 {
		t.Errorf("the camera's centre is drawn at %v,%v, want the window's centre 400,300", x, y)
	}
	x, y := cam.toScreen(110.5, 40)
	if wx, wy := cam.toWorld(x, y); wx != 110.5 || wy != 40 {
		t.Errorf("toWorld(toScreen(110.5, 40)) = %v,%v", wx, wy)
	}
	if cam.x*cam.zoom != float64(int(cam.x*cam.zoom)) {
		t.Errorf("the camera at %v is not on a whole device pixel", cam.x)
	}
}

func TestTilemapDrawsOnlyTheTilesInTheWindow(t *testing.T) {
	all, err := maps.LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range all {
		tm, err := newTilemap(assets.FS, m)
		if err != nil {
			t.Fatalf("map %s: %v", name, err)
		}
		for _, gid := range append(slices.Clone(m.Ground), m.Decoration...) {
			if gid != 0 && tm.tiles[gid] == nil {
				t.Fatalf("map %s: tile %d has no image", name, gid)
			}
		}
		// The game does not clear the window where the map covers it.
		if i := slices.Index(m.Ground, 0); i >= 0 {
			t.Errorf("map %s: ground cell %d,%d has no tile", name, i%m.Width, i/m.Width)
		}
	}
	m := all["overworld"]
	tm, err := newTilemap(assets.FS, m)
	if err != nil {
		t.Fatal(err)
	}
	// 800×600 at zoom 2 shows 400×300 pixels: 25×19 tiles, one more
	// each way when the view is not aligned to the tiles.
	cam := newCamera(1000, 1000, 2, 800, 600)
	r := tm.visible(cam)
	if w, h := r.Dx(), r.Dy(); w < 25 || w > 26 || h < 19 || h > 20 {
		t.Errorf("the window shows %v: %dx%d tiles, want about 25x19", r, w, h)
	}
	if !tm.covers(cam) {
		t.Errorf("the map does not cover a window in its middle")
	}
	// At the map's corner the range stops at the edge.
	corner := newCamera(0, 0, 2, 800, 600)
	if tm.covers(corner) {
		t.Errorf("the map covers a window centred on its corner")
	}
	r = tm.visible(corner)
	if r.Min != (image.Point{}) || r.Dx() > 13 || r.Dy() > 10 {
		t.Errorf("at the corner the window shows %v, want from 0,0 and about 13x10 tiles", r)
	}
}

func TestSessionSendsInputsOnlyOnChangeAheadByTheRoundTrip(t *testing.T) {
	m, err := maps.Load("overworld")
	if err != nil {
		t.Fatal(err)
	}
	spawn, _ := m.Spawn("default")
	now := time.UnixMilli(time.Now().UnixMilli()) // Pings carry whole milliseconds
	w := protocol.Welcome{EntityID: 1, Map: "overworld", X: spawn.X, Y: spawn.Y, TickRate: 20, Tick: 1000, ServerTime: uint64(now.UnixMilli()), Speed: 60}
	s, err := newWorldSession(client.NewMapCache(nil), w, api.ClassKnight, now)
	if err != nil {
		t.Fatal(err)
	}
	// A Pong 100 ms after its Ping: two ticks of round trip, so the
	// client runs 2+2 ticks ahead of the world's estimated tick.
	now = now.Add(100 * time.Millisecond)
	if err := s.apply(protocol.Pong{ClientTime: uint64(now.UnixMilli() - 100), ServerTime: uint64(now.UnixMilli() - 50)}, now); err != nil {
		t.Fatal(err)
	}
	var snap Snapshot
	s.describe(&snap)
	if snap.RTT != 100 {
		t.Errorf("the test hook's RTT = %d ms, want 100", snap.RTT)
	}
	const period = 50 * time.Millisecond
	var sent []protocol.Input
	for i := range 10 {
		dir := protocol.DirE
		if i >= 6 {
			dir = protocol.DirS
		}
		sent = append(sent, s.step(intent{dir: dir}, now)...)
		now = now.Add(period)
	}
	if len(sent) != 2 || sent[0].Move != protocol.DirE || sent[1].Move != protocol.DirS || sent[1].Seq != 2 {
		t.Fatalf("sent %+v; want one input east, then one south", sent)
	}
	// Welcome's tick 1000, 100 ms before the first step, plus half the
	// round trip and the lead of 4: the first client tick is 1007.
	if sent[0].Tick != 1007 || sent[1].Tick != 1013 {
		t.Errorf("inputs tagged ticks %d and %d, want 1007 and 1013", sent[0].Tick, sent[1].Tick)
	}
}
