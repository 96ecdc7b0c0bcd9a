-- The commune of each département's préfecture (INSEE's chefLieu), filled by the
-- reference data import: the national volume puts its first centre there.
ALTER TABLE departement ADD COLUMN chef_lieu TEXT;
