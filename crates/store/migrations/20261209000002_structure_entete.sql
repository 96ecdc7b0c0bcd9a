-- The ministry's block at the head of a structure's documents, one JSON string a line,
-- editable by an administrator (design brief §4: the letterhead comes from the structure's
-- settings, never from the template). Existing structures keep the block they printed.
ALTER TABLE structure ADD COLUMN entete_lignes TEXT NOT NULL
    DEFAULT '["MINISTÈRE","DU TRAVAIL,","DU PLEIN EMPLOI","ET DE L''INSERTION"]';
