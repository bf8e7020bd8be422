/**
 * B-cell aplasia start, recovery and duration from CD19+ B cells after the infusion.
 *
 * Threshold: there is no consensus (clinical-rules.md §7.1, §8, §9 item 9). We use CD19+ < 1 % of
 * lymphocytes, the definition in use in CAR-T cohorts (clinical-rules.md §7.1 and reference 33:
 * prolonged aplasia = CD19+ < 1 % of PBMC; a paediatric tisagenlecleucel re-infusion series from
 * Cincinnati Children's, an Authorea preprint, defines loss of aplasia as > 1 % CD19+ (or > 100
 * cells/µL) confirmed on a later sample). A percentage, unlike an absolute count,
 * does not fall merely because lymphodepletion emptied the blood of lymphocytes. The service
 * takes the recorded percentage (LOINC 20593-0) or computes it from an absolute CD19+ count and
 * an absolute lymphocyte count drawn at the same time.
 * Recovery: the first of 2 consecutive samples ≥ 1 % (the calculator's default, §7.1 [D]); a single
 * value back above the line is not yet recovery. The arithmetic is the cellular-kinetics
 * calculator's.
 * Duration: study day of recovery − study day of the first aplastic sample. Samples are weeks or
 * months apart, so this is the sampling-resolution duration; it says so in the result.
 * Censored results (decision 0038): a lab may report CD19+ as "<0.5 %" or "<1 /µL" (FHIR
 * Quantity.comparator, kept by the lab import, decision 0035). Such a sample is aplastic only when
 * its bound settles it ("<0.5 %" and "<1 %" are below 1 %); "<5 %" may be either and is left out
 * of the series and named in the result — read as 5 % it would hide an aplasia, read as 0 it would
 * invent one. An absolute count carries its bound into the percentage (cd19PercentReading).
 */
import {
  type BCellKinetics,
  cellularKineticsCalculator,
} from "../calculators/dosing-kinetics/cellular-kinetics.ts";
import { type Comparator, isBelow, type Reading } from "../observation-value.ts";
import { studyDay } from "../study-day.ts";
import { type Endpoint, type EndpointDefinition, notEvaluable, type RecordRef, reached } from "./endpoint.ts";

/** CD19+ below this percentage of lymphocytes is B-cell aplasia (see the module comment). */
export const APLASIA_BELOW_PERCENT = 1;
/** Consecutive samples ≥ the threshold that confirm recovery (clinical-rules.md §7.1 default). */
export const RECOVERY_CONFIRMATIONS = 2;

const SOURCE =
  "shared/domain/clinical-rules.md §7.1 and §8 (no consensus threshold; < 1 % of lymphocytes/PBMC in use, reference 33), via the cellular-kinetics calculator";

export const B_CELL_ENDPOINTS = {
  start: {
    key: "b-cell-aplasia-start",
    title: "B-cell aplasia start",
    rule: `First sample on or after day 0 with CD19+ < ${APLASIA_BELOW_PERCENT} % of lymphocytes.`,
    source: SOURCE,
  },
  recovery: {
    key: "b-cell-recovery",
    title: "B-cell recovery (end of aplasia)",
    rule: `First of ${RECOVERY_CONFIRMATIONS} consecutive samples with CD19+ ≥ ${APLASIA_BELOW_PERCENT} % of lymphocytes after aplasia began.`,
    source: SOURCE,
  },
  duration: {
    key: "b-cell-aplasia-duration",
    title: "B-cell aplasia duration",
    rule: "Study day of recovery − study day of the first aplastic sample (sampling resolution); censored at the last sample while aplasia lasts.",
    source: SOURCE,
  },
} as const satisfies Record<string, EndpointDefinition>;

export interface BCellSample {
  date: string;
  /** CD19+ B cells as % of lymphocytes; with `comparator` the bound of a censored result */
  percent: number;
  comparator?: Comparator | null;
  /** the records the percentage came from (one recorded %, or the two absolute counts) */
  refs: RecordRef[];
}

/** CD19+ % of lymphocytes from two absolute counts in the same unit (cells/µL). */
export const cd19Percent = (cd19PerUl: number, lymphocytesPerUl: number): number | null =>
  lymphocytesPerUl > 0 ? (100 * cd19PerUl) / lymphocytesPerUl : null;

type Bound = "exact" | "upper" | "lower";
const boundOf = (c: Comparator | null): Bound =>
  c === null ? "exact" : c === "<" || c === "<=" ? "upper" : "lower";

/**
 * CD19+ % of lymphocytes from two absolute counts (cells/µL) that may be censored: a count "<1"
 * over 500 lymphocytes is "<0.2 %". The quotient has a bound only when the two bounds point the
 * same way for it (an upper CD19+ count over an exact or lower lymphocyte count bounds it from
 * above, and conversely); otherwise (both "<") nothing is known and the result is null. Strict
 * when either side is.
 */
export function cd19PercentReading(cd19: Reading, lymphocytes: Reading): Reading | null {
  const percent = cd19Percent(cd19.value, lymphocytes.value);
  if (percent === null) return null;
  const c = boundOf(cd19.comparator);
  const l = boundOf(lymphocytes.comparator);
  if (c === "exact" && l === "exact") return { value: percent, comparator: null };
  const way: Bound | null =
    (c === "upper" || c === "exact") && (l === "lower" || l === "exact")
      ? "upper"
      : (c === "lower" || c === "exact") && (l === "upper" || l === "exact")
        ? "lower"
        : null;
  if (way === null) return null;
  const strict = cd19.comparator?.length === 1 || lymphocytes.comparator?.length === 1;
  return { value: percent, comparator: way === "upper" ? (strict ? "<" : "<=") : strict ? ">" : ">=" };
}

