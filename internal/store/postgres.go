package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	// The pgx driver for database/sql, registered as "pgx".
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// IsPostgres reports whether db names a PostgreSQL database (a
// postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// validSchema is what a schema name may be: it goes into SQL unquoted.
var validSchema = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// WithSchema returns the PostgreSQL URL dsn set to keep its tables in
// schema (its search_path), which OpenMaster and OpenWorld create if it is
// missing: the master keeps its tables in "master" and each world in
// "world_<id>", so that one database holds a whole cluster. A schema name
// is 1 to 63 of [a-z0-9_], not starting with a digit; a world id's capitals
// and dashes become lower case and underscores (see WorldSchema).
func WithSchema(dsn, schema string) (string, error) {
	if !validSchema.MatchString(schema) {
		return "", fmt.Errorf("store: schema %q must be 1 to 63 of a-z 0-9 _, not starting with a digit", schema)
	}
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("store: %q is not a postgres:// URL", redact(dsn))
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// WorldSchema is the schema of world id's tables in a PostgreSQL
// database: "world_" and the id in lower case, dashes made underscores.
func WorldSchema(id string) string {
	return "world_" + strings.ReplaceAll(strings.ToLower(id), "-", "_")
}

// redact hides a URL's password, for errors and logs.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(an unparsable URL)"
	}
	return u.Redacted()
}

// openPostgres opens the PostgreSQL database at dsn, whose search_path
// names the schema to use (see WithSchema), creates the schema if needed
// and migrates it to the newest version of role.
func openPostgres(ctx context.Context, dsn, role string) (c *conns, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", redact(dsn), err)
	}
	schema := u.Query().Get("search_path")
	if !validSchema.MatchString(schema) {
		return nil, fmt.Errorf("store: %s: search_path %q must name one schema (see WithSchema)", redact(dsn), schema)
	}
	sub, err := fs.Sub(migrations, "migrations/postgres/"+role)
	if err != nil {
		return nil, fmt.Errorf("store: migrations %s: %w", role, err)
	}
	rw, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", redact(dsn), err)
	}
	rw.SetMaxOpenConns(1)
	rw.SetMaxIdleConns(1)
	defer func() {
		if err != nil {
			rw.Close()
		}
	}()
	if _, err := rw.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
		return nil, fmt.Errorf("store: create schema %s in %s: %w", schema, redact(dsn), err)
	}
	// goose keeps its version table in the schema too (search_path).
	p, err := goose.NewProvider(goose.DialectPostgres, rw, sub)
	if err != nil {
		return nil, fmt.Errorf("store: migrations %s: %w", role, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return nil, fmt.Errorf("store: migrate %s: %w", redact(dsn), err)
	}

	// The read pool's sessions refuse writes, as SQLite's query_only does.
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	ro, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", redact(dsn), err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	ro.SetMaxOpenConns(n)
	ro.SetMaxIdleConns(n)
	if err := ro.PingContext(ctx); err != nil {
		ro.Close()
		return nil, fmt.Errorf("store: open %s: %w", redact(dsn), err)
	}
	return &conns{rw: pool{DB: rw, postgres: true}, ro: pool{DB: ro, postgres: true}}, nil
}

// MasterFile is the master's SQLite database in dataDir.
func MasterFile(dataDir string) string { return filepath.Join(dataDir, "master.db") }

// WorldFile is world id's SQLite database in dataDir.
func WorldFile(dataDir, id string) string { return filepath.Join(dataDir, "world-"+id+".db") }

// MasterDatabase returns the database OpenMaster takes for a master whose
// configuration names db: the PostgreSQL database db (a postgres:// URL)
// with the tables in schema "master"; or, when db is empty, MasterFile.
func MasterDatabase(dataDir, db string) (string, error) {
	if db == "" {
		return MasterFile(dataDir), nil
	}
	return WithSchema(db, "master")
}

// WorldDatabase returns the database OpenWorld takes for world id, as
// MasterDatabase does: schema WorldSchema(id) of db, or WorldFile.
func WorldDatabase(dataDir, db, id string) (string, error) {
	if db == "" {
		return WorldFile(dataDir, id), nil
	}
	return WithSchema(db, WorldSchema(id))
}
