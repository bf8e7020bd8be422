-- Decision 0052's third addendum: the per-site bumps of every held answer take no shared lock.
--
-- Migration 0035 made gradings bump by inserting a row of held_answer_bumps instead of updating
-- their topic's one row per site. The writes of journeys and their events, enrolments, product
-- units and their events, slot bookings and visits still bumped by updating that row
-- (held_answer_stale_by_site, 0031): a transaction that wrote one held its site's row until it
-- committed, and every other such writer at the site waited for it (two coordinators recording
-- visits, a cell lab booking a slot while a QA release is being signed).
--
-- Here each trigger on held_answer_stale_by_site is made again on held_answer_bumped_by_site, with
-- the same name (so the same firing order), events, transition tables and topics: they are read
-- from the catalogue, so none is missed or changed. The old function is then dropped without
-- CASCADE, which fails this migration if any trigger still used it. Versions reached so far stay in
-- held_answer_versions and the bumps' sum adds to them (store/site-versions.ts), so no version goes
-- back or repeats. The writes that bump every site or a site by its own row (a site renamed, a CAR
-- product, a slot's product, a patient's subject code or site) still update the rows: rare
-- administrative writes, where waiting is harmless.
DO $$
DECLARE
  t record;
  again text;
BEGIN
  FOR t IN
    SELECT tg.tgname, tg.tgrelid::regclass AS rel, pg_get_triggerdef(tg.oid) AS def
      FROM pg_trigger tg
     WHERE tg.tgfoid = 'held_answer_stale_by_site'::regproc
     ORDER BY tg.tgrelid::regclass::text, tg.tgname
  LOOP
    again := replace(t.def, ' EXECUTE FUNCTION held_answer_stale_by_site(',
                            ' EXECUTE FUNCTION held_answer_bumped_by_site(');
    IF again = t.def THEN
      RAISE EXCEPTION 'trigger % on % does not read as expected: %', t.tgname, t.rel, t.def;
    END IF;
    EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
    EXECUTE again;
  END LOOP;
END $$;

DROP FUNCTION held_answer_stale_by_site();
