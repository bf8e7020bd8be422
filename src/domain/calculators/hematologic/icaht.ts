/**
 * ICAHT — immune effector cell–associated haematotoxicity, EHA/EBMT consensus grading (Rejeski et
 * al., Blood 2023). Neutrophil-based; early (day 0 to +30) by the depth and duration of
 * neutropenia, late (after day +30) by the depth of non-transient neutropenia.
 *
 * Inputs, one phase per evaluation (`phase`):
 * - EARLY, from a daily ANC series (`ancSeries`: study day 0…30 and ANC in cells/µL, with
 *   `windowStatus`), the durations being counted here; or EARLY from durations already counted
 *   (`daysAncAtOrBelow500`, `daysAncAtOrBelow100`, `neverRecovered`). Exactly one of the two.
 * - LATE, from the ANC values after day +30 (`ancValues`, study day ≥ 31), with the clinician's
 *   attribution (`neutropeniaExplainedByOtherCause`) and an optional censoring day.
 *
 * The thresholds are the consensus's; the counting rules it leaves open follow the Fred Hutch
 * implementation by Liang (reference notes §3.3 and §8), which cites Rejeski 2023 as its source:
 * - one value per day, the lowest;
 * - gaps of up to 7 consecutive missing days between two measured days are filled by linear
 *   interpolation, longer gaps stay missing and never count as neutropenic. [D, from Liang] Unlike
 *   Liang's R code we neither extrapolate before the first or after the last measured day nor round
 *   interpolated values to the nearest 10 (rounding could move an interpolated 504 onto 500).
 * - neutropenic runs separated by ≤ 2 days (no stable recovery, which needs ANC > 500 on ≥ 3
 *   consecutive days) are joined and the gap days count (Liang: joinAcrossGaps, maxGap = 2; the
 *   T-ICAHT table states the same principle);
 * - D500 / D100 = the longest joined run at ANC ≤ 500 / ≤ 100 cells/µL;
 * - "never recovered": a run at ≤ 500 that starts on day 0–3 and lasts to the last measured day is
 *   grade 4 (early death, or no recovery by day +30). While the window is still open
 *   (`windowStatus: ONGOING`) this rule is not applied and the grade is provisional.
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type Phrase, type Reason, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { seriesUnitWarning } from "./count-units.ts";
import { LIANG_ICAHT, num, REJESKI_2023, RULE_SET_ICAHT } from "./sources.ts";

type Grade = 0 | 1 | 2 | 3 | 4;

/* Rejeski 2023, Table (ICAHT grading), early ICAHT (day 0–30):
 *   ANC ≤ 500/µL for < 7 days → 1; 7–13 days → 2; 14–30 days → 3; never above 500 in days 0–30 → 4.
 *   ANC ≤ 100/µL for ≥ 7 days → 3 (7–13 days); ≥ 14 days → 4.
 * Day counts as in Liang's implementation (grade 4 from D500 ≥ 31, i.e. all of days 0–30). */
const EARLY_WINDOW_LAST_DAY = 30;
const SEVERE_AT_OR_BELOW = 500;
const PROFOUND_AT_OR_BELOW = 100;
const D500_G2_FROM = 7;
const D500_G3_FROM = 14;
const D500_G4_FROM = 31;
const D100_G3_FROM = 7;
const D100_G4_FROM = 14;
/** Liang: runs whose separating gap is ≤ 2 days are joined (stable recovery = > 500 on ≥ 3 days). */
const MAX_JOIN_GAP_DAYS = 2;
/** Liang: "never recovered" applies to a run starting on day 0–3. */
const NEVER_RECOVERED_START_BY_DAY = 3;
/** Liang: gaps of up to 7 consecutive missing days are interpolated. */
const MAX_INTERPOLATED_GAP_DAYS = 7;

/* Rejeski 2023, late ICAHT (after day +30), non-transient neutropenia:
 *   ANC ≤ 1500/µL → 1; ≤ 1000 → 2; ≤ 500 → 3; ≤ 100 → 4.
 * Window (Liang) day +31 to the earliest of day +100, subsequent therapy, relapse/progression and
 * last follow-up. */
