import { type Kysely, sql } from "kysely";
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

export interface AuditFilter {
  siteIds: string[];
  entityType?: string;
  entityId?: string;
  actorId?: string;
  after?: string; // cursor: id of the last row seen (UUIDv7 ids sort by time)
  limit: number;
}

export function listAuditEvents(db: Kysely<DB>, f: AuditFilter) {
  let q = db
    .selectFrom("audit_events")
    .selectAll()
    .where("site_id", "in", f.siteIds)
    .orderBy("id", "desc")
    .limit(f.limit + 1);
  // Any case: "Patient" finds "patient" (people type what they read, not the stored spelling).
  if (f.entityType) q = q.where(sql`lower(entity_type)`, "=", f.entityType.toLowerCase());
  if (f.entityId) q = q.where("entity_id", "=", f.entityId);
  if (f.actorId) q = q.where("actor_id", "=", f.actorId);
  if (f.after) q = q.where("id", "<", f.after);
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
  return rows.map((r) => r.entity_type);
}

/** The records of one entity type (any case) with audit events at these sites, latest changed first. */
export async function auditedEntities(
  db: Kysely<DB>,
  siteIds: string[],
  entityType: string,
  limit: number,
): Promise<{ entityId: string; patientId: string | null; lastAt: Date }[]> {
  const rows = await db
    .selectFrom("audit_events")
    .select([
      "entity_id",
      // The patient a record belongs to, as its latest audited state names it (for a readable label).
      sql<
        string | null
      >`(array_agg(coalesce("after"->>'patientId', "before"->>'patientId') ORDER BY id DESC))[1]`.as(
        "patient_id",
      ),
      sql<Date>`max("at")`.as("last_at"),
    ])
    .where("site_id", "in", siteIds)
    .where(sql`lower(entity_type)`, "=", entityType.toLowerCase())
    .groupBy("entity_id")
    .orderBy(sql`max("at")`, "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ entityId: r.entity_id, patientId: r.patient_id, lastAt: new Date(r.last_at) }));
}
