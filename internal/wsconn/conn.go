package wsconn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Status codes this package sends.
const (
	StatusNormal        uint16 = 1000
	StatusGoingAway     uint16 = 1001 // the peer sent no frame for IdleTimeout
	StatusProtocolError uint16 = 1002
	StatusInvalidData   uint16 = 1007 // a text message that is not UTF-8
	StatusTooBig        uint16 = 1009 // a message over Options.ReadLimit
	// StatusTooSlow closes a connection whose client did not read its
	// messages fast enough: its queue overflowed, or it did not answer a
	// ping within PongTimeout. It equals protocol.CloseTooSlow.
	StatusTooSlow uint16 = 4011
)

// Errors.
var (
	// ErrClosed is returned by Send after Close, CloseNow or a failure has
	// closed the connection, and by Read once it is closed locally.
	ErrClosed = errors.New("wsconn: connection closed")
	// ErrSlow is returned by the Send that would have queued more than
	// Options.MaxQueuedBytes; the connection is then closed with
	// StatusTooSlow. Later Sends return ErrClosed.
	ErrSlow = errors.New("wsconn: client too slow, send queue full")
	// ErrIdle is returned by Read when the peer sent no complete frame for
	// Options.IdleTimeout; the connection is then closed with
	// StatusGoingAway.
	ErrIdle = errors.New("wsconn: client idle too long")
	// ErrNoPong is returned by Read when the peer did not answer a ping
	// within Options.PongTimeout: it is not reading what it is sent. The
	// connection is then closed with StatusTooSlow.
	ErrNoPong = errors.New("wsconn: client did not answer a ping in time")
)

// ProtocolError is a peer's violation of RFC 6455 or of Options.ReadLimit,
// found by Read. The connection is closed with Code and Reason.
type ProtocolError struct {
	Code   uint16
	Reason string
}

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("wsconn: protocol error %d: %s", e.Code, e.Reason)
}

// CloseError is returned by Read when the peer closed the connection with a
// close frame. Code is 1005 if the frame carried no code.
type CloseError struct {
	Code   uint16
	Reason string
}

func (e *CloseError) Error() string {
	return fmt.Sprintf("wsconn: closed by peer: %d %q", e.Code, e.Reason)
}

