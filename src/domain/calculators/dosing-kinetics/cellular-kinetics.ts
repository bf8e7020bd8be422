/**
 * CAR-T cellular kinetics from a peripheral-blood series, and B-cell aplasia/recovery
 * (clinical-rules.md §7).
 *
 * Non-compartmental parameters as the CAR-T US labels report them in section 12.3 (Cmax, Tmax,
 * AUC0–28d from transgene qPCR or CAR+ cells/µL), with the conventions of §7.1 [D]:
 * - Cmax is the highest observed quantifiable value (never interpolated); Tmax its first day.
 * - C(0) = 0 when the series has no day-0 sample (before infusion there are no CAR cells).
 * - Values below the LLOQ count as 0 in the AUC.
 * - AUC0–28d by the linear trapezoidal rule, Σ (t[i+1] − t[i]) × (C[i] + C[i+1]) / 2, over day 0..28;
 *   without a day-28 sample but with samples on both sides, C(28) is interpolated linearly.
 * - If the last sample is before day 28, AUC0–28d is not evaluable and AUC0–Tlast (Tlast = last
 *   quantifiable day, the usual non-compartmental AUClast) is reported with a flag instead.
 * - Also not evaluable when no sample lies in (0, 28]: the area would be interpolation only [D, added
 *   here; not in §7.1].
 * - Tlast is the last day ≥ LLOQ; persistence is censored when the last sample is still quantifiable;
 *   loss of persistence = two consecutive values below the LLOQ with no later quantifiable value.
 * B cells [D], no published consensus threshold (§7.1, §9): aplasia at a sample = value below
 * aplasiaThreshold; recovery = the first of recoveryConfirmations consecutive samples ≥ threshold
 * after aplasia began. A censored sample ("<0.5", FHIR Quantity.comparator) is judged by what the
 * bound settles (observation-value.ts isBelow, decision 0038): "<0.5" is below a threshold of 1,
 * "<1" is below 1 too, but "<5" against 1 may be either, so it is left out of the series and said so
 * — never read as 5, which would call an unknown value "not aplastic".
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { COMPARATORS, type Comparator, isBelow } from "../../observation-value.ts";
import { type Phrase, type Reason, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { fmt } from "./format.ts";

export const CAR_UNITS = ["COPIES_PER_UG_GDNA", "CAR_POS_CELLS_PER_UL"] as const;
export type CarUnit = (typeof CAR_UNITS)[number];
export const B_CELL_UNITS = ["CELLS_PER_UL", "PERCENT_OF_LYMPHOCYTES"] as const;
export type BCellUnit = (typeof B_CELL_UNITS)[number];

const UNIT_TEXT: Record<CarUnit, { level: string; auc: string }> = {
  COPIES_PER_UG_GDNA: { level: "copies/µg gDNA", auc: "copies·day/µg gDNA" },
  CAR_POS_CELLS_PER_UL: { level: "CAR+ cells/µL", auc: "cells·day/µL" },
};
const B_UNIT_TEXT: Record<BCellUnit, string> = {
  CELLS_PER_UL: "cells/µL",
  PERCENT_OF_LYMPHOCYTES: "% of lymphocytes",
};

/**
 * The sentences of the kinetics (decision 0041); the web catalogues word them under
 * reasons.kinetics.*. Units are terms; a censored B-cell value is quoted as given ("<5").
 */
