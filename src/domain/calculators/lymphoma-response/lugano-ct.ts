/**
 * Lugano 2014 CT-based (radiologic) response: CR / PR / SD / PD.
 *
 * Source: Cheson et al., J Clin Oncol 2014, Table 3 ("Revised criteria for response assessment",
 * CT-based column) and its measurement rules. Lesion diameters are entered in mm; the products (PPD)
 * and their sum (SPD) are computed here. PD is tested first, then CR, then PR; otherwise SD.
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type Phrase, type Reason, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { CHESON_2014, fmt, fmtPct, gt, gte, lte, pctChange, RULE_SET_LUGANO } from "./sources.ts";

export type CtResponse = "CR" | "PR" | "SD" | "PD";

/** At most 6 target lesions (Cheson 2014, "up to six of the largest target nodes ..."). */
export const MAX_TARGET_LESIONS = 6;
/** Too small to measure on CT: default 5 mm × 5 mm (Cheson 2014 Table 3, PR row). */
export const TOO_SMALL_DEFAULT_MM = 5;
/** PD, single lesion: LDi must exceed 1.5 cm (Cheson 2014 Table 3, PD row). */
export const PD_MIN_LDI_MM = 15;
/** PD, single lesion: PPD increase ≥ 50 % from the lesion's nadir (Cheson 2014 Table 3). */
export const PD_PPD_INCREASE = 0.5;
/** PD, single lesion: LDi or SDi increase from nadir ≥ 0.5 cm for lesions ≤ 2 cm, ≥ 1.0 cm for > 2 cm. */
export const PD_SIZE_CLASS_MM = 20;
export const PD_DIAMETER_INCREASE_SMALL_MM = 5;
export const PD_DIAMETER_INCREASE_LARGE_MM = 10;
/** CR: target nodes regress to LDi ≤ 1.5 cm (Cheson 2014 Table 3, CR row). */
export const CR_MAX_NODE_LDI_MM = 15;
/** PR: SPD decrease ≥ 50 % from baseline (Cheson 2014 Table 3, PR row). */
export const PR_SPD_DECREASE = 0.5;
/** New lesion = PD: node > 1.5 cm in any axis, extranodal site > 1.0 cm (Cheson 2014 Table 3, PD row). */
export const NEW_NODE_MIN_MM = 15;
export const NEW_EXTRANODAL_MIN_MM = 10;
/** Normal spleen: vertical length ≤ 13 cm (Cheson 2014, staging and Table 3). */
export const SPLEEN_NORMAL_MAX_CM = 13;
/** Splenic progression without prior splenomegaly: increase of at least 2 cm from baseline (Table 3). */
export const SPLEEN_NEW_INCREASE_CM = 2;
/** Splenic progression with splenomegaly: increase by > 50 % of the prior excess over normal (Table 3). */
export const SPLEEN_EXCESS_FRACTION = 0.5;

const LesionStatus = z
  .enum(["MEASURED", "TOO_SMALL_TO_MEASURE", "NOT_VISIBLE"])
  .describe(
    "MEASURED (give LDi and SDi); TOO_SMALL_TO_MEASURE (visible but too small: counted as 5 mm × 5 mm); " +
      "NOT_VISIBLE (counted as 0 × 0)",
  );
const Mm = z.number().positive().max(2000);
const STATUS_WORDS = {
  MEASURED: "measured",
  TOO_SMALL_TO_MEASURE: "too small to measure",
  NOT_VISIBLE: "not visible",
} as const;

