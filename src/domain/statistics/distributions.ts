/**
 * The three distribution functions the statistics need, from stdlib (decision 0025): each agrees
 * with R's qnorm, qbeta and pchisq(lower.tail = FALSE) to about 1e-16 relative on the values
 * tried (Boost/Cephes-derived algorithms), so every difference from R lies in our own formulas.
 * This is the only file that imports them; the rest of domain/statistics calls these.
 */
import gammainc from "@stdlib/math-base-special-gammainc";
import betaQuantile from "@stdlib/stats-base-dists-beta-quantile";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

/** Standard normal quantile (R: qnorm(p)). */
export function qnorm(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** Beta(a, b) quantile (R: qbeta(p, a, b)). */
export function qbeta(p: number, a: number, b: number): number {
  return betaQuantile(p, a, b);
}

/**
 * Upper tail of the chi-square distribution, P(X > x) with df degrees of freedom (R:
 * pchisq(x, df, lower.tail = FALSE)), as the regularised upper incomplete gamma Q(df/2, x/2),
 * which keeps its precision for small p-values where 1 − cdf would not.
 */
export function pchisqUpper(x: number, df: number): number {
  if (df <= 0) return Number.NaN;
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/** The two-sided normal critical value of a confidence level (R: qnorm(1 - (1 - level) / 2)). */
export function zForLevel(confLevel: number): number {
  return qnorm(1 - (1 - confLevel) / 2);
}
