//go:build js

package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall/js"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// jsSocket is a socket on the browser's WebSocket. The browser calls its
// event handlers on the JavaScript event loop; they only queue messages and
// record the close, and the Go side waits on channels.
type jsSocket struct {
	ws       js.Value
	handlers []js.Func // released once the connection has closed

	signal chan struct{} // a message arrived; buffered 1
	closed chan struct{} // closed by the close event

	mu       sync.Mutex // guards following fields
	queue    [][]byte
	closeErr error // why the connection ended, set before closed is closed
}

func dial(ctx context.Context, url string) (socket, error) {
	s := &jsSocket{signal: make(chan struct{}, 1), closed: make(chan struct{})}
	s.ws = js.Global().Get("WebSocket").New(url)
	s.ws.Set("binaryType", "arraybuffer")
	opened := make(chan struct{})
	s.on("open", func(js.Value) { close(opened) })
	s.on("message", s.onMessage)
	s.on("error", func(js.Value) {}) // a close event always follows, with the code
	s.on("close", s.onClose)
	select {
	case <-opened:
		return s, nil
	case <-s.closed:
		return nil, s.err()
	case <-ctx.Done():
		s.closeNow()
		return nil, ctx.Err()
	}
}

// on registers fn for the WebSocket event name.
func (s *jsSocket) on(name string, fn func(js.Value)) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		fn(args[0])
		return nil
	})
	s.handlers = append(s.handlers, f)
	s.ws.Call("addEventListener", name, f)
}

func (s *jsSocket) onMessage(ev js.Value) {
	data := ev.Get("data")
	if data.Type() != js.TypeObject || data.Get("byteLength").Type() != js.TypeNumber {
		return // a text message: the world sends none
	}
	n := data.Get("byteLength").Int()
	if n > protocol.MaxWorldMessage {
		s.ws.Call("close", 1009, "message too big")
		return
	}
	b := make([]byte, n)
	js.CopyBytesToGo(b, js.Global().Get("Uint8Array").New(data))
	s.mu.Lock()
	s.queue = append(s.queue, b)
	s.mu.Unlock()
	select {
	case s.signal <- struct{}{}:
	default:
	}
}

func (s *jsSocket) onClose(ev js.Value) {
	code, reason := ev.Get("code").Int(), ev.Get("reason").String()
	s.mu.Lock()
	if s.closeErr == nil {
		if code >= 4000 {
			s.closeErr = &CloseError{Code: protocol.CloseCode(code), Reason: reason}
		} else {
			s.closeErr = fmt.Errorf("client: connection closed (%d %s)", code, reason)
		}
	}
	s.mu.Unlock()
	for _, h := range s.handlers {
		h.Release()
	}
	close(s.closed)
}

func (s *jsSocket) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeErr
}

func (s *jsSocket) write(ctx context.Context, b []byte) error {
	select {
	case <-s.closed:
		return s.err()
	default:
	}
	arr := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(arr, b)
	s.ws.Call("send", arr)
	return nil
}

func (s *jsSocket) read(ctx context.Context) ([]byte, error) {
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			b := s.queue[0]
			s.queue[0] = nil
			s.queue = s.queue[1:]
			s.mu.Unlock()
			return b, nil
		}
		s.mu.Unlock()
		select {
		case <-s.signal:
		case <-s.closed:
			// Messages that arrived before the close are read first.
			s.mu.Lock()
			empty := len(s.queue) == 0
			s.mu.Unlock()
			if empty {
				return nil, s.err()
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (s *jsSocket) close(code protocol.CloseCode) error {
	s.mu.Lock()
	if s.closeErr == nil {
		s.closeErr = errors.New("client: connection closed by this client")
	}
	s.mu.Unlock()
	s.ws.Call("close", int(code), code.Reason())
	<-s.closed
	return nil
}

func (s *jsSocket) closeNow() {
	s.ws.Call("close", 1000)
}
