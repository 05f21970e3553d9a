package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tinymmo/tinymmo/internal/character"
)

// WorldDB is one world's database: its characters. Its methods are safe for
// concurrent use.
type WorldDB struct {
	c *conns
	// save is SaveCharacters' statement, prepared once on the write
	// connection: parsing it took most of a save's time.
	save *sql.Stmt
}

// saveCharacter writes one character's save, unless the stored one is as
// new or newer.
const saveCharacter = `UPDATE characters SET level = ?, xp = ?, map = ?, x = ?, y = ?, hp = ?, max_hp = ?, mp = ?, max_mp = ?,
	updated_at = ?, save_version = ?
WHERE id = ? AND save_version < ?`

// OpenWorld opens (creating if needed) a world database, as OpenMaster
// does the master's, and migrates it. The caller must Close it.
func OpenWorld(ctx context.Context, db string) (*WorldDB, error) {
	c, err := openConns(ctx, db, "world")
	if err != nil {
		return nil, err
	}
	save, err := c.rw.PrepareContext(ctx, saveCharacter)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: prepare the save: %w", err), c.close())
	}
	return &WorldDB{c: c, save: save}, nil
}

// Close closes the database. Calls in flight may fail; later calls fail.
func (w *WorldDB) Close() error { return errors.Join(w.save.Close(), w.c.close()) }

// Class is a character class (character.Class).
type Class = character.Class

// The classes.
const (
	ClassKnight = character.ClassKnight
	ClassRogue  = character.ClassRogue
	ClassWizard = character.ClassWizard
)

// ParseClass returns the Class named s, ignoring case ("Knight" is
// ClassKnight), or an error wrapping ErrInvalidClass.
func ParseClass(s string) (Class, error) {
	c := Class(strings.ToLower(s))
	if !c.Valid() {
		return "", fmt.Errorf("%w %q", ErrInvalidClass, s)
	}
	return c, nil
}

// Character is a row of the characters table (character.Character).
type Character = character.Character

const characterColumns = `id, account_id, name, class, level, xp, map, x, y, hp, max_hp, mp, max_mp, created_at, updated_at, save_version`

func scanCharacter(row interface{ Scan(...any) error }) (Character, error) {
	var (
		c                    Character
		createdAt, updatedAt int64
	)
	err := row.Scan(&c.ID, &c.AccountID, &c.Name, &c.Class, &c.Level, &c.XP, &c.Map, &c.X, &c.Y,
		&c.HP, &c.MaxHP, &c.MP, &c.MaxMP, &createdAt, &updatedAt, &c.Version)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Character{}, ErrNotFound
		}
		return Character{}, err
	}
	c.CreatedAt = fromMillis(createdAt)
	c.UpdatedAt = fromMillis(updatedAt)
	return c, nil
}

// orNow returns t at the stored precision, or the current time if t
// is zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return currentTime()
	}
	return fromMillis(millis(t))
}