const TargetLesion = z
  .strictObject({
    site: z.string().trim().min(1).max(200).optional().describe("Label, e.g. 'mediastinal mass'"),
    kind: z
      .enum(["NODAL", "EXTRANODAL"])
      .describe("Target node/nodal mass, or extranodal (extralymphatic) lesion"),
    status: LesionStatus.describe("Status of the lesion on this scan"),
    ldiMm: Mm.optional().describe("Longest transverse diameter (LDi) on this scan, in mm"),
    sdiMm: Mm.optional().describe("Shortest diameter perpendicular to the LDi (SDi) on this scan, in mm"),
    nadirStatus: LesionStatus.describe(
      "Status of the lesion at its nadir: the scan where its PPD was smallest so far, baseline included",
    ),
    nadirLdiMm: Mm.optional().describe("LDi at the lesion's nadir, in mm"),
    nadirSdiMm: Mm.optional().describe("SDi at the lesion's nadir, in mm"),
  })
  .superRefine((l, ctx) => {
    const check = (
      status: string,
      ldi: number | undefined,
      sdi: number | undefined,
      prefix: "" | "nadir",
    ) => {
      const ldiKey = prefix ? "nadirLdiMm" : "ldiMm";
      const sdiKey = prefix ? "nadirSdiMm" : "sdiMm";
      // The messages name the diameters and the scan in words, never the fields (issue 11).
      const scan = prefix ? "at the lesion's nadir" : "on this scan";
      const statusWords = STATUS_WORDS[status as keyof typeof STATUS_WORDS] ?? status;
      if (status === "MEASURED") {
        if (ldi === undefined)
          ruleIssue(
            ctx,
            [ldiKey],
            `Give the longest diameter (LDi) ${scan}: the lesion is measured there.`,
            "lugano_ct_ldi_required" satisfies LuganoCtCheck,
          );
        if (sdi === undefined)
          ruleIssue(
            ctx,
            [sdiKey],
            `Give the perpendicular diameter (SDi) ${scan}: the lesion is measured there.`,
            "lugano_ct_sdi_required" satisfies LuganoCtCheck,
          );
        // Compare only two valid diameters (zod still runs this refinement after a too_small issue).
        if (ldi !== undefined && sdi !== undefined && ldi > 0 && sdi > 0 && gt(sdi, ldi))
          ruleIssue(
            ctx,
            [sdiKey],
            `The perpendicular diameter ${scan} (SDi ${sdi} mm) cannot be larger than the longest diameter (LDi ${ldi} mm)`,
            "lugano_ct_sdi_exceeds_ldi" satisfies LuganoCtCheck,
          );
      } else {
        for (const [key, v] of [
          [ldiKey, ldi],
          [sdiKey, sdi],
        ] as const)
          if (v !== undefined)
            ruleIssue(
              ctx,
              [key],
              `Leave the ${key === ldiKey ? "longest diameter (LDi)" : "perpendicular diameter (SDi)"} out ${scan}: the lesion is ${statusWords} there (${status === "NOT_VISIBLE" ? "0 × 0" : "5 mm × 5 mm"} is used)`,
              "lugano_ct_diameter_not_allowed" satisfies LuganoCtCheck,
            );
      }
    };
    check(l.status, l.ldiMm, l.sdiMm, "");
    check(l.nadirStatus, l.nadirLdiMm, l.nadirSdiMm, "nadir");
  });

const NewLesion = z.strictObject({
  site: z.string().trim().min(1).max(200).optional().describe("Label of the new lesion"),
  kind: z.enum(["NODAL", "EXTRANODAL"]).describe("New node, or new extranodal site"),
  longestAxisMm: Mm.describe("Largest diameter of the new lesion in any axis, in mm"),
  unequivocallyLymphoma: z
    .boolean()
    .describe("Its presence is unequivocal and attributable to lymphoma (e.g. biopsy-proven)"),
});

const Spleen = z
  .strictObject({
    baselineLengthCm: z
      .number()
      .positive()
      .max(60)
      .describe("Spleen vertical (craniocaudal) length at baseline, in cm"),
    lengthCm: z
      .number()
      .positive()
      .max(60)
      .describe("Spleen vertical (craniocaudal) length on this scan, in cm"),
    nadirLengthCm: z
      .number()
      .positive()
      .max(60)
      .optional()
      .describe(
        "Smallest spleen length so far (baseline included), in cm; required when the spleen was enlarged " +
          "(> 13 cm) at baseline and is enlarged now, to tell recurrent splenomegaly",
      ),
  })
  .superRefine((s, ctx) => {
    if (
      gt(s.baselineLengthCm, SPLEEN_NORMAL_MAX_CM) &&
      gt(s.lengthCm, SPLEEN_NORMAL_MAX_CM) &&
      s.nadirLengthCm === undefined
    )
      ruleIssue(
        ctx,
        ["nadirLengthCm"],
        "Give the spleen's shortest length since baseline (its nadir) when it was > 13 cm at baseline and is > 13 cm now (did it return to normal in between? recurrent splenomegaly is PD)",
        "lugano_ct_spleen_nadir_required" satisfies LuganoCtCheck,
      );
    if (s.nadirLengthCm !== undefined && gt(s.nadirLengthCm, s.baselineLengthCm))
      ruleIssue(
        ctx,
        ["nadirLengthCm"],
        `The nadir spleen length (${s.nadirLengthCm} cm) cannot exceed the baseline length (${s.baselineLengthCm} cm): the nadir includes baseline`,
        "lugano_ct_spleen_nadir_exceeds_baseline" satisfies LuganoCtCheck,
      );
  });