export const KINETICS_REASONS = reasonFamily(
  "kinetics",
  {
    // The result's label, coded like the reasons (decision 0041).
    label: "{{parts, clauses}}",
    "phrase.label.carNotQuantifiable": "CAR not quantifiable",
    "phrase.label.cmax": "Cmax {{cmax}} {{unit, term}} at day {{day}}",
    "phrase.label.auc": "AUC0–28d {{auc}} {{unit, term}}",
    "phrase.label.aucToTlast": "AUC0–28d not evaluable (AUC0–{{to}} {{auc}})",
    "phrase.label.aucNotEvaluable": "AUC0–28d not evaluable",
    "phrase.label.tlast": "Tlast day {{day}}",
    "phrase.label.noAplasia": "no B-cell aplasia",
    "phrase.label.aplasiaRecovered": "B-cell aplasia day {{from}}–{{to}}, recovery day {{recovery}}",
    "phrase.label.aplasiaOngoing": "B-cell aplasia from day {{from}}, ongoing",
    "cmax.none": "No sample reaches the LLOQ {{lloq}} {{level, term}}: Cmax, Tmax and Tlast are not defined.",
    "cmax.observed":
      "Cmax {{cmax}} {{level, term}} at day {{day}} (highest observed value; first occurrence on ties).",
    noDay0: "No day-0 sample: C(0) = 0 (no CAR cells before the infusion).",
    blq: "{{count}} sample(s) below the LLOQ {{lloq}} {{level, term}} count as 0 in the AUC.",
    "auc.interpolationOnly":
      "AUC0–28d not evaluable: no sample between day 0 and day {{end}}, so the area would be interpolation only.",
    "auc.interpolated28":
      "No day-28 sample: C(28) interpolated linearly between day {{before}} ({{cBefore}}) and day {{after}} " +
      "({{cAfter}}) = {{value}} {{level, term}}.",
    "auc.value": "AUC0–28d (linear trapezoidal rule) = {{auc}} {{aucUnit, term}}.",
    "auc.short": "AUC0–28d not evaluable: the last sample is on day {{last}} (< {{end}}).",
    "auc.shortPartial":
      "AUC0–28d not evaluable: the last sample is on day {{last}} (< {{end}}); AUC0–{{toDay}} = {{auc}} " +
      "{{aucUnit, term}} (flagged, not comparable with AUC0–28d).",
    "tlast.censored":
      "Tlast day {{tlast}}: the last sample is still quantifiable, so persistence is censored.",
    "tlast.lossConfirmed":
      "Tlast day {{tlast}}; loss of persistence confirmed at day {{confirmed}} (below the LLOQ at days {{first}} " +
      "and {{confirmed}}, no later quantifiable value).",
    "tlast.lossPending":
      "Tlast day {{tlast}}; below the LLOQ at day {{first}} only, so loss of persistence is not yet confirmed " +
      "(needs {{n}} consecutive samples).",
    "bCells.leftOut":
      "Left out: {{samples, phrases}}, a censored value that cannot be judged against the aplasia threshold " +
      "{{threshold}} {{unit, term}}.",
    "bCells.none":
      "No CD19+ sample below the aplasia threshold {{threshold}} {{unit, term}}: no B-cell aplasia in the series.",
    "bCells.ongoing":
      "B-cell aplasia from day {{start}} ({{value}} < {{threshold}} {{unit, term}}), ongoing at the last sample.",
    "bCells.ongoingPending":
      "B-cell aplasia from day {{start}} ({{value}} < {{threshold}} {{unit, term}}), ongoing at the last sample: " +
      "{{pending}} sample(s) ≥ {{threshold}} since day {{since}}, fewer than the {{n}} needed to confirm recovery.",
    "bCells.recovery":
      "B-cell aplasia from day {{start}} through day {{end}} (< {{threshold}} {{unit, term}}); recovery at day " +
      "{{recovery}} (≥ {{threshold}} {{unit, term}} on {{n}} consecutive sample(s): days {{days}}).",
    "bCells.lowAgain":
      "CD19+ below the threshold again at day {{day}} after recovery ({{value}} {{unit, term}}).",
    "phrase.sample": "day {{day}} ({{value}} {{unit, term}})",
  },
  {
    carLevel: Object.fromEntries(CAR_UNITS.map((u) => [u, UNIT_TEXT[u].level])),
    carAuc: Object.fromEntries(CAR_UNITS.map((u) => [u, UNIT_TEXT[u].auc])),
    bCellUnit: B_UNIT_TEXT,
  },
);
const R = KINETICS_REASONS;

/** The AUC window of the CAR-T labels (section 12.3): day 0 to day 28. */
export const AUC_END_DAY = 28;
/** Samples below the LLOQ in a row that confirm loss of persistence (§7.1). */
export const LOSS_CONFIRMATIONS = 2;
/** Default number of consecutive samples ≥ threshold that confirm B-cell recovery (§7.1 [D]). */
export const DEFAULT_RECOVERY_CONFIRMATIONS = 2;
export const MAX_DAY = 3650 * 3;

const Day = z
  .number()
  .min(0, "Days are counted from the CAR-T infusion (day 0); pre-infusion samples are not part of the series")
  .max(MAX_DAY)
  .describe("Days since CAR-T infusion (day 0)");

