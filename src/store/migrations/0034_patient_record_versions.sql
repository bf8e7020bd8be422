-- Issue 15 (decision 0056): a version of each patient's whole record, so that a patient's timeline
-- page can be held between requests and answered again while nothing it shows has changed.
--
-- cohort_patient_facts.version (0024) covers only what the cohort facts and the derived endpoints
-- read; the timeline also lists product events, custody hand-offs, temperature loggers, visits,
-- consent and enrolment, with the study's short name. Bumping the cohort version for those would
-- make every visit or product step recompute cohort facts that do not depend on it, so the
-- timeline has a version of its own, bumped by a write to any table it (or the derived endpoints
-- on it) reads, in the same transaction. The patient's subject code and the site's time zone are
-- read with the version on every request and are part of the held page's key (services/timeline.ts).
--   version      bumped by every statement that writes one of the patient's records
--   changed_xid  the transaction that last bumped it: versions start again if the table is
--                emptied (it is a cache key), transaction ids do not
-- A cache key, not clinical data: no audit; deleting rows only makes the next read compute again.
CREATE TABLE patient_record_versions (
  patient_id   uuid PRIMARY KEY,
  version      bigint NOT NULL,
  changed_xid  xid8 NOT NULL
);

-- In patient order, so two writers bumping the same patients lock their rows in the same order.
CREATE FUNCTION patient_record_bump(patient_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO patient_record_versions (patient_id, version, changed_xid)
    SELECT id, 1, pg_current_xact_id() FROM (SELECT DISTINCT id FROM unnest(patient_ids) id) ids
     WHERE id IS NOT NULL ORDER BY id
    ON CONFLICT (patient_id) DO UPDATE
       SET version = patient_record_versions.version + 1, changed_xid = EXCLUDED.changed_xid;
$$;

-- Rows that name their patient (patient_id). Static SQL: observations arrive 1,000 to a statement.
CREATE FUNCTION patient_record_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM patient_record_bump(ARRAY(SELECT DISTINCT patient_id FROM new_rows));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM patient_record_bump(ARRAY(SELECT patient_id FROM new_rows UNION SELECT patient_id FROM old_rows));
  ELSE
    PERFORM patient_record_bump(ARRAY(SELECT DISTINCT patient_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;

-- Rows that reach their patients through another table: TG_ARGV is that table, its column that
-- the row's column matches, and the row's column (journey events: journeys.id = journey_id;
-- product events, hand-offs, loggers, QC: product_units.id = product_id; a study: every
-- enrolment in it, enrolments.study_id = id). None is written in bulk, so the statement planned on
-- every run (EXECUTE) costs nothing that matters.
CREATE FUNCTION patient_record_touched_via() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  via text := TG_ARGV[0];
  via_key text := TG_ARGV[1];
  row_key text := TG_ARGV[2];
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('SELECT patient_record_bump(ARRAY(
        SELECT v.patient_id FROM %I v WHERE v.%I IN (SELECT %I FROM new_rows)))', via, via_key, row_key);
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE format('SELECT patient_record_bump(ARRAY(
        SELECT v.patient_id FROM %I v
         WHERE v.%I IN (SELECT %I FROM new_rows UNION SELECT %I FROM old_rows)))',
      via, via_key, row_key, row_key);
  ELSE
    EXECUTE format('SELECT patient_record_bump(ARRAY(
        SELECT v.patient_id FROM %I v WHERE v.%I IN (SELECT %I FROM old_rows)))', via, via_key, row_key);
  END IF;
  RETURN NULL;
END $$;

-- Every table the timeline lists, and every table the derived endpoints on it are read from,
-- with an insert, an update and a delete trigger each; and the two other tables whose writes bump
-- the cohort facts' version (adverse events, QC results), for the lock order below. (A journey or
-- product unit deleted with its events is covered by its own trigger, which fires while it still
-- names the patient.)
-- Named `<table>_bump_…` so that they fire before the cohort facts' triggers (`<table>_cohort_…`;
-- a table's AFTER triggers fire in the order of their names): every statement then locks a
-- patient's record version before the patient's facts version. A transaction that holds the facts
-- row therefore holds the record row too (every table with a facts trigger has a record trigger),
-- and two writers to one patient queue instead of deadlocking (one writing a visit and then an
-- observation, the other an observation). test/integration/timeline-held.test.ts checks the order.
DO $$
DECLARE
  op record;
  t record;
BEGIN
  FOR op IN SELECT * FROM (VALUES
      ('ins', 'INSERT', 'NEW TABLE AS new_rows'),
      ('upd', 'UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'),
      ('del', 'DELETE', 'OLD TABLE AS old_rows')) AS o(suffix, event, tables)
  LOOP
    -- Each table with the parent that names its patient and its column pointing there (none:
    -- the row has patient_id itself).
    FOR t IN SELECT * FROM (VALUES
        ('conditions', NULL, NULL), ('medications', NULL, NULL), ('observations', NULL, NULL),
        ('clinical_events', NULL, NULL), ('assessments', NULL, NULL), ('journeys', NULL, NULL),
        ('product_units', NULL, NULL), ('visits', NULL, NULL), ('enrolments', NULL, NULL),
        ('adverse_events', NULL, NULL),
        ('journey_events', 'journeys', 'journey_id'), ('product_events', 'product_units', 'product_id'),
        ('custody_handoffs', 'product_units', 'product_id'), ('logger_uploads', 'product_units', 'product_id'),
        ('qc_results', 'product_units', 'product_id')) AS x(name, via, via_column)
    LOOP
      EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I REFERENCING %s FOR EACH STATEMENT EXECUTE FUNCTION %s',
        t.name || '_bump_patient_record_' || op.suffix, op.event, t.name, op.tables,
        CASE WHEN t.via IS NULL THEN 'patient_record_touched()'
             ELSE format('patient_record_touched_via(%L, %L, %L)', t.via, 'id', t.via_column) END);
    END LOOP;
  END LOOP;
END $$;

-- The study's short name is in the consent and enrolment lines.
CREATE TRIGGER studies_bump_patient_record_upd AFTER UPDATE ON studies REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION patient_record_touched_via('enrolments', 'study_id', 'id');
