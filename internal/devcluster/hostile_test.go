package devcluster_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/wsconn"
	"github.com/tinymmo/tinymmo/internal/wstest"
)

// The hostile-client suite: every case is an attacker's or a broken
// client's connection to a real world, over a real socket, and each one
// must end with its documented close code (docs/protocol.md §5) while a
// walking bystander in the same instance keeps getting its snapshots.
//
// The world runs with short timeouts so the slow cases are quick.
const (
	hostileHello = 300 * time.Millisecond
	hostilePing  = 200 * time.Millisecond
	hostilePong  = 1500 * time.Millisecond
	hostileIdle  = 1500 * time.Millisecond
	// maxBystanderGap is the longest the bystander may go without a
	// message. It walks, so it gets one every tick (50 ms) while the world
	// keeps up; the bound leaves room for a loaded machine running every
	// package under -race, and still catches a world held up by a hostile
	// socket (a blocked write would hold it for the 10 s write timeout).
	// The test logs the longest gap it saw.
	maxBystanderGap = 3 * time.Second
)

// bystander is a player walking east and west in the overworld, who
// records the longest gap between two messages from the world.
type bystander struct {
	conn *client.Conn
	done chan error // the connection's end

	mu      sync.Mutex
	last    time.Time
	maxGap  time.Duration
	tick    uint32 // the newest snapshot's tick
	counted int    // messages received
}

func startBystander(t *testing.T, c *devcluster.Cluster) *bystander {
	t.Helper()
	_, _, enter := enterWorld(t, c)
	conn, err := client.Join(t.Context(), enter.URL, enter.Token)
	if err != nil {
		t.Fatalf("bystander Join: %v", err)
	}
	b := &bystander{conn: conn, done: make(chan error, 1), last: time.Now(), tick: conn.Welcome.Tick}
	go b.read()
	go b.walk(t.Context())
	return b
}

func (b *bystander) read() {
	for {
		m, err := b.conn.Recv(context.Background())
		if err != nil {
			b.done <- err
			return
		}
		now := time.Now()
		b.mu.Lock()
		b.maxGap = max(b.maxGap, now.Sub(b.last))
		b.last = now
		b.counted++
		if s, ok := m.(protocol.Snapshot); ok {
			b.tick = s.Tick
		}
		b.mu.Unlock()
	}
}

