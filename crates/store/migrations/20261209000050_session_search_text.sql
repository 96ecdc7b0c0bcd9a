-- The session search's free text (issue 7) in one lowercased column: the session code, the
-- site's name, the titre's label and TP code. Filled when a session is inserted
-- (`sessions::insert_session`, the national generator); filled here for what exists.
ALTER TABLE exam_session ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE exam_session SET search_text = LOWER(
    exam_session.id
    || ' ' || COALESCE((SELECT c.nom FROM centre c WHERE c.id = exam_session.centre_id), '')
    || ' ' || COALESCE((SELECT v.intitule FROM titre_version v
                        WHERE v.id = exam_session.titre_version_id), '')
    || ' ' || COALESCE((SELECT t.code_tp FROM titre_version v JOIN titre t ON t.rncp = v.rncp
                        WHERE v.id = exam_session.titre_version_id), ''));
