import { type Kysely, sql } from "kysely";
import { OBSERVATION_BATCH, OBSERVATION_BATCH_ROW_TYPE } from "../domain/audit-batch.ts";
import { insertChunked } from "./chunked-insert.ts";
import type { DB } from "./schema.ts";

export interface NewAuditEvent {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_name: string;
  site_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: string | null;
  after: string | null;
  reason: string | null;
  request_id: string | null;
}

export async function insertAuditEvents(db: Kysely<DB>, rows: NewAuditEvent[]): Promise<void> {
  await insertChunked(db, "audit_events", rows, false);
}

/**
 * Whether this connection shows an audit record of the entity: an export's own record, written at
 * its start on the primary, read on the reports' connection to tell that a replica has caught up
 * with it (decision 0060). Uses the (entity_type, entity_id, at) index.
 */
export async function auditRecordShown(
  db: Kysely<DB>,
  entityType: string,
  entityId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom("audit_events")
    .select("id")
    .where("entity_type", "=", entityType)
    .where("entity_id", "=", entityId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface AuditFilter {
  siteIds: string[];
  entityType?: string;
  entityId?: string;
  actorId?: string;
  after?: string; // cursor: id of the last row seen (UUIDv7 ids sort by time)
  /** the cursor stopped inside the batch record `after`: read it again (the service skips what was shown) */
  afterInclusive?: boolean;
  limit: number;
}

/** Entity types whose records list many rows of another type (decision 0040), by that type. */
const BATCH_TYPE_OF: Record<string, string> = { [OBSERVATION_BATCH_ROW_TYPE]: OBSERVATION_BATCH };

export function listAuditEvents(db: Kysely<DB>, f: AuditFilter) {
  let q = db
    .selectFrom("audit_events")
    .selectAll()
    .where("site_id", "in", f.siteIds)
    .orderBy("id", "desc")
    .limit(f.limit + 1);
  // Any case: "Patient" finds "patient" (people type what they read, not the stored spelling).
  // Observations also come from batch records, which list them.
  if (f.entityType) {
    const type = f.entityType.toLowerCase();
    const batch = BATCH_TYPE_OF[type];
    q = batch
      ? q.where(sql`lower(entity_type)`, "in", [type, batch])
      : q.where(sql`lower(entity_type)`, "=", type);
  }
  if (f.entityId) {
    const id = f.entityId;
    q = q.where((eb) =>
      eb.or([
        eb("entity_id", "=", id),
        eb.and([eb("entity_type", "=", OBSERVATION_BATCH), sql<boolean>`"after"->'columns'->'id' ? ${id}`]),
      ]),
    );
  }
  if (f.actorId) q = q.where("actor_id", "=", f.actorId);
  if (f.after) q = q.where("id", f.afterInclusive ? "<=" : "<", f.after);
  return q.execute();
}

/** The entity types recorded at these sites, for a filter's choices. */
export async function auditEntityTypes(db: Kysely<DB>, siteIds: string[]): Promise<string[]> {
  const rows = await db
    .selectFrom("audit_events")
    .select("entity_type")
    .distinct()
    .where("site_id", "in", siteIds)
    .orderBy("entity_type")
    .execute();
  // A batch record is shown as the rows it lists.
  const types = rows.map((r) =>
    r.entity_type === OBSERVATION_BATCH ? OBSERVATION_BATCH_ROW_TYPE : r.entity_type,
  );
  return [...new Set(types)].sort();
}

/** The records of one entity type (any case) with audit events at these sites, latest changed first. */
export async function auditedEntities(
  db: Kysely<DB>,
  siteIds: string[],
  entityType: string,
  limit: number,
): Promise<{ entityId: string; patientId: string | null; lastAt: Date }[]> {
  if (siteIds.length === 0) return [];
  const type = entityType.toLowerCase();
  // The rows of batch records count as records of their type (decision 0040).
  const batchRows =
    BATCH_TYPE_OF[type] === undefined
      ? sql``
      : sql`UNION ALL
        SELECT r.id, coalesce(e."after"->'same'->>'patientId', e."after"->'columns'->'patientId'->>(r.n - 1)::int), e.at, e.id
          FROM audit_events e
          CROSS JOIN LATERAL jsonb_array_elements_text(e."after"->'columns'->'id') WITH ORDINALITY AS r (id, n)
         WHERE e.site_id IN (${sql.join(siteIds)}) AND e.entity_type = ${BATCH_TYPE_OF[type]}`;
  const { rows } = await sql<{ entity_id: string; patient_id: string | null; last_at: Date | string }>`
    SELECT entity_id,
           -- the patient a record belongs to, as its latest audited state names it (for a readable label)
           (array_agg(patient_id ORDER BY id DESC))[1] AS patient_id,
           max(at) AS last_at
      FROM (
        SELECT entity_id, coalesce("after"->>'patientId', "before"->>'patientId') AS patient_id, at, id
          FROM audit_events
         WHERE site_id IN (${sql.join(siteIds)}) AND lower(entity_type) = ${type}
        ${batchRows}
      ) AS records (entity_id, patient_id, at, id)
     GROUP BY entity_id
     ORDER BY max(at) DESC
     LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({ entityId: r.entity_id, patientId: r.patient_id, lastAt: new Date(r.last_at) }));
}
