// Package store persists TinyMMO's state in SQLite or PostgreSQL.
//
// It owns two databases with separate schemas and embedded goose migrations:
// the master's ([MasterDB]: accounts and their roles, gateway sessions,
// bans, mutes and the audit log of moderators' actions) and one per
// world ([WorldDB]: characters). By default both are files opened in WAL
// mode through the pure-Go modernc.org/sqlite driver; opening one creates
// its directory and applies any pending migration.
//
// Given a postgres:// URL instead (see [MasterDatabase] and
// [WorldDatabase]), the same types run on PostgreSQL through pgx, each
// role in a schema of its own (master, world_<id>) of one database, which
// opening creates and migrates. The migrations are written once per
// dialect, in migrations/sqlite and migrations/postgres, with the same
// versions: a new migration is a file of the same number in both. The
// queries are written once, with ? placeholders, which the PostgreSQL pools
// number. [CopyMaster] and [CopyWorld] move a deployment from one to the
// other (tinymmo migrate-db).
//
// SQLite allows one writer at a time. Each database therefore keeps two
// connection pools: a single write connection, whose transactions begin
// IMMEDIATE, so writers in this process queue in database/sql (honouring
// their contexts) instead of failing with SQLITE_BUSY; and a pool of
// read-only connections, which WAL lets run alongside the writer. A busy
// timeout covers other processes that open the same file. PostgreSQL keeps
// the same two pools (the readers' sessions read-only); where SQLite's lock
// alone kept a rule across processes, an advisory lock keeps it there
// (the characters per account).
//
// Character saves are versioned: SaveCharacters writes a character only
// when the save's Version is greater than the stored one, so a save that
// arrives late never rolls a character back (see internal/saver, which
// orders a world's saves).
//
// Times are time.Time in UTC, stored as unix milliseconds, so they round-trip
// at millisecond precision. All methods are safe for concurrent use. The
// package starts no goroutines of its own; database/sql's pools run theirs
// until Close. The master imports MasterDB and each world WorldDB;
// validation of names, classes and other game rules belongs to them, and
// this package enforces only storage invariants (uniqueness, counts,
// allowed enumerations).
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinel errors. Methods wrap them with context; test with errors.Is.
var (
	// ErrNotFound: no row matched (an id, a username, or a session that is
	// missing, expired or revoked).
	ErrNotFound = errors.New("store: not found")
	// ErrUsernameTaken: another account has this username, ignoring case.
	ErrUsernameTaken = errors.New("store: username taken")
	// ErrNameTaken: another character in this world has this name, ignoring case.
	ErrNameTaken = errors.New("store: name taken")
	// ErrTooManyCharacters: the account already has the maximum number of
	// characters in this world.
	ErrTooManyCharacters = errors.New("store: too many characters")
	// ErrInvalidRole: a Role other than RolePlayer, RoleModerator or RoleAdmin.
	ErrInvalidRole = errors.New("store: invalid role")
	// ErrInvalidClass: a Class other than ClassKnight, ClassRogue or ClassWizard.
	ErrInvalidClass = errors.New("store: invalid class")
)

//go:embed migrations
var migrations embed.FS

// conns holds the two pools of one database.
type conns struct {
	// rw is the only connection that writes. One connection is enough for
	// SQLite's single writer, and it makes this process's writers wait in
	// the pool rather than in SQLite's busy handler. On PostgreSQL it keeps
	// the same order: this process's writes are one at a time.
	rw pool
	// ro serves reads, concurrently with rw (thanks to WAL on SQLite).
	ro pool
}

// openConns opens the database db names (see OpenMaster) and migrates it
// to the newest schema of its role ("master" or "world"). It is shared by
// OpenMaster and OpenWorld.
func openConns(ctx context.Context, db, role string) (*conns, error) {
	if IsPostgres(db) {
		return openPostgres(ctx, db, role)
	}
	return openSQLite(ctx, db, role)
}

