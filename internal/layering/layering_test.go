package layering

import (
	"go/build"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const module = "github.com/tinymmo/tinymmo/"

// rules lists, per package (relative to the module root), the non-standard
// imports its non-test files may have: exact paths, or trees written with a
// trailing "/" (the path itself and everything below it). Anything else
// outside the standard library is a layering error.
var rules = []struct {
	pkg     string
	allowed []string
}{
	{"internal/wire", nil},
	{"internal/rules", nil},
	{"internal/character", nil},
	{"internal/chat", nil},
	{"internal/protocol", []string{module + "internal/wire"}},
	// The simulation core is pure: no server plumbing, no I/O packages.
	{"internal/sim", []string{module + "internal/protocol", module + "internal/rules", module + "internal/maps", module + "internal/wire", module + "internal/character"}},
	{"internal/client", []string{
		"github.com/coder/websocket",
		module + "internal/api", module + "internal/maps", module + "internal/protocol",
		module + "internal/rules", module + "internal/version",
	}},
	{"internal/ui", []string{
		"github.com/hajimehoshi/ebiten/v2/", "golang.org/x/image/font/gofont/",
		module + "assets", module + "internal/api", module + "internal/chat", module + "internal/client", module + "internal/maps",
		module + "internal/protocol", module + "internal/rules", module + "internal/version",
	}},
}

func allowed(path string, list []string) bool {
	for _, a := range list {
		tree, isTree := strings.CutSuffix(a, "/")
		if path == a || isTree && (path == tree || strings.HasPrefix(path, a)) {
			return true
		}
	}
	return false
}

// TestLayering checks each package's imports for the host and for js/wasm,
// the two builds the client-side packages go into.
func TestLayering(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..")
	for _, goos := range []string{runtime.GOOS, "js"} {
		ctx := build.Default
		ctx.GOOS = goos
		if goos == "js" {
			ctx.GOARCH = "wasm"
		}
		for _, r := range rules {
			pkg, err := ctx.ImportDir(filepath.Join(root, r.pkg), 0)
			if err != nil {
				t.Fatalf("%s (%s): %v", r.pkg, goos, err)
			}
			for _, imp := range pkg.Imports {
				first, _, _ := strings.Cut(imp, "/")
				if strings.Contains(first, ".") && !allowed(imp, r.allowed) {
					t.Errorf("%s (%s) imports %s; it may import only the standard library and %v", r.pkg, goos, imp, r.allowed)
				}
			}
		}
	}
}
