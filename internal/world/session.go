package world

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/tinymmo/tinymmo/internal/chat"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/wsconn"
)

// Timeouts of a player connection.
const (
	evictTimeout = 10 * time.Second // for a replaced session to save and go
)

// The flood policy. Messages over a connection's rate cap are dropped; each
// drop also spends a token of a second bucket, of floodBurst tokens that
// refill at floodRate a second, and the connection is closed with 4008 when
// that bucket is empty. So a client may overshoot the cap by floodBurst
// messages at once, or by floodRate a second for as long as it likes, but a
// client that keeps sending faster than the cap plus floodRate is
// disconnected within seconds, however the cap's refill interleaves its
// messages.
const (
	floodBurst = 100
	floodRate  = 10
)

// session is one player's connection. The world's poller reads and
// decodes its messages (Message) and passes them on without blocking. What
// may block (saying a chat line, which can wait on the control plane, and
// saving the character when the connection ends) runs on the session's
// goroutine, which exists only while it has such work (see work): an idle
// player costs no goroutine. Messages to the client are written by whoever
// sends them (the instance's runner, or the poller for a Pong) straight to
// the socket; wsconn starts a writer goroutine only while the socket is
// full.
type session struct {
	srv   *Server
	conn  *wsconn.Conn
	grant joinGrant

	done    chan struct{} // closed when the session has saved and left
	limiter *rate.Limiter // the message cap, owned by the reader (Message)
	flood   *rate.Limiter // the flood policy's bucket, owned by the reader
	// closeWith is the code to close with when Message stops reading for
	// a misbehaviour; set by the reader before it calls Ended.
	closeWith protocol.CloseCode
	// work is what the reader hands the session's goroutine.
	work struct {
		sync.Mutex
		chats   []protocol.Chat // lines to say, at most chat.Burst
		ended   bool            // reading has ended, with err
		err     error
		running bool // the session's goroutine is running
	}
	member *member // the game's side of the session
	// name is the character's, set before the session enters the game
	// and never changed.
	name string
	// chatLimit is how often the player may speak, owned by serve.
	chatLimit chat.Limiter
	// mute is the mute in force, if any: from the grant, then set and
	// cleared by moderators' sessions.
	mute atomic.Pointer[cluster.Mute]
	// batch holds framed messages waiting for the next flush. It is
	// owned by the owner of the member's player.
	batch []byte
	// char is owned by run before the game has the player and after
	// it hands it back.
	char store.Character
}

// servePlay accepts a player's WebSocket, checks its Hello, and hands the
// session to a goroutine of its own: returning frees net/http's buffers
// for the connection, which an idle player would otherwise keep.
//
// Every join it refuses gets a close frame with its code, even one refused
// before Hello, so that a browser, which cannot see an HTTP status, can
// tell the player why.
func (s *Server) servePlay(w http.ResponseWriter, r *http.Request) {
	ip := clientIP(r)
	if !s.admit() {
		s.refuseNow(w, r, ip, protocol.CloseShutdown)
		return
	}
	if !s.handshakes.acquire(ip) {
		s.conns.Done()
		s.refuseNow(w, r, ip, protocol.CloseBusy)
		return
	}
	conn, err := wsconn.Upgrade(w, r, wsconn.Options{
		ReadLimit:      protocol.MaxClientMessage,
		MaxQueuedBytes: s.cfg.SendQueueBytes,
		WriteTimeout:   s.cfg.WriteTimeout,
		PingInterval:   s.cfg.PingInterval,
		PongTimeout:    s.cfg.PongTimeout,
		IdleTimeout:    s.cfg.IdleTimeout,
	})
	if err != nil {
		s.handshakes.release(ip)
		s.conns.Done()
		return // Upgrade has answered the request
	}
	go func() {
		s.metrics.connections.Inc()
		sess, code := s.handshake(conn)
		s.handshakes.release(ip)
		if sess == nil {
			s.refuse(conn, ip, code)
			s.metrics.connections.Dec()
			s.conns.Done()
			return
		}
		sess.start() // the session ends in finish
	}()
}

// admit counts a new connection in conns, unless the world is stopping:
// then it reports false. A hijacked connection's handler outlives
// http.Server.Shutdown, so conns cannot rely on it to stop new ones.
func (s *Server) admit() bool {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	if s.stopping || s.ctx.Err() != nil {
		return false
	}
	s.conns.Add(1)
	return true
}

// refuseNow upgrades a connection the world will not serve only to close
// it at once with code: the close frame takes one non-blocking write, and
// no goroutine outlives the request.
func (s *Server) refuseNow(w http.ResponseWriter, r *http.Request, ip string, code protocol.CloseCode) {
	conn, err := wsconn.Upgrade(w, r, wsconn.Options{WriteTimeout: time.Second})
	if err != nil {
		return // Upgrade has answered the request
	}
	s.refuse(conn, ip, code)
}

