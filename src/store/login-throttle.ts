/** Per-username backoff of password checks (migration 0010, domain/login-backoff.ts). */
import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

type ThrottleRow = { username: string; attempts: number; last_attempt_at: Date; locked_until: Date | null };

/**
 * Stores `first` when the name has no row yet and returns true; false when a row exists (a
 * concurrent first attempt waits here for the other to commit, then sees its row).
 */
export async function insertFirstAttempt(db: Kysely<DB>, first: ThrottleRow): Promise<boolean> {
  const rows = await db
    .insertInto("login_throttle")
    .values(first)
    .onConflict((oc) => oc.column("username").doNothing())
    .returning("username")
    .execute();
  return rows.length > 0;
}

/** The name's row, locked until the transaction ends. */
export const lockThrottleRow = (db: Kysely<DB>, username: string) =>
  db.selectFrom("login_throttle").selectAll().where("username", "=", username).forUpdate().executeTakeFirst();

export const updateThrottle = (db: Kysely<DB>, row: ThrottleRow) =>
  db
    .updateTable("login_throttle")
    .set({ attempts: row.attempts, last_attempt_at: row.last_attempt_at, locked_until: row.locked_until })
    .where("username", "=", row.username)
    .execute();

export const clearThrottle = (db: Kysely<DB>, username: string) =>
  db.deleteFrom("login_throttle").where("username", "=", username).execute();

/** Forgets names that saw no check since `before` and are not locked (most are mistyped names). */
export const pruneThrottle = (db: Kysely<DB>, before: Date) =>
  db
    .deleteFrom("login_throttle")
    .where("last_attempt_at", "<", before)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", before)]))
    .execute();
