/**
 * Cohort reports held in memory between requests (decision 0042, second addendum), with what
 * they were computed from, so a report can be brought up to date from the patients whose facts
 * changed since instead of computed again (decision 0055). Each request reads `cohortChanges` —
 * one statement — before anything else: a report is answered again only while its sites' cohort
 * version and its data cuts (the digest it is held under) are the same and none of its patients
 * changed after the snapshot it read its facts under; with only some patients changed, those are
 * derived again and the summary is computed from the rest as held. services/held-answers.ts says why reading the versions
 * first is safe.
 */
import type { CohortOutcomes } from "../domain/cohort/results.ts";
import type { KeptMeasures } from "../domain/cohort/summary.ts";
import type { CohortMemberRow, StudyProductRow } from "../store/cohort.ts";
import { HeldAnswers } from "./held-answers.ts";

/**
 * A report and what it was computed from; never changed once held (a new one replaces it), but
 * for `measures`, which the reports brought up to date from it add to (their changed patients'
 * measures, the rows they counted again).
 */
export interface HeldCohort {
  /** the snapshot the facts were read after: patients changed since are derived again */
  snapshot: string;
  /** each member site's data cut and the first instant after it, as the facts were derived with */
  cutOf: ReadonlyMap<string, string>;
  untilOf: ReadonlyMap<string, Date>;
  /** the infused members (enrolment rows) and the products of their studies */
  infused: readonly CohortMemberRow[];
  products: readonly StudyProductRow[];
  report: CohortOutcomes;
  /** the summary's measures of the report's patients and its rows, for the next report to reuse */
  measures: KeptMeasures;
}

/** Reports kept per database: a department has a few cohorts it looks at again and again. */
const MAX_REPORTS = 8;

const reports = new HeldAnswers<HeldCohort>(MAX_REPORTS);

/**
 * What is held for this cohort (as keyed by the caller) and the digest it was held under (the
 * sites' cohort version and data cuts, as the caller writes them), whatever that digest is.
 */
export const heldCohort = (db: object, key: string) =>
  reports.latest(db, key) as { digest: string; answer: HeldCohort } | undefined;

export function holdCohort(db: object, key: string, digest: string, held: HeldCohort): void {
  reports.hold(db, key, digest, held);
}

/** Drops what is held for this database, as a restart of the process does. */
export const forgetHeldReports = (db: object) => reports.forget(db);
