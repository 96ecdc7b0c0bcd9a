-- The exchange with the print provider as a ledger (design brief §6): print request →
-- documents → pli → lot → events, and the database-backed jobs that move requests along.

-- Background work. A job is written in the same transaction as what asks for it (outbox).
-- (kind, subject) is unique: asking twice for the same work makes one job.
CREATE TABLE job (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- pending, done or parked (failed too often; shown to administrators)
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    run_after TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT,
    UNIQUE (kind, subject)
);
CREATE INDEX job_ready ON job (state, run_after);

-- The print versions rendered for a request, in envelope order, each file's SHA-256 kept.
CREATE TABLE print_document (
    id TEXT PRIMARY KEY,
    print_request_id TEXT NOT NULL REFERENCES print_request (id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    -- the document number, for a diplôme or a livret
    numero TEXT,
    file_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (print_request_id, kind)
);

-- A batch of plis handed to the provider together.
CREATE TABLE lot (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    created_at TEXT NOT NULL,
    pli_count BIGINT NOT NULL,
    acknowledged_at TEXT
);

-- One envelope: its recipient's lines (NF Z10-011) and its documents. One per request.
CREATE TABLE pli (
    id TEXT PRIMARY KEY,
    print_request_id TEXT NOT NULL UNIQUE REFERENCES print_request (id),
    session_id TEXT NOT NULL REFERENCES exam_session (id),
    candidat_id BIGINT NOT NULL REFERENCES candidat (id),
    -- candidat, or deets (R8: a session held overseas)
    destination TEXT NOT NULL,
    -- the territory whose DEETS receives the pli, for destination deets
    territoire TEXT,
    adresse_lignes TEXT NOT NULL,
    state TEXT NOT NULL,
    lot_id TEXT REFERENCES lot (id),
    lot_position BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX pli_waiting ON pli (state, lot_id);
CREATE INDEX pli_lot ON pli (lot_id, lot_position);
CREATE INDEX pli_session ON pli (session_id, candidat_id);

-- What the provider told about a pli; a replay of the same key changes nothing.
CREATE TABLE pli_event (
    id TEXT PRIMARY KEY,
    pli_id TEXT NOT NULL REFERENCES pli (id),
    kind TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    -- the date the provider gives (posting date), ISO
    occurred_on TEXT,
    tracking_number TEXT,
    pnd_reason TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    actor TEXT NOT NULL
);
CREATE INDEX pli_event_pli ON pli_event (pli_id, recorded_at);

-- Bearer tokens of the provider's API, kept as their SHA-256.
CREATE TABLE provider_token (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    label TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
