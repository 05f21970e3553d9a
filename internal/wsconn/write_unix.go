//go:build unix

package wsconn

import "syscall"

// sysConn writes to the socket without waiting: one write system call
// through syscall.RawConn, whose callback never asks to be called again;
// or, once a Poller has taken the socket over, straight to its descriptor.
type sysConn struct {
	// fd is the socket's descriptor once a Poller has detached it from
	// the net.Conn (see Poller); -1 before. The poller closes it.
	fd int
	// wake tells the poller of a detached connection that it has work
	// there: a queue to write, or a descriptor to close.
	wake func()
	rc   syscall.RawConn
	fn   func(fd uintptr) bool // s.write, bound once so a write allocates nothing
	b    []byte                // the bytes to write, set for the call only
	n    int                   // what the call wrote
	err  error                 // and its error
}

func (s *sysConn) write(fd uintptr) bool {
	s.n, s.err = rawWrite(int(fd), s.b)
	return true
}

func (c *Conn) initSys() {
	c.sys.fd = -1
	sc, ok := c.nc.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	c.sys.rc = rc
	c.sys.fn = c.sys.write
}

// direct reports whether tryWriteLocked can write without a goroutine.
func (c *Conn) direct() bool { return c.sys.rc != nil }

// detached reports whether a Poller owns the socket's descriptor.
func (c *Conn) detached() bool { return c.sys.fd >= 0 }

// wakePollerLocked tells the poller of a detached connection that it has
// work there.
func (c *Conn) wakePollerLocked() {
	if c.sys.wake != nil {
		c.sys.wake()
	}
}

// tryWriteLocked writes as much of b as the socket takes now, with one
// system call, and returns how much that was. A full socket is not an
// error.
func (c *Conn) tryWriteLocked(b []byte) (int, error) {
	s := &c.sys
	var n int
	var werr error
	if s.fd >= 0 {
		n, werr = rawWrite(s.fd, b)
	} else {
		s.b = b
		err := s.rc.Write(s.fn)
		n, werr = s.n, s.err
		s.b, s.err = nil, nil
		if err != nil {
			return 0, err
		}
	}
	n = max(n, 0)
	if werr == syscall.EAGAIN || werr == syscall.EINTR {
		werr = nil
	}
	if werr != nil {
		return n, werr
	}
	return n, nil
}
