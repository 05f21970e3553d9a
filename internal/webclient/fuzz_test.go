package webclient

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strconv"
	"strings"
	"testing"
)

// FuzzHandler sends the handler requests with an arbitrary path,
// Accept-Encoding and Range, as GET, HEAD or POST by method%3. It must never
// panic or answer with a status other than 200, 206, 404, 405 or 416. A
// full answer to a GET carries exactly the file the path names (index.html
// for "/"), or that file's precompressed copy for the Content-Encoding it
// gives, with its length; and it uses an encoding only if Accept-Encoding
// names it or "*".
func FuzzHandler(f *testing.F) {
	fsys := testBuild()
	h := Handler(fsys)
	for _, p := range []string{"/", "/index.html", "/game.0123456789abcdef.wasm", "/wasm_exec.0123456789abcdef.js", "/sub/",
		"/sub/notes.txt", "/../../etc/passwd", "//game.0123456789abcdef.wasm.gz", "/./sub/../manifest.json"} {
		f.Add(uint8(0), p, "gzip, deflate, br, zstd", "")
	}
	for _, accept := range []string{"", "br;q=0, gzip;q=0.5", "identity, *;q=0", "*", "GZIP", "gzip;q=bad", " br ; q=0.1 "} {
		f.Add(uint8(0), "/game.0123456789abcdef.wasm", accept, "")
	}
	for _, rng := range []string{"bytes=0-3", "bytes=-2", "bytes=5-", "bytes=0-0,2-3", "bytes=99-", "bytes=x"} {
		f.Add(uint8(0), "/game.0123456789abcdef.wasm", "gzip", rng)
	}
	f.Add(uint8(1), "/", "", "")
	f.Add(uint8(2), "/", "", "")
	f.Fuzz(func(t *testing.T, method uint8, p, accept, rng string) {
		req := &http.Request{
			Method: [...]string{http.MethodGet, http.MethodHead, http.MethodPost}[method%3],
			URL:    &url.URL{Path: p},
			Header: http.Header{},
		}
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusPartialContent, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusRequestedRangeNotSatisfiable:
		default:
			t.Fatalf("%s %q (Accept-Encoding %q, Range %q): status %d", req.Method, p, accept, rng, rec.Code)
		}
		if rec.Code != http.StatusOK || req.Method != http.MethodGet {
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+p), "/")
		if name == "" {
			name = IndexFile
		}
		enc := rec.Header().Get("Content-Encoding")
		suffix, known := map[string]string{"": "", "br": ".br", "gzip": ".gz"}[enc]
		file, found := fsys[name+suffix]
		if !known || !found || rec.Body.String() != string(file.Data) {
			t.Fatalf("GET %q (Accept-Encoding %q) for %q: Content-Encoding %q and body %q", p, accept, name, enc, rec.Body)
		}
		if enc != "" && !strings.Contains(strings.ToLower(accept), enc) && !strings.Contains(accept, "*") {
			t.Fatalf("GET %q: Content-Encoding %q, which Accept-Encoding %q does not allow", p, enc, accept)
		}
		if got := rec.Header().Get("Content-Length"); got != strconv.Itoa(rec.Body.Len()) {
			t.Fatalf("GET %q: Content-Length %q for %d bytes", p, got, rec.Body.Len())
		}
	})
}
