-- Decision 0052's addendum: the dashboard's toxicity panel held as its other panels are. Its rows
-- come from the site's assessments (and the patients' subject codes, which bump the site's
-- dashboard version already, 0033), so a grading written, corrected or deleted at the site now
-- moves the site's `dashboard` version too. The panel's 30-day window moves with the clock as
-- well: services/dashboard.ts holds it only until its oldest row would leave the window.
CREATE TRIGGER assessments_held_answers_ins AFTER INSERT ON assessments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('dashboard');
CREATE TRIGGER assessments_held_answers_upd AFTER UPDATE ON assessments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('dashboard');
CREATE TRIGGER assessments_held_answers_del AFTER DELETE ON assessments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION held_answer_stale_by_site('dashboard');
