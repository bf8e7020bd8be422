/**
 * What every use case receives: the database, who is acting, and the clock. Passing the clock in
 * keeps session-expiry and audit times testable without sleeping.
 */
import type { Kysely, Transaction } from "kysely";
import type { Role } from "../domain/roles.ts";
import { readOnlyTransaction } from "../store/read-only-transaction.ts";
import type { DB } from "../store/schema.ts";

export interface SiteMembership {
  siteId: string;
  role: Role;
}

/** The reserved user (migration 0001) that system actions are attributed to. */
export const SYSTEM_USER_ID = "00000000-0000-7000-8000-000000000000";

export interface Actor {
  userId: string;
  username: string;
  memberships: SiteMembership[];
}

export interface ServiceContext {
  db: Kysely<DB>;
  /** where reports and exports read (Database.reports, decision 0060); `db` when not given */
  reports?: Kysely<DB>;
  actor: Actor;
  now: () => Date;
  requestId?: string;
}

export const systemActor = (memberships: SiteMembership[] = []): Actor => ({
  userId: SYSTEM_USER_ID,
  username: "system",
  memberships,
});

/**
 * Runs `fn` in one transaction: the write and its audit record commit together or not at all.
 * Inside an existing transaction (the demo loader batches many use cases) it joins that one.
 */
export async function inTransaction<T>(
  ctx: ServiceContext,
  fn: (trx: Transaction<DB> | Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx.db);
  return ctx.db.transaction().execute((trx) => fn(trx));
}

/**
 * Runs a report's reads in one read-only transaction on the reports' connection (decision 0060):
 * one snapshot (REPEATABLE READ), and the database refuses any write in it, on either backend.
 * What the report writes (its audit record) goes through `ctx.db` afterwards. Inside an existing
 * transaction it reads there, as `inTransaction` joins one.
 */
export async function readOnlySnapshot<T>(
  ctx: ServiceContext,
  fn: (trx: Transaction<DB> | Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx.db);
  return readOnlyTransaction(reportsReader(ctx), fn);
}

/**
 * Where a report reads when its statements need no one snapshot (the cohort report, whose reads
 * are safe in order and run side by side): the reports' connection, or the caller's transaction
 * when it is in one.
 */
export const reportsReader = (ctx: ServiceContext): Kysely<DB> =>
  ctx.db.isTransaction ? ctx.db : (ctx.reports ?? ctx.db);

/** A context whose queries run inside `trx`. */
export const within = (ctx: ServiceContext, trx: Kysely<DB>): ServiceContext => ({ ...ctx, db: trx });
