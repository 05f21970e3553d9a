package wsconn_test

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/wsconn"
	"github.com/tinymmo/tinymmo/internal/wstest"
)

// fuzzReadLimit is the ReadLimit of the fuzzed connections: above the
// 512-byte read buffer, so that both the buffered and the large-frame paths
// are reached, and small enough for fuzzed inputs to go over it.
const fuzzReadLimit = 1000

// fuzzOptions are the Options of the fuzzed connections. Pings and the idle
// timeout are off: a run must not depend on the clock.
var fuzzOptions = wsconn.Options{ReadLimit: fuzzReadLimit, PingInterval: -1, IdleTimeout: -1}

// handshake is a valid opening handshake, as a browser sends it (the key is
// the example of RFC 6455 §1.3).
const handshake = "GET /play HTTP/1.1\r\nHost: world.example\r\nConnection: keep-alive, Upgrade\r\n" +
	"Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"

// clientMessages are real messages of the game's protocol, as a client
// sends them.
var clientMessages = [][]byte{
	protocol.Hello{Version: protocol.Version, Token: "jt_Q29mZmVlQnJlYWs"}.Append(nil),
	protocol.Input{Seq: 1, Tick: 300, Move: protocol.DirNE, Aim: protocol.DirNE.Aim()}.Append(nil),
	protocol.Input{Seq: 2, Tick: 301, Buttons: protocol.ButtonPrimary}.Append(nil),
	protocol.Ping{ClientTime: 1_700_000_000_000}.Append(nil),
}

// scriptConn is a net.Conn that plays a client from memory: its reads return
// in, at most chunk bytes at a time, then io.EOF, and its writes are
// recorded. Unlike net.Pipe it never blocks, and the client's bytes end in a
// clean EOF, so a fuzz run does not depend on goroutine timing. Deadlines
// are accepted and ignored, since nothing waits.
type scriptConn struct {
	in    []byte // owned by the reader
	chunk int

	closeOnce sync.Once
	closed    chan struct{} // closed by Close

	mu  sync.Mutex // guards out
	out []byte
}

func newScriptConn(in []byte, chunk int) *scriptConn {
	return &scriptConn{in: in, chunk: chunk, closed: make(chan struct{})}
}

func (c *scriptConn) Read(p []byte) (int, error) {
	select {
	case <-c.closed:
		return 0, net.ErrClosed
	default:
	}
	if len(c.in) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.chunk)], c.in)
	c.in = c.in[n:]
	return n, nil
}

func (c *scriptConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.closed:
		return 0, net.ErrClosed
	default:
	}
	c.out = append(c.out, p...)
	return len(p), nil
}

func (c *scriptConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}