// Options configure a Conn. The zero value of each field selects its
// default.
type Options struct {
	// ReadLimit is the largest payload of a client message, in bytes
	// (default 32 KiB). A larger message closes the connection with 1009 and
	// a reason naming the limit.
	ReadLimit int
	// MaxQueuedBytes is how many bytes may wait for a slow client before
	// Send fails with ErrSlow (default 64 KiB). It does not count what the
	// kernel's socket buffer already took.
	MaxQueuedBytes int
	// WriteTimeout is how long queued bytes may wait for a socket that
	// takes none of them (with a writer goroutine: how long one write of
	// the queue may block) before the connection is closed (default
	// 10 s). It also bounds how long Close waits for queued data and the
	// close frame.
	WriteTimeout time.Duration
	// PingInterval is how often the server pings the client, whatever the
	// client sends (default 15 s; negative disables pings). A ping carries
	// a payload the client cannot guess, so only a client that reads what
	// it is sent can answer it.
	PingInterval time.Duration
	// PongTimeout is how long a ping may go unanswered before the
	// connection is closed with StatusTooSlow (default 30 s; negative
	// disables). A client that sends but never reads is caught by it,
	// however large the kernel's socket buffers.
	PongTimeout time.Duration
	// IdleTimeout is the read silence, counted in complete frames, after
	// which the connection is closed (default 45 s; negative disables).
	IdleTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.ReadLimit <= 0 {
		o.ReadLimit = 32 << 10
	}
	if o.MaxQueuedBytes <= 0 {
		o.MaxQueuedBytes = 64 << 10
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.PingInterval == 0 {
		o.PingInterval = 15 * time.Second
	}
	if o.PongTimeout == 0 {
		o.PongTimeout = 30 * time.Second
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = 45 * time.Second
	}
	return o
}

// readBufSize is the read buffer of a connection. Client messages are at
// most a few hundred bytes, so one read normally takes whole frames; larger
// frames are read into a buffer of their own.
const readBufSize = 512

// keepBuf is the largest message or queue buffer a connection keeps between
// uses; larger ones are dropped so an idle connection stays small.
const keepBuf = 4 << 10

// Connection states, guarded by Conn.mu.
const (
	stateOpen    = iota
	stateClosing // a close frame is queued; the socket closes when it is written
	stateClosed  // the socket is closed
)

// Conn is a server-side WebSocket connection made by Upgrade. See the
// package documentation for which goroutine may call what.
type Conn struct {
	nc   net.Conn
	opts Options

	// Owned by the reader (the goroutine calling Read).
	rbuf       []byte       // buffered input is rbuf[rpos:rend]; it grows for a large frame
	rpos, rend int          //
	frag       []byte       // a fragmented message being put together
	fragOp     byte         // the opcode of that message; 0: none in progress
	lastFrame  time.Time    // when the last complete frame arrived
	pingedAt   time.Time    // when the last ping was sent (at first: the upgrade)
	pingSeq    uint64       // the payload of the last ping
	awaiting   bool         // the last ping has not been answered
	armed      time.Time    // the read deadline set on nc; zero: none
	expired    bool         // armed has passed
	rerr       error        // sticky read error
	rtt        atomic.Int64 // the last answered ping's round trip (a time.Duration); read by RTT from any goroutine

	mu       sync.Mutex // guards the following fields
	state    int
	queue    []byte    // framed bytes the socket has not taken, in order
	spare    []byte    // an empty buffer for the next queue
	queuedAt time.Time // when queue became non-empty
	writing  bool      // a writer goroutine runs and owns socket writes
	cause    error     // why the connection is closing or closed
	sys      sysConn   // the platform's non-blocking write
}

func newConn(nc net.Conn, opts Options) *Conn {
	c := &Conn{
		nc:   nc,
		opts: opts.withDefaults(),
		rbuf: make([]byte, readBufSize),
	}
	c.lastFrame = time.Now()
	c.pingedAt = c.lastFrame
	c.initSys()
	return c
}

// RTT returns the round trip of the last ping the client answered
// (Options.PingInterval), as the reader saw it; 0 before the first. Any
// goroutine may call it.
func (c *Conn) RTT() time.Duration { return time.Duration(c.rtt.Load()) }

// RemoteAddr returns the client's network address.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// scratch holds frames on their way to a direct write, so a Send does not
// allocate and an idle connection holds no write buffer.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Send writes msg as one binary message. If nothing is queued it is written
// now, from the caller's goroutine, with a single non-blocking write system
// call; whatever the socket does not take is queued for a writer goroutine.
// Send never blocks on the network. It returns ErrSlow when the queue would
// exceed Options.MaxQueuedBytes (the connection is then closed with
// StatusTooSlow; the caller may ignore the error), and ErrClosed after the
// connection was closed. msg may be reused when Send returns. Send is safe
// for concurrent use.
func (c *Conn) Send(msg []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateOpen {
		return ErrClosed
	}
	return c.writeFrameLocked(opBinary, msg)
}

// AppendBinary appends msg to b as one binary message frame, for
// [Conn.SendFrames]: a caller that gathers several messages for a client
// frames them into one buffer and writes them with one system call.
func AppendBinary(b, msg []byte) []byte { return appendFrame(b, opBinary, msg) }

// SendFrames writes frames, whole binary message frames built with
// [AppendBinary], as Send writes one message: now, from the caller's
// goroutine, with a single non-blocking write if nothing is queued, and
// what the socket does not take queued. Its errors are Send's. frames may
// be reused when it returns.
func (c *Conn) SendFrames(frames []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateOpen {
		return ErrClosed
	}
	if c.writing || len(c.queue) > 0 || !c.direct() {
		if len(c.queue)+len(frames) > c.opts.MaxQueuedBytes && len(c.queue) > 0 {
			c.slowLocked()
			return ErrSlow
		}
		c.enqueueLocked(0, nil, frames)
		return nil
	}
	return c.writeNowLocked(frames)
}

// writeFrameLocked writes or queues one frame. Control frames are never
// refused for size: they are small and must follow the data.
func (c *Conn) writeFrameLocked(op byte, payload []byte) error {
	if c.writing || len(c.queue) > 0 || !c.direct() {
		if op < opClose && len(c.queue)+headerLen(len(payload))+len(payload) > c.opts.MaxQueuedBytes && len(c.queue) > 0 {
			c.slowLocked()
			return ErrSlow
		}
		c.enqueueLocked(op, payload, nil)
		return nil
	}
	bp := scratch.Get().(*[]byte)
	b := appendFrame((*bp)[:0], op, payload)
	err := c.writeNowLocked(b)
	if cap(b) <= keepBuf {
		*bp = b[:0]
		scratch.Put(bp)
	}
	return err
}

// writeNowLocked writes b, whole frames, with one non-blocking write system
// call, and queues what the socket did not take. Nothing may be queued.
func (c *Conn) writeNowLocked(b []byte) error {
	n, err := c.tryWriteLocked(b)
	if err != nil {
		c.failLocked(fmt.Errorf("wsconn: write: %w", err))
		return ErrClosed
	}
	if n < len(b) {
		// The socket took part of a frame; the rest must follow it
		// whatever its size.
		c.enqueueLocked(0, nil, b[n:])
		if len(b)-n > c.opts.MaxQueuedBytes {
			c.slowLocked()
			return ErrSlow
		}
	}
	return nil
}

// enqueueLocked appends a frame (op, payload) or, if raw is non-nil, raw
// bytes to the queue, and makes sure a writer runs.
func (c *Conn) enqueueLocked(op byte, payload, raw []byte) {
	if len(c.queue) == 0 {
		c.queuedAt = time.Now()
		if c.queue == nil {
			c.queue, c.spare = c.spare, nil
		}
		c.wakePollerLocked()
	}
	if raw != nil {
		c.queue = append(c.queue, raw...)
	} else {
		c.queue = appendFrame(c.queue, op, payload)
	}
	if !c.writing && !c.detached() {
		// A detached connection's queue is the poller's to write.
		c.writing = true
		go c.writeLoop()
	}
}

// writeLoop writes the queue with blocking writes until it is empty or the
// connection fails, then exits. It closes the socket once a queued close
// frame is written.
func (c *Conn) writeLoop() {
	var batch []byte
	for {
		c.mu.Lock()
		if batch != nil && cap(batch) <= keepBuf && c.spare == nil {
			c.spare = batch[:0]
		}
		if c.state == stateClosed {
			c.writing = false
			c.queue, c.spare = nil, nil
			c.mu.Unlock()
			return
		}
		if len(c.queue) == 0 {
			c.writing = false
			// An idle connection keeps no write buffer.
			c.queue, c.spare = nil, nil
			if c.state == stateClosing {
				c.closeSocketLocked()
			} else {
				// Direct writes must not trip over this loop's deadline.
				c.nc.SetWriteDeadline(time.Time{})
			}
			c.mu.Unlock()
			return
		}
		batch, c.queue = c.queue, c.spare
		c.spare = nil
		deadline := c.queuedAt.Add(c.opts.WriteTimeout)
		c.mu.Unlock()

		c.nc.SetWriteDeadline(deadline)
		if _, err := c.nc.Write(batch); err != nil {
			c.mu.Lock()
			c.writing = false
			if errors.Is(err, os.ErrDeadlineExceeded) {
				err = fmt.Errorf("wsconn: queued data not written in %v: %w", c.opts.WriteTimeout, err)
			} else {
				err = fmt.Errorf("wsconn: write: %w", err)
			}
			c.failLocked(err)
			c.mu.Unlock()
			return
		}
		batch = batch[:0]
	}
}

// slowLocked starts closing a connection whose client cannot keep up: the
// close frame goes after what is queued, and WriteTimeout bounds the wait.
func (c *Conn) slowLocked() {
	c.startCloseLocked(StatusTooSlow, "too slow: the client did not read its messages in time", ErrSlow)
}

// failLocked closes the socket at once after a write failed.
func (c *Conn) failLocked(err error) {
	if c.cause == nil {
		c.cause = err
	}
	c.closeSocketLocked()
}

func (c *Conn) closeSocketLocked() {
	if c.state == stateClosed {
		return
	}
	c.state = stateClosed
	if !c.writing {
		c.queue, c.spare = nil, nil
	}
	if c.detached() {
		c.wakePollerLocked() // to close the descriptor
	} else {
		c.nc.Close()
	}
}

// startCloseLocked queues a close frame after any queued data; the socket
// is closed once it is written, or after WriteTimeout.
func (c *Conn) startCloseLocked(code uint16, reason string, cause error) {
	if c.state != stateOpen {
		return
	}
	c.state = stateClosing
	c.cause = cause
	if err := c.writeFrameLocked(opClose, closePayload(code, reason)); err != nil {
		return // failLocked closed the socket
	}
	if !c.writing && len(c.queue) == 0 {
		c.closeSocketLocked()
	}
}

// Close sends a close frame with code and reason after the queued data,
// then closes the socket. It does not wait: the socket is closed by the
// time the close frame is written, or after Options.WriteTimeout. Close is
// idempotent and safe for concurrent use; a blocked Read returns once the
// socket is closed.
func (c *Conn) Close(code uint16, reason string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.startCloseLocked(code, reason, ErrClosed)
	return nil
}

// CloseNow closes the socket without a close frame, dropping queued data.
// It is idempotent.
func (c *Conn) CloseNow() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cause == nil {
		c.cause = ErrClosed
	}
	c.closeSocketLocked()
	return nil
}

