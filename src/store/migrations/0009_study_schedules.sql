-- Follow-up, part E (issue 5): a study's own visit schedule, assessments linked to the visit they
-- were made at, the CAR product's vector type (which decides long-term follow-up), and the LTFU
-- items recorded at a contact.

-- A study's visit schedule (domain/visit-schedule.ts VisitSchedule, validated before it is
-- stored). arm_code null is the study's schedule for every arm that has none of its own.
CREATE TABLE study_visit_schedules (
  id          uuid PRIMARY KEY,
  study_id    uuid NOT NULL REFERENCES studies(id),
  arm_code    text,
  name        text NOT NULL,
  schedule    jsonb NOT NULL,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL,
  created_by  uuid NOT NULL REFERENCES users(id),
  updated_at  timestamptz NOT NULL
);
-- One schedule per study and arm, and one study-wide schedule (null arm).
CREATE UNIQUE INDEX study_visit_schedules_study_arm_key
  ON study_visit_schedules (study_id, COALESCE(arm_code, ''));

-- The visit an assessment was made at (a prefilled draft stored by the clinician), if any.
ALTER TABLE assessments ADD COLUMN visit_id uuid REFERENCES visits(id);
CREATE INDEX assessments_visit_idx ON assessments (visit_id) WHERE visit_id IS NOT NULL;

-- How the CAR gene is put into the cells, as a closed list; `vector` stays the free-text
-- description. Only integrating vectors get 15 years of yearly LTFU (FDA, Long Term Follow-up
-- After Administration of Human Gene Therapy Products, January 2020). Null until someone sets it.
ALTER TABLE car_products ADD COLUMN vector_type text
  CHECK (vector_type IN ('lentiviral','gammaretroviral','transposon','mrna','other-non-integrating'));
UPDATE car_products SET vector_type = lower(btrim(vector))
  WHERE lower(btrim(vector)) IN ('lentiviral','gammaretroviral','transposon','mrna','other-non-integrating');

-- What a long-term follow-up contact found for each LTFU item: {"new-malignancy": {"outcome":
-- "none", "note": null}, …}. Recorded with the visit (same version and audit).
ALTER TABLE visits ADD COLUMN ltfu_record jsonb;
