-- Master database: accounts, gateway sessions and bans.
-- Times are unix milliseconds (UTC). STRICT tables make SQLite enforce the
-- column types.

-- +goose Up
CREATE TABLE accounts (
    -- AUTOINCREMENT: an id is never reused, because world databases refer to
    -- accounts by id without a foreign key.
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    guest         INTEGER NOT NULL DEFAULT 0 CHECK (guest IN (0, 1)),
    role          TEXT    NOT NULL DEFAULT 'player' CHECK (role IN ('player', 'moderator', 'admin')),
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER -- NULL until the first login
) STRICT;

CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY CHECK (length(token_hash) = 32), -- sha256 of the token
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER -- NULL while the session is valid
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_account_id ON sessions (account_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE bans (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    reason     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER, -- NULL: permanent
    lifted_at  INTEGER  -- NULL until lifted
) STRICT;

CREATE INDEX bans_account_id ON bans (account_id);

-- +goose Down
DROP TABLE bans;
DROP TABLE sessions;
DROP TABLE accounts;
