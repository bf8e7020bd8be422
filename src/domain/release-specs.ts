/**
 * Release specifications of a CAR-T product and their evaluation against entered QC results.
 *
 * A specification is data, one criterion per attribute with operator, limit, unit, method and
 * source (shared/domain/workflow-standards.md §3, "Implementation notes": store each criterion as
 * data and evaluate results into pass / fail / pending; any fail puts the product into OOS).
 * This module only evaluates: which limits a product uses is decided by whoever writes its spec,
 * and each criterion must name its source.
 *
 * Attributes (§3 test panel):
 * - viability (% viable of total nucleated cells), CAR+ (% of viable T cells), vector copy number
 *   (copies per transduced cell) and endotoxin (EU/mL, or EU/kg when the lab reports the dose the
 *   patient receives): numeric, with >=, >, <= or <;
 * - sterility and mycoplasma: qualitative, "negative" is the only passing result;
 * - dose sufficiency: derived, the bag's total CAR+ viable cells (QC attribute
 *   `car-positive-viable-cells`) at least the enrolment's dose level × the patient's weight, or the
 *   flat dose (clinical-rules.md §6.2, algorithm `total = dosePerKg × refWeightKg`).
 *
 * `EXAMPLE_RELEASE_SPEC` is one published set of acceptance criteria (ARI-0001, Castella et al.
 * 2019, Mol Ther Methods Clin Dev, Table 2; checked against PMC6319086), given as a starting point
 * with its sources, not as a default that applies without a decision.
 */
import { z } from "zod";
import { type ReasonCode, reasonFamily } from "./reasons.ts";

export const NUMERIC_ATTRIBUTES = ["viability", "car-positive", "vector-copy-number", "endotoxin"] as const;
export const QUALITATIVE_ATTRIBUTES = ["sterility", "mycoplasma"] as const;
export const RELEASE_ATTRIBUTES = [
  ...NUMERIC_ATTRIBUTES,
  ...QUALITATIVE_ATTRIBUTES,
  "dose-sufficiency",
] as const;
export type ReleaseAttribute = (typeof RELEASE_ATTRIBUTES)[number];
export type NumericAttribute = (typeof NUMERIC_ATTRIBUTES)[number];
export type QualitativeAttribute = (typeof QUALITATIVE_ATTRIBUTES)[number];

/** What a QC result may report: every tested attribute, and the bag's CAR+ viable cell count. */
export const QC_ATTRIBUTES = [
  ...NUMERIC_ATTRIBUTES,
  ...QUALITATIVE_ATTRIBUTES,
  "car-positive-viable-cells",
] as const;
export type QcAttribute = (typeof QC_ATTRIBUTES)[number];

/** The one unit each attribute is reported in; endotoxin has two (per mL of product, per kg of patient). */
export const ATTRIBUTE_UNITS: Readonly<
  Record<NumericAttribute | "car-positive-viable-cells", readonly string[]>
> = {
  viability: ["%"],
  "car-positive": ["%"],
  "vector-copy-number": ["copies/transduced cell"],
  endotoxin: ["EU/mL", "EU/kg"],
  "car-positive-viable-cells": ["cells"],
};

/** Every unit a specification's limit may be written in. */
const SPEC_UNITS = [...new Set(Object.values(ATTRIBUTE_UNITS).flat())];

export const QUALITATIVE_RESULTS = ["negative", "positive"] as const;
export type QualitativeResult = (typeof QUALITATIVE_RESULTS)[number];

export const OPERATORS = [">=", ">", "<=", "<"] as const;
export type Operator = (typeof OPERATORS)[number];

const Source = z
  .string()
  .trim()
  .min(3)
  .max(500)
  .describe("Where the limit comes from (guideline, label, protocol)");
const Method = z.string().trim().min(1).max(200).optional();

