-- « Formation et emploi » of the candidate module: the level of the highest diploma, its
-- name, the situation at registration and the way to the certification. Codes of the lists
-- of ceres_domain::candidat_data, empty when not given.
ALTER TABLE candidat ADD COLUMN niveau_formation TEXT NOT NULL DEFAULT '';
ALTER TABLE candidat ADD COLUMN dernier_diplome TEXT NOT NULL DEFAULT '';
ALTER TABLE candidat ADD COLUMN situation_emploi TEXT NOT NULL DEFAULT '';
ALTER TABLE candidat ADD COLUMN voie_acces TEXT NOT NULL DEFAULT '';
