-- The tracking board and the search at national scale (issue 7): sessions by start date
-- for a national reader, initial requests by session.
CREATE INDEX exam_session_date ON exam_session (date_debut);
CREATE INDEX exam_session_state ON exam_session (state, date_debut);
CREATE INDEX print_request_session ON print_request (session_id, sequence);
