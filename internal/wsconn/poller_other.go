//go:build !linux

package wsconn

import "time"

// Poller serves connections for their handlers. On Linux it reads them
// all from one goroutine in batches (see poller_linux.go); here each
// connection added gets a goroutine of its own, which reads it with Read.
type Poller struct{}

// NewPoller returns a Poller; every is the period of the Linux poller,
// unused here.
func NewPoller(every time.Duration) (*Poller, error) { return &Poller{}, nil }

// Add has a goroutine read c, handing its messages to h until h.Ended.
// Nobody else may Read c any more.
func (p *Poller) Add(c *Conn, h Handler) { go readAll(c, h) }

// Close does nothing here: each connection's goroutine ends with it.
func (p *Poller) Close() {}