const CarSample = z.strictObject({
  day: Day,
  value: z
    .number()
    .min(0)
    .optional()
    .describe("Measured level in the series unit; may be omitted when belowLloq is true"),
  belowLloq: z.boolean().optional().describe("true when the laboratory reports the sample as below the LLOQ"),
});

const CarSeries = z
  .strictObject({
    unit: z
      .enum(CAR_UNITS)
      .describe("COPIES_PER_UG_GDNA (transgene copies/µg genomic DNA, qPCR) or CAR_POS_CELLS_PER_UL (flow)"),
    lloq: z.number().positive().describe("Lower limit of quantification of the assay, in the series unit"),
    samples: z.array(CarSample).min(1).max(500),
  })
  .superRefine((s, ctx) => {
    s.samples.forEach((p, k) => {
      if (p.value === undefined && p.belowLloq !== true)
        ruleIssue(
          ctx,
          ["samples", k, "value"],
          "A value is required unless the sample is recorded as below the lower limit of quantification (LLOQ).",
          "kinetics_value_required" satisfies KineticsCheck,
        );
      if (p.value !== undefined && p.belowLloq === true && p.value >= s.lloq)
        ruleIssue(
          ctx,
          ["samples", k, "belowLloq"],
          `Recorded as below the LLOQ, but the value ${p.value} is at or above the LLOQ ${s.lloq}.`,
          "kinetics_below_lloq_but_quantified" satisfies KineticsCheck,
        );
      if (p.value !== undefined && p.belowLloq === false && p.value < s.lloq)
        ruleIssue(
          ctx,
          ["samples", k, "belowLloq"],
          `Not recorded as below the LLOQ, but the value ${p.value} is below the LLOQ ${s.lloq}.`,
          "kinetics_quantified_but_below_lloq" satisfies KineticsCheck,
        );
    });
    duplicateDays(s.samples, ctx);
  });

const BCellSeries = z
  .strictObject({
    unit: z.enum(B_CELL_UNITS).describe("CELLS_PER_UL (absolute CD19+ B cells) or PERCENT_OF_LYMPHOCYTES"),
    aplasiaThreshold: z
      .number()
      .positive()
      .describe(
        "Protocol threshold in the series unit: a sample below it is B-cell aplasia (e.g. the assay LLOQ)",
      ),
    recoveryConfirmations: z
      .number()
      .int()
      .min(1)
      .max(5)
      .default(DEFAULT_RECOVERY_CONFIRMATIONS)
      .describe(
        "Consecutive samples at or above the threshold that confirm recovery (default 2, clinical-rules §7.1)",
      ),
    samples: z
      .array(
        z.strictObject({
          day: Day,
          value: z.number().min(0).describe("CD19+ B cells in the series unit"),
          comparator: z
            .enum(COMPARATORS)
            .optional()
            .describe('a censored result: "<" with value 0.5 is "<0.5" (FHIR Quantity.comparator)'),
        }),
      )
      .min(1)
      .max(500),
  })
  .superRefine((s, ctx) => {
    if (s.unit === "PERCENT_OF_LYMPHOCYTES") {
      if (s.aplasiaThreshold > 100)
        ruleIssue(
          ctx,
          ["aplasiaThreshold"],
          "A percentage threshold is at most 100",
          "kinetics_percent_threshold_max" satisfies KineticsCheck,
        );
      s.samples.forEach((p, k) => {
        if (p.value > 100)
          ruleIssue(
            ctx,
            ["samples", k, "value"],
            "A percentage is at most 100",
            "kinetics_percent_value_max" satisfies KineticsCheck,
          );
      });
    }
    duplicateDays(s.samples, ctx);
  });

function duplicateDays(samples: { day: number }[], ctx: z.RefinementCtx): void {
  const seen = new Set<number>();
  samples.forEach((p, k) => {
    if (seen.has(p.day))
      ruleIssue(
        ctx,
        ["samples", k, "day"],
        `Day ${p.day} appears twice; give one value per day`,
        "kinetics_day_twice" satisfies KineticsCheck,
      );
    seen.add(p.day);
  });
}

export const CellularKineticsInput = z
  .strictObject({
    carSeries: CarSeries.optional().describe("CAR level series (one unit, one assay)"),
    bCellSeries: BCellSeries.optional().describe("CD19+ B-cell series for aplasia and recovery"),
  })
  .superRefine((i, ctx) => {
    if (!i.carSeries && !i.bCellSeries)
      ruleIssue(
        ctx,
        ["carSeries"],
        "Give the CAR-T series, the B-cell series or both.",
        "kinetics_no_series" satisfies KineticsCheck,
      );
  });

