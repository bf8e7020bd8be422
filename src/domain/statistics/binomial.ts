/**
 * The exact (Clopper–Pearson) confidence interval of a proportion x / n (Clopper CJ, Pearson ES.
 * Biometrika 1934;26:404–413), as R's binom.test(x, n)$conf.int gives it:
 *   lower = qbeta(α/2, x, n − x + 1) (0 when x = 0), upper = qbeta(1 − α/2, x + 1, n − x) (1 when x = n).
 * With n = 0 there is no proportion: every value is null.
 */
import { qbeta } from "./distributions.ts";
import type { Estimate } from "./kaplan-meier.ts";

export interface Proportion extends Estimate {
  count: number;
  total: number;
}

export function clopperPearson(count: number, total: number, confLevel = 0.95): Proportion {
  if (!Number.isInteger(count) || !Number.isInteger(total) || count < 0 || count > total)
    throw new RangeError(`clopperPearson: need integers 0 ≤ count ≤ total, got ${count} of ${total}`);
  if (total === 0) return { count, total, estimate: null, lower: null, upper: null };
  const key = `${count}/${total}/${confLevel}`;
  let bounds = BOUNDS.get(key);
  if (bounds === undefined) {
    const alpha = 1 - confLevel;
    bounds = [
      count === 0 ? 0 : qbeta(alpha / 2, count, total - count + 1),
      count === total ? 1 : qbeta(1 - alpha / 2, count + 1, total - count),
    ];
    if (BOUNDS.size >= MAX_BOUNDS) BOUNDS.clear();
    BOUNDS.set(key, bounds);
  }
  return { count, total, estimate: count / total, lower: bounds[0], upper: bounds[1] };
}

/**
 * Intervals worked out before, by count, total and level. Each beta quantile is an iterative
 * search (~15 µs); a cohort summary asks for a few hundred proportions, many the same (a group
 * with no events, the same denominators), and is counted again after every write. Pure values,
 * so a cache cannot go stale; bounded, and emptied when full.
 */
const BOUNDS = new Map<string, readonly [number, number]>();
const MAX_BOUNDS = 50_000;