// refuse closes a join with code, counts it and logs it (rate-limited).
func (s *Server) refuse(conn *wsconn.Conn, ip string, code protocol.CloseCode) {
	s.metrics.refused.WithLabelValues(code.String()).Inc()
	s.refusals.note(code, ip, time.Now())
	conn.Close(uint16(code), code.Reason())
}

// handshake reads Hello, spends the join token, takes the account's slot
// (evicting an older session of the same account) and loads the character.
// It returns nil and the close code on failure.
func (s *Server) handshake(conn *wsconn.Conn) (*session, protocol.CloseCode) {
	binary, data, err := conn.Read(time.Now().Add(s.cfg.HelloTimeout))
	if err != nil {
		s.metrics.malformed.Inc()
		return nil, protocol.CloseMalformed // no Hello in time, or not a WebSocket message
	}
	msg, err := protocol.Decode(data)
	if errors.Is(err, protocol.ErrVersion) {
		return nil, protocol.CloseBadVersion
	}
	hello, isHello := msg.(protocol.Hello)
	if !binary || err != nil || !isHello {
		s.metrics.malformed.Inc()
		return nil, protocol.CloseMalformed
	}
	grant, code, ok := s.tokens.redeem(hello.Token, time.Now())
	if !ok {
		return nil, code
	}
	sess := &session{
		srv:     s,
		conn:    conn,
		grant:   grant,
		done:    make(chan struct{}),
		limiter: rate.NewLimiter(rate.Limit(s.cfg.InputRate), s.cfg.InputBurst),
		flood:   rate.NewLimiter(floodRate, floodBurst),
	}
	sess.mute.Store(grant.Mute)
	old, ok := s.players.claim(sess, s.cfg.Capacity)
	if !ok {
		return nil, protocol.CloseWorldFull
	}
	if old != nil {
		old.close(protocol.CloseReplaced)
		select {
		case <-old.done: // it has handed its last state to the saver, where loadCharacter finds it
		case <-time.After(evictTimeout):
			// Loading now would run a second copy of the character beside
			// the one still in the game, or load a state about to change.
			s.players.release(sess)
			s.log.Warn("world: replaced session did not finish saving in time", "account", grant.AccountID)
			return nil, protocol.CloseStillSaving
		}
	}
	// A shutdown that began during the handshake closed the sessions it
	// knew of; this one must not start.
	if s.ctx.Err() != nil {
		s.players.release(sess)
		return nil, protocol.CloseShutdown
	}
	sess.char, err = s.loadCharacter(grant.CharacterID)
	if err != nil {
		s.players.release(sess)
		s.log.Error("world: load character", "character", grant.CharacterID, "err", err)
		return nil, protocol.CloseLoadFailed
	}
	return sess, 0
}

// loadCharacter returns a character's newest state: the one its saver has
// not written yet, if any (the database row is older while writes fail),
// or else the database's. It reads the database on a goroutine of its own:
// the database's deep call chains grow that goroutine's stack, and the
// stack goes with it, instead of staying with the session's goroutine for the
// whole session.
func (s *Server) loadCharacter(id int64) (store.Character, error) {
	// The saver first: a save it finishes between the two looks is in the
	// database by the time the database is read.
	if c, ok := s.saver.Pending(id); ok {
		return c, nil
	}
	type loaded struct {
		c   store.Character
		err error
	}
	done := make(chan loaded, 1)
	go func() {
		ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
		defer cancel()
		c, err := s.db.Character(ctx, id)
		done <- loaded{c, err}
	}()
	l := <-done
	return l.c, l.err
}

// start enters an admitted session into the game and has the world's
// poller read its connection. Ended then leads to finish.
func (se *session) start() {
	s := se.srv
	s.metrics.players.Inc()
	se.member = newMember(se, se.char)
	se.name = se.char.Name
	s.players.enterGame(se)
	if s.cfg.MOTD != "" {
		se.tell(s.cfg.MOTD) // delivered after the Welcome, by the instance
	}
	s.registry.join(se.member) // the instance sends Welcome
	s.poller.Add(se.conn, se)
}

// finish ends a session whose connection is no longer read, for err (nil
// when Message stopped reading; see closeWith): it takes the character
// back from the game, saves it and gives up the account's slot.
func (se *session) finish(err error) {
	s := se.srv
	var perr *wsconn.ProtocolError
	switch {
	case err == nil:
		se.close(se.closeWith)
	case errors.As(err, &perr):
		s.metrics.malformed.Inc() // wsconn closed it with the code that says why
	}
	se.member.gone.Store(true)
	se.char = <-se.member.final // its owner hands it back within a tick
	se.save()
	s.parties.loggedOut(se.name)
	s.players.release(se)
	close(se.done)
	s.metrics.players.Dec()
	s.metrics.connections.Dec()
	s.conns.Done()
}

