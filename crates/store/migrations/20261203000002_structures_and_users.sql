-- Offices (structures) and user accounts.

-- A DREETS (one région), a DDETS or UD (one département) or a DEETS (an overseas
-- territory). Its périmètre is read from kind, region_code and departement_code.
CREATE TABLE structure (
    id TEXT PRIMARY KEY,
    -- dreets, ddets, ud or deets
    kind TEXT NOT NULL,
    nom TEXT NOT NULL,
    region_code TEXT NOT NULL,
    departement_code TEXT,
    -- postal address lines, one per line, as JSON array text
    adresse_lignes TEXT NOT NULL,
    -- commune where documents are "établis" (e.g. 75107 for Paris 7e)
    lieu_etablissement_commune TEXT,
    signataire_nom TEXT NOT NULL,
    signataire_titre TEXT NOT NULL,
    telephone TEXT NOT NULL DEFAULT '',
    courriel TEXT NOT NULL DEFAULT ''
);

CREATE TABLE app_user (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    -- argon2id PHC string
    password_hash TEXT NOT NULL,
    -- agent, admin or provider
    role TEXT NOT NULL,
    structure_id TEXT,
    created_at TEXT NOT NULL
);

-- Web sign-in sessions (tower-sessions records).
CREATE TABLE web_session (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX web_session_expires ON web_session (expires_at);
