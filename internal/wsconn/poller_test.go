package wsconn_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