const LATE_BANDS: ReadonlyArray<{ atOrBelow: number; grade: 1 | 2 | 3 | 4 }> = [
  { atOrBelow: 100, grade: 4 },
  { atOrBelow: 500, grade: 3 },
  { atOrBelow: 1000, grade: 2 },
  { atOrBelow: 1500, grade: 1 },
];
const LATE_FIRST_DAY = 31;
const LATE_LAST_DAY = 100;

const ancCellsPerUL = z
  .number()
  .min(0)
  .max(1_000_000)
  .describe("Absolute neutrophil count in cells/µL (1 × 10⁹/L = 1000 cells/µL)");

const EarlyPoint = z.strictObject({
  studyDay: z
    .int()
    .min(0, "Early ICAHT uses study days 0 to +30 (day 0 = infusion day)")
    .max(EARLY_WINDOW_LAST_DAY, "Early ICAHT uses study days 0 to +30; later values belong to late ICAHT")
    .describe("Study day, 0 = CAR-T infusion day"),
  ancCellsPerUL,
});

const LatePoint = z.strictObject({
  studyDay: z
    .int()
    .min(LATE_FIRST_DAY, "Late ICAHT uses values from study day +31; earlier values belong to early ICAHT")
    .describe("Study day, 0 = CAR-T infusion day"),
  ancCellsPerUL,
});

const EarlyInput = z.strictObject({
  phase: z.literal("EARLY"),
  ancSeries: z
    .array(EarlyPoint)
    .min(1)
    .optional()
    .describe("Daily ANC values on study days 0…30 (several on one day: the lowest is used)"),
  windowStatus: z
    .enum(["COMPLETE", "ENDED_EARLY", "ONGOING"])
    .optional()
    .describe(
      "With ancSeries: COMPLETE = followed through day +30; ENDED_EARLY = death or end of follow-up " +
        "before day +30; ONGOING = assessed before day +30 (provisional grade, 'never recovered' not applied)",
    ),
  daysAncAtOrBelow500: z
    .int()
    .min(0)
    .max(31)
    .optional()
    .describe("Without a series: D500, days of the longest joined run with ANC ≤ 500 cells/µL in days 0–30"),
  daysAncAtOrBelow100: z
    .int()
    .min(0)
    .max(31)
    .optional()
    .describe("Without a series: D100, days of the longest joined run with ANC ≤ 100 cells/µL in days 0–30"),
  neverRecovered: z
    .boolean()
    .optional()
    .describe(
      "Without a series: ANC ≤ 500 from day 0–3 until the last available value (early death or no recovery by day +30)",
    ),
});

const LateInput = z.strictObject({
  phase: z.literal("LATE"),
  ancValues: z
    .array(LatePoint)
    .min(1)
    .describe("ANC values after day +30 (several on one day: the lowest is used)"),
  censorStudyDay: z
    .int()
    .min(LATE_FIRST_DAY)
    .optional()
    .describe(
      "Earliest of relapse/progression, start of subsequent therapy and last follow-up, if before day +100: " +
        "values after it are excluded",
    ),
  neutropeniaExplainedByOtherCause: z
    .boolean()
    .describe(
      "Clinician's attribution: the neutropenia is explained by relapse, drugs or another cause (not ICAHT)",
    ),
  method: z
    .enum(["NADIR", "STRICT"])
    .default("NADIR")
    .describe(
      "NADIR (default, Liang): grade by the lowest value provided the second-lowest is ≤ 1500 (a single value " +
        "grades alone). STRICT: the highest grade whose threshold is met by at least two values.",
    ),
});

