-- Issue 15: reads of the LTFU lists and the dashboard that grew with the site's registry.
--
-- LTFU lost (services/ltfu.ts): its candidates are enrolments with an LTFU visit overdue or
-- missed, and their LTFU visits are then read in full. The LTFU condition is a jsonb expression,
-- so the site indexes of migrations 0015 and 0017 led to every overdue or missed visit of the
-- site on the heap (5,590 rows, 3,900 pages at 10,000 patients, to find 760). Partial indexes on
-- the same expression hold only the LTFU ones, and the visits of the candidates are read along
-- (enrolment_id, seq) among LTFU visits only.
CREATE INDEX visits_ltfu_overdue_site_idx ON visits (site_id, window_end) INCLUDE (enrolment_id)
  WHERE done_on IS NULL AND missed_reason IS NULL AND closed_reason IS NULL
    AND jsonb_array_length(expected -> 'ltfuItems') > 0;
CREATE INDEX visits_ltfu_missed_site_idx ON visits (site_id) INCLUDE (enrolment_id)
  WHERE missed_reason IS NOT NULL AND jsonb_array_length(expected -> 'ltfuItems') > 0;
CREATE INDEX visits_ltfu_enrolment_idx ON visits (enrolment_id, seq)
  WHERE jsonb_array_length(expected -> 'ltfuItems') > 0;

-- Dashboard visit counts (store/visits.ts countOpenVisits): "due this week" is an open visit whose
-- window has started by the week's end and not closed before its start. Along window_end that is
-- every open visit from today on, years of them at a site with long-term follow-up (48,000 of
-- 55,000 at 10,000 patients); along window_start it is only those already started.
CREATE INDEX visits_open_site_start_idx ON visits (site_id, window_start) INCLUDE (window_end)
  WHERE done_on IS NULL AND missed_reason IS NULL AND closed_reason IS NULL;

-- LTFU lost also lists journeys and enrolments declared lost: few, found without reading the
-- site's other journeys and enrolments.
CREATE INDEX journeys_lost_site_idx ON journeys (site_id) WHERE state = 'lost-to-follow-up';
CREATE INDEX enrolments_lost_site_idx ON enrolments (site_id) WHERE status = 'lost-to-follow-up';
