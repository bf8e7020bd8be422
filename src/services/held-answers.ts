/**
 * Answers held in memory between requests while what they were computed from has not changed
 * (decision 0042's second addendum for cohort reports, decision 0050 for the vein-to-vein
 * metrics). The caller reads a digest of its inputs on every request — a version the database's
 * triggers bump with every write those inputs see — and an answer is reused only under the digest
 * it was computed under. Digests are read before the data, so an answer computed while a write
 * commits is held under the older digest and the next request computes again; a write from
 * another process is seen the same way. Held answers are frozen: a caller that changed one would
 * change every later answer. One map per database handle (test files and benchmarks open several).
 */
import type { Kysely } from "kysely";
import type { DB } from "../store/schema.ts";
import { type HeldAnswerTopic, type KeyedSite, siteVersionsAndSites } from "../store/site-versions.ts";

interface Held<T> {
  digest: string;
  answer: T;
}

export class HeldAnswers<T> {
  private readonly byDatabase = new WeakMap<object, Map<string, Held<T>>>();
  /**
   * Computations under way, by key, with the digest each was started under. After a write the
   * clients waiting on a list all miss at once: without this each computed the answer again (50
   * clients, 50 site feeds of 1.6 MB built side by side), and each then held its own copy.
   */
  private readonly computing = new WeakMap<object, Map<string, { digest: string; answer: Promise<T> }>>();

  /** `max`: answers kept per database; the one held longest without a new hold goes first. */
  constructor(private readonly max: number) {}

  /** The answer held for this key if computed under this digest. */
  get(db: object, key: string, digest: string): T | undefined {
    const held = this.byDatabase.get(db)?.get(key);
    return held && held.digest === digest ? held.answer : undefined;
  }

  /**
   * Whatever is held for this key, with the digest it was held under: for an answer brought up to
   * date from what changed since (the cohort report, decision 0055) rather than computed again.
   */
  latest(db: object, key: string): { digest: string; answer: T } | undefined {
    return this.byDatabase.get(db)?.get(key);
  }

  /**
   * The answer held under this digest, else `compute`'s, held from now on. Callers that miss while
   * the same key is being computed under the same digest wait for that computation and get its
   * answer (a held answer is the same for every reader allowed to ask: callers authorise before);
   * if it fails, they all get its error and the next caller computes again.
   */
  async getOrCompute(db: object, key: string, digest: string, compute: () => Promise<T>): Promise<T> {
    const held = this.get(db, key, digest);
    if (held !== undefined) return held;
    let underWay = this.computing.get(db);
    const pending = underWay?.get(key);
    if (pending && pending.digest === digest) return pending.answer;
    if (!underWay) {
      underWay = new Map();
      this.computing.set(db, underWay);
    }
    const started = { digest, answer: compute().then((answer) => this.hold(db, key, digest, answer)) };
    // A computation under a newer digest takes the key's place; this one still ends as it began.
    underWay.set(key, started);
    try {
      return await started.answer;
    } finally {
      if (underWay.get(key) === started) underWay.delete(key);
    }
  }

  /**
   * The answer held under the sites' `topic` version (store/site-versions.ts), else computed and
   * held. The version is read with the sites (code, name, zone) in one statement, before `read`
   * makes from them what the key names (their days) and before `compute` reads the records: the
   * order the header explains.
   */
  async atSites<C>(
    db: Kysely<DB>,
    at: { topic: HeldAnswerTopic; siteIds: string[] },
    read: (sites: readonly KeyedSite[]) => C | Promise<C>,
    keyOf: (context: C) => string,
    compute: (context: C) => Promise<T>,
  ): Promise<T> {
    const { versions, sites } = await siteVersionsAndSites(db, [at.topic], at.siteIds);
    const context = await read(sites);
    return this.getOrCompute(db, keyOf(context), versions[0]!, () => compute(context));
  }

  hold(db: object, key: string, digest: string, answer: T): T {
    const held = this.byDatabase.get(db) ?? new Map<string, Held<T>>();
    this.byDatabase.set(db, held);
    held.delete(key);
    // The map keeps insertion order: the first key is the answer held longest without a new hold.
    if (held.size >= this.max) held.delete(held.keys().next().value!);
    held.set(key, { digest, answer: deepFreeze(answer) });
    if (typeof answer === "object" && answer !== null) heldObjects.add(answer);
    return answer;
  }

  /** Drops what is held for this database, as a restart of the process does. */
  forget(db: object): void {
    this.byDatabase.delete(db);
  }
}

const heldObjects = new WeakSet<object>();

/**
 * Marks an answer made only of held answers' parts, and of values fixed by their keys, as held
 * itself: frozen, so its serialised text can be kept with it. The caller keeps it for as long as
 * those parts stand (the dashboard, composed of two held panels).
 */
export function holdComposed<T extends object>(answer: T): T {
  deepFreeze(answer);
  heldObjects.add(answer);
  return answer;
}

/**
 * Whether `value` is an answer some HeldAnswers holds (or held): deep-frozen, so anything computed
 * from it alone — its serialised response (http/openapi.ts) — can be kept as long as it lives.
 */
export const isHeldAnswer = (value: unknown): boolean =>
  typeof value === "object" && value !== null && heldObjects.has(value);

const freshOver = new WeakMap<object, { held: object; fresh: Readonly<Record<string, unknown>> }>();

/**
 * A deep-frozen part of a held answer sent with top-level fields of this request over it (a held
 * cohort report carries the instant it is answered at): the serialiser keeps the held part's
 * checked text and writes only these fields anew (http/openapi.ts).
 */
export function heldAnswerWith<T extends object>(held: T, fresh: Partial<T>): T {
  if (!Object.isFrozen(held)) throw new TypeError("heldAnswerWith: the answer is not held (frozen)");
  // Frozen as the held part is: what is sent is built from the parts, so a later change to this
  // object would not be sent.
  const sent = Object.freeze({ ...held, ...fresh });
  freshOver.set(sent, { held, fresh: Object.freeze({ ...fresh }) });
  return sent;
}

/** The held part and this request's fields of a value made by heldAnswerWith. */
export const heldAnswerParts = (value: unknown) =>
  typeof value === "object" && value !== null ? freshOver.get(value) : undefined;

/**
 * Freezes the value and everything it holds. Arrays by index and objects by `for…in`, with no
 * array of values made per object: a held cohort report at 10,000 patients is ~95,000 objects,
 * frozen in ~10–25 ms this way against ~35–65 ms through Object.values. Answers are plain data:
 * objects' own enumerable fields and arrays' items are walked (no typed arrays, nothing
 * inherited). A part found frozen is not walked: answers' parts are frozen here, with their own
 * parts (a report brought up to date holds most of the held report it came from), so a part
 * frozen shallowly elsewhere and then put in an answer would stay open below.
 */
function deepFreeze<T>(value: T): T {
  if (isOpen(value)) freezeParts(value);
  return value;
}

/** An object not frozen yet (a frozen one was frozen here with its parts). */
const isOpen = (value: unknown): value is object =>
  value !== null && typeof value === "object" && !Object.isFrozen(value);

function freezeParts(value: object): void {
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const part of value) if (isOpen(part)) freezeParts(part);
    return;
  }
  for (const key in value) {
    const part = (value as Record<string, unknown>)[key];
    if (isOpen(part)) freezeParts(part);
  }
}
