package client

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsNoServerOrScreen keeps the client core buildable for js/wasm
// and reusable by the bots: its non-test files import no server package
// and no Ebitengine, only the standard library, the shared packages of this
// module and the WebSocket library.
func TestImportsNoServerOrScreen(t *testing.T) {
	allowed := map[string]bool{
		"github.com/coder/websocket":                   true,
		"github.com/tinymmo/tinymmo/internal/api":      true,
		"github.com/tinymmo/tinymmo/internal/maps":     true,
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
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") && !allowed[path] {
				t.Errorf("%s imports %q; the client core may import only the standard library and %v", name, path, allowed)
			}
		}
	}
	if checked == 0 {
		t.Fatal("found no source files to check")
	}
}
