-- Issue 15: the dashboard's toxicity panel reads a site's gradings of the last 30 days, newest
-- first (store/dashboard.ts assessmentsSince), on every request. Assessments had indexes by patient
-- only, so at 10,000 patients the panel scanned an index of every grading (6–15 ms; 156
-- statements/s under 50 clients). By site and time it reads the month's rows only; with the
-- subject codes looked up per row instead of a join that hashed every patient, the statement takes
-- 0.5–0.9 ms there (psql, tier M).
CREATE INDEX assessments_site_time_idx ON assessments (site_id, assessed_at);