const NumericCriterion = z.strictObject({
  attribute: z.enum(NUMERIC_ATTRIBUTES),
  operator: z.enum(OPERATORS),
  limit: z.number().finite().min(0),
  unit: z.string().min(1).max(40),
  method: Method,
  source: Source,
});
const QualitativeCriterion = z.strictObject({
  attribute: z.enum(QUALITATIVE_ATTRIBUTES),
  expected: z.literal("negative"),
  method: Method,
  source: Source,
});
const DoseCriterion = z.strictObject({
  attribute: z.literal("dose-sufficiency"),
  method: Method,
  source: Source,
});

export const ReleaseCriterion = z.union([NumericCriterion, QualitativeCriterion, DoseCriterion]);
export type ReleaseCriterion = z.infer<typeof ReleaseCriterion>;

export const ReleaseSpec = z
  .strictObject({ criteria: z.array(ReleaseCriterion).min(1).max(RELEASE_ATTRIBUTES.length) })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    spec.criteria.forEach((c, i) => {
      if (seen.has(c.attribute))
        ctx.addIssue({
          code: "custom",
          path: ["criteria", i, "attribute"],
          message: `${c.attribute} appears twice`,
        });
      seen.add(c.attribute);
      if ("unit" in c && !ATTRIBUTE_UNITS[c.attribute].includes(c.unit))
        ctx.addIssue({
          code: "custom",
          path: ["criteria", i, "unit"],
          message: `${c.attribute} is given in ${ATTRIBUTE_UNITS[c.attribute].join(" or ")}`,
        });
      if ((c.attribute === "viability" || c.attribute === "car-positive") && "limit" in c && c.limit > 100)
        ctx.addIssue({
          code: "custom",
          path: ["criteria", i, "limit"],
          message: "a percentage is at most 100",
        });
    });
  });
export type ReleaseSpec = z.infer<typeof ReleaseSpec>;

/** One QC result as entered; the latest per attribute is the one evaluated. */
export interface QcResult {
  attribute: string;
  valueNumber?: number | null;
  valueCode?: string | null;
  unit?: string | null;
}

/** What the patient's dose needs from the bag, from the enrolment's dose level. */
export type DoseTarget =
  | { basis: "per-kg"; dosePerKg: number; weightKg: number }
  | { basis: "flat"; cells: number }
  /** no dose level, or no weight before the evaluation: dose sufficiency cannot be judged */
  | { basis: "unknown"; why: "no-dose-level" | "no-weight" };

export const requiredCells = (t: DoseTarget): number | null =>
  t.basis === "per-kg" ? t.dosePerKg * t.weightKg : t.basis === "flat" ? t.cells : null;

export interface AttributeVerdict {
  attribute: ReleaseAttribute;
  status: "pass" | "fail" | "missing";
  /** the English sentence, for API clients and the record */
  reason: string;
  /**
   * the same sentence coded (decision 0041), worded by the web app in the reader's language;
   * absent on evaluations stored before the codes existed
   */
  reasonCode?: ReasonCode;
  source: string;
}

/**
 * The sentences of a release evaluation (decision 0041); the web catalogues word them under
 * reasons.release.*. Numbers travel as shown (cells in exponent form above 10⁵).
 */
