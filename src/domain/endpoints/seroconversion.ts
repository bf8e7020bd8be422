/**
 * Autoantibody seroconversion: the date an autoantibody that was positive at baseline turned
 * negative and stayed negative.
 *
 * Each sample is read as negative or not negative:
 * - a coded or text result: "negative" (or "not detected") is negative; "positive", "detected",
 *   "equivocal", "borderline" and other words are not negative — an equivocal result does not
 *   prove negativity;
 * - a number: negative below the antibody's cut-off, and only in a unit that cut-off is given in.
 *   Cut-offs are assay-specific (workflow-standards.md §5.4 notes) and observations do not carry the
 *   laboratory's reference range yet, so one default per antibody is used and stated in the result.
 *   Anti-dsDNA: < 10 IU/mL negative, the cut-off of the widely used EliA dsDNA assay (Lupus Sci Med
 *   2014;1:e000007, Table 1, "<10 IU/mL"; 10–15 IU/mL is that assay's equivocal band and counts as
 *   not negative here). A quantitative ANA has no portable cut-off and is left out.
 *
 * Rule: the baseline is the last readable sample on or before day 0 and must be positive. The
 * seroconversion date is the first negative sample after the last not-negative one, so a later
 * positive reverts an earlier conversion (the reverted dates are kept in the details), and a
 * series that ends positive has not seroconverted.
 */
import { type Comparator, isBelow } from "../observation-value.ts";
import { studyDay } from "../study-day.ts";
import { type Endpoint, type EndpointDefinition, notEvaluable, type RecordRef, reached } from "./endpoint.ts";

export interface Autoantibody {
  key: string;
  name: string;
  /** LOINC codes read for this antibody */
  codes: string[];
  /** numeric results: negative below this, in these UCUM units */
  negativeBelow?: { value: number; units: string[]; source: string };
}

export const AUTOANTIBODIES: Autoantibody[] = [
  {
    key: "anti-dsdna",
    name: "anti-dsDNA",
    // workflow-standards.md §5.4: 5130-0, and 33800-4 (IgG) as the alternative.
    codes: ["5130-0", "33800-4"],
    negativeBelow: {
      value: 10,
      // 1 kIU/L = 1 IU/mL
      units: ["[IU]/mL", "k[IU]/L"],
      source: "EliA dsDNA reference interval < 10 IU/mL (Lupus Sci Med 2014;1:e000007, Table 1)",
    },
  },
  // workflow-standards.md §5.4: qualitative ANA 8061-4 and ANA by IIF 42254-3.
  { key: "ana", name: "ANA", codes: ["8061-4", "42254-3"] },
];

export interface AntibodySample {
  date: string;
  valueNumber: number | null;
  /** a censored result ("<0.5" IU/mL): valueNumber is the limit */
  valueComparator?: Comparator | null;
  unit: string | null;
  /** coded or free-text result */
  valueText: string | null;
  ref: RecordRef;
}

type Reading = "negative" | "not-negative";

export function readSample(ab: Autoantibody, s: AntibodySample): Reading | null {
  if (s.valueText !== null) {
    const t = s.valueText.trim().toLowerCase();
    return /^(negative|neg|not detected|non-?reactive)\b/.test(t) ? "negative" : "not-negative";
  }
  if (s.valueNumber === null || !ab.negativeBelow || !ab.negativeBelow.units.includes(s.unit ?? ""))
    return null;
  // A censored result reads only when it settles it: "<5" is negative below 10, ">5" is not read.
  const below = isBelow(
    { value: s.valueNumber, comparator: s.valueComparator ?? null },
    ab.negativeBelow.value,
  );
  return below === null ? null : below ? "negative" : "not-negative";
}

export function seroconversionDefinition(ab: Autoantibody): EndpointDefinition {
  return {
    key: `seroconversion-${ab.key}`,
    title: `${ab.name} seroconversion to negative`,
    rule: `Baseline (last result on or before day 0) positive; date = first negative result after the last non-negative one; a later positive reverts it.${ab.negativeBelow ? ` Numeric results negative below ${ab.negativeBelow.value} ${ab.negativeBelow.units[0]}.` : ""}`,
    source: ab.negativeBelow?.source ?? "Qualitative laboratory result (negative / positive)",
  };
}

export function seroconversion(ab: Autoantibody, samples: AntibodySample[], day0: string | null): Endpoint {
  const def = seroconversionDefinition(ab);
  if (!day0) return notEvaluable(def, "No CAR-T infusion recorded: there is no day 0 to set the baseline.");
  const sorted = [...samples].sort((a, b) => a.date.localeCompare(b.date));
  const unreadable = sorted.filter((s) => readSample(ab, s) === null);
  const read = sorted
    .map((s) => ({ ...s, reading: readSample(ab, s) }))
    .filter((s): s is AntibodySample & { reading: Reading } => s.reading !== null);
  const skipped = unreadable.length
    ? [
        `${unreadable.length} result(s) left out: a number in a unit without a known cut-off (${[...new Set(unreadable.map((s) => s.unit ?? "none"))].join(", ")}).`,
      ]
    : [];
  const baseline = read.filter((s) => studyDay(s.date, day0) <= 0).at(-1);
  if (!baseline)
    return notEvaluable(def, `No readable ${ab.name} result on or before day 0 to serve as baseline.`);
  if (baseline.reading === "negative")
    return notEvaluable(
      def,
      `${ab.name} already negative at baseline (${baseline.date}): nothing to convert.`,
      [baseline.ref],
    );
  const after = read.filter((s) => s.date > baseline.date);
  if (after.length === 0)
    return reached(def, {
      status: "not-met",
      value: false,
      date: null,
      day0,
      derivedFrom: [baseline.ref],
      reasons: [`Positive at baseline (${baseline.date}); no result since.`, ...skipped],
    });
  const reverted: string[] = [];
  let conversion: (typeof after)[number] | null = null;
  for (const s of after) {
    if (s.reading === "negative" && conversion === null) conversion = s;
    else if (s.reading === "not-negative" && conversion !== null) {
      reverted.push(conversion.date);
      conversion = null;
    }
  }
  const revertedText = reverted.length
    ? [`Earlier negative result(s) reverted by a later positive: ${reverted.join(", ")}.`]
    : [];
  if (!conversion) {
    const last = after.at(-1)!;
    return reached(def, {
      status: "not-met",
      value: false,
      date: null,
      day0,
      derivedFrom: [baseline.ref, last.ref],
      reasons: [
        `Positive at baseline (${baseline.date}) and still not negative on ${last.date}.`,
        ...revertedText,
        ...skipped,
      ],
      details: { reverted },
    });
  }
  const run = after.filter((s) => s.date >= conversion!.date);
  return reached(def, {
    value: true,
    date: conversion.date,
    day0,
    derivedFrom: [baseline.ref, ...run.map((s) => s.ref)],
    reasons: [
      `Positive at baseline (${baseline.date}); negative from ${conversion.date} on ${run.length} consecutive result(s) through ${run.at(-1)!.date}.`,
      ...revertedText,
      ...skipped,
    ],
    details: { baselineDate: baseline.date, negativeResults: run.length, reverted },
  });
}
