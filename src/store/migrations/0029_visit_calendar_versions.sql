-- Issue 15 (decision 0050, applied to the visit calendar): a site's iCalendar feed is every open
-- visit window from three months back to a year ahead (1.6 MB at 10,000 patients, ~110 ms to
-- build); calendar clients poll it. It is now built once and answered again while nothing it shows
-- has changed: this table says whether anything has, per site, as migration 0027 does for the
-- vein-to-vein metrics.
--
-- `version` is bumped in the writer's transaction by every insert, update or delete of a visit of
-- the site, by a patient's new subject code or site, and by a change of the site's code or time
-- zone (the feed's name and its "today"). A cache key, not clinical data: no audit.
CREATE TABLE visit_calendar_versions (
  site_id  uuid PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  version  bigint NOT NULL DEFAULT 1
);

CREATE FUNCTION visit_calendar_stale_by_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO visit_calendar_versions (site_id)
      SELECT DISTINCT site_id FROM new_rows ORDER BY site_id
      ON CONFLICT (site_id) DO UPDATE SET version = visit_calendar_versions.version + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO visit_calendar_versions (site_id)
      SELECT site_id FROM (SELECT site_id FROM new_rows UNION SELECT site_id FROM old_rows) t ORDER BY site_id
      ON CONFLICT (site_id) DO UPDATE SET version = visit_calendar_versions.version + 1;
  ELSE
    INSERT INTO visit_calendar_versions (site_id)
      SELECT DISTINCT site_id FROM old_rows ORDER BY site_id
      ON CONFLICT (site_id) DO UPDATE SET version = visit_calendar_versions.version + 1;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER visits_calendar_ins AFTER INSERT ON visits REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_calendar_stale_by_site();
CREATE TRIGGER visits_calendar_upd AFTER UPDATE ON visits REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_calendar_stale_by_site();
CREATE TRIGGER visits_calendar_del AFTER DELETE ON visits REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_calendar_stale_by_site();

-- A patient's subject code is in every event of the feed; a patient moved to another site leaves
-- one feed and joins another. Rare writes, so row by row, only when those columns change.
CREATE FUNCTION visit_calendar_stale_by_patient() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO visit_calendar_versions (site_id)
    SELECT DISTINCT s FROM (VALUES (OLD.site_id), (NEW.site_id)) AS t(s) ORDER BY s
    ON CONFLICT (site_id) DO UPDATE SET version = visit_calendar_versions.version + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER patients_calendar AFTER UPDATE ON patients FOR EACH ROW
  WHEN (OLD.subject_code IS DISTINCT FROM NEW.subject_code OR OLD.site_id IS DISTINCT FROM NEW.site_id)
  EXECUTE FUNCTION visit_calendar_stale_by_patient();

-- The site's code names the feed, its zone says which day is today.
CREATE FUNCTION visit_calendar_stale_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO visit_calendar_versions (site_id) VALUES (NEW.id)
    ON CONFLICT (site_id) DO UPDATE SET version = visit_calendar_versions.version + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER sites_calendar AFTER UPDATE OF code, time_zone ON sites FOR EACH ROW
  EXECUTE FUNCTION visit_calendar_stale_site();
