package client

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// fakeWorldServer accepts one player: it reads Hello, sends welcome, then
// answers one Ping with pong.
func fakeWorldServer(t *testing.T, welcome protocol.Welcome, pong protocol.Pong) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		ctx := r.Context()
		if _, _, err := ws.Read(ctx); err != nil {
			return
		}
		if ws.Write(ctx, websocket.MessageBinary, welcome.Append(nil)) != nil {
			return
		}
		if _, _, err := ws.Read(ctx); err != nil {
			return
		}
		ws.Write(ctx, websocket.MessageBinary, pong.Append(nil))
		ws.Read(ctx) // until the client closes
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func TestConnCountsPayloadBytes(t *testing.T) {
	welcome := protocol.Welcome{EntityID: 1, Map: "overworld", TickRate: 20, Tick: 5, ServerTime: 1}
	pong := protocol.Pong{ClientTime: 300, ServerTime: 1_767_225_600_000}
	url := fakeWorldServer(t, welcome, pong)
	ctx := t.Context()
	c, err := Join(ctx, url, "token")
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	defer c.Close(protocol.CloseLogout)
	ping := protocol.Ping{ClientTime: 300}
	if err := c.Send(ctx, ping); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if m, err := c.Recv(ctx); err != nil || m != protocol.Message(pong) {
		t.Fatalf("Recv = %v, %v; want %+v", m, err, pong)
	}
	hello := protocol.Hello{Version: protocol.Version, Token: "token"}
	want := ConnStats{
		MessagesIn: 2, BytesIn: int64(len(welcome.Append(nil)) + len(pong.Append(nil))),
		MessagesOut: 2, BytesOut: int64(len(hello.Append(nil)) + len(ping.Append(nil))),
	}
	if got := c.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}
