-- Visits close when the journey ends (issue 11): a patient who died, withdrew, was lost to
-- follow-up, stopped treatment or completed the study is no longer expected at the visits still
-- open, so they leave the worklist, the dashboard, the calendar feed and the LTFU lists. A closed
-- visit is neither done nor missed: "missed" says the patient should have come and did not, which
-- would count against the site in visit compliance; "closed" says the visit no longer applies,
-- with the reason and the site-local date the journey ended. Recording the visit done or missed
-- later (data entered after the fact) replaces the closure.
ALTER TABLE visits ADD COLUMN closed_on date;
ALTER TABLE visits ADD COLUMN closed_reason text;
ALTER TABLE visits DROP CONSTRAINT visits_done_or_missed;
ALTER TABLE visits ADD CONSTRAINT visits_one_outcome CHECK (
  num_nonnulls(done_on, missed_reason, closed_reason) <= 1
);
ALTER TABLE visits ADD CONSTRAINT visits_closed_with_date CHECK (
  (closed_on IS NULL) = (closed_reason IS NULL)
);

DROP INDEX visits_open_site_window_idx;
CREATE INDEX visits_open_site_window_idx ON visits (site_id, window_end, window_start)
  WHERE done_on IS NULL AND missed_reason IS NULL AND closed_reason IS NULL;

-- Journeys that ended before this migration: close their open visits as the service now does,
-- dated by the event that ended the journey. The migration (recorded in schema_migrations) is what
-- made this change; the journey event it follows is in the audit trail.
UPDATE visits v
SET closed_reason = 'Journey ended: ' || CASE e.to_state
      WHEN 'died' THEN 'patient died'
      WHEN 'withdrawn' THEN 'patient withdrew'
      WHEN 'lost-to-follow-up' THEN 'lost to follow-up'
      WHEN 'off-treatment' THEN 'treatment stopped'
      WHEN 'completed' THEN 'study completed'
      ELSE e.to_state END
    || COALESCE(' (' || NULLIF(btrim(e.payload->>'reason'), '') || ')', ''),
    closed_on = (e.at AT TIME ZONE s.time_zone)::date,
    version = v.version + 1
FROM journeys j
JOIN LATERAL (
  SELECT je.to_state, je.at, je.payload FROM journey_events je
  WHERE je.journey_id = j.id ORDER BY je.at DESC, je.id DESC LIMIT 1
) e ON true
JOIN sites s ON s.id = j.site_id
WHERE j.enrolment_id = v.enrolment_id
  AND j.state IN ('completed', 'off-treatment', 'died', 'withdrawn', 'lost-to-follow-up')
  AND v.done_on IS NULL AND v.missed_reason IS NULL;
