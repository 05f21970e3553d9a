package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MasterDB is the master's database: accounts, gateway sessions, bans,
// mutes and the audit log of moderators' actions.
// Its methods are safe for concurrent use.
type MasterDB struct {
	c *conns
}

// OpenMaster opens (creating if needed) the master database and migrates
// it. db is a SQLite file name, or a PostgreSQL URL whose search_path
// names the schema to keep the tables in (see WithSchema). The caller must
// Close it.
func OpenMaster(ctx context.Context, db string) (*MasterDB, error) {
	c, err := openConns(ctx, db, "master")
	if err != nil {
		return nil, err
	}
	return &MasterDB{c: c}, nil
}

// Close closes the database. Calls in flight may fail; later calls fail.
func (m *MasterDB) Close() error { return m.c.close() }

// Role is an account's permission level.
type Role string

// The roles, from least to most privileged.
const (
	RolePlayer    Role = "player"
	RoleModerator Role = "moderator"
	RoleAdmin     Role = "admin"
)

// ParseRole returns the Role named s, ignoring case, or an error wrapping
// ErrInvalidRole.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(s))
	if !r.valid() {
		return "", fmt.Errorf("%w %q", ErrInvalidRole, s)
	}
	return r, nil
}

func (r Role) valid() bool {
	return r == RolePlayer || r == RoleModerator || r == RoleAdmin
}

// Account is a row of the accounts table.
type Account struct {
	ID           int64
	Username     string // as created; unique ignoring (ASCII) case
	PasswordHash string // opaque to the store (see package password)
	Guest        bool
	Role         Role
	CreatedAt    time.Time
	LastLoginAt  time.Time // zero until the first TouchLogin
}

const accountColumns = `a.id, a.username, a.password_hash, a.guest, a.role, a.created_at, a.last_login_at`

func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var (
		a         Account
		createdAt int64
		lastLogin sql.NullInt64
	)
	if err := row.Scan(&a.ID, &a.Username, &a.PasswordHash, &a.Guest, &a.Role, &createdAt, &lastLogin); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Account{}, ErrNotFound
		}
		return Account{}, err
	}
	a.CreatedAt = fromMillis(createdAt)
	a.LastLoginAt = fromNullMillis(lastLogin)
	return a, nil
}

// CreateAccount inserts an account with RolePlayer. It returns
// ErrUsernameTaken when another account has the same username ignoring case
// (SQLite's NOCASE folds ASCII letters only).
func (m *MasterDB) CreateAccount(ctx context.Context, username, passwordHash string, guest bool) (Account, error) {
	a := Account{
		Username:     username,
		PasswordHash: passwordHash,
		Guest:        guest,
		Role:         RolePlayer,
		CreatedAt:    currentTime(),
	}
	// The UNIQUE constraint decides, not a prior lookup: two concurrent
	// creates cannot both pass it.
	err := m.c.rw.QueryRowContext(ctx,
		`INSERT INTO accounts (username, password_hash, guest, role, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		a.Username, a.PasswordHash, a.Guest, a.Role, millis(a.CreatedAt)).Scan(&a.ID)
	if isUniqueViolation(err) {
		err = ErrUsernameTaken
	}
	if err != nil {
		return Account{}, fmt.Errorf("store: create account %q: %w", username, err)
	}
	return a, nil
}

// AccountByUsername returns the account named name, ignoring case, or
// ErrNotFound.
func (m *MasterDB) AccountByUsername(ctx context.Context, name string) (Account, error) {
	a, err := scanAccount(m.c.ro.QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM accounts a WHERE a.username = ?`, name))
	if err != nil {
		return Account{}, fmt.Errorf("store: account %q: %w", name, err)
	}
	return a, nil
}

// AccountByID returns the account with id, or ErrNotFound.
func (m *MasterDB) AccountByID(ctx context.Context, id int64) (Account, error) {
	a, err := scanAccount(m.c.ro.QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM accounts a WHERE a.id = ?`, id))
	if err != nil {
		return Account{}, fmt.Errorf("store: account %d: %w", id, err)
	}
	return a, nil
}

// updateAccount runs an UPDATE on one account, returning ErrNotFound when
// the account does not exist.
func (m *MasterDB) updateAccount(ctx context.Context, id int64, query string, args ...any) error {
	res, err := m.c.rw.ExecContext(ctx, query, append(args, id)...)
	if err != nil {
		return err
	}
	return rowsAffectedOrNotFound(res)
}

// SetPasswordHash replaces the account's password hash, or returns
// ErrNotFound. It does not revoke sessions; see RevokeAccountSessions.
func (m *MasterDB) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	if err := m.updateAccount(ctx, id, `UPDATE accounts SET password_hash = ? WHERE id = ?`, hash); err != nil {
		return fmt.Errorf("store: set password of account %d: %w", id, err)
	}
	return nil
}

// SetRole changes the account's role. It returns ErrInvalidRole for an
// unknown role and ErrNotFound for an unknown account.
func (m *MasterDB) SetRole(ctx context.Context, id int64, role Role) error {
	if !role.valid() {
		return fmt.Errorf("store: set role of account %d: %w %q", id, ErrInvalidRole, role)
	}
	if err := m.updateAccount(ctx, id, `UPDATE accounts SET role = ? WHERE id = ?`, role); err != nil {
		return fmt.Errorf("store: set role of account %d: %w", id, err)
	}
	return nil
}

// TouchLogin records a login at at, or returns ErrNotFound.
func (m *MasterDB) TouchLogin(ctx context.Context, id int64, at time.Time) error {
	if err := m.updateAccount(ctx, id, `UPDATE accounts SET last_login_at = ? WHERE id = ?`, millis(at)); err != nil {
		return fmt.Errorf("store: touch login of account %d: %w", id, err)
	}
	return nil
}

// CreateSession stores a gateway session. tokenHash is the SHA-256 of the
// token the client holds (the token itself is never stored, so a leaked
// database cannot be replayed); it must be sha256.Size bytes. It returns
// ErrNotFound when the account does not exist.
func (m *MasterDB) CreateSession(ctx context.Context, tokenHash []byte, accountID int64, expires time.Time) error {
	if len(tokenHash) != sha256.Size {
		return fmt.Errorf("store: create session: token hash is %d bytes, want %d", len(tokenHash), sha256.Size)
	}
	_, err := m.c.rw.ExecContext(ctx,
		`INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash, accountID, millis(currentTime()), millis(expires))
	if isForeignKeyViolation(err) {
		err = ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: create session for account %d: %w", accountID, err)
	}
	return nil
}