export interface CarKinetics {
  unit: CarUnit;
  cmax: number | null;
  tmaxDay: number | null;
  auc0to28: number | null;
  auc0to28Evaluable: boolean;
  /** C(28) used for the AUC, and whether it was interpolated */
  c28: { value: number; interpolated: boolean } | null;
  /** reported when AUC0–28d is not evaluable: AUC from day 0 to Tlast */
  auc0toTlast: { toDay: number; auc: number } | null;
  tlastDay: number | null;
  persistenceCensored: boolean;
  lossOfPersistence: { firstMissedDay: number; confirmedDay: number | null } | null;
  quantifiableDays: number[];
}

export interface BCellKinetics {
  unit: BCellUnit;
  aplasiaThreshold: number;
  aplasiaStartDay: number | null;
  /** last sample below the threshold before recovery (null when aplasia is ongoing or never began) */
  aplasiaEndDay: number | null;
  recoveryDay: number | null;
  aplasiaOngoing: boolean;
  /** a sample below the threshold after confirmed recovery */
  lowAgainAfterRecoveryDay: number | null;
}

export interface CellularKineticsValue {
  car?: CarKinetics;
  bCells?: BCellKinetics;
}

/** Linear trapezoidal AUC over points sorted by day. */
export const trapezoid = (pts: { day: number; c: number }[]): number =>
  pts.slice(1).reduce((sum, p, k) => sum + ((p.day - pts[k]!.day) * (pts[k]!.c + p.c)) / 2, 0);

export function carKinetics(series: z.output<typeof CarSeries>, reasons: ReasonEntry[]): CarKinetics {
  const level = `carLevel.${series.unit}`;
  const aucUnit = `carAuc.${series.unit}`;
  const pts = [...series.samples]
    .sort((a, b) => a.day - b.day)
    .map((p) => {
      const quantifiable = p.belowLloq !== true && p.value !== undefined && p.value >= series.lloq;
      return { day: p.day, quantifiable, observed: p.value, c: quantifiable ? p.value! : 0 };
    });
  const quantifiable = pts.filter((p) => p.quantifiable);

  // Cmax/Tmax: highest observed quantifiable value; first day on ties.
  let cmax: number | null = null;
  let tmaxDay: number | null = null;
  for (const p of quantifiable)
    if (cmax === null || p.c > cmax) {
      cmax = p.c;
      tmaxDay = p.day;
    }
  reasons.push(
    cmax === null
      ? R.say("cmax.none", { lloq: series.lloq, level })
      : R.say("cmax.observed", { cmax: fmt(cmax, 2), level, day: tmaxDay! }),
  );

  // AUC0–28d with C(0) = 0 when there is no day-0 sample, BLQ = 0.
  const withZero = pts[0]!.day === 0 ? pts : [{ day: 0, quantifiable: false, observed: 0, c: 0 }, ...pts];
  if (pts[0]!.day !== 0) reasons.push(R.say("noDay0"));
  const blq = pts.filter((p) => !p.quantifiable).length;
  if (blq > 0) reasons.push(R.say("blq", { count: blq, lloq: series.lloq, level }));
  const lastDay = withZero[withZero.length - 1]!.day;
  let auc0to28: number | null = null;
  let c28: CarKinetics["c28"] = null;
  let auc0toTlast: CarKinetics["auc0toTlast"] = null;
  const observedInWindow = pts.some((p) => p.day > 0 && p.day <= AUC_END_DAY);
  if (lastDay >= AUC_END_DAY && !observedInWindow) {
    reasons.push(R.say("auc.interpolationOnly", { end: AUC_END_DAY }));
  } else if (lastDay >= AUC_END_DAY) {
    const inWindow = withZero.filter((p) => p.day <= AUC_END_DAY);
    const at28 = inWindow.find((p) => p.day === AUC_END_DAY);
    if (at28) c28 = { value: at28.c, interpolated: false };
    else {
      const before = inWindow[inWindow.length - 1]!;
      const after = withZero.find((p) => p.day > AUC_END_DAY)!;
      const value = before.c + ((after.c - before.c) * (AUC_END_DAY - before.day)) / (after.day - before.day);
      c28 = { value, interpolated: true };
      inWindow.push({ day: AUC_END_DAY, quantifiable: false, observed: value, c: value });
      reasons.push(
        R.say("auc.interpolated28", {
          before: before.day,
          cBefore: fmt(before.c, 2),
          after: after.day,
          cAfter: fmt(after.c, 2),
          value: fmt(value, 2),
          level,
        }),
      );
    }
    auc0to28 = trapezoid(inWindow);
    reasons.push(R.say("auc.value", { auc: fmt(auc0to28, 1), aucUnit }));
  } else {
    const tlast = quantifiable.length ? quantifiable[quantifiable.length - 1]!.day : null;
    if (tlast !== null)
      auc0toTlast = { toDay: tlast, auc: trapezoid(withZero.filter((p) => p.day <= tlast)) };
    reasons.push(
      auc0toTlast
        ? R.say("auc.shortPartial", {
            last: lastDay,
            end: AUC_END_DAY,
            toDay: auc0toTlast.toDay,
            auc: fmt(auc0toTlast.auc, 1),
            aucUnit,
          })
        : R.say("auc.short", { last: lastDay, end: AUC_END_DAY }),
    );
  }

  // Tlast, persistence, loss of persistence.
  const tlastDay = quantifiable.length ? quantifiable[quantifiable.length - 1]!.day : null;
  const last = pts[pts.length - 1]!;
  const persistenceCensored = last.quantifiable;
  let lossOfPersistence: CarKinetics["lossOfPersistence"] = null;
  if (tlastDay !== null) {
    const after = pts.filter((p) => p.day > tlastDay); // all below the LLOQ by definition of Tlast
    if (persistenceCensored) reasons.push(R.say("tlast.censored", { tlast: tlastDay }));
    else {
      const confirmed = after.length >= LOSS_CONFIRMATIONS ? after[LOSS_CONFIRMATIONS - 1]!.day : null;
      lossOfPersistence = { firstMissedDay: after[0]!.day, confirmedDay: confirmed };
      reasons.push(
        confirmed !== null
          ? R.say("tlast.lossConfirmed", { tlast: tlastDay, confirmed, first: after[0]!.day })
          : R.say("tlast.lossPending", { tlast: tlastDay, first: after[0]!.day, n: LOSS_CONFIRMATIONS }),
      );
    }
  }
  return {
    unit: series.unit,
    cmax,
    tmaxDay,
    auc0to28,
    auc0to28Evaluable: auc0to28 !== null,
    c28,
    auc0toTlast,
    tlastDay,
    persistenceCensored,
    lossOfPersistence,
    quantifiableDays: quantifiable.map((p) => p.day),
  };
}

