package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// Conn is a connection to a world, after the world has welcomed the player.
// One goroutine may call Recv while others call Send; Stats may be called
// from any goroutine.
type Conn struct {
	ws      socket
	Welcome protocol.Welcome

	// Counted by Send and Recv: WebSocket message payloads, without
	// framing.
	msgsIn, bytesIn   atomic.Int64
	msgsOut, bytesOut atomic.Int64
}

// ConnStats counts what a Conn carried: WebSocket messages and their
// payload bytes (the protocol messages, without WebSocket framing).
type ConnStats struct {
	MessagesIn, BytesIn   int64 // received, Welcome included
	MessagesOut, BytesOut int64 // sent, Hello included
}

// Stats returns what c has carried so far.
func (c *Conn) Stats() ConnStats {
	return ConnStats{
		MessagesIn: c.msgsIn.Load(), BytesIn: c.bytesIn.Load(),
		MessagesOut: c.msgsOut.Load(), BytesOut: c.bytesOut.Load(),
	}
}

// CloseError is how a world ended a connection: its close code and reason.
type CloseError struct {
	Code   protocol.CloseCode
	Reason string
}

func (e *CloseError) Error() string {
	return fmt.Sprintf("world closed the connection: %d %s", int(e.Code), e.Reason)
}

// Join opens a WebSocket to the world at url, presents the single-use join
// token in Hello and waits for Welcome. A refusal comes back as *CloseError.
//
// A world that is letting too many players in at once refuses the join
// before reading the token (protocol.CloseBusy); Join then tries again,
// up to joinBusyRetries times, waiting a little longer each time.
func Join(ctx context.Context, url, token string) (*Conn, error) {
	for attempt := 1; ; attempt++ {
		c, err := join(ctx, url, token)
		var refused *CloseError
		if err == nil || !errors.As(err, &refused) || refused.Code != protocol.CloseBusy || attempt > joinBusyRetries {
			return c, err
		}
		wait := time.Duration(attempt)*joinBusyBackoff + rand.N(joinBusyBackoff)
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
	}
}

// How Join waits for a busy world: before the k-th retry, k times
// joinBusyBackoff and up to one more at random, so that the players
// refused together do not come back together; about 2.5 s in all.
const (
	joinBusyRetries = 6
	joinBusyBackoff = 100 * time.Millisecond
)

// join makes one attempt of Join.
func join(ctx context.Context, url, token string) (*Conn, error) {
	ws, err := dial(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("client: dial %s: %w", url, err)
	}
	c := &Conn{ws: ws}
	if err := c.Send(ctx, protocol.Hello{Version: protocol.Version, Token: token}); err != nil {
		ws.closeNow()
		return nil, err
	}
	msg, err := c.Recv(ctx)
	if err != nil {
		ws.closeNow()
		return nil, err
	}
	w, ok := msg.(protocol.Welcome)
	if !ok {
		c.Close(protocol.CloseMalformed)
		return nil, fmt.Errorf("client: expected Welcome, got message type %#x", byte(msg.Type()))
	}
	c.Welcome = w
	return c, nil
}

// Send encodes and sends m.
func (c *Conn) Send(ctx context.Context, m protocol.Message) error {
	b := m.Append(nil)
	if err := c.ws.write(ctx, b); err != nil {
		return err
	}
	c.msgsOut.Add(1)
	c.bytesOut.Add(int64(len(b)))
	return nil
}

// Recv reads and decodes the next message. When the world has closed the
// connection the error is a *CloseError.
func (c *Conn) Recv(ctx context.Context) (protocol.Message, error) {
	data, err := c.ws.read(ctx)
	if err != nil {
		return nil, err
	}
	c.msgsIn.Add(1)
	c.bytesIn.Add(int64(len(data)))
	m, err := protocol.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return m, nil
}

// Close closes the connection with code (protocol.CloseLogout to log out).
func (c *Conn) Close(code protocol.CloseCode) error {
	return c.ws.close(code)
}

// socket is a WebSocket carrying binary messages to and from a world. The
// browser build has its own (ws_js.go), because the WebSocket library's
// js/wasm port loses the close code the world sends, and with it the reason
// a player should see.
type socket interface {
	// write sends one binary message.
	write(ctx context.Context, b []byte) error
	// read returns the next message, or a *CloseError once the world has
	// closed the connection with a code.
	read(ctx context.Context) ([]byte, error)
	// close sends a close frame with code and its reason, and waits for the
	// connection to end.
	close(code protocol.CloseCode) error
	// closeNow drops the connection.
	closeNow()
}