// Read returns the next data message: binary reports its type, and payload
// is valid until the next Read. It answers pings and close frames itself,
// pings the client after Options.PingInterval of silence and gives up after
// Options.IdleTimeout. A non-zero deadline bounds this call. Read must not
// be called concurrently with itself.
//
// An error is final: later calls return it again. A *ProtocolError means
// the peer broke the protocol and the connection is being closed with its
// Code; a *CloseError means the peer closed the connection (its close frame
// has been answered); ErrIdle means the peer went silent; an error matching
// os.ErrDeadlineExceeded means deadline passed (the connection stays open
// for the caller to Close); ErrClosed means the connection was closed
// locally.
func (c *Conn) Read(deadline time.Time) (binary bool, payload []byte, err error) {
	if c.rerr != nil {
		return false, nil, c.rerr
	}
	for {
		binary, payload, need, err := c.nextMessage()
		if err != nil {
			return false, nil, c.readFailed(err)
		}
		if need == 0 {
			return binary, payload, nil
		}
		c.reserve(need)
		n, err := c.netRead(c.rbuf[c.rend:], deadline)
		if err != nil {
			return false, nil, c.readFailed(err)
		}
		c.rend += n
	}
}

// readFailed makes err the connection's sticky read error, closing the
// connection with the code of a *ProtocolError, and returns it.
func (c *Conn) readFailed(err error) error {
	c.rerr = err
	var pe *ProtocolError
	if errors.As(err, &pe) {
		c.Close(pe.Code, pe.Reason)
	}
	return err
}

