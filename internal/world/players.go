package world

import (
	"sync"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// players is the set of connected players, one session per account. A new
// login of an account takes its slot and hands back the session it replaced.
// Safe for concurrent use.
type players struct {
	mu        sync.Mutex // guards byAccount
	byAccount map[int64]*session
}

func newPlayers() *players {
	return &players{byAccount: make(map[int64]*session)}
}

func (p *players) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.byAccount)
}

func (p *players) online(accountID int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.byAccount[accountID]
	return ok
}

// claim makes s the account's session unless the world is at capacity (a
// replacement never counts against capacity). It returns the session s
// replaces, if any.
func (p *players) claim(s *session, capacity int) (replaced *session, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	old := p.byAccount[s.grant.AccountID]
	if old == nil && len(p.byAccount) >= capacity {
		return nil, false
	}
	p.byAccount[s.grant.AccountID] = s
	return old, true
}

// release removes s if it still holds its account's slot.
func (p *players) release(s *session) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byAccount[s.grant.AccountID] == s {
		delete(p.byAccount, s.grant.AccountID)
	}
}

// closeAll closes every session with code.
func (p *players) closeAll(code protocol.CloseCode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.byAccount {
		s.close(code)
	}
}
