-- Decision 0052's second addendum: a version bump that takes no shared lock, and the dashboard's
-- toxicity panel held under it (topic `toxicities`).
--
-- A bump of held_answer_versions updates the one row of its topic and site, so a transaction that
-- bumps holds that row until it commits and every other writer at the site waits for it. For
-- journeys, visits and enrolments that is tolerable; for gradings it is not (a CRS grade at 3 a.m.
-- must not queue behind another transaction at the site). Here a bump is a row of its own,
-- inserted: concurrent inserts never wait for each other. A topic's version at a site is its
-- held_answer_versions row plus the sum of its rows here (store/site-versions.ts). The sum moves
-- exactly when a transaction that bumped commits, since its rows become visible together.
--
-- One bump in 32 also folds the site's earlier rows (those its transaction sees: committed, or
-- its own) into one row carrying their sum, so a read sums a few dozen rows: the sum is the same
-- before and after the fold, which commits with the bump. Rows another transaction is folding are
-- skipped, never waited for (SKIP LOCKED; writers run READ COMMITTED).
--
-- A cache key, not clinical data: no audit.
CREATE TABLE held_answer_bumps (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic    text NOT NULL,
  site_id  uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  bumps    bigint NOT NULL
);
CREATE INDEX held_answer_bumps_topic_site_idx ON held_answer_bumps (topic, site_id) INCLUDE (bumps);

-- The sites a statement touched, by their site_id column; every topic in the trigger's arguments.
CREATE FUNCTION held_answer_bumped_by_site() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched uuid[];
  bumped_topic text;
  bumped_site uuid;
  added bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    touched := ARRAY(SELECT DISTINCT site_id FROM new_rows);
  ELSIF TG_OP = 'UPDATE' THEN
    touched := ARRAY(SELECT site_id FROM new_rows UNION SELECT site_id FROM old_rows);
  ELSE
    touched := ARRAY(SELECT DISTINCT site_id FROM old_rows);
  END IF;
  FOREACH bumped_topic IN ARRAY TG_ARGV LOOP
    FOREACH bumped_site IN ARRAY touched LOOP
      INSERT INTO held_answer_bumps (topic, site_id, bumps) VALUES (bumped_topic, bumped_site, 1)
        RETURNING id INTO added;
      IF added % 32 = 0 THEN
        WITH folded AS (
          DELETE FROM held_answer_bumps b
           WHERE b.id IN (SELECT f.id FROM held_answer_bumps f
                           WHERE f.topic = bumped_topic AND f.site_id = bumped_site AND f.id < added
                             FOR UPDATE SKIP LOCKED)
          RETURNING b.bumps)
        INSERT INTO held_answer_bumps (topic, site_id, bumps)
          SELECT bumped_topic, bumped_site, sum(bumps) FROM folded HAVING count(*) > 0;
      END IF;
    END LOOP;
  END LOOP;
  RETURN NULL;
END $$;

-- The toxicity panel reads the site's gradings: a topic of their own, which the panel reads with
-- the dashboard's (patients' subject codes, 0031), so a grading leaves the site's other held
-- answers (board, worklist, the dashboard's other panels) as they are.
CREATE TRIGGER assessments_held_answer_bumps_ins AFTER INSERT ON assessments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_bumped_by_site('toxicities');
CREATE TRIGGER assessments_held_answer_bumps_upd AFTER UPDATE ON assessments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_bumped_by_site('toxicities');
CREATE TRIGGER assessments_held_answer_bumps_del AFTER DELETE ON assessments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_bumped_by_site('toxicities');
