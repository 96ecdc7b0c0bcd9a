-- Exam sessions, their candidates and results.

CREATE TABLE centre (
    id TEXT PRIMARY KEY,
    nom TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    departement_code TEXT NOT NULL,
    region_code TEXT NOT NULL
);

-- Session ids are CERES codes such as TITRE_B_2023_470415.
CREATE TABLE exam_session (
    id TEXT PRIMARY KEY,
    titre_version_id TEXT NOT NULL REFERENCES titre_version (id),
    centre_id TEXT NOT NULL REFERENCES centre (id),
    -- where the session is held; the périmètre and routing (R8, R12) read these
    departement_code TEXT NOT NULL,
    region_code TEXT NOT NULL,
    state TEXT NOT NULL,
    date_debut TEXT NOT NULL,
    date_fin TEXT NOT NULL,
    -- date of the jury's decision and of validation (Europe/Paris calendar dates)
    date_jury TEXT,
    validated_on TEXT,
    validated_by TEXT,
    responsable_nom TEXT NOT NULL DEFAULT '',
    responsable_courriel TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX exam_session_departement ON exam_session (departement_code, date_debut);
CREATE INDEX exam_session_region ON exam_session (region_code, date_debut);

-- A person. The CERES id is numeric.
CREATE TABLE candidat (
    id BIGINT PRIMARY KEY,
    civilite TEXT,
    nom_naissance TEXT NOT NULL,
    nom_usage TEXT NOT NULL DEFAULT '',
    prenoms TEXT NOT NULL DEFAULT '',
    -- YYYY-MM-DD, 00 for an unknown month or day (civil status)
    date_naissance TEXT NOT NULL,
    pays_naissance TEXT NOT NULL,
    commune_naissance TEXT NOT NULL DEFAULT '',
    ville_naissance_etranger TEXT NOT NULL DEFAULT '',
    adresse_complement TEXT NOT NULL DEFAULT '',
    adresse_ligne TEXT NOT NULL DEFAULT '',
    code_postal TEXT NOT NULL DEFAULT '',
    ville TEXT NOT NULL DEFAULT '',
    courriel TEXT NOT NULL DEFAULT '',
    telephone TEXT NOT NULL DEFAULT '',
    -- brouillon or valide (R4: editing returns the record to brouillon)
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A candidate registered at a session, with the jury's result.
CREATE TABLE inscription (
    session_id TEXT NOT NULL REFERENCES exam_session (id),
    candidat_id BIGINT NOT NULL REFERENCES candidat (id),
    -- admis or non_admis; NULL before the jury
    resultat TEXT,
    -- block codes obtained, space-separated
    ccps_obtenus TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, candidat_id)
);
CREATE INDEX inscription_candidat ON inscription (candidat_id);

CREATE TABLE jure (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES exam_session (id),
    nom TEXT NOT NULL,
    qualite TEXT NOT NULL
);

CREATE TABLE surveillant (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES exam_session (id),
    nom TEXT NOT NULL
);
