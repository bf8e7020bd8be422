/**
 * Cumulative incidence of one cause among competing causes (e.g. non-relapse mortality against
 * relapse), by the Aalen–Johansen estimator (Aalen OO, Johansen S. Scand J Stat 1978;5:141–150;
 * Kalbfleisch & Prentice 2002, §8.2):
 *   F_k(t) = Σ_{t_j ≤ t} S(t_j−) · d_kj / n_j,
 * S the Kaplan–Meier estimate of being free of every cause. Its variance is Gray's delta-method
 * estimate (Gray RJ. Ann Stat 1988;16:1141–1154), accumulated as R's cmprsk::cuminc (Gray, version
 * 2.2) does: with f = S(t_j−), s = S(t_j), and for the cause's own events (e = d_kj) and then for
 * the competing ones (e = d_j − d_kj), c = f² · (1 − (e − 1)/(n_j − 1)) · e / n_j²,
 *   competing: a = F(t_j)/s, b = 1/s;     own: a = 1 + F(t_j)/s, b = 1/s (0 when s = 0),
 *   v1 += a² c,  v2 += a b c,  v3 += b² c,    var F(t_j) = v1 + F(t_j)² v3 − 2 F(t_j) v2,
 * evaluated at the cause's event times (it stays constant between them, as cuminc reports it).
 * The interval is not part of cmprsk; it is the log(−log) one recommended by Pintilie M, Competing
 * Risks: A Practical Perspective, Wiley 2006 (as tidycmprsk::cuminc reports it):
 * F^exp(±z·√var / (F log F)), undefined (null) where F is 0 or 1.
 */
import { zForLevel } from "./distributions.ts";

export interface CompetingTime {
  /** time from the origin; finite and ≥ 0 */
  time: number;
  /** the cause of the event, or null when censored */
  cause: string | null;
}

export interface IncidenceStep {
  time: number;
  /** at risk just before the time, over all causes */
  nRisk: number;
  /** events of this cause at the time */
  nEvent: number;
  estimate: number;
  variance: number;
  lower: number | null;
  upper: number | null;
}

export interface CumulativeIncidence {
  cause: string;
  n: number;
  events: number;
  confLevel: number;
  /** one step per time with an event of this cause */
  steps: IncidenceStep[];
  /** the last observed time (any cause or censoring): the curve is defined up to it */
  maxTime: number | null;
}

export function cumulativeIncidence(
  data: readonly CompetingTime[],
  options: { confLevel?: number; causes?: readonly string[] } = {},
): CumulativeIncidence[] {
  for (const [i, t] of data.entries())
    if (!Number.isFinite(t.time) || t.time < 0)
      throw new RangeError(`time ${i} is ${t.time}: times must be finite and ≥ 0`);
  const confLevel = options.confLevel ?? 0.95;
  const z = zForLevel(confLevel);
  const causes =
    options.causes ?? [...new Set(data.map((d) => d.cause).filter((c): c is string => c !== null))].sort();
  const sorted = [...data].sort((a, b) => a.time - b.time);
  return causes.map((cause) => incidenceOf(sorted, cause, z, confLevel));
}

function incidenceOf(
  sorted: readonly CompetingTime[],
  cause: string,
  z: number,
  confLevel: number,
): CumulativeIncidence {
  const steps: IncidenceStep[] = [];
  let free = 1; // S(t−): free of every cause just before the current time
  let incidence = 0;
  let v1 = 0;
  let v2 = 0;
  let v3 = 0;
  let nRisk = sorted.length;
  let events = 0;
  for (let i = 0; i < sorted.length; ) {
    const time = sorted[i]!.time;
    let own = 0;
    let other = 0;
    let leaving = 0;
    for (; i < sorted.length && sorted[i]!.time === time; i++) {
      const c = sorted[i]!.cause;
      if (c === cause) own++;
      else if (c !== null) other++;
      leaving++;
    }
    if (own + other > 0) {
      const n = nRisk;
      const after = (free * (n - own - other)) / n;
      if (own > 0) incidence += (free * own) / n;
      const weight = (e: number) => (free * free * (e > 1 ? 1 - (e - 1) / (n - 1) : 1) * e) / (n * n);
      if (other > 0 && after > 0) {
        const c = weight(other);
        const a = incidence / after;
        const b = 1 / after;
        v1 += a * a * c;
        v2 += a * b * c;
        v3 += b * b * c;
      }
      if (own > 0) {
        const c = weight(own);
        const b = after > 0 ? 1 / after : 0;
        const a = 1 + b * incidence;
        v1 += a * a * c;
        v2 += a * b * c;
        v3 += b * b * c;
        const variance = v1 + incidence * incidence * v3 - 2 * incidence * v2;
        steps.push({
          time,
          nRisk: n,
          nEvent: own,
          estimate: incidence,
          variance,
          ...interval(incidence, variance, z),
        });
        events += own;
      }
      free = after;
    }
    nRisk -= leaving;
  }
  return { cause, n: sorted.length, events, confLevel, steps, maxTime: sorted.at(-1)?.time ?? null };
}

function interval(f: number, variance: number, z: number): { lower: number | null; upper: number | null } {
  if (f <= 0 || f >= 1 || !(variance >= 0)) return { lower: null, upper: null };
  const shift = (z * Math.sqrt(variance)) / (f * Math.log(f));
  return { lower: f ** Math.exp(-shift), upper: f ** Math.exp(shift) };
}

/** The estimate at chosen times (step function; null past the last observed time). */
export function incidenceAt(
  ci: CumulativeIncidence,
  times: readonly number[],
): {
  time: number;
  estimate: number | null;
  variance: number | null;
  lower: number | null;
  upper: number | null;
}[] {
  return times.map((time) => {
    if (ci.maxTime === null || time > ci.maxTime)
      return { time, estimate: null, variance: null, lower: null, upper: null };
    let last: IncidenceStep | undefined;
    for (const s of ci.steps) if (s.time <= time) last = s;
    return last
      ? { time, estimate: last.estimate, variance: last.variance, lower: last.lower, upper: last.upper }
      : { time, estimate: 0, variance: 0, lower: null, upper: null };
  });
}
