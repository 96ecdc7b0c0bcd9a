-- Incremented by every change to a candidate record. A form, or a validation, carries the
-- revision it was shown: a change made meanwhile by someone else is then refused instead
-- of being overwritten (timestamps cannot tell two changes of the same instant apart).
ALTER TABLE candidat ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
