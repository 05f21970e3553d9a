package wsconn_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/tinymmo/tinymmo/internal/wsconn"
)

// startServer serves WebSockets with opts, running serve on each upgraded
// connection in the handler's goroutine. It returns the server's host:port.
// At cleanup it closes every connection and waits for the handlers.
func startServer(t testing.TB, opts wsconn.Options, serve func(*wsconn.Conn)) string {
	return startServerOn(t, nil, opts, serve)
}

// plainConn hides a connection's syscall.Conn, which makes wsconn take its
// portable path (the one other platforms use): every Send goes through the
// writer goroutine.
type plainConn struct{ net.Conn }

type plainListener struct{ net.Listener }

func (l plainListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return plainConn{c}, nil
}

// startServerOn is startServer with wrap applied to the listener, if not
// nil.
func startServerOn(t testing.TB, wrap func(net.Listener) net.Listener, opts wsconn.Options, serve func(*wsconn.Conn)) string {
	t.Helper()
	var (
		mu    sync.Mutex
		conns []*wsconn.Conn
		wg    sync.WaitGroup
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := wsconn.Upgrade(w, r, opts)
		if err != nil {
			return
		}
		wg.Add(1)
		defer wg.Done()
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		serve(c)
		c.CloseNow()
	}))
	if wrap != nil {
		srv.Listener = wrap(srv.Listener)
	}
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		mu.Lock()
		for _, c := range conns {
			c.CloseNow()
		}
		mu.Unlock()
		wg.Wait()
	})
	return srv.Listener.Addr().String()
}
