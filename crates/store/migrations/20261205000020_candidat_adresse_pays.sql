-- The country of the candidate's postal address, in French (« Espagne »); empty for France.
-- NF Z10-011 writes it as the last line abroad, and not for an overseas département.
ALTER TABLE candidat ADD COLUMN adresse_pays TEXT NOT NULL DEFAULT '';
