package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/ui"
)

// TestBrowserShowsTheWorldsCloseReason checks that the close code a world
// sends reaches the player in the browser, where the WebSocket library's
// own js port would lose it.
func TestBrowserShowsTheWorldsCloseReason(t *testing.T) {
	needBrowser(t)
	c := startCluster(t, buildWeb(t))
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(c.URL()+"/?autoplay=guest")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the game", 45*time.Second, func(s *ui.Snapshot) bool { return s.Screen == "game" && s.Received > 0 })
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.World.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	s := onScreen(t, ctx, "error")
	if want := protocol.CloseShutdown.Reason(); s.Error == nil || s.Error.Message != want {
		t.Fatalf("error screen %+v; want the world's reason %q", s.Error, want)
	}
}