// walk turns the bystander around every second, so it never stands
// against a wall and its own movement is in every tick's snapshot.
func (b *bystander) walk(ctx context.Context) {
	dirs := []protocol.Direction{protocol.DirE, protocol.DirW}
	for seq := uint32(1); ; seq++ {
		b.mu.Lock()
		tick := b.tick + 2
		b.mu.Unlock()
		if b.conn.Send(ctx, protocol.Input{Seq: seq, Tick: tick, Move: dirs[seq%2]}) != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// check fails the test if the bystander's connection ended or its
// messages paused for longer than maxBystanderGap.
func (b *bystander) check(t *testing.T) {
	t.Helper()
	select {
	case err := <-b.done:
		t.Fatalf("the bystander's connection ended: %v", err)
	default:
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	t.Logf("the bystander got %d messages; the longest gap between two was %v", b.counted, b.maxGap)
	if b.maxGap > maxBystanderGap {
		t.Errorf("the bystander went %v without a message from the world, over %v", b.maxGap, maxBystanderGap)
	}
	if b.counted < 20 {
		t.Errorf("the bystander got %d messages, want a steady stream", b.counted)
	}
}

// hostileWorld is the world under attack and a way to get join tokens.
type hostileWorld struct {
	t       *testing.T
	cluster *devcluster.Cluster
	addr    string // the world's host:port
}

// token returns a fresh join token for a new guest's character.
func (w hostileWorld) token() string {
	_, _, enter := enterWorld(w.t, w.cluster)
	return enter.Token
}

// dial opens a raw WebSocket to the world's /play.
func (w hostileWorld) dial() *wstest.Client { return wstest.Dial(w.t, w.addr, "/play") }

// join opens a raw WebSocket, says Hello with a fresh token and reads up
// to the Welcome, past the world's pings.
func (w hostileWorld) join(t *testing.T) (*wstest.Client, protocol.Welcome) {
	t.Helper()
	token := w.token() // before the dial: the Hello timeout is short
	rc := w.dial()
	rc.Write(wstest.Binary(protocol.Hello{Version: protocol.Version, Token: token}.Append(nil)))
	rc.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		b0, p, err := rc.ReadFrame()
		if err != nil {
			t.Fatalf("reading Welcome: %v", err)
		}
		if b0&0x0F == 0x8 {
			t.Fatalf("closed before Welcome: %d %q", binary.BigEndian.Uint16(p), p[2:])
		}
		if b0&0x08 != 0 {
			continue // a ping
		}
		m, err := protocol.Decode(p)
		welcome, ok := m.(protocol.Welcome)
		if err != nil || !ok {
			t.Fatalf("first message %x (%v), want a Welcome", p, err)
		}
		return rc, welcome
	}
}

func input(seq, tick uint32, move protocol.Direction) []byte {
	return wstest.Binary(protocol.Input{Seq: seq, Tick: tick, Move: move}.Append(nil))
}

func TestHostileClients(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) {
		cfg.World.HelloTimeout = hostileHello
		cfg.World.PingInterval = hostilePing
		cfg.World.PongTimeout = hostilePong
		cfg.World.IdleTimeout = hostileIdle
		cfg.World.JoinTokenTTL = time.Second
	})
	u, err := url.Parse(c.World.PlayURL())
	if err != nil {
		t.Fatal(err)
	}
	w := hostileWorld{t: t, cluster: c, addr: u.Host}
	by := startBystander(t, c)

	hello := func(token string) []byte {
		return wstest.Binary(protocol.Hello{Version: protocol.Version, Token: token}.Append(nil))
	}
	oversized := make([]byte, protocol.MaxClientMessage+44)

	cases := []struct {
		name   string
		attack func(t *testing.T) *wstest.Client // returns the connection to watch
		code   uint16
		reason string // a part of the close reason
	}{
		// Before Hello.
		{"no Hello", func(t *testing.T) *wstest.Client { return w.dial() },
			uint16(protocol.CloseMalformed), protocol.CloseMalformed.Reason()},
		{"Hello as a text message", func(t *testing.T) *wstest.Client {
			token := w.token()
			rc := w.dial()
			rc.Write(wstest.Frame(0x81, protocol.Hello{Version: protocol.Version, Token: token}.Append(nil), true))
			return rc
		}, uint16(protocol.CloseMalformed), ""},
		{"garbage Hello", func(t *testing.T) *wstest.Client {
			rc := w.dial()
			rc.Write(wstest.Binary([]byte{0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}))
			return rc
		}, uint16(protocol.CloseMalformed), ""},
		{"old protocol version", func(t *testing.T) *wstest.Client {
			token := w.token()
			rc := w.dial()
			rc.Write(wstest.Binary(protocol.Hello{Version: protocol.Version - 1, Token: token}.Append(nil)))
			return rc
		}, uint16(protocol.CloseBadVersion), "refresh"},
		{"unknown token", func(t *testing.T) *wstest.Client {
			rc := w.dial()
			rc.Write(hello("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
			return rc
		}, uint16(protocol.CloseBadToken), ""},
		{"expired token", func(t *testing.T) *wstest.Client {
			token := w.token()
			time.Sleep(1500 * time.Millisecond) // the suite's tokens live a second
			w.token()                           // minting another one must not forget the late one
			rc := w.dial()
			rc.Write(hello(token))
			return rc
		}, uint16(protocol.CloseTokenExpired), ""},
		{"token used twice", func(t *testing.T) *wstest.Client {
			token := w.token()
			first := w.dial()
			first.Write(hello(token))
			first.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, _, err := first.ReadFrame(); err != nil {
				t.Fatalf("first use of the token: %v", err)
			}
			rc := w.dial()
			rc.Write(hello(token))
			return rc
		}, uint16(protocol.CloseTokenUsed), ""},

		// Frames that break RFC 6455 or the size cap.
		{"frame over the size cap", func(t *testing.T) *wstest.Client {
			rc := w.dial()
			rc.Write(wstest.Binary(oversized))
			return rc
		}, wsconn.StatusTooBig, fmt.Sprintf("limit of %d bytes", protocol.MaxClientMessage)},
		{"fragments over the size cap", func(t *testing.T) *wstest.Client {
			rc := w.dial()
			rc.Write(wstest.Frame(0x02, oversized[:200], true))
			rc.Write(wstest.Frame(0x80, oversized[200:], true))
			return rc
		}, wsconn.StatusTooBig, fmt.Sprintf("limit of %d bytes", protocol.MaxClientMessage)},
		{"reserved bits", func(t *testing.T) *wstest.Client {
			rc := w.dial()
			rc.Write(wstest.Frame(0xC2, []byte{1}, true))
			return rc
		}, wsconn.StatusProtocolError, "reserved bits"},
		{"unmasked frame", func(t *testing.T) *wstest.Client {
			rc := w.dial()
			rc.Write(wstest.Frame(0x82, []byte{1}, false))
			return rc
		}, wsconn.StatusProtocolError, "not masked"},
		{"unknown opcode", func(t *testing.T) *wstest.Client {
			rc := w.dial()
			rc.Write(wstest.Frame(0x83, []byte{1}, true))
			return rc
		}, wsconn.StatusProtocolError, "opcode"},
		{"frame stalled half-way", func(t *testing.T) *wstest.Client {
			rc, _ := w.join(t)
			rc.Write(input(1, 1, protocol.DirE)[:4])
			return rc
		}, wsconn.StatusGoingAway, "no data"},

		// After Welcome.
		{"second Hello", func(t *testing.T) *wstest.Client {
			token := w.token()
			rc, _ := w.join(t)
			rc.Write(hello(token))
			return rc
		}, uint16(protocol.CloseMalformed), ""},
		{"a world message from the client", func(t *testing.T) *wstest.Client {
			rc, welcome := w.join(t)
			rc.Write(wstest.Binary(welcome.Append(nil)))
			return rc
		}, uint16(protocol.CloseMalformed), ""},
		{"direction out of range", func(t *testing.T) *wstest.Client {
			rc, welcome := w.join(t)
			raw := protocol.Input{Seq: 1, Tick: welcome.Tick + 1, Move: protocol.DirE}.Append(nil)
			raw[len(raw)-4] = 9 // Move: before Aim, Buttons and a one-byte Target
			rc.Write(wstest.Binary(raw))
			return rc
		}, uint16(protocol.CloseMalformed), ""},
		{"replayed input", func(t *testing.T) *wstest.Client {
			rc, welcome := w.join(t)
			rc.Write(input(1, welcome.Tick+1, protocol.DirE))
			rc.Write(input(1, welcome.Tick+2, protocol.DirW))
			return rc
		}, uint16(protocol.CloseMalformed), ""},
		{"input for an earlier tick", func(t *testing.T) *wstest.Client {
			rc, welcome := w.join(t)
			rc.Write(input(1, welcome.Tick+5, protocol.DirE))
			rc.Write(input(2, welcome.Tick+3, protocol.DirW))
			return rc
		}, uint16(protocol.CloseMalformed), ""},
		{"input too far ahead", func(t *testing.T) *wstest.Client {
			rc, welcome := w.join(t)
			rc.Write(input(1, welcome.Tick+protocol.MaxInputLead+50, protocol.DirE))
			return rc
		}, uint16(protocol.CloseMalformed), ""},
		{"1,000 inputs a second", func(t *testing.T) *wstest.Client {
			rc, welcome := w.join(t)
			go func() {
				for seq := uint32(1); seq <= 5000; seq++ {
					if _, err := rc.Write(input(seq, welcome.Tick+1, protocol.Direction(seq%8+1))); err != nil {
						return // closed by the world
					}
					time.Sleep(time.Millisecond)
				}
			}()
			return rc
		}, uint16(protocol.CloseRateLimited), ""},
		{"a button for an ability no class has", func(t *testing.T) *wstest.Client {
			rc, welcome := w.join(t)
			rc.Write(wstest.Binary(protocol.Input{Seq: 1, Tick: welcome.Tick + 1, Buttons: protocol.ButtonSpecial2 << 1}.Append(nil)))
			return rc
		}, uint16(protocol.CloseMalformed), ""},
		{"1,000 chat lines a second", func(t *testing.T) *wstest.Client {
			rc, _ := w.join(t)
			line := wstest.Binary(protocol.Chat{Channel: protocol.ChannelSay, Text: "spam"}.Append(nil))
			go func() {
				for range 5000 {
					if _, err := rc.Write(line); err != nil {
						return // closed by the world
					}
					time.Sleep(time.Millisecond)
				}
			}()
			return rc
		}, uint16(protocol.CloseRateLimited), ""},
		{"sends but never reads", func(t *testing.T) *wstest.Client {
			rc, _ := w.join(t)
			// It keeps the connection busy with pings, and fakes pongs.
			go func() {
				for i := range 200 {
					ping := wstest.Binary(protocol.Ping{ClientTime: uint64(i)}.Append(nil))
					fake := wstest.Frame(0x8A, binary.BigEndian.AppendUint64(nil, 1), true)
					if _, err := rc.Write(append(ping, fake...)); err != nil {
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
			time.Sleep(2 * hostilePong) // it does not read meanwhile
			return rc
		}, uint16(protocol.CloseTooSlow), "no answer to a ping"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rc := tc.attack(t)
			rc.ExpectClose(t, tc.code, tc.reason)
		})
	}

	t.Run("not HTTP at all", func(t *testing.T) {
		nc, err := net.Dial("tcp", w.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		nc.Write([]byte("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not a request\r\n\r\n"))
		nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
		if err != nil || resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("answer to garbage: %v %v, want 400", resp, err)
		}
	})

	by.check(t)
}