const DURATION_FIELDS = ["daysAncAtOrBelow500", "daysAncAtOrBelow100", "neverRecovered"] as const;
const SERIES_FIELDS = ["ancSeries", "windowStatus"] as const;
/** How the input checks name each field: in the clinic's words, never the field's code (issue 11). */
const FIELD_WORDS: Record<(typeof DURATION_FIELDS)[number] | (typeof SERIES_FIELDS)[number], string> = {
  daysAncAtOrBelow500: "the days with ANC ≤ 500/µL (D500)",
  daysAncAtOrBelow100: "the days with ANC ≤ 100/µL (D100)",
  neverRecovered: "whether the ANC never recovered above 500/µL",
  ancSeries: "the ANC series",
  windowStatus: "whether the day 0–30 window is complete",
};

export const IcahtInput = z.discriminatedUnion("phase", [EarlyInput, LateInput]).superRefine((v, ctx) => {
  if (v.phase !== "EARLY") return;
  const hasSeries = v.ancSeries !== undefined;
  const hasDurations = DURATION_FIELDS.some((f) => v[f] !== undefined);
  if (hasSeries && hasDurations) {
    for (const f of DURATION_FIELDS)
      if (v[f] !== undefined)
        ruleIssue(
          ctx,
          [f],
          "Give either the ANC series or the day counts (D500, D100, never recovered), not both.",
          "icaht_series_and_counts" satisfies IcahtCheck,
        );
    return;
  }
  if (!hasSeries && !hasDurations) {
    ruleIssue(
      ctx,
      ["ancSeries"],
      "Early ICAHT needs either the ANC series of days 0–30 or the day counts: D500, D100 and whether the ANC never recovered.",
      "icaht_series_or_counts_required" satisfies IcahtCheck,
    );
    return;
  }
  if (hasSeries) {
    if (v.windowStatus === undefined)
      ruleIssue(
        ctx,
        ["windowStatus"],
        "Say whether the day 0–30 window is complete, ended early (death, end of follow-up) or still ongoing.",
        "icaht_window_status_required" satisfies IcahtCheck,
      );
    const lastDay = Math.max(...(v.ancSeries ?? []).map((p) => p.studyDay));
    if (v.windowStatus === "ONGOING" && lastDay === EARLY_WINDOW_LAST_DAY)
      ruleIssue(
        ctx,
        ["windowStatus"],
        "The series reaches day +30, so the early window cannot be still ongoing.",
        "icaht_window_not_ongoing" satisfies IcahtCheck,
      );
    return;
  }
  for (const f of DURATION_FIELDS)
    if (v[f] === undefined)
      ruleIssue(
        ctx,
        [f],
        `Required when grading from day counts: ${FIELD_WORDS[f]}.`,
        "icaht_count_required" satisfies IcahtCheck,
      );
  for (const f of SERIES_FIELDS)
    if (v[f] !== undefined)
      ruleIssue(
        ctx,
        [f],
        `Leave out ${FIELD_WORDS[f]} when grading from day counts: it belongs to grading from an ANC series.`,
        "icaht_count_not_allowed" satisfies IcahtCheck,
      );
  const d500 = v.daysAncAtOrBelow500;
  const d100 = v.daysAncAtOrBelow100;
  if (d500 !== undefined && d100 !== undefined && d100 > d500)
    ruleIssue(
      ctx,
      ["daysAncAtOrBelow100"],
      `D100 (${d100} days) cannot exceed D500 (${d500} days): every day ≤ 100 is also ≤ 500`,
      "icaht_d100_exceeds_d500" satisfies IcahtCheck,
    );
  if (v.neverRecovered === true && d500 === 0)
    ruleIssue(
      ctx,
      ["neverRecovered"],
      "A count that never recovered needs a run with ANC ≤ 500/µL, but D500 is 0 days.",
      "icaht_never_recovered_without_d500" satisfies IcahtCheck,
    );
});

export type IcahtInput = z.output<typeof IcahtInput>;

export interface IcahtValue {
  phase: "EARLY" | "LATE";
  grade: Grade;
}

interface Run {
  start: number;
  end: number;
  /** the unjoined runs that make it up */
  parts: Array<{ start: number; end: number }>;
}

const days = (r: { start: number; end: number }) => r.end - r.start + 1;

