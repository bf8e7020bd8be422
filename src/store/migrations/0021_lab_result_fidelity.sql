-- Issue 13 (decision 0035): what a FHIR or CSV lab result carries beyond a value and a unit, kept
-- on the observation instead of refused or dropped.
--   value_comparator   a censored result ("<0.5 mg/L"): value_number holds the limit, this the side
--                      (FHIR Quantity.comparator codes)
--   value_code_system  the code system of a coded result (SNOMED CT, LOINC answer list, local)
--   absent_reason      why a result has no value (FHIR dataAbsentReason code, e.g. "not-performed")
--   interpretation     the lab's flags as FHIR Codings [{system, code, display?}] (H, L, A, N…)
--   reference_low/high the lab's structured reference range, in the observation's (canonical) unit;
--                      reference_range keeps the range as the lab wrote it
--   effective_end      the end of a sampling period (effectivePeriod.end); effective_at is its start
--   effective_is_date  the lab gave a day, not an instant: effective_at is the start of that day
--                      in the site's time zone
--   identifier_*       the lab's Observation.identifier, so a corrected or amended result and an
--                      entered-in-error retraction find the result they replace
ALTER TABLE observations
  ADD COLUMN value_comparator  text CHECK (value_comparator IN ('<', '<=', '>=', '>')),
  ADD COLUMN value_code_system text,
  ADD COLUMN absent_reason     text,
  ADD COLUMN interpretation    jsonb,
  ADD COLUMN reference_low     double precision,
  ADD COLUMN reference_high    double precision,
  ADD COLUMN effective_end     timestamptz,
  ADD COLUMN effective_is_date boolean NOT NULL DEFAULT false,
  ADD COLUMN identifier_system text,
  ADD COLUMN identifier_value  text;

-- A result may now be missing, but only with the lab's reason; otherwise exactly one value as before.
-- (0001 declared the check unnamed; PostgreSQL and PGlite both name it observations_check.)
ALTER TABLE observations DROP CONSTRAINT observations_check;
ALTER TABLE observations ADD CONSTRAINT observations_one_value_check CHECK (
  num_nonnulls(value_number, value_code, value_text) = 1
  OR (num_nonnulls(value_number, value_code, value_text) = 0 AND absent_reason IS NOT NULL)
);
ALTER TABLE observations ADD CONSTRAINT observations_comparator_number_check
  CHECK (value_comparator IS NULL OR value_number IS NOT NULL);
ALTER TABLE observations ADD CONSTRAINT observations_effective_end_check
  CHECK (effective_end IS NULL OR effective_end >= effective_at);

-- One lab result per identifier at a site: a correction updates the row it names.
CREATE UNIQUE INDEX observations_identifier_idx
  ON observations (site_id, coalesce(identifier_system, ''), identifier_value)
  WHERE identifier_value IS NOT NULL;
