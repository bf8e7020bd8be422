/**
 * The stored row behind a bearer token or a session cookie (with its user and memberships), held
 * in memory for at most `HOLD_MS` between requests (decision 0057). Reading it was one of the two
 * statements every held page still ran, and at 50 clients it halved what the held routes served.
 *
 * What is held is the row, never the verdict: every request still checks revocation, expiry,
 * idleness and the user's state against the row with its own clock. A change this process makes
 * (a revoked token, a logout, a new membership) is seen by the next request, because the service
 * that made it calls `forgetHeldCredentials` once its transaction has committed; a read that began
 * before that call is not held (the generation it began under is gone). A change made by another
 * process — another app server on the same PostgreSQL, the command line, hand-written SQL — is seen
 * once the row has been held `HOLD_MS`: at most a second, the bound decision 0057 accepts.
 */

import { HeldAnswers } from "./held-answers.ts";

/** How long a row is trusted without reading it again. */
export const HOLD_MS = 1_000;
/** Rows held per database; the one held longest goes first (unknown secrets are never held). */
const MAX_HELD = 10_000;

/** Moves on every forget: rows are held under the generation they were read in, as their digest. */
let generation = 0;

/**
 * Drops every held credential row of every database in this process. Called after the commit of
 * anything that changes who a token or session acts as; a read still under way when it is called
 * is not held.
 */
export function forgetHeldCredentials(): void {
  generation += 1;
}

export class HeldCredentials<Row extends object> {
  private readonly held = new HeldAnswers<{ row: Row; heldAt: number }>(MAX_HELD);

  /**
   * The row for this secret's digest as held, if held under the current generation for less than
   * `HOLD_MS` by `now` (a clock set back reads again), else as `find` finds it, held from now on
   * when found.
   */
  async read(
    db: object,
    key: string,
    now: Date,
    find: () => Promise<Row | undefined>,
  ): Promise<Row | undefined> {
    const t = now.getTime();
    const held = this.held.get(db, key, String(generation));
    if (held && t >= held.heldAt && t - held.heldAt < HOLD_MS) return held.row;
    const began = generation;
    const row = await find();
    if (row !== undefined && began === generation) this.held.hold(db, key, String(began), { row, heldAt: t });
    return row;
  }

  /**
   * Replaces a held row with what this process just wrote to it (the last-used time), keeping
   * when it was read: the write does not make the rest of the row any fresher.
   */
  update(db: object, key: string, row: Row): void {
    const held = this.held.get(db, key, String(generation));
    if (held) this.held.hold(db, key, String(generation), { row, heldAt: held.heldAt });
  }
}
