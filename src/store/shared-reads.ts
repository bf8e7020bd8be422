/**
 * Reads shared by the requests that ask for the same one at once, on PostgreSQL (decision 0064).
 * Every request to a held answer reads its versions (decision 0050): one statement, the same for
 * every request to that route and site. Under load, many such requests are waiting at any moment,
 * and each paid a round trip and the server's and the database's work for it. Here a request
 * whose read is already on its way waits for it to come back and then shares the next one, sent
 * for all who asked meanwhile: one statement a round trip instead of one a request.
 *
 * Why no answer gets older for it: a request never shares a read that was sent before it asked.
 * The read it gets is sent after it arrived, so under READ COMMITTED (a snapshot per statement)
 * it sees every write committed before the request came, as a read of its own would. It may wait
 * for one read more than alone.
 *
 * Only the pool's own handle shares; a transaction's handle is another object and reads for
 * itself, in its own snapshot. PGlite keeps its reads until a write instead (reads-until-write.ts).
 */

/**
 * The one rule both classes below keep: a read is given only to callers who asked before it was
 * sent. One read in flight, and one queued behind it, sent when the one in flight is answered
 * (success or not) for everyone who asked meanwhile.
 */
class ReadAfterAsking<T> {
  private inFlight: Promise<T> | null = null;
  private queued: Promise<T> | null = null;

  get idle(): boolean {
    return this.inFlight === null && this.queued === null;
  }

  /** A read sent after this call; `send` sends it (every caller's `send` sends the same read). */
  read(send: () => Promise<T>): Promise<T> {
    if (this.queued) return this.queued;
    if (!this.inFlight) return this.start(send);
    const sendQueued = () => {
      this.queued = null;
      return this.start(send);
    };
    this.queued = this.inFlight.then(sendQueued, sendQueued);
    return this.queued;
  }

  private start(send: () => Promise<T>): Promise<T> {
    const result = send();
    this.inFlight = result;
    const done = () => {
      if (this.inFlight === result) this.inFlight = null;
    };
    result.then(done, done);
    return result;
  }
}

/** Reads shared per key (the statement and its values). */
export class SharedReads {
  private readonly byKey = new Map<string, ReadAfterAsking<unknown>>();

  /** `read`'s result, from a read sent after this call; `key` names the statement and its values. */
  read<T>(key: string, read: () => Promise<T>): Promise<T> {
    let reads = this.byKey.get(key) as ReadAfterAsking<T> | undefined;
    if (!reads) {
      reads = new ReadAfterAsking<T>();
      this.byKey.set(key, reads as ReadAfterAsking<unknown>);
    }
    const result = reads.read(read);
    // Nothing in flight or queued under the key once this is answered: forgotten.
    const forget = () => {
      if (reads.idle && this.byKey.get(key) === reads) this.byKey.delete(key);
    };
    result.then(forget, forget);
    return result;
  }
}

/**
 * One read for many ids, shared the same way: a caller whose read of this kind is in flight (for
 * any ids) waits for it, then shares the next one, sent for every id asked for meanwhile. The
 * timeline reads its patient's versions this way: fifty requests for fifty patients at once
 * share a statement, where sharing by key would share only requests for the same patient.
 */
export class BatchedReads<V> {
  private readonly reads = new ReadAfterAsking<ReadonlyMap<string, V>>();
  /** The ids asked for since the last read was sent: the next read's. */
  private asked = new Set<string>();

  constructor(private readonly readMany: (ids: string[]) => Promise<ReadonlyMap<string, V>>) {}

  /** The value for `id` (undefined when the read found none), from a read sent after this call. */
  read(id: string): Promise<V | undefined> {
    this.asked.add(id);
    return this.reads
      .read(() => {
        const ids = [...this.asked];
        this.asked = new Set();
        return this.readMany(ids);
      })
      .then((found) => found.get(id));
  }
}

const sharedOf = new WeakMap<object, SharedReads>();
const batchedOf = new WeakMap<object, Map<string, BatchedReads<unknown>>>();

/** Gives `db` (the pool's own handle, not a transaction's) reads shared while in flight. */
export function shareReads(db: object, reads: SharedReads): void {
  sharedOf.set(db, reads);
}

/** The shared reads of `db`, if it shares them. */
export const sharedReadsOf = (db: object): SharedReads | undefined => sharedOf.get(db);

/**
 * `db`'s batched reads of one kind (`name`), made on first use with `readMany` (which must read
 * on `db`). For a handle many callers use at once: PostgreSQL's pool, and PGlite's, whose reads
 * are kept until a write (reads-until-write.ts decides which handles batch).
 */
export function batchedReadsOf<V>(
  db: object,
  name: string,
  readMany: (ids: string[]) => Promise<ReadonlyMap<string, V>>,
): BatchedReads<V> {
  let kinds = batchedOf.get(db);
  if (!kinds) {
    kinds = new Map();
    batchedOf.set(db, kinds);
  }
  let batched = kinds.get(name) as BatchedReads<V> | undefined;
  if (!batched) {
    batched = new BatchedReads(readMany);
    kinds.set(name, batched as BatchedReads<unknown>);
  }
  return batched;
}
