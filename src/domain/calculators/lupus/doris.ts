/**
 * 2021 DORIS definition of remission in SLE (van Vollenhoven 2021; abstract and Table 2 final
 * recommendation): clinical SLEDAI-2K = 0 (serology ignored), Physician (Evaluator's) Global
 * Assessment < 0.5 on the 0–3 scale, prednisolone ≤ 5 mg/day, and antimalarials,
 * immunosuppressives and biologics allowed at stable (maintenance) doses. Duration is not part of
 * the definition. "Drug-free" remission [D] (as CAR-T lupus series report it): remission and no
 * glucocorticoid, antimalarial, immunosuppressive or biologic at all.
 */
import { z } from "zod";
import { defineCalculator } from "../calculator.ts";
import { describePresent, Sledai2kItems, scoreSledai2k } from "./sledai.ts";
import { fmt, Pga, PrednisoloneMgPerDay, VAN_VOLLENHOVEN_2021 } from "./sources.ts";

/** van Vollenhoven 2021: clinical SLEDAI = 0. */
const CLINICAL_SLEDAI_REQUIRED = 0;
/** van Vollenhoven 2021: Evaluator's Global Assessment < 0.5 (0–3). The earlier framework used ≤ 0.5 (notes §8). */
const PGA_BELOW = 0.5;
/**
 * van Vollenhoven 2021 abstract: "prednisolone 5 mg/day or less". One rendering of Table 2 reads
 * "< 5 mg/day"; the abstract's ≤ 5 is the widely cited form (notes §8).
 */
const PREDNISOLONE_MAX_MG = 5;

const Use = (drugClass: string) =>
  z
    .enum(["NONE", "STABLE", "NOT_STABLE"])
    .describe(
      `${drugClass}: NONE = not taking any; STABLE = taken at a stable maintenance dose; ` +
        "NOT_STABLE = started or dose changed for disease activity (not a stable maintenance dose)",
    );

const DorisInput = z.strictObject({
  sledai2k: Sledai2kItems,
  pga: Pga("This visit"),
  prednisoloneEquivalentMgPerDay: PrednisoloneMgPerDay("This visit"),
  antimalarial: Use("Antimalarial (e.g. hydroxychloroquine)"),
  immunosuppressive: Use("Conventional immunosuppressive (e.g. mycophenolate, azathioprine, methotrexate)"),
  biologic: Use("Biologic (e.g. belimumab, anifrolumab)"),
});

export interface DorisValue {
  remission: boolean;
  drugFree: boolean;
}

export const doris = defineCalculator({
  name: "doris",
  title: "DORIS 2021 remission in SLE (with drug-free flag)",
  source: VAN_VOLLENHOVEN_2021,
  ruleSet: "DORIS 2021 (van Vollenhoven et al.)",
  ruleSetVersion: "1",
  input: DorisInput,
  evaluate(v) {
    const { total, clinical, present } = scoreSledai2k(v.sledai2k);
    const clinicalPresent = present.filter((d) => d.system !== "serology");
    const cOk = clinical === CLINICAL_SLEDAI_REQUIRED;
    const pgaOk = v.pga < PGA_BELOW;
    const predOk = v.prednisoloneEquivalentMgPerDay <= PREDNISOLONE_MAX_MG;
    const drugs = {
      antimalarial: v.antimalarial,
      immunosuppressive: v.immunosuppressive,
      biologic: v.biologic,
    };
    const unstable = Object.entries(drugs)
      .filter(([, u]) => u === "NOT_STABLE")
      .map(([k]) => k);
    const drugsOk = unstable.length === 0;

    const reasons = [
      cOk
        ? `Clinical SLEDAI-2K 0 (SLEDAI-2K ${total}; serology ${total - clinical} point(s) ignored).`
        : `Clinical SLEDAI-2K ${clinical} ≠ 0 (not met): ${describePresent(clinicalPresent)}.`,
      `PGA ${fmt(v.pga)} ${pgaOk ? "<" : "≥"} ${PGA_BELOW}${pgaOk ? "" : " (not met)"}.`,
      `Prednisolone-equivalent ${fmt(v.prednisoloneEquivalentMgPerDay)} mg/day ${predOk ? "≤" : ">"} ${PREDNISOLONE_MAX_MG} mg/day${predOk ? "" : " (not met)"}.`,
      drugsOk
        ? "Antimalarial, immunosuppressive and biologic: none or at stable doses."
        : `Not at a stable dose (not met): ${unstable.join(", ")}.`,
    ];
    const remission = cOk && pgaOk && predOk && drugsOk;
    const onDrugs = [
      ...(v.prednisoloneEquivalentMgPerDay > 0 ? ["glucocorticoid"] : []),
      ...Object.entries(drugs)
        .filter(([, u]) => u !== "NONE")
        .map(([k]) => k),
    ];
    const drugFree = remission && onDrugs.length === 0;
    if (remission)
      reasons.push(
        drugFree
          ? "Drug-free: no glucocorticoid, antimalarial, immunosuppressive or biologic."
          : `Not drug-free: still taking ${onDrugs.join(", ")}.`,
      );
    const value: DorisValue = { remission, drugFree };
    return {
      value,
      label: drugFree
        ? "DORIS remission (drug-free)"
        : remission
          ? "DORIS remission"
          : "Not in DORIS remission",
      reasons,
      details: {
        clinicalSledai: clinical,
        sledai2k: total,
        criteria: {
          clinicalSledaiZero: cOk,
          pgaBelow05: pgaOk,
          prednisoloneAtMost5: predOk,
          stableTherapy: drugsOk,
        },
      },
    };
  },
});
