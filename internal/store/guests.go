package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Tombstone records a deleted account, so that every world deletes its
// characters, even a world that was down when it went.
type Tombstone struct {
	Seq       int64 // orders the tombstones: a world acts on them in order
	AccountID int64
	DeletedAt time.Time
}

// DeleteIdleGuests deletes up to limit guest accounts not used since
// idleSince (their last login, or their creation if they never logged in
// again) that hold no session live at now, with their sessions, bans and
// mutes, and records a tombstone for each. It returns the tombstones, in
// order.
func (m *MasterDB) DeleteIdleGuests(ctx context.Context, idleSince, now time.Time, limit int) ([]Tombstone, error) {
	var dead []Tombstone
	err := m.c.inTx(ctx, func(tx tx) error {
		dead = dead[:0]
		ids, err := idleGuests(ctx, tx, idleSince, now, limit)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE id = ?`, id); err != nil {
				return err
			}
			t := Tombstone{AccountID: id, DeletedAt: fromMillis(millis(now))}
			err := tx.QueryRowContext(ctx, `INSERT INTO deleted_accounts (account_id, deleted_at) VALUES (?, ?) RETURNING seq`,
				id, millis(now)).Scan(&t.Seq)
			if err != nil {
				return err
			}
			dead = append(dead, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: delete idle guests: %w", err)
	}
	return dead, nil
}

// idleGuests returns the ids of up to limit guests DeleteIdleGuests
// deletes.
func idleGuests(ctx context.Context, tx tx, idleSince, now time.Time, limit int) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT a.id FROM accounts a
		WHERE a.guest AND COALESCE(a.last_login_at, a.created_at) < ?
		AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.account_id = a.id AND s.revoked_at IS NULL AND s.expires_at > ?)
		ORDER BY a.id LIMIT ?`, millis(idleSince), millis(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Tombstones returns up to limit tombstones after seq, in order.
func (m *MasterDB) Tombstones(ctx context.Context, afterSeq int64, limit int) ([]Tombstone, error) {
	rows, err := m.c.ro.QueryContext(ctx,
		`SELECT seq, account_id, deleted_at FROM deleted_accounts WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("store: tombstones: %w", err)
	}
	defer rows.Close()
	var out []Tombstone
	for rows.Next() {
		var t Tombstone
		var at int64
		if err := rows.Scan(&t.Seq, &t.AccountID, &at); err != nil {
			return nil, fmt.Errorf("store: tombstones: %w", err)
		}
		t.DeletedAt = fromMillis(at)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: tombstones: %w", err)
	}
	return out, nil
}

// PruneTombstones deletes the tombstones recorded before before, and
// returns how many: a world down for longer keeps the characters of the
// accounts they named.
func (m *MasterDB) PruneTombstones(ctx context.Context, before time.Time) (int64, error) {
	res, err := m.c.rw.ExecContext(ctx, `DELETE FROM deleted_accounts WHERE deleted_at < ?`, millis(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune tombstones: %w", err)
	}
	return res.RowsAffected()
}

// DeleteCharactersOf deletes every character of the accounts, and returns
// how many there were.
func (w *WorldDB) DeleteCharactersOf(ctx context.Context, accountIDs []int64) (int64, error) {
	if len(accountIDs) == 0 {
		return 0, nil
	}
	args := make([]any, len(accountIDs))
	for i, id := range accountIDs {
		args[i] = id
	}
	res, err := w.c.rw.ExecContext(ctx, `DELETE FROM characters WHERE account_id IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("store: delete characters of %d accounts: %w", len(accountIDs), err)
	}
	return res.RowsAffected()
}