export const LuganoCtInput = z
  .strictObject({
    targetLesions: z
      .array(TargetLesion)
      .min(1, "At least one target lesion is needed")
      .max(MAX_TARGET_LESIONS, "Lugano 2014 allows at most 6 target lesions")
      .describe(
        "The up to 6 target lesions chosen at baseline, with this scan's and their nadir measurements",
      ),
    baselineSpdMm2: z
      .number()
      .positive()
      .describe(
        "Sum of the products of the perpendicular diameters (SPD) of the target lesions at baseline, in mm²",
      ),
    nadirSpdMm2: z
      .number()
      .nonnegative()
      .optional()
      .describe(
        "Smallest SPD on a previous scan (baseline included), in mm²; reported, not used to classify",
      ),
    nonMeasuredLesions: z
      .enum(["ABSENT_OR_NORMAL", "REGRESSED", "STABLE", "UNEQUIVOCAL_PROGRESSION"])
      .describe(
        "Non-measured (non-target) lesions: absent or normal (including none at baseline); regressed; " +
          "stable; or unequivocal progression",
      ),
    spleen: Spleen.nullable().describe("Spleen lengths; null when the patient has no spleen (splenectomy)"),
    newLesions: z
      .array(NewLesion)
      .max(100)
      .describe("New lesions seen on this scan ([] when none), each with its largest diameter"),
    boneMarrow: z
      .enum(["NORMAL", "PERSISTENT_INVOLVEMENT", "NEW_OR_RECURRENT_INVOLVEMENT"])
      .describe(
        "Bone marrow: normal by morphology (IHC negative if morphology is indeterminate) or never involved; " +
          "persistent involvement; or new or recurrent involvement",
      ),
  })
  .superRefine((input, ctx) => {
    // Consistency of the nadirs: each lesion's nadir PPD is at most its PPD on any earlier scan, so
    // their sum cannot exceed the SPD of any earlier scan — baseline or the SPD nadir.
    const valid = (v: number | undefined) => v === undefined || (Number.isFinite(v) && v > 0);
    if (
      !(input.baselineSpdMm2 > 0) ||
      !input.targetLesions.every((l) => valid(l.nadirLdiMm) && valid(l.nadirSdiMm))
    )
      return;
    const sumNadir = input.targetLesions.reduce(
      (acc, l) => acc + ppd(l.nadirStatus, l.nadirLdiMm, l.nadirSdiMm),
      0,
    );
    if (gt(sumNadir, input.baselineSpdMm2))
      ruleIssue(
        ctx,
        ["baselineSpdMm2"],
        `The lesions' nadir products add up to ${fmt(sumNadir)} mm², more than the baseline SPD ${input.baselineSpdMm2} mm²: a nadir includes baseline`,
        "lugano_ct_lesion_nadirs_exceed_baseline" satisfies LuganoCtCheck,
      );
    if (input.nadirSpdMm2 !== undefined) {
      if (gt(input.nadirSpdMm2, input.baselineSpdMm2))
        ruleIssue(
          ctx,
          ["nadirSpdMm2"],
          `The nadir SPD (${input.nadirSpdMm2} mm²) cannot exceed the baseline SPD (${input.baselineSpdMm2} mm²): the nadir includes baseline`,
          "lugano_ct_nadir_spd_exceeds_baseline" satisfies LuganoCtCheck,
        );
      else if (gt(sumNadir, input.nadirSpdMm2))
        ruleIssue(
          ctx,
          ["nadirSpdMm2"],
          `The lesions' nadir products add up to ${fmt(sumNadir)} mm², more than the nadir SPD ${input.nadirSpdMm2} mm²`,
          "lugano_ct_lesion_nadirs_exceed_nadir_spd" satisfies LuganoCtCheck,
        );
    }
  });

export type LuganoCtInput = z.output<typeof LuganoCtInput>;
type Lesion = z.output<typeof TargetLesion>;

/** Effective diameters per the Lugano measurement rules (Cheson 2014 Table 3, PR row). */
function dims(status: string, ldi: number | undefined, sdi: number | undefined): [number, number] {
  if (status === "NOT_VISIBLE") return [0, 0];
  if (status === "TOO_SMALL_TO_MEASURE") return [TOO_SMALL_DEFAULT_MM, TOO_SMALL_DEFAULT_MM];
  return [ldi!, sdi!];
}
function ppd(status: string, ldi: number | undefined, sdi: number | undefined): number {
  const [a, b] = dims(status, ldi, sdi);
  return a * b;
}

