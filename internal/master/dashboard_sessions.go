package master

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// adminSessionTTL is how long a dashboard login lasts.
const adminSessionTTL = 8 * time.Hour

// adminSession is a logged-in dashboard user. CSRF is the token every
// state-changing request must carry in its X-CSRF-Token header.
type adminSession struct {
	AccountID int64
	Username  string
	CSRF      string
	Expires   time.Time
}

// adminSessions are the dashboard's logins, kept in memory by the SHA-256
// of their cookie token: a restarted master logs every admin out, and the
// gateway's session tokens never open the dashboard. Safe for concurrent
// use.
type adminSessions struct {
	mu       sync.Mutex // guards sessions
	sessions map[[sha256.Size]byte]adminSession
}

func newAdminSessions() *adminSessions {
	return &adminSessions{sessions: make(map[[sha256.Size]byte]adminSession)}
}

// open starts a session for the account at now and returns its cookie
// token and the session.
func (a *adminSessions) open(accountID int64, username string, now time.Time) (string, adminSession) {
	token := randomToken()
	s := adminSession{AccountID: accountID, Username: username, CSRF: randomToken(), Expires: now.Add(adminSessionTTL)}
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, old := range a.sessions {
		if !now.Before(old.Expires) {
			delete(a.sessions, k)
		}
	}
	a.sessions[sha256.Sum256([]byte(token))] = s
	return token, s
}

// lookup returns the live session of token at now.
func (a *adminSessions) lookup(token string, now time.Time) (adminSession, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := sha256.Sum256([]byte(token))
	s, ok := a.sessions[key]
	if ok && !now.Before(s.Expires) {
		delete(a.sessions, key)
		return adminSession{}, false
	}
	return s, ok
}

// close ends the session of token.
func (a *adminSessions) close(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sessions, sha256.Sum256([]byte(token)))
}

// randomToken returns 32 random bytes in URL-safe base64.
func randomToken() string {
	raw := make([]byte, 32)
	rand.Read(raw)
	return base64.RawURLEncoding.EncodeToString(raw)
}
