-- The traçabilité (R13) becomes a hash chain: each entry carries its position, the hash of
-- the entry before it and its own hash. The hash covers the SHA-256 digests of the before and
-- after values rather than the values, so that `ceres purge` can redact the values past their
-- retention (docs/retention.md) and the chain still verifies.
--
-- Entries written before this migration are chained by the store when it next migrates
-- (`audit::seal`), which also installs the triggers that refuse UPDATE and DELETE: trigger
-- syntax differs between SQLite and PostgreSQL, so they cannot live in this shared file.
ALTER TABLE audit_event ADD COLUMN seq BIGINT;
ALTER TABLE audit_event ADD COLUMN before_sha256 TEXT;
ALTER TABLE audit_event ADD COLUMN after_sha256 TEXT;
ALTER TABLE audit_event ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_event ADD COLUMN hash TEXT;
-- When the before and after values were redacted by the retention purge.
ALTER TABLE audit_event ADD COLUMN redacted_at TEXT;
CREATE UNIQUE INDEX audit_event_seq ON audit_event (seq);

-- The end of the chain, one row (id 1): appending takes it with an UPDATE, which holds its
-- row lock on PostgreSQL (and SQLite's single write lock) until the transaction ends, so two
-- transactions appending at once never chain to the same entry.
CREATE TABLE audit_chain_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
