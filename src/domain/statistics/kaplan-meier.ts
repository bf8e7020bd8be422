/**
 * Kaplan–Meier estimate of a survival function from right-censored times, with Greenwood's
 * variance, log–log confidence intervals, the median with its confidence interval, and the
 * estimate at chosen times (numbers at risk, landmark rates). Written to give the numbers of R's
 * survival package (Therneau, version 3.x) for
 * `survfit(Surv(time, event) ~ 1, conf.type = "log-log")`, its `summary(fit, times = …)` and the
 * median that `print(fit)` shows; the tests compare every field with R to 1e-6.
 *
 * Formulas (n_j at risk and d_j events at the j-th distinct time t_j; times that are equal as
 * numbers are ties, events before censorings at a shared time as usual):
 * - Kaplan EL, Meier P. J Am Stat Assoc 1958;53:457–481: S(t) = ∏_{t_j ≤ t} (1 − d_j / n_j).
 * - Greenwood M. Reports on Public Health and Medical Subjects 33, HMSO 1926; as in Kalbfleisch JD,
 *   Prentice RL, The Statistical Analysis of Failure Time Data, 2nd ed. 2002, §1.4:
 *   var(log S(t)) = Σ_{t_j ≤ t} d_j / (n_j (n_j − d_j)); survfit's `std.err` is its square root
 *   (`seLog` here, infinite once S = 0) and summary's `std.err` is S × seLog (`se`).
 * - Log–log interval (Kalbfleisch & Prentice 2002, §1.4; survival's survfit_confint with
 *   conf.type = "log-log"): S^exp(±z·seLog/log S), i.e. exp(−exp(log(−log S) ∓ z·seLog/log S));
 *   undefined where S is 0 or 1 (null here, NA in R).
 * - Median: the first time S(t) ≤ 0.5 (within √ε); if S equals 0.5 over an interval the midpoint
 *   of that interval; its interval is the same rule applied to the lower and upper curves (Brookmeyer
 *   R, Crowley J. Biometrics 1982;38:29–41; survival's survmean/minmin).
 */
import { zForLevel } from "./distributions.ts";

export interface SurvivalTime {
  /** time from the origin (e.g. days or months since infusion); finite and ≥ 0 */
  time: number;
  /** true for the event, false for censoring */
  event: boolean;
}

export interface KaplanMeierStep {
  time: number;
  nRisk: number;
  nEvent: number;
  nCensor: number;
  survival: number;
  /** Greenwood standard error of log S (survfit's std.err); null once S = 0 (infinite) */
  seLog: number | null;
  /** standard error of S, S × seLog (summary.survfit's std.err); null once S = 0 */
  se: number | null;
  lower: number | null;
  upper: number | null;
}

export interface Estimate {
  estimate: number | null;
  lower: number | null;
  upper: number | null;
}

export interface KaplanMeier {
  n: number;
  events: number;
  confLevel: number;
  /** one step per distinct time, event or censoring (as survfit's time vector) */
  steps: KaplanMeierStep[];
  /** null when the curve never reaches 0.5 (not reached) */
  median: Estimate;
}

const TOLERANCE = Math.sqrt(Number.EPSILON);

export function assertTimes(times: readonly SurvivalTime[]): void {
  for (const [i, t] of times.entries())
    if (!Number.isFinite(t.time) || t.time < 0)
      throw new RangeError(`time ${i} is ${t.time}: survival times must be finite and ≥ 0`);
}

/** The log–log interval of a survival probability; null where undefined (S = 0 or 1, or se missing). */
export function logLogInterval(
  s: number,
  seLog: number | null,
  z: number,
): { lower: number | null; upper: number | null } {
  if (s <= 0 || s >= 1 || seLog === null || !Number.isFinite(seLog)) return { lower: null, upper: null };
  const shift = (z * seLog) / Math.log(s);
  const base = Math.log(-Math.log(s));
  return { lower: Math.exp(-Math.exp(base - shift)), upper: Math.exp(-Math.exp(base + shift)) };
}

