package wsconn

import "time"

// Handler receives the messages of a connection added to a [Poller].
type Handler interface {
	// Message handles one data message, as Read would have returned it;
	// payload is valid only during the call. It returns false to stop
	// reading the connection (the handler then closes it as it sees fit).
	Message(binary bool, payload []byte) bool
	// Ended is called once, when reading the connection stops: err is nil
	// when Message returned false, or else the error Read would have
	// returned (the connection is then closing or closed).
	Ended(err error)
}

// DefaultPollEvery is the default period of a Poller: half a tick of a
// 20 Hz world, so a message waits 12.5 ms on average before it is read.
const DefaultPollEvery = 25 * time.Millisecond

// readAll is the portable way to serve a connection added to a Poller:
// a goroutine of its own reads it with Read until it ends.
func readAll(c *Conn, h Handler) {
	for {
		binary, payload, err := c.Read(time.Time{})
		if err != nil {
			h.Ended(err)
			return
		}
		if !h.Message(binary, payload) {
			h.Ended(nil)
			return
		}
	}
}
