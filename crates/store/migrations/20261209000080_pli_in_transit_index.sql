-- The plis still at the provider, for the board's "no news for 30 days" counter (issue 7).
-- SQLite's statistics only know that a state has, on average, a quarter of the plis, so
-- it read all of them (270 ms on the national volume of 760,000 plis); this partial index
-- holds the few in transit and answers in under a millisecond. Its condition is written
-- exactly as the queries write it, which SQLite needs to use it.
CREATE INDEX pli_in_transit ON pli (updated_at, session_id)
    WHERE state IN ('en_lot', 'imprime', 'a_reposter');
ANALYZE pli;
