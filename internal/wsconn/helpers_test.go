package wsconn_test

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/wsconn"
)

// startServer serves WebSockets with opts, running serve on each upgraded
// connection in the handler's goroutine. It returns the server's host:port.
// At cleanup it closes every connection and waits for the handlers.
func startServer(t testing.TB, opts wsconn.Options, serve func(*wsconn.Conn)) string {
	return startServerOn(t, nil, opts, serve)
}

// plainConn hides a connection's syscall.Conn, which makes wsconn take its
// portable path (the one other platforms use): every Send goes through the
// writer goroutine.
type plainConn struct{ net.Conn }

type plainListener struct{ net.Listener }

func (l plainListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return plainConn{c}, nil
}

// startServerOn is startServer with wrap applied to the listener, if not
// nil.
func startServerOn(t testing.TB, wrap func(net.Listener) net.Listener, opts wsconn.Options, serve func(*wsconn.Conn)) string {
	t.Helper()
	var (
		mu    sync.Mutex
		conns []*wsconn.Conn
		wg    sync.WaitGroup
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := wsconn.Upgrade(w, r, opts)
		if err != nil {
			return
		}
		wg.Add(1)
		defer wg.Done()
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		serve(c)
		c.CloseNow()
	}))
	if wrap != nil {
		srv.Listener = wrap(srv.Listener)
	}
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		mu.Lock()
		for _, c := range conns {
			c.CloseNow()
		}
		mu.Unlock()
		wg.Wait()
	})
	return srv.Listener.Addr().String()
}

// rawClient is a hand-driven WebSocket client over plain TCP, for sending
// what a well-behaved client never would.
type rawClient struct {
	net.Conn
	br *bufio.Reader
}

func dialRaw(t testing.TB, addr string) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	var k [16]byte
	rand.Read(k[:])
	fmt.Fprintf(nc, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n\r\n", addr, base64.StdEncoding.EncodeToString(k[:]))
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %s", resp.Status)
	}
	return &rawClient{nc, br}
}

// frame builds a client frame: b0 is the first header byte (FIN, RSV,
// opcode); masked frames use a fixed key.
func frame(b0 byte, payload []byte, masked bool) []byte {
	b := []byte{b0, 0}
	n := len(payload)
	switch {
	case n <= 125:
		b[1] = byte(n)
	case n <= 0xFFFF:
		b[1] = 126
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b[1] = 127
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	if !masked {
		return append(b, payload...)
	}
	b[1] |= 0x80
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	b = append(b, key[:]...)
	for i, x := range payload {
		b = append(b, x^key[i&3])
	}
	return b
}

// readFrame reads one server frame and returns its first byte and payload.
func (c *rawClient) readFrame() (byte, []byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(c.br, h[:]); err != nil {
		return 0, nil, err
	}
	if h[1]&0x80 != 0 {
		return 0, nil, fmt.Errorf("server frame is masked")
	}
	n := uint64(h[1] & 0x7F)
	switch n {
	case 126:
		var e [2]byte
		if _, err := io.ReadFull(c.br, e[:]); err != nil {
			return 0, nil, err
		}
		n = uint64(binary.BigEndian.Uint16(e[:]))
	case 127:
		var e [8]byte
		if _, err := io.ReadFull(c.br, e[:]); err != nil {
			return 0, nil, err
		}
		n = binary.BigEndian.Uint64(e[:])
	}
	p := make([]byte, n)
	_, err := io.ReadFull(c.br, p)
	return h[0], p, err
}

// readClose reads frames until a close frame and returns its code and
// reason; other frames are skipped.
func (c *rawClient) readClose(t testing.TB) (uint16, string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		b0, p, err := c.readFrame()
		if err != nil {
			t.Fatalf("reading until a close frame: %v", err)
		}
		if b0&0x0F == 0x8 {
			if len(p) < 2 {
				t.Fatalf("close frame without a code")
			}
			return binary.BigEndian.Uint16(p), string(p[2:])
		}
	}
}

func (c *rawClient) expectCloseCode(t testing.TB, want uint16, reasonHas string) {
	t.Helper()
	code, reason := c.readClose(t)
	if code != want || !strings.Contains(reason, reasonHas) {
		t.Errorf("close frame = %d %q, want %d with %q", code, reason, want, reasonHas)
	}
}
