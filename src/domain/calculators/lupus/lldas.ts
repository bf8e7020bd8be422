/**
 * Lupus Low Disease Activity State (Franklyn 2016, Table; reproduced in Rheumatology (Oxford)
 * PMC7719036 Table 1). LLDAS when all five hold:
 *   1. SLEDAI-2K ≤ 4, with no activity in major organ systems (renal, CNS, cardiopulmonary,
 *      vasculitis, fever) and no haemolytic anaemia or gastrointestinal activity;
 *   2. no new lupus disease activity compared with the previous assessment;
 *   3. SELENA-SLEDAI PGA ≤ 1 (0–3);
 *   4. current prednisolone (or equivalent) ≤ 7.5 mg/day;
 *   5. well-tolerated standard maintenance doses of immunosuppressives and approved biologics,
 *      excluding investigational drugs.
 * CAR-T [D] (reference notes §5.5): a completed one-off CAR-T infusion is not a current
 * investigational maintenance drug; a protocol that decides otherwise sets investigationalDrugCurrent.
 */
import { z } from "zod";
import { reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { SLEDAI_TERMS, Sledai2kItems, type SledaiSystem, scoreSledai2k, weightedTerms } from "./sledai.ts";
import { FRANKLYN_2016, fmt, Pga, PrednisoloneMgPerDay } from "./sources.ts";

/** Franklyn 2016 criterion 1: SLEDAI-2K ≤ 4. */
const SLEDAI_MAX = 4;
/** Franklyn 2016 criterion 3: PGA ≤ 1. */
const PGA_MAX = 1;
/** Franklyn 2016 criterion 4: prednisolone ≤ 7.5 mg/day. */
const PREDNISOLONE_MAX_MG = 7.5;
/**
 * Franklyn 2016 criterion 1, "major organ systems": renal, CNS, cardiopulmonary, vasculitis,
 * fever — SLEDAI-2K descriptors 1–8, 11–14, 18, 19 and 22 (reference notes §5.5).
 */
const MAJOR_SYSTEMS: readonly SledaiSystem[] = ["CNS", "vasculitis", "renal", "cardiopulmonary", "fever"];

const LldasInput = z.strictObject({
  sledai2k: Sledai2kItems,
  hemolyticAnemia: z
    .boolean()
    .describe("Haemolytic anaemia due to SLE at this assessment (not a SLEDAI-2K item)"),
  gastrointestinalActivity: z
    .boolean()
    .describe(
      "Gastrointestinal lupus activity at this assessment (e.g. what the BILAG-2004 gastrointestinal domain scores; not a SLEDAI-2K item)",
    ),
  newActivitySincePreviousAssessment: z
    .boolean()
    .describe("Any new feature of lupus activity compared with the previous assessment"),
  pga: Pga("This visit"),
  prednisoloneEquivalentMgPerDay: PrednisoloneMgPerDay("Current"),
  immunosuppressiveTherapy: z
    .enum(["NONE", "STANDARD_MAINTENANCE_WELL_TOLERATED", "NOT_STANDARD_OR_NOT_TOLERATED"])
    .describe(
      "Immunosuppressives and approved biologics: NONE; STANDARD_MAINTENANCE_WELL_TOLERATED; or " +
        "NOT_STANDARD_OR_NOT_TOLERATED (e.g. induction doses, or not tolerated)",
    ),
  investigationalDrugCurrent: z
    .boolean()
    .describe(
      "Currently on an investigational drug. Platform default [D]: a completed single CAR-T infusion does not count; " +
        "set true if the protocol decides it does",
    ),
});

/** The sentences of LLDAS (decision 0041); the web catalogues word them under reasons.lldas.*. */
export const LLDAS_REASONS = reasonFamily(
  "lldas",
  {
    // The result's label, coded like the reasons (decision 0041).
    "label.met": "LLDAS met",
    "label.notMet": "LLDAS not met",
    "score.met": "SLEDAI-2K {{total}} ≤ {{max}}: {{present, termlist}}.",
    "score.none": "SLEDAI-2K {{total}} ≤ {{max}}: none.",
    "score.notMet": "SLEDAI-2K {{total}} > {{max}} (not met): {{present, termlist}}.",
    "major.none":
      "No major-organ activity (renal, CNS, cardiopulmonary, vasculitis, fever), haemolytic anaemia or " +
      "gastrointestinal activity.",
    "major.found": "Major-organ, haemolytic or gastrointestinal activity (not met): {{found, termlist}}.",
    "newActivity.none": "No new lupus activity since the previous assessment.",
    "newActivity.found":
      "New lupus activity since the previous assessment (newActivitySincePreviousAssessment; not met).",
    "pga.met": "PGA {{pga}} ≤ {{max}}.",
    "pga.notMet": "PGA {{pga}} > {{max}} (not met).",
    "prednisolone.met": "Prednisolone-equivalent {{dose}} mg/day ≤ {{limit}} mg/day.",
    "prednisolone.notMet": "Prednisolone-equivalent {{dose}} mg/day > {{limit}} mg/day (not met).",
    "therapy.allowed": "Immunosuppressive therapy: {{therapy, term}}; no investigational drug.",
    "therapy.notStandard":
      "Therapy not allowed (not met): immunosuppressives not at well-tolerated standard maintenance doses.",
    "therapy.investigational": "Therapy not allowed (not met): investigational drug.",
    "therapy.both":
      "Therapy not allowed (not met): immunosuppressives not at well-tolerated standard maintenance doses; " +
      "investigational drug.",
  },
  {
    sledaiWeighted: SLEDAI_TERMS.sledaiWeighted,
    lldasMajor: {
      ...SLEDAI_TERMS.sledaiSystem,
      hemolyticAnemia: "Haemolytic anaemia",
      gastrointestinalActivity: "Gastrointestinal activity",
    },
    // The choices in words (Franklyn 2016 LLDAS item 5), never the input's code (issue 11).
    lldasTherapy: {
      NONE: "none",
      STANDARD_MAINTENANCE_WELL_TOLERATED: "at standard maintenance doses, well tolerated",
      NOT_STANDARD_OR_NOT_TOLERATED: "not at standard maintenance doses or not well tolerated",
    },
  },
);

export const lldas = defineCalculator({
  name: "lldas",
  title: "Lupus Low Disease Activity State (LLDAS)",
  source: FRANKLYN_2016,
  ruleSet: "LLDAS (Franklyn 2016)",
  ruleSetVersion: "1",
  input: LldasInput,
  evaluate(v) {
    const { total, present } = scoreSledai2k(v.sledai2k);
    const major = present.filter((d) => MAJOR_SYSTEMS.includes(d.system));
    const scoreOk = total <= SLEDAI_MAX;
    const noMajor = major.length === 0 && !v.hemolyticAnemia && !v.gastrointestinalActivity;
    const noNew = !v.newActivitySincePreviousAssessment;
    const pgaOk = v.pga <= PGA_MAX;
    const predOk = v.prednisoloneEquivalentMgPerDay <= PREDNISOLONE_MAX_MG;
    const therapyOk =
      v.immunosuppressiveTherapy !== "NOT_STANDARD_OR_NOT_TOLERATED" && !v.investigationalDrugCurrent;

    const majorFound = [
      ...major.map((d) => `lldasMajor.${d.key}`),
      ...(v.hemolyticAnemia ? ["lldasMajor.hemolyticAnemia"] : []),
      ...(v.gastrointestinalActivity ? ["lldasMajor.gastrointestinalActivity"] : []),
    ];
    const R = LLDAS_REASONS;
    const score = { total, max: SLEDAI_MAX, present: weightedTerms(present) };
    const pga = { pga: fmt(v.pga), max: PGA_MAX };
    const dose = { dose: fmt(v.prednisoloneEquivalentMgPerDay), limit: PREDNISOLONE_MAX_MG };
    const notStandard = v.immunosuppressiveTherapy === "NOT_STANDARD_OR_NOT_TOLERATED";
    const reasons = [
      !scoreOk
        ? R.say("score.notMet", score)
        : present.length === 0
          ? R.say("score.none", { total, max: SLEDAI_MAX })
          : R.say("score.met", score),
      noMajor ? R.say("major.none") : R.say("major.found", { found: majorFound }),
      noNew ? R.say("newActivity.none") : R.say("newActivity.found"),
      pgaOk ? R.say("pga.met", pga) : R.say("pga.notMet", pga),
      predOk ? R.say("prednisolone.met", dose) : R.say("prednisolone.notMet", dose),
      therapyOk
        ? R.say("therapy.allowed", { therapy: `lldasTherapy.${v.immunosuppressiveTherapy}` })
        : notStandard && v.investigationalDrugCurrent
          ? R.say("therapy.both")
          : notStandard
            ? R.say("therapy.notStandard")
            : R.say("therapy.investigational"),
    ];
    const met = scoreOk && noMajor && noNew && pgaOk && predOk && therapyOk;
    return {
      value: met ? "LLDAS" : "NOT_LLDAS",
      label: R.say(met ? "label.met" : "label.notMet"),
      reasons,
      details: {
        sledai2k: total,
        criteria: {
          sledaiAtMost4NoMajorOrgan: scoreOk && noMajor,
          noNewActivity: noNew,
          pgaAtMost1: pgaOk,
          prednisoloneAtMost7_5: predOk,
          allowedTherapy: therapyOk,
        },
      },
    };
  },
});
