-- Reference data: INSEE geography and the titres professionnels from the RNCP export.
-- Portable DDL: the same file runs on SQLite and PostgreSQL (TEXT and BIGINT only).

CREATE TABLE region (
    code TEXT PRIMARY KEY,
    nom TEXT NOT NULL,
    -- metro, drom or com
    zone TEXT NOT NULL
);

CREATE TABLE departement (
    code TEXT PRIMARY KEY,
    nom TEXT NOT NULL,
    region_code TEXT NOT NULL,
    zone TEXT NOT NULL
);

-- Communes of the 2026 COG. A code is shared by a commune and its commune déléguée,
-- hence the type in the key.
CREATE TABLE commune (
    code TEXT NOT NULL,
    type TEXT NOT NULL,
    nom TEXT NOT NULL,
    departement_code TEXT,
    region_code TEXT,
    zone TEXT,
    parent_code TEXT,
    -- postcodes separated by spaces
    codes_postaux TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (code, type)
);
CREATE INDEX commune_nom ON commune (nom);

-- Former codes of today's communes (Corsica before 1976 and merged communes).
CREATE TABLE commune_ancien_code (
    ancien_code TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (ancien_code, code)
);

-- Countries and territories since 1943; dates are ISO text, NULL when open.
CREATE TABLE pays (
    cog TEXT NOT NULL,
    -- the country a territory belonged to (CRPAY), NULL for a sovereign state
    rattachement TEXT,
    libelle TEXT NOT NULL,
    libelle_officiel TEXT NOT NULL,
    date_debut TEXT NOT NULL,
    date_fin TEXT,
    PRIMARY KEY (cog, date_debut)
);

-- One fiche of the RNCP export whose CodeTypeCertif is TP (titre professionnel).
-- code_tp is set only when tp-codes-known.csv links it without ambiguity.
CREATE TABLE titre (
    rncp TEXT PRIMARY KEY,
    code_tp TEXT UNIQUE,
    intitule TEXT NOT NULL,
    -- 3 to 8, from NiveauEurope
    niveau BIGINT NOT NULL,
    actif BIGINT NOT NULL,
    date_fin_validite TEXT,
    -- RNCP numbers separated by spaces: a fiche can be split into two new ones
    ancienne_fiche TEXT,
    nouvelle_fiche TEXT,
    cpc TEXT
);

CREATE TABLE titre_nsf (
    rncp TEXT NOT NULL,
    code TEXT NOT NULL,
    libelle TEXT NOT NULL,
    PRIMARY KEY (rncp, code)
);

-- Blocks of a titre: the CCPs, and a CCS when the label says so.
CREATE TABLE titre_bloc (
    code TEXT PRIMARY KEY,
    rncp TEXT NOT NULL,
    intitule TEXT NOT NULL,
    -- ccp or ccs
    kind TEXT NOT NULL,
    position BIGINT NOT NULL
);
CREATE INDEX titre_bloc_rncp ON titre_bloc (rncp);

-- A titre as it stood at a given arrêté: what a session and its documents refer to (R6).
-- id is '<rncp>@<arrêté date>' or '<rncp>@inconnu'; the import upserts, never deletes.
CREATE TABLE titre_version (
    id TEXT PRIMARY KEY,
    rncp TEXT NOT NULL,
    intitule TEXT NOT NULL,
    niveau BIGINT NOT NULL,
    -- ISO dates, NULL when the referential does not know them
    arrete_date TEXT,
    journal_officiel_date TEXT,
    UNIQUE (rncp, arrete_date)
);

-- Conflicts and remarks of the last import, for administrators.
-- Replaced by each import.
CREATE TABLE import_report (
    id TEXT PRIMARY KEY,
    -- stable kind of remark, e.g. tp_code_conflict
    kind TEXT NOT NULL,
    -- file name, e.g. tp-codes-known.csv
    source TEXT NOT NULL,
    line BIGINT,
    message TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