/** Lowest value per day; interior gaps of ≤ 7 missing days filled linearly; longer gaps stay undefined. */
export function dailyAnc(series: ReadonlyArray<{ studyDay: number; ancCellsPerUL: number }>): {
  first: number;
  last: number;
  anc: Map<number, number>;
  interpolatedDays: number[];
  missingDays: number[];
} {
  const measured = new Map<number, number>();
  for (const p of series) {
    const prev = measured.get(p.studyDay);
    measured.set(p.studyDay, prev === undefined ? p.ancCellsPerUL : Math.min(prev, p.ancCellsPerUL));
  }
  const known = [...measured.keys()].sort((a, b) => a - b);
  const anc = new Map(measured);
  const interpolatedDays: number[] = [];
  const missingDays: number[] = [];
  for (let i = 1; i < known.length; i++) {
    const a = known[i - 1]!;
    const b = known[i]!;
    const gap = b - a - 1;
    if (gap === 0) continue;
    for (let d = a + 1; d < b; d++) {
      if (gap <= MAX_INTERPOLATED_GAP_DAYS) {
        const va = measured.get(a)!;
        const vb = measured.get(b)!;
        anc.set(d, va + ((vb - va) * (d - a)) / (b - a));
        interpolatedDays.push(d);
      } else missingDays.push(d);
    }
  }
  return { first: known[0]!, last: known[known.length - 1]!, anc, interpolatedDays, missingDays };
}

/** Maximal runs of days with ANC ≤ threshold, then joined across gaps of ≤ 2 days. */
export function neutropenicRuns(
  daily: { first: number; last: number; anc: Map<number, number> },
  atOrBelow: number,
): Run[] {
  const raw: Array<{ start: number; end: number }> = [];
  let open: { start: number; end: number } | undefined;
  for (let d = daily.first; d <= daily.last; d++) {
    const v = daily.anc.get(d);
    if (v !== undefined && v <= atOrBelow) {
      if (open && open.end === d - 1) open.end = d;
      else {
        open = { start: d, end: d };
        raw.push(open);
      }
    }
  }
  const joined: Run[] = [];
  for (const r of raw) {
    const prev = joined[joined.length - 1];
    if (prev && r.start - prev.end - 1 <= MAX_JOIN_GAP_DAYS) {
      prev.end = r.end;
      prev.parts.push({ ...r });
    } else joined.push({ start: r.start, end: r.end, parts: [{ ...r }] });
  }
  return joined;
}

const longest = (runs: Run[]): Run | undefined =>
  runs.reduce<Run | undefined>((best, r) => (!best || days(r) > days(best) ? r : best), undefined);

/**
 * The sentences of the ICAHT grade (decision 0041): code → English template; the web catalogues
 * word them under reasons.icaht.*. Day spans of a joined run travel as "3" or "3–8" and are worded
 * by the `dayspans` format ("day 3, days 5–8").
 */