// nextMessage takes the next data message from the bytes buffered in
// rbuf[rpos:rend], answering the control frames before it. need is 0 when
// it returns a message (payload stays valid until the next call), or else
// how many bytes from rpos the next frame takes at least: the caller
// reserves room for them, reads more and calls again. A fragmented message
// is put together across calls.
func (c *Conn) nextMessage() (isBinary bool, payload []byte, need int, err error) {
	for {
		if c.rpos == c.rend {
			// Nothing buffered: start at the front, and let go of a
			// buffer a large frame grew.
			c.rpos, c.rend = 0, 0
			if len(c.rbuf) > keepBuf {
				c.rbuf = make([]byte, readBufSize)
			}
		}
		fin, op, payload, need, err := c.parseFrame()
		if err != nil || need > 0 {
			return false, nil, need, err
		}
		switch op {
		case opPing:
			c.mu.Lock()
			if c.state == stateOpen {
				c.writeFrameLocked(opPong, payload)
			}
			c.mu.Unlock()
		case opPong:
			if c.awaiting && len(payload) == 8 && binary.BigEndian.Uint64(payload) == c.pingSeq {
				c.awaiting = false
				c.rtt.Store(int64(time.Since(c.pingedAt)))
			}
		case opClose:
			return false, nil, 0, c.peerClosed(payload)
		case opText, opBinary:
			if c.fragOp != 0 {
				return false, nil, 0, &ProtocolError{StatusProtocolError, "data frame inside a fragmented message"}
			}
			if !fin {
				c.fragOp = op
				if cap(c.frag) > keepBuf {
					c.frag = nil
				}
				c.frag = append(c.frag[:0], payload...)
				continue
			}
			if op == opText && !utf8.Valid(payload) {
				return false, nil, 0, &ProtocolError{StatusInvalidData, "text message is not valid UTF-8"}
			}
			return op == opBinary, payload, 0, nil
		case opContinuation:
			if c.fragOp == 0 {
				return false, nil, 0, &ProtocolError{StatusProtocolError, "continuation frame outside a fragmented message"}
			}
			if len(c.frag)+len(payload) > c.opts.ReadLimit {
				return false, nil, 0, c.tooBig(uint64(len(c.frag) + len(payload)))
			}
			c.frag = append(c.frag, payload...)
			if fin {
				op := c.fragOp
				c.fragOp = 0
				if op == opText && !utf8.Valid(c.frag) {
					return false, nil, 0, &ProtocolError{StatusInvalidData, "text message is not valid UTF-8"}
				}
				return op == opBinary, c.frag, 0, nil
			}
		default:
			return false, nil, 0, &ProtocolError{StatusProtocolError, fmt.Sprintf("unknown opcode %#x", op)}
		}
	}
}

