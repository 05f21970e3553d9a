// Package webclient builds the browser game client and serves it.
//
// Build compiles cmd/client for js/wasm and writes what a browser loads into
// an output directory (web/dist by default):
//
//	index.html                       the loader page: a progress bar while the game downloads
//	game.<hash>.wasm, .wasm.gz        the game, and its gzip -9 copy (.br too when asked)
//	wasm_exec.<hash>.js, .js.gz       the Go runtime glue, copied from the toolchain at build time
//	manifest.json                     what the build wrote; written last
//
// The hashed names change whenever the content does, so Handler lets browsers
// cache them forever while index.html is revalidated on every load. Build
// skips its work when the output is newer than every input, so callers such
// as "tinymmo dev" may call it on every start.
//
// The package keeps no state: Build runs the go command in the caller's
// goroutine, and Handler only reads the file system it is given. The gateway
// imports it to serve the files; cmd/tinymmo and tools/buildweb to build them.
package webclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tinymmo/tinymmo/internal/version"
)

// Names of the build's fixed files.
const (
	IndexFile    = "index.html"
	ManifestFile = "manifest.json"
)

// Paths relative to the source root.
const (
	clientPackage = "./cmd/client"
	templatePath  = "web/index.html.tmpl"
	defaultOut    = "web/dist"
	modulePath    = "github.com/tinymmo/tinymmo"
)

// Manifest describes a finished build. Build writes it last, so a directory
// with a readable manifest holds a complete build.
type Manifest struct {
	// GoVersion is the toolchain that built the wasm, e.g. "go1.26.8".
	GoVersion string `json:"go_version"`
	// Wasm is the game's file name, e.g. "game.0123456789abcdef.wasm".
	Wasm string `json:"wasm"`
	// WasmSize is its uncompressed size in bytes: the loader's 100 %.
	WasmSize int64 `json:"wasm_size"`
	// WasmExec is the file name of the toolchain's wasm_exec.js copy.
	WasmExec string `json:"wasm_exec"`
	// Files lists every file of the build but the manifest, sorted.
	Files []string `json:"files"`
}

// BuildConfig configures Build. The zero value builds the source tree in
// the current directory into web/dist.
type BuildConfig struct {
	// Root is the source tree's root, holding go.mod and cmd/client.
	// Default ".".
	Root string
	// Out is the output directory, created if missing. Default Root/web/dist.
	Out string
	// Go is the go command to run. Default "go" (found in PATH).
	Go string
	// Brotli also writes a .br copy of each asset with the brotli command,
	// which must be installed. It takes about a minute. Default false.
	Brotli bool
	// Force builds even when the output is up to date. Default false.
	Force bool
	// Log receives one line per step. Nil discards them.
	Log *slog.Logger
}

// IsSource reports whether dir is the root of the TinyMMO source tree, where
// Build can run.
func IsSource(dir string) bool {
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	for line := range strings.Lines(string(mod)) {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			if strings.Trim(strings.TrimSpace(name), `"`) != modulePath {
				return false
			}
			st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(clientPackage)))
			return err == nil && st.IsDir()
		}
	}
	return false
}

// Build builds the web client into cfg.Out unless the build there is newer
// than every input: the Go files and embedded files of cmd/client's packages
// in this module, go.mod, go.sum and web/index.html.tmpl, with the same Go
// version. It returns the manifest of the build in cfg.Out and whether it
// built. Files of older builds are deleted, except those of the one just
// before, which pages loaded a moment ago may still fetch.
func Build(ctx context.Context, cfg BuildConfig) (Manifest, bool, error) {
	b, err := newBuilder(ctx, cfg)
	if err != nil {
		return Manifest{}, false, err
	}
	old, reason, err := b.check(ctx)
	if err != nil {
		return Manifest{}, false, err
	}
	if reason == "" && !cfg.Force {
		b.log.Info("web client is up to date", "dir", b.out)
		return old, false, nil
	}
	if cfg.Force {
		reason = "forced"
	}
	b.log.Info("building the web client (the first build takes about a minute)", "dir", b.out, "why", reason)
	m, err := b.build(ctx, old)
	if err != nil {
		return Manifest{}, false, err
	}
	return m, true, nil
}

// builder holds one Build's resolved settings.
type builder struct {
	root, out, goCmd string
	brotli           bool
	log              *slog.Logger
	goVersion        string
	goroot           string
}