export const ICAHT_REASONS = reasonFamily(
  "icaht",
  {
    "label.early": "Early ICAHT grade {{grade}}",
    "label.earlyProvisional": "Early ICAHT grade {{grade}} (provisional)",
    "label.late": "Late ICAHT grade {{grade}}",
    "label.lateOtherCause": "Late ICAHT grade {{grade}} (other cause)",
    "label.lateNoValues": "Late ICAHT grade {{grade}} (no values in window)",
    "early.grade": "Early ICAHT grade {{grade}}: {{why, phrase}} (EHA/EBMT 2023).",
    "early.gradeSoFar": "Early ICAHT grade {{grade}} so far: {{why, phrase}} (EHA/EBMT 2023).",
    "early.fromCounts":
      "From the day counts given: D500 {{d500}} days, D100 {{d100}} days, never recovered: {{neverRecovered, term}}.",
    "early.d500Run": "D500: longest run with ANC ≤ 500 cells/µL on {{run, phrase}}.",
    "early.d500None": "D500: no day with ANC ≤ 500 cells/µL.",
    "early.d100Run": "D100: longest run with ANC ≤ 100 cells/µL on {{run, phrase}}.",
    "early.d100None": "D100: no day with ANC ≤ 100 cells/µL.",
    "early.neverRecovered":
      "Never recovered: ANC ≤ 500 cells/µL from day {{start}} (≤ day 3) through the last available value on day " +
      "{{last}} (window {{window, term}}).",
    "early.provisional":
      'Provisional: the day 0–30 window is still open (last value day {{last}}); the "never recovered" rule is ' +
      "not applied and the grade can still rise.",
    "early.interpolated": "Interpolated linearly (gaps ≤ {{maxGap}} days): day(s) {{days}}.",
    "early.missing": "Left missing (gap > {{maxGap}} days, never counted as neutropenic): day(s) {{days}}.",
    "late.excluded": "Excluded (after the late window {{window, phrase}}): value(s) on day(s) {{days}}.",
    "late.otherCause":
      "Late ICAHT grade 0: the neutropenia is attributed by the clinician to another cause (e.g. relapse, drugs), " +
      "so it is not ICAHT (EHA/EBMT 2023).",
    "late.noValues": "Late ICAHT grade 0: no ANC value in the late window {{window, phrase}}.",
    "late.nadir.above": "Late ICAHT grade 0: lowest ANC {{lowest, phrase}} is > 1500 cells/µL.",
    "late.nadir.single":
      "Late ICAHT grade {{grade}}: the only ANC in the window, {{lowest, phrase}}, is ≤ {{band}} cells/µL (a single " +
      "value cannot show non-transience; graded by it, per Liang).",
    "late.nadir.transient":
      "Late ICAHT grade 0: lowest ANC {{lowest, phrase}}, but the second-lowest {{second, phrase}} is > 1500 " +
      "cells/µL, so the neutropenia is transient.",
    "late.nadir.confirmed":
      "Late ICAHT grade {{grade}}: lowest ANC {{lowest, phrase}} is ≤ {{band}} cells/µL, confirmed non-transient by " +
      "the second-lowest {{second, phrase}} ≤ 1500 cells/µL (EHA/EBMT 2023; nadir rule after Liang).",
    "late.strict.met":
      "Late ICAHT grade {{grade}}: two values ≤ {{band}} cells/µL ({{lowest, phrase}}; {{second, phrase}}) " +
      "(EHA/EBMT 2023, strict two-value reading).",
    "late.strict.notMet":
      "Late ICAHT grade 0: fewer than two values ≤ 1500 cells/µL (lowest {{lowest, phrase}}).",
    "late.strict.notMetSecond":
      "Late ICAHT grade 0: fewer than two values ≤ 1500 cells/µL (lowest {{lowest, phrase}}, second-lowest " +
      "{{second, phrase}}).",
    "late.method": "Method: {{method, term}}; window {{window, phrase}}.",
    "phrase.why.d500Whole": "ANC ≤ 500 cells/µL for {{days}} days (never above 500 in days 0–30 → grade 4)",
    "phrase.why.d100Grade4": "ANC ≤ 100 cells/µL for {{days}} days (≥ 14 days → grade 4)",
    "phrase.why.neverRecovered":
      "ANC ≤ 500 cells/µL from day 0–3 without recovery until the last available value (→ grade 4)",
    "phrase.why.d500Grade3": "ANC ≤ 500 cells/µL for {{days}} days (14–30 days → grade 3)",
    "phrase.why.d100Grade3": "ANC ≤ 100 cells/µL for {{days}} days (7–13 days → grade 3)",
    "phrase.why.d500Grade2": "ANC ≤ 500 cells/µL for {{days}} days (7–13 days → grade 2)",
    "phrase.why.d500Grade1": "ANC ≤ 500 cells/µL for {{days}} day(s) (1–6 days → grade 1)",
    "phrase.why.none": "ANC never ≤ 500 cells/µL in days 0–30",
    "phrase.run.day": "day {{start}} ({{days}} days)",
    "phrase.run.days": "days {{start}}–{{end}} ({{days}} days)",
    "phrase.run.joined":
      "days {{start}}–{{end}} ({{days}} days; runs on {{parts, dayspans}} joined across non-stable recovery of " +
      "{{gaps}} day(s), ≤ {{maxGap}})",
    "phrase.window.full": "day +31 to day +100",
    "phrase.window.censored": "day +31 to day +{{end}} (censored at day +{{censor}})",
    "phrase.value": "{{anc}} cells/µL on day {{day}}",
  },
  {
    yesNo: { YES: "yes", NO: "no" },
    icahtWindow: { COMPLETE: "complete", ENDED_EARLY: "ended early" },
    // The English quotes the input's value as given.
    // In words (issue 11), with the input's name in brackets so a protocol can be matched to it.
    icahtMethod: { NADIR: "nadir rule (NADIR)", STRICT: "strict two-value reading (STRICT)" },
  },
);
const R = ICAHT_REASONS;