/**
 * The sentences of the Lugano CT response (decision 0041); the web catalogues word them under
 * reasons.luganoCt.*. Measurements travel as displayed (rounded by `fmt`, signed by `fmtPct`); a
 * lesion is quoted by the reader's label as typed, or by its number.
 */
export const LUGANO_CT_REASONS = reasonFamily(
  "luganoCt",
  {
    // The result's label, coded like the reasons (decision 0041).
    "label.pd": "PD (progressive disease)",
    "label.cr": "CR (complete radiologic response)",
    "label.pr": "PR (partial remission)",
    "label.sd": "SD (stable disease)",
    "spd.vsBaseline": "SPD {{spd}} mm² ({{products, sum}}) vs baseline {{baseline}} mm²: {{change}}.",
    "spd.partialRemission":
      "SPD {{spd}} mm² ({{products, sum}}) vs baseline {{baseline}} mm²: {{change}}. A decrease of ≥ 50 % from " +
      "baseline is a partial remission (Lugano 2014 Table 3).",
    "pd.regrowth":
      "{{lesion, phrase}}: not visible at nadir, now {{now, phrase}} — regrowth of a previously resolved lesion " +
      "is PD (Lugano 2014 Table 3).",
    "pd.singleLesion.upTo20mm":
      "{{lesion, phrase}}: single-lesion PD rule met — LDi {{ldi}} mm > 15 mm; PPD {{nadirPpd}} → {{ppd}} mm² " +
      "({{ppdChange}} from nadir, needs ≥ +50 %); LDi {{ldiChange}} mm, SDi {{sdiChange}} mm from nadir " +
      "(needs ≥ {{step}} mm for a lesion ≤ 20 mm at nadir) (Lugano 2014 Table 3).",
    "pd.singleLesion.over20mm":
      "{{lesion, phrase}}: single-lesion PD rule met — LDi {{ldi}} mm > 15 mm; PPD {{nadirPpd}} → {{ppd}} mm² " +
      "({{ppdChange}} from nadir, needs ≥ +50 %); LDi {{ldiChange}} mm, SDi {{sdiChange}} mm from nadir " +
      "(needs ≥ {{step}} mm for a lesion > 20 mm at nadir) (Lugano 2014 Table 3).",
    "pd.spleen.enlarged":
      "Spleen {{length}} cm > limit {{limit}} cm (baseline {{baseline}} cm + 50 % of its {{excess}} cm excess " +
      "over 13 cm) — splenic progression (Lugano 2014 Table 3).",
    "pd.spleen.recurrent":
      "Spleen back to {{nadir}} cm (≤ 13 cm) at nadir, now {{length}} cm (> 13 cm) — recurrent splenomegaly " +
      "(Lugano 2014 Table 3).",
    "pd.spleen.growth":
      "Spleen {{baseline}} → {{length}} cm without prior splenomegaly: +{{growth}} cm ≥ 2 cm from baseline " +
      "(Lugano 2014 Table 3).",
    "pd.spleen.new": "Spleen {{baseline}} → {{length}} cm: new splenomegaly (> 13 cm) (Lugano 2014 Table 3).",
    "pd.nonMeasured": "Non-measured lesions: unequivocal progression (Lugano 2014 Table 3).",
    "pd.newNode": "{{lesion, phrase}}: a new node > 15 mm in any axis is PD (Lugano 2014 Table 3).",
    "pd.newExtranodal":
      "{{lesion, phrase}}: a new extranodal site > 10 mm in any axis is PD (Lugano 2014 Table 3).",
    "pd.newUnequivocal":
      "{{lesion, phrase}}: smaller than the size limit but unequivocal and attributable to lymphoma, so PD " +
      "(Lugano 2014 Table 3).",
    "newNotCounted.node":
      "{{lesion, phrase}}: below the size limit (node > 15 mm) and not unequivocally lymphoma, so not counted as " +
      "a new lesion — re-image or biopsy.",
    "newNotCounted.extranodal":
      "{{lesion, phrase}}: below the size limit (extranodal > 10 mm) and not unequivocally lymphoma, so not " +
      "counted as a new lesion — re-image or biopsy.",
    "pd.marrow": "Bone marrow: new or recurrent involvement (Lugano 2014 Table 3).",
    cr:
      "Every target node has LDi ≤ 15 mm, no extranodal target lesion is visible, non-measured lesions are " +
      "absent, the spleen is ≤ 13 cm, there are no new lesions and the marrow is normal (Lugano 2014 Table 3).",
    notCr: "Not CR: {{fails, clauses}}.",
    sd: "No PD criterion is met; not PR: {{fails, clauses}} (Lugano 2014 Table 3).",
    "phrase.lesion.named": "{{kind, term}} '{{site}}'",
    "phrase.lesion.numbered": "{{kind, term}} #{{n}}",
    "phrase.size.MEASURED": "{{ldi}} × {{sdi}} mm",
    "phrase.size.TOO_SMALL_TO_MEASURE": "too small to measure (5 × 5 mm)",
    "phrase.product.MEASURED": "{{ldi}} × {{sdi}} mm = {{ppd}}",
    "phrase.product.TOO_SMALL_TO_MEASURE": "too small to measure (5 × 5 mm) = {{ppd}}",
    "phrase.product.NOT_VISIBLE": "not visible (0 × 0) = {{ppd}}",
    "phrase.newLesion.named": "new {{kind, term}} '{{site}}' ({{mm}} mm)",
    "phrase.newLesion.unnamed": "new {{kind, term}} ({{mm}} mm)",
    "phrase.notCr.ldi.named": "{{kind, term}} '{{site}}' has LDi {{ldi}} mm > 15 mm",
    "phrase.notCr.ldi.numbered": "{{kind, term}} #{{n}} has LDi {{ldi}} mm > 15 mm",
    "phrase.notCr.visible.named":
      "{{kind, term}} '{{site}}' is still visible (CR needs no extralymphatic disease)",
    "phrase.notCr.visible.numbered":
      "{{kind, term}} #{{n}} is still visible (CR needs no extralymphatic disease)",
    "phrase.notCr.nonMeasured": "non-measured lesions are {{status, term}}, not absent",
    "phrase.notCr.spleen": "the spleen is {{length}} cm (> 13 cm)",
    "phrase.notCr.marrow": "the bone marrow is still involved",
    "phrase.notPr.spd": "the SPD decrease from baseline is {{change}}, short of −50 %",
    "phrase.notPr.nonMeasured": "non-measured lesions are stable, not absent/normal or regressed",
    "phrase.notPr.spleen":
      "the spleen regressed {{regression}} cm, not more than 50 % of its {{excess}} cm excess over 13 cm",
  },
  {
    ctTarget: { NODAL: "target node", EXTRANODAL: "target extranodal lesion" },
    ctNew: { NODAL: "node", EXTRANODAL: "extranodal site" },
    // Worded as the enum in lower case (the rule quotes the reader's choice).
    ctNonMeasured: {
      REGRESSED: "regressed",
      STABLE: "stable",
      UNEQUIVOCAL_PROGRESSION: "unequivocal progression",
    },
  },
);
const R = LUGANO_CT_REASONS;

