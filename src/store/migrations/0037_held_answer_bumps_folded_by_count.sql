-- Decision 0052's fourth addendum: a site's bumps of a topic are folded when they pass 32 rows.
--
-- Migration 0035 folded one bump in 32 by its identity value. The identity is shared by every
-- topic and site, and since 0036 one statement bumps up to four topics in a row, so which topic a
-- multiple of 32 falls on follows the statements' sizes: a statement bumping four topics always
-- put it on the same one, and the other three never folded. A 10,000-patient registry kept up
-- to 109 rows for one site's visit calendar, and every read of its version summed them. Here a
-- bump folds its topic and site when more than 32 of their rows are visible, so a read sums at
-- most 33 (and those other transactions are still writing). Folding is as before: the visible
-- rows not being folded by another transaction (SKIP LOCKED) become one row carrying their sum.
CREATE OR REPLACE FUNCTION held_answer_bumped_by_site() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched uuid[];
  bumped_topic text;
  bumped_site uuid;
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
      INSERT INTO held_answer_bumps (topic, site_id, bumps) VALUES (bumped_topic, bumped_site, 1);
      IF (SELECT count(*) FROM held_answer_bumps f
           WHERE f.topic = bumped_topic AND f.site_id = bumped_site) > 32 THEN
        WITH folded AS (
          DELETE FROM held_answer_bumps b
           WHERE b.id IN (SELECT f.id FROM held_answer_bumps f
                           WHERE f.topic = bumped_topic AND f.site_id = bumped_site
                             FOR UPDATE SKIP LOCKED)
          RETURNING b.bumps)
        INSERT INTO held_answer_bumps (topic, site_id, bumps)
          SELECT bumped_topic, bumped_site, sum(bumps) FROM folded HAVING count(*) > 0;
      END IF;
    END LOOP;
  END LOOP;
  RETURN NULL;
END $$;
