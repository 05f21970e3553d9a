// Package wsconn is the server side of a player's WebSocket (RFC 6455): the
// handshake, framing, and a write path built for many small messages per
// tick to many clients.
//
// # Goroutines and ownership
//
// A Conn runs no goroutine of its own while the socket keeps up:
//
//   - The reader is the caller of [Conn.Read]: the HTTP handler's goroutine
//     that called [Upgrade], or better a goroutine that handler starts
//     before it returns (net/http keeps about 10 KiB of buffers per
//     connection reachable until the handler returns; see
//     docs/performance.md). It owns the read buffer and the idle/ping
//     timers; only one goroutine may call Read at a time. Read answers pings
//     and close frames itself, pings the client every
//     [Options.PingInterval], and closes a connection whose client sent no
//     frame for [Options.IdleTimeout] or left a ping unanswered for
//     [Options.PongTimeout].
//   - [Conn.Send] frames a message and writes it from the caller's goroutine
//     with one non-blocking write system call. Whatever the socket does not
//     take is copied to a per-connection queue bounded by
//     [Options.MaxQueuedBytes], and a writer goroutine is started. The
//     writer owns the socket's blocking writes until the queue is empty,
//     then exits. Send never blocks on the network.
//   - Send, [Conn.Close] and [Conn.CloseNow] may be called from any
//     goroutine; a per-connection mutex orders them.
//   - A [Poller] can serve a connection instead of a reader: one goroutine
//     reads all of its connections in batches and runs their timers. On
//     Linux it also takes the socket's descriptor from the net.Conn, so
//     the runtime's network poller no longer wakes for it, and it writes
//     the queue of a socket that was full, in place of a writer goroutine.
//
// On platforms other than unix (and for connections that are not
// syscall.Conn), every Send hands its bytes to the writer goroutine.
//
// A client that does not read fast enough makes Send return [ErrSlow]; the
// connection is then closed with [StatusTooSlow]. Peer misbehaviour is a
// [*ProtocolError] from Read, after which the connection closes with the
// matching status code. Nothing the peer sends can make this package panic.
//
// Payloads are not compressed (no permessage-deflate) and there is no origin
// check: the caller authenticates the player inside the protocol.
//
// Any server package may import wsconn; client code should not (it is not
// built for js/wasm use).
package wsconn
