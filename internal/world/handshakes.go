package world

import (
	"net"
	"net/http"
	"sync"
)

// handshakes bounds the connections that have not said Hello yet, in total
// and per client address, so that opening sockets and sending nothing ties
// up little. Safe for concurrent use.
type handshakes struct {
	maxTotal, maxPerIP int

	mu    sync.Mutex // guards following fields
	total int
	perIP map[string]int
}

func newHandshakes(maxTotal, maxPerIP int) *handshakes {
	return &handshakes{maxTotal: maxTotal, maxPerIP: maxPerIP, perIP: make(map[string]int)}
}

// acquire takes a slot for a connection from ip, or reports false when the
// world already waits for too many Hellos.
func (h *handshakes) acquire(ip string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.total >= h.maxTotal || h.perIP[ip] >= h.maxPerIP {
		return false
	}
	h.total++
	h.perIP[ip]++
	return true
}

// release gives back a slot taken for ip.
func (h *handshakes) release(ip string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.total--
	if h.perIP[ip]--; h.perIP[ip] <= 0 {
		delete(h.perIP, ip) // the map holds only addresses with a slot
	}
}

// clientIP returns the address r came from, without its port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