export const RELEASE_REASONS = reasonFamily(
  "release",
  {
    "dose.noDoseLevel": "dose target unknown: the enrolment has no dose level",
    "dose.noWeight": "dose target unknown: no body weight (LOINC 29463-7) in kg recorded",
    "dose.noCount": "no CAR+ viable cell count (cells) for the bag",
    "dose.perKg.pass": "{{cells}} CAR+ viable cells ≥ {{perKg}}/kg × {{weight}} kg = {{need}}",
    "dose.perKg.fail": "{{cells}} CAR+ viable cells < {{perKg}}/kg × {{weight}} kg = {{need}}",
    "dose.flat.pass": "{{cells}} CAR+ viable cells ≥ flat dose {{need}}",
    "dose.flat.fail": "{{cells}} CAR+ viable cells < flat dose {{need}}",
    noResult: "no result entered",
    notNegativeOrPositive: "result is not negative or positive",
    negative: "negative",
    positive: "positive, expected negative",
    noNumber: "result has no number",
    // The result's own unit is quoted as entered (any text); the specification's is a term.
    otherUnit: "result in {{unit}}, limit in {{limitUnit, term}}",
    noUnit: "result in no unit, limit in {{limitUnit, term}}",
    meets: "{{value}} {{unit, term}} meets {{operator}} {{limit}} {{unit, term}}",
    doesNotMeet: "{{value}} {{unit, term}} does not meet {{operator}} {{limit}} {{unit, term}}",
  },
  // The specification's units (ATTRIBUTE_UNITS), worded by the catalogues like any term, so a
  // Chinese page reads 拷贝/转导细胞; evaluations stored before show their unit as it was written.
  { releaseUnit: Object.fromEntries(SPEC_UNITS.map((u) => [u, u])) },
);
const R = RELEASE_REASONS;
const unitTerm = (unit: string) => `releaseUnit.${unit}`;
type Status = AttributeVerdict["status"];

export interface ReleaseEvaluation {
  /**
   * meets-specification: every criterion passed, and the bag awaits QA's signed release (an
   * evaluation never releases by itself; services/release.ts releaseProduct).
   */
  outcome: "meets-specification" | "out-of-specification" | "incomplete";
  attributes: AttributeVerdict[];
  failedAttributes: ReleaseAttribute[];
  missingAttributes: ReleaseAttribute[];
}

const compare = (value: number, op: Operator, limit: number) =>
  op === ">=" ? value >= limit : op === ">" ? value > limit : op === "<=" ? value <= limit : value < limit;

const fmt = (n: number) => (Math.abs(n) >= 1e5 ? n.toExponential(2) : String(n));

function judge(c: ReleaseCriterion, latest: Map<string, QcResult>, dose: DoseTarget): AttributeVerdict {
  const verdict = (
    status: Status,
    key: Parameters<typeof R.say>[0],
    params: Record<string, string | number> = {},
  ) => {
    const r = R.say(key, params);
    return {
      attribute: c.attribute,
      source: c.source,
      status,
      reason: r.text,
      reasonCode: { code: r.code, params },
    };
  };
  if (c.attribute === "dose-sufficiency") {
    const cells = latest.get("car-positive-viable-cells");
    const need = requiredCells(dose);
    if (need === null)
      return verdict(
        "missing",
        dose.basis === "unknown" && dose.why === "no-weight" ? "dose.noWeight" : "dose.noDoseLevel",
      );
    if (!cells || typeof cells.valueNumber !== "number" || cells.unit !== "cells")
      return verdict("missing", "dose.noCount");
    const pass = cells.valueNumber >= need;
    return dose.basis === "per-kg"
      ? verdict(pass ? "pass" : "fail", pass ? "dose.perKg.pass" : "dose.perKg.fail", {
          cells: fmt(cells.valueNumber),
          perKg: fmt(dose.dosePerKg),
          weight: dose.weightKg,
          need: fmt(need),
        })
      : verdict(pass ? "pass" : "fail", pass ? "dose.flat.pass" : "dose.flat.fail", {
          cells: fmt(cells.valueNumber),
          need: fmt(need),
        });
  }
  const r = latest.get(c.attribute);
  if (!r) return verdict("missing", "noResult");
  if ("expected" in c) {
    if (r.valueCode !== "negative" && r.valueCode !== "positive")
      return verdict("missing", "notNegativeOrPositive");
    return r.valueCode === c.expected ? verdict("pass", "negative") : verdict("fail", "positive");
  }
  if (typeof r.valueNumber !== "number" || !Number.isFinite(r.valueNumber))
    return verdict("missing", "noNumber");
  // A result in another unit is not comparable (EU/mL against EU/kg): it does not count as a result.
  if (r.unit !== c.unit)
    return r.unit
      ? verdict("missing", "otherUnit", { unit: r.unit, limitUnit: unitTerm(c.unit) })
      : verdict("missing", "noUnit", { limitUnit: unitTerm(c.unit) });
  const ok = compare(r.valueNumber, c.operator, c.limit);
  return verdict(ok ? "pass" : "fail", ok ? "meets" : "doesNotMeet", {
    value: fmt(r.valueNumber),
    unit: unitTerm(c.unit),
    operator: c.operator,
    limit: fmt(c.limit),
  });
}

