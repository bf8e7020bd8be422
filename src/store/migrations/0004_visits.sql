-- Protocol visits generated from a study's schedule when an enrolment gets its infusion date
-- (shared/domain/workflow-standards.md §4.4). Dates are calendar dates at the site: the window is
-- window_start..window_end, both inclusive. A visit is open until it is recorded as done or as
-- missed with a reason; open visits follow a change of infusion date, recorded ones never move.
CREATE TABLE visits (
  id                     uuid PRIMARY KEY,
  enrolment_id           uuid NOT NULL REFERENCES enrolments(id),
  patient_id             uuid NOT NULL REFERENCES patients(id),
  site_id                uuid NOT NULL REFERENCES sites(id),
  schedule               text NOT NULL,              -- name of the schedule that generated it
  seq                    integer NOT NULL,           -- position in the schedule, for ordering
  code                   text NOT NULL,
  label                  text NOT NULL,
  nominal_date           date NOT NULL,
  nominal_day            integer NOT NULL,           -- study day of nominal_date (day 0 = infusion)
  window_start           date NOT NULL,
  window_end             date NOT NULL,
  registry               text,
  registry_window_start  date,
  registry_window_end    date,
  expected               jsonb NOT NULL,             -- assessments, labs, activities, LTFU items
  done_on                date,
  missed_reason          text,
  version                integer NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL,
  created_by             uuid NOT NULL REFERENCES users(id),
  updated_at             timestamptz NOT NULL,
  CONSTRAINT visits_enrolment_code_key UNIQUE (enrolment_id, code),
  CONSTRAINT visits_done_or_missed CHECK (done_on IS NULL OR missed_reason IS NULL),
  CONSTRAINT visits_window_order CHECK (window_start <= nominal_date AND nominal_date <= window_end)
);
CREATE INDEX visits_patient_idx ON visits (patient_id, nominal_date, seq);
-- The worklist reads only open visits of a site by window; recorded visits stay out of the index.
CREATE INDEX visits_open_site_window_idx ON visits (site_id, window_end, window_start)
  WHERE done_on IS NULL AND missed_reason IS NULL;
