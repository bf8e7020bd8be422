-- Decision 0050's second addendum: the per-site versions of held answers in one table, one
-- trigger function per kind of write. Migrations 0027 (vein-to-vein metrics) and 0029 (visit
-- calendar feed) each made a version table and the same statement-level trigger function for it;
-- the dashboard and the long-term follow-up lists (decision 0052) are two more. Here the answer is a `topic` column, a
-- trigger names the topics it bumps as its arguments, and each table has one trigger per kind of
-- statement whatever the number of answers that read it. The triggers of the metrics and the feed
-- watch the same tables and columns as before (the comments of 0027 and 0029 say why each write
-- counts). Dropping each old function with CASCADE drops its triggers, so no write goes unseen
-- between the two steps of this one transaction. The versions reached so far are carried over.
--
-- A cache key, not clinical data: no audit. Rows are made by the first bump.
CREATE TABLE held_answer_versions (
  topic    text NOT NULL CHECK (topic IN ('vein-to-vein-metrics', 'visit-calendar', 'dashboard', 'ltfu')),
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

-- Each function bumps every topic in its trigger's arguments (TG_ARGV), for the sites its kind of
-- write names, in (topic, site) order so two transactions bumping the same rows lock them in the
-- same order.

-- The sites a statement touched, by their site_id column.
CREATE FUNCTION held_answer_stale_by_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO held_answer_versions (topic, site_id)
      SELECT t, s FROM unnest(TG_ARGV) t, (SELECT DISTINCT site_id FROM new_rows) r(s) ORDER BY t, s
      ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO held_answer_versions (topic, site_id)
      SELECT t, s FROM unnest(TG_ARGV) t, (SELECT site_id FROM new_rows UNION SELECT site_id FROM old_rows) r(s) ORDER BY t, s
      ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  ELSE
    INSERT INTO held_answer_versions (topic, site_id)
      SELECT t, s FROM unnest(TG_ARGV) t, (SELECT DISTINCT site_id FROM old_rows) r(s) ORDER BY t, s
      ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  END IF;
  RETURN NULL;
END $$;

-- A write that names or places every site's figures: every site.
CREATE FUNCTION held_answer_stale_everywhere() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO held_answer_versions (topic, site_id)
    SELECT t, s.id FROM unnest(TG_ARGV) t, sites s ORDER BY t, s.id
    ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  RETURN NULL;
END $$;

-- A patient row: its old and new site (a moved patient leaves one site's answers and joins another's).
CREATE FUNCTION held_answer_stale_by_patient() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO held_answer_versions (topic, site_id)
    SELECT DISTINCT t, s FROM unnest(TG_ARGV) t, (VALUES (OLD.site_id), (NEW.site_id)) AS r(s) ORDER BY t, s
    ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  RETURN NULL;
END $$;

-- A site row: that site.
CREATE FUNCTION held_answer_stale_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO held_answer_versions (topic, site_id)
    SELECT t, NEW.id FROM unnest(TG_ARGV) t ORDER BY t
    ON CONFLICT (topic, site_id) DO UPDATE SET version = held_answer_versions.version + 1;
  RETURN NULL;
END $$;

-- By site: the vein-to-vein metrics read journeys, their enrolments, journey events, product
-- units and events and slot bookings (0027); the visit calendar reads visits (0029); the
-- dashboard's held panels read journeys (stages, products still followed), visits (this week and
-- overdue), enrolments (recent infusions, infusion dates), product units and their events; the
-- long-term follow-up lists read journeys and enrolments (ended, declared lost, day 0) and visits
-- (the yearly contacts).
CREATE TRIGGER journeys_held_answers_ins AFTER INSERT ON journeys REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard', 'ltfu');
CREATE TRIGGER journeys_held_answers_upd AFTER UPDATE ON journeys REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard', 'ltfu');
CREATE TRIGGER journeys_held_answers_del AFTER DELETE ON journeys REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard', 'ltfu');

CREATE TRIGGER enrolments_held_answers_ins AFTER INSERT ON enrolments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard', 'ltfu');
CREATE TRIGGER enrolments_held_answers_upd AFTER UPDATE ON enrolments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard', 'ltfu');
CREATE TRIGGER enrolments_held_answers_del AFTER DELETE ON enrolments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard', 'ltfu');

CREATE TRIGGER journey_events_held_answers_ins AFTER INSERT ON journey_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER journey_events_held_answers_upd AFTER UPDATE ON journey_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER journey_events_held_answers_del AFTER DELETE ON journey_events REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');

CREATE TRIGGER product_units_held_answers_ins AFTER INSERT ON product_units REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard');
CREATE TRIGGER product_units_held_answers_upd AFTER UPDATE ON product_units REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard');
CREATE TRIGGER product_units_held_answers_del AFTER DELETE ON product_units REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard');

CREATE TRIGGER product_events_held_answers_ins AFTER INSERT ON product_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard');
CREATE TRIGGER product_events_held_answers_upd AFTER UPDATE ON product_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard');
CREATE TRIGGER product_events_held_answers_del AFTER DELETE ON product_events REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard');

CREATE TRIGGER slot_bookings_held_answers_ins AFTER INSERT ON manufacturing_slot_bookings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER slot_bookings_held_answers_upd AFTER UPDATE ON manufacturing_slot_bookings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');
CREATE TRIGGER slot_bookings_held_answers_del AFTER DELETE ON manufacturing_slot_bookings REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics');

CREATE TRIGGER visits_held_answers_ins AFTER INSERT ON visits REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('visit-calendar', 'dashboard', 'ltfu');
CREATE TRIGGER visits_held_answers_upd AFTER UPDATE ON visits REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('visit-calendar', 'dashboard', 'ltfu');
CREATE TRIGGER visits_held_answers_del AFTER DELETE ON visits REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('visit-calendar', 'dashboard', 'ltfu');
-- Every site's metrics: a site's code, name or zone, a CAR product, a slot's product (0027).
CREATE TRIGGER sites_held_answers_everywhere AFTER UPDATE OF code, name, time_zone OR DELETE ON sites FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_everywhere('vein-to-vein-metrics');
-- A CAR product's vector type also decides which patients owe long-term follow-up.
CREATE TRIGGER car_products_held_answers AFTER INSERT OR UPDATE OF study_id, code, name, vector_type OR DELETE ON car_products FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_everywhere('ltfu', 'vein-to-vein-metrics');
CREATE TRIGGER manufacturing_slots_held_answers AFTER UPDATE OF car_product_id OR DELETE ON manufacturing_slots FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_everywhere('vein-to-vein-metrics');

-- A patient's subject code is on the feed, the dashboard and the LTFU lists; a moved patient changes
-- two sites.
-- Rare writes, so row by row, only when those columns change.
CREATE TRIGGER patients_held_answers AFTER UPDATE ON patients FOR EACH ROW
  WHEN (OLD.subject_code IS DISTINCT FROM NEW.subject_code OR OLD.site_id IS DISTINCT FROM NEW.site_id)
  EXECUTE FUNCTION held_answer_stale_by_patient('dashboard', 'ltfu', 'visit-calendar');

-- The site's own answers: its code names the feed and the LTFU lists, its zone says which day is
-- today, its name heads the dashboard.
CREATE TRIGGER sites_held_answers AFTER UPDATE OF code, name, time_zone ON sites FOR EACH ROW
  EXECUTE FUNCTION held_answer_stale_site('dashboard', 'ltfu', 'visit-calendar');
