package world

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// joinGrant is what a join token entitles its bearer to, and what the
// session knows of its account: the role it had, and the mute in force,
// when the master asked for the token.
type joinGrant struct {
	AccountID   int64
	CharacterID int64
	Role        api.Role
	Mute        *cluster.Mute // nil: not muted
}

// joinToken is a minted token's state.
type joinToken struct {
	token   string
	grant   joinGrant
	expires time.Time
	used    bool
}

// live reports whether jt may still be redeemed at now.
func (jt *joinToken) live(now time.Time) bool { return !jt.used && !now.After(jt.expires) }

// expiredTokenGrace is how long a token is remembered after it expires, so
// that a Hello that comes late is told "expired" (4003) rather than
// "unknown" (4002), and a replay "already used" (4004).
const expiredTokenGrace = 5 * time.Minute

// maxTokensKept bounds the tokens remembered beyond the live ones: past it,
// the oldest used or expired ones are forgotten before their grace ends.
const maxTokensKept = 1 << 16

// tokens holds the single-use join tokens this world has minted, and caps
// the live ones (unused and unexpired) per account, so that an account
// cannot pile up tokens faster than it uses them. Safe for concurrent use.
type tokens struct {
	ttl     time.Duration
	maxLive int // per account

	mu        sync.Mutex // guards following fields
	byToken   map[string]*joinToken
	byAccount map[int64][]*joinToken // each account's remembered tokens, oldest first
	// order holds every remembered token, oldest first. Every token lives
	// for ttl, so this is also the order in which they expire (give or take
	// the moments between callers reading the clock and taking mu).
	order []*joinToken
}

func newTokens(ttl time.Duration, maxLive int) *tokens {
	return &tokens{ttl: ttl, maxLive: maxLive, byToken: make(map[string]*joinToken), byAccount: make(map[int64][]*joinToken)}
}

// mint returns a new random 256-bit token for g, valid until the returned
// time. It fails with a rate-limited *api.Error, saying when the account's
// oldest live token expires, if the account already has maxLive live ones.
func (t *tokens) mint(g joinGrant, now time.Time) (string, time.Time, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.forgetLocked(now)
	live, firstExpiry := 0, time.Time{}
	for _, jt := range t.byAccount[g.AccountID] {
		if jt.live(now) {
			if live == 0 {
				firstExpiry = jt.expires
			}
			live++
		}
	}
	if live >= t.maxLive {
		return "", time.Time{}, api.RateLimited("join tokens waiting to be used", firstExpiry.Sub(now))
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	jt := &joinToken{token: base64.RawURLEncoding.EncodeToString(raw), grant: g, expires: now.Add(t.ttl)}
	t.byToken[jt.token] = jt
	t.byAccount[g.AccountID] = append(t.byAccount[g.AccountID], jt)
	t.order = append(t.order, jt)
	return jt.token, jt.expires, nil
}

// forgetLocked forgets the oldest tokens while their grace has ended, or
// while more than maxTokensKept are remembered and the oldest is no longer
// live. A live token is never forgotten.
func (t *tokens) forgetLocked(now time.Time) {
	for len(t.order) > 0 {
		jt := t.order[0]
		graceOver := now.After(jt.expires.Add(expiredTokenGrace))
		if !graceOver && (len(t.order) <= maxTokensKept || jt.live(now)) {
			return
		}
		t.order[0] = nil
		t.order = t.order[1:]
		delete(t.byToken, jt.token)
		// An account's tokens are in the same order as all of them, so
		// this one is its account's oldest.
		mine := t.byAccount[jt.grant.AccountID]
		mine[0] = nil
		if mine = mine[1:]; len(mine) == 0 {
			delete(t.byAccount, jt.grant.AccountID)
		} else {
			t.byAccount[jt.grant.AccountID] = mine
		}
	}
}

// redeem spends token at now. It fails with the close code to send: bad,
// expired or already used.
func (t *tokens) redeem(token string, now time.Time) (joinGrant, protocol.CloseCode, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	jt, ok := t.byToken[token]
	switch {
	case !ok:
		return joinGrant{}, protocol.CloseBadToken, false
	case jt.used:
		return joinGrant{}, protocol.CloseTokenUsed, false
	case now.After(jt.expires):
		return joinGrant{}, protocol.CloseTokenExpired, false
	}
	jt.used = true
	return jt.grant, 0, true
}
