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

/** Reads shared per key: one in flight, and one queued behind it for those who came meanwhile. */
export class SharedReads {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly queued = new Map<string, Promise<unknown>>();

  /** `read`'s result, from a read sent after this call; `key` names the statement and its values. */
  read<T>(key: string, read: () => Promise<T>): Promise<T> {
    const queued = this.queued.get(key);
    if (queued) return queued as Promise<T>;
    const sent = this.inFlight.get(key);
    if (!sent) return this.send(key, read);
    // Sent once the read in flight is answered (success or not), for everyone queued by then.
    const next = sent.then(
      () => this.sendQueued(key, read),
      () => this.sendQueued(key, read),
    );
    this.queued.set(key, next);
    return next;
  }

  private sendQueued<T>(key: string, read: () => Promise<T>): Promise<T> {
    this.queued.delete(key);
    return this.send(key, read);
  }

  private send<T>(key: string, read: () => Promise<T>): Promise<T> {
    const result = read();
    this.inFlight.set(key, result);
    const done = () => {
      if (this.inFlight.get(key) === result) this.inFlight.delete(key);
    };
    result.then(done, done);
    return result;
  }
}

const sharedOf = new WeakMap<object, SharedReads>();

/** Gives `db` (the pool's own handle, not a transaction's) reads shared while in flight. */
export function shareReads(db: object, reads: SharedReads): void {
  sharedOf.set(db, reads);
}

/** The shared reads of `db`, if it shares them. */
export const sharedReadsOf = (db: object): SharedReads | undefined => sharedOf.get(db);
