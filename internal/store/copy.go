package store

import (
	"context"
	"fmt"
	"strings"
)

// table is a table to copy: its columns, and those stored as 0 and 1 on
// SQLite and as booleans on PostgreSQL.
type table struct {
	name    string
	columns []string
	bools   map[string]bool
	// identity names the generated id column, if any: after a copy into
	// PostgreSQL its sequence must go on past the ids copied.
	identity string
}

// masterTables and worldTables are the tables of each schema, parents
// before children.
var (
	masterTables = []table{
		{name: "accounts", identity: "id", bools: map[string]bool{"guest": true},
			columns: []string{"id", "username", "password_hash", "guest", "role", "created_at", "last_login_at"}},
		{name: "sessions", columns: []string{"token_hash", "account_id", "created_at", "expires_at", "revoked_at"}},
		{name: "bans", identity: "id", columns: []string{"id", "account_id", "reason", "created_at", "expires_at", "lifted_at"}},
		{name: "mutes", identity: "id", columns: []string{"id", "account_id", "reason", "created_at", "expires_at", "lifted_at"}},
		{name: "audit", identity: "id", columns: []string{"id", "at", "actor_account_id", "actor_name", "action",
			"target_account_id", "target_name", "reason", "detail"}},
		{name: "deleted_accounts", identity: "seq", columns: []string{"seq", "account_id", "deleted_at"}},
	}
	worldTables = []table{
		{name: "characters", identity: "id", columns: []string{"id", "account_id", "name", "class", "level", "xp", "map",
			"x", "y", "hp", "max_hp", "mp", "max_mp", "created_at", "updated_at", "save_version"}},
	}
)

// Copied counts the rows a copy wrote, by table.
type Copied map[string]int64

// CopyMaster copies every row of from into to, keeping the ids, in one
// transaction on to: a deployment moves from SQLite to PostgreSQL (or back)
// with it. Both are at the newest schema (opening them migrated them). It
// refuses a target that holds any row, and checks that each table then
// holds as many rows as the source's.
func CopyMaster(ctx context.Context, from, to *MasterDB) (Copied, error) {
	return copyTables(ctx, from.c, to.c, masterTables)
}

// CopyWorld copies a world's characters, as CopyMaster does the master's
// tables.
func CopyWorld(ctx context.Context, from, to *WorldDB) (Copied, error) {
	return copyTables(ctx, from.c, to.c, worldTables)
}

func copyTables(ctx context.Context, from, to *conns, tables []table) (Copied, error) {
	copied := make(Copied, len(tables))
	err := to.inTx(ctx, func(tx tx) error {
		for _, t := range tables {
			var n int64
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+t.name).Scan(&n); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			if n > 0 {
				return fmt.Errorf("%s already holds %d rows: copy into an empty database", t.name, n)
			}
		}
		for _, t := range tables {
			n, err := copyTable(ctx, from, tx, t)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			copied[t.name] = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: copy: %w", err)
	}
	for _, t := range tables {
		var n int64
		if err := from.ro.QueryRowContext(ctx, "SELECT count(*) FROM "+t.name).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: copy: counting %s: %w", t.name, err)
		}
		var m int64
		if err := to.ro.QueryRowContext(ctx, "SELECT count(*) FROM "+t.name).Scan(&m); err != nil {
			return nil, fmt.Errorf("store: copy: counting %s: %w", t.name, err)
		}
		if n != copied[t.name] || m != n {
			return nil, fmt.Errorf("store: copy: %s holds %d rows, %d were copied, the target holds %d", t.name, n, copied[t.name], m)
		}
	}
	return copied, nil
}

// copyTable copies the rows of t from from into tx and returns how many.
func copyTable(ctx context.Context, from *conns, tx tx, t table) (int64, error) {
	cols := strings.Join(t.columns, ", ")
	rows, err := from.ro.QueryContext(ctx, "SELECT "+cols+" FROM "+t.name)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	insert, err := tx.PrepareContext(ctx, "INSERT INTO "+t.name+" ("+cols+") VALUES ("+
		strings.TrimSuffix(strings.Repeat("?, ", len(t.columns)), ", ")+")")
	if err != nil {
		return 0, err
	}
	defer insert.Close()
	values := make([]any, len(t.columns))
	ptrs := make([]any, len(t.columns))
	for i := range values {
		ptrs[i] = &values[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range t.columns {
			if t.bools[c] {
				values[i] = asBool(values[i])
			}
		}
		if _, err := insert.ExecContext(ctx, values...); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	if t.identity != "" && tx.postgres {
		// The next id generated must follow the ids copied.
		_, err := tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('"+t.name+"', '"+t.identity+"'), "+
			"COALESCE((SELECT max("+t.identity+") FROM "+t.name+"), 0) + 1, false)")
		if err != nil {
			return n, fmt.Errorf("resetting the id sequence: %w", err)
		}
	}
	return n, nil
}

// asBool turns SQLite's 0 and 1 into a boolean; a boolean stays one.
func asBool(v any) any {
	if i, ok := v.(int64); ok {
		return i != 0
	}
	return v
}
