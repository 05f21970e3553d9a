package ui

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsNoServer keeps the screens on the client side: their non-test
// files import the standard library, Ebitengine, the Go fonts and this
// module's client-side packages, and never a server package (which would
// also pull the servers into the wasm).
func TestImportsNoServer(t *testing.T) {
	allowedPrefixes := []string{
		"github.com/hajimehoshi/ebiten/v2",
		"golang.org/x/image/font/gofont/",
	}
	allowed := map[string]bool{
		"github.com/tinymmo/tinymmo/assets":            true,
		"github.com/tinymmo/tinymmo/internal/api":      true,
		"github.com/tinymmo/tinymmo/internal/client":   true,
		"github.com/tinymmo/tinymmo/internal/protocol": true,
		"github.com/tinymmo/tinymmo/internal/rules":    true,
		"github.com/tinymmo/tinymmo/internal/version":  true,
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(path, "/")
			if !strings.Contains(first, ".") || allowed[path] {
				continue
			}
			ok := false
			for _, p := range allowedPrefixes {
				ok = ok || strings.HasPrefix(path, p)
			}
			if !ok {
				t.Errorf("%s imports %q, which the client's screens may not", name, path)
			}
		}
	}
	if checked == 0 {
		t.Fatal("found no source files to check")
	}
}
