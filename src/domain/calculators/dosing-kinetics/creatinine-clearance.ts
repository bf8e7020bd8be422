/**
 * Cockcroft–Gault creatinine clearance (mL/min, not normalised to 1.73 m²).
 *
 *   CrCl = (140 − age) × weight / (72 × SCr[mg/dL]),  × 0.85 if female
 *   SCr[mg/dL] = SCr[µmol/L] / 88.4
 *
 * Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum creatinine. Nephron
 * 1976;16(1):31–41 (formula and the 0.85 female factor). The 88.4 µmol/L per mg/dL conversion is
 * clinical-rules.md §0.
 *
 * Which weight goes into the formula depends on the protocol (clinical-rules.md §6.4 [D]), so
 * `weightBasis` is required and reported. For IDEAL and ADJUSTED the weight is derived from the actual
 * weight and the height:
 *   - Ideal body weight (Devine): men 50 kg, women 45.5 kg, + 2.3 kg per inch of height over 60 in.
 *     Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm 1974;8:650–655.
 *   - Adjusted body weight: IBW + 0.4 × (actual − IBW).
 *   Both as tabulated by Erstad BL (weight descriptors for adults; reproduced in PMC4411565, Table 3).
 * Any rule that picks the basis automatically (e.g. "actual if below IBW") is a protocol choice and is
 * not applied here; the reasons say when the actual weight is below the IBW.
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { HeightCm, WeightKg } from "./bsa.ts";
import { fmt, geq, leq } from "./format.ts";

export const SCR_UNITS = ["MG_PER_DL", "UMOL_PER_L"] as const;
export type ScrUnit = (typeof SCR_UNITS)[number];
export const WEIGHT_BASES = ["ACTUAL", "IDEAL", "ADJUSTED"] as const;
export type WeightBasis = (typeof WEIGHT_BASES)[number];

/** µmol/L per mg/dL of creatinine (clinical-rules.md §0). */
export const UMOL_PER_MG_DL = 88.4;
/** Plausible serum creatinine, mg/dL [D]: values outside usually mean the wrong unit was chosen. */
export const SCR_MG_DL_MIN = 0.1;
export const SCR_MG_DL_MAX = 20;
/** Cockcroft–Gault was derived in adults; children need a paediatric estimate (e.g. bedside Schwartz). */
export const CG_MIN_AGE = 18;
export const CG_MAX_AGE = 120;
/** Cockcroft & Gault 1976: female clearance is 85 % of the male estimate. */
export const FEMALE_FACTOR = 0.85;
/** Devine 1974 ideal body weight constants. */
export const CM_PER_INCH = 2.54;
export const DEVINE_BASE_KG = { male: 50, female: 45.5 } as const;
export const DEVINE_KG_PER_INCH = 2.3;
export const DEVINE_BASE_INCHES = 60;
/** Adjusted body weight: IBW + 0.4 × (actual − IBW) (Erstad; PMC4411565 Table 3). */
export const ADJUSTED_WEIGHT_FACTOR = 0.4;

export const devineIbwKg = (sex: "female" | "male", heightCm: number): number =>
  DEVINE_BASE_KG[sex] + DEVINE_KG_PER_INCH * (heightCm / CM_PER_INCH - DEVINE_BASE_INCHES);

export const scrToMgDl = (value: number, unit: ScrUnit): number =>
  unit === "MG_PER_DL" ? value : value / UMOL_PER_MG_DL;

export const cockcroftGault = (ageYears: number, weightKg: number, scrMgDl: number, sex: "female" | "male") =>
  (((140 - ageYears) * weightKg) / (72 * scrMgDl)) * (sex === "female" ? FEMALE_FACTOR : 1);