export function bCellAplasiaEndpoints(samples: BCellSample[], day0: string | null): Endpoint[] {
  const all = Object.values(B_CELL_ENDPOINTS);
  if (!day0) return all.map((d) => notEvaluable(d, "No CAR-T infusion recorded: there is no day 0."));
  const firstOfDay = new Map<number, BCellSample>();
  for (const s of [...samples].sort((a, b) => a.date.localeCompare(b.date))) {
    const day = studyDay(s.date, day0);
    if (day >= 0 && !firstOfDay.has(day)) firstOfDay.set(day, { ...s, percent: Math.min(100, s.percent) });
  }
  if (firstOfDay.size === 0)
    return all.map((d) =>
      notEvaluable(
        d,
        "No CD19+ B-cell percentage on or after day 0 (a recorded % or an absolute CD19+ count with a lymphocyte count from the same draw).",
      ),
    );
  const settled = (s: BCellSample) =>
    isBelow({ value: s.percent, comparator: s.comparator ?? null }, APLASIA_BELOW_PERCENT) !== null;
  // Only samples whose side of the threshold is known make the series; the calculator names the others.
  const byDay = new Map([...firstOfDay].filter(([, s]) => settled(s)));
  const leftOut = [...firstOfDay].filter(([, s]) => !settled(s));
  const unsettled = leftOut.flatMap(([, s]) => s.refs);
  if (byDay.size === 0)
    return all.map((d) =>
      notEvaluable(
        d,
        `Every CD19+ result on or after day 0 is censored with a bound that does not settle it against ${APLASIA_BELOW_PERCENT} % (${leftOut.map(([, s]) => `${s.comparator}${round(s.percent)} %`).join(", ")}).`,
        unsettled,
      ),
    );
  const r = cellularKineticsCalculator.run({
    bCellSeries: {
      unit: "PERCENT_OF_LYMPHOCYTES",
      aplasiaThreshold: APLASIA_BELOW_PERCENT,
      recoveryConfirmations: RECOVERY_CONFIRMATIONS,
      samples: [...firstOfDay.entries()].map(([day, s]) => ({
        day,
        value: s.percent,
        ...(s.comparator ? { comparator: s.comparator } : {}),
      })),
    },
  });
  const b = r.value.bCells as BCellKinetics;
  const refs = (from: number, to = Number.POSITIVE_INFINITY) =>
    [...byDay.entries()].filter(([d]) => d >= from && d <= to).flatMap(([, s]) => s.refs);
  const reasons = r.reasons;
  if (b.aplasiaStartDay === null)
    return all.map((d) =>
      reached(d, { status: "not-met", value: null, date: null, day0, derivedFrom: refs(0), reasons }),
    );
  const start = byDay.get(b.aplasiaStartDay)!;
  const lastDay = Math.max(...byDay.keys());
  const startEndpoint = reached(B_CELL_ENDPOINTS.start, {
    value: b.aplasiaStartDay,
    unit: "day",
    date: start.date,
    day0,
    derivedFrom: start.refs,
    reasons,
    details: {
      percentOfLymphocytes: round(start.percent),
      ...(start.comparator ? { comparator: start.comparator } : {}),
    },
  });
  if (b.recoveryDay === null)
    return [
      startEndpoint,
      reached(B_CELL_ENDPOINTS.recovery, {
        status: "not-met",
        value: null,
        date: null,
        day0,
        derivedFrom: refs(b.aplasiaStartDay),
        reasons,
      }),
      reached(B_CELL_ENDPOINTS.duration, {
        status: "not-met",
        value: lastDay - b.aplasiaStartDay,
        unit: "days",
        date: byDay.get(lastDay)!.date,
        day0,
        derivedFrom: refs(b.aplasiaStartDay),
        reasons: [...reasons, `Aplasia ongoing: censored at the last sample, day ${lastDay}.`],
        details: { censored: true },
      }),
    ];
  const recovery = byDay.get(b.recoveryDay)!;
  const confirmTo = [...byDay.keys()].filter((d) => d >= b.recoveryDay!)[RECOVERY_CONFIRMATIONS - 1]!;
  return [
    startEndpoint,
    reached(B_CELL_ENDPOINTS.recovery, {
      value: b.recoveryDay,
      unit: "day",
      date: recovery.date,
      day0,
      derivedFrom: refs(b.recoveryDay, confirmTo),
      reasons,
      details: { lastAplasticDay: b.aplasiaEndDay, lowAgainAfterRecoveryDay: b.lowAgainAfterRecoveryDay },
    }),
    reached(B_CELL_ENDPOINTS.duration, {
      value: b.recoveryDay - b.aplasiaStartDay,
      unit: "days",
      date: recovery.date,
      day0,
      derivedFrom: [...start.refs, ...recovery.refs],
      reasons: [
        ...reasons,
        `Duration ${b.recoveryDay - b.aplasiaStartDay} days (day ${b.aplasiaStartDay} to day ${b.recoveryDay}), at the resolution of the sampling.`,
      ],
      details: { censored: false },
    }),
  ];
}

const round = (v: number) => Math.round(v * 100) / 100;
