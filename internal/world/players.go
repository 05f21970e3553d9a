package world

import (
	"slices"
	"strings"
	"sync"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// players is the set of connected players, one session per account. A new
// login of an account takes its slot and hands back the session it replaced.
// Safe for concurrent use.
type players struct {
	mu        sync.Mutex // guards byAccount and byName
	byAccount map[int64]*session
	// byName holds the sessions in the game by their character's name,
	// folded to lower case, for whispers.
	byName map[string]named
}

// named is a session in the game, its character's name as written, and
// its class and level when it entered, for the master's dashboard.
type named struct {
	name  string
	s     *session
	class string
	level int
}

func newPlayers() *players {
	return &players{byAccount: make(map[int64]*session), byName: make(map[string]named)}
}

// enterGame lists s, whose member and name are set, under its
// character's name.
func (p *players) enterGame(s *session) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.byName[strings.ToLower(s.name)] = named{name: s.name, s: s, class: string(s.char.Class), level: s.char.Level}
}

// inGame returns the players in the game, sorted by name.
func (p *players) inGame() []named {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]named, 0, len(p.byName))
	for _, n := range p.byName {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b named) int { return strings.Compare(a.name, b.name) })
	return out
}

// names returns the names of the players in the game, sorted.
func (p *players) names() []string {
	inGame := p.inGame()
	names := make([]string, len(inGame))
	for i, n := range inGame {
		names[i] = n.name
	}
	return names
}

// byCharacter returns the session in the game of the character named name
// (in any case), and the name as written.
func (p *players) byCharacter(name string) (named, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n, ok := p.byName[strings.ToLower(name)]
	return n, ok
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
	if key := strings.ToLower(s.name); p.byName[key].s == s {
		delete(p.byName, key)
	}
}

// tellAll posts an encoded chat line to every player in the game; a
// player whose queue is full misses it.
func (p *players) tellAll(line []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, n := range p.byName {
		n.s.member.post(line)
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
