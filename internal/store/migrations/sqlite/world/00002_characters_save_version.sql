-- Characters get a save version: SaveCharacters writes a character only
-- when the version it carries is greater than the stored one, so a save
-- that lands late (an autosave overtaken by a logout) can never roll the
-- character back. 0 means never saved; existing rows start there.

-- +goose Up
ALTER TABLE characters ADD COLUMN save_version INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE characters DROP COLUMN save_version;