func newBuilder(ctx context.Context, cfg BuildConfig) (*builder, error) {
	b := &builder{root: cfg.Root, out: cfg.Out, goCmd: cfg.Go, brotli: cfg.Brotli, log: cfg.Log}
	if b.root == "" {
		b.root = "."
	}
	if b.out == "" {
		b.out = filepath.Join(b.root, filepath.FromSlash(defaultOut))
	}
	if b.goCmd == "" {
		b.goCmd = "go"
	}
	// The go command runs in root, so every path it is given is absolute.
	var err error
	if b.root, err = filepath.Abs(b.root); err != nil {
		return nil, fmt.Errorf("webclient: %w", err)
	}
	if b.out, err = filepath.Abs(b.out); err != nil {
		return nil, fmt.Errorf("webclient: %w", err)
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if !IsSource(b.root) {
		return nil, fmt.Errorf("webclient: %s is not the TinyMMO source tree (no go.mod of %s with cmd/client)", b.root, modulePath)
	}
	out, err := b.run(ctx, nil, "env", "GOROOT", "GOVERSION")
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		return nil, fmt.Errorf("webclient: unexpected output of go env: %q", out)
	}
	b.goroot, b.goVersion = lines[0], lines[1]
	return b, nil
}

// wasmEnv selects the js/wasm target.
func wasmEnv() []string { return []string{"GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0"} }

// run runs the go command in the source root with extra environment
// variables and returns its standard output.
func (b *builder) run(ctx context.Context, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, b.goCmd, args...)
	cmd.Dir = b.root
	cmd.Env = append(os.Environ(), env...) // later entries win
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("webclient: go %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// check returns the manifest of the build in b.out and why it is out of
// date, or "" when it is not.
func (b *builder) check(ctx context.Context) (Manifest, string, error) {
	m, built, err := readManifest(b.out)
	if err != nil {
		return Manifest{}, "no previous build", nil
	}
	if m.GoVersion != b.goVersion {
		return m, fmt.Sprintf("built with %s, now %s", m.GoVersion, b.goVersion), nil
	}
	for _, f := range m.Files {
		if _, err := os.Stat(filepath.Join(b.out, f)); err != nil {
			return m, f + " is missing", nil
		}
	}
	inputs, err := b.inputs(ctx)
	if err != nil {
		return Manifest{}, "", err
	}
	for _, in := range inputs {
		st, err := os.Stat(in)
		if err != nil {
			return m, fmt.Sprintf("cannot stat %s", in), nil
		}
		if st.ModTime().After(built) {
			return m, "changed: " + in, nil
		}
	}
	return m, "", nil
}

// inputs lists the files and directories whose modification makes a build
// stale: every package directory, Go file and embedded file of the client
// in this module (a directory changes when a file is added or removed),
// plus go.mod, go.sum and the page template. Other modules are pinned by
// go.sum and the standard library by the Go version.
func (b *builder) inputs(ctx context.Context) ([]string, error) {
	const format = `{{if and .Module .Module.Main}}{{.Dir}}{{range .GoFiles}}|{{.}}{{end}}{{range .EmbedFiles}}|{{.}}{{end}}{{end}}`
	out, err := b.run(ctx, wasmEnv(), "list", "-deps", "-f", format, clientPackage)
	if err != nil {
		return nil, err
	}
	files := []string{
		filepath.Join(b.root, "go.mod"),
		filepath.Join(b.root, "go.sum"),
		filepath.Join(b.root, filepath.FromSlash(templatePath)),
	}
	for line := range strings.Lines(out) {
		parts := strings.Split(strings.TrimSpace(line), "|")
		if parts[0] == "" {
			continue
		}
		files = append(files, parts[0])
		for _, f := range parts[1:] {
			files = append(files, filepath.Join(parts[0], f))
		}
	}
	return files, nil
}

// readManifest reads the manifest in dir and its modification time, which
// Build sets to the time the build started.
func readManifest(dir string) (Manifest, time.Time, error) {
	path := filepath.Join(dir, ManifestFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return Manifest{}, time.Time{}, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, time.Time{}, fmt.Errorf("webclient: %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return Manifest{}, time.Time{}, err
	}
	return m, st.ModTime(), nil
}

// build compiles the client and writes a complete build into b.out. old is
// the previous build's manifest (zero if none).
func (b *builder) build(ctx context.Context, old Manifest) (Manifest, error) {
	// The manifest gets the start time as its modification time, so an
	// input edited while the build runs still counts as newer.
	start := time.Now()
	tmpl, err := template.ParseFiles(filepath.Join(b.root, filepath.FromSlash(templatePath)))
	if err != nil {
		return Manifest{}, fmt.Errorf("webclient: %w", err)
	}
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return Manifest{}, fmt.Errorf("webclient: %w", err)
	}
	tmp, err := os.MkdirTemp(b.out, ".build-")
	if err != nil {
		return Manifest{}, fmt.Errorf("webclient: %w", err)
	}
	defer os.RemoveAll(tmp)

	wasm := filepath.Join(tmp, "game.wasm")
	if _, err := b.run(ctx, wasmEnv(), "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, clientPackage); err != nil {
		return Manifest{}, err
	}
	m := Manifest{GoVersion: b.goVersion}
	if m.Wasm, m.WasmSize, err = b.publish(ctx, wasm, "game", ".wasm"); err != nil {
		return Manifest{}, err
	}
	glue := filepath.Join(tmp, "wasm_exec.js")
	if err := copyFile(glue, filepath.Join(b.goroot, "lib", "wasm", "wasm_exec.js")); err != nil {
		return Manifest{}, err
	}
	if m.WasmExec, _, err = b.publish(ctx, glue, "wasm_exec", ".js"); err != nil {
		return Manifest{}, err
	}
	for _, name := range []string{m.Wasm, m.WasmExec} {
		m.Files = append(m.Files, name, name+".gz")
		if b.brotli {
			m.Files = append(m.Files, name+".br")
		}
	}
	m.Files = append(m.Files, IndexFile)
	slices.Sort(m.Files)

	var page bytes.Buffer
	err = tmpl.Execute(&page, struct {
		Wasm, WasmExec, Version string
		WasmSize                int64
	}{m.Wasm, m.WasmExec, version.Version, m.WasmSize})
	if err != nil {
		return Manifest{}, fmt.Errorf("webclient: %s: %w", templatePath, err)
	}
	// The page goes in after the files it names, so a server reading the
	// directory meanwhile never serves a page whose game is missing.
	if err := writeFileAtomic(filepath.Join(b.out, IndexFile), page.Bytes()); err != nil {
		return Manifest{}, err
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, fmt.Errorf("webclient: %w", err)
	}
	manifest := filepath.Join(b.out, ManifestFile)
	if err := writeFileAtomic(manifest, append(data, '\n')); err != nil {
		return Manifest{}, err
	}
	if err := os.Chtimes(manifest, start, start); err != nil {
		return Manifest{}, fmt.Errorf("webclient: %w", err)
	}
	b.prune(append(slices.Clone(m.Files), old.Files...))
	b.log.Info("web client built", "dir", b.out, "wasm", m.Wasm, "bytes", m.WasmSize,
		"took", time.Since(start).Round(100*time.Millisecond))
	return m, nil
}

// publish moves the file at src into b.out under a content-hashed name
// base.<hash>ext, beside its gzip (and brotli) copy, and returns that name
// and the file's size.
func (b *builder) publish(ctx context.Context, src, base, ext string) (string, int64, error) {
	f, err := os.Open(src)
	if err != nil {
		return "", 0, fmt.Errorf("webclient: %w", err)
	}
	h := sha256.New()
	size, err := io.Copy(h, f)
	f.Close()
	if err != nil {
		return "", 0, fmt.Errorf("webclient: hash %s: %w", src, err)
	}
	name := base + "." + hex.EncodeToString(h.Sum(nil))[:16] + ext
	dst := filepath.Join(b.out, name)
	if err := gzipFile(src+".gz", src); err != nil {
		return "", 0, err
	}
	if b.brotli {
		b.log.Info("compressing with brotli", "file", name)
		cmd := exec.CommandContext(ctx, "brotli", "-q", "11", "-f", "-o", src+".br", src)
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", 0, fmt.Errorf("webclient: brotli %s: %w\n%s", name, err, out)
		}
		if err := os.Rename(src+".br", dst+".br"); err != nil {
			return "", 0, fmt.Errorf("webclient: %w", err)
		}
	}
	if err := os.Rename(src+".gz", dst+".gz"); err != nil {
		return "", 0, fmt.Errorf("webclient: %w", err)
	}
	if err := os.Rename(src, dst); err != nil {
		return "", 0, fmt.Errorf("webclient: %w", err)
	}
	return name, size, nil
}

