//go:build linux

package wsconn

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Poller serves many connections from one goroutine, in batches. It takes
// each connection's socket over from its net.Conn, so that the Go
// runtime's own network poller no longer watches it: a message arriving
// then wakes no thread. Every period the poller asks the kernel (epoll,
// level-triggered) which of its sockets hold data, reads each of those
// once, and hands the complete messages to the connections' handlers; it
// also runs their ping and idle timers, and writes what their queues hold
// when a socket was full. A message thus costs about one read system call,
// where a goroutine per connection pays a wake-up, the read, and a read
// that finds the socket empty. A message waits up to one period before it
// is read, and a full socket's queue up to one period before it is written.
//
// A connection that cannot be read without blocking (not a syscall.Conn:
// TLS, or a wrapped net.Conn) gets a goroutine of its own instead, which
// reads it with Read; so do all connections on platforms other than Linux.
//
// Handlers run on the poller's goroutine and must not block.
type Poller struct {
	every time.Duration
	epfd  int

	mu     sync.Mutex // guards added, woken and closed
	added  []*polled  // connections for the loop to take in
	woken  []*polled  // connections with a queue to write or a descriptor to close
	closed bool

	stop chan struct{}
	done chan struct{}

	// Owned by the loop.
	conns  map[int32]*polled // by the id their epoll events carry
	lastID int32
	events []unix.EpollEvent
	spare  []*polled // the woken list before last, for reuse
	rounds int       // polls so far
	// buf is what a connection with no partial frame reads into, so
	// that an idle connection keeps no read buffer (see settle).
	buf []byte
}

// pollerBufSize is the size of Poller.buf: many client messages, so that
// a frame is seldom cut at its end.
const pollerBufSize = 16 << 10

// timerEvery is how often the poller visits every connection, for its
// timers (pings, the idle and pong timeouts, and a queue that no longer
// moves). In between it visits only those that woke it.
const timerEvery = 100 * time.Millisecond

// polled is a connection the poller serves. Its socket's descriptor, in
// c.sys.fd, stays open until the connection is closed and the poller has
// stopped reading it.
type polled struct {
	id      int32
	c       *Conn
	h       Handler
	reading bool        // h has not had Ended yet
	woken   atomic.Bool // pc is on the poller's woken list
	need    int         // the bytes the next frame takes from rpos, as nextMessage said
	endedAt time.Time   // when reading stopped
}

// NewPoller starts a poller that reads its connections every every
// (DefaultPollEvery if not positive). Close stops it.
func NewPoller(every time.Duration) (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("wsconn: epoll_create1: %w", err)
	}
	p := &Poller{
		every: cmp.Or(max(every, 0), DefaultPollEvery),
		epfd:  epfd,
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		conns: make(map[int32]*polled),
		buf:   make([]byte, pollerBufSize),
	}
	go p.loop()
	return p, nil
}

// Add has the poller serve c from its next round on, handing c's messages
// to h until h.Ended. Nobody else may Read c any more, nor use the
// net.Conn it was made from. Messages c already buffered (that came with
// the last one Read returned) go first.
func (p *Poller) Add(c *Conn, h Handler) {
	if !c.direct() {
		go readAll(c, h)
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		c.CloseNow()
		h.Ended(c.readFailed(ErrClosed))
		return
	}
	p.added = append(p.added, &polled{c: c, h: h, reading: true, need: 2})
	p.mu.Unlock()
}

// Close stops the poller. The connections it still serves are closed
// without a close frame, and the handlers still reading get
// Ended(ErrClosed).
func (p *Poller) Close() {
	p.mu.Lock()
	closed := p.closed
	p.closed = true
	p.mu.Unlock()
	if !closed {
		close(p.stop)
		<-p.done
	}
}

func (p *Poller) loop() {
	defer close(p.done)
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			p.shutdown()
			return
		case <-t.C:
			p.poll(time.Now())
		}
	}
}

