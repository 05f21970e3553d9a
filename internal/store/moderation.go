package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Action names what a moderator did, as the audit table records it.
type Action string

// The actions. Those marked "changes state" are applied by Moderate in the
// same transaction as their audit row; the others are only recorded.
const (
	ActionBan        Action = "ban"         // changes state: a row in bans
	ActionUnban      Action = "unban"       // changes state: lifts the bans in force
	ActionMute       Action = "mute"        // changes state: a row in mutes
	ActionUnmute     Action = "unmute"      // changes state: lifts the mutes in force
	ActionSetRole    Action = "set-role"    // changes state: accounts.role, from Detail
	ActionCreateUser Action = "create-user" // recorded after the account is created
	ActionKick       Action = "kick"
	ActionWhere      Action = "where"
	ActionGoto       Action = "goto"
	ActionSummon     Action = "summon"
	ActionBroadcast  Action = "broadcast"
	ActionHeal       Action = "heal"
	// ActionResetPassword is recorded after the admin dashboard set a new
	// password.
	ActionResetPassword Action = "reset-password"
	// ActionSaveNow is recorded when the admin dashboard asked the worlds
	// to save every player at once.
	ActionSaveNow Action = "save-now"
	// ActionShutdown is recorded when the admin dashboard scheduled a
	// world's shutdown; Detail says in how long.
	ActionShutdown Action = "shutdown"
)

// AuditEntry is a row of the audit table: who did what to whom, why and
// when.
type AuditEntry struct {
	ID         int64
	At         time.Time // set by Moderate when zero
	ActorID    int64     // the moderator's account; 0: the command line
	ActorName  string    // the moderator's character or account name, or "console"
	Action     Action
	TargetID   int64  // the account acted on; 0: none
	TargetName string // the character or account name acted on
	Reason     string
	Detail     string // a duration, a role, a message: whatever completes the action
}

// Mute is a row of the mutes table. A mute always ends.
type Mute struct {
	ID        int64
	AccountID int64
	Reason    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Moderate records e in the audit table and, for an action that changes
// state, applies it in the same transaction, so that neither happens
// without the other:
//
//   - ActionBan bans e.TargetID until until (zero: for good);
//   - ActionMute mutes e.TargetID until until, which must be set;
//   - ActionUnban and ActionUnmute lift those in force at e.At;
//   - ActionSetRole gives e.TargetID the role named by e.Detail.
//
// until is ignored by the other actions. It returns the entry as stored.
// It returns ErrNotFound when an action that changes state names an
// account that does not exist, and ErrInvalidRole for a bad role.
func (m *MasterDB) Moderate(ctx context.Context, e AuditEntry, until time.Time) (AuditEntry, error) {
	if e.At.IsZero() {
		e.At = currentTime()
	}
	e.At = fromMillis(millis(e.At))
	err := m.c.inTx(ctx, func(tx tx) error {
		if err := applyAction(ctx, tx, e, until); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx,
			`INSERT INTO audit (at, actor_account_id, actor_name, action, target_account_id, target_name, reason, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			millis(e.At), nullID(e.ActorID), e.ActorName, e.Action, nullID(e.TargetID), e.TargetName, e.Reason, e.Detail).Scan(&e.ID)
	})
	if err != nil {
		return AuditEntry{}, fmt.Errorf("store: %s account %d: %w", e.Action, e.TargetID, err)
	}
	return e, nil
}

// applyAction carries out the state change of e, if it has one.
func applyAction(ctx context.Context, tx tx, e AuditEntry, until time.Time) error {
	switch e.Action {
	case ActionBan:
		_, err := insertBan(ctx, tx, e.TargetID, e.Reason, until)
		return err
	case ActionUnban:
		return errors.Join(mustExist(ctx, tx, e.TargetID), liftBans(ctx, tx, e.TargetID, e.At))
	case ActionMute:
		if until.IsZero() {
			return errors.New("a mute needs an end")
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO mutes (account_id, reason, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			e.TargetID, e.Reason, millis(e.At), millis(until))
		if isForeignKeyViolation(err) {
			return ErrNotFound
		}
		return err
	case ActionUnmute:
		if err := mustExist(ctx, tx, e.TargetID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			`UPDATE mutes SET lifted_at = ? WHERE account_id = ? AND lifted_at IS NULL AND expires_at > ?`,
			millis(e.At), e.TargetID, millis(e.At))
		return err
	case ActionSetRole:
		if !Role(e.Detail).valid() {
			return fmt.Errorf("%w %q", ErrInvalidRole, e.Detail)
		}
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET role = ? WHERE id = ?`, e.Detail, e.TargetID)
		if err != nil {
			return err
		}
		return rowsAffectedOrNotFound(res)
	}
	return nil
}

// mustExist returns ErrNotFound unless the account exists.
func mustExist(ctx context.Context, tx tx, accountID int64) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM accounts WHERE id = ?`, accountID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// ActiveMute returns the mute in force on the account at now, and whether
// there is one: the one that ends last.
func (m *MasterDB) ActiveMute(ctx context.Context, accountID int64, now time.Time) (Mute, bool, error) {
	var (
		mu                   Mute
		createdAt, expiresAt int64
	)
	err := m.c.ro.QueryRowContext(ctx,
		`SELECT id, account_id, reason, created_at, expires_at FROM mutes
		WHERE account_id = ? AND lifted_at IS NULL AND expires_at > ?
		ORDER BY expires_at DESC, id DESC LIMIT 1`,
		accountID, millis(now)).Scan(&mu.ID, &mu.AccountID, &mu.Reason, &createdAt, &expiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Mute{}, false, nil
	}
	if err != nil {
		return Mute{}, false, fmt.Errorf("store: active mute of account %d: %w", accountID, err)
	}
	mu.CreatedAt, mu.ExpiresAt = fromMillis(createdAt), fromMillis(expiresAt)
	return mu, true, nil
}

// AuditLog returns the newest audit entries, newest first, at most limit
// of them; with targetID other than 0, only those about that account.
func (m *MasterDB) AuditLog(ctx context.Context, targetID int64, limit int) ([]AuditEntry, error) {
	rows, err := m.c.ro.QueryContext(ctx,
		`SELECT id, at, actor_account_id, actor_name, action, target_account_id, target_name, reason, detail FROM audit
		WHERE ? = 0 OR target_account_id = ? ORDER BY id DESC LIMIT ?`, targetID, targetID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var (
			e                 AuditEntry
			at                int64
			actorID, targetID sql.NullInt64
		)
		if err := rows.Scan(&e.ID, &at, &actorID, &e.ActorName, &e.Action, &targetID, &e.TargetName, &e.Reason, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		e.At, e.ActorID, e.TargetID = fromMillis(at), actorID.Int64, targetID.Int64
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	return out, nil
}

// nullID stores the id 0 as NULL.
func nullID(id int64) sql.NullInt64 {
	return sql.NullInt64{Int64: id, Valid: id != 0}
}
