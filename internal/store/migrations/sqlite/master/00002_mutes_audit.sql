-- Master database: mutes, and the audit log of moderators' actions.
-- Times are unix milliseconds (UTC).

-- +goose Up
CREATE TABLE mutes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    reason     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL, -- mutes always end
    lifted_at  INTEGER           -- NULL until lifted
) STRICT;

CREATE INDEX mutes_account_id ON mutes (account_id);

-- One row per moderator action, kept when the accounts it names are
-- deleted (the names stay; the ids are never reused).
CREATE TABLE audit (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    at                INTEGER NOT NULL,
    actor_account_id  INTEGER,          -- NULL: the command line
    actor_name        TEXT    NOT NULL,
    action            TEXT    NOT NULL, -- mute, unmute, kick, ban, unban, set-role, create-user, ...
    target_account_id INTEGER,          -- NULL: none (a broadcast)
    target_name       TEXT    NOT NULL DEFAULT '',
    reason            TEXT    NOT NULL DEFAULT '',
    detail            TEXT    NOT NULL DEFAULT '' -- a duration, a role, a message
) STRICT;

CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_target_account_id ON audit (target_account_id);

-- +goose Down
DROP TABLE audit;
DROP TABLE mutes;
