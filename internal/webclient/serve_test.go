package webclient

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/andybalholm/brotli"
)

// testBuild is a build directory as Build writes it, with a brotli copy of
// the game as a release build has.
func testBuild() fstest.MapFS {
	mod := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), ModTime: mod} }
	return fstest.MapFS{
		"index.html":                        file("<!doctype html><title>TinyMMO</title>"),
		"manifest.json":                     file(`{"wasm":"game.0123456789abcdef.wasm"}`),
		"game.0123456789abcdef.wasm":        file("raw wasm bytes"),
		"game.0123456789abcdef.wasm.gz":     file("gzip wasm"),
		"game.0123456789abcdef.wasm.br":     file("br wasm"),
		"wasm_exec.0123456789abcdef.js":     file("raw js"),
		"wasm_exec.0123456789abcdef.js.gz":  file("gzip js"),
		"sub/notes.txt":                     file("a file in a directory"),
		"game.0123456789abcdef.wasm.gz.bak": file("not a hashed name"),
	}
}

func TestHandlerHeaders(t *testing.T) {
	h := Handler(testBuild())
	for _, tc := range []struct {
		name, method, path, accept string
		status                     int
		body                       string
		contentType, encoding      string
		cache, vary                string
	}{
		{"page", "GET", "/", "gzip", 200, "<!doctype html><title>TinyMMO</title>",
			"text/html; charset=utf-8", "", cacheRevalidate, ""},
		{"page by name", "GET", "/index.html", "", 200, "<!doctype html><title>TinyMMO</title>",
			"text/html; charset=utf-8", "", cacheRevalidate, ""},
		{"wasm, gzip accepted", "GET", "/game.0123456789abcdef.wasm", "gzip, deflate", 200, "gzip wasm",
			"application/wasm", "gzip", cacheImmutable, "Accept-Encoding"},
		{"wasm, brotli preferred", "GET", "/game.0123456789abcdef.wasm", "gzip, deflate, br, zstd", 200, "br wasm",
			"application/wasm", "br", cacheImmutable, "Accept-Encoding"},
		{"wasm, brotli refused", "GET", "/game.0123456789abcdef.wasm", "br;q=0, gzip;q=0.5", 200, "gzip wasm",
			"application/wasm", "gzip", cacheImmutable, "Accept-Encoding"},
		{"wasm, no encoding", "GET", "/game.0123456789abcdef.wasm", "", 200, "raw wasm bytes",
			"application/wasm", "", cacheImmutable, "Accept-Encoding"},
		{"wasm, identity only", "GET", "/game.0123456789abcdef.wasm", "identity, *;q=0", 200, "raw wasm bytes",
			"application/wasm", "", cacheImmutable, "Accept-Encoding"},
		{"wasm, wildcard", "GET", "/game.0123456789abcdef.wasm", "*", 200, "br wasm",
			"application/wasm", "br", cacheImmutable, "Accept-Encoding"},
		{"script, gzip", "GET", "/wasm_exec.0123456789abcdef.js", "gzip", 200, "gzip js",
			"text/javascript; charset=utf-8", "gzip", cacheImmutable, "Accept-Encoding"},
		{"script, raw", "GET", "/wasm_exec.0123456789abcdef.js", "br", 200, "raw js",
			"text/javascript; charset=utf-8", "", cacheImmutable, "Accept-Encoding"},
		{"unhashed file", "GET", "/manifest.json", "gzip", 200, `{"wasm":"game.0123456789abcdef.wasm"}`,
			"application/json", "", cacheRevalidate, ""},
		{"HEAD", "HEAD", "/game.0123456789abcdef.wasm", "gzip", 200, "",
			"application/wasm", "gzip", cacheImmutable, "Accept-Encoding"},
		{"missing", "GET", "/nothing.js", "gzip", 404, "", "", "", "", ""},
		{"directory", "GET", "/sub", "", 404, "", "", "", "", ""},
		{"directory with slash", "GET", "/sub/", "", 404, "", "", "", "", ""},
		{"file in a directory", "GET", "/sub/notes.txt", "", 200, "a file in a directory",
			"text/plain; charset=utf-8", "", cacheRevalidate, ""},
		{"escape attempt", "GET", "/../../etc/passwd", "", 404, "", "", "", "", ""},
		{"POST", "POST", "/", "", 405, "", "", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Encoding", tc.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			resp := rec.Result()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("%s %s: status %d, want %d (body %q)", tc.method, tc.path, resp.StatusCode, tc.status, body)
			}
			if tc.status != 200 {
				return
			}
			if string(body) != tc.body {
				t.Errorf("body = %q, want %q", body, tc.body)
			}
			for _, hd := range []struct{ name, want string }{
				{"Content-Type", tc.contentType},
				{"Content-Encoding", tc.encoding},
				{"Cache-Control", tc.cache},
				{"Vary", tc.vary},
				{"X-Content-Type-Options", "nosniff"},
			} {
				if got := resp.Header.Get(hd.name); got != hd.want {
					t.Errorf("%s = %q, want %q", hd.name, got, hd.want)
				}
			}
			// The length is that of the bytes sent, compressed or not.
			want := len(tc.body)
			if tc.method == "HEAD" {
				want = len("gzip wasm")
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(want) {
				t.Errorf("Content-Length = %q, want %d", got, want)
			}
		})
	}
}

