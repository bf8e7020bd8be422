/**
 * A report's reads in one REPEATABLE READ transaction that the database keeps read-only (decision
 * 0060), on either backend: a statement rather than Kysely's setAccessMode, which the PGlite
 * dialect drops without a word.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "./schema.ts";

export function readOnlyTransaction<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      await sql`SET TRANSACTION READ ONLY`.execute(trx);
      return fn(trx);
    });
}
