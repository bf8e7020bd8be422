/**
 * The distribution functions the statistics need, from stdlib (decision 0025): each agrees
 * with R's qnorm, qbeta, pchisq(lower.tail = FALSE) and pt to about 1e-16 relative on the values
 * tried (Boost/Cephes-derived algorithms), so every difference from R lies in our own formulas.
 * This is the only file that imports them; the rest of domain/statistics calls these.
 */
import betainc from "@stdlib/math-base-special-betainc";
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

/**
 * One tail of Student's t with df degrees of freedom: P(T > t) when `upper`, else P(T < t) (R:
 * pt(t, df, lower.tail = !upper)), from the regularised incomplete beta, P(|T| > |t|) =
 * I_{df/(df+t²)}(df/2, 1/2), halved for one tail — which keeps small p-values precise.
 */
export function pt(t: number, df: number, upper: boolean): number {
  if (Number.isNaN(t) || df <= 0) return Number.NaN;
  const beyond = Number.isFinite(t) ? betainc(df / (df + t * t), df / 2, 0.5, true, false) / 2 : 0;
  const farTail = upper ? t > 0 : t < 0;
  return farTail ? beyond : 1 - beyond;
}
