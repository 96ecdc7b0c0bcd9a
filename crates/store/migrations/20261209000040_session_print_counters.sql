-- Per-session counters of the tracking board (R11) at national scale: the candidates with
-- a result and the initial print requests sent. Kept by the code that inserts registrations
-- (`candidats::insert_inscription_in`) and initial requests (`print_requests::create_initial`),
-- in the same statement's transaction; set here for what exists.
ALTER TABLE exam_session ADD COLUMN resultats BIGINT NOT NULL DEFAULT 0;
ALTER TABLE exam_session ADD COLUMN demandes_initiales BIGINT NOT NULL DEFAULT 0;
UPDATE exam_session SET
    resultats = (SELECT COUNT(*) FROM inscription i
                 WHERE i.session_id = exam_session.id AND i.resultat IS NOT NULL),
    demandes_initiales = (SELECT COUNT(*) FROM print_request r
                          WHERE r.session_id = exam_session.id AND r.sequence = 0);
CREATE INDEX print_request_on ON print_request (requested_on);
CREATE INDEX exam_session_validated ON exam_session (validated_on);
