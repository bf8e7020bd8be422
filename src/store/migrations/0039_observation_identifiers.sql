-- Issue 15, docs/scaling.md: the lab identifier's uniqueness per site (0021) moves from a partial
-- unique index on observations to a table of its own, kept by the observations' statement
-- triggers. A partitioned table's unique index must contain the partition key, so that index was
-- the one rule on observations that would not carry over to partitioning them by recording time
-- (test/integration/partition-ready.test.ts). Here the rule lives in a small table keyed by what
-- it says: one result per (site, system, value), system '' when the lab named none, as 0021's
-- index had it.
--
-- No foreign key to observations (none points at the growing tables): the triggers below keep the
-- two in step within each statement, and a duplicate fails the statement that wrote it, with the
-- same SQLSTATE (23505) as the index gave.
CREATE TABLE observation_identifiers (
  site_id        uuid NOT NULL,
  system         text NOT NULL,
  value          text NOT NULL,
  observation_id uuid NOT NULL UNIQUE,
  PRIMARY KEY (site_id, system, value)
);

INSERT INTO observation_identifiers (site_id, system, value, observation_id)
SELECT site_id, coalesce(identifier_system, ''), identifier_value, id
  FROM observations
 WHERE identifier_value IS NOT NULL;

CREATE FUNCTION observation_identifiers_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO observation_identifiers (site_id, system, value, observation_id)
  SELECT site_id, coalesce(identifier_system, ''), identifier_value, id
    FROM new_rows
   WHERE identifier_value IS NOT NULL;
  RETURN NULL;
END $$;

-- Only rows whose site or identifier changed are touched: a correction keeps its identifier.
CREATE FUNCTION observation_identifiers_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM observation_identifiers
   WHERE observation_id IN (
     SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.site_id, o.identifier_system, o.identifier_value)
            IS DISTINCT FROM (n.site_id, n.identifier_system, n.identifier_value));
  INSERT INTO observation_identifiers (site_id, system, value, observation_id)
  SELECT n.site_id, coalesce(n.identifier_system, ''), n.identifier_value, n.id
    FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE n.identifier_value IS NOT NULL
     AND (o.site_id, o.identifier_system, o.identifier_value)
         IS DISTINCT FROM (n.site_id, n.identifier_system, n.identifier_value);
  RETURN NULL;
END $$;

CREATE FUNCTION observation_identifiers_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM observation_identifiers WHERE observation_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;

-- The names sort after the observations' other triggers (record bump, cohort facts, held
-- answers): those take their locks first, as decision 0056's lock order wants.
CREATE TRIGGER observations_identifiers_ins AFTER INSERT ON observations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_identifiers_inserted();
CREATE TRIGGER observations_identifiers_upd AFTER UPDATE ON observations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_identifiers_updated();
CREATE TRIGGER observations_identifiers_del AFTER DELETE ON observations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION observation_identifiers_deleted();

DROP INDEX observations_identifier_idx;
