/**
 * The update path shared by every versioned record: load, authorize, check the version, apply the
 * changes, and audit the before/after difference with the reason, all in one transaction.
 */

import type { Kysely, Selectable } from "kysely";
import { DomainError, notFound } from "../domain/errors.ts";
import type { Permission } from "../domain/roles.ts";
import type { DB } from "../store/schema.ts";
import { findById, updateVersioned, type VersionedTable } from "../store/versioned.ts";
import { checkVersion, type ExpectedVersion, requireAt } from "./access.ts";
import { appendAudit, changedFields } from "./audit.ts";
import { inTransaction, type ServiceContext, within } from "./context.ts";

export interface UpdateSpec<T extends VersionedTable, Dto extends Record<string, unknown>> {
  table: T;
  entity: string;
  id: string;
  permission: Permission;
  /** site that owns the row (rows without site_id, e.g. studies, resolve it themselves) */
  siteOf: (row: Record<string, unknown>) => string | Promise<string>;
  toDto: (row: never) => Dto;
  /**
   * Column changes; may throw DomainError after seeing the current row. Any query it makes must
   * use `txCtx` (the transaction): PGlite has a single connection, so a query outside the open
   * transaction would wait for it forever.
   */
  changes: (
    current: never,
    txCtx: ServiceContext,
  ) => Record<string, unknown> | Promise<Record<string, unknown>>;
  expected: ExpectedVersion | undefined;
  reason: string;
}

export async function updateRecord<T extends VersionedTable, Dto extends Record<string, unknown>>(
  ctx: ServiceContext,
  spec: UpdateSpec<T, Dto>,
): Promise<Dto> {
  return inTransaction(ctx, async (db) => {
    const row = (await findById(db, spec.table, spec.id)) as Record<string, unknown> | undefined;
    if (!row) throw notFound(spec.entity, spec.id);
    const siteId = await spec.siteOf(row);
    requireAt(ctx.actor, siteId, spec.permission, spec.entity, spec.id);
    checkVersion(row.version as number, spec.expected);
    const changes = await spec.changes(row as never, within(ctx, db));
    const updated = await updateVersioned(db, spec.table, spec.id, row.version as number, changes, ctx.now());
    if (!updated)
      throw new DomainError(
        "conflict",
        "The record changed while you were saving it. Nothing was written; reload and retry.",
      );
    const before = spec.toDto(row as never);
    const after = spec.toDto(updated as never);
    const diff = changedFields(before, after);
    await appendAudit(db, ctx, {
      action: "update",
      entityType: spec.entity,
      entityId: spec.id,
      siteId,
      before: diff.before,
      after: diff.after,
      reason: spec.reason,
    });
    return after;
  });
}

/** Drops keys whose value is undefined so a PATCH changes only what it names. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type SiteScopedTable =
  | "conditions"
  | "observations"
  | "medications"
  | "clinical_events"
  | "enrolments"
  | "assessments"
  | "adverse_events";

/**
 * Reads one site-scoped record: 404 when it does not exist or sits at a site where the actor has
 * no role, 403 when the actor's role there may not read it.
 */
export async function readScoped<T extends SiteScopedTable, Dto>(
  ctx: ServiceContext,
  table: T,
  entity: string,
  id: string,
  permission: Permission,
  toDto: (row: Selectable<DB[T]>) => Dto,
): Promise<Dto> {
  const row = await findById(ctx.db, table, id);
  if (!row) throw notFound(entity, id);
  requireAt(ctx.actor, (row as { site_id: string }).site_id, permission, entity, id);
  return toDto(row);
}

/** Audits a row just inserted as its creation, in the caller's transaction, and returns its DTO. */
export async function auditCreated<R extends { id: string; site_id: string }, Dto>(
  db: Kysely<DB>,
  ctx: ServiceContext,
  entity: string,
  row: R,
  toDto: (row: R) => Dto,
): Promise<Dto> {
  const dto = toDto(row);
  await appendAudit(db, ctx, {
    action: "create",
    entityType: entity,
    entityId: row.id,
    siteId: row.site_id,
    after: dto,
  });
  return dto;
}
