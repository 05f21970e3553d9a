package world

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/store"
)

// Timeouts of a player connection.
const (
	helloTimeout = 10 * time.Second // from accepting the socket to Hello
	writeTimeout = 10 * time.Second // one message to a client
	evictTimeout = 10 * time.Second // for a replaced session to save and go
	// maxDroppedInARow is how many messages over the rate cap a client may
	// send in a row before it is disconnected as a flood.
	maxDroppedInARow = 100
)

// session is one player's connection. Its goroutines:
//   - the reader (the HTTP handler's goroutine) reads and decodes messages and
//     owns the session's game state until it hands it to the game;
//   - the writer drains out, and is the only one that writes to conn or
//     closes it.
type session struct {
	srv   *Server
	conn  *websocket.Conn
	grant joinGrant

	out     chan []byte             // encoded messages for the writer; never blocks the sender
	closing chan protocol.CloseCode // the first close request; buffered 1
	writing chan struct{}           // closed when the writer has returned
	done    chan struct{}           // closed when the session has saved and left
	limiter *rate.Limiter           // owned by the reader
	player  *player                 // the game's side of the session
	// char is owned by the reader before the game has the player and after
	// it hands it back.
	char store.Character
}

// servePlay accepts a player's WebSocket and runs the session until it ends.
func (s *Server) servePlay(w http.ResponseWriter, r *http.Request) {
	if s.ctx.Err() != nil {
		http.Error(w, "world shutting down", http.StatusServiceUnavailable)
		return
	}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		// Players authenticate with the join token in Hello, never with
		// cookies, so a page from another origin gains nothing here; and the
		// web client is served by the gateway, which is another origin.
		InsecureSkipVerify: true,
	})
	if err != nil {
		return // Accept has answered the request
	}
	conn.SetReadLimit(protocol.MaxClientMessage)
	s.conns.Add(1)
	defer s.conns.Done()
	s.metrics.connections.Inc()
	defer s.metrics.connections.Dec()

	sess, code := s.handshake(conn)
	if sess == nil {
		s.metrics.refused.WithLabelValues(code.String()).Inc()
		conn.Close(websocket.StatusCode(code), code.Reason())
		return
	}
	sess.run()
}

// handshake reads Hello, spends the join token, takes the account's slot
// (evicting an older session of the same account) and loads the character.
// It returns nil and the close code on failure.
func (s *Server) handshake(conn *websocket.Conn) (*session, protocol.CloseCode) {
	ctx, cancel := context.WithTimeout(s.ctx, helloTimeout)
	defer cancel()
	typ, data, err := conn.Read(ctx)
	if err != nil {
		return nil, protocol.CloseMalformed
	}
	msg, err := protocol.Decode(data)
	if errors.Is(err, protocol.ErrVersion) {
		return nil, protocol.CloseBadVersion
	}
	hello, isHello := msg.(protocol.Hello)
	if typ != websocket.MessageBinary || err != nil || !isHello {
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
		out:     make(chan []byte, s.cfg.SendQueue),
		closing: make(chan protocol.CloseCode, 1),
		writing: make(chan struct{}),
		done:    make(chan struct{}),
		limiter: rate.NewLimiter(rate.Limit(s.cfg.InputRate), s.cfg.InputBurst),
	}
	old, ok := s.players.claim(sess, s.cfg.Capacity)
	if !ok {
		return nil, protocol.CloseWorldFull
	}
	if old != nil {
		old.requestClose(protocol.CloseReplaced)
		select {
		case <-old.done: // it has saved; the database now holds its last state
		case <-time.After(evictTimeout):
			s.log.Warn("world: replaced session did not finish saving in time", "account", grant.AccountID)
		}
	}
	sess.char, err = s.db.Character(ctx, grant.CharacterID)
	if err != nil {
		s.players.release(sess)
		s.log.Error("world: load character", "character", grant.CharacterID, "err", err)
		return nil, protocol.CloseShutdown
	}
	return sess, 0
}

