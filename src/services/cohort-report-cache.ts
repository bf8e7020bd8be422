/**
 * Cohort reports held in memory between requests (decision 0042, second addendum). A report is
 * reused only while `cohortReportProbe` — one statement run on every request — gives the digest
 * it was computed under: the members' rows, their stored facts' versions (moved by every write
 * to a record the facts come from, in the writer's transaction) and their studies' products. The
 * probe runs before the report is computed, so a write landing while it is computed leaves the
 * report under the older digest, and the next request computes again. Held reports are frozen:
 * a caller that changed one would change every later answer.
 * One map per database handle, as the facts cache (test files and benchmarks open several).
 */
import type { CohortOutcomes } from "../domain/cohort/results.ts";

interface Held {
  digest: string;
  report: CohortOutcomes;
}

/** Reports kept per database: a department has a few cohorts it looks at again and again. */
const MAX_REPORTS = 8;

const byDatabase = new WeakMap<object, Map<string, Held>>();

/** The report held for this definition (as keyed by the caller) if computed under this digest. */
export function heldReport(db: object, key: string, digest: string): CohortOutcomes | undefined {
  const held = byDatabase.get(db)?.get(key);
  return held && held.digest === digest ? held.report : undefined;
}

export function holdReport(db: object, key: string, digest: string, report: CohortOutcomes): void {
  const held = byDatabase.get(db) ?? new Map<string, Held>();
  byDatabase.set(db, held);
  held.delete(key);
  // The map keeps insertion order: the first key is the report held longest without a new hold.
  if (held.size >= MAX_REPORTS) held.delete(held.keys().next().value!);
  held.set(key, { digest, report: deepFreeze(report) });
}

/** Drops what is held for this database, as a restart of the process does. */
export function forgetHeldReports(db: object): void {
  byDatabase.delete(db);
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}
