/**
 * Body surface area (m²) from height and weight.
 *
 * - Mosteller (default): BSA = √(H × W / 3600), H in cm, W in kg.
 *   Mosteller RD. Simplified calculation of body-surface area. N Engl J Med 1987;317(17):1098.
 * - DuBois: BSA = 0.007184 × W^0.425 × H^0.725 (the original's 71.84 × W^0.425 × H^0.725 in cm²).
 *   Du Bois D, Du Bois EF. A formula to estimate the approximate surface area if height and weight be
 *   known. Arch Intern Med 1916;17:863–871.
 * Both formulas checked against the DuBois and Mosteller references as reproduced by GlobalRPh
 * (globalrph.com/bsa2.htm) and Erstad's weight-descriptor table (PMC4411565, Table 3).
 *
 * Full precision is returned; rounding is for display only (clinical-rules.md §6.1 [D]). The weight is
 * the weight the caller passes: actual body weight unless the protocol says otherwise (§6.1).
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { fmt, geq, leq } from "./format.ts";

export const BSA_FORMULAS = ["MOSTELLER", "DUBOIS"] as const;
export type BsaFormula = (typeof BSA_FORMULAS)[number];

/** Plausibility limits [D]: wide enough for infants to very large adults, narrow enough to catch unit slips. */
export const HEIGHT_CM_MIN = 40;
export const HEIGHT_CM_MAX = 250;
export const WEIGHT_KG_MIN = 2;
export const WEIGHT_KG_MAX = 400;
/** BMI outside 8–100 kg/m² means height and weight are swapped or in the wrong units [D]. */
export const BMI_MIN = 8;
export const BMI_MAX = 100;

export const mosteller = (heightCm: number, weightKg: number): number =>
  Math.sqrt((heightCm * weightKg) / 3600);
export const dubois = (heightCm: number, weightKg: number): number =>
  0.007184 * weightKg ** 0.425 * heightCm ** 0.725;

export const bsaOf = (formula: BsaFormula, heightCm: number, weightKg: number): number =>
  formula === "MOSTELLER" ? mosteller(heightCm, weightKg) : dubois(heightCm, weightKg);

export const FORMULA_NAMES: Record<BsaFormula, string> = { MOSTELLER: "Mosteller", DUBOIS: "DuBois" };

export const HeightCm = z
  .number()
  .min(HEIGHT_CM_MIN, `Height below ${HEIGHT_CM_MIN} cm is not plausible; is it in cm?`)
  .max(HEIGHT_CM_MAX, `Height above ${HEIGHT_CM_MAX} cm is not plausible; is it in cm?`)
  .describe("Height in cm");

export const WeightKg = z
  .number()
  .min(WEIGHT_KG_MIN, `Weight below ${WEIGHT_KG_MIN} kg is not plausible; is it in kg?`)
  .max(WEIGHT_KG_MAX, `Weight above ${WEIGHT_KG_MAX} kg is not plausible; is it in kg?`)
  .describe("Body weight in kg");

/** Adds an issue when height and weight together give an impossible BMI (swapped fields, lb for kg...). */
export function checkBmi(
  heightCm: number,
  weightKg: number,
  ctx: z.RefinementCtx,
  paths: { height: PropertyKey[]; weight: PropertyKey[] } = { height: ["heightCm"], weight: ["weightKg"] },
): void {
  // zod runs refinements even after a range check failed; report the range problem alone then
  if (
    heightCm < HEIGHT_CM_MIN ||
    heightCm > HEIGHT_CM_MAX ||
    weightKg < WEIGHT_KG_MIN ||
    weightKg > WEIGHT_KG_MAX
  )
    return;
  const bmi = weightKg / (heightCm / 100) ** 2;
  if (!geq(bmi, BMI_MIN) || !leq(bmi, BMI_MAX)) {
    const message = `Height ${heightCm} cm with weight ${weightKg} kg gives a BMI of ${fmt(bmi, 1)} kg/m², outside ${BMI_MIN}–${BMI_MAX}; check the units and that the fields are not swapped`;
    ruleIssue(ctx, paths.height, message, "bsa_bmi_implausible" satisfies BsaCheck);
    ruleIssue(ctx, paths.weight, message, "bsa_bmi_implausible" satisfies BsaCheck);
  }
}

export const BsaInput = z
  .strictObject({
    heightCm: HeightCm,
    weightKg: WeightKg.describe(
      "Body weight in kg (actual body weight unless the protocol specifies another dosing weight)",
    ),
    formula: z
      .enum(BSA_FORMULAS)
      .default("MOSTELLER")
      .describe("BSA formula; Mosteller unless the protocol specifies DuBois. The formula used is reported."),
  })
  .superRefine((i, ctx) => checkBmi(i.heightCm, i.weightKg, ctx));

/** The sentence of the BSA (decision 0041), one per formula; the web catalogues word them under reasons.bsa.*. */
export const BSA_REASONS = reasonFamily("bsa", {
  // The result's label, coded like the reasons (decision 0041).
  "label.MOSTELLER": "BSA {{value}} m² (Mosteller)",
  "label.DUBOIS": "BSA {{value}} m² (DuBois)",
  MOSTELLER:
    `${FORMULA_NAMES.MOSTELLER} formula √({{height}} cm × {{weight}} kg / 3600) = {{value}} m² (height ` +
    "{{height}} cm, weight {{weight}} kg).",
  DUBOIS:
    `${FORMULA_NAMES.DUBOIS} formula 0.007184 × {{weight}} kg^0.425 × {{height}} cm^0.725 = {{value}} m² (height ` +
    "{{height}} cm, weight {{weight}} kg).",
});

export const bsaCalculator = defineCalculator({
  name: "bsa",
  title: "Body surface area (Mosteller or DuBois)",
  source:
    "Mosteller RD. N Engl J Med 1987;317(17):1098. Du Bois D, Du Bois EF. Arch Intern Med 1916;17:863–871.",
  ruleSet: "BSA: Mosteller 1987 (default) / DuBois 1916",
  ruleSetVersion: "1",
  input: BsaInput,
  evaluate(i) {
    const value = bsaOf(i.formula, i.heightCm, i.weightKg);
    const m = mosteller(i.heightCm, i.weightKg);
    const d = dubois(i.heightCm, i.weightKg);
    return {
      value,
      label: BSA_REASONS.say(`label.${i.formula}`, { value: fmt(value, 2) }),
      reasons: [BSA_REASONS.say(i.formula, { height: i.heightCm, weight: i.weightKg, value: fmt(value, 4) })],
      details: {
        formula: i.formula,
        mostellerM2: m,
        duboisM2: d,
        bmiKgM2: i.weightKg / (i.heightCm / 100) ** 2,
      },
    };
  },
});

/** The codes of the bsa input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const BSA_CHECKS = ["bsa_bmi_implausible"] as const;
export type BsaCheck = (typeof BSA_CHECKS)[number];