/** A target lesion as the sentences quote it: its label, or its number. */
const lesionName = (l: Lesion, i: number): Phrase =>
  l.site
    ? R.phrase("phrase.lesion.named", { kind: `ctTarget.${l.kind}`, site: l.site })
    : R.phrase("phrase.lesion.numbered", { kind: `ctTarget.${l.kind}`, n: i + 1 });

/** A lesion's product as the SPD sentence lists it: "12 × 8 mm = 96", "not visible (0 × 0) = 0". */
const productText = (status: string, ldi: number, sdi: number, ppdMm2: number): Phrase =>
  status === "NOT_VISIBLE"
    ? R.phrase("phrase.product.NOT_VISIBLE", { ppd: fmt(ppdMm2) })
    : status === "TOO_SMALL_TO_MEASURE"
      ? R.phrase("phrase.product.TOO_SMALL_TO_MEASURE", { ppd: fmt(ppdMm2) })
      : R.phrase("phrase.product.MEASURED", { ldi: fmt(ldi), sdi: fmt(sdi), ppd: fmt(ppdMm2) });

interface LesionFinding {
  ldiMm: number;
  sdiMm: number;
  ppdMm2: number;
  nadirLdiMm: number;
  nadirSdiMm: number;
  nadirPpdMm2: number;
  singleLesionPd: boolean;
  regrowth: boolean;
}

