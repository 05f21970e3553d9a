-- Characters get a save version (migrations/sqlite/world/00002): a save is
-- written only when its version is greater than the stored one.

-- +goose Up
ALTER TABLE characters ADD COLUMN save_version BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE characters DROP COLUMN save_version;
