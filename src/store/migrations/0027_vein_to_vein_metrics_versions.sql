-- Issue 15 (decision 0050): the vein-to-vein metrics are an aggregate over every journey, bag and
-- event of a site, so a request cost grew with the registry (about 200 ms and 4 req/s at 10,000
-- patients). A report is now computed once and answered again while nothing it reads has changed;
-- this table says whether anything has.
--
-- No stale answer: `version` is bumped by the statement-level triggers below, in the same
-- transaction as any insert, update or delete of a row the metrics read — journeys, their
-- enrolments (the study), journey events, product units and events, slot bookings — for the
-- sites the statement touched; a change to what names or assigns them for every site (a site's
-- code, name or zone, a CAR product, a slot's product) bumps every site. The service reads the versions before
-- the data, so a report computed while a write commits is held under the older version and the
-- next request computes again.
-- A cache key, not clinical data: no audit; rows are created by the first bump.
CREATE TABLE vein_to_vein_metrics_versions (
  site_id  uuid PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  version  bigint NOT NULL DEFAULT 1
);

-- The sites a statement touched, by their site_id column; in site order, so two transactions
-- bumping the same two sites take their row locks in the same order.
CREATE FUNCTION vein_to_vein_metrics_stale_by_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO vein_to_vein_metrics_versions (site_id)
      SELECT DISTINCT site_id FROM new_rows ORDER BY site_id
      ON CONFLICT (site_id) DO UPDATE SET version = vein_to_vein_metrics_versions.version + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO vein_to_vein_metrics_versions (site_id)
      SELECT site_id FROM (SELECT site_id FROM new_rows UNION SELECT site_id FROM old_rows) t ORDER BY site_id
      ON CONFLICT (site_id) DO UPDATE SET version = vein_to_vein_metrics_versions.version + 1;
  ELSE
    INSERT INTO vein_to_vein_metrics_versions (site_id)
      SELECT DISTINCT site_id FROM old_rows ORDER BY site_id
      ON CONFLICT (site_id) DO UPDATE SET version = vein_to_vein_metrics_versions.version + 1;
  END IF;
  RETURN NULL;
END $$;

-- Sites, CAR products and slots name or place every site's figures: bump them all.
CREATE FUNCTION vein_to_vein_metrics_stale_everywhere() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO vein_to_vein_metrics_versions (site_id)
    SELECT id FROM sites ORDER BY id
    ON CONFLICT (site_id) DO UPDATE SET version = vein_to_vein_metrics_versions.version + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER journeys_v2v_metrics_ins AFTER INSERT ON journeys REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER journeys_v2v_metrics_upd AFTER UPDATE ON journeys REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER journeys_v2v_metrics_del AFTER DELETE ON journeys REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();

CREATE TRIGGER enrolments_v2v_metrics_ins AFTER INSERT ON enrolments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER enrolments_v2v_metrics_upd AFTER UPDATE ON enrolments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER enrolments_v2v_metrics_del AFTER DELETE ON enrolments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();

CREATE TRIGGER journey_events_v2v_metrics_ins AFTER INSERT ON journey_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER journey_events_v2v_metrics_upd AFTER UPDATE ON journey_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER journey_events_v2v_metrics_del AFTER DELETE ON journey_events REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();

CREATE TRIGGER product_units_v2v_metrics_ins AFTER INSERT ON product_units REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER product_units_v2v_metrics_upd AFTER UPDATE ON product_units REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER product_units_v2v_metrics_del AFTER DELETE ON product_units REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();

CREATE TRIGGER product_events_v2v_metrics_ins AFTER INSERT ON product_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER product_events_v2v_metrics_upd AFTER UPDATE ON product_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER product_events_v2v_metrics_del AFTER DELETE ON product_events REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();

CREATE TRIGGER slot_bookings_v2v_metrics_ins AFTER INSERT ON manufacturing_slot_bookings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER slot_bookings_v2v_metrics_upd AFTER UPDATE ON manufacturing_slot_bookings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();
CREATE TRIGGER slot_bookings_v2v_metrics_del AFTER DELETE ON manufacturing_slot_bookings REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_by_site();

-- Only the columns the metrics read: a slot's booking count or a product's release specification
-- moves no figure. A new site has no figures; a new product can change which product a journey
-- of its study counts under (a study's only product is its journeys' product).
CREATE TRIGGER sites_v2v_metrics AFTER UPDATE OF code, name, time_zone OR DELETE ON sites FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_everywhere();
CREATE TRIGGER car_products_v2v_metrics AFTER INSERT OR UPDATE OF study_id, code, name OR DELETE ON car_products FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_everywhere();
CREATE TRIGGER manufacturing_slots_v2v_metrics AFTER UPDATE OF car_product_id OR DELETE ON manufacturing_slots FOR EACH STATEMENT EXECUTE FUNCTION vein_to_vein_metrics_stale_everywhere();