func (c *Conn) tooBig(n uint64) error {
	return &ProtocolError{StatusTooBig, fmt.Sprintf("message of %d bytes is over the limit of %d bytes", n, c.opts.ReadLimit)}
}

// peerClosed answers the peer's close frame and returns the error for Read.
func (c *Conn) peerClosed(payload []byte) error {
	ce := &CloseError{Code: 1005}
	switch {
	case len(payload) == 1:
		return &ProtocolError{StatusProtocolError, "close frame payload of 1 byte"}
	case len(payload) >= 2:
		ce.Code = binary.BigEndian.Uint16(payload)
		if !validReceivedCode(ce.Code) {
			return &ProtocolError{StatusProtocolError, fmt.Sprintf("invalid close code %d", ce.Code)}
		}
		if !utf8.Valid(payload[2:]) {
			return &ProtocolError{StatusInvalidData, "close reason is not valid UTF-8"}
		}
		ce.Reason = string(payload[2:])
	}
	reply := ce.Code
	if reply == 1005 {
		reply = StatusNormal
	}
	c.mu.Lock()
	c.startCloseLocked(reply, "", ErrClosed)
	c.mu.Unlock()
	return ce
}

// parseFrame takes the frame at the front of rbuf[rpos:rend], unmasking
// its payload in place. need > 0 when the buffer holds less than the frame
// (or, before its length is known, its header): how many bytes from rpos
// it takes at least.
func (c *Conn) parseFrame() (fin bool, op byte, payload []byte, need int, err error) {
	buf := c.rbuf[c.rpos:c.rend]
	if len(buf) < 2 {
		return false, 0, nil, 2, nil
	}
	b0, b1 := buf[0], buf[1]
	fin, op = b0&0x80 != 0, b0&0x0F
	if b0&0x70 != 0 {
		return false, 0, nil, 0, &ProtocolError{StatusProtocolError, "reserved bits set without a negotiated extension"}
	}
	if b1&0x80 == 0 {
		return false, 0, nil, 0, &ProtocolError{StatusProtocolError, "client frame not masked"}
	}
	n := uint64(b1 & 0x7F)
	hlen := 6
	switch n {
	case 126:
		hlen += 2
	case 127:
		hlen += 8
	}
	if op >= opClose {
		if !fin {
			return false, 0, nil, 0, &ProtocolError{StatusProtocolError, "fragmented control frame"}
		}
		if n > maxControlPayload {
			return false, 0, nil, 0, &ProtocolError{StatusProtocolError, "control frame payload over 125 bytes"}
		}
	}
	if len(buf) < hlen {
		return false, 0, nil, hlen, nil
	}
	switch hlen {
	case 8:
		n = uint64(binary.BigEndian.Uint16(buf[2:]))
	case 14:
		n = binary.BigEndian.Uint64(buf[2:])
	}
	if n > uint64(c.opts.ReadLimit) {
		return false, 0, nil, 0, c.tooBig(n)
	}
	total := hlen + int(n)
	if len(buf) < total {
		return false, 0, nil, total, nil
	}
	var key [4]byte
	copy(key[:], buf[hlen-4:hlen])
	payload = buf[hlen:total]
	mask(key, payload)
	c.rpos += total
	c.lastFrame = time.Now()
	return fin, op, payload, 0, nil
}

