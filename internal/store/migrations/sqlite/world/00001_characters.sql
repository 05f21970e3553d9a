-- World database: the characters of one world.
-- Times are unix milliseconds (UTC); positions are in 1/16 px.
-- STRICT tables make SQLite enforce the column types.

-- +goose Up
CREATE TABLE characters (
    -- AUTOINCREMENT: an id is never reused, so a stale join token or save
    -- cannot reach another character.
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL, -- no foreign key: accounts live in the master database
    name       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    class      TEXT    NOT NULL CHECK (class IN ('knight', 'rogue', 'wizard')),
    level      INTEGER NOT NULL,
    xp         INTEGER NOT NULL,
    map        TEXT    NOT NULL,
    x          INTEGER NOT NULL,
    y          INTEGER NOT NULL,
    hp         INTEGER NOT NULL,
    max_hp     INTEGER NOT NULL,
    mp         INTEGER NOT NULL,
    max_mp     INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX characters_account_id ON characters (account_id);

-- +goose Down
DROP TABLE characters;
