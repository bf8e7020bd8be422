/**
 * 2021 DORIS definition of remission in SLE (van Vollenhoven 2021; abstract and Table 2 final
 * recommendation): clinical SLEDAI-2K = 0 (serology ignored), Physician (Evaluator's) Global
 * Assessment < 0.5 on the 0–3 scale, prednisolone ≤ 5 mg/day, and antimalarials,
 * immunosuppressives and biologics allowed at stable (maintenance) doses. Duration is not part of
 * the definition. "Drug-free" remission [D] (as CAR-T lupus series report it): remission and no
 * glucocorticoid, antimalarial, immunosuppressive or biologic at all.
 */
import { z } from "zod";
import { reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { SLEDAI_TERMS, Sledai2kItems, scoreSledai2k, weightedTerms } from "./sledai.ts";
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

/** The drug classes the lupus reasons name (term group "lupusDrug"); English as the input keys. */
export const LUPUS_DRUG_TEXT = {
  glucocorticoid: "glucocorticoid",
  antimalarial: "antimalarial",
  immunosuppressive: "immunosuppressive",
  biologic: "biologic",
};

/** The sentences of DORIS (decision 0041); the web catalogues word them under reasons.doris.*. */
export const DORIS_REASONS = reasonFamily(
  "doris",
  {
    // The result's label, coded like the reasons (decision 0041).
    "label.drugFree": "DORIS remission (drug-free)",
    "label.remission": "DORIS remission",
    "label.none": "Not in DORIS remission",
    "clinical.met": "Clinical SLEDAI-2K 0 (SLEDAI-2K {{total}}; serology {{serology}} point(s) ignored).",
    "clinical.notMet": "Clinical SLEDAI-2K {{clinical}} ≠ 0 (not met): {{present, termlist}}.",
    "pga.met": "PGA {{pga}} < {{limit}}.",
    "pga.notMet": "PGA {{pga}} ≥ {{limit}} (not met).",
    "prednisolone.met": "Prednisolone-equivalent {{dose}} mg/day ≤ {{limit}} mg/day.",
    "prednisolone.notMet": "Prednisolone-equivalent {{dose}} mg/day > {{limit}} mg/day (not met).",
    "drugs.stable": "Antimalarial, immunosuppressive and biologic: none or at stable doses.",
    "drugs.notStable": "Not at a stable dose (not met): {{drugs, termlist}}.",
    drugFree: "Drug-free: no glucocorticoid, antimalarial, immunosuppressive or biologic.",
    notDrugFree: "Not drug-free: still taking {{drugs, termlist}}.",
  },
  { sledaiWeighted: SLEDAI_TERMS.sledaiWeighted, lupusDrug: LUPUS_DRUG_TEXT },
);

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

    const R = DORIS_REASONS;
    const drugTerms = (keys: string[]) => keys.map((k) => `lupusDrug.${k}`);
    const pga = { pga: fmt(v.pga), limit: PGA_BELOW };
    const dose = { dose: fmt(v.prednisoloneEquivalentMgPerDay), limit: PREDNISOLONE_MAX_MG };
    const reasons = [
      cOk
        ? R.say("clinical.met", { total, serology: total - clinical })
        : R.say("clinical.notMet", { clinical, present: weightedTerms(clinicalPresent) }),
      pgaOk ? R.say("pga.met", pga) : R.say("pga.notMet", pga),
      predOk ? R.say("prednisolone.met", dose) : R.say("prednisolone.notMet", dose),
      drugsOk ? R.say("drugs.stable") : R.say("drugs.notStable", { drugs: drugTerms(unstable) }),
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
      reasons.push(drugFree ? R.say("drugFree") : R.say("notDrugFree", { drugs: drugTerms(onDrugs) }));
    const value: DorisValue = { remission, drugFree };
    return {
      value,
      label: R.say(drugFree ? "label.drugFree" : remission ? "label.remission" : "label.none"),
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