/**
 * Evaluates every criterion of `spec` against the latest result per attribute (`results` in the
 * order entered; a later one supersedes an earlier one). Any fail makes the product out of
 * specification, even while other results are pending (§3: "any fail puts the product into oos");
 * all pass meets the specification (QA may then release the bag); otherwise incomplete.
 */
export function evaluateRelease(
  spec: ReleaseSpec,
  results: readonly QcResult[],
  dose: DoseTarget,
): ReleaseEvaluation {
  const latest = new Map<string, QcResult>();
  for (const r of results) latest.set(r.attribute, r);
  const attributes = spec.criteria.map((c) => judge(c, latest, dose));
  const failedAttributes = attributes.filter((a) => a.status === "fail").map((a) => a.attribute);
  const missingAttributes = attributes.filter((a) => a.status === "missing").map((a) => a.attribute);
  const outcome =
    failedAttributes.length > 0
      ? "out-of-specification"
      : missingAttributes.length > 0
        ? "incomplete"
        : "meets-specification";
  return { outcome, attributes, failedAttributes, missingAttributes };
}

const ARI = "ARI-0001 acceptance criteria (Castella et al. 2019, Table 2; workflow-standards.md §3)";

/**
 * ARI-0001's published release criteria, with the general test chapters each method answers to.
 * Verified: the ARI-0001 limits (PMC6319086 Table 2: viability ≥ 70 %, CAR19+ ≥ 20 %, ≤ 10
 * copies/cell, sterile, mycoplasma absent by PCR, endotoxin ≤ 0.5 EU/mL, > 0.5 × 10⁶ CAR+ cells/kg);
 * 21 CFR 610.12 requires a validated sterility test of each lot; Ph. Eur. 2.6.1 (sterility),
 * 2.6.27 (cell-based preparations) and 2.6.7 (mycoplasmas) are the chapters for those methods.
 * Not verified: the "< 5 copies per transduced cell" often attributed to FDA's 2020 CMC guidance
 * for human gene therapy INDs (the guidance exists, FDA-2008-D-0205, but the number was not found
 * in it), so this example keeps ARI-0001's ≤ 10; Ph. Eur. 2.6.14 (bacterial endotoxins) is cited
 * from reference knowledge.
 */
export const EXAMPLE_RELEASE_SPEC: ReleaseSpec = {
  criteria: [
    {
      attribute: "viability",
      operator: ">=",
      limit: 70,
      unit: "%",
      method: "trypan blue exclusion",
      source: ARI,
    },
    {
      attribute: "car-positive",
      operator: ">=",
      limit: 20,
      unit: "%",
      method: "flow cytometry",
      source: ARI,
    },
    {
      attribute: "vector-copy-number",
      operator: "<=",
      limit: 10,
      unit: "copies/transduced cell",
      method: "qPCR",
      source: ARI,
    },
    {
      attribute: "sterility",
      expected: "negative",
      method: "culture",
      source: `${ARI}; 21 CFR 610.12; Ph. Eur. 2.6.1 / 2.6.27`,
    },
    { attribute: "mycoplasma", expected: "negative", method: "PCR", source: `${ARI}; Ph. Eur. 2.6.7` },
    {
      attribute: "endotoxin",
      operator: "<=",
      limit: 0.5,
      unit: "EU/mL",
      method: "chromogenic LAL",
      source: `${ARI}; Ph. Eur. 2.6.14 [K]`,
    },
    {
      attribute: "dose-sufficiency",
      source: "clinical-rules.md §6.2: total = dose level × reference weight, or the flat dose",
    },
  ],
};
