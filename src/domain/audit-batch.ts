/**
 * The audit record of an observation batch (decision 0040). A batch of up to 5,000 observations
 * is audited by one record per site instead of one per row: who (actor), when (at) and why
 * (reason) belong to the record, what to `after.rows`, which lists every observation written with
 * all its values, as a single create's record holds one. Readers (the audit screen, FHIR
 * Provenance) expand it back into one entry per row with `batchEntries`.
 */

/** The record's entity type; its entity id is the batch's own id, not an observation's. */
export const OBSERVATION_BATCH = "observation-batch";
/** The entity type each listed row is reported as. */
export const OBSERVATION_BATCH_ROW_TYPE = "observation";

/**
 * A batch record's `after`, column by column so the record stays compact (jsonb keeps the keys of
 * every object; 1,000 rows as objects of 31 fields were ~3× the bytes): row i is `same` with
 * `columns[field][i]` for every listed column. Together they are every field of the observation
 * as the API returned it, so an expanded row equals a single create's `after`.
 */
export interface ObservationBatchAudit {
  /** the patient, when every row is one patient's (so the record has a readable label) */
  patientId?: string;
  count: number;
  /** fields with one value in every row (nulls included) */
  same: Record<string, unknown>;
  /** the other fields, each an array in row order; `id` is always here */
  columns: Record<string, unknown[]>;
}

/** The compact form of `rows` (all with the same fields, as the API returns them). */
export function batchAudit(rows: readonly Record<string, unknown>[]): ObservationBatchAudit {
  const first = rows[0] ?? {};
  const same: Record<string, unknown> = {};
  const columns: Record<string, unknown[]> = {};
  for (const field of Object.keys(first)) {
    const v = first[field];
    const scalar = v === null || typeof v !== "object";
    if (field !== "id" && rows.every((r) => (scalar ? r[field] === v : sameJson(r[field], v))))
      same[field] = v;
    else columns[field] = rows.map((r) => r[field]);
  }
  const patientIds = new Set(rows.map((r) => r.patientId));
  return {
    ...(patientIds.size === 1 && typeof first.patientId === "string" ? { patientId: first.patientId } : {}),
    count: rows.length,
    same,
    columns,
  };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface BatchEntry {
  /** the observation's id */
  entityId: string;
  /** its values as written */
  after: Record<string, unknown>;
  /** position in the batch record (0-based) and the record's row count */
  item: number;
  count: number;
}

/** The rows an audit record lists, or null when it is not a batch record (or is malformed). */
export function batchEntries(entityType: string, after: unknown): BatchEntry[] | null {
  if (entityType !== OBSERVATION_BATCH || !after || typeof after !== "object") return null;
  const { same, columns } = after as Partial<ObservationBatchAudit>;
  const ids = columns?.id;
  if (!same || typeof same !== "object" || !Array.isArray(ids)) return null;
  const fields = Object.entries(columns ?? {}).filter((e): e is [string, unknown[]] => Array.isArray(e[1]));
  return ids.flatMap((id, item) => {
    if (typeof id !== "string") return [];
    const row: Record<string, unknown> = { ...same };
    for (const [field, values] of fields) row[field] = values[item] ?? null;
    return [{ entityId: id, after: row, item, count: ids.length }];
  });
}
