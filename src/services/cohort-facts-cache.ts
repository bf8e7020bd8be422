/**
 * Parsed outcome facts held in memory between cohort reports (decision 0042, addendum). Whether
 * stored facts may be used at all is decided as before, from the versions, day 0, zone and
 * horizons a report reads on every run; this only spares sending and parsing their JSON again:
 * held facts stand in for the stored ones while the stored JSON's digest (kept by the database,
 * migration 0025) is the digest of the JSON they were parsed from. So a write made anywhere —
 * another process included — is seen exactly as without the cache, and so is an emptied table.
 * One map per database handle: test files and benchmarks open several databases in one process.
 */
interface Held {
  digest: string;
  facts: unknown;
}

/** A bound on memory: past it the map starts again (about 1 KB of facts per patient). */
const MAX_PATIENTS = 200_000;

const byDatabase = new WeakMap<object, Map<string, Held>>();

/** The facts held for this patient, parsed from the JSON with this digest, if any. */
export function heldFacts<T>(db: object, patientId: string, digest: string): T | undefined {
  const h = byDatabase.get(db)?.get(patientId);
  return h && h.digest === digest ? (h.facts as T) : undefined;
}

export function holdFacts(db: object, patientId: string, digest: string, facts: unknown): void {
  const held = byDatabase.get(db) ?? new Map<string, Held>();
  byDatabase.set(db, held);
  if (held.size >= MAX_PATIENTS) held.clear();
  held.set(patientId, { digest, facts });
}

/** Drops what is held for this database, as a restart of the process does. */
export function forgetHeldFacts(db: object): void {
  byDatabase.delete(db);
}