func (c *scriptConn) LocalAddr() net.Addr              { return &net.UnixAddr{Name: "server", Net: "unix"} }
func (c *scriptConn) RemoteAddr() net.Addr             { return &net.UnixAddr{Name: "client", Net: "unix"} }
func (c *scriptConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(time.Time) error { return nil }

// written waits until the connection is closed and returns what the server
// wrote to it.
func (c *scriptConn) written(t *testing.T) []byte {
	t.Helper()
	select {
	case <-c.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not close the connection")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out
}

// hijacker is an http.ResponseWriter that hands over conn when hijacked, as
// net/http does; br holds what net/http read past the request.
type hijacker struct {
	*httptest.ResponseRecorder
	conn net.Conn
	br   *bufio.Reader
}

func (h hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.conn, bufio.NewReadWriter(h.br, bufio.NewWriter(h.conn)), nil
}

// dialScript upgrades a connection whose client sends the valid handshake
// with early right behind it, as net/http finds them in one read, and then
// in, chunk bytes at a time.
func dialScript(t *testing.T, early, in []byte, chunk int) (*wsconn.Conn, *scriptConn) {
	t.Helper()
	req := append([]byte(handshake), early...)
	br := bufio.NewReaderSize(bytes.NewReader(req), len(req))
	r, err := http.ReadRequest(br)
	if err != nil {
		t.Fatal(err)
	}
	sc := newScriptConn(in, chunk)
	c, err := wsconn.Upgrade(hijacker{httptest.NewRecorder(), sc, br}, r, fuzzOptions)
	if err != nil {
		t.Fatalf("Upgrade: %v", err)
	}
	return c, sc
}

// serverFrame is a frame the server wrote: its first header byte and its
// payload.
type serverFrame struct {
	b0      byte
	payload []byte
}

// serverFrames parses out, what the server wrote: the handshake response,
// then whole, unmasked frames.
func serverFrames(t *testing.T, out []byte) []serverFrame {
	t.Helper()
	server := bufio.NewReader(bytes.NewReader(out))
	resp, err := http.ReadResponse(server, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake response: %v, %v", resp, err)
	}
	var frames []serverFrame
	for {
		b0, p, err := wstest.ReadFrame(server)
		if err == io.EOF {
			return frames
		}
		if err != nil {
			t.Fatalf("server frame %d: %v", len(frames), err)
		}
		frames = append(frames, serverFrame{b0, p})
	}
}

// closeCode returns the code of a close frame's payload.
func closeCode(t *testing.T, p []byte) uint16 {
	t.Helper()
	if len(p) < 2 {
		t.Fatalf("close frame payload % x has no code", p)
	}
	return binary.BigEndian.Uint16(p)
}

// FuzzRead feeds Conn.Read arbitrary client bytes after a valid handshake:
// the first early bytes arrive with the handshake, the rest in reads of
// chunk+1 bytes. Read must never panic, and every message it returns is at
// most ReadLimit bytes, and UTF-8 if text. The input ends in one of the
// documented ways, and Read returns that error again afterwards: a
// *ProtocolError with one of the package's status codes, sent in a close
// frame; a *CloseError for the client's close frame, answered with one; or
// the end of the input. All the server writes is whole, final, unmasked
// pongs and at most one close frame, last.
func FuzzRead(f *testing.F) {
	for _, m := range clientMessages {
		f.Add(wstest.Frame(0x82, m, true), uint16(0), uint8(255))
	}
	var game []byte
	for _, m := range clientMessages {
		game = append(game, wstest.Frame(0x82, m, true)...)
	}
	f.Add(game, uint16(len(game)), uint8(0))
	f.Add(game, uint16(3), uint8(2))
	for _, seed := range [][]byte{
		append(append(wstest.Frame(0x01, []byte("hel"), true), wstest.Frame(0x89, []byte("p"), true)...), wstest.Frame(0x80, []byte("lo wörld"), true)...),
		wstest.Frame(0x82, make([]byte, fuzzReadLimit), true),
		wstest.Frame(0x82, make([]byte, fuzzReadLimit+1), true),
		append(wstest.Frame(0x02, make([]byte, 600), true), wstest.Frame(0x80, make([]byte, 600), true)...),
		wstest.Frame(0x81, []byte{0xc3, 0x28}, true),
		wstest.Frame(0x82|0x40, []byte("x"), true),
		wstest.Frame(0x82, []byte("x"), false),
		wstest.Frame(0x09, []byte("x"), true),
		wstest.Frame(0x89, make([]byte, 126), true),
		wstest.Frame(0x83, nil, true),
		wstest.Frame(0x80, []byte("x"), true),
		wstest.Frame(0x88, []byte{0x03, 0xED}, true),
		wstest.Frame(0x88, []byte{0x03}, true),
		wstest.Frame(0x88, []byte{0x03, 0xE8, 0xff}, true),
		wstest.Frame(0x88, []byte{0x0F, 0xA7, 'b', 'y', 'e'}, true),
		wstest.Frame(0x88, nil, true),
		{0x82, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4},
	} {
		f.Add(seed, uint16(0), uint8(255))
	}
	f.Fuzz(func(t *testing.T, data []byte, early uint16, chunk uint8) {
		n := min(int(early), len(data))
		c, sc := dialScript(t, data[:n], data[n:], int(chunk)+1)
		var err error
		for err == nil {
			var bin bool
			var msg []byte
			bin, msg, err = c.Read(time.Time{})
			switch {
			case err != nil:
			case len(msg) > fuzzReadLimit:
				t.Fatalf("Read returned a message of %d bytes, over the limit of %d", len(msg), fuzzReadLimit)
			case !bin && !utf8.Valid(msg):
				t.Fatalf("Read returned a text message that is not UTF-8: % x", msg)
			}
		}
		if _, _, again := c.Read(time.Time{}); again != err {
			t.Fatalf("Read after %v = %v, want the same error", err, again)
		}
		var (
			pe        *wsconn.ProtocolError
			ce        *wsconn.CloseError
			wantClose uint16 // the code of the server's close frame; 0: none
		)
		switch {
		case errors.As(err, &pe):
			switch pe.Code {
			case wsconn.StatusProtocolError, wsconn.StatusInvalidData, wsconn.StatusTooBig:
			default:
				t.Fatalf("Read = %v, a status code wsconn does not document", err)
			}
			wantClose = pe.Code
		case errors.As(err, &ce):
			wantClose = ce.Code
			if ce.Code == 1005 { // no code: answered with a normal close
				wantClose = wsconn.StatusNormal
			}
		case errors.Is(err, io.EOF):
			// The input ran out; the connection is closed without a
			// close frame.
		default:
			t.Fatalf("Read = %T %v, not one of the documented errors", err, err)
		}
		frames := serverFrames(t, sc.written(t))
		for i, fr := range frames {
			switch fr.b0 {
			case 0x80 | 0x8:
				if i != len(frames)-1 {
					t.Fatalf("server close frame %d of %d is not the last", i, len(frames))
				}
				if code := closeCode(t, fr.payload); code != wantClose {
					t.Fatalf("server close frame has code %d after Read error %v", code, err)
				}
			case 0x80 | 0xA:
			default:
				t.Fatalf("server frame %d starts with %#x, want a final pong or close", i, fr.b0)
			}
		}
		if wantClose != 0 && (len(frames) == 0 || frames[len(frames)-1].b0 != 0x88) {
			t.Fatalf("Read = %v, but the server sent no close frame", err)
		}
	})
}

// FuzzReadMessage sends one message, text or binary, in pieces%8+1
// fragments with a ping between each two, then a close frame, all in reads
// of chunk+1 bytes. Read must return the message as sent and then the
// close, or refuse it with 1009 if it is over ReadLimit or else with 1007 if
// it is text that is not UTF-8. The server answers every ping it read, in
// order, and ends with a close frame of the same code.
func FuzzReadMessage(f *testing.F) {
	for _, m := range clientMessages {
		f.Add(m, false, uint8(0), uint8(255))
	}
	f.Add([]byte("hello wörld"), true, uint8(3), uint8(0))
	f.Add([]byte{0xc3, 0x28}, true, uint8(1), uint8(7))
	f.Add(make([]byte, fuzzReadLimit), false, uint8(2), uint8(100))
	f.Add(make([]byte, fuzzReadLimit+1), false, uint8(0), uint8(255))
	f.Fuzz(func(t *testing.T, msg []byte, text bool, pieces, chunk uint8) {
		op := byte(0x2)
		if text {
			op = 0x1
		}
		nfrag := int(pieces%8) + 1
		var in []byte
		var pings [][]byte
		for i := range nfrag {
			b0 := op
			if i > 0 {
				b0 = 0x0 // continuation
			}
			if i == nfrag-1 {
				b0 |= 0x80
			}
			in = append(in, wstest.Frame(b0, msg[len(msg)*i/nfrag:len(msg)*(i+1)/nfrag], true)...)
			if i < nfrag-1 {
				ping := []byte{'p', byte(i)}
				pings = append(pings, ping)
				in = append(in, wstest.Frame(0x89, ping, true)...)
			}
		}
		in = append(in, wstest.Frame(0x88, binary.BigEndian.AppendUint16(nil, wsconn.StatusNormal), true)...)
		c, sc := dialScript(t, nil, in, int(chunk)+1)

		bin, got, err := c.Read(time.Time{})
		var wantCode uint16
		switch {
		case len(msg) > fuzzReadLimit:
			wantCode = wsconn.StatusTooBig
		case text && !utf8.Valid(msg):
			wantCode = wsconn.StatusInvalidData
		}
		if wantCode != 0 {
			var pe *wsconn.ProtocolError
			if !errors.As(err, &pe) || pe.Code != wantCode {
				t.Fatalf("Read of %d bytes (text %v) = %v, want a ProtocolError %d", len(msg), text, err, wantCode)
			}
		} else {
			if err != nil || bin == text || !bytes.Equal(got, msg) {
				t.Fatalf("Read = binary %v, % x, %v; want binary %v, % x", bin, got, err, !text, msg)
			}
			_, _, err = c.Read(time.Time{})
			var ce *wsconn.CloseError
			if !errors.As(err, &ce) || ce.Code != wsconn.StatusNormal {
				t.Fatalf("Read after the message = %v, want a CloseError %d", err, wsconn.StatusNormal)
			}
			wantCode = wsconn.StatusNormal
		}

		frames := serverFrames(t, sc.written(t))
		if len(frames) == 0 || frames[len(frames)-1].b0 != 0x88 {
			t.Fatalf("the server's last frame is not a close frame: %v", frames)
		}
		if code := closeCode(t, frames[len(frames)-1].payload); code != wantCode {
			t.Fatalf("server close frame has code %d, want %d", code, wantCode)
		}
		pongs := frames[:len(frames)-1]
		if wantCode == wsconn.StatusNormal && len(pongs) != len(pings) {
			t.Fatalf("server sent %d pongs for %d pings", len(pongs), len(pings))
		}
		for i, fr := range pongs {
			if i >= len(pings) || fr.b0 != 0x8A || !bytes.Equal(fr.payload, pings[i]) {
				t.Fatalf("server frame %d = %#x % x, want a pong of % x", i, fr.b0, fr.payload, pings[min(i, len(pings)-1)])
			}
		}
	})
}

// FuzzUpgrade feeds Upgrade arbitrary requests, as net/http parses them.
// Upgrade must never panic. Either it accepts the request, which must then
// be a GET over HTTP/1.1 with Sec-WebSocket-Version 13 and a 16-byte key,
// and answers 101 with the key's RFC 6455 accept value on the connection;
// or it refuses it with a 400 whose body gives the error it returns (and
// the version it wants if that was wrong) and writes nothing on the
// connection.
func FuzzUpgrade(f *testing.F) {
	f.Add([]byte(handshake))
	f.Add([]byte(handshake + string(wstest.Frame(0x82, clientMessages[0], true))))
	for _, edit := range [][2]string{
		{"Version: 13", "Version: 8"},
		{"GET", "POST"},
		{"HTTP/1.1", "HTTP/1.0"},
		{"keep-alive, Upgrade", "keep-alive"},
		{"Upgrade: websocket", "upgrade: WebSocket, h2c"},
		{"dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ"},
		{"dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZT8/"},
	} {
		f.Add([]byte(strings.Replace(handshake, edit[0], edit[1], 1)))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		br := bufio.NewReader(bytes.NewReader(raw))
		r, err := http.ReadRequest(br)
		if err != nil {
			return // net/http answers it before any handler runs
		}
		sc := newScriptConn(nil, 1)
		rec := httptest.NewRecorder()
		c, err := wsconn.Upgrade(hijacker{rec, sc, br}, r, fuzzOptions)
		version := r.Header.Get("Sec-WebSocket-Version")
		if err != nil {
			sc.Close()
			switch out := sc.written(t); {
			case c != nil:
				t.Fatalf("Upgrade returned a Conn with error %v", err)
			case rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), err.Error()):
				t.Fatalf("Upgrade = %v, answered %d %q; want 400 with the error", err, rec.Code, rec.Body)
			case version != "13" && rec.Header().Get("Sec-WebSocket-Version") != "13":
				t.Fatalf("Upgrade refused version %q without naming version 13", version)
			case len(out) != 0:
				t.Fatalf("Upgrade refused the request but wrote %q on the connection", out)
			}
			return
		}
		c.CloseNow()
		key := r.Header.Get("Sec-WebSocket-Key")
		if k, err := base64.StdEncoding.DecodeString(key); err != nil || len(k) != 16 ||
			r.Method != http.MethodGet || r.ProtoMajor != 1 || r.ProtoMinor < 1 || version != "13" {
			t.Fatalf("Upgrade accepted %s %s with version %q and key %q", r.Method, r.Proto, version, key)
		}
		if rec.Body.Len() != 0 {
			t.Fatalf("Upgrade accepted the request but wrote %q to the ResponseWriter", rec.Body)
		}
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(sc.written(t))), r)
		if err != nil {
			t.Fatalf("handshake response: %v", err)
		}
		sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		if accept := base64.StdEncoding.EncodeToString(sum[:]); resp.StatusCode != http.StatusSwitchingProtocols ||
			!strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") || resp.Header.Get("Sec-WebSocket-Accept") != accept {
			t.Fatalf("handshake response %s %v, want 101 with Sec-WebSocket-Accept %s", resp.Status, resp.Header, accept)
		}
	})
}