/**
 * The single-lesion PD rule (Cheson 2014 Table 3, PD row): an individual node/lesion is abnormal with
 * LDi > 1.5 cm AND its PPD increased ≥ 50 % from its PPD nadir AND its LDi or SDi increased from nadir by
 * ≥ 0.5 cm (lesions ≤ 2 cm) or ≥ 1.0 cm (lesions > 2 cm). Lugano does not say which measurement sets the
 * size class; we use the nadir LDi (design decision, clinical-rules.md §4.3).
 */
function assessLesion(l: Lesion): LesionFinding & { why: Record<string, string | number> } {
  const [ldi, sdi] = dims(l.status, l.ldiMm, l.sdiMm);
  const [nLdi, nSdi] = dims(l.nadirStatus, l.nadirLdiMm, l.nadirSdiMm);
  const p = ldi * sdi;
  const np = nLdi * nSdi;
  // Regrowth of a previously resolved lesion is PD (Cheson 2014 Table 3, PD row).
  const regrowth = l.nadirStatus === "NOT_VISIBLE" && l.status !== "NOT_VISIBLE";
  const step = lte(nLdi, PD_SIZE_CLASS_MM) ? PD_DIAMETER_INCREASE_SMALL_MM : PD_DIAMETER_INCREASE_LARGE_MM;
  const ldiOk = gt(ldi, PD_MIN_LDI_MM);
  const ppdOk = np > 0 && gte(p, np * (1 + PD_PPD_INCREASE));
  const diamOk = gte(ldi - nLdi, step) || gte(sdi - nSdi, step);
  const singleLesionPd = !regrowth && ldiOk && ppdOk && diamOk;
  // What the single-lesion PD sentence quotes (it is said only when the rule is met, so LDi > 15 mm
  // and the nadir PPD is above 0).
  const why = {
    ldi: fmt(ldi),
    nadirPpd: fmt(np),
    ppd: fmt(p),
    ppdChange: np > 0 ? fmtPct(pctChange(np, p)) : "",
    ldiChange: `${ldi - nLdi >= 0 ? "+" : "−"}${fmt(Math.abs(ldi - nLdi))}`,
    sdiChange: `${sdi - nSdi >= 0 ? "+" : "−"}${fmt(Math.abs(sdi - nSdi))}`,
    step,
  };
  return {
    ldiMm: ldi,
    sdiMm: sdi,
    ppdMm2: p,
    nadirLdiMm: nLdi,
    nadirSdiMm: nSdi,
    nadirPpdMm2: np,
    singleLesionPd,
    regrowth,
    why,
  };
}

type NewLesionT = z.output<typeof NewLesion>;
/** Whether a new lesion counts as PD (Cheson 2014 Table 3, PD row, "New lesions"). */
function newLesionCounts(n: NewLesionT): { counts: boolean; why: Reason } {
  const kind = `ctNew.${n.kind}`;
  const mm = fmt(n.longestAxisMm);
  const lesion = n.site
    ? R.phrase("phrase.newLesion.named", { kind, site: n.site, mm })
    : R.phrase("phrase.newLesion.unnamed", { kind, mm });
  if (n.kind === "NODAL" && gt(n.longestAxisMm, NEW_NODE_MIN_MM))
    return { counts: true, why: R.say("pd.newNode", { lesion }) };
  if (n.kind === "EXTRANODAL" && gt(n.longestAxisMm, NEW_EXTRANODAL_MIN_MM))
    return { counts: true, why: R.say("pd.newExtranodal", { lesion }) };
  if (n.unequivocallyLymphoma) return { counts: true, why: R.say("pd.newUnequivocal", { lesion }) };
  return {
    counts: false,
    why: R.say(n.kind === "NODAL" ? "newNotCounted.node" : "newNotCounted.extranodal", { lesion }),
  };
}

