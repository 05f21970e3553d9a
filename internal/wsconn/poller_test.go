package wsconn_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tinymmo/tinymmo/internal/wsconn"
	"github.com/tinymmo/tinymmo/internal/wstest"
)

// recorder is a Handler that keeps copies of the messages it gets, echoes
// them if asked, stops at the message "stop", and reports how reading
// ended.
type recorder struct {
	c    *wsconn.Conn
	echo bool

	mu   sync.Mutex
	msgs [][]byte

	ended chan error // gets Ended's error
}

func (r *recorder) Message(binary bool, payload []byte) bool {
	if string(payload) == "stop" {
		return false
	}
	r.mu.Lock()
	r.msgs = append(r.msgs, bytes.Clone(payload))
	r.mu.Unlock()
	if r.echo {
		r.c.Send(payload)
	}
	return true
}

func (r *recorder) Ended(err error) { r.ended <- err }

func (r *recorder) messages() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.msgs
}

// startPolled serves WebSockets with opts, each read by the poller p into
// a recorder, which is sent on conns. The handler returns once reading
// ended.
func startPolled(t *testing.T, p *wsconn.Poller, opts wsconn.Options, echo bool) (addr string, conns chan *recorder) {
	t.Helper()
	conns = make(chan *recorder, 100)
	addr = startServer(t, opts, func(c *wsconn.Conn) {
		r := &recorder{c: c, echo: echo, ended: make(chan error, 1)}
		conns <- r
		p.Add(c, r)
		err := <-r.ended
		r.ended <- err // for the test to read too
	})
	return addr, conns
}

