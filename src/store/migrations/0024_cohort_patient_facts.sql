-- Issue 12, scale (decision 0042): each treated patient's outcome facts (best response and its
-- dates, progression, death, last contact, worst CRS/ICANS grades, ...: the TreatedPatient fields
-- derived from the record) kept between cohort reports, so a report reads one row per patient
-- instead of every record again.
--
-- No stale read: `version` is bumped by the triggers below, in the same transaction as any insert,
-- update or delete of a record the facts are derived from. Facts are stored with the version
-- they were derived at (`facts_version`) and are used only while the two are equal; the writer
-- (services/cohort-outcomes.ts) reads the version before the records and stores with
-- `... WHERE version = <that version>`, so facts derived concurrently with a write never pass.
--   infusion_date, time_zone  day 0 and the site's zone the facts were derived with (compared on
--                             read: a changed enrolment or site zone does not reuse them)
--   horizon_at, horizon_date  the latest instant / calendar date of any record the facts read
--                             (uncut); the facts hold for every data cut on or after them
--   facts                     the derived fields as JSON (json, not jsonb: numbers come back as
--                             written, to the last bit)
-- A cache, not clinical data: no audit; deleting any row only makes the next report derive again.
CREATE TABLE cohort_patient_facts (
  patient_id     uuid PRIMARY KEY,
  version        bigint NOT NULL DEFAULT 0,
  facts_version  bigint,
  infusion_date  date,
  time_zone      text,
  horizon_at     timestamptz,
  horizon_date   date,
  facts          json
);

-- The patients a statement touched, by their patient_id column.
CREATE FUNCTION cohort_facts_stale_by_patient() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO cohort_patient_facts (patient_id, version)
      SELECT DISTINCT patient_id, 1 FROM new_rows WHERE patient_id IS NOT NULL
      ON CONFLICT (patient_id) DO UPDATE SET version = cohort_patient_facts.version + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO cohort_patient_facts (patient_id, version)
      SELECT patient_id, 1 FROM (SELECT patient_id FROM new_rows UNION SELECT patient_id FROM old_rows) t
       WHERE patient_id IS NOT NULL
      ON CONFLICT (patient_id) DO UPDATE SET version = cohort_patient_facts.version + 1;
  ELSE
    INSERT INTO cohort_patient_facts (patient_id, version)
      SELECT DISTINCT patient_id, 1 FROM old_rows WHERE patient_id IS NOT NULL
      ON CONFLICT (patient_id) DO UPDATE SET version = cohort_patient_facts.version + 1;
  END IF;
  RETURN NULL;
END $$;

-- Journey events name their journey; the journey names the patient.
CREATE FUNCTION cohort_facts_stale_by_journey() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO cohort_patient_facts (patient_id, version)
      SELECT DISTINCT j.patient_id, 1 FROM new_rows r JOIN journeys j ON j.id = r.journey_id
       WHERE j.patient_id IS NOT NULL
      ON CONFLICT (patient_id) DO UPDATE SET version = cohort_patient_facts.version + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO cohort_patient_facts (patient_id, version)
      SELECT j.patient_id, 1 FROM journeys j
       WHERE j.patient_id IS NOT NULL
         AND j.id IN (SELECT journey_id FROM new_rows UNION SELECT journey_id FROM old_rows)
      ON CONFLICT (patient_id) DO UPDATE SET version = cohort_patient_facts.version + 1;
  ELSE
    INSERT INTO cohort_patient_facts (patient_id, version)
      SELECT DISTINCT j.patient_id, 1 FROM old_rows r JOIN journeys j ON j.id = r.journey_id
       WHERE j.patient_id IS NOT NULL
      ON CONFLICT (patient_id) DO UPDATE SET version = cohort_patient_facts.version + 1;
  END IF;
  RETURN NULL;
END $$;

