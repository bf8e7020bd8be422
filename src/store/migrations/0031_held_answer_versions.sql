-- Decision 0050's addendum: the per-site versions of held answers in one table, one trigger function
-- per kind of write. Migrations 0027 (vein-to-vein metrics) and 0029 (visit calendar feed) each
-- made a version table and the same statement-level trigger function for it; a third held answer
-- would have made a third copy. Here the answer is a `topic` column and the trigger's argument,
-- and the triggers of both answers are made again on the same tables, for the same writes, as
-- before (the comments of 0027 and 0029 say why each write counts). Dropping each old function
-- with CASCADE drops its triggers, so no write goes unseen between the two steps of this one
-- transaction. The versions reached so far are carried over.
--
-- A cache key, not clinical data: no audit. Rows are made by the first bump.
CREATE TABLE held_answer_versions (
  topic    text NOT NULL CHECK (topic IN ('vein-to-vein-metrics', 'visit-calendar')),
  site_id  uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  version  bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (topic, site_id)
);
INSERT INTO held_answer_versions (topic, site_id, version)
  SELECT 'vein-to-vein-metrics', site_id, version FROM vein_to_vein_metrics_versions;
INSERT INTO held_answer_versions (topic, site_id, version)
  SELECT 'visit-calendar', site_id, version FROM visit_calendar_versions;

DROP FUNCTION vein_to_vein_metrics_stale_by_site() CASCADE;
DROP FUNCTION vein_to_vein_metrics_stale_everywhere() CASCADE;
DROP FUNCTION visit_calendar_stale_by_site() CASCADE;
DROP FUNCTION visit_calendar_stale_by_patient() CASCADE;
DROP FUNCTION visit_calendar_stale_site() CASCADE;
DROP TABLE vein_to_vein_metrics_versions;
DROP TABLE visit_calendar_versions;

-- TG_ARGV[0] is the topic. The sites a statement touched, by their site_id column, in site order
-- (two transactions bumping the same two sites take their row locks in the same order).
CREATE FUNCTION held_answer_stale_by_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO held_answer_versions (topic, site_id)
      SELECT TG_ARGV[0], s FROM (SELECT DISTINCT site_id FROM new_rows) t(s) ORDER BY s
      ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO held_answer_versions (topic, site_id)
      SELECT TG_ARGV[0], s FROM (SELECT site_id FROM new_rows UNION SELECT site_id FROM old_rows) t(s) ORDER BY s
      ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  ELSE
    INSERT INTO held_answer_versions (topic, site_id)
      SELECT TG_ARGV[0], s FROM (SELECT DISTINCT site_id FROM old_rows) t(s) ORDER BY s
      ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  END IF;
  RETURN NULL;
END $$;

-- A write that names or places every site's figures: bump every site.
CREATE FUNCTION held_answer_stale_everywhere() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO held_answer_versions (topic, site_id)
    SELECT TG_ARGV[0], id FROM sites ORDER BY id
    ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  RETURN NULL;
END $$;

-- A patient row: its old and new site (a moved patient leaves one site's answer and joins another).
CREATE FUNCTION held_answer_stale_by_patient() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO held_answer_versions (topic, site_id)
    SELECT DISTINCT TG_ARGV[0], s FROM (VALUES (OLD.site_id), (NEW.site_id)) AS t(s) ORDER BY 2
    ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  RETURN NULL;
END $$;

-- A site row: that site.
CREATE FUNCTION held_answer_stale_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO held_answer_versions (topic, site_id) VALUES (TG_ARGV[0], NEW.id)
    ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  RETURN NULL;
END $$;

-- The vein-to-vein metrics (0027): journeys, their enrolments, journey events, product units and
-- events, slot bookings by site; sites, CAR products and slots for every site.
CREATE TRIGGER journeys_v2v_metrics_ins AFTER INSERT ON journeys REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER journeys_v2v_metrics_upd AFTER UPDATE ON journeys REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER journeys_v2v_metrics_del AFTER DELETE ON journeys REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');

CREATE TRIGGER enrolments_v2v_metrics_ins AFTER INSERT ON enrolments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER enrolments_v2v_metrics_upd AFTER UPDATE ON enrolments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER enrolments_v2v_metrics_del AFTER DELETE ON enrolments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');

CREATE TRIGGER journey_events_v2v_metrics_ins AFTER INSERT ON journey_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER journey_events_v2v_metrics_upd AFTER UPDATE ON journey_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER journey_events_v2v_metrics_del AFTER DELETE ON journey_events REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');

CREATE TRIGGER product_units_v2v_metrics_ins AFTER INSERT ON product_units REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER product_units_v2v_metrics_upd AFTER UPDATE ON product_units REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER product_units_v2v_metrics_del AFTER DELETE ON product_units REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');

CREATE TRIGGER product_events_v2v_metrics_ins AFTER INSERT ON product_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER product_events_v2v_metrics_upd AFTER UPDATE ON product_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER product_events_v2v_metrics_del AFTER DELETE ON product_events REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');

CREATE TRIGGER slot_bookings_v2v_metrics_ins AFTER INSERT ON manufacturing_slot_bookings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER slot_bookings_v2v_metrics_upd AFTER UPDATE ON manufacturing_slot_bookings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER slot_bookings_v2v_metrics_del AFTER DELETE ON manufacturing_slot_bookings REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');

CREATE TRIGGER sites_v2v_metrics AFTER UPDATE OF code, name, time_zone OR DELETE ON sites FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_everywhere('vein-to-vein-metrics');
CREATE TRIGGER car_products_v2v_metrics AFTER INSERT OR UPDATE OF study_id, code, name OR DELETE ON car_products FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_everywhere('vein-to-vein-metrics');
CREATE TRIGGER manufacturing_slots_v2v_metrics AFTER UPDATE OF car_product_id OR DELETE ON manufacturing_slots FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_everywhere('vein-to-vein-metrics');

-- The visit calendar feed (0029): visits by site; a patient's new subject code or site; a site's
-- code or zone.
CREATE TRIGGER visits_calendar_ins AFTER INSERT ON visits REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('visit-calendar');
CREATE TRIGGER visits_calendar_upd AFTER UPDATE ON visits REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('visit-calendar');
CREATE TRIGGER visits_calendar_del AFTER DELETE ON visits REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('visit-calendar');
CREATE TRIGGER patients_calendar AFTER UPDATE ON patients FOR EACH ROW
  WHEN (OLD.subject_code IS DISTINCT FROM NEW.subject_code OR OLD.site_id IS DISTINCT FROM NEW.site_id)
  EXECUTE FUNCTION held_answer_stale_by_patient('visit-calendar');
CREATE TRIGGER sites_calendar AFTER UPDATE OF code, time_zone ON sites FOR EACH ROW
  EXECUTE FUNCTION held_answer_stale_site('visit-calendar');
