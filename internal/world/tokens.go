package world

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

// joinGrant is what a join token entitles its bearer to.
type joinGrant struct {
	AccountID   int64
	CharacterID int64
}

// joinToken is a minted token's state.
type joinToken struct {
	grant   joinGrant
	expires time.Time
	used    bool
}

// tokens holds the single-use join tokens this world has minted. A used
// token is remembered until it would have expired, so a replay is reported
// as "already used" rather than "unknown". Safe for concurrent use.
type tokens struct {
	ttl time.Duration

	mu     sync.Mutex // guards minted
	minted map[string]*joinToken
}

func newTokens(ttl time.Duration) *tokens {
	return &tokens{ttl: ttl, minted: make(map[string]*joinToken)}
}

// mint returns a new random 256-bit token for g, valid until the returned time.
func (t *tokens) mint(g joinGrant, now time.Time) (string, time.Time) {
	raw := make([]byte, 32)
	rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	expires := now.Add(t.ttl)
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, v := range t.minted {
		if now.After(v.expires) {
			delete(t.minted, k)
		}
	}
	t.minted[token] = &joinToken{grant: g, expires: expires}
	return token, expires
}

// redeem spends token at now. It fails with the close code to send: bad,
// expired or already used.
func (t *tokens) redeem(token string, now time.Time) (joinGrant, protocol.CloseCode, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	jt, ok := t.minted[token]
	switch {
	case !ok:
		return joinGrant{}, protocol.CloseBadToken, false
	case jt.used:
		return joinGrant{}, protocol.CloseTokenUsed, false
	case now.After(jt.expires):
		delete(t.minted, token)
		return joinGrant{}, protocol.CloseTokenExpired, false
	}
	jt.used = true
	return jt.grant, 0, true
}