export const CreatinineClearanceInput = z
  .strictObject({
    ageYears: z
      .number()
      .min(
        CG_MIN_AGE,
        "Cockcroft–Gault is for adults (18 years or older); use a paediatric estimate for children",
      )
      .max(CG_MAX_AGE)
      .describe("Age in years (adults, 18 or older)"),
    sex: z.enum(["female", "male"]).describe("Sex for the Cockcroft–Gault factor (female × 0.85)"),
    weightKg: WeightKg.describe("Actual body weight in kg"),
    weightBasis: z
      .enum(WEIGHT_BASES)
      .describe(
        "Which weight the protocol puts into the formula: ACTUAL (weightKg), IDEAL (Devine, needs heightCm) or ADJUSTED (IBW + 0.4 × (actual − IBW), needs heightCm)",
      ),
    heightCm: HeightCm.optional().describe("Height in cm; required when weightBasis is IDEAL or ADJUSTED"),
    serumCreatinine: z
      .number()
      .positive()
      .describe("Serum creatinine, in the unit given by serumCreatinineUnit"),
    serumCreatinineUnit: z
      .enum(SCR_UNITS)
      .describe("Unit of serumCreatinine: MG_PER_DL (mg/dL) or UMOL_PER_L (µmol/L; ÷ 88.4 gives mg/dL)"),
  })
  .superRefine((i, ctx) => {
    if (i.weightBasis !== "ACTUAL" && i.heightCm === undefined)
      ruleIssue(
        ctx,
        ["heightCm"],
        `Give the height (cm): the ${i.weightBasis === "IDEAL" ? "ideal" : "adjusted"} body weight the protocol asks for comes from it.`,
        "crcl_height_required" satisfies CrclCheck,
      );
    const mgDl = scrToMgDl(i.serumCreatinine, i.serumCreatinineUnit);
    // tolerant comparison: 8.84 µmol/L ÷ 88.4 is 0.09999… in floating point, yet exactly 0.1 mg/dL
    if (!geq(mgDl, SCR_MG_DL_MIN) || !leq(mgDl, SCR_MG_DL_MAX)) {
      const hint =
        i.serumCreatinineUnit === "MG_PER_DL" && i.serumCreatinine > SCR_MG_DL_MAX
          ? "; it looks like µmol/L: choose µmol/L as its unit"
          : i.serumCreatinineUnit === "UMOL_PER_L" && !geq(mgDl, SCR_MG_DL_MIN)
            ? "; it looks like mg/dL: choose mg/dL as its unit"
            : "";
      ruleIssue(
        ctx,
        ["serumCreatinine"],
        `Serum creatinine ${i.serumCreatinine} ${i.serumCreatinineUnit === "MG_PER_DL" ? "mg/dL" : "µmol/L"} is outside the plausible ${SCR_MG_DL_MIN}–${SCR_MG_DL_MAX} mg/dL (${fmt(SCR_MG_DL_MIN * UMOL_PER_MG_DL, 2)}–${fmt(SCR_MG_DL_MAX * UMOL_PER_MG_DL, 0)} µmol/L)${hint}`,
        "crcl_creatinine_implausible" satisfies CrclCheck,
      );
    }
  });

const COCKCROFT_GAULT = "Cockcroft–Gault: (140 − {{age}}) × {{weight}} kg / (72 × {{scr}} mg/dL)";
/** The sentences of the Cockcroft–Gault clearance (decision 0041); the web catalogues word them under reasons.crcl.*. */
export const CRCL_REASONS = reasonFamily(
  "crcl",
  {
    // The result's label, coded like the reasons (decision 0041).
    "label.ACTUAL": "CrCl {{value}} mL/min (Cockcroft–Gault, actual weight)",
    "label.IDEAL": "CrCl {{value}} mL/min (Cockcroft–Gault, ideal weight)",
    "label.ADJUSTED": "CrCl {{value}} mL/min (Cockcroft–Gault, adjusted weight)",
    umol: "Serum creatinine {{scr}} µmol/L ÷ {{factor}} = {{mgdl}} mg/dL.",
    actual: "Actual body weight used, as the protocol asks: {{weight}} kg.",
    ibw:
      "Ideal body weight (Devine) for a {{sex, term}} of {{height}} cm: {{base}} + {{perInch}} × ({{inches}} in − " +
      "{{baseInches}}) = {{ibw}} kg.",
    shortHeight:
      "Height {{height}} cm is under 60 in (152.4 cm): the Devine formula is extrapolated below its range.",
    ideal: "Ideal body weight used, as the protocol asks: {{ibw}} kg.",
    adjusted:
      "Adjusted body weight used, as the protocol asks: {{ibw}} + {{factor}} × ({{weight}} − {{ibw}}) = {{adjusted}} kg.",
    belowIdeal:
      "Actual weight {{weight}} kg is below the ideal body weight {{ibw}} kg; check whether the protocol uses actual " +
      "weight in that case.",
    cockcroftGault: `${COCKCROFT_GAULT} = {{value}} mL/min (not normalised to 1.73 m²).`,
    cockcroftGaultFemale: `${COCKCROFT_GAULT} × {{factor}} (female) = {{value}} mL/min (not normalised to 1.73 m²).`,
  },
  { sex: { female: "female", male: "male" } },
);