// hashedName matches the files Build names by content, compressed or not.
var hashedName = regexp.MustCompile(`^[a-z_]+\.[0-9a-f]{16}\.[a-z]+(\.gz|\.br)?$`)

// prune deletes hashed files in b.out that keep does not list. It touches
// nothing else, so a mistaken Out loses no unrelated file.
func (b *builder) prune(keep []string) {
	entries, err := os.ReadDir(b.out)
	if err != nil {
		b.log.Warn("cannot list the old web client files", "err", err)
		return
	}
	for _, e := range entries {
		if e.Type().IsRegular() && hashedName.MatchString(e.Name()) && !slices.Contains(keep, e.Name()) {
			if err := os.Remove(filepath.Join(b.out, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				b.log.Warn("cannot delete an old web client file", "err", err)
			}
		}
	}
}

func copyFile(dst, src string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("webclient: %w", err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return fmt.Errorf("webclient: %w", err)
	}
	return nil
}

// gzipFile writes src compressed at the best level to dst.
func gzipFile(dst, src string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("webclient: %w", err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("webclient: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("webclient: %w", cerr)
		}
	}()
	zw, err := gzip.NewWriterLevel(out, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("webclient: %w", err)
	}
	if _, err := io.Copy(zw, in); err != nil {
		return fmt.Errorf("webclient: gzip %s: %w", src, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("webclient: gzip %s: %w", src, err)
	}
	return nil
}

// writeFileAtomic replaces path with data, so readers see the old file or
// the new one, never a part.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("webclient: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("webclient: %w", err)
	}
	return nil
}
