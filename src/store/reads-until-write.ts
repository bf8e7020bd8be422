/**
 * Reads whose results are kept until the next statement that may write, on a database that only
 * this process writes: the embedded PGlite (decision 0063). A held answer asked again costs one
 * statement, the read of its versions (decision 0050); on PGlite that statement runs in the
 * server's own thread (~0.55 ms), and under load it is the whole of what the database does, so it
 * caps a held route at the rate PGlite runs it. Nothing can change what it reads without a
 * statement of this process's: PGlite has one connection, in this process, whose data directory
 * no other process opens (store/data-dir-lock.ts). So its result stands until the next statement
 * that is not a plain SELECT, and is answered again from memory until then.
 *
 * Why it is safe, on the one connection the driver serialises (a transaction holds it until its
 * COMMIT or ROLLBACK): a statement is seen when it has run, so a write is seen once its effects
 * are committed, or, in a transaction, again at the COMMIT. A read is kept from the moment it is
 * sent, and every write drops everything kept, so a read sent before a write is not used after
 * it, whichever state it saw; a read sent after a write waits for the connection behind it.
 *
 * PostgreSQL has no such cache: other processes, and a replica's replay, change what is read.
 * There a read is only shared by the requests that ask for it at once (store/shared-reads.ts).
 */

import { batchedReadsOf, sharedReadsOf } from "./shared-reads.ts";

/**
 * A SELECT, or a WITH whose parts are all SELECTs, writes nothing: our triggers fire on writes,
 * and none of our functions called from a SELECT writes. A WITH naming INSERT, UPDATE, DELETE or
 * MERGE anywhere (a data-modifying part, or only the word) counts as a write, as do a row lock
 * (FOR UPDATE / SHARE) and SELECT … INTO; counting a read as a write costs one statement, never a
 * stale answer.
 */
export function isPlainRead(statement: string): boolean {
  const body = statement.replace(/^\s*(?:\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*/, "");
  if (/\bfor\s+(?:update|no\s+key\s+update|share|key\s+share)\b/i.test(body)) return false;
  if (/^select\b/i.test(body)) return !/\binto\b/i.test(body); // SELECT … INTO makes a table
  return /^with\b/i.test(body) && !/\b(?:insert|update|delete|merge)\b/i.test(body);
}

export class ReadsUntilWrite {
  private readonly kept = new Map<string, Promise<unknown>>();

  /** `max`: reads kept at once; past it, all are dropped (they are one statement each to redo). */
  constructor(private readonly max = 1024) {}

  /** Every statement run on the database, once it has run (successful or not). */
  statementRan(statement: string): void {
    if (!isPlainRead(statement)) this.wrote();
  }

  /** A write outside the statements seen above (a script, a COPY). */
  wrote(): void {
    this.kept.clear();
  }

  /** `read`'s result, kept under `key` until something may have written. */
  read<T>(key: string, read: () => Promise<T>): Promise<T> {
    const found = this.kept.get(key);
    if (found) return found as Promise<T>;
    const result = read();
    if (this.kept.size >= this.max) this.kept.clear();
    // Kept as it is sent, not once it is answered: a write meanwhile drops it.
    this.kept.set(key, result);
    // A failed read is not kept.
    result.catch(() => {
      if (this.kept.get(key) === result) this.kept.delete(key);
    });
    return result;
  }
}

const readsOf = new WeakMap<object, ReadsUntilWrite>();

/** Gives `db` (the database's own handle, not a transaction's) its kept reads. */
export function keepReadsUntilWrite(db: object, reads: ReadsUntilWrite): void {
  readsOf.set(db, reads);
}

/**
 * `read`'s result, kept until the next write where `db` has kept reads (PGlite's handle); on
 * PostgreSQL's pool, shared with the requests asking for it at the same moment
 * (store/shared-reads.ts); run every time inside a transaction, whose handle is another object.
 */
export function readUntilWrite<T>(db: object, key: string, read: () => Promise<T>): Promise<T> {
  const reads = readsOf.get(db);
  if (reads) return reads.read(key, read);
  const shared = sharedReadsOf(db);
  return shared ? shared.read(key, read) : read();
}

/**
 * The value for `id` of a read of many ids of one kind (`readMany`, which reads on `db`), or
 * undefined where it finds none. On PGlite it is kept per id until the next write, and the ids
 * missed at one moment are read in one statement: after a write, fifty requests for fifty
 * patients' timelines ran fifty statements back to back in the server's thread (~70–120 ms at
 * 10,000 patients, 2026-12-08), one for all of them takes ~7 ms. Batching keeps the rule above:
 * an id's read is kept from when it is asked, and the statement that answers it is sent after
 * (shared-reads.ts: a read is given only to callers who asked before it was sent), so a write
 * before that statement has run drops the id, and one before the ask is seen by it. On
 * PostgreSQL's pool the reads are batched the same way and kept for nobody; in a transaction
 * each is its own.
 */
export function readManyUntilWrite<V>(
  db: object,
  kind: string,
  id: string,
  readMany: (ids: string[]) => Promise<ReadonlyMap<string, V>>,
): Promise<V | undefined> {
  const reads = readsOf.get(db);
  if (!reads && !sharedReadsOf(db)) return readMany([id]).then((found) => found.get(id));
  const batched = batchedReadsOf(db, kind, readMany);
  return reads ? reads.read(`${kind}\u0000${id}`, () => batched.read(id)) : batched.read(id);
}

/** Drops what `db` keeps, as a write would: for a test that must see the version read itself. */
export function dropKeptReads(db: object): void {
  readsOf.get(db)?.wrote();
}