function describeRun(r: Run): Phrase {
  if (r.parts.length === 1)
    return r.start === r.end
      ? R.phrase("phrase.run.day", { start: r.start, days: days(r) })
      : R.phrase("phrase.run.days", { start: r.start, end: r.end, days: days(r) });
  const gaps = r.parts
    .slice(1)
    .map((p, i) => p.start - r.parts[i]!.end - 1)
    .join(", ");
  const parts = r.parts.map((p) => (p.start === p.end ? `${p.start}` : `${p.start}–${p.end}`));
  return R.phrase("phrase.run.joined", {
    start: r.start,
    end: r.end,
    days: days(r),
    parts,
    gaps,
    maxGap: MAX_JOIN_GAP_DAYS,
  });
}

function gradeEarly(d500: number, d100: number, neverRecovered: boolean): { grade: Grade; why: Phrase } {
  if (d500 >= D500_G4_FROM) return { grade: 4, why: R.phrase("phrase.why.d500Whole", { days: d500 }) };
  if (d100 >= D100_G4_FROM) return { grade: 4, why: R.phrase("phrase.why.d100Grade4", { days: d100 }) };
  if (neverRecovered) return { grade: 4, why: R.phrase("phrase.why.neverRecovered") };
  if (d500 >= D500_G3_FROM) return { grade: 3, why: R.phrase("phrase.why.d500Grade3", { days: d500 }) };
  if (d100 >= D100_G3_FROM) return { grade: 3, why: R.phrase("phrase.why.d100Grade3", { days: d100 }) };
  if (d500 >= D500_G2_FROM) return { grade: 2, why: R.phrase("phrase.why.d500Grade2", { days: d500 }) };
  if (d500 >= 1) return { grade: 1, why: R.phrase("phrase.why.d500Grade1", { days: d500 }) };
  return { grade: 0, why: R.phrase("phrase.why.none") };
}

type EarlyIn = Extract<IcahtInput, { phase: "EARLY" }>;
type LateIn = Extract<IcahtInput, { phase: "LATE" }>;

