-- The session search now compares text without accents nor case, and also finds the RNCP
-- code (issue 7): the searched text is made again, by the application, at its next start.
UPDATE exam_session SET search_text = '';