// CreateCharacter inserts c for c.AccountID, unless that account already
// has maxPerAccount (which must be positive) characters in this world:
// then it returns ErrTooManyCharacters. It returns ErrNameTaken when another
// character has the same name ignoring (ASCII) case, and ErrInvalidClass for
// an unknown class. c.ID and c.Version are ignored (a new character has
// version 0); zero CreatedAt and UpdatedAt mean now.
// It returns the stored character with its new ID.
//
// The count and the insert run in one IMMEDIATE transaction, so concurrent
// creates for one account, even from another process, cannot exceed the
// limit. Name and class rules are the caller's to enforce.
func (w *WorldDB) CreateCharacter(ctx context.Context, c Character, maxPerAccount int) (Character, error) {
	if maxPerAccount < 1 {
		return Character{}, fmt.Errorf("store: create character: maxPerAccount = %d, want >= 1", maxPerAccount)
	}
	if !c.Class.Valid() {
		return Character{}, fmt.Errorf("store: create character %q: %w %q", c.Name, ErrInvalidClass, c.Class)
	}
	c.CreatedAt = orNow(c.CreatedAt)
	c.UpdatedAt = orNow(c.UpdatedAt)
	c.Version = 0
	err := w.c.inTx(ctx, func(tx tx) error {
		// Two creates for one account must not both count below the limit.
		if err := tx.lockAccount(ctx, c.AccountID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM characters WHERE account_id = ?`, c.AccountID).Scan(&n); err != nil {
			return err
		}
		if n >= maxPerAccount {
			return ErrTooManyCharacters
		}
		err := tx.QueryRowContext(ctx,
			`INSERT INTO characters (account_id, name, class, level, xp, map, x, y, hp, max_hp, mp, max_mp, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.AccountID, c.Name, c.Class, c.Level, c.XP, c.Map, c.X, c.Y, c.HP, c.MaxHP, c.MP, c.MaxMP,
			millis(c.CreatedAt), millis(c.UpdatedAt)).Scan(&c.ID)
		if isUniqueViolation(err) {
			return ErrNameTaken
		}
		return err
	})
	if err != nil {
		return Character{}, fmt.Errorf("store: create character %q for account %d: %w", c.Name, c.AccountID, err)
	}
	return c, nil
}

// Characters returns the account's characters in this world, oldest first
// (by id). An account without characters gets an empty slice and no error.
func (w *WorldDB) Characters(ctx context.Context, accountID int64) ([]Character, error) {
	rows, err := w.c.ro.QueryContext(ctx,
		`SELECT `+characterColumns+` FROM characters WHERE account_id = ? ORDER BY id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("store: characters of account %d: %w", accountID, err)
	}
	defer rows.Close()
	cs := []Character{}
	for rows.Next() {
		c, err := scanCharacter(rows)
		if err != nil {
			return nil, fmt.Errorf("store: characters of account %d: %w", accountID, err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: characters of account %d: %w", accountID, err)
	}
	return cs, nil
}

// Character returns the character with id, or ErrNotFound.
func (w *WorldDB) Character(ctx context.Context, id int64) (Character, error) {
	c, err := scanCharacter(w.c.ro.QueryRowContext(ctx,
		`SELECT `+characterColumns+` FROM characters WHERE id = ?`, id))
	if err != nil {
		return Character{}, fmt.Errorf("store: character %d: %w", id, err)
	}
	return c, nil
}

// SaveResult reports what one SaveCharacters call wrote.
type SaveResult struct {
	// Written is the number of characters written.
	Written int
	// Stale lists, in argument order, the IDs of the characters that were
	// not written because the stored version was already greater than or
	// equal to theirs: a newer save got there first. Nil when none were.
	Stale []int64
	// UpdatedAt is the time of the save, stored as the UpdatedAt of every
	// character written.
	UpdatedAt time.Time
}

// SaveCharacters writes the mutable state of each character (level, XP,
// map, position, HP, max HP, MP, max MP, and Version) in one transaction:
// all are saved or none. A character is written only if its Version is
// greater than the stored one; otherwise it is left as it is and reported
// in SaveResult.Stale, which is not an error. Every character written gets
// the current time as UpdatedAt (c.UpdatedAt is ignored). It returns
// ErrNotFound, saving nothing, when any ID does not exist. Name, class,
// account and CreatedAt are never changed.
//
// A batch may hold several versions of one character; they apply in
// argument order, so only those greater than every earlier one are written.
func (w *WorldDB) SaveCharacters(ctx context.Context, cs ...Character) (SaveResult, error) {
	if len(cs) == 0 {
		return SaveResult{}, nil
	}
	var res SaveResult
	err := w.c.inTx(ctx, func(tx tx) error {
		res = SaveResult{}
		// The time is read inside the transaction, once the write lock is
		// held, so it is the time of this save and never earlier than that
		// of a save committed before it.
		now := currentTime()
		update := tx.StmtContext(ctx, w.save)
		defer update.Close()
		for _, c := range cs {
			r, err := update.ExecContext(ctx, c.Level, c.XP, c.Map, c.X, c.Y, c.HP, c.MaxHP, c.MP, c.MaxMP,
				millis(now), c.Version, c.ID, c.Version)
			if err != nil {
				return fmt.Errorf("character %d: %w", c.ID, err)
			}
			n, err := r.RowsAffected()
			if err != nil {
				return fmt.Errorf("character %d: %w", c.ID, err)
			}
			if n == 1 {
				res.Written++
				continue
			}
			// Nothing changed: the character is missing or the save stale.
			var stored int64
			err = tx.QueryRowContext(ctx, `SELECT save_version FROM characters WHERE id = ?`, c.ID).Scan(&stored)
			if errors.Is(err, sql.ErrNoRows) {
				err = ErrNotFound
			}
			if err != nil {
				return fmt.Errorf("character %d: %w", c.ID, err)
			}
			res.Stale = append(res.Stale, c.ID)
		}
		res.UpdatedAt = now
		return nil
	})
	if err != nil {
		return SaveResult{}, fmt.Errorf("store: save %d characters: %w", len(cs), err)
	}
	return res, nil
}
