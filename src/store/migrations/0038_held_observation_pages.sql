-- Decision 0059: pages of the observation list held under their sites' `observations` version.
--
-- The list (GET /api/v1/observations) reads observations and nothing else: every field of a page
-- is a column of the observation itself, and which rows it holds follows their site, time, code,
-- patient and status. So the sites' observations are the only writes that change a page, and each
-- statement that inserts, updates or deletes observations bumps their sites' `observations` topic
-- the way the clinic's other writes bump theirs since 0036: by inserting a row of
-- held_answer_bumps, so two lab batches at one site never wait for each other. A batch of 1,000
-- results is one statement, so one bump per site it touched.
--
-- The names sort after the observations' record (`_bump_`) and cohort facts (`_cohort_`)
-- triggers, so a statement still locks the patient's record row first (decision 0056's lock
-- order); these take no shared row.
CREATE TRIGGER observations_held_answer_bumps_ins AFTER INSERT ON observations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_bumped_by_site('observations');
CREATE TRIGGER observations_held_answer_bumps_upd AFTER UPDATE ON observations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_bumped_by_site('observations');
CREATE TRIGGER observations_held_answer_bumps_del AFTER DELETE ON observations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_bumped_by_site('observations');
