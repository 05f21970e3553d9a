//go:build !unix

package wsconn

// sysConn is empty where no non-blocking write is implemented: every Send
// hands its bytes to the writer goroutine, which writes with a deadline.
type sysConn struct{}

func (c *Conn) initSys() {}

func (c *Conn) direct() bool { return false }

func (c *Conn) detached() bool { return false }

func (c *Conn) wakePollerLocked() {}

func (c *Conn) tryWriteLocked(b []byte) (int, error) { return 0, nil }
