package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"
)

// envPrefix starts every environment override: flag --nats-listen of any
// role is TINYMMO_NATS_LISTEN.
const envPrefix = "TINYMMO_"

// parseConfig fills cfg, whose fields fs's flags are bound to, from the
// flags' defaults, then the TOML file named by --config, then environment
// variables, then the command-line flags: each later source overrides the
// earlier ones. Unknown TOML keys are errors, so a typo never goes unnoticed.
func parseConfig(fs *flag.FlagSet, args []string, cfg any) error {
	path := fs.String("config", "", "TOML config file (keys as in the docs; flags and "+envPrefix+"* variables override it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *path != "" {
		md, err := toml.DecodeFile(*path, cfg)
		if err != nil {
			return fmt.Errorf("config %s: %w", *path, err)
		}
		if undecoded := md.Undecoded(); len(undecoded) > 0 {
			return fmt.Errorf("config %s: unknown keys %v", *path, undecoded)
		}
	}
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		name := envPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok && f.Name != "config" {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return fs.Parse(args) // flags given on the command line win
}
