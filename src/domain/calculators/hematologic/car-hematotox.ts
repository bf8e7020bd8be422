/**
 * CAR-HEMATOTOX (Rejeski et al., Blood 2021): a baseline score, measured before lymphodepletion
 * (about day −5), of haematopoietic reserve (platelets, ANC, haemoglobin) and inflammation (CRP,
 * ferritin), with extra weight on platelets and ferritin. 0–7 points; 0–1 low risk, ≥ 2 high risk.
 *
 * Unit trap (reference notes §0): the score's CRP cut-off is 3.0 mg/dL (= 30 mg/L). CRP is taken in
 * exactly one of `crpMgPerDL` or `crpMgPerL`, so the unit is always named by the field.
 *
 * Validated in large B-cell lymphoma (axi-cel, tisa-cel); reported in MCL and BCMA myeloma; not
 * validated in SLE or other indications, and the label says so. [D, reference notes §3.4]
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { countUnitWarnings } from "./count-units.ts";
import { num, REJESKI_2021, RULE_SET_HEMATOTOX } from "./sources.ts";

/*
 * Point bands, Rejeski 2021 (CAR-HEMATOTOX model figure; reproduced on the european-mcl.net score
 * page). Values exactly at a cut-off are a platform decision [D, reference notes §3.4], because the
 * paper's "<"/">" wording leaves them open:
 *   Platelets  > 175,000/µL → 0; 75,000–175,000 → 1 (both edges inclusive); < 75,000 → 2
 *   ANC        ≥ 1200/µL → 0 (exactly 1200 → 0); < 1200 → 1
 *   Hb         ≥ 9.0 g/dL → 0 (exactly 9.0 → 0); < 9.0 → 1
 *   CRP        < 3.0 mg/dL → 0; ≥ 3.0 mg/dL → 1 (exactly 3.0 → 1)
 *   Ferritin   < 650 ng/mL → 0; 650–2000 → 1 (both edges inclusive); > 2000 → 2
 */
const PLT_HIGH = 175_000;
const PLT_LOW = 75_000;
const ANC_CUT = 1200;
const HB_CUT = 9.0;
const CRP_CUT_MG_PER_DL = 3.0;
const FERRITIN_LOW = 650;
const FERRITIN_HIGH = 2000;
/** Rejeski 2021: 0–1 low risk, ≥ 2 high risk. */
const HIGH_RISK_FROM = 2;

const INDICATIONS = ["LBCL", "MCL", "MULTIPLE_MYELOMA", "SLE", "OTHER"] as const;

export const CarHematotoxInput = z
  .strictObject({
    plateletsCellsPerUL: z
      .number()
      .min(0)
      .max(5_000_000)
      .describe("Platelet count before lymphodepletion, in cells/µL (75 × 10⁹/L = 75,000/µL)"),
    ancCellsPerUL: z
      .number()
      .min(0)
      .max(1_000_000)
      .describe("Absolute neutrophil count before lymphodepletion, in cells/µL (1 × 10⁹/L = 1000/µL)"),
    hemoglobinGPerDL: z
      .number()
      .min(0)
      .max(25, "Haemoglobin above 25 g/dL: this field is in g/dL (was it entered in g/L?)")
      .describe("Haemoglobin before lymphodepletion, in g/dL"),
    crpMgPerDL: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe("CRP before lymphodepletion in mg/dL (the score's unit). Give this or crpMgPerL, not both."),
    crpMgPerL: z
      .number()
      .min(0)
      .max(1000)
      .optional()
      .describe(
        "CRP before lymphodepletion in mg/L (divided by 10 for the score). Give this or crpMgPerDL, not both.",
      ),
    ferritinNgPerML: z
      .number()
      .min(0)
      .max(1_000_000)
      .describe("Ferritin before lymphodepletion, in ng/mL (= µg/L)"),
    indication: z
      .enum(INDICATIONS)
      .describe(
        "Disease treated: the score is validated in LBCL only (MCL and BCMA myeloma reported; SLE not)",
      ),
  })
  .superRefine((v, ctx) => {
    if (v.crpMgPerDL === undefined && v.crpMgPerL === undefined)
      ruleIssue(
        ctx,
        ["crpMgPerDL"],
        "CRP is required: give it in mg/dL or in mg/L.",
        "hematotox_crp_required" satisfies HematotoxCheck,
      );
    if (v.crpMgPerDL !== undefined && v.crpMgPerL !== undefined)
      ruleIssue(
        ctx,
        ["crpMgPerL"],
        "Give CRP once, in mg/dL or in mg/L, not both.",
        "hematotox_crp_twice" satisfies HematotoxCheck,
      );
  });

