/**
 * The audit trail: one append-only row per change (and per identity read), written in the same
 * transaction as the change it records. Reading it is for admins and monitors of the site.
 */
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { type BatchEntry, batchEntries, OBSERVATION_BATCH_ROW_TYPE } from "../domain/audit-batch.ts";
import { DomainError } from "../domain/errors.ts";
import {
  type AuditFilter,
  auditEntityTypes,
  auditedEntities,
  insertAuditEvents,
  listAuditEvents,
} from "../store/audit-events.ts";
import { patientsOfRecords, readableNames } from "../store/readable-names.ts";
import type { AuditEventRow, DB } from "../store/schema.ts";
import { listUsersAtSites } from "../store/users.ts";
import { readableSites } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { decodeCursor, encodeCursor, type Page } from "./pagination.ts";

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
  /**
   * study data leaving the system: services/sdtm-export.ts, each bulk export file downloaded
   * (fhir-bulk-export.ts), and `v2v export fhir` at its start (fhir-export.ts, entity `fhir-export`)
   */
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
  /** the actor's display name (actorName is the username recorded at the time) */
  actorDisplayName: string;
  /** the record as people know it: a subject code, a DIN, a user's name, or the subject code of the patient it belongs to */
  entityLabel: string | null;
  /** readable names of the ids in entityId, before and after (users, patients, product units) */
  names: Record<string, string>;
  /**
   * set when this entry is one row of a batch record (decision 0040): `id` is then the batch
   * record's, shared by its rows, and this is the row's position in it and the record's row count
   */
  batch: { item: number; count: number } | null;
}

/** Every string in a JSON value (ids sit in fields such as patientId, recordedBy, signatures[].userId). */
function stringsIn(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === "string") into.add(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, into);
  else if (value && typeof value === "object") for (const v of Object.values(value)) stringsIn(v, into);
  return into;
}

const patientOf = (r: AuditEventRow): string | null => {
  for (const side of [r.after, r.before])
    if (side && typeof side === "object" && typeof (side as { patientId?: unknown }).patientId === "string")
      return (side as { patientId: string }).patientId;
  return null;
};

const toDto = (
  r: AuditEventRow,
  known: Map<string, { name: string }>,
  owners: Map<string, string>,
  batch: { item: number; count: number } | null,
): AuditEventDto => {
  const names: Record<string, string> = {};
  for (const id of stringsIn([r.entity_id, r.before, r.after], new Set())) {
    const n = known.get(id);
    if (n) names[id] = n.name;
  }
  const patient = patientOf(r) ?? owners.get(r.entity_id) ?? null;
  return {
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
    actorDisplayName: (r.actor_id && known.get(r.actor_id)?.name) || r.actor_name,
    entityLabel: known.get(r.entity_id)?.name ?? (patient ? (known.get(patient)?.name ?? null) : null),
    names,
    batch,
  };
};

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
  const cursor = auditCursor(q.cursor);
  const filter: AuditFilter = { siteIds, limit: q.limit };
  if (cursor) {
    filter.after = cursor.id;
    filter.afterInclusive = cursor.item !== null;
  }
  if (q.entity) filter.entityType = q.entity;
  if (q.entityId) filter.entityId = q.entityId;
  if (q.actorId) filter.actorId = q.actorId;
  const rows = await listAuditEvents(ctx.db, filter);
  // A batch record becomes one entry per row it lists (only the row asked for, given an entity
  // id); a page may end inside one, and its cursor then names the next row.
  const entries: { row: AuditEventRow; batch: BatchEntry | null }[] = [];
  for (const r of rows) {
    const listed = batchEntries(r.entity_type, r.after);
    if (!listed) {
      // (a cursor names a row only inside a batch record, so this record was not shown yet)
      entries.push({ row: r, batch: null });
      continue;
    }
    for (const b of listed) {
      if (q.entityId && b.entityId !== q.entityId) continue;
      if (cursor?.item != null && cursor.id === r.id && b.item <= cursor.item) continue;
      entries.push({
        row: {
          ...r,
          entity_type: OBSERVATION_BATCH_ROW_TYPE,
          entity_id: b.entityId,
          before: null,
          after: b.after,
        },
        batch: b,
      });
    }
    if (entries.length > q.limit) break;
  }
  const shown = entries.slice(0, q.limit);
  const ids = new Set<string>();
  for (const { row: r } of shown) {
    if (r.actor_id) ids.add(r.actor_id);
    stringsIn([r.entity_id, r.before, r.after], ids);
  }
  const owners = await patientsOfRecords(
    ctx.db,
    shown.filter((e) => !patientOf(e.row)).map((e) => e.row.entity_id),
  );
  const known = await readableNames(ctx.db, [...ids, ...owners.values()]);
  const last = shown.at(-1);
  return {
    items: shown.map((e) =>
      toDto(e.row, known, owners, e.batch ? { item: e.batch.item, count: e.batch.count } : null),
    ),
    nextCursor:
      entries.length > q.limit && last
        ? encodeCursor(
            // inside a batch record only while rows of it remain (so the next page reads it again)
            last.batch && !q.entityId && last.batch.item < last.batch.count - 1
              ? [last.row.id, String(last.batch.item)]
              : [last.row.id],
          )
        : null,
  };
}

/** An audit page's cursor: the last record shown, and the last row shown when that was a batch record. */
function auditCursor(cursor: string | undefined): { id: string; item: number | null } | null {
  if (cursor === undefined) return null;
  try {
    const [id, item] = decodeCursor(cursor, ["uuid", "count"])!;
    return { id, item: Number(item) };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
  }
  const [id] = decodeCursor(cursor, ["uuid"])!;
  return { id, item: null };
}

export interface AuditFilterChoices {
  /** every entity type recorded at the readable sites */
  entityTypes: string[];
  /** with an entity type: its records (latest changed first, at most 500), each with a readable label */
  entities: { id: string; label: string }[];
  /** the people who may appear as actors: users of the readable sites */
  actors: { id: string; name: string }[];
}

/** The audit view's filter choices: types, records of a type and actors to pick from lists. */
export async function auditFilterChoices(
  ctx: ServiceContext,
  q: { siteId?: string; entity?: string },
): Promise<AuditFilterChoices> {
  const siteIds = readableSites(ctx.actor, "audit:read", q.siteId);
  const entityTypes = await auditEntityTypes(ctx.db, siteIds);
  const records = q.entity ? await auditedEntities(ctx.db, siteIds, q.entity, 500) : [];
  const users = await listUsersAtSites(ctx.db, siteIds);
  const owners = await patientsOfRecords(
    ctx.db,
    records.filter((r) => !r.patientId).map((r) => r.entityId),
  );
  const patientOfRecord = (r: (typeof records)[number]) => r.patientId ?? owners.get(r.entityId) ?? null;
  const known = await readableNames(
    ctx.db,
    records.flatMap((r) => [r.entityId, patientOfRecord(r) ?? ""]),
  );
  const entities = records.map((r) => {
    const own = known.get(r.entityId)?.name;
    const owner = patientOfRecord(r);
    const patient = owner ? known.get(owner)?.name : undefined;
    const changed = `last changed ${r.lastAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
    // A record that is gone (an open visit dropped when the infusion date changed) has no patient to name.
    const label = own ?? `${patient ?? `no longer in the record, id ${r.entityId.slice(0, 8)}`} · ${changed}`;
    return { id: r.entityId, label };
  });
  const actors = new Map<string, string>();
  for (const u of users) actors.set(u.id, u.display_name || u.username);
  return {
    entityTypes,
    entities,
    actors: [...actors].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
  };
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
