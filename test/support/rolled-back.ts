/**
 * Writes a test makes only to look at what the database does with them, then throws away: the
 * transaction is rolled back whatever `check` saw, so the shared fixture stays as it was.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../src/store/schema.ts";

class RolledBack extends Error {}

/** Runs `check` in a transaction that is always rolled back; rethrows what `check` threw. */
export async function rolledBack(
  db: Kysely<DB>,
  check: (trx: Transaction<DB>) => Promise<void>,
): Promise<void> {
  await db
    .transaction()
    .execute(async (trx) => {
      await check(trx);
      throw new RolledBack();
    })
    .catch((e: unknown) => {
      if (!(e instanceof RolledBack)) throw e;
    });
}

/**
 * The error `write` fails with, taken back to a savepoint so the transaction goes on (PostgreSQL
 * refuses every statement of a transaction after a failed one). Fails the test if `write` succeeds.
 */
export async function refusal(trx: Transaction<DB>, write: () => Promise<unknown>): Promise<unknown> {
  await sql`SAVEPOINT refusal`.execute(trx);
  try {
    await write();
  } catch (e) {
    await sql`ROLLBACK TO SAVEPOINT refusal`.execute(trx);
    return e;
  }
  throw new Error("the write was expected to be refused, and it was not");
}