export type CarHematotoxInput = z.output<typeof CarHematotoxInput>;

export interface CarHematotoxValue {
  score: number;
  risk: "LOW" | "HIGH";
}

const VALIDATED_IN = "(the score was derived and validated in large B-cell lymphoma).";
/** The sentences of CAR-HEMATOTOX (decision 0041); the web catalogues word them under reasons.hematotox.*. */
export const HEMATOTOX_REASONS = reasonFamily(
  "hematotox",
  {
    // The result's label, coded like the reasons (decision 0041).
    "label.low": "{{score}} {{points, term}}, low risk",
    "label.high": "{{score}} {{points, term}}, high risk",
    "label.lowNotValidated": "{{score}} {{points, term}}, low risk (not validated for this indication)",
    "label.highNotValidated": "{{score}} {{points, term}}, high risk (not validated for this indication)",
    platelets: "Platelets {{count}}/µL: {{points}} point(s) ({{range}}/µL).",
    anc: "ANC {{count}}/µL: {{points}} point(s) ({{range}}/µL).",
    hb: "Hb {{hb}} g/dL: {{points}} point(s) ({{range}} g/dL).",
    crpMgL: "CRP {{crp}} mg/L (= {{crpMgDl}} mg/dL): {{points}} point(s) ({{range}} mg/dL).",
    crpMgDl: "CRP {{crp}} mg/dL: {{points}} point(s) ({{range}} mg/dL).",
    ferritin: "Ferritin {{ferritin}} ng/mL: {{points}} point(s) ({{range}} ng/mL).",
    "score.high": "CAR-HEMATOTOX {{score}} point(s): high risk (≥ 2) (Rejeski 2021).",
    "score.low": "CAR-HEMATOTOX {{score}} point(s): low risk (0–1) (Rejeski 2021).",
    "indication.outside": `Indication {{indication, term}}: reported outside the derivation population ${VALIDATED_IN}`,
    "indication.notValidated": `Indication {{indication, term}}: not validated for this indication ${VALIDATED_IN}`,
  },
  // The English quotes the input's value as given.
  {
    hematotoxPoints: { one: "point", other: "points" },
    // In words, not the input's codes (issue 11).
    indication: {
      LBCL: "large B-cell lymphoma (LBCL)",
      MCL: "mantle cell lymphoma (MCL)",
      MULTIPLE_MYELOMA: "multiple myeloma",
      SLE: "SLE",
      OTHER: "another indication",
    } satisfies Record<(typeof INDICATIONS)[number], string>,
  },
);

