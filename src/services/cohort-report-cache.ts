/**
 * Cohort reports held in memory between requests (decision 0042, second addendum). A report is
 * reused only while `cohortReportProbe` — one statement run on every request — gives the digest
 * it was computed under: the members' rows, their stored facts' versions (moved by every write
 * to a record the facts come from, in the writer's transaction) and their studies' products. The
 * probe runs before the report is computed (services/held-answers.ts says why that is safe).
 */
import type { CohortOutcomes } from "../domain/cohort/results.ts";
import { HeldAnswers } from "./held-answers.ts";

/** Reports kept per database: a department has a few cohorts it looks at again and again. */
const MAX_REPORTS = 8;

const reports = new HeldAnswers<CohortOutcomes>(MAX_REPORTS);

/** The report held for this definition (as keyed by the caller) if computed under this digest. */
export const heldReport = (db: object, key: string, digest: string) => reports.get(db, key, digest);

export function holdReport(db: object, key: string, digest: string, report: CohortOutcomes): void {
  reports.hold(db, key, digest, report);
}

/** Drops what is held for this database, as a restart of the process does. */
export const forgetHeldReports = (db: object) => reports.forget(db);