export function kaplanMeier(
  data: readonly SurvivalTime[],
  options: { confLevel?: number } = {},
): KaplanMeier {
  assertTimes(data);
  const confLevel = options.confLevel ?? 0.95;
  const z = zForLevel(confLevel);
  const sorted = [...data].sort((a, b) => a.time - b.time);
  const steps: KaplanMeierStep[] = [];
  let nRisk = sorted.length;
  let survival = 1;
  let greenwood = 0;
  let events = 0;
  for (let i = 0; i < sorted.length; ) {
    const time = sorted[i]!.time;
    let nEvent = 0;
    let nCensor = 0;
    for (; i < sorted.length && sorted[i]!.time === time; i++) {
      if (sorted[i]!.event) nEvent++;
      else nCensor++;
    }
    if (nEvent > 0) {
      survival *= 1 - nEvent / nRisk;
      greenwood = nRisk > nEvent ? greenwood + nEvent / (nRisk * (nRisk - nEvent)) : Number.POSITIVE_INFINITY;
    }
    const seLog = Number.isFinite(greenwood) ? Math.sqrt(greenwood) : null;
    steps.push({
      time,
      nRisk,
      nEvent,
      nCensor,
      survival,
      seLog,
      se: seLog === null ? null : survival * seLog,
      ...logLogInterval(survival, seLog, z),
    });
    events += nEvent;
    nRisk -= nEvent + nCensor;
  }
  return {
    n: sorted.length,
    events,
    confLevel,
    steps,
    median: {
      estimate: firstBelowHalf(steps, (s) => s.survival),
      lower: firstBelowHalf(steps, (s) => s.lower),
      upper: firstBelowHalf(steps, (s) => s.upper),
    },
  };
}

/**
 * The first time a curve is at or below 0.5 (within √ε); when it sits at exactly 0.5 and drops
 * later, the midpoint between that time and the drop (survival's minmin).
 */
function firstBelowHalf(
  steps: readonly KaplanMeierStep[],
  y: (s: KaplanMeierStep) => number | null,
): number | null {
  const kept = steps.filter((s) => {
    const v = y(s);
    return v !== null && v < 0.5 + TOLERANCE;
  });
  const first = kept[0];
  if (!first) return null;
  const y0 = y(first)!;
  if (Math.abs(y0 - 0.5) < TOLERANCE) {
    const drop = kept.find((s) => y(s)! < y0);
    if (drop) return (first.time + drop.time) / 2;
  }
  return first.time;
}

export interface SurvivalAtTime {
  time: number;
  /** subjects with a time ≥ t (at risk just before t) */
  nRisk: number;
  /** events and censorings after the previous requested time, up to and including t */
  nEvent: number;
  nCensor: number;
  /** null past the last observed time: follow-up does not reach t */
  survival: number | null;
  se: number | null;
  lower: number | null;
  upper: number | null;
}

/**
 * The estimate at chosen times, for risk tables and landmark rates (R: summary(fit, times = …)):
 * S, its standard error and interval from the last step at or before t (1, 0, [1, 1] before the
 * first), the number still at risk at t, and the events and censorings since the previous time
 * asked for. Past the last observed time the estimate is null, where summary() drops the row.
 */
export function survivalAt(km: KaplanMeier, times: readonly number[]): SurvivalAtTime[] {
  const ordered = [...times].sort((a, b) => a - b);
  const last = km.steps.at(-1)?.time ?? Number.NEGATIVE_INFINITY;
  let j = -1; // index of the last step at or before the current time
  let previous = Number.NEGATIVE_INFINITY;
  return ordered.map((time) => {
    let nEvent = 0;
    let nCensor = 0;
    for (const s of km.steps)
      if (s.time > previous && s.time <= time) {
        nEvent += s.nEvent;
        nCensor += s.nCensor;
      }
    previous = time;
    while (j + 1 < km.steps.length && km.steps[j + 1]!.time <= time) j++;
    const next = km.steps.find((s) => s.time >= time);
    const nRisk = next ? next.nRisk : 0;
    if (time > last)
      return { time, nRisk, nEvent, nCensor, survival: null, se: null, lower: null, upper: null };
    const step = km.steps[j];
    if (!step) return { time, nRisk, nEvent, nCensor, survival: 1, se: 0, lower: 1, upper: 1 };
    return {
      time,
      nRisk,
      nEvent,
      nCensor,
      survival: step.survival,
      se: step.se,
      lower: step.lower,
      upper: step.upper,
    };
  });
}