// reserve makes room in rbuf for need bytes from rpos: it moves the
// buffered bytes to the front, and grows the buffer for a frame larger
// than it (at most ReadLimit and a header).
func (c *Conn) reserve(need int) {
	if c.rpos+need <= len(c.rbuf) {
		return
	}
	buf := c.rbuf
	if need > len(buf) {
		buf = make([]byte, need)
	}
	c.rend = copy(buf, c.rbuf[c.rpos:c.rend])
	c.rpos, c.rbuf = 0, buf
}

// netRead reads once from the socket, under a read deadline that wakes it
// for the caller's deadline, the next ping, the pong timeout and the idle
// timeout. To keep
// timer updates rare it leaves an earlier deadline armed and, when that
// one fires early, arms the next.
func (c *Conn) netRead(p []byte, deadline time.Time) (int, error) {
	for {
		want := deadline
		if next := c.nextTimer(); !next.IsZero() && (want.IsZero() || next.Before(want)) {
			want = next
		}
		if c.expired || (!want.IsZero() && (c.armed.IsZero() || c.armed.After(want))) {
			c.nc.SetReadDeadline(want)
			c.armed, c.expired = want, false
		}
		n, err := c.nc.Read(p)
		if n > 0 {
			return n, nil
		}
		if err == nil {
			continue
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return 0, c.socketFailed(err)
		}
		c.expired = true
		now := time.Now()
		if !deadline.IsZero() && !now.Before(deadline) {
			return 0, fmt.Errorf("wsconn: read: %w", os.ErrDeadlineExceeded)
		}
		if err := c.checkTimers(now); err != nil {
			return 0, err
		}
	}
}

// socketFailed returns the read error for a failed read from the socket:
// that of closedHere when the connection was closed here, or else err,
// after closing the connection.
func (c *Conn) socketFailed(err error) error {
	if err := c.closedHere(); err != nil {
		return err
	}
	c.CloseNow()
	return fmt.Errorf("wsconn: read: %w", err)
}

// closedHere returns ErrClosed, with the cause if it was not a plain
// Close, once the connection was closed on this side; nil while it is not.
func (c *Conn) closedHere() error {
	c.mu.Lock()
	cause, closed := c.cause, c.state == stateClosed
	c.mu.Unlock()
	switch {
	case !closed || cause == nil:
		return nil
	case cause == ErrClosed:
		return ErrClosed
	}
	return fmt.Errorf("%w: %w", ErrClosed, cause)
}

// checkTimers closes a connection that was silent for IdleTimeout or left
// a ping unanswered for PongTimeout, and sends a ping when one is due.
func (c *Conn) checkTimers(now time.Time) error {
	o := c.opts
	if o.IdleTimeout > 0 && now.Sub(c.lastFrame) >= o.IdleTimeout {
		c.Close(StatusGoingAway, fmt.Sprintf("no data from the client for %v", o.IdleTimeout))
		return ErrIdle
	}
	if c.awaiting && o.PongTimeout > 0 && now.Sub(c.pingedAt) >= o.PongTimeout {
		c.Close(StatusTooSlow, fmt.Sprintf("too slow: no answer to a ping for %v", o.PongTimeout))
		return ErrNoPong
	}
	if o.PingInterval > 0 && !c.awaiting && now.Sub(c.pingedAt) >= o.PingInterval {
		c.pingSeq++
		c.awaiting, c.pingedAt = true, now
		var payload [8]byte
		binary.BigEndian.PutUint64(payload[:], c.pingSeq)
		c.mu.Lock()
		if c.state == stateOpen {
			c.writeFrameLocked(opPing, payload[:])
		}
		c.mu.Unlock()
	}
	return nil
}

// nextTimer is when netRead must next wake for a ping, the pong timeout or
// the idle timeout; zero if never.
func (c *Conn) nextTimer() time.Time {
	var t time.Time
	earliest := func(at time.Time) {
		if t.IsZero() || at.Before(t) {
			t = at
		}
	}
	switch o := c.opts; {
	case c.awaiting && o.PongTimeout > 0:
		earliest(c.pingedAt.Add(o.PongTimeout))
	case !c.awaiting && o.PingInterval > 0:
		earliest(c.pingedAt.Add(o.PingInterval))
	}
	if c.opts.IdleTimeout > 0 {
		earliest(c.lastFrame.Add(c.opts.IdleTimeout))
	}
	return t
}