// TestBuildIsServedInEachEncoding builds a client (with a stand-in for the
// go command) and fetches it over HTTP as browsers do: one that accepts
// brotli gets the .br copies, one that accepts only gzip the .gz ones, and
// one that accepts neither the files as they are. Each decodes to the built
// bytes, and the bytes sent add up to the manifest's Download.
func TestBuildIsServedInEachEncoding(t *testing.T) {
	root, goCmd := sourceTree(t)
	wasm := strings.Repeat("(func $game (result i32) i32.const 42)\n", 2000)
	t.Setenv("FAKE_WASM", wasm)
	out := filepath.Join(t.TempDir(), "dist")
	m, _, err := Build(t.Context(), BuildConfig{Root: root, Go: goCmd, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	glue, err := os.ReadFile(filepath.Join(out, m.WasmExec))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler(os.DirFS(out)))
	t.Cleanup(srv.Close)
	// DisableCompression keeps the transport from asking for gzip and
	// decoding it behind the test's back.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	t.Cleanup(client.CloseIdleConnections)

	for _, tc := range []struct {
		name, accept, encoding string
		download               int64
	}{
		{"brotli", "gzip, deflate, br, zstd", "br", m.Download.Brotli},
		{"gzip only", "gzip, deflate", "gzip", m.Download.Gzip},
		{"identity", "", "", m.Download.Identity},
		{"identity asked", "identity", "", m.Download.Identity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sent int64
			for _, f := range []struct{ path, want string }{
				{"/", ""}, // the page is checked elsewhere; counted here
				{"/" + m.WasmExec, string(glue)},
				{"/" + m.Wasm, wasm},
			} {
				req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+f.path, nil)
				if tc.accept != "" {
					req.Header.Set("Accept-Encoding", tc.accept)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d, %v", f.path, resp.StatusCode, err)
				}
				if resp.ContentLength != int64(len(body)) {
					t.Errorf("GET %s: Content-Length %d, sent %d bytes", f.path, resp.ContentLength, len(body))
				}
				sent += int64(len(body))
				if f.want == "" {
					continue
				}
				enc := resp.Header.Get("Content-Encoding")
				if enc != tc.encoding {
					t.Fatalf("GET %s: Content-Encoding %q, want %q", f.path, enc, tc.encoding)
				}
				var r io.Reader = bytes.NewReader(body)
				switch enc {
				case "br":
					r = brotli.NewReader(r)
				case "gzip":
					if r, err = gzip.NewReader(r); err != nil {
						t.Fatalf("GET %s: %v", f.path, err)
					}
				}
				got, err := io.ReadAll(r)
				if err != nil || string(got) != f.want {
					t.Errorf("GET %s decodes to %d bytes (%v), want the %d built", f.path, len(got), err, len(f.want))
				}
			}
			if sent != tc.download {
				t.Errorf("sent %d bytes, manifest's Download says %d", sent, tc.download)
			}
		})
	}
	if m.Download.Brotli >= m.Download.Gzip || m.Download.Gzip >= m.Download.Identity {
		t.Errorf("Download = %+v, want brotli < gzip < identity", m.Download)
	}
}

func TestHandlerRangeOfPrecompressedFile(t *testing.T) {
	req := httptest.NewRequest("GET", "/game.0123456789abcdef.wasm", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Range", "bytes=0-3")
	rec := httptest.NewRecorder()
	Handler(testBuild()).ServeHTTP(rec, req)
	if rec.Code != http.StatusPartialContent || rec.Body.String() != "gzip" ||
		rec.Header().Get("Content-Length") != "4" || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("range of the gzip copy: %d %q, Content-Length %q, Content-Encoding %q; want 206 \"gzip\", 4, gzip",
			rec.Code, rec.Body.String(), rec.Header().Get("Content-Length"), rec.Header().Get("Content-Encoding"))
	}
}

func TestHandlerRevalidatesPage(t *testing.T) {
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("If-Modified-Since", time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat))
	rec := httptest.NewRecorder()
	Handler(testBuild()).ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Fatalf("conditional GET of an unchanged page: %d, want 304", rec.Code)
	}
}

func TestHandlerWithoutBuildSaysHowToBuild(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"no directory", Handler(nil)},
		{"empty directory", Handler(fstest.MapFS{})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tc.h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "go run ./tools/buildweb") ||
				!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				t.Fatalf("GET /: %d %s %q; want 404, HTML saying how to build", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
			}
			rec = httptest.NewRecorder()
			tc.h.ServeHTTP(rec, httptest.NewRequest("GET", "/game.0123456789abcdef.wasm", nil))
			if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "buildweb") {
				t.Fatalf("GET of a file: %d %q; want a plain 404", rec.Code, rec.Body.String())
			}
		})
	}
}

func TestAccepts(t *testing.T) {
	for _, tc := range []struct {
		header, coding string
		want           bool
	}{
		{"", "gzip", false},
		{"gzip", "gzip", true},
		{"GZIP", "gzip", true},
		{"deflate, gzip;q=1.0, *;q=0.5", "gzip", true},
		{"gzip;q=0", "gzip", false},
		{"gzip; q=0.000", "gzip", false},
		{"gzip;q=bad", "gzip", false},
		{"*", "br", true},
		{"*;q=0", "br", false},
		{"*, br;q=0", "br", false},
		{"br;q=0, *", "br", false},
		{"x-gzip", "gzip", false},
		{" br ; q=0.1 ", "br", true},
	} {
		if got := accepts(tc.header, tc.coding); got != tc.want {
			t.Errorf("accepts(%q, %q) = %v, want %v", tc.header, tc.coding, got, tc.want)
		}
	}
}