function evaluateEarly(input: EarlyIn) {
  if (input.ancSeries === undefined) {
    const d500 = input.daysAncAtOrBelow500!;
    const d100 = input.daysAncAtOrBelow100!;
    const nr = input.neverRecovered!;
    const g = gradeEarly(d500, d100, nr);
    return {
      value: { phase: "EARLY" as const, grade: g.grade },
      label: R.say("label.early", { grade: g.grade }),
      reasons: [
        R.say("early.grade", { grade: g.grade, why: g.why }),
        R.say("early.fromCounts", { d500, d100, neverRecovered: nr ? "yesNo.YES" : "yesNo.NO" }),
      ],
      details: { source: "day counts", d500, d100, neverRecovered: nr },
    };
  }
  const daily = dailyAnc(input.ancSeries);
  const runs500 = neutropenicRuns(daily, SEVERE_AT_OR_BELOW);
  const runs100 = neutropenicRuns(daily, PROFOUND_AT_OR_BELOW);
  const l500 = longest(runs500);
  const l100 = longest(runs100);
  const d500 = l500 ? days(l500) : 0;
  const d100 = l100 ? days(l100) : 0;
  const ongoing = input.windowStatus === "ONGOING";
  const nrRun = runs500.find((r) => r.start <= NEVER_RECOVERED_START_BY_DAY && r.end === daily.last);
  const neverRecovered = !ongoing && nrRun !== undefined;
  const g = gradeEarly(d500, d100, neverRecovered);
  const reasons: ReasonEntry[] = [
    R.say(ongoing ? "early.gradeSoFar" : "early.grade", { grade: g.grade, why: g.why }),
  ];
  reasons.push(l500 ? R.say("early.d500Run", { run: describeRun(l500) }) : R.say("early.d500None"));
  reasons.push(l100 ? R.say("early.d100Run", { run: describeRun(l100) }) : R.say("early.d100None"));
  if (neverRecovered && nrRun)
    reasons.push(
      R.say("early.neverRecovered", {
        start: nrRun.start,
        last: daily.last,
        window: `icahtWindow.${input.windowStatus === "ENDED_EARLY" ? "ENDED_EARLY" : "COMPLETE"}`,
      }),
    );
  if (ongoing) reasons.push(R.say("early.provisional", { last: daily.last }));
  if (daily.interpolatedDays.length > 0)
    reasons.push(
      R.say("early.interpolated", {
        maxGap: MAX_INTERPOLATED_GAP_DAYS,
        days: daily.interpolatedDays.join(", "),
      }),
    );
  if (daily.missingDays.length > 0)
    reasons.push(
      R.say("early.missing", { maxGap: MAX_INTERPOLATED_GAP_DAYS, days: daily.missingDays.join(", ") }),
    );
  return {
    value: { phase: "EARLY" as const, grade: g.grade },
    label: R.say(ongoing ? "label.earlyProvisional" : "label.early", { grade: g.grade }),
    reasons,
    details: {
      source: "ANC series",
      d500,
      d100,
      neverRecovered,
      provisional: ongoing,
      firstDay: daily.first,
      lastDay: daily.last,
      runsAtOrBelow500: runs500.map(({ start, end }) => ({ start, end })),
      runsAtOrBelow100: runs100.map(({ start, end }) => ({ start, end })),
      interpolatedDays: daily.interpolatedDays,
      missingDays: daily.missingDays,
    },
  };
}

const lateBand = (anc: number) => LATE_BANDS.find((b) => anc <= b.atOrBelow);

