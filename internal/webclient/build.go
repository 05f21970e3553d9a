// Package webclient builds the browser game client and serves it.
//
// Build compiles cmd/client for js/wasm and writes what a browser loads into
// an output directory (web/dist by default):
//
//	index.html                       the loader page: a progress bar while the game downloads
//	game.<hash>.wasm, .wasm.br, .gz   the game, with its brotli and gzip -9 copies
//	wasm_exec.<hash>.js, .js.br, .gz  the Go runtime glue, copied from the toolchain at build time
//	manifest.json                     what the build wrote and what a browser downloads; written last
//
// The hashed names change whenever the content does, so Handler lets browsers
// cache them forever while index.html is revalidated on every load. Build
// skips its work when the output is newer than every input, so callers such
// as "tinymmo dev" may call it on every start.
//
// The brotli copies are what browsers that accept brotli download; how small
// they are depends on BuildConfig.BrotliQuality, which trades build time for
// bytes (see DefaultBrotliQuality). The manifest and Build's log give the
// download's size for each encoding (Download).
//
// The package keeps no state: Build runs the go command in the caller's
// goroutine and compresses in it and one more goroutine that it waits for,
// and Handler only reads the file system it is given. The gateway
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
	"sync"
	"time"

	"github.com/andybalholm/brotli"

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

// Brotli qualities for BuildConfig.BrotliQuality. Brotli's qualities run
// from 0 to 11; higher is smaller and slower. For the 28.8 MB game of
// December 2026, on one core of the project's machines (docs/operations.md
// has the whole table):
//
//	quality   brotli copy   time
//	   5        5.56 MB     1.1 s
//	   6        5.49 MB     1.6–1.9 s
//	   9        5.35 MB     4.0 s
//	  10        4.88 MB     38 s
//	  11        4.69 MB     82–84 s
//
// (gzip -9: 6.61 MB in 3.0 s.) From 10 on, brotli searches for the cheapest
// sequence of matches instead of taking good ones as it finds them: 9 %
// smaller than 9, ten times slower.
const (
	// DefaultBrotliQuality is fast enough to run on every start of
	// "tinymmo dev": its copy is made while the gzip copy is, and takes no
	// longer.
	DefaultBrotliQuality = 6
	// BestBrotliQuality is the smallest, for what players download from a
	// deployment (tools/buildweb's default).
	BestBrotliQuality = 11
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
	// BrotliQuality is the quality of the .br copies; 0 for a build made
	// before Build wrote them.
	BrotliQuality int `json:"brotli_quality"`
	// Download is what a browser transfers to start the game.
	Download Download `json:"download"`
	// Files lists every file of the build but the manifest, sorted.
	Files []string `json:"files"`
}

// Download is the number of bytes a browser transfers to start the game
// on its first visit (index.html, wasm_exec.js and the game, headers not
// counted), for each Content-Encoding that Handler may send them with.
// Browsers offer brotli over HTTPS and to localhost; over plain HTTP to
// another host they offer gzip only.
type Download struct {
	// Brotli is the download of a browser that accepts br.
	Brotli int64 `json:"brotli"`
	// Gzip is the download of one that accepts gzip but not br.
	Gzip int64 `json:"gzip"`
	// Identity is the download of one that accepts neither: the files as
	// they are.
	Identity int64 `json:"identity"`
}

// String gives the sizes in megabytes (10⁶ bytes), e.g.
// "4.69 MB with brotli, 6.61 MB with gzip, 28.78 MB uncompressed".
func (d Download) String() string {
	mb := func(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }
	return mb(d.Brotli) + " with brotli, " + mb(d.Gzip) + " with gzip, " + mb(d.Identity) + " uncompressed"
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
	// BrotliQuality is the quality, 1 to 11, of the brotli copy written
	// beside each asset: higher is smaller and slower (see
	// DefaultBrotliQuality). A build in Out with a lower quality is out of
	// date; one with a higher quality is not. Zero means
	// DefaultBrotliQuality.
	BrotliQuality int
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
// than every input (the Go files and embedded files of cmd/client's packages
// in this module, go.mod, go.sum and web/index.html.tmpl), with the same Go
// version, and compressed at cfg.BrotliQuality or better. It returns the
// manifest of the build in cfg.Out and whether it built. Files of older
// builds are deleted, except those of the one just before, which pages
// loaded a moment ago may still fetch.
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
		b.log.Info("web client is up to date", "dir", b.out, "download", old.Download.String(), "brotli_quality", old.BrotliQuality)
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
	brotliQuality    int
	log              *slog.Logger
	goVersion        string
	goroot           string
}

