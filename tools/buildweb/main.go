// Command buildweb builds the browser client into web/dist for a deployment:
// the game compiled for js/wasm with -trimpath -ldflags="-s -w", its brotli
// and gzip -9 copies, the Go toolchain's wasm_exec.js and the loader page,
// under content-hashed names. It prints what a browser downloads. It does
// nothing when web/dist is newer than every input and compressed at least as
// well as asked. Run it from the source tree's root:
//
//	go run ./tools/buildweb              # build if stale, brotli at quality 11 (about 1.5 min)
//	go run ./tools/buildweb -force       # build anyway
//	go run ./tools/buildweb -brotli 6    # brotli at quality 6, as "tinymmo dev" does (seconds, 17 % bigger)
//
// The work is done by internal/webclient.Build, which "tinymmo dev" calls too
// with webclient.DefaultBrotliQuality.
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
	flag.IntVar(&cfg.BrotliQuality, "brotli", webclient.BestBrotliQuality,
		fmt.Sprintf("quality of the brotli copies, 1 to 11: smaller and slower as it grows (%d is \"tinymmo dev\"'s)", webclient.DefaultBrotliQuality))
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
	fmt.Printf("download: %s (brotli quality %d)\n", m.Download, m.BrotliQuality)
}
