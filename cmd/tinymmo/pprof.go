package main

import (
	"flag"
	"log/slog"

	"github.com/tinymmo/tinymmo/internal/pprofhttp"
)

// pprofFlag binds --pprof (TOML key "pprof", TINYMMO_PPROF) to addr. Each
// role's options embed its Config next to a Pprof field, so the TOML key
// lands there.
func pprofFlag(fs *flag.FlagSet, addr *string) {
	fs.StringVar(addr, "pprof", "", "serve net/http/pprof on this loopback address, e.g. 127.0.0.1:6060 (default off)")
}

// startPprof serves the profiles on addr when it is set; it refuses an
// address that is not loopback. Call the returned stop when the role ends.
// Roles call it before they start, so a bad address fails before anything
// else listens.
func startPprof(addr string, log *slog.Logger) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	s, err := pprofhttp.Start(addr, log)
	if err != nil {
		return nil, err
	}
	return func() { s.Close() }, nil
}
