package devcluster_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/chat"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/wsconn"
	"github.com/tinymmo/tinymmo/internal/wstest"
)

// The hostile-client suite: every case is an attacker's or a broken
// client's connection to a real world, over a real socket, and each one
// must end with its documented close code (docs/protocol.md §5), or over
// HTTP with its documented error (docs/api.md), while a walking bystander
// in the same instance keeps getting its snapshots.
//
// The world runs with short timeouts so the slow cases are quick.
const (
	hostileHello = 300 * time.Millisecond
	hostilePing  = 200 * time.Millisecond
	hostilePong  = 1500 * time.Millisecond
	hostileIdle  = 1500 * time.Millisecond
	// maxBystanderGap is the longest the bystander may go without a
	// message. It walks, so it gets one every tick (50 ms; a write every
	// second tick) while the world keeps up; the bound leaves room for a
	// loaded machine running every package under -race, and still catches
	// a world held up by a hostile socket (a blocked write would hold it
	// for the 10 s write timeout). The test logs the longest gap it saw.
	maxBystanderGap = time.Second
)

// bystander is a player walking east and west in the overworld, who
// records the longest gap between two messages from the world.
type bystander struct {
	conn      *client.Conn
	done      chan error // the connection's end
	token     string     // the join token it used
	character int64      // its character's ID

	mu      sync.Mutex
	last    time.Time
	maxGap  time.Duration
	tick    uint32 // the newest snapshot's tick
	counted int    // messages received
}

func startBystander(t *testing.T, c *devcluster.Cluster) *bystander {
	t.Helper()
	_, ch, enter := enterWorld(t, c)
	conn, err := client.Join(t.Context(), enter.URL, enter.Token)
	if err != nil {
		t.Fatalf("bystander Join: %v", err)
	}
	b := &bystander{conn: conn, done: make(chan error, 1), token: enter.Token, character: ch.ID, last: time.Now(), tick: conn.Welcome.Tick}
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
	m := nextMessage(t, rc, "Welcome")
	welcome, ok := m.(protocol.Welcome)
	if !ok {
		t.Fatalf("first message %v, want a Welcome", m.Type())
	}
	return rc, welcome
}

// nextMessage reads rc's frames for up to 10 s until a message, answering
// the world's pings on the way, and decodes it. The test fails, saying it
// was waiting for what, if the connection ends first or the message does
// not decode.
func nextMessage(t *testing.T, rc *wstest.Client, what string) protocol.Message {
	t.Helper()
	rc.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		b0, p, err := rc.ReadFrame()
		switch {
		case err != nil:
			t.Fatalf("waiting for %s: %v", what, err)
		case b0&0x0F == 0x8:
			t.Fatalf("closed waiting for %s: %d %q", what, binary.BigEndian.Uint16(p), p[2:])
		case b0&0x0F == 0x9:
			rc.Write(wstest.Frame(0x8A, p, true)) // the pong
			continue
		case b0&0x08 != 0:
			continue // a pong
		}
		m, err := protocol.Decode(p)
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		return m
	}
}

// chatLine reads rc's messages until a chat line on channel, and returns
// its text.
func chatLine(t *testing.T, rc *wstest.Client, channel protocol.Channel) string {
	t.Helper()
	for {
		if l, ok := nextMessage(t, rc, fmt.Sprintf("a %v line", channel)).(protocol.ChatLine); ok && l.Channel == channel {
			return l.Text
		}
	}
}

func input(seq, tick uint32, move protocol.Direction) []byte {
	return wstest.Binary(protocol.Input{Seq: seq, Tick: tick, Move: move}.Append(nil))
}

// say is one Chat frame that says text.
func say(text string) []byte {
	return wstest.Binary(protocol.Chat{Channel: protocol.ChannelSay, Text: text}.Append(nil))
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
			// Every class has three abilities, one per defined button, so
			// an Input cannot name one its class lacks but by a reserved
			// bit, which is malformed (docs/protocol.md §3).
			rc, welcome := w.join(t)
			raw := protocol.Input{Seq: 1, Tick: welcome.Tick + 1, Buttons: protocol.ButtonSpecial2}.Append(nil)
			raw[len(raw)-2] = 1 << 3 // Buttons: before a one-byte Target
			rc.Write(wstest.Binary(raw))
			return rc
		}, uint16(protocol.CloseMalformed), ""},
		{"chat flood", func(t *testing.T) *wstest.Client {
			rc, _ := w.join(t)
			// Five lines in ten seconds are said; the sixth is refused
			// with a system line, and the connection stays.
			for range chat.Burst {
				rc.Write(say("spam"))
				if got := chatLine(t, rc, protocol.ChannelSay); got != "spam" {
					t.Fatalf("heard %q, want the line said", got)
				}
			}
			rc.Write(say("one too many"))
			if got := chatLine(t, rc, protocol.ChannelSystem); !strings.HasPrefix(got, "Slow down") {
				t.Fatalf("told %q, want to slow down", got)
			}
			// A thousand lines a second go over the message cap too.
			go func() {
				for range 5000 {
					if _, err := rc.Write(say("spam")); err != nil {
						return // closed by the world
					}
					time.Sleep(time.Millisecond)
				}
			}()
			return rc
		}, uint16(protocol.CloseRateLimited), ""},
		{"the bystander's token, replayed", func(t *testing.T) *wstest.Client {
			rc := w.dial()
			rc.Write(hello(by.token))
			return rc
		}, uint16(protocol.CloseTokenUsed), ""},
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

	t.Run("entering with another account's character", func(t *testing.T) {
		gw := client.NewGateway(c.URL(), nil)
		if _, err := gw.Guest(t.Context()); err != nil {
			t.Fatal(err)
		}
		_, err := gw.Enter(t.Context(), c.World.ID(), by.character)
		wantCode(t, "entering with the bystander's character", err, api.CodeNotFound)
	})

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
