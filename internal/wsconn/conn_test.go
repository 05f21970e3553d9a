package wsconn_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/wsconn"
	"github.com/tinymmo/tinymmo/internal/wstest"
)

func dial(t testing.TB, addr string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// echo sends every message back until Read fails.
func echo(c *wsconn.Conn) {
	for {
		_, p, err := c.Read(time.Time{})
		if err != nil {
			return
		}
		c.Send(p)
	}
}

func TestEchoRoundTrip(t *testing.T) {
	addr := startServer(t, wsconn.Options{ReadLimit: 1 << 20}, echo)
	c := dial(t, addr)
	ctx := testCtx(t)
	for _, size := range []int{0, 1, 125, 126, 511, 600, 70000} {
		msg := make([]byte, size)
		for i := range msg {
			msg[i] = byte(i * 7)
		}
		if err := c.Write(ctx, websocket.MessageBinary, msg); err != nil {
			t.Fatal(err)
		}
		typ, got, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if typ != websocket.MessageBinary || string(got) != string(msg) {
			t.Fatalf("size %d: echo differs (type %v, %d bytes)", size, typ, len(got))
		}
	}
}

func TestManyMessagesArriveInOrder(t *testing.T) {
	const n = 5000
	addr := startServer(t, wsconn.Options{MaxQueuedBytes: 1 << 30}, func(c *wsconn.Conn) {
		msg := make([]byte, 0, 3004)
		for i := range n {
			// Sizes vary so that some Sends fill the socket and queue.
			msg = binary.BigEndian.AppendUint32(msg[:0], uint32(i))
			msg = msg[:4+(i*37)%3000]
			if err := c.Send(msg); err != nil {
				t.Errorf("Send %d: %v", i, err)
				return
			}
		}
		c.Read(time.Time{})
	})
	c := dial(t, addr)
	ctx := testCtx(t)
	for i := range n {
		_, got, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if seq := binary.BigEndian.Uint32(got); seq != uint32(i) || len(got) != 4+(i*37)%3000 {
			t.Fatalf("message %d: got seq %d, %d bytes", i, seq, len(got))
		}
	}
}

func TestSlowClientIsDropped(t *testing.T) {
	const writeTimeout = 500 * time.Millisecond
	type outcome struct{ slow, closed chan error }
	clients := map[string]outcome{
		"stuck": {make(chan error, 1), make(chan error, 1)},
		"late":  {make(chan error, 1), make(chan error, 1)},
	}
	addr := startServer(t, wsconn.Options{MaxQueuedBytes: 16 << 10, WriteTimeout: writeTimeout}, func(c *wsconn.Conn) {
		_, p, err := c.Read(time.Time{})
		if err != nil {
			return
		}
		out, ok := clients[string(p)]
		if !ok {
			c.Send(p)
			echo(c) // the well-behaved client
			return
		}
		msg := make([]byte, 1000)
		var sendErr error
		for range 100000 {
			if sendErr = c.Send(msg); sendErr != nil {
				break
			}
		}
		out.slow <- sendErr
		_, _, err = c.Read(time.Time{})
		out.closed <- err
	})

	stuck := wstest.Dial(t, addr, "/") // never reads
	stuck.Write(wstest.Frame(0x82, []byte("stuck"), true))
	late := wstest.Dial(t, addr, "/") // reads only once the server found it slow
	late.Write(wstest.Frame(0x82, []byte("late"), true))
	good := dial(t, addr)

	for name, out := range clients {
		if err := <-out.slow; !errors.Is(err, wsconn.ErrSlow) {
			t.Fatalf("%s: Send to a client that does not read: %v, want ErrSlow", name, err)
		}
	}
	start := time.Now()
	late.ExpectClose(t, wsconn.StatusTooSlow, "too slow")
	for name, out := range clients {
		select {
		case err := <-out.closed:
			if err == nil {
				t.Errorf("%s: Read after ErrSlow succeeded", name)
			}
		case <-time.After(writeTimeout + 5*time.Second):
			t.Fatalf("%s: still open %v after ErrSlow", name, time.Since(start))
		}
	}

	// The well-behaved client is unaffected.
	ctx := testCtx(t)
	if err := good.Write(ctx, websocket.MessageBinary, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if _, p, err := good.Read(ctx); err != nil || string(p) != "hi" {
		t.Fatalf("echo after the slow clients: %q, %v", p, err)
	}
}

func TestOversizedMessageCloses1009(t *testing.T) {
	errc := make(chan error, 1)
	addr := startServer(t, wsconn.Options{ReadLimit: 256}, func(c *wsconn.Conn) {
		_, _, err := c.Read(time.Time{})
		errc <- err
	})
	c := dial(t, addr)
	ctx := testCtx(t)
	c.Write(ctx, websocket.MessageBinary, make([]byte, 300))
	_, _, err := c.Read(ctx)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 1009 || !strings.Contains(ce.Reason, "256") {
		t.Errorf("client Read: %v, want close 1009 naming the limit 256", err)
	}
	var pe *wsconn.ProtocolError
	if err := <-errc; !errors.As(err, &pe) || pe.Code != 1009 {
		t.Errorf("server Read: %v, want a ProtocolError 1009", err)
	}
}

func TestHostileFramesClose1002(t *testing.T) {
	for _, tc := range []struct {
		name  string
		frame []byte
	}{
		{"rsv1", wstest.Frame(0x80|0x40|0x2, []byte("x"), true)},
		{"rsv3", wstest.Frame(0x80|0x10|0x2, []byte("x"), true)},
		{"unmasked", wstest.Frame(0x82, []byte("x"), false)},
		{"fragmented ping", wstest.Frame(0x09, []byte("x"), true)},
		{"long ping", wstest.Frame(0x89, make([]byte, 126), true)},
		{"unknown opcode", wstest.Frame(0x83, nil, true)},
		{"stray continuation", wstest.Frame(0x80, []byte("x"), true)},
		{"close code 1005", wstest.Frame(0x88, []byte{0x03, 0xED}, true)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errc := make(chan error, 1)
			addr := startServer(t, wsconn.Options{}, func(c *wsconn.Conn) {
				_, _, err := c.Read(time.Time{})
				errc <- err
			})
			rc := wstest.Dial(t, addr, "/")
			rc.Write(tc.frame)
			rc.ExpectClose(t, wsconn.StatusProtocolError, "")
			var pe *wsconn.ProtocolError
			if err := <-errc; !errors.As(err, &pe) || pe.Code != 1002 {
				t.Errorf("server Read: %v, want a ProtocolError 1002", err)
			}
		})
	}
}

func TestFragmentedMessageIsJoined(t *testing.T) {
	got := make(chan string, 1)
	addr := startServer(t, wsconn.Options{}, func(c *wsconn.Conn) {
		bin, p, err := c.Read(time.Time{})
		if err != nil || bin {
			t.Errorf("Read: binary=%v, %v", bin, err)
		}
		got <- string(p)
		c.Read(time.Time{})
	})
	rc := wstest.Dial(t, addr, "/")
	rc.Write(wstest.Frame(0x01, []byte("hel"), true))      // text, not final
	rc.Write(wstest.Frame(0x89, []byte("p"), true))        // a ping in between
	rc.Write(wstest.Frame(0x80, []byte("lo wörld"), true)) // final continuation
	rc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b0, p, err := rc.ReadFrame(); err != nil || b0 != 0x8A || string(p) != "p" {
		t.Errorf("answer to ping: %#x %q %v", b0, p, err)
	}
	if s := <-got; s != "hello wörld" {
		t.Errorf("message = %q", s)
	}
}

func TestPingGetsPong(t *testing.T) {
	addr := startServer(t, wsconn.Options{}, func(c *wsconn.Conn) { c.Read(time.Time{}) })
	rc := wstest.Dial(t, addr, "/")
	rc.Write(wstest.Frame(0x89, []byte("are you there"), true))
	rc.SetReadDeadline(time.Now().Add(5 * time.Second))
	b0, p, err := rc.ReadFrame()
	if err != nil || b0 != 0x8A || string(p) != "are you there" {
		t.Fatalf("got %#x %q %v, want a pong with the ping's payload", b0, p, err)
	}
}

func TestIdlePeerIsPingedThenClosed(t *testing.T) {
	errc := make(chan error, 1)
	addr := startServer(t, wsconn.Options{PingInterval: 50 * time.Millisecond, IdleTimeout: 300 * time.Millisecond},
		func(c *wsconn.Conn) {
			_, _, err := c.Read(time.Time{})
			errc <- err
		})
	rc := wstest.Dial(t, addr, "/")
	rc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b0, _, err := rc.ReadFrame(); err != nil || b0 != 0x89 {
		t.Fatalf("first frame %#x %v, want a ping", b0, err)
	}
	rc.ExpectClose(t, wsconn.StatusGoingAway, "no data")
	if err := <-errc; !errors.Is(err, wsconn.ErrIdle) {
		t.Errorf("server Read: %v, want ErrIdle", err)
	}
}

func TestClientThatNeverReadsIsClosed(t *testing.T) {
	errc := make(chan error, 1)
	opts := wsconn.Options{PingInterval: 50 * time.Millisecond, PongTimeout: 200 * time.Millisecond, IdleTimeout: -1}
	addr := startServer(t, opts, func(c *wsconn.Conn) {
		for {
			if _, _, err := c.Read(time.Time{}); err != nil {
				errc <- err
				return
			}
		}
	})
	rc := wstest.Dial(t, addr, "/")
	// It keeps sending, and answers pings it has not read with guesses.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			rc.Write(wstest.Frame(0x82, []byte("input"), true))
			rc.Write(wstest.Frame(0x8A, []byte{0, 0, 0, 0, 0, 0, 0, 9}, true))
		}
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, wsconn.ErrNoPong) {
			t.Errorf("server Read: %v, want ErrNoPong", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a client that never reads was kept")
	}
	rc.ExpectClose(t, wsconn.StatusTooSlow, "no answer to a ping")
}

