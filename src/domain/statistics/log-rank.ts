/**
 * The log-rank test of equal survival between groups (Mantel N. Cancer Chemother Rep
 * 1966;50:163–170; Peto R, Peto J. J R Stat Soc A 1972;135:185–207), as R's
 * `survdiff(Surv(time, event) ~ group)` with rho = 0 computes it (survival 3.x, survdiff2.c):
 * at each distinct event time t with n at risk and d events over all groups, and n_g at risk in
 * group g,
 *   E_g += d · n_g / n,
 *   V_gh += d (n − d) / (n − 1) · (n_g / n) (δ_gh − n_h / n)   (n > 1),
 * the statistic is (O − E)ᵀ V⁻¹ (O − E) over the groups with E > 0 less the first, with as many
 * degrees of freedom (groups with E > 0, minus one), and p is the chi-square upper tail. Fewer than
 * two such groups: statistic 0, df 0 and p null (R: chisq 0, df 0 or −1, p NaN). When that
 * variance matrix is singular (e.g. every event time empties the risk set) there is no test: the
 * statistic and p are null (R's solve() stops with an error).
 */
import { pchisqUpper } from "./distributions.ts";
import { assertTimes, type SurvivalTime } from "./kaplan-meier.ts";

export interface LogRankGroup {
  key: string;
  times: readonly SurvivalTime[];
}

export interface LogRankResult {
  groups: { key: string; n: number; observed: number; expected: number }[];
  /** the variance–covariance matrix of O − E, in the order of groups */
  variance: number[][];
  /** null when the variance matrix is singular */
  chiSquare: number | null;
  df: number;
  pValue: number | null;
}

export function logRank(groups: readonly LogRankGroup[]): LogRankResult {
  for (const g of groups) assertTimes(g.times);
  const k = groups.length;
  const all = groups
    .flatMap((g, gi) => g.times.map((t) => ({ time: t.time, event: t.event, gi })))
    .sort((a, b) => a.time - b.time);
  const atRisk = groups.map((g) => g.times.length);
  let nRisk = all.length;
  const observed = new Array<number>(k).fill(0);
  const expected = new Array<number>(k).fill(0);
  const variance = groups.map(() => new Array<number>(k).fill(0));
  for (let i = 0; i < all.length; ) {
    const time = all[i]!.time;
    const deaths = new Array<number>(k).fill(0);
    const leaving = new Array<number>(k).fill(0);
    let d = 0;
    let leave = 0;
    for (; i < all.length && all[i]!.time === time; i++) {
      const r = all[i]!;
      leaving[r.gi]!++;
      leave++;
      if (r.event) {
        deaths[r.gi]!++;
        d++;
      }
    }
    if (d > 0) {
      const n = nRisk;
      for (let g = 0; g < k; g++) {
        observed[g]! += deaths[g]!;
        expected[g]! += (d * atRisk[g]!) / n;
      }
      if (n > 1) {
        const factor = (d * (n - d)) / (n - 1);
        for (let g = 0; g < k; g++) {
          const pg = atRisk[g]! / n;
          for (let h = 0; h < k; h++) variance[g]![h]! += factor * pg * ((g === h ? 1 : 0) - atRisk[h]! / n);
        }
      }
    }
    for (let g = 0; g < k; g++) atRisk[g]! -= leaving[g]!;
    nRisk -= leave;
  }
  const used = expected.map((e, g) => (e > 0 ? g : -1)).filter((g) => g >= 0);
  const df = used.length - 1;
  let chiSquare: number | null = 0;
  if (used.length >= 2) {
    const rest = used.slice(1);
    const diff = rest.map((g) => observed[g]! - expected[g]!);
    const x = solve(
      rest.map((g) => rest.map((h) => variance[g]![h]!)),
      diff,
    );
    chiSquare = x === null ? null : x.reduce((sum, xi, i) => sum + xi * diff[i]!, 0);
  }
  return {
    groups: groups.map((g, gi) => ({
      key: g.key,
      n: g.times.length,
      observed: observed[gi]!,
      expected: expected[gi]!,
    })),
    variance,
    chiSquare,
    df: Math.max(df, 0),
    pValue: df > 0 && chiSquare !== null ? pchisqUpper(chiSquare, df) : null,
  };
}

/** Solves A x = b by Gaussian elimination with partial pivoting; null when A is singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-12) return null;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let q = c; q <= n; q++) m[r]![q]! -= f * m[c]![q]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let q = r + 1; q < n; q++) s -= m[r]![q]! * x[q]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}
