-- Issue 12, scale (decision 0055): a cohort report brought up to date from the patients that
-- changed since it was computed, instead of computed again over the whole cohort.
--
-- 1. Which patients' facts changed since a report: each bump of a patient's facts version (the
--    triggers of 0024/0025) also records the bumping transaction's id in `changed_xid`. A report
--    keeps the snapshot (pg_current_snapshot) it read its facts after; the patients changed
--    since are the rows whose changed_xid that snapshot does not see as committed. Transaction
--    ids, not a sequence: ids are handed out at a transaction's start and commits come in any
--    order, so "greater than the last number seen" would miss a writer that began earlier and
--    committed later; visibility in a snapshot is exactly "committed before it". Rows below the
--    snapshot's xmin are all visible to it, so the index range starts there.
-- 2. What the facts do not hold: the members (enrolments, a patient's site and subject code, a
--    site's code and zone, a study's name) and the studies' products. These are rare writes; they
--    bump a new `cohort` topic of held_answer_versions (0031), and a report whose sites' version
--    moved is computed again in full.
-- A cache key, not clinical data: no audit.

ALTER TABLE cohort_patient_facts ADD COLUMN changed_xid xid8;
CREATE INDEX cohort_patient_facts_changed_xid_idx ON cohort_patient_facts (changed_xid)
  WHERE changed_xid IS NOT NULL;

-- One home for the bump the trigger functions share: in patient order, so two writers
-- bumping the same patients lock their rows in the same order.
CREATE FUNCTION cohort_facts_bump(patient_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO cohort_patient_facts (patient_id, version, changed_xid)
    SELECT id, 1, pg_current_xact_id() FROM (SELECT DISTINCT id FROM unnest(patient_ids) id) ids
     WHERE id IS NOT NULL ORDER BY id
    ON CONFLICT (patient_id) DO UPDATE
       SET version = cohort_patient_facts.version + 1, changed_xid = EXCLUDED.changed_xid;
$$;

CREATE OR REPLACE FUNCTION cohort_facts_stale_by_patient() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM cohort_facts_bump(ARRAY(SELECT DISTINCT patient_id FROM new_rows));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM cohort_facts_bump(ARRAY(SELECT patient_id FROM new_rows UNION SELECT patient_id FROM old_rows));
  ELSE
    PERFORM cohort_facts_bump(ARRAY(SELECT DISTINCT patient_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;

-- Journey events name their journey, QC results their product unit; the parent row names the
-- patient. One function for both, told the parent table and the key column by its trigger
-- (0024 had a copy per parent). Neither table is written in bulk, so the statement planned on
-- every run (EXECUTE) costs nothing that matters.
CREATE FUNCTION cohort_facts_stale_by_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent text := TG_ARGV[0];
  parent_key text := TG_ARGV[1];
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('SELECT cohort_facts_bump(ARRAY(
        SELECT DISTINCT p.patient_id FROM new_rows r JOIN %I p ON p.id = r.%I))', parent, parent_key);
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE format('SELECT cohort_facts_bump(ARRAY(
        SELECT p.patient_id FROM %I p
         WHERE p.id IN (SELECT %I FROM new_rows UNION SELECT %I FROM old_rows)))',
      parent, parent_key, parent_key);
  ELSE
    EXECUTE format('SELECT cohort_facts_bump(ARRAY(
        SELECT DISTINCT p.patient_id FROM old_rows r JOIN %I p ON p.id = r.%I))', parent, parent_key);
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER journey_events_cohort_facts_ins ON journey_events;
DROP TRIGGER journey_events_cohort_facts_upd ON journey_events;
DROP TRIGGER journey_events_cohort_facts_del ON journey_events;
DROP TRIGGER qc_results_cohort_facts_ins ON qc_results;
DROP TRIGGER qc_results_cohort_facts_upd ON qc_results;
DROP TRIGGER qc_results_cohort_facts_del ON qc_results;
DROP FUNCTION cohort_facts_stale_by_journey();
DROP FUNCTION cohort_facts_stale_by_product();
CREATE TRIGGER journey_events_cohort_facts_ins AFTER INSERT ON journey_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_parent('journeys', 'journey_id');
CREATE TRIGGER journey_events_cohort_facts_upd AFTER UPDATE ON journey_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_parent('journeys', 'journey_id');
CREATE TRIGGER journey_events_cohort_facts_del AFTER DELETE ON journey_events REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_parent('journeys', 'journey_id');
CREATE TRIGGER qc_results_cohort_facts_ins AFTER INSERT ON qc_results REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_parent('product_units', 'product_id');
CREATE TRIGGER qc_results_cohort_facts_upd AFTER UPDATE ON qc_results REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_parent('product_units', 'product_id');
CREATE TRIGGER qc_results_cohort_facts_del AFTER DELETE ON qc_results REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_parent('product_units', 'product_id');

ALTER TABLE held_answer_versions DROP CONSTRAINT held_answer_versions_topic_check;
ALTER TABLE held_answer_versions ADD CONSTRAINT held_answer_versions_topic_check
  CHECK (topic IN ('vein-to-vein-metrics', 'visit-calendar', 'dashboard', 'ltfu', 'cohort'));

-- The members: an enrolment (study, arm, dose level, infusion date), by its site.
DROP TRIGGER enrolments_held_answers_ins ON enrolments;
DROP TRIGGER enrolments_held_answers_upd ON enrolments;
DROP TRIGGER enrolments_held_answers_del ON enrolments;
CREATE TRIGGER enrolments_held_answers_ins AFTER INSERT ON enrolments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard', 'ltfu', 'cohort');
CREATE TRIGGER enrolments_held_answers_upd AFTER UPDATE ON enrolments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard', 'ltfu', 'cohort');
CREATE TRIGGER enrolments_held_answers_del AFTER DELETE ON enrolments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('vein-to-vein-metrics', 'dashboard', 'ltfu', 'cohort');

-- A patient's subject code and site; a site's code and zone (its data cut's day).
DROP TRIGGER patients_held_answers ON patients;
CREATE TRIGGER patients_held_answers AFTER UPDATE ON patients FOR EACH ROW
  WHEN (OLD.subject_code IS DISTINCT FROM NEW.subject_code OR OLD.site_id IS DISTINCT FROM NEW.site_id)
  EXECUTE FUNCTION held_answer_stale_by_patient('dashboard', 'ltfu', 'visit-calendar', 'cohort');
DROP TRIGGER sites_held_answers ON sites;
CREATE TRIGGER sites_held_answers AFTER UPDATE OF code, name, time_zone ON sites FOR EACH ROW
  EXECUTE FUNCTION held_answer_stale_site('dashboard', 'ltfu', 'visit-calendar', 'cohort');

-- A study's name and its products (codes, targets, format: the report's product columns and the
-- target and format filters) name no site: every site.
DROP TRIGGER car_products_held_answers ON car_products;
CREATE TRIGGER car_products_held_answers AFTER INSERT OR UPDATE OF study_id, code, name, vector_type, targets, format OR DELETE ON car_products FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_everywhere('ltfu', 'vein-to-vein-metrics', 'cohort');
CREATE TRIGGER studies_held_answers AFTER UPDATE OF short_name OR DELETE ON studies FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_everywhere('cohort');

-- The facts table is a cache that may be emptied (0024): a patient's change not yet seen by a held
-- report lives only in its row's changed_xid, so a delete of rows (the app never deletes them) or
-- an emptied table makes every held report compute again in full.
CREATE TRIGGER cohort_patient_facts_emptied AFTER DELETE OR TRUNCATE ON cohort_patient_facts FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_everywhere('cohort');
