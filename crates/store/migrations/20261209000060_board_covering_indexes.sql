-- The tracking board at national scale (issue 7): its counts read the sessions of a
-- périmètre started in the last 12 months. These indexes carry every column those counts
-- read, so both engines answer from the index alone instead of fetching each session's row
-- (measured on the national volume: the weekly chart's query from 36 ms to 9 ms on
-- PostgreSQL, the "validated, not all sent" count from 24 ms to 2 ms on SQLite). They keep
-- the leading columns of the indexes they replace.
DROP INDEX exam_session_date;
CREATE INDEX exam_session_date ON exam_session
    (date_debut, state, resultats, demandes_initiales, validated_on, id);
DROP INDEX exam_session_region;
CREATE INDEX exam_session_region ON exam_session
    (region_code, date_debut, state, resultats, demandes_initiales, validated_on, id);
DROP INDEX exam_session_departement;
CREATE INDEX exam_session_departement ON exam_session
    (departement_code, date_debut, state, resultats, demandes_initiales, validated_on, id);
-- The initial requests by day (the weekly chart), and a session's requests by day.
CREATE INDEX print_request_initial_on ON print_request (requested_on, session_id)
    WHERE sequence = 0;
DROP INDEX print_request_session;
CREATE INDEX print_request_session ON print_request (session_id, sequence, requested_on);
-- The planners' statistics of the new indexes.
ANALYZE exam_session;
ANALYZE print_request;
