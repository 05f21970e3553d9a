// Package wstest is a hand-driven WebSocket client for tests. It speaks
// RFC 6455 over a plain TCP connection, frame by frame, so a test can send
// what a well-behaved client never would (unmasked, oversized, fragmented or
// half-written frames, reserved bits, floods) and read the server's frames
// as they are, close frames included.
package wstest

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Client is a raw WebSocket client connection.
type Client struct {
	net.Conn
	r *bufio.Reader
}

// Dial opens a WebSocket to path on addr ("host:port") and completes the
// opening handshake. The test fails if the server does not switch
// protocols. The connection is closed when the test ends.
func Dial(t testing.TB, addr, path string) *Client {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	var k [16]byte
	rand.Read(k[:])
	fmt.Fprintf(nc, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n\r\n", path, addr, base64.StdEncoding.EncodeToString(k[:]))
	r := bufio.NewReader(nc)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %s", resp.Status)
	}
	return &Client{nc, r}
}

// Reader returns the buffered reader of the server's bytes, for a test
// that reads them other than frame by frame.
func (c *Client) Reader() io.Reader { return c.r }

// Frame builds a client frame: b0 is the first header byte (FIN, RSV,
// opcode); masked frames use a fixed key.
func Frame(b0 byte, payload []byte, masked bool) []byte {
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

// Binary is Frame for one whole, masked binary message: what a correct
// client sends.
func Binary(payload []byte) []byte { return Frame(0x82, payload, true) }

// ReadFrame reads one server frame and returns its first byte and payload.
func (c *Client) ReadFrame() (byte, []byte, error) { return ReadFrame(c.r) }

// ReadFrame reads one server frame from r and returns its first byte and
// payload.
func ReadFrame(r io.Reader) (byte, []byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	if h[1]&0x80 != 0 {
		return 0, nil, fmt.Errorf("server frame is masked")
	}
	n := uint64(h[1] & 0x7F)
	switch n {
	case 126:
		var e [2]byte
		if _, err := io.ReadFull(r, e[:]); err != nil {
			return 0, nil, err
		}
		n = uint64(binary.BigEndian.Uint16(e[:]))
	case 127:
		var e [8]byte
		if _, err := io.ReadFull(r, e[:]); err != nil {
			return 0, nil, err
		}
		n = binary.BigEndian.Uint64(e[:])
	}
	p := make([]byte, n)
	_, err := io.ReadFull(r, p)
	return h[0], p, err
}

// ReadClose reads frames for up to 10 s until a close frame, and returns
// its code and reason; other frames are skipped. The test fails if the
// connection ends without one.
func (c *Client) ReadClose(t testing.TB) (uint16, string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		b0, p, err := c.ReadFrame()
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

// ExpectClose reads until a close frame and fails the test unless it has
// code and a reason containing reasonHas.
func (c *Client) ExpectClose(t testing.TB, code uint16, reasonHas string) {
	t.Helper()
	got, reason := c.ReadClose(t)
	if got != code || !strings.Contains(reason, reasonHas) {
		t.Errorf("close frame = %d %q, want %d with %q", got, reason, code, reasonHas)
	}
}
