-- Issue 12, scale (decision 0042, addendum of 2026-12-04): a digest of each patient's stored facts
-- JSON, kept by the database itself, so a process holding facts it parsed earlier
-- (services/cohort-facts-cache.ts) can tell from 32 characters whether the stored JSON is still
-- byte for byte the one it parsed, without reading it again. Versions alone cannot tell: they
-- start again when a row is deleted (the table is a cache that may be emptied).
-- md5 for identity of text, not for security: whoever could forge a collision here could write
-- the facts themselves.
ALTER TABLE cohort_patient_facts
  ADD COLUMN facts_digest text GENERATED ALWAYS AS (md5(facts::text)) STORED;