export function bCellKinetics(series: z.output<typeof BCellSeries>, reasons: ReasonEntry[]): BCellKinetics {
  const unit = `bCellUnit.${series.unit}`;
  const t = series.aplasiaThreshold;
  const n = series.recoveryConfirmations;
  const shown = (p: { value: number; comparator?: Comparator | undefined }) =>
    `${p.comparator ?? ""}${p.value}`;
  const judged = [...series.samples]
    .sort((a, b) => a.day - b.day)
    .map((p) => ({ ...p, below: isBelow({ value: p.value, comparator: p.comparator ?? null }, t) }));
  const unknown = judged.filter((p) => p.below === null);
  if (unknown.length)
    reasons.push(
      R.say("bCells.leftOut", {
        samples: unknown.map((p) => R.phrase("phrase.sample", { day: p.day, value: shown(p), unit })),
        threshold: t,
        unit,
      }),
    );
  const pts = judged.filter((p): p is typeof p & { below: boolean } => p.below !== null);
  const startIdx = pts.findIndex((p) => p.below);
  const base = {
    unit: series.unit,
    aplasiaThreshold: t,
    aplasiaStartDay: null,
    aplasiaEndDay: null,
    recoveryDay: null,
    aplasiaOngoing: false,
    lowAgainAfterRecoveryDay: null,
  };
  if (startIdx < 0) {
    reasons.push(R.say("bCells.none", { threshold: t, unit }));
    return base;
  }
  const aplasiaStartDay = pts[startIdx]!.day;
  let recoveryIdx = -1;
  for (let k = startIdx + 1; k + n <= pts.length; k++)
    if (pts.slice(k, k + n).every((p) => !p.below)) {
      recoveryIdx = k;
      break;
    }
  if (recoveryIdx < 0) {
    const lastAplastic = [...pts].reverse().find((p) => p.below)!;
    const pending = pts.filter((p) => p.day > lastAplastic.day);
    const aplasia = { start: aplasiaStartDay, value: shown(pts[startIdx]!), threshold: t, unit };
    reasons.push(
      pending.length
        ? R.say("bCells.ongoingPending", { ...aplasia, pending: pending.length, since: pending[0]!.day, n })
        : R.say("bCells.ongoing", aplasia),
    );
    return { ...base, aplasiaStartDay, aplasiaOngoing: true };
  }
  const recoveryDay = pts[recoveryIdx]!.day;
  const aplasiaEndDay = pts[recoveryIdx - 1]!.day;
  const confirmDays = pts.slice(recoveryIdx, recoveryIdx + n).map((p) => p.day);
  const lowAgain = pts.slice(recoveryIdx + n).find((p) => p.below);
  reasons.push(
    R.say("bCells.recovery", {
      start: aplasiaStartDay,
      end: aplasiaEndDay,
      threshold: t,
      unit,
      recovery: recoveryDay,
      n,
      days: confirmDays.join(", "),
    }),
  );
  if (lowAgain) reasons.push(R.say("bCells.lowAgain", { day: lowAgain.day, value: shown(lowAgain), unit }));
  return {
    ...base,
    aplasiaStartDay,
    aplasiaEndDay,
    recoveryDay,
    lowAgainAfterRecoveryDay: lowAgain?.day ?? null,
  };
}

