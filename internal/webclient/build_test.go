package webclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// fakeGo is a stand-in for the go command, so that the build pipeline is
// tested without compiling: "env" prints $FAKE_GOROOT and $FAKE_GOVERSION,
// "list" names the client's one package, and "build -o FILE" writes
// $FAKE_WASM to FILE.
const fakeGo = `#!/bin/sh
case "$1" in
env) echo "$FAKE_GOROOT"; echo "$FAKE_GOVERSION" ;;
list) echo "$FAKE_ROOT/cmd/client|main.go" ;;
build)
	while [ $# -gt 0 ]; do
		if [ "$1" = "-o" ]; then shift; printf '%s' "$FAKE_WASM" > "$1"; fi
		shift
	done ;;
*) echo "fake go: unexpected $*" >&2; exit 2 ;;
esac
`

// sourceTree makes a minimal TinyMMO source tree with the real page
// template, a fake toolchain and a fake go command, and returns the root
// and the go command.
func sourceTree(t *testing.T) (root, goCmd string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake go command is a shell script")
	}
	root = t.TempDir()
	tmpl, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(templatePath)))
	if err != nil {
		t.Fatal(err)
	}
	goroot := t.TempDir()
	for path, data := range map[string]string{
		filepath.Join(root, "go.mod"):                           "// The module.\nmodule github.com/tinymmo/tinymmo\n\ngo 1.26.0\n",
		filepath.Join(root, "go.sum"):                           "",
		filepath.Join(root, "cmd", "client", "main.go"):         "package main\n",
		filepath.Join(root, filepath.FromSlash(templatePath)):   string(tmpl),
		filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"):    "// the Go runtime glue\n",
		filepath.Join(t.TempDir(), "go"):                        fakeGo,
		filepath.Join(root, "web", "dist", "keep-me.txt"):       "not ours",
		filepath.Join(root, "web", "dist", "game.txt.notahash"): "not ours either",
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
		if filepath.Base(path) == "go" {
			goCmd = path
		}
	}
	t.Setenv("FAKE_GOROOT", goroot)
	t.Setenv("FAKE_GOVERSION", "go1.26.8")
	t.Setenv("FAKE_ROOT", root)
	t.Setenv("FAKE_WASM", "wasm v1")
	return root, goCmd
}

// touch makes path look edited now: after every build so far, before the
// next one starts.
func touch(t *testing.T, path string) {
	t.Helper()
	now := time.Now()
	if err := os.Chtimes(path, now, now); err != nil {
		t.Fatal(err)
	}
}

func gunzip(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(data)
}