func newPoller(t *testing.T) *wsconn.Poller {
	t.Helper()
	p, err := wsconn.NewPoller(5 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func TestPollerDeliversEveryMessageInOrder(t *testing.T) {
	p := newPoller(t)
	addr, conns := startPolled(t, p, wsconn.Options{ReadLimit: 1 << 20}, true)
	const clients, perClient = 20, 60
	var wg sync.WaitGroup
	for i := range clients {
		c := dial(t, addr)
		wg.Go(func() {
			ctx := testCtx(t)
			for j := range perClient {
				// Sizes from 0 to 3,000 bytes: some frames are larger than
				// the read buffer, and several arrive in one read.
				msg := fmt.Appendf(nil, "%d/%d:", i, j)
				msg = append(msg, bytes.Repeat([]byte{byte(j)}, (j*53)%3000)...)
				if err := c.Write(ctx, websocket.MessageBinary, msg); err != nil {
					t.Errorf("client %d: write %d: %v", i, j, err)
					return
				}
				if _, got, err := c.Read(ctx); err != nil || !bytes.Equal(got, msg) {
					t.Errorf("client %d: echo %d: %d bytes, %v; want the %d sent", i, j, len(got), err, len(msg))
					return
				}
			}
		})
	}
	wg.Wait()
	for range clients {
		if r := <-conns; len(r.messages()) != perClient {
			t.Errorf("a connection's handler got %d messages, want %d", len(r.messages()), perClient)
		}
	}
}

func TestPollerJoinsFragmentsAndAnswersPings(t *testing.T) {
	p := newPoller(t)
	addr, conns := startPolled(t, p, wsconn.Options{}, false)
	rc := wstest.Dial(t, addr, "/")
	r := <-conns
	rc.Write(wstest.Frame(0x02, []byte("hel"), true)) // binary, not final
	rc.Write(wstest.Frame(0x89, []byte("p"), true))   // a ping in between
	last := wstest.Frame(0x80, []byte("lo"), true)
	rc.Write(last[:4]) // half the last frame…
	rc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b0, pl, err := rc.ReadFrame(); err != nil || b0 != 0x8A || string(pl) != "p" {
		t.Fatalf("answer to the ping: %#x %q %v", b0, pl, err)
	}
	if got := r.messages(); len(got) != 0 {
		t.Fatalf("messages before the last fragment's end: %q", got)
	}
	rc.Write(last[4:]) // …and the rest of it, in a later round
	deadline := time.Now().Add(5 * time.Second)
	for len(r.messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := r.messages(); len(got) != 1 || string(got[0]) != "hello" {
		t.Errorf("messages = %q, want [hello]", got)
	}
}

func TestPollerEndsAConnection(t *testing.T) {
	tests := []struct {
		name  string
		opts  wsconn.Options
		act   func(t *testing.T, rc *wstest.Client, r *recorder)
		check func(err error) bool
		want  string
	}{{
		name: "protocol error",
		act: func(t *testing.T, rc *wstest.Client, r *recorder) {
			rc.Write(wstest.Frame(0x82, []byte("x"), false)) // unmasked
			rc.ExpectClose(t, wsconn.StatusProtocolError, "not masked")
		},
		check: func(err error) bool {
			var pe *wsconn.ProtocolError
			return errors.As(err, &pe) && pe.Code == wsconn.StatusProtocolError
		},
		want: "a ProtocolError 1002",
	}, {
		name: "peer close",
		act: func(t *testing.T, rc *wstest.Client, r *recorder) {
			rc.Write(wstest.Frame(0x88, []byte{0x0F, 0xA0, 'b', 'y', 'e'}, true))
			rc.ExpectClose(t, 4000, "")
		},
		check: func(err error) bool {
			var ce *wsconn.CloseError
			return errors.As(err, &ce) && ce.Code == 4000 && ce.Reason == "bye"
		},
		want: "a CloseError 4000 bye",
	}, {
		name: "idle",
		opts: wsconn.Options{PingInterval: 30 * time.Millisecond, IdleTimeout: 200 * time.Millisecond},
		act: func(t *testing.T, rc *wstest.Client, r *recorder) {
			rc.SetReadDeadline(time.Now().Add(5 * time.Second))
			if b0, _, err := rc.ReadFrame(); err != nil || b0 != 0x89 {
				t.Errorf("first frame %#x %v, want a ping", b0, err)
			}
			rc.ExpectClose(t, wsconn.StatusGoingAway, "no data")
		},
		check: func(err error) bool { return errors.Is(err, wsconn.ErrIdle) },
		want:  "ErrIdle",
	}, {
		name: "closed here",
		act: func(t *testing.T, rc *wstest.Client, r *recorder) {
			r.c.Close(4001, "bye")
			rc.ExpectClose(t, 4001, "bye")
		},
		check: func(err error) bool { return errors.Is(err, wsconn.ErrClosed) },
		want:  "ErrClosed",
	}, {
		name: "handler stops",
		act: func(t *testing.T, rc *wstest.Client, r *recorder) {
			rc.Write(wstest.Frame(0x82, []byte("stop"), true))
			rc.Write(wstest.Frame(0x82, []byte("after"), true))
		},
		check: func(err error) bool { return err == nil },
		want:  "nil",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPoller(t)
			addr, conns := startPolled(t, p, tt.opts, false)
			rc := wstest.Dial(t, addr, "/")
			r := <-conns
			tt.act(t, rc, r)
			select {
			case err := <-r.ended:
				if !tt.check(err) {
					t.Errorf("Ended(%v), want %s", err, tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("reading never ended")
			}
			if got := r.messages(); len(got) != 0 {
				t.Errorf("messages = %q, want none", got)
			}
		})
	}
}

func TestPollerCloseEndsItsConnections(t *testing.T) {
	p, err := wsconn.NewPoller(5 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	addr, conns := startPolled(t, p, wsconn.Options{}, false)
	wstest.Dial(t, addr, "/")
	r := <-conns
	p.Close()
	select {
	case err := <-r.ended:
		if !errors.Is(err, wsconn.ErrClosed) {
			t.Errorf("Ended(%v), want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close left a connection being read")
	}
}

// TestRTTIsTheAnsweredPingsRoundTrip: a client that answers pings gives
// its connection a round trip, whether Read or a Poller reads it.
func TestRTTIsTheAnsweredPingsRoundTrip(t *testing.T) {
	opts := wsconn.Options{PingInterval: 20 * time.Millisecond}
	read := map[string]func(t *testing.T) string{
		"Read": func(t *testing.T) string {
			return startServer(t, opts, func(c *wsconn.Conn) { echoConns <- c; echo(c) })
		},
		"Poller": func(t *testing.T) string {
			addr, conns := startPolled(t, newPoller(t), opts, false)
			go func() { echoConns <- (<-conns).c }()
			return addr
		},
	}
	for name, start := range read {
		t.Run(name, func(t *testing.T) {
			addr := start(t)
			c := dial(t, addr)
			go c.Read(context.Background()) // answers pings
			server := <-echoConns
			deadline := time.Now().Add(5 * time.Second)
			for server.RTT() == 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if rtt := server.RTT(); rtt <= 0 || rtt > time.Second {
				t.Errorf("RTT = %v, want a round trip on loopback", rtt)
			}
		})
	}
}

// echoConns hands TestRTTIsTheAnsweredPingsRoundTrip the server's side of
// its connection.
var echoConns = make(chan *wsconn.Conn, 1)

// registered waits until the poller serves r's connection: it has read a
// message the client sent.
func registered(t *testing.T, rc *wstest.Client, r *recorder) {
	t.Helper()
	rc.Write(wstest.Frame(0x82, []byte("hello"), true))
	deadline := time.Now().Add(5 * time.Second)
	for len(r.messages()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the poller never read the connection")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// floodBytes is more than loopback's socket buffers hold at both ends, so
// that a client that does not read leaves most of it queued.
const floodBytes = 24 << 20

// flood sends r's client floodBytes in numbered messages of 64 KiB, and
// returns how many it sent before the first error, and that error.
func flood(r *recorder) (int, error) {
	msg := make([]byte, 64<<10)
	for i := range floodBytes / len(msg) {
		binary.BigEndian.PutUint32(msg, uint32(i))
		if err := r.c.Send(msg); err != nil {
			return i, err
		}
	}
	return floodBytes / len(msg), nil
}

// TestPollerWritesWhatAFullSocketQueued: what a full socket did not take
// reaches the client, in order, once it reads.
func TestPollerWritesWhatAFullSocketQueued(t *testing.T) {
	p := newPoller(t)
	addr, conns := startPolled(t, p, wsconn.Options{MaxQueuedBytes: 2 * floodBytes}, false)
	rc := wstest.Dial(t, addr, "/")
	r := <-conns
	registered(t, rc, r)
	n, err := flood(r)
	if err != nil {
		t.Fatalf("Send %d: %v", n, err)
	}
	rc.SetReadDeadline(time.Now().Add(30 * time.Second))
	for i := range n {
		b0, payload, err := rc.ReadFrame()
		if err != nil || b0 != 0x82 || len(payload) != 64<<10 || binary.BigEndian.Uint32(payload) != uint32(i) {
			t.Fatalf("message %d of %d: %#x, %d bytes, %v", i, n, b0, len(payload), err)
		}
	}
}

// TestPollerDropsAClientThatStopsReading: queued data that waits longer
// than WriteTimeout closes the connection, and reading ends with why.
func TestPollerDropsAClientThatStopsReading(t *testing.T) {
	p := newPoller(t)
	const writeTimeout = 300 * time.Millisecond
	addr, conns := startPolled(t, p, wsconn.Options{MaxQueuedBytes: 2 * floodBytes, WriteTimeout: writeTimeout, IdleTimeout: -1, PingInterval: -1}, false)
	rc := wstest.Dial(t, addr, "/")
	r := <-conns
	registered(t, rc, r)
	flood(r) // never read; it may fail once the connection is dropped
	select {
	case err := <-r.ended:
		if !errors.Is(err, wsconn.ErrClosed) || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("Ended(%v), want ErrClosed for data not written in time", err)
		}
	case <-time.After(writeTimeout + 10*time.Second):
		t.Fatal("a client that stopped reading was kept")
	}
}

// TestPollerWritesTheCloseAfterReadingEnds: a handler that stops reading
// closes the connection later, and its close frame still goes out.
func TestPollerWritesTheCloseAfterReadingEnds(t *testing.T) {
	p := newPoller(t)
	conns := make(chan *recorder, 1)
	closed := make(chan struct{})
	addr := startServer(t, wsconn.Options{}, func(c *wsconn.Conn) {
		r := &recorder{c: c, ended: make(chan error, 1)}
		conns <- r
		p.Add(c, r)
		<-closed // the handler's return would close the connection at once
	})
	defer close(closed)
	rc := wstest.Dial(t, addr, "/")
	r := <-conns
	registered(t, rc, r)
	rc.Write(wstest.Frame(0x82, []byte("stop"), true))
	if err := <-r.ended; err != nil {
		t.Fatalf("Ended(%v), want nil", err)
	}
	r.c.Close(4002, "after the end")
	rc.ExpectClose(t, 4002, "after the end")
}
