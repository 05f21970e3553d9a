-- Master database: tombstones of deleted accounts (idle guests), from which
-- the worlds learn whose characters to delete. seq orders them; a world
-- remembers the last one it acted on.

-- +goose Up
CREATE TABLE deleted_accounts (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    deleted_at INTEGER NOT NULL
) STRICT;

CREATE INDEX deleted_accounts_deleted_at ON deleted_accounts (deleted_at);
-- The sweep looks for idle guests.
CREATE INDEX accounts_guest_last_login_at ON accounts (guest, last_login_at);

-- +goose Down
DROP INDEX accounts_guest_last_login_at;
DROP TABLE deleted_accounts;
