package master

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/store"
)

// errBadCredentials is the one answer to every failed login, whether the
// username exists or not.
var errBadCredentials = api.Errorf(api.CodeBadCredentials, "wrong username or password")

func (m *Master) createAccount(ctx context.Context, req cluster.LoginRequest) (api.Session, error) {
	username, err := api.NormalizeUsername(req.Username)
	if err != nil {
		return api.Session{}, err
	}
	if err := api.CheckPassword(req.Password); err != nil {
		return api.Session{}, err
	}
	hash, err := m.hasher.Hash(ctx, req.Password)
	if err != nil {
		return api.Session{}, fmt.Errorf("master: hash password: %w", err)
	}
	acct, err := m.db.CreateAccount(ctx, username, hash, false)
	if errors.Is(err, store.ErrUsernameTaken) {
		m.metrics.accounts.WithLabelValues("taken").Inc()
		return api.Session{}, api.Errorf(api.CodeUsernameTaken, "username %q is taken", username)
	}
	if err != nil {
		return api.Session{}, err
	}
	m.metrics.accounts.WithLabelValues("created").Inc()
	return m.openSession(ctx, acct)
}

func (m *Master) login(ctx context.Context, req cluster.LoginRequest) (api.Session, error) {
	acct, err := m.checkPassword(ctx, req.Username, req.Password)
	if errors.Is(err, errBadCredentials) {
		return m.loginFailed()
	}
	if err != nil {
		return api.Session{}, err
	}
	m.metrics.logins.WithLabelValues("ok").Inc()
	return m.openSession(ctx, acct)
}

// checkPassword returns the account named username if password is its
// password, and errBadCredentials otherwise, taking as long whether the
// account exists or not. It stores a new hash when the parameters
// changed.
func (m *Master) checkPassword(ctx context.Context, username, password string) (store.Account, error) {
	username, err := api.NormalizeUsername(username)
	if err != nil {
		// A name that could never exist still costs a hash, so timing does
		// not tell invalid names from unknown ones.
		_ = m.hasher.VerifyDummy(ctx, password) // only its cost matters
		return store.Account{}, errBadCredentials
	}
	acct, err := m.db.AccountByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		_ = m.hasher.VerifyDummy(ctx, password) // only its cost matters
		return store.Account{}, errBadCredentials
	}
	if err != nil {
		return store.Account{}, err
	}
	if acct.Guest {
		// Guest accounts have no password.
		_ = m.hasher.VerifyDummy(ctx, password) // only its cost matters
		return store.Account{}, errBadCredentials
	}
	ok, rehash, err := m.hasher.Verify(ctx, password, acct.PasswordHash)
	if err != nil {
		return store.Account{}, fmt.Errorf("master: verify password of account %d: %w", acct.ID, err)
	}
	if !ok {
		return store.Account{}, errBadCredentials
	}
	if rehash {
		if hash, err := m.hasher.Hash(ctx, password); err == nil {
			if err := m.db.SetPasswordHash(ctx, acct.ID, hash); err != nil {
				m.log.Warn("master: rehash password", "account", acct.ID, "err", err)
			}
		}
	}
	return acct, nil
}

func (m *Master) loginFailed() (api.Session, error) {
	m.metrics.logins.WithLabelValues("bad_credentials").Inc()
	return api.Session{}, errBadCredentials
}

// guestNameLen is the length of the random part of a guest's username.
const guestNameLen = 10

func (m *Master) guestLogin(ctx context.Context, _ cluster.Empty) (api.Session, error) {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	for range 3 { // a collision in 36^10 names is a freak; retry anyway
		b := make([]byte, guestNameLen)
		rand.Read(b)
		for i := range b {
			b[i] = alphabet[int(b[i])%len(alphabet)]
		}
		acct, err := m.db.CreateAccount(ctx, api.GuestPrefix+string(b), "", true)
		if errors.Is(err, store.ErrUsernameTaken) {
			continue
		}
		if err != nil {
			return api.Session{}, err
		}
		m.metrics.accounts.WithLabelValues("guest").Inc()
		return m.openSession(ctx, acct)
	}
	return api.Session{}, errors.New("master: could not pick a free guest name")
}

// openSession checks that acct may play and mints a session token for it.
// Only the token's SHA-256 is stored, so a leaked database holds no usable
// sessions.
func (m *Master) openSession(ctx context.Context, acct store.Account) (api.Session, error) {
	now := time.Now()
	if err := m.checkBan(ctx, acct.ID, now); err != nil {
		return api.Session{}, err
	}
	token := randomToken()
	expires := now.Add(m.cfg.SessionTTL)
	if err := m.db.CreateSession(ctx, tokenHash(token), acct.ID, expires); err != nil {
		return api.Session{}, err
	}
	m.metrics.sessions.WithLabelValues("opened").Inc()
	m.logins.Add(1)
	if err := m.db.TouchLogin(ctx, acct.ID, now); err != nil {
		m.log.Warn("master: record login time", "account", acct.ID, "err", err)
	}
	return api.Session{Token: token, ExpiresAt: expires.UTC(), Account: publicAccount(acct)}, nil
}

func (m *Master) checkBan(ctx context.Context, accountID int64, now time.Time) error {
	ban, banned, err := m.db.ActiveBan(ctx, accountID, now)
	if err != nil {
		return err
	}
	if !banned {
		return nil
	}
	if ban.ExpiresAt.IsZero() {
		return api.Errorf(api.CodeBanned, "this account is banned: %s", ban.Reason)
	}
	return api.Errorf(api.CodeBanned, "this account is banned until %s: %s", ban.ExpiresAt.UTC().Format(time.RFC3339), ban.Reason)
}

// authenticate returns the account of a live session, refusing banned ones.
func (m *Master) authenticate(ctx context.Context, token string) (store.Account, error) {
	now := time.Now()
	acct, err := m.session(ctx, token, now)
	if err != nil {
		return store.Account{}, err
	}
	if err := m.checkBan(ctx, acct.ID, now); err != nil {
		return store.Account{}, err
	}
	return acct, nil
}

// session returns the account of a session that is live at now: known,
// not expired and not revoked.
func (m *Master) session(ctx context.Context, token string, now time.Time) (store.Account, error) {
	if token == "" || len(token) > 128 {
		return store.Account{}, api.Errorf(api.CodeUnauthorized, "please log in")
	}
	acct, err := m.db.SessionAccount(ctx, tokenHash(token), now)
	if errors.Is(err, store.ErrNotFound) {
		return store.Account{}, api.Errorf(api.CodeUnauthorized, "your session has expired; please log in again")
	}
	return acct, err
}

// logout revokes a live session. A missing, expired or already revoked one
// is refused as on every other call; a banned account may still log out.
func (m *Master) logout(ctx context.Context, req cluster.SessionRequest) (cluster.Empty, error) {
	now := time.Now()
	if _, err := m.session(ctx, req.Session, now); err != nil {
		return cluster.Empty{}, err
	}
	if err := m.db.RevokeSession(ctx, tokenHash(req.Session), now); err != nil {
		return cluster.Empty{}, err
	}
	m.metrics.sessions.WithLabelValues("revoked").Inc()
	return cluster.Empty{}, nil
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func publicAccount(a store.Account) api.Account {
	return api.Account{ID: a.ID, Username: a.Username, Guest: a.Guest, Role: api.Role(a.Role)}
}
