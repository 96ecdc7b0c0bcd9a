-- R6: why a duplicata was asked (erreur_saisie, courrier_perdu, autre); none for the
-- initial request.
ALTER TABLE print_request ADD COLUMN motif TEXT;
