package wsconn

import (
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// acceptGUID is the fixed GUID of RFC 6455 §1.3.
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// Upgrade performs the server side of the RFC 6455 opening handshake for a
// request to w, hijacks the connection and returns it. A request that is
// not a valid WebSocket handshake gets a 400 response whose body gives the
// reason, and Upgrade returns the same reason as an error. Upgrade does not
// check the Origin header, negotiate subprotocols or accept extensions.
//
// Bytes the client sent after its request are kept for Read, so net/http's
// buffers are not used once Upgrade returns; they are freed when the
// handler returns, which is why a handler should hand the Conn to a
// goroutine of its own and return.
func Upgrade(w http.ResponseWriter, r *http.Request, opts Options) (*Conn, error) {
	key, err := checkHandshake(r)
	if err != nil {
		if r.Header.Get("Sec-WebSocket-Version") != "13" {
			w.Header().Set("Sec-WebSocket-Version", "13")
		}
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, err
	}
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "wsconn: cannot take over the connection", http.StatusInternalServerError)
		return nil, fmt.Errorf("wsconn: hijack: %w", err)
	}
	c := newConn(nc, opts)
	// Bytes the client sent after its request are already in net/http's
	// reader: move them to ours so the reader can be dropped.
	if n := brw.Reader.Buffered(); n > 0 {
		if n > len(c.rbuf) {
			c.rbuf = make([]byte, n)
		}
		c.rend, _ = brw.Reader.Read(c.rbuf[:n])
	}
	resp := make([]byte, 0, 160)
	resp = append(resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "...)
	resp = append(resp, acceptKey(key)...)
	resp = append(resp, "\r\n\r\n"...)
	nc.SetWriteDeadline(time.Now().Add(c.opts.WriteTimeout))
	if _, err := nc.Write(resp); err != nil {
		nc.Close()
		return nil, fmt.Errorf("wsconn: write handshake response: %w", err)
	}
	nc.SetWriteDeadline(time.Time{})
	return c, nil
}

// checkHandshake returns the Sec-WebSocket-Key of a valid opening
// handshake, or an error saying what is wrong with it.
func checkHandshake(r *http.Request) (string, error) {
	switch {
	case r.Method != http.MethodGet:
		return "", errors.New("wsconn: WebSocket handshake must use GET")
	case !r.ProtoAtLeast(1, 1) || r.ProtoMajor != 1:
		return "", errors.New("wsconn: WebSocket handshake must use HTTP/1.1")
	case !hasToken(r.Header, "Connection", "upgrade"):
		return "", errors.New(`wsconn: WebSocket handshake needs "Connection: Upgrade"`)
	case !hasToken(r.Header, "Upgrade", "websocket"):
		return "", errors.New(`wsconn: WebSocket handshake needs "Upgrade: websocket"`)
	case r.Header.Get("Sec-WebSocket-Version") != "13":
		return "", errors.New("wsconn: unsupported Sec-WebSocket-Version (want 13)")
	}
	key := r.Header.Get("Sec-WebSocket-Key")
	if b, err := base64.StdEncoding.DecodeString(key); err != nil || len(b) != 16 {
		return "", errors.New("wsconn: Sec-WebSocket-Key must be 16 bytes in base64")
	}
	return key, nil
}

// hasToken reports whether the comma-separated header values hold token,
// ignoring case.
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

func acceptKey(key string) string {
	sum := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}
