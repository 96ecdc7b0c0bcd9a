-- The printed diplômes and livrets, by number (design brief §4): what the public
-- verification page looks up.
--
-- One row per document printed for a candidate at a session and request sequence (0 for
-- the initial request, 1.. for duplicatas), so rendering a print version again keeps its
-- number. printed_json holds what the paper prints and nothing more: it is all the public
-- page may show.
CREATE TABLE issued_document (
    numero TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    session_id TEXT NOT NULL REFERENCES exam_session (id),
    candidat_id BIGINT NOT NULL REFERENCES candidat (id),
    sequence BIGINT NOT NULL,
    issued_at TEXT NOT NULL,
    -- Europe/Paris calendar date of issue
    issued_on TEXT NOT NULL,
    printed_json TEXT NOT NULL,
    -- the number of the duplicata that replaced this document, once one did
    superseded_by TEXT,
    UNIQUE (session_id, candidat_id, kind, sequence)
);

-- One counter a year, shared by every kind: numbers are unique and never given twice.
CREATE TABLE document_number_counter (
    year BIGINT PRIMARY KEY,
    last_sequence BIGINT NOT NULL
);