func newBuilder(ctx context.Context, cfg BuildConfig) (*builder, error) {
	b := &builder{root: cfg.Root, out: cfg.Out, goCmd: cfg.Go, brotliQuality: cfg.BrotliQuality, log: cfg.Log}
	if b.brotliQuality == 0 {
		b.brotliQuality = DefaultBrotliQuality
	}
	if b.brotliQuality < 1 || b.brotliQuality > BestBrotliQuality {
		return nil, fmt.Errorf("webclient: brotli quality %d out of range 1 to %d", cfg.BrotliQuality, BestBrotliQuality)
	}
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
	if m.BrotliQuality < b.brotliQuality {
		return m, fmt.Sprintf("brotli quality %d, %d asked", m.BrotliQuality, b.brotliQuality), nil
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
	m := Manifest{GoVersion: b.goVersion, BrotliQuality: b.brotliQuality}
	game, err := b.publish(ctx, wasm, "game", ".wasm")
	if err != nil {
		return Manifest{}, err
	}
	glue := filepath.Join(tmp, "wasm_exec.js")
	if err := copyFile(glue, filepath.Join(b.goroot, "lib", "wasm", "wasm_exec.js")); err != nil {
		return Manifest{}, err
	}
	script, err := b.publish(ctx, glue, "wasm_exec", ".js")
	if err != nil {
		return Manifest{}, err
	}
	m.Wasm, m.WasmSize, m.WasmExec = game.name, game.size, script.name
	for _, a := range []asset{game, script} {
		m.Files = append(m.Files, a.name, a.name+".br", a.name+".gz")
		m.Download.Brotli += a.br
		m.Download.Gzip += a.gz
		m.Download.Identity += a.size
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
	// The page is sent as it is: at 4 kB it is not worth a compressed copy
	// that would have to be swapped in with it.
	m.Download.Brotli += int64(page.Len())
	m.Download.Gzip += int64(page.Len())
	m.Download.Identity += int64(page.Len())
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
		"download", m.Download.String(), "brotli_quality", m.BrotliQuality,
		"took", time.Since(start).Round(100*time.Millisecond))
	return m, nil
}

// asset is a published file: its hashed name and the sizes of it and its
// compressed copies.
type asset struct {
	name         string
	size, br, gz int64
}

// publish moves the file at src into b.out under a content-hashed name
// base.<hash>ext, beside its brotli and gzip copies.
func (b *builder) publish(ctx context.Context, src, base, ext string) (asset, error) {
	f, err := os.Open(src)
	if err != nil {
		return asset{}, fmt.Errorf("webclient: %w", err)
	}
	h := sha256.New()
	size, err := io.Copy(h, f)
	f.Close()
	if err != nil {
		return asset{}, fmt.Errorf("webclient: hash %s: %w", src, err)
	}
	a := asset{name: base + "." + hex.EncodeToString(h.Sum(nil))[:16] + ext, size: size}
	if b.brotliQuality > 9 && size > 1<<20 {
		b.log.Info("compressing with brotli (quality 10 takes about 1.3 s a megabyte, 11 about 3 s)",
			"file", a.name, "bytes", size, "brotli_quality", b.brotliQuality)
	}
	// The two copies are made at once: at the default quality the brotli
	// copy takes less time than the gzip one, so on two cores it adds
	// little to a build (a warm one took 5.5–6.4 s, against 4.6–4.8 s with
	// the gzip copy alone).
	var wg sync.WaitGroup
	var gzErr error
	wg.Go(func() {
		a.gz, gzErr = compressFile(ctx, src+".gz", src, func(w io.Writer) io.WriteCloser {
			zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression) // the level is valid
			return zw
		})
	})
	var brErr error
	a.br, brErr = compressFile(ctx, src+".br", src, func(w io.Writer) io.WriteCloser {
		return brotli.NewWriterLevel(w, b.brotliQuality)
	})
	wg.Wait()
	if err := errors.Join(brErr, gzErr); err != nil {
		return asset{}, err
	}
	dst := filepath.Join(b.out, a.name)
	for _, suffix := range []string{".br", ".gz", ""} {
		if err := os.Rename(src+suffix, dst+suffix); err != nil {
			return asset{}, fmt.Errorf("webclient: %w", err)
		}
	}
	return a, nil
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

// compressFile writes src to dst through the compressor newWriter returns
// and returns the compressed size. It stops with ctx's error when ctx is
// done: at brotli's best quality a large file takes minutes.
func compressFile(ctx context.Context, dst, src string, newWriter func(io.Writer) io.WriteCloser) (size int64, err error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, fmt.Errorf("webclient: %w", err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return 0, fmt.Errorf("webclient: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("webclient: %w", cerr)
		}
	}()
	counted := &countingWriter{w: out}
	zw := newWriter(counted)
	// Brotli compresses each write on its own once it has buffered enough:
	// writes of io.Copy's 32 kB make the game's copy 0.4 % bigger than
	// writes of 1 MB or more.
	if _, err := io.CopyBuffer(zw, ctxReader{ctx, in}, make([]byte, 1<<20)); err != nil {
		return 0, fmt.Errorf("webclient: compress %s: %w", src, err)
	}
	if err := zw.Close(); err != nil {
		return 0, fmt.Errorf("webclient: compress %s: %w", src, err)
	}
	return counted.n, nil
}

// ctxReader is a reader that fails with its context's error once the
// context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
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
