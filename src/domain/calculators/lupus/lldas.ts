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
import { defineCalculator } from "../calculator.ts";
import { describePresent, Sledai2kItems, type SledaiSystem, scoreSledai2k } from "./sledai.ts";
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
      ...major.map((d) => `${d.key} (${d.system})`),
      ...(v.hemolyticAnemia ? ["hemolyticAnemia"] : []),
      ...(v.gastrointestinalActivity ? ["gastrointestinalActivity"] : []),
    ];
    const reasons = [
      `SLEDAI-2K ${total} ${scoreOk ? "≤" : ">"} ${SLEDAI_MAX}${scoreOk ? "" : " (not met)"}: ${describePresent(present)}.`,
      noMajor
        ? "No major-organ activity (renal, CNS, cardiopulmonary, vasculitis, fever), haemolytic anaemia or gastrointestinal activity."
        : `Major-organ, haemolytic or gastrointestinal activity (not met): ${majorFound.join(", ")}.`,
      noNew
        ? "No new lupus activity since the previous assessment."
        : "New lupus activity since the previous assessment (newActivitySincePreviousAssessment; not met).",
      `PGA ${fmt(v.pga)} ${pgaOk ? "≤" : ">"} ${PGA_MAX}${pgaOk ? "" : " (not met)"}.`,
      `Prednisolone-equivalent ${fmt(v.prednisoloneEquivalentMgPerDay)} mg/day ${predOk ? "≤" : ">"} ${PREDNISOLONE_MAX_MG} mg/day${predOk ? "" : " (not met)"}.`,
      therapyOk
        ? `Immunosuppressive therapy ${v.immunosuppressiveTherapy}, no investigational drug.`
        : `Therapy not allowed (not met): ${[
            ...(v.immunosuppressiveTherapy === "NOT_STANDARD_OR_NOT_TOLERATED"
              ? ["immunosuppressives not at well-tolerated standard maintenance doses"]
              : []),
            ...(v.investigationalDrugCurrent ? ["investigational drug"] : []),
          ].join("; ")}.`,
    ];
    const met = scoreOk && noMajor && noNew && pgaOk && predOk && therapyOk;
    return {
      value: met ? "LLDAS" : "NOT_LLDAS",
      label: met ? "LLDAS met" : "LLDAS not met",
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