// Message implements wsconn.Handler: it handles one message from the
// client. It runs on the world's poller goroutine, so it never blocks:
// chat lines go to the session's goroutine. It returns false, with the
// close code in closeWith, when the client misbehaves.
func (se *session) Message(binary bool, data []byte) bool {
	s := se.srv
	s.metrics.bytesIn.Add(float64(len(data)))
	if !se.limiter.Allow() {
		s.metrics.inputsDropped.Inc()
		if !se.flood.Allow() {
			se.closeWith = protocol.CloseRateLimited
			return false
		}
		return true
	}
	msg, err := protocol.Decode(data)
	if !binary || err != nil {
		s.metrics.malformed.Inc()
		s.log.Info("world: closing a client that sent an undecodable message", "binary", binary, "err", err)
		se.closeWith = protocol.CloseMalformed
		return false
	}
	switch m := msg.(type) {
	case protocol.Ping:
		// Answered at once, beside the runner's batches.
		pong := protocol.Pong{ClientTime: m.ClientTime, ServerTime: uint64(time.Now().UnixMilli())}.Append(nil)
		if se.conn.Send(pong) == nil {
			s.metrics.bytesOut.Add(float64(len(pong)))
		}
	case protocol.Input:
		if !se.member.input(m) {
			s.metrics.inputsDropped.Inc() // a queue ahead of the ticks: a flood
		}
	case protocol.Chat:
		se.hand(func() {
			// More lines than the chat limit lets through waiting: the
			// limit would refuse this one too.
			if len(se.work.chats) < chat.Burst {
				se.work.chats = append(se.work.chats, m)
			}
		})
	default:
		// A second Hello, or a type only the world sends.
		s.metrics.malformed.Inc()
		s.log.Info("world: closing a client that sent a message out of place", "type", msg.Type())
		se.closeWith = protocol.CloseMalformed
		return false
	}
	return true
}

// Ended implements wsconn.Handler: reading the client's socket stopped,
// because Message returned false (err is nil) or for err. The session's
// goroutine then finishes the session.
func (se *session) Ended(err error) {
	se.hand(func() { se.work.ended, se.work.err = true, err })
}

// hand records work for the session's goroutine with record, under the
// work lock, and starts the goroutine unless it runs already. It never
// blocks for long: the poller calls it.
func (se *session) hand(record func()) {
	se.work.Lock()
	record()
	start := !se.work.running
	se.work.running = true
	se.work.Unlock()
	if start {
		go se.serve()
	}
}

// serve is the session's goroutine: it says the chat lines handed to it,
// in order, then finishes the session if reading has ended, and returns
// when nothing is left to do.
func (se *session) serve() {
	for {
		se.work.Lock()
		switch {
		case len(se.work.chats) > 0:
			m := se.work.chats[0]
			se.work.chats = se.work.chats[1:]
			if len(se.work.chats) == 0 {
				se.work.chats = nil // an idle player keeps no buffer
			}
			se.work.Unlock()
			se.chat(m, time.Now())
		case se.work.ended:
			err := se.work.err
			se.work.Unlock()
			se.finish(err)
			return
		default:
			se.work.running = false
			se.work.Unlock()
			return
		}
	}
}

// queue implements sink.
func (se *session) queue(b []byte) {
	se.batch = wsconn.AppendBinary(se.batch, b)
}

// flush implements sink: it sends the batch now, or queues it while the
// socket is full. A client whose queue overflows cannot keep up; wsconn
// closes it with CloseTooSlow rather than let it hold anything up.
func (se *session) flush() int {
	if len(se.batch) == 0 {
		return 0
	}
	err := se.conn.SendFrames(se.batch)
	n := len(se.batch)
	if cap(se.batch) > maxKeptBatch {
		se.batch = nil // a burst of spawns; an idle player keeps little
	} else {
		se.batch = se.batch[:0]
	}
	if errors.Is(err, wsconn.ErrSlow) {
		se.srv.metrics.slowClients.Inc()
	}
	if err != nil {
		return 0
	}
	return n
}

// maxKeptBatch is the largest batch buffer a session keeps between flushes.
const maxKeptBatch = 1 << 10

// close implements sink: it closes the connection with code and its
// reason, after what is already queued. The first close wins.
func (se *session) close(code protocol.CloseCode) {
	se.conn.Close(uint16(code), code.Reason())
}

// closeBecause closes the connection as close does, with why added to the
// code's reason (see protocol.CloseCode.ReasonWith). Any goroutine may call
// it.
func (se *session) closeBecause(code protocol.CloseCode, why string) {
	se.conn.Close(uint16(code), code.ReasonWith(why))
}

// save queues the character's last state, as a new save version, with the
// world's saver. It does not wait for the write: until the saver has
// written it, even through a full disk, the next session of the account
// loads it from the saver (see loadCharacter).
func (se *session) save() {
	se.char.Version++
	se.srv.saver.Save(se.char)
}