export const luganoCt = defineCalculator({
  name: "lugano-ct",
  title: "Lugano 2014 CT-based response (SPD, single-lesion PD, spleen, new lesions)",
  source: CHESON_2014,
  ruleSet: RULE_SET_LUGANO,
  ruleSetVersion: "1",
  input: LuganoCtInput,
  evaluate(input) {
    const pd: ReasonEntry[] = [];
    const lesions = input.targetLesions.map((l, i) => ({ l, i, f: assessLesion(l) }));
    const spd = lesions.reduce((acc, { f }) => acc + f.ppdMm2, 0);
    const spdChange = pctChange(input.baselineSpdMm2, spd);
    const spdParams = {
      spd: fmt(spd),
      products: lesions.map(({ f, l }) => productText(l.status, f.ldiMm, f.sdiMm, f.ppdMm2)),
      baseline: fmt(input.baselineSpdMm2),
      change: fmtPct(spdChange),
    };
    const spdReason = R.say("spd.vsBaseline", spdParams);

    // --- PD 1: single-lesion rule; PD 4: regrowth of a resolved lesion.
    for (const { l, i, f } of lesions) {
      if (f.regrowth)
        pd.push(
          R.say("pd.regrowth", {
            lesion: lesionName(l, i),
            // regrowth: visible now, so measured or too small to measure
            now:
              l.status === "TOO_SMALL_TO_MEASURE"
                ? R.phrase("phrase.size.TOO_SMALL_TO_MEASURE")
                : R.phrase("phrase.size.MEASURED", { ldi: fmt(f.ldiMm), sdi: fmt(f.sdiMm) }),
          }),
        );
      else if (f.singleLesionPd)
        pd.push(
          R.say(f.why.step === 5 ? "pd.singleLesion.upTo20mm" : "pd.singleLesion.over20mm", {
            lesion: lesionName(l, i),
            ...f.why,
          }),
        );
    }

    // --- PD 2: spleen (Cheson 2014 Table 3, PD row, "Organ enlargement").
    const sp = input.spleen;
    let spleenPd = false;
    if (sp) {
      const enlargedAtBaseline = gt(sp.baselineLengthCm, SPLEEN_NORMAL_MAX_CM);
      if (enlargedAtBaseline) {
        // With splenomegaly: must grow by > 50 % of its prior excess beyond normal (a 15 cm spleen must
        // exceed 16 cm). Recurrent splenomegaly (back to ≤ 13 cm, now > 13 cm) is also PD.
        const limit =
          sp.baselineLengthCm + SPLEEN_EXCESS_FRACTION * (sp.baselineLengthCm - SPLEEN_NORMAL_MAX_CM);
        if (gt(sp.lengthCm, limit)) {
          spleenPd = true;
          pd.push(
            R.say("pd.spleen.enlarged", {
              length: fmt(sp.lengthCm),
              limit: fmt(limit, 2),
              baseline: fmt(sp.baselineLengthCm),
              excess: fmt(sp.baselineLengthCm - SPLEEN_NORMAL_MAX_CM),
            }),
          );
        } else if (
          sp.nadirLengthCm !== undefined &&
          lte(sp.nadirLengthCm, SPLEEN_NORMAL_MAX_CM) &&
          gt(sp.lengthCm, SPLEEN_NORMAL_MAX_CM)
        ) {
          spleenPd = true;
          pd.push(R.say("pd.spleen.recurrent", { nadir: fmt(sp.nadirLengthCm), length: fmt(sp.lengthCm) }));
        }
      } else {
        const growth = sp.lengthCm - sp.baselineLengthCm;
        if (gte(growth, SPLEEN_NEW_INCREASE_CM)) {
          spleenPd = true;
          pd.push(
            R.say("pd.spleen.growth", {
              baseline: fmt(sp.baselineLengthCm),
              length: fmt(sp.lengthCm),
              growth: fmt(growth),
            }),
          );
        } else if (gt(sp.lengthCm, SPLEEN_NORMAL_MAX_CM)) {
          spleenPd = true;
          pd.push(R.say("pd.spleen.new", { baseline: fmt(sp.baselineLengthCm), length: fmt(sp.lengthCm) }));
        }
      }
    }

    // --- PD 3: new or clear progression of non-measured lesions.
    if (input.nonMeasuredLesions === "UNEQUIVOCAL_PROGRESSION") pd.push(R.say("pd.nonMeasured"));

    // --- PD 5: new lesions.
    const newFindings = input.newLesions.map(newLesionCounts);
    for (const n of newFindings) if (n.counts) pd.push(n.why);
    const notCounted = newFindings.filter((n) => !n.counts).map((n) => n.why);

    // --- PD 6: bone marrow.
    if (input.boneMarrow === "NEW_OR_RECURRENT_INVOLVEMENT") pd.push(R.say("pd.marrow"));

    const details = {
      spdMm2: spd,
      baselineSpdMm2: input.baselineSpdMm2,
      spdChangeFromBaselinePercent: spdChange,
      ...(input.nadirSpdMm2 !== undefined && input.nadirSpdMm2 > 0
        ? { nadirSpdMm2: input.nadirSpdMm2, spdChangeFromNadirPercent: pctChange(input.nadirSpdMm2, spd) }
        : {}),
      lesions: lesions.map(({ l, f }) => ({
        ...(l.site ? { site: l.site } : {}),
        kind: l.kind,
        ldiMm: f.ldiMm,
        sdiMm: f.sdiMm,
        ppdMm2: f.ppdMm2,
        nadirPpdMm2: f.nadirPpdMm2,
        singleLesionPd: f.singleLesionPd,
        regrowth: f.regrowth,
      })),
      spleenProgression: spleenPd,
    };

    if (pd.length > 0)
      return {
        value: "PD" as CtResponse,
        label: R.say("label.pd"),
        reasons: [...pd, spdReason, ...notCounted],
        details,
      };

    // --- CR (Cheson 2014 Table 3, CR row): all must hold.
    const crFails: Phrase[] = [];
    for (const { l, i, f } of lesions) {
      const kind = `ctTarget.${l.kind}`;
      if (l.kind === "NODAL" && gt(f.ldiMm, CR_MAX_NODE_LDI_MM))
        crFails.push(
          l.site
            ? R.phrase("phrase.notCr.ldi.named", { kind, site: l.site, ldi: fmt(f.ldiMm) })
            : R.phrase("phrase.notCr.ldi.numbered", { kind, n: i + 1, ldi: fmt(f.ldiMm) }),
        );
      if (l.kind === "EXTRANODAL" && l.status !== "NOT_VISIBLE")
        crFails.push(
          l.site
            ? R.phrase("phrase.notCr.visible.named", { kind, site: l.site })
            : R.phrase("phrase.notCr.visible.numbered", { kind, n: i + 1 }),
        );
    }
    if (input.nonMeasuredLesions !== "ABSENT_OR_NORMAL")
      crFails.push(
        R.phrase("phrase.notCr.nonMeasured", { status: `ctNonMeasured.${input.nonMeasuredLesions}` }),
      );
    if (sp && gt(sp.lengthCm, SPLEEN_NORMAL_MAX_CM))
      crFails.push(R.phrase("phrase.notCr.spleen", { length: fmt(sp.lengthCm) }));
    if (input.boneMarrow !== "NORMAL") crFails.push(R.phrase("phrase.notCr.marrow"));

    if (crFails.length === 0)
      return {
        value: "CR" as CtResponse,
        label: R.say("label.cr"),
        reasons: [R.say("cr"), spdReason, ...notCounted],
        details,
      };

    // --- PR (Cheson 2014 Table 3, PR row): all must hold.
    const prFails: Phrase[] = [];
    const spdOk = lte(spd, input.baselineSpdMm2 * (1 - PR_SPD_DECREASE));
    if (!spdOk) prFails.push(R.phrase("phrase.notPr.spd", { change: fmtPct(spdChange) }));
    if (input.nonMeasuredLesions === "STABLE") prFails.push(R.phrase("phrase.notPr.nonMeasured"));
    if (sp && gt(sp.baselineLengthCm, SPLEEN_NORMAL_MAX_CM)) {
      const excess = sp.baselineLengthCm - SPLEEN_NORMAL_MAX_CM;
      const regression = sp.baselineLengthCm - sp.lengthCm;
      if (!gt(regression, SPLEEN_EXCESS_FRACTION * excess))
        prFails.push(R.phrase("phrase.notPr.spleen", { regression: fmt(regression), excess: fmt(excess) }));
    }
    const notCr = R.say("notCr", { fails: crFails });
    if (prFails.length === 0)
      return {
        value: "PR" as CtResponse,
        label: R.say("label.pr"),
        reasons: [R.say("spd.partialRemission", spdParams), notCr, ...notCounted],
        details,
      };

    return {
      value: "SD" as CtResponse,
      label: R.say("label.sd"),
      reasons: [spdReason, R.say("sd", { fails: prFails }), notCr, ...notCounted],
      details,
    };
  },
});

/** The codes of the lugano-ct input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const LUGANO_CT_CHECKS = [
  "lugano_ct_ldi_required",
  "lugano_ct_sdi_required",
  "lugano_ct_sdi_exceeds_ldi",
  "lugano_ct_diameter_not_allowed",
  "lugano_ct_spleen_nadir_required",
  "lugano_ct_spleen_nadir_exceeds_baseline",
  "lugano_ct_lesion_nadirs_exceed_baseline",
  "lugano_ct_nadir_spd_exceeds_baseline",
  "lugano_ct_lesion_nadirs_exceed_nadir_spd",
] as const;
export type LuganoCtCheck = (typeof LUGANO_CT_CHECKS)[number];