// openSQLite opens the SQLite file at path, creating it and its directory
// if needed, and migrates it to the newest version of role.
func openSQLite(ctx context.Context, path, role string) (c *conns, err error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	// The driver cuts a plain file name at its first '?', where the DSN
	// parameters begin.
	if strings.Contains(path, "?") {
		return nil, fmt.Errorf("store: database path %q contains '?'", path)
	}
	// An absolute path can never be mistaken for a "file:" URI, and stays
	// correct if the working directory changes.
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: database path %q: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("store: create directory for %s: %w", abs, err)
	}
	sub, err := fs.Sub(migrations, "migrations/sqlite/"+role)
	if err != nil {
		return nil, fmt.Errorf("store: migrations %s: %w", role, err)
	}

	// Parameters every connection runs when it opens (see modernc.org/sqlite
	// Driver.Open). WAL is a property of the file, set once by the writer;
	// foreign_keys and synchronous are per connection.
	q := url.Values{"_pragma": {
		"busy_timeout(5000)",
		"journal_mode(WAL)",
		"foreign_keys(1)",
		"synchronous(NORMAL)",
	}}
	wq := cloneValues(q)
	wq.Set("_txlock", "immediate")
	rw, err := sql.Open("sqlite", abs+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	rw.SetMaxOpenConns(1)
	rw.SetMaxIdleConns(1)
	defer func() {
		if err != nil {
			rw.Close()
		}
	}()

	// Migrate before the read pool exists, so readers only ever see the
	// current schema.
	p, err := goose.NewProvider(goose.DialectSQLite3, rw, sub)
	if err != nil {
		return nil, fmt.Errorf("store: migrations %s: %w", role, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return nil, fmt.Errorf("store: migrate %s: %w", abs, err)
	}

	rq := cloneValues(q)
	rq.Add("_pragma", "query_only(1)")
	ro, err := sql.Open("sqlite", abs+"?"+rq.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	ro.SetMaxOpenConns(n)
	ro.SetMaxIdleConns(n)
	if err := ro.PingContext(ctx); err != nil {
		ro.Close()
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	return &conns{rw: pool{DB: rw}, ro: pool{DB: ro}}, nil
}

func cloneValues(v url.Values) url.Values {
	c := make(url.Values, len(v))
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// close closes both pools. Calls after the first return nil.
func (c *conns) close() error {
	return errors.Join(c.ro.Close(), c.rw.Close())
}

// inTx runs fn in a transaction on the write connection (BEGIN IMMEDIATE
// on SQLite), committing when fn returns nil and rolling back otherwise. fn
// must use only tx: the write pool has one connection, which tx holds.
func (c *conns) inTx(ctx context.Context, fn func(tx tx) error) error {
	t, err := c.rw.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := tx{Tx: t, postgres: c.rw.postgres}
	if err := fn(tx); err != nil {
		return errors.Join(err, ignoreDone(t.Rollback()))
	}
	return t.Commit()
}

// pool is a connection pool that speaks its database's dialect: the
// queries are written with SQLite's ? placeholders, which it numbers $1,
// $2, … for PostgreSQL.
type pool struct {
	*sql.DB
	postgres bool
}

func (p pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.DB.ExecContext(ctx, bind(query, p.postgres), args...)
}

func (p pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.DB.QueryContext(ctx, bind(query, p.postgres), args...)
}

func (p pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.DB.QueryRowContext(ctx, bind(query, p.postgres), args...)
}

func (p pool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.DB.PrepareContext(ctx, bind(query, p.postgres))
}

// tx is a transaction that speaks its database's dialect, as pool does.
type tx struct {
	*sql.Tx
	postgres bool
}

func (t tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, bind(query, t.postgres), args...)
}

func (t tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, bind(query, t.postgres), args...)
}

func (t tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, bind(query, t.postgres), args...)
}

func (t tx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, bind(query, t.postgres))
}

// lockAccount makes the transactions that call it for one account wait
// for each other, from any connection or process: on SQLite every write
// transaction holds the database's lock already; on PostgreSQL it takes a
// transaction-scoped advisory lock on the id.
func (t tx) lockAccount(ctx context.Context, accountID int64) error {
	if !t.postgres {
		return nil
	}
	_, err := t.Tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, accountID)
	return err
}

// bind numbers query's ? placeholders $1, $2, … for PostgreSQL. The
// package's queries hold no other question mark.
func bind(query string, postgres bool) string {
	if !postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for _, r := range query {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		fmt.Fprintf(&b, "$%d", n)
	}
	return b.String()
}

// ignoreDone drops sql.ErrTxDone, which Rollback returns when a cancelled
// context has already rolled the transaction back.
func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

// sqliteCode returns the extended SQLite result code in err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// PostgreSQL's SQLSTATE codes for the violations the store maps to its
// errors.
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
)

// postgresCode returns the SQLSTATE of a PostgreSQL error in err, or "".
func postgresCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func isUniqueViolation(err error) bool {
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_UNIQUE || postgresCode(err) == pgUniqueViolation
}

func isForeignKeyViolation(err error) bool {
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY || postgresCode(err) == pgForeignKeyViolation
}

// rowsAffectedOrNotFound returns ErrNotFound when res changed no row.
func rowsAffectedOrNotFound(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// millis converts t to the stored form.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis converts the stored form to a UTC time.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// nullMillis stores the zero time as NULL.
func nullMillis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: millis(t), Valid: true}
}

// fromNullMillis reads NULL as the zero time.
func fromNullMillis(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromMillis(n.Int64)
}

// currentTime returns the current time at the stored precision.
func currentTime() time.Time { return fromMillis(millis(time.Now())) }