// poll takes in the connections added, reads those with data, writes the
// queues and closes the connections that woke it, and every timerEvery
// runs every connection's timers, at now.
func (p *Poller) poll(now time.Time) {
	p.mu.Lock()
	added, woken := p.added, p.woken
	p.added, p.woken = nil, p.spare
	p.mu.Unlock()
	for _, pc := range added {
		p.register(pc)
	}
	for _, pc := range woken {
		pc.woken.Store(false)
		if p.conns[pc.id] == pc {
			p.visit(pc, now, false)
		}
	}
	clear(woken)
	p.spare = woken[:0]
	if len(p.conns) == 0 {
		return
	}
	// One wait takes every ready socket; one the buffer misses, with so
	// many more ready, stays ready for the next round.
	if len(p.events) < len(p.conns) {
		p.events = make([]unix.EpollEvent, len(p.conns)+len(p.conns)/2)
	}
	// The one error a wait that does not block can meet is EINTR: the
	// next round reads instead.
	n, _ := readyNow(p.epfd, p.events)
	for _, ev := range p.events[:n] {
		if pc := p.conns[ev.Fd]; pc != nil && pc.reading {
			p.read(pc)
		}
	}
	p.rounds++
	if p.rounds%max(int(timerEvery/p.every), 1) == 0 {
		for _, pc := range p.conns {
			p.visit(pc, now, true)
		}
	}
}

// visit writes pc's queue, and releases pc once it is closed; with timers,
// it also runs pc's timers, and closes a connection whose handler left it
// open for WriteTimeout after Ended.
func (p *Poller) visit(pc *polled, now time.Time, timers bool) {
	closed, queued := pc.c.flushQueued(now)
	switch {
	case closed:
		if pc.reading {
			p.stopReading(pc, pc.c.readFailed(cmp.Or(pc.c.closedHere(), ErrClosed)), now)
		}
		p.release(pc)
		return
	case queued:
		p.wake(pc) // the rest next round
	}
	if !timers {
		return
	}
	if !pc.reading {
		if now.Sub(pc.endedAt) >= pc.c.opts.WriteTimeout {
			pc.c.CloseNow()
		}
	} else if err := pc.c.checkTimers(now); err != nil {
		p.stopReading(pc, pc.c.readFailed(err), now)
	}
}

// wake puts pc on the list of connections the next round visits, unless
// it is there already. Any goroutine may call it.
func (p *Poller) wake(pc *polled) {
	if pc.woken.CompareAndSwap(false, true) {
		p.mu.Lock()
		p.woken = append(p.woken, pc)
		p.mu.Unlock()
	}
}

// register takes pc's socket over from its net.Conn, adds it to the epoll
// set under a fresh id, and hands on the messages it has buffered. While a
// writer goroutine still owns the socket's writes, it waits for the next
// round.
func (p *Poller) register(pc *polled) {
	switch detached, err := pc.c.detach(func() { p.wake(pc) }); {
	case err != nil:
		pc.h.Ended(pc.c.readFailed(pc.c.socketFailed(err)))
		return
	case !detached:
		p.mu.Lock()
		p.added = append(p.added, pc)
		p.mu.Unlock()
		return
	}
	for {
		p.lastID++
		if _, used := p.conns[p.lastID]; !used {
			break
		}
	}
	pc.id = p.lastID
	p.conns[pc.id] = pc
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: pc.id}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, pc.c.sys.fd, &ev); err != nil {
		pc.c.CloseNow()
		p.stopReading(pc, pc.c.readFailed(fmt.Errorf("wsconn: epoll_ctl: %w", err)), time.Now())
		p.release(pc)
		return
	}
	p.deliver(pc)
	p.settle(pc.c)
}

// detach moves the socket's descriptor from the net.Conn to c itself: it
// duplicates it and closes the net.Conn, which takes the original out of
// the runtime's network poller; the socket stays open through the
// duplicate. From then on c calls wake when it has work for the poller.
// It reports false, having done nothing, while a writer goroutine owns
// the socket's writes.
func (c *Conn) detach(wake func()) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writing {
		return false, nil
	}
	if c.state == stateClosed {
		return false, ErrClosed
	}
	fd := -1
	var dupErr error
	err := c.sys.rc.Control(func(orig uintptr) {
		fd, dupErr = unix.FcntlInt(orig, unix.F_DUPFD_CLOEXEC, 0)
	})
	if err = cmp.Or(err, dupErr); err != nil {
		return false, err
	}
	// The duplicate shares the original's open file description, so it is
	// non-blocking too.
	c.nc.Close()
	c.sys.fd, c.sys.wake = fd, wake
	return true, nil
}