func TestAnsweredPingsKeepPeerConnected(t *testing.T) {
	errc := make(chan error, 1)
	opts := wsconn.Options{PingInterval: 20 * time.Millisecond, PongTimeout: 150 * time.Millisecond, IdleTimeout: 150 * time.Millisecond}
	addr := startServer(t, opts,
		func(c *wsconn.Conn) {
			_, _, err := c.Read(time.Now().Add(600 * time.Millisecond))
			errc <- err
		})
	c := dial(t, addr)
	go c.Read(context.Background()) // answers pings
	if err := <-errc; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Read: %v, want the caller's deadline, not an idle close", err)
	}
}

func TestHalfWrittenFrameIsCutByIdleTimeout(t *testing.T) {
	errc := make(chan error, 1)
	addr := startServer(t, wsconn.Options{PingInterval: -1, IdleTimeout: 200 * time.Millisecond}, func(c *wsconn.Conn) {
		_, _, err := c.Read(time.Time{})
		errc <- err
	})
	rc := wstest.Dial(t, addr, "/")
	rc.Write(wstest.Frame(0x82, []byte("0123456789"), true)[:5])
	select {
	case err := <-errc:
		if !errors.Is(err, wsconn.ErrIdle) {
			t.Errorf("Read: %v, want ErrIdle", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a stalled half frame kept Read waiting")
	}
}

func TestCloseCodeAndReasonReachClient(t *testing.T) {
	sent := make(chan error, 1)
	addr := startServer(t, wsconn.Options{}, func(c *wsconn.Conn) {
		c.Send([]byte("last words"))
		c.Close(4000, "bye")
		sent <- c.Send([]byte("too late"))
		c.Read(time.Time{})
	})
	c := dial(t, addr)
	ctx := testCtx(t)
	if _, p, err := c.Read(ctx); err != nil || string(p) != "last words" {
		t.Fatalf("Read: %q %v", p, err)
	}
	_, _, err := c.Read(ctx)
	if websocket.CloseStatus(err) != 4000 || !strings.Contains(err.Error(), "bye") {
		t.Errorf("Read: %v, want close 4000 bye", err)
	}
	if err := <-sent; !errors.Is(err, wsconn.ErrClosed) {
		t.Errorf("Send after Close: %v, want ErrClosed", err)
	}
}

func TestPeerCloseIsReported(t *testing.T) {
	errc := make(chan error, 1)
	addr := startServer(t, wsconn.Options{}, func(c *wsconn.Conn) {
		_, _, err := c.Read(time.Time{})
		errc <- err
	})
	c := dial(t, addr)
	if err := c.Close(4000, "logging out"); err != nil {
		t.Errorf("client Close: %v (the server must answer the close frame)", err)
	}
	var ce *wsconn.CloseError
	if err := <-errc; !errors.As(err, &ce) || ce.Code != 4000 || ce.Reason != "logging out" {
		t.Errorf("server Read: %v", err)
	}
}

func TestConcurrentSends(t *testing.T) {
	const perSender = 2000
	addr := startServer(t, wsconn.Options{MaxQueuedBytes: 1 << 30}, func(c *wsconn.Conn) {
		var wg sync.WaitGroup
		for g := range 2 {
			wg.Go(func() {
				for i := range perSender {
					if err := c.Send([]byte{byte(g), byte(i >> 8), byte(i)}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		c.Read(time.Time{})
	})
	c := dial(t, addr)
	ctx := testCtx(t)
	var next [2]int
	for range 2 * perSender {
		_, p, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		g, i := p[0], int(p[1])<<8|int(p[2])
		if i != next[g] {
			t.Fatalf("sender %d: message %d after %d", g, i, next[g]-1)
		}
		next[g]++
	}
}

func TestSendToReadingPeerDoesNotAllocate(t *testing.T) {
	conns := make(chan *wsconn.Conn, 1)
	addr := startServer(t, wsconn.Options{}, func(c *wsconn.Conn) {
		conns <- c
		c.Read(time.Time{})
	})
	rc := wstest.Dial(t, addr, "/")
	done := make(chan struct{})
	go func() {
		defer close(done)
		io.Copy(io.Discard, rc.Reader())
	}()
	c := <-conns
	msg := make([]byte, 200)
	c.Send(msg) // warm the scratch pool
	if n := testing.AllocsPerRun(1000, func() { c.Send(msg) }); n > 0 {
		t.Errorf("Send allocates %v times per call", n)
	}
	c.CloseNow()
	<-done
}

func TestBadHandshakeGets400(t *testing.T) {
	addr := startServer(t, wsconn.Options{}, func(c *wsconn.Conn) {})
	resp, err := http.Get("http://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Upgrade") {
		t.Errorf("plain GET: %s %q, want 400 with a reason", resp.Status, body)
	}
}

func TestStatusTooSlowIsTheProtocolsCode(t *testing.T) {
	if wsconn.StatusTooSlow != uint16(protocol.CloseTooSlow) {
		t.Errorf("StatusTooSlow = %d, protocol.CloseTooSlow = %d", wsconn.StatusTooSlow, protocol.CloseTooSlow)
	}
}

func TestHugeLengthCloses1009(t *testing.T) {
	addr := startServer(t, wsconn.Options{ReadLimit: 256}, func(c *wsconn.Conn) { c.Read(time.Time{}) })
	rc := wstest.Dial(t, addr, "/")
	// A 64-bit length of 2^63-1 and no payload.
	rc.Write([]byte{0x82, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4})
	rc.ExpectClose(t, wsconn.StatusTooBig, "limit of 256 bytes")
}

func TestReadAfterCloseNowReturnsErrClosed(t *testing.T) {
	errc := make(chan error, 1)
	addr := startServer(t, wsconn.Options{}, func(c *wsconn.Conn) {
		time.AfterFunc(20*time.Millisecond, func() { c.CloseNow() })
		_, _, err := c.Read(time.Time{})
		errc <- err
		if err := c.Send([]byte("x")); !errors.Is(err, wsconn.ErrClosed) {
			t.Errorf("Send after CloseNow: %v, want ErrClosed", err)
		}
	})
	wstest.Dial(t, addr, "/")
	if err := <-errc; !errors.Is(err, wsconn.ErrClosed) {
		t.Errorf("Read blocked during CloseNow: %v, want ErrClosed", err)
	}
}

func TestPortablePathKeepsOrder(t *testing.T) {
	const n = 2000
	wrap := func(l net.Listener) net.Listener { return plainListener{l} }
	addr := startServerOn(t, wrap, wsconn.Options{MaxQueuedBytes: 1 << 30}, func(c *wsconn.Conn) {
		msg := make([]byte, 0, 3004)
		for i := range n {
			msg = binary.BigEndian.AppendUint32(msg[:0], uint32(i))
			msg = msg[:4+(i*37)%3000]
			if err := c.Send(msg); err != nil {
				t.Errorf("Send %d: %v", i, err)
				return
			}
		}
		if _, p, err := c.Read(time.Time{}); err == nil {
			c.Send(p)
		}
		c.Close(4000, "done")
		c.Read(time.Time{})
	})
	c := dial(t, addr)
	ctx := testCtx(t)
	for i := range n {
		_, got, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if seq := binary.BigEndian.Uint32(got); seq != uint32(i) || len(got) != 4+(i*37)%3000 {
			t.Fatalf("message %d: got seq %d, %d bytes", i, seq, len(got))
		}
	}
	c.Write(ctx, websocket.MessageBinary, []byte("echo"))
	if _, p, err := c.Read(ctx); err != nil || string(p) != "echo" {
		t.Fatalf("echo: %q %v", p, err)
	}
	if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != 4000 {
		t.Fatalf("Read: %v, want close 4000", err)
	}
}

func TestSendFramesDeliversEachMessage(t *testing.T) {
	msgs := [][]byte{[]byte("first"), make([]byte, 300), {}, []byte("last")}
	addr := startServer(t, wsconn.Options{}, func(c *wsconn.Conn) {
		var frames []byte
		for _, m := range msgs {
			frames = wsconn.AppendBinary(frames, m)
		}
		if err := c.SendFrames(frames); err != nil {
			t.Errorf("SendFrames: %v", err)
		}
		c.Read(time.Time{}) // until the client leaves
	})
	c := dial(t, addr)
	ctx := testCtx(t)
	for i, want := range msgs {
		typ, got, err := c.Read(ctx)
		if err != nil || typ != websocket.MessageBinary || string(got) != string(want) {
			t.Fatalf("message %d: %v %d bytes, %v; want binary %d bytes", i, typ, len(got), err, len(want))
		}
	}
}
