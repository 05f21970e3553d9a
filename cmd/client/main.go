// Command client is the TinyMMO game client. The same code runs in the
// browser (built for js/wasm and served by the gateway; see
// internal/webclient) and on the desktop:
//
//	go run ./cmd/client --gateway http://127.0.0.1:8080
//
// In the browser the gateway is the page's own origin, and the page's
// ?autoplay=guest query plays by itself (as --autoplay guest does here);
// ?scene=fight (--scene fight) shows a scripted fight with no server.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client/fightscene"
	"github.com/tinymmo/tinymmo/internal/ui"
)

func main() {
	gateway := flag.String("gateway", defaultGateway(), "base URL of the gateway")
	autoplay := flag.String("autoplay", query("autoplay"), `play by itself: "guest", or "" to play yourself`)
	scene := flag.String("scene", query("scene"), `show a scripted scene with no server: "fight", or "" to play`)
	flag.Parse()
	if err := run(*gateway, *autoplay, *scene); err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(1)
	}
}

func run(gateway, autoplay, scene string) error {
	opts := ui.Options{Gateway: gateway, Autoplay: autoplay}
	switch scene {
	case "":
	case "fight":
		fight, err := fightscene.New(fightscene.Config{Class: string(api.ClassWizard)})
		if err != nil {
			return err
		}
		opts.Scene, opts.Character = fight, api.Character{Name: "You", Class: api.ClassWizard, Level: 1}
	default:
		return fmt.Errorf("no scene %q (there is \"fight\")", scene)
	}
	app, err := ui.New(opts)
	if err != nil {
		return err
	}
	defer app.Close()
	ebiten.SetWindowTitle("TinyMMO")
	ebiten.SetWindowSize(960, 640)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	return ebiten.RunGame(app)
}
