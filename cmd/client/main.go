// Command client is the TinyMMO game client. The same code runs in the
// browser (built for js/wasm and served by the gateway; see
// internal/webclient) and on the desktop:
//
//	go run ./cmd/client --gateway http://127.0.0.1:8080
//
// In the browser the gateway is the page's own origin, and the page's
// ?autoplay=guest query plays by itself (as --autoplay guest does here).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/ui"
)

func main() {
	gateway := flag.String("gateway", defaultGateway(), "base URL of the gateway")
	autoplay := flag.String("autoplay", defaultAutoplay(), `play by itself: "guest", or "" to play yourself`)
	flag.Parse()
	if err := run(*gateway, *autoplay); err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(1)
	}
}

func run(gateway, autoplay string) error {
	app, err := ui.New(ui.Options{Gateway: gateway, Autoplay: autoplay})
	if err != nil {
		return err
	}
	defer app.Close()
	ebiten.SetWindowTitle("TinyMMO")
	ebiten.SetWindowSize(960, 640)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	return ebiten.RunGame(app)
}
