import type { Kysely } from "kysely";
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
  if (f.entityType) q = q.where("entity_type", "=", f.entityType);
  if (f.entityId) q = q.where("entity_id", "=", f.entityId);
  if (f.actorId) q = q.where("actor_id", "=", f.actorId);
  if (f.after) q = q.where("id", "<", f.after);
  return q.execute();
}
