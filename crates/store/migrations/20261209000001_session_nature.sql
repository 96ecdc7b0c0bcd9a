-- What a session certifies (domain `SessionNature`): the whole titre, CCPs alone (a
-- progressive path) or a certificat complémentaire de spécialisation. It decides the
-- documents a candidate receives; every session before this column certified the titre.
ALTER TABLE exam_session ADD COLUMN nature TEXT NOT NULL DEFAULT 'titre';
