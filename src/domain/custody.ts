/**
 * Temperature-logger traces of a shipment or storage, judged against the product's range
 * (shared/domain/workflow-standards.md §2.7: full trace, min/max, alarm thresholds, "excursions
 * with duration"; §1.5: an excursion quarantines the product and QA assesses it).
 *
 * - A reading inside [minC, maxC] (both ends included) is in range.
 * - An excursion is a run of consecutive out-of-range readings. Its duration runs from the first
 *   reading out of range to the first reading back in range: the product may have been out for
 *   that whole interval, and the logger cannot say when it came back. An excursion still going at
 *   the last reading is `ongoing` and lasts to that reading.
 * - `allowedExcursionMinutes`, when the spec or label allows a short excursion, tolerates an
 *   excursion that ended within that many minutes; an ongoing one is never tolerated (its end is
 *   unknown). Without it, any reading out of range is an excursion that counts.
 * - `maxGapMinutes` (the logger's sampling interval with margin): two consecutive readings further
 *   apart are a gap, flagged for QA because nothing is known of the temperature in between.
 */

export interface TemperatureRange {
  minC: number;
  maxC: number;
  allowedExcursionMinutes?: number | undefined;
  maxGapMinutes?: number | undefined;
}

export interface TemperatureReading {
  /** ISO 8601 instant */
  at: string;
  celsius: number;
}

export interface Excursion {
  direction: "above" | "below";
  startedAt: string;
  /** first reading back in range, or the last reading when ongoing */
  endedAt: string;
  durationMinutes: number;
  /** warmest reading of an excursion above the range, coldest of one below */
  extremeC: number;
  ongoing: boolean;
  /** true when the range's allowed excursion covers it */
  tolerated: boolean;
}

export interface LogGap {
  from: string;
  to: string;
  minutes: number;
}

export interface TemperatureLogVerdict {
  /** "excursion" when any excursion is not tolerated; "gaps" when only gaps were found */
  verdict: "within-range" | "excursion" | "gaps";
  excursions: Excursion[];
  gaps: LogGap[];
  readings: number;
  minC: number | null;
  maxC: number | null;
}

const minutesBetween = (a: number, b: number) => (b - a) / 60_000;

export const describeExcursion = (e: Excursion, r: TemperatureRange) =>
  `${e.direction === "above" ? "above" : "below"} the range ${r.minC} to ${r.maxC} °C from ${e.startedAt} for ` +
  `${Math.round(e.durationMinutes * 10) / 10} min${e.ongoing ? " (still out at the last reading)" : ""}, ` +
  `${e.direction === "above" ? "warmest" : "coldest"} ${e.extremeC} °C`;

export function evaluateTemperatureLog(
  range: TemperatureRange,
  readings: readonly TemperatureReading[],
): TemperatureLogVerdict {
  const sorted = readings.map((r) => ({ ...r, t: Date.parse(r.at) })).sort((a, b) => a.t - b.t);
  const side = (c: number): "above" | "below" | null =>
    c > range.maxC ? "above" : c < range.minC ? "below" : null;
  const excursions: Excursion[] = [];
  const gaps: LogGap[] = [];
  let open: { direction: "above" | "below"; start: (typeof sorted)[number]; extreme: number } | null = null;

  const close = (endAt: string, endT: number, ongoing: boolean) => {
    if (!open) return;
    const durationMinutes = minutesBetween(open.start.t, endT);
    const allowed = range.allowedExcursionMinutes;
    excursions.push({
      direction: open.direction,
      startedAt: open.start.at,
      endedAt: endAt,
      durationMinutes,
      extremeC: open.extreme,
      ongoing,
      tolerated: !ongoing && allowed !== undefined && durationMinutes <= allowed,
    });
    open = null;
  };

  sorted.forEach((r, i) => {
    const prev = sorted[i - 1];
    if (prev && range.maxGapMinutes !== undefined) {
      const m = minutesBetween(prev.t, r.t);
      if (m > range.maxGapMinutes) gaps.push({ from: prev.at, to: r.at, minutes: m });
    }
    const s = side(r.celsius);
    // A jump straight from above to below (or back) is two excursions: close one, open the other.
    if (open && s !== open.direction) close(r.at, r.t, false);
    if (s && !open) open = { direction: s, start: r, extreme: r.celsius };
    else if (s && open)
      open.extreme = s === "above" ? Math.max(open.extreme, r.celsius) : Math.min(open.extreme, r.celsius);
  });
  const last = sorted.at(-1);
  if (open && last) close(last.at, last.t, true);

  const temps = sorted.map((r) => r.celsius);
  const verdict = excursions.some((e) => !e.tolerated)
    ? "excursion"
    : gaps.length > 0
      ? "gaps"
      : "within-range";
  return {
    verdict,
    excursions,
    gaps,
    readings: sorted.length,
    minC: temps.length ? Math.min(...temps) : null,
    maxC: temps.length ? Math.max(...temps) : null,
  };
}