export const creatinineClearanceCalculator = defineCalculator({
  name: "creatinine-clearance",
  title: "Creatinine clearance (Cockcroft–Gault)",
  source:
    "Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum creatinine. Nephron 1976;16(1):31–41. Ideal body weight: Devine BJ. Drug Intell Clin Pharm 1974;8:650–655.",
  ruleSet: "Cockcroft–Gault 1976",
  ruleSetVersion: "1",
  input: CreatinineClearanceInput,
  evaluate(i) {
    const R = CRCL_REASONS;
    const reasons: ReasonEntry[] = [];
    const scrMgDl = scrToMgDl(i.serumCreatinine, i.serumCreatinineUnit);
    if (i.serumCreatinineUnit === "UMOL_PER_L")
      reasons.push(R.say("umol", { scr: i.serumCreatinine, factor: UMOL_PER_MG_DL, mgdl: fmt(scrMgDl, 3) }));

    let weightUsedKg = i.weightKg;
    let idealKg: number | undefined;
    let adjustedKg: number | undefined;
    if (i.weightBasis === "ACTUAL") {
      reasons.push(R.say("actual", { weight: i.weightKg }));
    } else {
      const heightCm = i.heightCm!; // guaranteed by the schema refinement
      idealKg = devineIbwKg(i.sex, heightCm);
      const ibw = fmt(idealKg, 1);
      reasons.push(
        R.say("ibw", {
          sex: `sex.${i.sex}`,
          height: heightCm,
          base: DEVINE_BASE_KG[i.sex],
          perInch: DEVINE_KG_PER_INCH,
          inches: fmt(heightCm / CM_PER_INCH, 2),
          baseInches: DEVINE_BASE_INCHES,
          ibw,
        }),
      );
      if (heightCm / CM_PER_INCH < DEVINE_BASE_INCHES)
        reasons.push(R.say("shortHeight", { height: heightCm }));
      if (i.weightBasis === "IDEAL") {
        weightUsedKg = idealKg;
        reasons.push(R.say("ideal", { ibw }));
      } else {
        adjustedKg = idealKg + ADJUSTED_WEIGHT_FACTOR * (i.weightKg - idealKg);
        weightUsedKg = adjustedKg;
        reasons.push(
          R.say("adjusted", {
            ibw,
            factor: ADJUSTED_WEIGHT_FACTOR,
            weight: i.weightKg,
            adjusted: fmt(adjustedKg, 1),
          }),
        );
      }
      if (i.weightKg < idealKg) reasons.push(R.say("belowIdeal", { weight: i.weightKg, ibw }));
    }

    const value = cockcroftGault(i.ageYears, weightUsedKg, scrMgDl, i.sex);
    const cg = { age: i.ageYears, weight: fmt(weightUsedKg, 1), scr: fmt(scrMgDl, 3), value: fmt(value, 1) };
    reasons.push(
      i.sex === "female"
        ? R.say("cockcroftGaultFemale", { ...cg, factor: FEMALE_FACTOR })
        : R.say("cockcroftGault", cg),
    );
    return {
      value,
      label: R.say(`label.${i.weightBasis}`, { value: fmt(value, 1) }),
      reasons,
      details: {
        serumCreatinineMgDl: scrMgDl,
        weightBasis: i.weightBasis,
        weightUsedKg,
        ...(idealKg !== undefined && { idealBodyWeightKg: idealKg }),
        ...(adjustedKg !== undefined && { adjustedBodyWeightKg: adjustedKg }),
        sexFactor: i.sex === "female" ? FEMALE_FACTOR : 1,
        unit: "mL/min",
      },
    };
  },
});

/** The codes of the creatinine-clearance input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const CRCL_CHECKS = ["crcl_height_required", "crcl_creatinine_implausible"] as const;
export type CrclCheck = (typeof CRCL_CHECKS)[number];
