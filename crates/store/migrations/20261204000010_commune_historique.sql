-- Communes of the ASP historical table: every period during which an INSEE code named a
-- commune, so that a birth place is checked against the code as it was at the birth date
-- (R4: Corsica 20xxx before 1976, Mayotte 985xx before 2008, French Algeria 91xxx-94xxx
-- before 1962, whose codes were later given to Essonne and the Seine-Saint-Denis).
-- Codes are padded to five characters; dates are ISO text, date_fin NULL while in force.
CREATE TABLE commune_historique (
    code TEXT NOT NULL,
    date_debut TEXT NOT NULL,
    date_fin TEXT,
    nom TEXT NOT NULL,
    -- the name in capitals without accents or punctuation, for a look-up by name
    nom_cle TEXT NOT NULL,
    PRIMARY KEY (code, date_debut)
);
CREATE INDEX commune_historique_nom_cle ON commune_historique (nom_cle);
