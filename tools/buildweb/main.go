// Command buildweb builds the browser client into web/dist: the game compiled
// for js/wasm with -trimpath -ldflags="-s -w", its gzip -9 copy, the Go
// toolchain's wasm_exec.js and the loader page, under content-hashed names.
// It does nothing when web/dist is newer than every input. Run it from the
// source tree's root:
//
//	go run ./tools/buildweb            # build if stale
//	go run ./tools/buildweb -force     # build anyway
//	go run ./tools/buildweb -brotli    # also write .br copies (needs the brotli command; slow)
//
// The work is done by internal/webclient.Build, which "tinymmo dev" calls too.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"

	"github.com/tinymmo/tinymmo/internal/webclient"
)

func main() {
	var cfg webclient.BuildConfig
	flag.StringVar(&cfg.Root, "root", ".", "root of the TinyMMO source tree")
	flag.StringVar(&cfg.Out, "out", "", "output directory (default ROOT/web/dist)")
	flag.BoolVar(&cfg.Force, "force", false, "build even when the output is up to date")
	flag.BoolVar(&cfg.Brotli, "brotli", false, "also write brotli copies with the brotli command (takes about a minute)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	m, built, err := webclient.Build(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildweb:", err)
		os.Exit(1)
	}
	if built {
		fmt.Printf("built %s (%d bytes) and %s\n", m.Wasm, m.WasmSize, m.WasmExec)
	} else {
		fmt.Println("up to date:", m.Wasm)
	}
}
