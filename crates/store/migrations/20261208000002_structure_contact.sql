-- The contact printed on the letters of a structure: « Affaire suivie par », beside the
-- telephone and e-mail columns that exist already.
ALTER TABLE structure ADD COLUMN contact_nom TEXT NOT NULL DEFAULT '';