func unbrotli(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := io.ReadAll(brotli.NewReader(f))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(data)
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func TestBuildWritesHashedFilesPageAndManifest(t *testing.T) {
	root, goCmd := sourceTree(t)
	m, built, err := Build(t.Context(), BuildConfig{Root: root, Go: goCmd})
	if err != nil || !built {
		t.Fatalf("Build = %v, %v; want a build", built, err)
	}
	out := filepath.Join(root, "web", "dist")
	if !hashedName.MatchString(m.Wasm) || !strings.HasPrefix(m.Wasm, "game.") || !strings.HasSuffix(m.Wasm, ".wasm") {
		t.Errorf("Wasm = %q, want game.<16 hex>.wasm", m.Wasm)
	}
	if !hashedName.MatchString(m.WasmExec) || !strings.HasPrefix(m.WasmExec, "wasm_exec.") {
		t.Errorf("WasmExec = %q, want wasm_exec.<16 hex>.js", m.WasmExec)
	}
	if m.WasmSize != int64(len("wasm v1")) || m.GoVersion != "go1.26.8" {
		t.Errorf("WasmSize, GoVersion = %d, %q; want %d, go1.26.8", m.WasmSize, m.GoVersion, len("wasm v1"))
	}
	if m.BrotliQuality != DefaultBrotliQuality {
		t.Errorf("BrotliQuality = %d, want %d", m.BrotliQuality, DefaultBrotliQuality)
	}
	want := []string{IndexFile, m.Wasm, m.Wasm + ".br", m.Wasm + ".gz", m.WasmExec, m.WasmExec + ".br", m.WasmExec + ".gz"}
	slices.Sort(want)
	if !slices.Equal(m.Files, want) {
		t.Errorf("Files = %v, want %v", m.Files, want)
	}
	for _, f := range []struct{ name, content string }{
		{m.Wasm, "wasm v1"},
		{m.WasmExec, "// the Go runtime glue\n"},
	} {
		if got, _ := os.ReadFile(filepath.Join(out, f.name)); string(got) != f.content {
			t.Errorf("%s holds %q, want %q", f.name, got, f.content)
		}
		if got := gunzip(t, filepath.Join(out, f.name+".gz")); got != f.content {
			t.Errorf("%s.gz holds %q, want %q", f.name, got, f.content)
		}
		if got := unbrotli(t, filepath.Join(out, f.name+".br")); got != f.content {
			t.Errorf("%s.br holds %q, want %q", f.name, got, f.content)
		}
	}
	size := func(suffix string) int64 {
		return fileSize(t, filepath.Join(out, IndexFile)) +
			fileSize(t, filepath.Join(out, m.Wasm+suffix)) + fileSize(t, filepath.Join(out, m.WasmExec+suffix))
	}
	if wantDL := (Download{Brotli: size(".br"), Gzip: size(".gz"), Identity: size("")}); m.Download != wantDL {
		t.Errorf("Download = %+v, want %+v (the sizes of the page and the files it names)", m.Download, wantDL)
	}
	page, err := os.ReadFile(filepath.Join(out, IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`src="` + m.WasmExec + `"`, strconv.Quote(m.Wasm), strconv.Itoa(len("wasm v1")), "progressbar"} {
		if !bytes.Contains(page, []byte(s)) {
			t.Errorf("index.html lacks %s", s)
		}
	}
	data, err := os.ReadFile(filepath.Join(out, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk Manifest
	if err := json.Unmarshal(data, &onDisk); err != nil || !slices.Equal(onDisk.Files, m.Files) || onDisk.Wasm != m.Wasm ||
		onDisk.Download != m.Download || onDisk.BrotliQuality != m.BrotliQuality {
		t.Errorf("manifest.json = %s (%v), want %+v", data, err, m)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".build-") || strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left behind %s", e.Name())
		}
	}
}

func TestBuildSkipsWhenUpToDate(t *testing.T) {
	root, goCmd := sourceTree(t)
	cfg := BuildConfig{Root: root, Go: goCmd}
	build := func() (Manifest, bool) {
		t.Helper()
		m, built, err := Build(context.Background(), cfg)
		if err != nil {
			t.Fatalf("Build: %v", err)
		}
		return m, built
	}
	first, _ := build()
	// oldManifest rewrites the manifest as a build from before the brotli
	// copies wrote it.
	oldManifest := func() {
		path := filepath.Join(root, "web", "dist", ManifestFile)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "brotli_quality")
		delete(m, "download")
		data, _ = json.Marshal(m)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name   string
		change func()
		built  bool
	}{
		{"nothing changed", func() {}, false},
		{"a Go file changed", func() { touch(t, filepath.Join(root, "cmd", "client", "main.go")) }, true},
		{"then nothing", func() {}, false},
		{"go.sum changed", func() { touch(t, filepath.Join(root, "go.sum")) }, true},
		{"the page template changed", func() { touch(t, filepath.Join(root, filepath.FromSlash(templatePath))) }, true},
		{"a package gained a file", func() { touch(t, filepath.Join(root, "cmd", "client")) }, true},
		{"another Go version", func() { t.Setenv("FAKE_GOVERSION", "go1.27.0") }, true},
		{"an output file is gone", func() { os.Remove(filepath.Join(root, "web", "dist", first.Wasm+".gz")) }, true},
		{"a brotli copy is gone", func() { os.Remove(filepath.Join(root, "web", "dist", first.Wasm+".br")) }, true},
		{"a build from before the brotli copies", oldManifest, true},
		{"a better brotli quality asked", func() { cfg.BrotliQuality = BestBrotliQuality }, true},
		{"a lower one asked", func() { cfg.BrotliQuality = 0 }, false},
		{"finally nothing", func() {}, false},
	}
	for _, st := range steps {
		st.change()
		if _, built := build(); built != st.built {
			t.Fatalf("after %q: built = %v, want %v", st.name, built, st.built)
		}
	}
	cfg.Force = true
	if _, built := build(); !built {
		t.Fatal("Force did not build")
	}
}

func TestBuildKeepsOnlyThePreviousBuild(t *testing.T) {
	root, goCmd := sourceTree(t)
	out := filepath.Join(root, "web", "dist")
	var builds []Manifest
	for _, content := range []string{"wasm v1", "wasm v2", "wasm v3"} {
		t.Setenv("FAKE_WASM", content)
		touch(t, filepath.Join(root, "cmd", "client", "main.go"))
		m, built, err := Build(t.Context(), BuildConfig{Root: root, Go: goCmd})
		if err != nil || !built {
			t.Fatalf("Build(%s) = %v, %v", content, built, err)
		}
		builds = append(builds, m)
	}
	exists := func(name string) bool {
		_, err := os.Stat(filepath.Join(out, name))
		return err == nil
	}
	if builds[0].Wasm == builds[1].Wasm || builds[1].Wasm == builds[2].Wasm {
		t.Fatalf("different content, same names: %s %s %s", builds[0].Wasm, builds[1].Wasm, builds[2].Wasm)
	}
	for _, name := range []string{builds[2].Wasm, builds[2].Wasm + ".gz", builds[2].Wasm + ".br",
		builds[1].Wasm, builds[1].Wasm + ".gz", builds[1].Wasm + ".br", builds[2].WasmExec} {
		if !exists(name) {
			t.Errorf("%s was deleted; the current and the previous build must stay", name)
		}
	}
	for _, name := range []string{builds[0].Wasm, builds[0].Wasm + ".gz", builds[0].Wasm + ".br"} {
		if exists(name) {
			t.Errorf("%s is still there; builds before the previous one are deleted", name)
		}
	}
	for _, name := range []string{"keep-me.txt", "game.txt.notahash"} {
		if !exists(name) {
			t.Errorf("%s was deleted; Build deletes only its own hashed files", name)
		}
	}
}

func TestBuildRefusesOtherTrees(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/other\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "cmd", "client"), 0o755)
	if IsSource(dir) {
		t.Errorf("IsSource(%s) = true for another module", dir)
	}
	if _, _, err := Build(t.Context(), BuildConfig{Root: dir}); err == nil {
		t.Error("Build in another module's tree succeeded")
	}
	if !IsSource(filepath.Join("..", "..")) {
		t.Error("IsSource is false for this repository's root")
	}
}

func TestBuildRejectsBrotliQualityOutOfRange(t *testing.T) {
	root, goCmd := sourceTree(t)
	for _, q := range []int{-1, 12} {
		if _, _, err := Build(t.Context(), BuildConfig{Root: root, Go: goCmd, BrotliQuality: q}); err == nil ||
			!strings.Contains(err.Error(), strconv.Itoa(q)) {
			t.Errorf("Build with BrotliQuality %d: %v, want an error naming it", q, err)
		}
	}
}

func TestCompressStopsWhenCanceled(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "game.wasm")
	if err := os.WriteFile(src, bytes.Repeat([]byte("wasm "), 1<<16), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := compressFile(ctx, src+".br", src, func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, BestBrotliQuality) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("compressFile with a canceled context = %v, want context.Canceled", err)
	}
}

func TestDownloadString(t *testing.T) {
	d := Download{Brotli: 4_688_964, Gzip: 6_610_908, Identity: 28_759_139}
	if got, want := d.String(), "4.69 MB with brotli, 6.61 MB with gzip, 28.76 MB uncompressed"; got != want {
		t.Errorf("Download.String() = %q, want %q", got, want)
	}
}
