/**
 * Lugano 2014 CT-based (radiologic) response: CR / PR / SD / PD.
 *
 * Source: Cheson et al., J Clin Oncol 2014, Table 3 ("Revised criteria for response assessment",
 * CT-based column) and its measurement rules. Lesion diameters are entered in mm; the products (PPD)
 * and their sum (SPD) are computed here. PD is tested first, then CR, then PR; otherwise SD.
 */
import { z } from "zod";
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
      const statusKey = prefix ? "nadirStatus" : "status";
      if (status === "MEASURED") {
        if (ldi === undefined)
          ctx.addIssue({
            code: "custom",
            path: [ldiKey],
            message: `${ldiKey} is required when ${statusKey} is MEASURED`,
          });
        if (sdi === undefined)
          ctx.addIssue({
            code: "custom",
            path: [sdiKey],
            message: `${sdiKey} is required when ${statusKey} is MEASURED`,
          });
        // Compare only two valid diameters (zod still runs this refinement after a too_small issue).
        if (ldi !== undefined && sdi !== undefined && ldi > 0 && sdi > 0 && gt(sdi, ldi))
          ctx.addIssue({
            code: "custom",
            path: [sdiKey],
            message: `The perpendicular diameter (${sdiKey} ${sdi} mm) cannot be larger than the longest diameter (${ldiKey} ${ldi} mm)`,
          });
      } else {
        for (const [key, v] of [
          [ldiKey, ldi],
          [sdiKey, sdi],
        ] as const)
          if (v !== undefined)
            ctx.addIssue({
              code: "custom",
              path: [key],
              message: `Leave ${key} out when ${statusKey} is ${status} (${status === "NOT_VISIBLE" ? "0 × 0" : "5 mm × 5 mm"} is used)`,
            });
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
      ctx.addIssue({
        code: "custom",
        path: ["nadirLengthCm"],
        message:
          "nadirLengthCm is required when the spleen was > 13 cm at baseline and is > 13 cm now (did it return to normal in between? recurrent splenomegaly is PD)",
      });
    if (s.nadirLengthCm !== undefined && gt(s.nadirLengthCm, s.baselineLengthCm))
      ctx.addIssue({
        code: "custom",
        path: ["nadirLengthCm"],
        message: `The nadir spleen length (${s.nadirLengthCm} cm) cannot exceed the baseline length (${s.baselineLengthCm} cm): the nadir includes baseline`,
      });
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
      ctx.addIssue({
        code: "custom",
        path: ["baselineSpdMm2"],
        message: `The lesions' nadir products add up to ${fmt(sumNadir)} mm², more than the baseline SPD ${input.baselineSpdMm2} mm²: a nadir includes baseline`,
      });
    if (input.nadirSpdMm2 !== undefined) {
      if (gt(input.nadirSpdMm2, input.baselineSpdMm2))
        ctx.addIssue({
          code: "custom",
          path: ["nadirSpdMm2"],
          message: `The nadir SPD (${input.nadirSpdMm2} mm²) cannot exceed the baseline SPD (${input.baselineSpdMm2} mm²): the nadir includes baseline`,
        });
      else if (gt(sumNadir, input.nadirSpdMm2))
        ctx.addIssue({
          code: "custom",
          path: ["nadirSpdMm2"],
          message: `The lesions' nadir products add up to ${fmt(sumNadir)} mm², more than the nadir SPD ${input.nadirSpdMm2} mm²`,
        });
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

const lesionName = (l: Lesion, i: number) =>
  `${l.kind === "NODAL" ? "target node" : "target extranodal lesion"} ${l.site ? `'${l.site}'` : `#${i + 1}`}`;

const dimText = (status: string, ldi: number, sdi: number) =>
  status === "NOT_VISIBLE"
    ? "not visible (0 × 0)"
    : status === "TOO_SMALL_TO_MEASURE"
      ? "too small to measure (5 × 5 mm)"
      : `${fmt(ldi)} × ${fmt(sdi)} mm`;

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
function assessLesion(l: Lesion): LesionFinding & { why: string } {
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
  const why =
    np > 0
      ? `LDi ${fmt(ldi)} mm ${ldiOk ? ">" : "≤"} 15 mm; PPD ${fmt(np)} → ${fmt(p)} mm² (${fmtPct(pctChange(np, p))} from nadir, needs ≥ +50 %); ` +
        `LDi ${ldi - nLdi >= 0 ? "+" : "−"}${fmt(Math.abs(ldi - nLdi))} mm, SDi ${sdi - nSdi >= 0 ? "+" : "−"}${fmt(Math.abs(sdi - nSdi))} mm from nadir (needs ≥ ${step} mm for a lesion ${step === 5 ? "≤" : ">"} 20 mm at nadir)`
      : "not visible at nadir";
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
function newLesionCounts(n: NewLesionT): { counts: boolean; why: string } {
  const name = `new ${n.kind === "NODAL" ? "node" : "extranodal site"}${n.site ? ` '${n.site}'` : ""} (${fmt(n.longestAxisMm)} mm)`;
  if (n.kind === "NODAL" && gt(n.longestAxisMm, NEW_NODE_MIN_MM))
    return { counts: true, why: `${name}: a new node > 15 mm in any axis is PD` };
  if (n.kind === "EXTRANODAL" && gt(n.longestAxisMm, NEW_EXTRANODAL_MIN_MM))
    return { counts: true, why: `${name}: a new extranodal site > 10 mm in any axis is PD` };
  if (n.unequivocallyLymphoma)
    return {
      counts: true,
      why: `${name}: smaller than the size limit but unequivocal and attributable to lymphoma, so PD`,
    };
  return {
    counts: false,
    why: `${name}: below the size limit (${n.kind === "NODAL" ? "node > 15 mm" : "extranodal > 10 mm"}) and not unequivocally lymphoma, so not counted as a new lesion — re-image or biopsy`,
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
    const pd: string[] = [];
    const lesions = input.targetLesions.map((l, i) => ({ l, i, f: assessLesion(l) }));
    const spd = lesions.reduce((acc, { f }) => acc + f.ppdMm2, 0);
    const spdChange = pctChange(input.baselineSpdMm2, spd);
    const products = lesions.map(({ f, l }) => `${dimText(l.status, f.ldiMm, f.sdiMm)} = ${fmt(f.ppdMm2)}`);
    const spdReason = `SPD ${fmt(spd)} mm² (${products.join(" + ")}) vs baseline ${fmt(input.baselineSpdMm2)} mm²: ${fmtPct(spdChange)}.`;

    // --- PD 1: single-lesion rule; PD 4: regrowth of a resolved lesion.
    for (const { l, i, f } of lesions) {
      if (f.regrowth)
        pd.push(
          `${lesionName(l, i)}: not visible at nadir, now ${dimText(l.status, f.ldiMm, f.sdiMm)} — regrowth of a previously resolved lesion is PD (Lugano 2014 Table 3).`,
        );
      else if (f.singleLesionPd)
        pd.push(`${lesionName(l, i)}: single-lesion PD rule met — ${f.why} (Lugano 2014 Table 3).`);
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
            `Spleen ${fmt(sp.lengthCm)} cm > limit ${fmt(limit, 2)} cm (baseline ${fmt(sp.baselineLengthCm)} cm + 50 % of its ${fmt(sp.baselineLengthCm - SPLEEN_NORMAL_MAX_CM)} cm excess over 13 cm) — splenic progression (Lugano 2014 Table 3).`,
          );
        } else if (
          sp.nadirLengthCm !== undefined &&
          lte(sp.nadirLengthCm, SPLEEN_NORMAL_MAX_CM) &&
          gt(sp.lengthCm, SPLEEN_NORMAL_MAX_CM)
        ) {
          spleenPd = true;
          pd.push(
            `Spleen back to ${fmt(sp.nadirLengthCm)} cm (≤ 13 cm) at nadir, now ${fmt(sp.lengthCm)} cm (> 13 cm) — recurrent splenomegaly (Lugano 2014 Table 3).`,
          );
        }
      } else {
        const growth = sp.lengthCm - sp.baselineLengthCm;
        if (gte(growth, SPLEEN_NEW_INCREASE_CM)) {
          spleenPd = true;
          pd.push(
            `Spleen ${fmt(sp.baselineLengthCm)} → ${fmt(sp.lengthCm)} cm without prior splenomegaly: +${fmt(growth)} cm ≥ 2 cm from baseline (Lugano 2014 Table 3).`,
          );
        } else if (gt(sp.lengthCm, SPLEEN_NORMAL_MAX_CM)) {
          spleenPd = true;
          pd.push(
            `Spleen ${fmt(sp.baselineLengthCm)} → ${fmt(sp.lengthCm)} cm: new splenomegaly (> 13 cm) (Lugano 2014 Table 3).`,
          );
        }
      }
    }

    // --- PD 3: new or clear progression of non-measured lesions.
    if (input.nonMeasuredLesions === "UNEQUIVOCAL_PROGRESSION")
      pd.push("Non-measured lesions: unequivocal progression (Lugano 2014 Table 3).");

    // --- PD 5: new lesions.
    const newFindings = input.newLesions.map(newLesionCounts);
    for (const n of newFindings) if (n.counts) pd.push(`${n.why} (Lugano 2014 Table 3).`);
    const notCounted = newFindings.filter((n) => !n.counts).map((n) => `${n.why}.`);

    // --- PD 6: bone marrow.
    if (input.boneMarrow === "NEW_OR_RECURRENT_INVOLVEMENT")
      pd.push("Bone marrow: new or recurrent involvement (Lugano 2014 Table 3).");

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
        label: "PD (progressive disease)",
        reasons: [...pd, spdReason, ...notCounted],
        details,
      };

    // --- CR (Cheson 2014 Table 3, CR row): all must hold.
    const crFails: string[] = [];
    for (const { l, i, f } of lesions) {
      if (l.kind === "NODAL" && gt(f.ldiMm, CR_MAX_NODE_LDI_MM))
        crFails.push(`${lesionName(l, i)} has LDi ${fmt(f.ldiMm)} mm > 15 mm`);
      if (l.kind === "EXTRANODAL" && l.status !== "NOT_VISIBLE")
        crFails.push(`${lesionName(l, i)} is still visible (CR needs no extralymphatic disease)`);
    }
    if (input.nonMeasuredLesions !== "ABSENT_OR_NORMAL")
      crFails.push(
        `non-measured lesions are ${input.nonMeasuredLesions.toLowerCase().replaceAll("_", " ")}, not absent`,
      );
    if (sp && gt(sp.lengthCm, SPLEEN_NORMAL_MAX_CM))
      crFails.push(`the spleen is ${fmt(sp.lengthCm)} cm (> 13 cm)`);
    if (input.boneMarrow !== "NORMAL") crFails.push("the bone marrow is still involved");

    if (crFails.length === 0)
      return {
        value: "CR" as CtResponse,
        label: "CR (complete radiologic response)",
        reasons: [
          "Every target node has LDi ≤ 15 mm, no extranodal target lesion is visible, non-measured lesions are absent, the spleen is ≤ 13 cm, there are no new lesions and the marrow is normal (Lugano 2014 Table 3).",
          spdReason,
          ...notCounted,
        ],
        details,
      };

    // --- PR (Cheson 2014 Table 3, PR row): all must hold.
    const prFails: string[] = [];
    const spdOk = lte(spd, input.baselineSpdMm2 * (1 - PR_SPD_DECREASE));
    if (!spdOk) prFails.push(`the SPD decrease from baseline is ${fmtPct(spdChange)}, short of −50 %`);
    if (input.nonMeasuredLesions === "STABLE")
      prFails.push("non-measured lesions are stable, not absent/normal or regressed");
    if (sp && gt(sp.baselineLengthCm, SPLEEN_NORMAL_MAX_CM)) {
      const excess = sp.baselineLengthCm - SPLEEN_NORMAL_MAX_CM;
      const regression = sp.baselineLengthCm - sp.lengthCm;
      if (!gt(regression, SPLEEN_EXCESS_FRACTION * excess))
        prFails.push(
          `the spleen regressed ${fmt(regression)} cm, not more than 50 % of its ${fmt(excess)} cm excess over 13 cm`,
        );
    }
    const notCr = `Not CR: ${crFails.join("; ")}.`;
    if (prFails.length === 0)
      return {
        value: "PR" as CtResponse,
        label: "PR (partial remission)",
        reasons: [
          `${spdReason} A decrease of ≥ 50 % from baseline is a partial remission (Lugano 2014 Table 3).`,
          notCr,
          ...notCounted,
        ],
        details,
      };

    return {
      value: "SD" as CtResponse,
      label: "SD (stable disease)",
      reasons: [
        spdReason,
        `No PD criterion is met; not PR: ${prFails.join("; ")} (Lugano 2014 Table 3).`,
        notCr,
        ...notCounted,
      ],
      details,
    };
  },
});
