-- Print requests (R5, R6) and the audit trail (R13).

-- sequence 0 is the initial request, 1..n the duplicatas: the unique key is what keeps
-- R5 when two agents press the button at once.
CREATE TABLE print_request (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES exam_session (id),
    candidat_id BIGINT NOT NULL REFERENCES candidat (id),
    kind TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    requested_at TEXT NOT NULL,
    -- Europe/Paris calendar date of the request, as shown to agents
    requested_on TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    UNIQUE (session_id, candidat_id, sequence)
);

-- Append-only record of every change: who, when, what, before and after.
-- Known limit: the hash chain that makes it tamper-evident comes with the security issue.
CREATE TABLE audit_event (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    session_id TEXT,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_event_entity ON audit_event (entity_kind, entity_id);
CREATE INDEX audit_event_session ON audit_event (session_id, at);
