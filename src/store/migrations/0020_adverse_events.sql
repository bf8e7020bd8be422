-- Adverse events: a CTCAE v5.0 term in its MedDRA SOC, grade, attribution to the product,
-- seriousness (ICH E2A), onset and resolution and the CDISC outcome; the pathogen class for
-- infections. The consistency rules live in src/domain/adverse-events.ts; the checks here are
-- the ones no write path may get past whatever its code.
CREATE TABLE adverse_events (
  id                uuid PRIMARY KEY,
  patient_id        uuid NOT NULL REFERENCES patients(id),
  site_id           uuid NOT NULL REFERENCES sites(id),
  term              text NOT NULL CHECK (length(btrim(term)) BETWEEN 1 AND 200),
  soc               text NOT NULL,
  grade             smallint NOT NULL CHECK (grade BETWEEN 1 AND 5),
  attribution       text NOT NULL CHECK (attribution IN ('unrelated', 'unlikely', 'possible', 'probable', 'definite')),
  serious           boolean NOT NULL,
  serious_criteria  text[] NOT NULL DEFAULT '{}',
  onset_date        date NOT NULL,
  resolved_date     date CHECK (resolved_date IS NULL OR resolved_date >= onset_date),
  outcome           text NOT NULL,
  pathogen_class    text CHECK (pathogen_class IS NULL OR soc = 'Infections and infestations'),
  organism          text,
  note              text,
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL,
  created_by        uuid NOT NULL REFERENCES users(id),
  updated_at        timestamptz NOT NULL,
  CHECK ((grade = 5) = (outcome = 'FATAL'))
);
CREATE INDEX adverse_events_patient_idx ON adverse_events (patient_id, onset_date);
CREATE INDEX adverse_events_site_idx ON adverse_events (site_id, id);