export const cellularKineticsCalculator = defineCalculator({
  name: "cellular-kinetics",
  title: "CAR-T cellular kinetics (Cmax, Tmax, AUC0–28d, Tlast) and B-cell aplasia",
  source:
    "Non-compartmental kinetics as reported in CAR-T US labels, section 12.3 (Kymriah, Breyanzi, Carvykti, Yescarta); conventions and B-cell rules of clinical-rules.md §7 (platform design, protocol-configurable).",
  ruleSet: "CAR-T kinetics, linear trapezoid AUC0–28d (clinical-rules.md §7)",
  ruleSetVersion: "1",
  input: CellularKineticsInput,
  evaluate(i): { value: CellularKineticsValue; label: Reason; reasons: ReasonEntry[] } {
    const reasons: ReasonEntry[] = [];
    const value: CellularKineticsValue = {};
    const parts: Phrase[] = [];
    if (i.carSeries) {
      const k = carKinetics(i.carSeries, reasons);
      value.car = k;
      parts.push(
        k.cmax === null
          ? R.phrase("phrase.label.carNotQuantifiable")
          : R.phrase("phrase.label.cmax", {
              cmax: fmt(k.cmax, 1),
              unit: `carLevel.${k.unit}`,
              day: k.tmaxDay ?? "",
            }),
      );
      parts.push(
        k.auc0to28 !== null
          ? R.phrase("phrase.label.auc", { auc: fmt(k.auc0to28, 1), unit: `carAuc.${k.unit}` })
          : k.auc0toTlast
            ? R.phrase("phrase.label.aucToTlast", {
                to: k.auc0toTlast.toDay,
                auc: fmt(k.auc0toTlast.auc, 1),
              })
            : R.phrase("phrase.label.aucNotEvaluable"),
      );
      if (k.tlastDay !== null) parts.push(R.phrase("phrase.label.tlast", { day: k.tlastDay }));
    }
    if (i.bCellSeries) {
      const b = bCellKinetics(i.bCellSeries, reasons);
      value.bCells = b;
      parts.push(
        b.aplasiaStartDay === null
          ? R.phrase("phrase.label.noAplasia")
          : b.recoveryDay !== null
            ? R.phrase("phrase.label.aplasiaRecovered", {
                from: b.aplasiaStartDay,
                to: b.aplasiaEndDay ?? "",
                recovery: b.recoveryDay,
              })
            : R.phrase("phrase.label.aplasiaOngoing", { from: b.aplasiaStartDay }),
      );
    }
    return { value, label: R.say("label", { parts }), reasons };
  },
});

/** The codes of the cellular-kinetics input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const KINETICS_CHECKS = [
  "kinetics_value_required",
  "kinetics_below_lloq_but_quantified",
  "kinetics_quantified_but_below_lloq",
  "kinetics_percent_threshold_max",
  "kinetics_percent_value_max",
  "kinetics_day_twice",
  "kinetics_no_series",
] as const;
export type KineticsCheck = (typeof KINETICS_CHECKS)[number];