// SessionAccount returns the account owning the session whose token hashes
// to tokenHash, or ErrNotFound when that session does not exist, has been
// revoked, or expires at or before now. It does not check bans; see
// ActiveBan.
func (m *MasterDB) SessionAccount(ctx context.Context, tokenHash []byte, now time.Time) (Account, error) {
	a, err := scanAccount(m.c.ro.QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM sessions s JOIN accounts a ON a.id = s.account_id
		WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?`,
		tokenHash, millis(now)))
	if err != nil {
		return Account{}, fmt.Errorf("store: session: %w", err)
	}
	return a, nil
}

// RevokeSession revokes the session whose token hashes to tokenHash, as of
// now. Revoking a missing or already revoked session is not an error, so
// logout is idempotent.
func (m *MasterDB) RevokeSession(ctx context.Context, tokenHash []byte, now time.Time) error {
	_, err := m.c.rw.ExecContext(ctx,
		`UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`,
		millis(now), tokenHash)
	if err != nil {
		return fmt.Errorf("store: revoke session: %w", err)
	}
	return nil
}

// RevokeAccountSessions revokes every session of the account, as of now
// (after a ban or a password change, for example).
func (m *MasterDB) RevokeAccountSessions(ctx context.Context, accountID int64, now time.Time) error {
	_, err := m.c.rw.ExecContext(ctx,
		`UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL`,
		millis(now), accountID)
	if err != nil {
		return fmt.Errorf("store: revoke sessions of account %d: %w", accountID, err)
	}
	return nil
}

// DeleteExpiredSessions deletes the sessions that expire at or before now,
// revoked or not, and returns how many it deleted. Revoked sessions that
// have not yet expired are kept until they do.
func (m *MasterDB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := m.c.rw.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, millis(now))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return n, nil
}

// Ban is a row of the bans table.
type Ban struct {
	ID        int64
	AccountID int64
	Reason    string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: permanent
}

// BanAccount bans the account until expires (the zero time bans it for
// good). It returns ErrNotFound when the account does not exist. It does not
// revoke sessions; see RevokeAccountSessions. Moderate bans and writes the
// audit row in one transaction.
func (m *MasterDB) BanAccount(ctx context.Context, accountID int64, reason string, expires time.Time) (Ban, error) {
	b, err := insertBan(ctx, m.c.rw, accountID, reason, expires)
	if err != nil {
		return Ban{}, fmt.Errorf("store: ban account %d: %w", accountID, err)
	}
	return b, nil
}

// execer is what a write needs: the write pool, or a transaction on it.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func insertBan(ctx context.Context, db execer, accountID int64, reason string, expires time.Time) (Ban, error) {
	b := Ban{AccountID: accountID, Reason: reason, CreatedAt: currentTime()}
	if !expires.IsZero() {
		b.ExpiresAt = fromMillis(millis(expires))
	}
	err := db.QueryRowContext(ctx,
		`INSERT INTO bans (account_id, reason, created_at, expires_at) VALUES (?, ?, ?, ?) RETURNING id`,
		accountID, reason, millis(b.CreatedAt), nullMillis(expires)).Scan(&b.ID)
	if isForeignKeyViolation(err) {
		err = ErrNotFound
	}
	return b, err
}

// ActiveBan returns the ban in force on the account at now, and whether
// there is one. When several are in force it returns a permanent one if
// any, otherwise the one that ends last.
func (m *MasterDB) ActiveBan(ctx context.Context, accountID int64, now time.Time) (Ban, bool, error) {
	var (
		b         Ban
		createdAt int64
		expiresAt sql.NullInt64
	)
	err := m.c.ro.QueryRowContext(ctx,
		`SELECT id, account_id, reason, created_at, expires_at FROM bans
		WHERE account_id = ? AND lifted_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
		ORDER BY expires_at IS NULL DESC, expires_at DESC, id DESC LIMIT 1`,
		accountID, millis(now)).Scan(&b.ID, &b.AccountID, &b.Reason, &createdAt, &expiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Ban{}, false, nil
	}
	if err != nil {
		return Ban{}, false, fmt.Errorf("store: active ban of account %d: %w", accountID, err)
	}
	b.CreatedAt = fromMillis(createdAt)
	b.ExpiresAt = fromNullMillis(expiresAt)
	return b, true, nil
}

// LiftBans lifts, as of now, every ban on the account that is still in
// force. Lifting when there is none is not an error.
func (m *MasterDB) LiftBans(ctx context.Context, accountID int64, now time.Time) error {
	if err := liftBans(ctx, m.c.rw, accountID, now); err != nil {
		return fmt.Errorf("store: lift bans of account %d: %w", accountID, err)
	}
	return nil
}

func liftBans(ctx context.Context, db execer, accountID int64, now time.Time) error {
	_, err := db.ExecContext(ctx,
		`UPDATE bans SET lifted_at = ? WHERE account_id = ? AND lifted_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
		millis(now), accountID, millis(now))
	return err
}
