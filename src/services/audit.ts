/**
 * The audit trail: one append-only row per change (and per identity read), written in the same
 * transaction as the change it records. Reading it is for admins and monitors of the site.
 */
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { type AuditFilter, insertAuditEvents, listAuditEvents } from "../store/audit-events.ts";
import type { AuditEventRow, DB } from "../store/schema.ts";
import { readableSites } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";

export type AuditAction =
  | "create"
  | "update"
  | "delete"
  | "read-identity"
  | "login"
  | "login-failed"
  | "logout"
  | "token-create"
  | "token-revoke"
  /** an electronic signature (services/signatures.ts) */
  | "sign"
  /** study data leaving the system (services/sdtm-export.ts) */
  | "export";

export interface AuditEntry {
  action: AuditAction;
  entityType: string;
  entityId: string;
  siteId: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

export function appendAudit(
  db: Kysely<DB>,
  ctx: ServiceContext,
  entries: AuditEntry | AuditEntry[],
): Promise<void> {
  const at = ctx.now();
  const list = Array.isArray(entries) ? entries : [entries];
  return insertAuditEvents(
    db,
    list.map((e) => ({
      id: uuidv7(),
      at,
      actor_id: ctx.actor.userId,
      actor_name: ctx.actor.username,
      site_id: e.siteId,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId,
      before: json(e.before),
      after: json(e.after),
      reason: e.reason ?? null,
      request_id: ctx.requestId ?? null,
    })),
  );
}

export interface AuditEventDto {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string;
  siteId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
}

const toDto = (r: AuditEventRow): AuditEventDto => ({
  id: r.id,
  at: r.at.toISOString(),
  actorId: r.actor_id,
  actorName: r.actor_name,
  siteId: r.site_id,
  action: r.action,
  entityType: r.entity_type,
  entityId: r.entity_id,
  before: r.before,
  after: r.after,
  reason: r.reason,
  requestId: r.request_id,
});

export async function listAudit(
  ctx: ServiceContext,
  q: {
    siteId?: string;
    entity?: string;
    entityId?: string;
    actorId?: string;
    limit: number;
    cursor?: string;
  },
): Promise<Page<AuditEventDto>> {
  const siteIds = readableSites(ctx.actor, "audit:read", q.siteId);
  const after = decodeCursor(q.cursor, ["uuid"])?.[0];
  const filter: AuditFilter = { siteIds, limit: q.limit, after };
  if (q.entity) filter.entityType = q.entity;
  if (q.entityId) filter.entityId = q.entityId;
  if (q.actorId) filter.actorId = q.actorId;
  const rows = await listAuditEvents(ctx.db, filter);
  return toPage(rows, q.limit, (r) => [r.id], toDto);
}

/** Field-level difference, so an audit row shows exactly what an update changed. */
export function changedFields<T extends Record<string, unknown>>(
  before: T,
  after: T,
): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (key === "version" || key === "updatedAt") continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}