-- QC results name their product unit; the unit names the patient.
CREATE FUNCTION cohort_facts_stale_by_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO cohort_patient_facts (patient_id, version)
      SELECT DISTINCT u.patient_id, 1 FROM new_rows r JOIN product_units u ON u.id = r.product_id
       WHERE u.patient_id IS NOT NULL
      ON CONFLICT (patient_id) DO UPDATE SET version = cohort_patient_facts.version + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO cohort_patient_facts (patient_id, version)
      SELECT u.patient_id, 1 FROM product_units u
       WHERE u.patient_id IS NOT NULL
         AND u.id IN (SELECT product_id FROM new_rows UNION SELECT product_id FROM old_rows)
      ON CONFLICT (patient_id) DO UPDATE SET version = cohort_patient_facts.version + 1;
  ELSE
    INSERT INTO cohort_patient_facts (patient_id, version)
      SELECT DISTINCT u.patient_id, 1 FROM old_rows r JOIN product_units u ON u.id = r.product_id
       WHERE u.patient_id IS NOT NULL
      ON CONFLICT (patient_id) DO UPDATE SET version = cohort_patient_facts.version + 1;
  END IF;
  RETURN NULL;
END $$;

-- One statement-level trigger per table and operation (a trigger with transition tables may have
-- only one event). Every table services/cohort-outcomes.ts derives facts from: conditions
-- (indication), assessments, journeys and journey events (death, off study, apheresis),
-- medications, clinical events (CAR-T copies notes), product units and QC results, observations
-- (last contact), adverse events (infections). A journey or product unit deleted with its events
-- or results is covered by its own trigger.
CREATE TRIGGER conditions_cohort_facts_ins AFTER INSERT ON conditions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER conditions_cohort_facts_upd AFTER UPDATE ON conditions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER conditions_cohort_facts_del AFTER DELETE ON conditions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();

CREATE TRIGGER assessments_cohort_facts_ins AFTER INSERT ON assessments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER assessments_cohort_facts_upd AFTER UPDATE ON assessments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER assessments_cohort_facts_del AFTER DELETE ON assessments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();

CREATE TRIGGER journeys_cohort_facts_ins AFTER INSERT ON journeys REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER journeys_cohort_facts_upd AFTER UPDATE ON journeys REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER journeys_cohort_facts_del AFTER DELETE ON journeys REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();

CREATE TRIGGER journey_events_cohort_facts_ins AFTER INSERT ON journey_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_journey();
CREATE TRIGGER journey_events_cohort_facts_upd AFTER UPDATE ON journey_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_journey();
CREATE TRIGGER journey_events_cohort_facts_del AFTER DELETE ON journey_events REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_journey();

CREATE TRIGGER medications_cohort_facts_ins AFTER INSERT ON medications REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER medications_cohort_facts_upd AFTER UPDATE ON medications REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER medications_cohort_facts_del AFTER DELETE ON medications REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();

CREATE TRIGGER clinical_events_cohort_facts_ins AFTER INSERT ON clinical_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER clinical_events_cohort_facts_upd AFTER UPDATE ON clinical_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER clinical_events_cohort_facts_del AFTER DELETE ON clinical_events REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();

CREATE TRIGGER product_units_cohort_facts_ins AFTER INSERT ON product_units REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER product_units_cohort_facts_upd AFTER UPDATE ON product_units REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER product_units_cohort_facts_del AFTER DELETE ON product_units REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();

CREATE TRIGGER qc_results_cohort_facts_ins AFTER INSERT ON qc_results REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_product();
CREATE TRIGGER qc_results_cohort_facts_upd AFTER UPDATE ON qc_results REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_product();
CREATE TRIGGER qc_results_cohort_facts_del AFTER DELETE ON qc_results REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_product();

CREATE TRIGGER observations_cohort_facts_ins AFTER INSERT ON observations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER observations_cohort_facts_upd AFTER UPDATE ON observations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER observations_cohort_facts_del AFTER DELETE ON observations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();

CREATE TRIGGER adverse_events_cohort_facts_ins AFTER INSERT ON adverse_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER adverse_events_cohort_facts_upd AFTER UPDATE ON adverse_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
CREATE TRIGGER adverse_events_cohort_facts_del AFTER DELETE ON adverse_events REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cohort_facts_stale_by_patient();