function evaluateLate(input: LateIn) {
  const windowEnd = Math.min(LATE_LAST_DAY, input.censorStudyDay ?? LATE_LAST_DAY);
  const perDay = new Map<number, number>();
  const excluded: number[] = [];
  for (const p of input.ancValues) {
    if (p.studyDay > windowEnd) {
      excluded.push(p.studyDay);
      continue;
    }
    const prev = perDay.get(p.studyDay);
    perDay.set(p.studyDay, prev === undefined ? p.ancCellsPerUL : Math.min(prev, p.ancCellsPerUL));
  }
  const reasons: ReasonEntry[] = [];
  const window =
    input.censorStudyDay !== undefined && input.censorStudyDay < LATE_LAST_DAY
      ? R.phrase("phrase.window.censored", { end: windowEnd, censor: input.censorStudyDay })
      : R.phrase("phrase.window.full");
  const sorted = [...perDay.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const done = (grade: Grade, label: Reason) => ({
    value: { phase: "LATE" as const, grade },
    label,
    reasons,
    details: {
      method: input.method,
      window: { from: LATE_FIRST_DAY, to: windowEnd },
      valuesUsed: sorted.map(([studyDay, anc]) => ({ studyDay, ancCellsPerUL: anc })),
      excludedStudyDays: [...new Set(excluded)].sort((a, b) => a - b),
    },
  });
  if (excluded.length > 0)
    reasons.push(
      R.say("late.excluded", {
        window,
        days: [...new Set(excluded)].sort((a, b) => a - b).join(", "),
      }),
    );
  if (input.neutropeniaExplainedByOtherCause) {
    reasons.unshift(R.say("late.otherCause"));
    return done(0, R.say("label.lateOtherCause", { grade: 0 }));
  }
  if (sorted.length === 0) {
    reasons.unshift(R.say("late.noValues", { window }));
    return done(0, R.say("label.lateNoValues", { grade: 0 }));
  }
  const fmtV = ([d, a]: [number, number]): Phrase => R.phrase("phrase.value", { anc: num(a), day: d });
  const lowest = sorted[0]!;
  const second = sorted[1];
  let grade: Grade = 0;
  if (input.method === "NADIR") {
    const band = lateBand(lowest[1]);
    if (!band) {
      reasons.unshift(R.say("late.nadir.above", { lowest: fmtV(lowest) }));
    } else if (second === undefined) {
      grade = band.grade;
      reasons.unshift(R.say("late.nadir.single", { grade, lowest: fmtV(lowest), band: band.atOrBelow }));
    } else if (second[1] > 1500) {
      reasons.unshift(R.say("late.nadir.transient", { lowest: fmtV(lowest), second: fmtV(second) }));
    } else {
      grade = band.grade;
      reasons.unshift(
        R.say("late.nadir.confirmed", {
          grade,
          lowest: fmtV(lowest),
          band: band.atOrBelow,
          second: fmtV(second),
        }),
      );
    }
  } else {
    const met = LATE_BANDS.find((b) => sorted.filter(([, a]) => a <= b.atOrBelow).length >= 2);
    if (met) {
      grade = met.grade;
      const two = sorted.filter(([, a]) => a <= met.atOrBelow).slice(0, 2);
      reasons.unshift(
        R.say("late.strict.met", {
          grade,
          band: met.atOrBelow,
          lowest: fmtV(two[0]!),
          second: fmtV(two[1]!),
        }),
      );
    } else {
      reasons.unshift(
        second
          ? R.say("late.strict.notMetSecond", { lowest: fmtV(lowest), second: fmtV(second) })
          : R.say("late.strict.notMet", { lowest: fmtV(lowest) }),
      );
    }
  }
  reasons.push(R.say("late.method", { method: `icahtMethod.${input.method}`, window }));
  return done(grade, R.say("label.late", { grade }));
}

export const icaht = defineCalculator({
  name: "icaht",
  title: "ICAHT grade (EHA/EBMT 2023), early or late",
  source: `${REJESKI_2023} Counting rules: ${LIANG_ICAHT}`,
  ruleSet: RULE_SET_ICAHT,
  ruleSetVersion: "1",
  input: IcahtInput,
  warn: (input) =>
    input.phase === "EARLY"
      ? seriesUnitWarning(
          "leukocytes",
          "ANC",
          "/ancSeries",
          (input.ancSeries ?? []).map((p) => ({ studyDay: p.studyDay, value: p.ancCellsPerUL })),
        )
      : seriesUnitWarning(
          "leukocytes",
          "ANC",
          "/ancValues",
          input.ancValues.map((p) => ({ studyDay: p.studyDay, value: p.ancCellsPerUL })),
        ),
  evaluate(input): {
    value: IcahtValue;
    label: Reason;
    reasons: ReasonEntry[];
    details?: Record<string, unknown>;
  } {
    return input.phase === "EARLY" ? evaluateEarly(input) : evaluateLate(input);
  },
});

/** The codes of the icaht input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const ICAHT_CHECKS = [
  "icaht_series_and_counts",
  "icaht_series_or_counts_required",
  "icaht_window_status_required",
  "icaht_window_not_ongoing",
  "icaht_count_required",
  "icaht_count_not_allowed",
  "icaht_d100_exceeds_d500",
  "icaht_never_recovered_without_d500",
] as const;
export type IcahtCheck = (typeof ICAHT_CHECKS)[number];