export const carHematotox = defineCalculator({
  name: "car-hematotox",
  title: "CAR-HEMATOTOX score",
  source: REJESKI_2021,
  ruleSet: RULE_SET_HEMATOTOX,
  ruleSetVersion: "1",
  input: CarHematotoxInput,
  warn: (input) => [
    ...countUnitWarnings("platelets", "platelets", {
      value: input.plateletsCellsPerUL,
      path: "/plateletsCellsPerUL",
    }),
    ...countUnitWarnings("leukocytes", "ANC", { value: input.ancCellsPerUL, path: "/ancCellsPerUL" }),
  ],
  evaluate(input) {
    const R = HEMATOTOX_REASONS;
    const reasons: ReasonEntry[] = [];
    const plt = input.plateletsCellsPerUL;
    const platelets = plt > PLT_HIGH ? 0 : plt >= PLT_LOW ? 1 : 2;
    reasons.push(
      R.say("platelets", {
        count: num(plt),
        points: platelets,
        range: platelets === 0 ? "> 175,000" : platelets === 1 ? "75,000–175,000" : "< 75,000",
      }),
    );
    const anc = input.ancCellsPerUL < ANC_CUT ? 1 : 0;
    reasons.push(
      R.say("anc", { count: num(input.ancCellsPerUL), points: anc, range: anc ? "< 1200" : "≥ 1200" }),
    );
    const hb = input.hemoglobinGPerDL < HB_CUT ? 1 : 0;
    reasons.push(R.say("hb", { hb: num(input.hemoglobinGPerDL), points: hb, range: hb ? "< 9.0" : "≥ 9.0" }));
    // Compare CRP in the unit it was given in, so that 30 mg/L is exactly the 3.0 mg/dL cut-off.
    const crpPoint =
      input.crpMgPerL !== undefined
        ? input.crpMgPerL >= CRP_CUT_MG_PER_DL * 10
        : (input.crpMgPerDL as number) >= CRP_CUT_MG_PER_DL;
    const crp = crpPoint ? 1 : 0;
    const crpRange = { points: crp, range: crp ? "≥ 3.0" : "< 3.0" };
    reasons.push(
      input.crpMgPerL !== undefined
        ? R.say("crpMgL", { crp: num(input.crpMgPerL), crpMgDl: num(input.crpMgPerL / 10), ...crpRange })
        : R.say("crpMgDl", { crp: num(input.crpMgPerDL as number), ...crpRange }),
    );
    const f = input.ferritinNgPerML;
    const ferritin = f < FERRITIN_LOW ? 0 : f <= FERRITIN_HIGH ? 1 : 2;
    reasons.push(
      R.say("ferritin", {
        ferritin: num(f),
        points: ferritin,
        range: ferritin === 0 ? "< 650" : ferritin === 1 ? "650–2000" : "> 2000",
      }),
    );
    const score = platelets + anc + hb + crp + ferritin;
    const risk = score >= HIGH_RISK_FROM ? "HIGH" : "LOW";
    reasons.unshift(R.say(risk === "HIGH" ? "score.high" : "score.low", { score }));
    const validation =
      input.indication === "LBCL"
        ? "validated"
        : input.indication === "MCL" || input.indication === "MULTIPLE_MYELOMA"
          ? "reported outside the derivation population"
          : "not validated for this indication";
    if (validation !== "validated")
      reasons.push(
        R.say(
          validation === "not validated for this indication"
            ? "indication.notValidated"
            : "indication.outside",
          {
            indication: `indication.${input.indication}`,
          },
        ),
      );
    const notValidated = validation === "not validated for this indication" ? "NotValidated" : "";
    const label = R.say(`label.${risk === "HIGH" ? "high" : "low"}${notValidated}` as const, {
      score,
      points: `hematotoxPoints.${score === 1 ? "one" : "other"}`,
    });
    return {
      value: { score, risk } satisfies CarHematotoxValue,
      label,
      reasons,
      details: {
        points: { platelets, anc, hemoglobin: hb, crp, ferritin },
        crpMgPerDL: input.crpMgPerL !== undefined ? input.crpMgPerL / 10 : input.crpMgPerDL,
        indication: input.indication,
        validation,
      },
    };
  },
});

/** The codes of the car-hematotox input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const HEMATOTOX_CHECKS = ["hematotox_crp_required", "hematotox_crp_twice"] as const;
export type HematotoxCheck = (typeof HEMATOTOX_CHECKS)[number];
