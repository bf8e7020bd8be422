/**
 * A writer whose transaction stays open after its writes until the test commits it: for the
 * PostgreSQL tests in which another writer commits in between (PGlite has one connection).
 */
import type { Kysely } from "kysely";
import type { DB } from "../../src/store/schema.ts";

export interface OpenTransaction {
  /** Resolves once the writes are done and the transaction waits; rejects with their error. */
  written: Promise<void>;
  /** Lets the transaction commit and waits for it. */
  commit: () => Promise<void>;
  /** For `finally`: lets it commit if it is still open and waits, whatever happened. */
  close: () => Promise<void>;
}

export function transactionLeftOpen(
  db: Kysely<DB>,
  write: (trx: Kysely<DB>) => Promise<unknown>,
): OpenTransaction {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let wrote!: () => void;
  const hasWritten = new Promise<void>((resolve) => {
    wrote = resolve;
  });
  const done = db.transaction().execute(async (trx) => {
    await write(trx);
    wrote();
    await held;
  });
  return {
    written: Promise.race([hasWritten, done]),
    commit: async () => {
      release();
      await done;
    },
    close: async () => {
      release();
      await done.catch(() => undefined);
    },
  };
}
