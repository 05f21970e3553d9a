//go:build !js

package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/coder/websocket"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// netSocket is a socket on github.com/coder/websocket.
type netSocket struct {
	ws *websocket.Conn
}

func dial(ctx context.Context, url string) (socket, error) {
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(protocol.MaxWorldMessage)
	return netSocket{ws}, nil
}

func (s netSocket) write(ctx context.Context, b []byte) error {
	return closeErr(s.ws.Write(ctx, websocket.MessageBinary, b))
}

func (s netSocket) read(ctx context.Context) ([]byte, error) {
	_, data, err := s.ws.Read(ctx)
	return data, closeErr(err)
}

func (s netSocket) close(code protocol.CloseCode) error {
	return s.ws.Close(websocket.StatusCode(code), code.Reason())
}

func (s netSocket) closeNow() { s.ws.CloseNow() }

func closeErr(err error) error {
	if err == nil {
		return nil
	}
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		return &CloseError{Code: protocol.CloseCode(ce.Code), Reason: ce.Reason}
	}
	return fmt.Errorf("client: %w", err)
}
