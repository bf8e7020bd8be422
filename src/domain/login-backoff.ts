/**
 * Per-account backoff of password checks (docs/decisions/0005). The first four checks of a name
 * are free; the fifth and every later one without a success in between locks the name for
 * 30 s, then 1, 2, 4, 8 and at most 15 minutes. A name that saw no check for an hour starts over.
 *
 * This keeps online guessing far below OWASP ASVS 4.0 V2.2.1 (no more than 100 failed attempts per
 * hour on one account; here at most about a dozen) and NIST SP 800-63B §5.2.2 (limit consecutive
 * failed attempts, at most 100), while the lock a stranger can impose on a real user stays short.
 * The limit is per account, not per address: colleagues behind one hospital NAT do not lock each
 * other out, and an attacker changing addresses gains nothing.
 */

export const FREE_ATTEMPTS = 4;
export const FIRST_LOCK_MS = 30_000;
export const MAX_LOCK_MS = 15 * 60_000;
/** Attempts older than this (with no lock running) are forgotten. */
export const FORGET_AFTER_MS = 60 * 60_000;

/** How long the `attempts`-th check in a row locks the name (0: not at all). */
export function lockFor(attempts: number): number {
  if (attempts <= FREE_ATTEMPTS) return 0;
  const doublings = Math.min(attempts - FREE_ATTEMPTS - 1, 10);
  return Math.min(FIRST_LOCK_MS * 2 ** doublings, MAX_LOCK_MS);
}

export interface ThrottleState {
  attempts: number;
  lastAttemptAt: Date;
  lockedUntil: Date | null;
}

export type AttemptDecision =
  | { allowed: true; next: ThrottleState }
  | { allowed: false; retryAfterMs: number };

/**
 * Whether a password check may run now, and the state to store before running it (the check is
 * counted first, so parallel guesses cannot all pass before the first one fails).
 */
export function decideAttempt(state: ThrottleState | null, now: Date): AttemptDecision {
  const t = now.getTime();
  if (state?.lockedUntil && state.lockedUntil.getTime() > t)
    return { allowed: false, retryAfterMs: state.lockedUntil.getTime() - t };
  const fresh = !state || t - state.lastAttemptAt.getTime() >= FORGET_AFTER_MS;
  const attempts = fresh ? 1 : state.attempts + 1;
  const lock = lockFor(attempts);
  return {
    allowed: true,
    next: { attempts, lastAttemptAt: now, lockedUntil: lock ? new Date(t + lock) : null },
  };
}