// flushQueued writes what c's queue holds, as much as the socket takes,
// and closes c once a queued close frame is written; it fails c when the
// socket took none of it for WriteTimeout. It reports whether c is closed,
// and else whether bytes are still queued.
func (c *Conn) flushQueued(now time.Time) (closed, queued bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateClosed && len(c.queue) > 0 {
		n, err := c.tryWriteLocked(c.queue)
		switch {
		case err != nil:
			c.failLocked(fmt.Errorf("wsconn: write: %w", err))
		case n == len(c.queue):
			c.queue, c.spare = nil, nil // an idle connection keeps no write buffer
			if c.state == stateClosing {
				c.closeSocketLocked()
			}
		default:
			c.queue = c.queue[:copy(c.queue, c.queue[n:])]
			if n > 0 {
				c.queuedAt = now // the socket takes what it is given, if slowly
			} else if now.Sub(c.queuedAt) >= c.opts.WriteTimeout {
				c.failLocked(fmt.Errorf("wsconn: queued data not written in %v: %w", c.opts.WriteTimeout, os.ErrDeadlineExceeded))
			}
		}
	}
	return c.state == stateClosed, len(c.queue) > 0
}

// read reads pc's socket once and hands on the complete messages.
func (p *Poller) read(pc *polled) {
	c := pc.c
	if c.rpos == c.rend {
		c.rbuf, c.rpos, c.rend = p.buf, 0, 0 // see settle
	}
	defer p.settle(c)
	c.reserve(pc.need)
	n, err := readFd(c.sys.fd, c.rbuf[c.rend:])
	switch {
	case err == syscall.EAGAIN:
		// The data went to an earlier read: nothing to do.
	case err == nil && n == 0:
		p.stopReading(pc, c.readFailed(c.socketFailed(io.EOF)), time.Now())
	case err != nil:
		p.stopReading(pc, c.readFailed(c.socketFailed(err)), time.Now())
	default:
		c.rend += n
		p.deliver(pc)
	}
}

// settle leaves c a read buffer of its own only while it holds part of a
// frame: a connection whose buffered bytes were all handed on drops its
// buffer, and one that read into the poller's keeps what is left of it.
func (p *Poller) settle(c *Conn) {
	switch {
	case c.rpos == c.rend:
		c.rbuf, c.rpos, c.rend = nil, 0, 0
	case &c.rbuf[0] == &p.buf[0]:
		own := make([]byte, max(readBufSize, c.rend-c.rpos))
		c.rend, c.rpos, c.rbuf = copy(own, c.rbuf[c.rpos:c.rend]), 0, own
	}
}

// readFd is the raw read: once, without waiting.
func readFd(fd int, b []byte) (int, error) {
	for {
		n, err := rawRead(fd, b)
		if err != syscall.EINTR {
			return n, err
		}
	}
}

// deliver hands pc's buffered messages to its handler, until one is
// incomplete or reading ends.
func (p *Poller) deliver(pc *polled) {
	for {
		binary, payload, need, err := pc.c.nextMessage()
		switch {
		case err != nil:
			p.stopReading(pc, pc.c.readFailed(err), time.Now())
			return
		case need > 0:
			pc.need = need
			return
		case !pc.h.Message(binary, payload):
			p.stopReading(pc, nil, time.Now())
			return
		}
	}
}

// stopReading stops reading pc and tells its handler why. The poller goes
// on writing pc's queue until pc is closed.
func (p *Poller) stopReading(pc *polled, err error, now time.Time) {
	pc.reading, pc.endedAt = false, now
	unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, pc.c.sys.fd, nil)
	pc.h.Ended(err)
}

// release forgets pc, whose connection is closed and no longer read, and
// closes its descriptor: nothing writes to a closed connection.
func (p *Poller) release(pc *polled) {
	delete(p.conns, pc.id)
	unix.Close(pc.c.sys.fd)
}

// shutdown closes the connections the poller still serves, and the epoll
// descriptor.
func (p *Poller) shutdown() {
	p.mu.Lock()
	added := p.added
	p.added = nil
	p.mu.Unlock()
	for _, pc := range added {
		pc.c.CloseNow()
		pc.h.Ended(pc.c.readFailed(ErrClosed))
	}
	now := time.Now()
	for _, pc := range p.conns {
		pc.c.CloseNow()
		if pc.reading {
			p.stopReading(pc, pc.c.readFailed(ErrClosed), now)
		}
		p.release(pc)
	}
	unix.Close(p.epfd)
}
