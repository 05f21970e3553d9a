package webclient

import (
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// Cache-Control values. The page is revalidated on every load so that a new
// build reaches players at once; the files it names carry their content hash
// in their names, so browsers may keep them for a year without asking.
const (
	cacheRevalidate = "no-cache"
	cacheImmutable  = "public, max-age=31536000, immutable"
)

// encodings lists the precompressed variants Handler looks for, best first:
// a request for f is answered with f.br or f.gz when the browser accepts it.
var encodings = [...]struct{ name, suffix string }{{"br", ".br"}, {"gzip", ".gz"}}

// Handler serves the web client built into fsys (see Build) for GET and
// HEAD requests: "/" is index.html, sent with Cache-Control no-cache; files
// with a content hash in their names are sent as immutable; every file is
// sent precompressed (Content-Encoding br or gzip) when the directory holds
// that copy and the request's Accept-Encoding allows it, and as is
// otherwise. A .wasm file is application/wasm. Directories are not listed.
//
// When fsys is nil or has no index.html, "/" answers 404 with a page saying
// how to build the client.
func Handler(fsys fs.FS) http.Handler {
	return &handler{fsys: fsys}
}

type handler struct {
	fsys fs.FS
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = IndexFile
	}
	if h.fsys == nil || !fs.ValidPath(name) {
		h.notFound(w, name)
		return
	}
	f, st, encoding, varies := h.open(name, r.Header.Get("Accept-Encoding"))
	if f == nil {
		h.notFound(w, name)
		return
	}
	defer f.Close()

	hdr := w.Header()
	hdr.Set("Content-Type", contentType(name))
	hdr.Set("X-Content-Type-Options", "nosniff")
	if hashedName.MatchString(name) {
		hdr.Set("Cache-Control", cacheImmutable)
	} else {
		hdr.Set("Cache-Control", cacheRevalidate)
	}
	if varies {
		hdr.Set("Vary", "Accept-Encoding")
	}
	if encoding != "" {
		hdr.Set("Content-Encoding", encoding)
	}
	// ServeContent leaves out Content-Length when Content-Encoding is set
	// (for handlers that compress on the fly); these files are compressed
	// already, so their length is known. It replaces this for ranges and
	// removes it from 304s and errors.
	hdr.Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	if rs, ok := f.(io.ReadSeeker); ok {
		// ServeContent answers Range and If-Modified-Since. With a
		// Content-Encoding, ranges count bytes of the encoded file, which is
		// what HTTP specifies.
		http.ServeContent(w, r, name, st.ModTime(), rs)
		return
	}
	if !st.ModTime().IsZero() {
		hdr.Set("Last-Modified", st.ModTime().UTC().Format(http.TimeFormat))
	}
	if r.Method != http.MethodHead {
		io.Copy(w, f)
	}
}

// open opens the best variant of name for a request accepting accept: the
// file, its encoding ("" for none), and whether precompressed variants
// exist (so the answer varies with Accept-Encoding). It returns a nil file
// when name is missing or is a directory.
func (h *handler) open(name, accept string) (fs.File, fs.FileInfo, string, bool) {
	varies := false
	for _, enc := range encodings {
		f, st := h.openFile(name + enc.suffix)
		if f == nil {
			continue
		}
		varies = true
		if accepts(accept, enc.name) {
			return f, st, enc.name, true
		}
		f.Close()
	}
	f, st := h.openFile(name)
	return f, st, "", varies
}

// openFile opens a regular file, or returns nil.
func (h *handler) openFile(name string) (fs.File, fs.FileInfo) {
	f, err := h.fsys.Open(name)
	if err != nil {
		return nil, nil
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, nil
	}
	return f, st
}

// notFound answers 404; for the page itself, with how to build the client.
func (h *handler) notFound(w http.ResponseWriter, name string) {
	if name != IndexFile {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", cacheRevalidate)
	w.WriteHeader(http.StatusNotFound)
	io.WriteString(w, notBuiltPage)
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TinyMMO: web client not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
<h1>TinyMMO</h1>
<p>The servers are running, but this gateway has no web client to serve yet.</p>
<p>In the source tree, build it with</p>
<pre>go run ./tools/buildweb</pre>
<p>then reload this page. (<code>go run ./cmd/tinymmo dev</code>, started from the
source tree's root, builds it by itself.)</p>
<p>The gateway serves <code>web/dist</code> when that directory exists;
<code>--web DIR</code> serves another one.</p>
</body></html>
`

// contentType returns the media type for a file name.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		return "application/wasm"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".json":
		return "application/json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// accepts reports whether an Accept-Encoding header value allows coding:
// listed by name or by "*" with a q-value above zero.
func accepts(header, coding string) bool {
	wildcard := false
	for part := range strings.SplitSeq(header, ",") {
		token, params, _ := strings.Cut(part, ";")
		token = strings.ToLower(strings.TrimSpace(token))
		if token != coding && token != "*" {
			continue
		}
		ok := qValue(params) > 0
		if token == coding {
			return ok
		}
		wildcard = ok
	}
	return wildcard
}

// qValue parses the q parameter of an Accept-Encoding element, 1 if absent
// and 0 if malformed.
func qValue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return 0
		}
		return q
	}
	return 1
}
