-- Stored clinical assessments: a calculator's inputs and its result as computed then, with the
-- rule-set version that produced it. A result is never recomputed in place; a newer rule set is
-- shown beside it when read.
CREATE TABLE assessments (
  id                uuid PRIMARY KEY,
  patient_id        uuid NOT NULL REFERENCES patients(id),
  site_id           uuid NOT NULL REFERENCES sites(id),
  calculator        text NOT NULL,
  assessed_at       timestamptz NOT NULL,
  study_day         integer,                       -- at the time of storing; null before any infusion
  inputs            jsonb NOT NULL,
  result            jsonb NOT NULL,
  label             text NOT NULL,
  rule_set          text NOT NULL,
  rule_set_version  text NOT NULL,
  source            text NOT NULL DEFAULT 'entered' CHECK (source IN ('entered','derived')),
  status            text NOT NULL DEFAULT 'final' CHECK (status IN ('final','entered-in-error')),
  note              text,
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL,
  created_by        uuid NOT NULL REFERENCES users(id),
  updated_at        timestamptz NOT NULL
);
CREATE INDEX assessments_patient_time_idx ON assessments (patient_id, assessed_at, id);
CREATE INDEX assessments_patient_calculator_idx ON assessments (patient_id, calculator, assessed_at);
