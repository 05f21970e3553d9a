//go:build linux

package wsconn

import (
	"cmp"
	"fmt"
	"io"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Poller reads many connections from one goroutine, in batches. Every
// period it asks the kernel (epoll, level-triggered) which of its sockets
// hold data, reads each of those once, and hands the complete messages to
// the connections' handlers; it also runs their ping and idle timers. A
// message thus costs about one read system call, where a goroutine per
// connection pays a wake-up, the read, and a read that finds the socket
// empty. A message waits up to one period before it is read.
//
// A connection that cannot be read without blocking (not a syscall.Conn:
// TLS, or a wrapped net.Conn) gets a goroutine of its own instead, which
// reads it with Read; so do all connections on platforms other than Linux.
//
// Handlers run on the poller's goroutine and must not block.
type Poller struct {
	every time.Duration
	epfd  int

	mu     sync.Mutex // guards added and closed
	added  []*polled  // connections for the loop to take in
	closed bool

	stop chan struct{}
	done chan struct{}

	// Owned by the loop.
	conns  map[int32]*polled // by the id their epoll events carry
	lastID int32
	events []unix.EpollEvent
}

// polled is a connection the poller reads.
type polled struct {
	id   int32
	c    *Conn
	h    Handler
	need int // the bytes the next frame takes from rpos, as nextMessage said

	read func(fd uintptr) bool // readFd, bound once so a read allocates nothing
	buf  []byte                // where readFd reads to, set for the call only
	n    int                   // what it read
	err  error                 // and its error
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
	}
	go p.loop()
	return p, nil
}

// Add has the poller read c from its next round on, handing c's messages
// to h until h.Ended. Nobody else may Read c any more. Messages c already
// buffered (that came with the last one Read returned) go first.
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
	pc := &polled{c: c, h: h, need: 2}
	pc.read = pc.readFd
	p.added = append(p.added, pc)
	p.mu.Unlock()
}

// Close stops the poller. The connections it still read are closed
// without a close frame, and their handlers get Ended(ErrClosed).
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

// poll takes in the connections added, reads those with data, and runs
// every connection's timers at now.
func (p *Poller) poll(now time.Time) {
	p.mu.Lock()
	added := p.added
	p.added = nil
	p.mu.Unlock()
	for _, pc := range added {
		p.register(pc)
	}
	if len(p.conns) == 0 {
		return
	}
	// One wait takes every ready socket; one the buffer misses, with so
	// many more ready, stays ready for the next round.
	if len(p.events) < len(p.conns) {
		p.events = make([]unix.EpollEvent, len(p.conns)+len(p.conns)/2)
	}
	// The one error a wait that does not block can meet is EINTR (n is
	// then -1): the next round reads instead.
	n, _ := readyNow(p.epfd, p.events)
	for _, ev := range p.events[:max(n, 0)] {
		if pc := p.conns[ev.Fd]; pc != nil {
			p.read(pc)
		}
	}
	for _, pc := range p.conns {
		if err := pc.c.closedHere(); err != nil {
			p.end(pc, pc.c.readFailed(err))
		} else if err := pc.c.checkTimers(now); err != nil {
			p.end(pc, pc.c.readFailed(err))
		}
	}
}

// register adds pc to the epoll set under a fresh id, and hands on the
// messages it has buffered.
func (p *Poller) register(pc *polled) {
	for {
		p.lastID++
		if _, used := p.conns[p.lastID]; !used {
			break
		}
	}
	pc.id = p.lastID
	c := pc.c
	// Read's deadlines for its timers must not fail the raw reads: the
	// poller runs the timers itself.
	c.nc.SetReadDeadline(time.Time{})
	c.armed, c.expired = time.Time{}, false
	var ctlErr error
	err := c.sys.rc.Control(func(fd uintptr) {
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: pc.id}
		ctlErr = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, int(fd), &ev)
	})
	if err = cmp.Or(err, ctlErr); err != nil {
		pc.h.Ended(c.readFailed(c.socketFailed(err)))
		return
	}
	p.conns[pc.id] = pc
	p.deliver(pc)
}

// read reads pc's socket once and hands on the complete messages.
func (p *Poller) read(pc *polled) {
	c := pc.c
	c.reserve(pc.need)
	pc.buf = c.rbuf[c.rend:]
	err := c.sys.rc.Read(pc.read)
	n, rerr := pc.n, pc.err
	pc.buf, pc.err = nil, nil
	switch {
	case err == nil && rerr == syscall.EAGAIN:
		// The data went to an earlier read: nothing to do.
	case err == nil && rerr == nil && n == 0:
		p.end(pc, c.readFailed(c.socketFailed(io.EOF)))
	case err != nil || rerr != nil:
		p.end(pc, c.readFailed(c.socketFailed(cmp.Or(err, rerr))))
	default:
		c.rend += n
		p.deliver(pc)
	}
}

// readFd is the raw read: once, without waiting.
func (pc *polled) readFd(fd uintptr) bool {
	for {
		pc.n, pc.err = rawRead(int(fd), pc.buf)
		if pc.err != syscall.EINTR {
			return true
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
			p.end(pc, pc.c.readFailed(err))
			return
		case need > 0:
			pc.need = need
			return
		case !pc.h.Message(binary, payload):
			p.end(pc, nil)
			return
		}
	}
}

// end stops reading pc and tells its handler why.
func (p *Poller) end(pc *polled, err error) {
	delete(p.conns, pc.id)
	// A closed socket has left the epoll set already; Control then fails.
	pc.c.sys.rc.Control(func(fd uintptr) {
		unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, int(fd), nil)
	})
	pc.h.Ended(err)
}

// shutdown closes the connections the poller still reads, and the epoll
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
	for _, pc := range p.conns {
		pc.c.CloseNow()
		p.end(pc, pc.c.readFailed(ErrClosed))
	}
	unix.Close(p.epfd)
}