// run serves an admitted session until it ends, then saves the character and
// gives up the account's slot.
func (se *session) run() {
	s := se.srv
	s.metrics.players.Inc()
	defer s.metrics.players.Dec()
	go se.writeLoop()
	se.player = newPlayer(se, se.char)
	s.instances.join(se.player) // the instance sends Welcome
	code := se.readLoop()
	se.requestClose(code)
	se.player.gone.Store(true)
	se.char = <-se.player.final // its instance hands it back within a tick
	<-se.writing
	se.save()
	s.players.release(se)
	close(se.done)
}

// readLoop handles the client's messages until the connection ends or the
// client misbehaves, and returns the close code to use.
func (se *session) readLoop() protocol.CloseCode {
	s := se.srv
	dropped := 0
	for {
		// The writer closes the connection to end a session, which ends this
		// read; a cancelled context would instead cut it without a reason.
		typ, data, err := se.conn.Read(context.Background())
		if err != nil {
			return protocol.CloseLogout // the peer left, or the writer closed
		}
		s.metrics.bytesIn.Add(float64(len(data)))
		if !se.limiter.Allow() {
			s.metrics.inputsDropped.Inc()
			if dropped++; dropped > maxDroppedInARow {
				return protocol.CloseRateLimited
			}
			continue
		}
		dropped = 0
		msg, err := protocol.Decode(data)
		if typ != websocket.MessageBinary || err != nil {
			s.metrics.malformed.Inc()
			return protocol.CloseMalformed
		}
		switch m := msg.(type) {
		case protocol.Ping:
			se.deliver(protocol.Pong{ClientTime: m.ClientTime, ServerTime: uint64(time.Now().UnixMilli())}.Append(nil))
		case protocol.Input:
			select {
			// The instance checks and queues it, at the player's tick.
			case se.player.inputs <- m:
			default:
				s.metrics.inputsDropped.Inc() // far more than a tick's worth
			}
		default:
			// A second Hello, or a type only the world sends.
			s.metrics.malformed.Inc()
			return protocol.CloseMalformed
		}
	}
}

// deliver queues b for the client. A client whose queue is full cannot keep
// up; it is disconnected rather than allowed to hold anything up.
func (se *session) deliver(b []byte) {
	select {
	case se.out <- b:
	default:
		se.srv.metrics.slowClients.Inc()
		se.requestClose(protocol.CloseTooSlow)
	}
}

// refuse closes the session because the instance found the client's
// inputs malformed (sink).
func (se *session) refuse(code protocol.CloseCode) {
	if code == protocol.CloseMalformed {
		se.srv.metrics.malformed.Inc()
	}
	se.requestClose(code)
}

// requestClose asks the writer to close the connection with code. The first
// request wins.
func (se *session) requestClose(code protocol.CloseCode) {
	select {
	case se.closing <- code:
	default:
	}
}

// writeLoop is the only writer of se.conn; it also closes it.
func (se *session) writeLoop() {
	s := se.srv
	defer close(se.writing)
	for {
		select {
		case b := <-se.out:
			// Not derived from s.ctx: cancelling a write cuts the connection,
			// and shutdown wants to close it with a reason instead.
			ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
			err := se.conn.Write(ctx, websocket.MessageBinary, b)
			cancel()
			if err != nil {
				se.conn.CloseNow()
				return
			}
			s.metrics.bytesOut.Add(float64(len(b)))
		case code := <-se.closing:
			se.conn.Close(websocket.StatusCode(code), code.Reason())
			return
		case <-s.ctx.Done():
			se.conn.Close(websocket.StatusCode(protocol.CloseShutdown), protocol.CloseShutdown.Reason())
			return
		}
	}
}

// save writes the character's state to the database.
func (se *session) save() {
	s := se.srv
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.db.SaveCharacters(ctx, se.char); err != nil {
		s.log.Error("world: save character", "character", se.char.ID, "err", err)
	}
}
