/**
 * ASTCT consensus grade of cytokine release syndrome (CRS), grades 0–5.
 *
 * Source: Lee DW et al., Biol Blood Marrow Transplant 2019;25(4):625–638, Table 1 ("ASTCT CRS
 * Consensus Grading") and its footnotes; grade 5 from the text of the same paper ("death due to CRS
 * in which another cause is not the principal factor leading to this outcome").
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type Phrase, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { askedWhen } from "../asked-when.ts";
import { contradiction, defineCalculator } from "../calculator.ts";
import { LEE_2019, RULE_SET_ASTCT } from "./sources.ts";

/** Lee 2019, Table 1 footnote: fever is a temperature ≥ 38 °C not attributable to any other cause. */
export const FEVER_THRESHOLD_C = 38.0;
/**
 * Lee 2019, Table 1 footnote: low-flow nasal cannula is oxygen at ≤ 6 L/min (blow-by counts as
 * low-flow); high-flow nasal cannula is oxygen at > 6 L/min. Exactly 6 L/min is low-flow.
 */
export const LOW_FLOW_MAX_LPM = 6;
const FEVER_THRESHOLD_TEXT = FEVER_THRESHOLD_C.toFixed(1);
const FEVER_TEXT = `${FEVER_THRESHOLD_TEXT} °C`;

export const Hypotension = z
  .enum(["NONE", "NO_VASOPRESSOR", "ONE_VASOPRESSOR", "MULTIPLE_VASOPRESSORS"])
  .describe(
    "Hypotension and its treatment. NO_VASOPRESSOR: fluids only. ONE_VASOPRESSOR: one vasopressor, with " +
      "or without vasopressin. MULTIPLE_VASOPRESSORS: two or more vasopressors not counting vasopressin " +
      "(Lee 2019, Table 1).",
  );
export type Hypotension = z.infer<typeof Hypotension>;

export const Vasopressor = z.enum([
  "NOREPINEPHRINE",
  "EPINEPHRINE",
  "PHENYLEPHRINE",
  "DOPAMINE",
  "VASOPRESSIN",
  "ANGIOTENSIN_II",
]);
export type Vasopressor = z.infer<typeof Vasopressor>;

export const OxygenDevice = z
  .enum([
    "NONE",
    "NASAL_CANNULA",
    "BLOW_BY",
    "HFNC",
    "FACEMASK",
    "NON_REBREATHER",
    "VENTURI",
    "CPAP",
    "BIPAP",
    "INVASIVE_VENTILATION",
  ])
  .describe(
    "Oxygen support. NASAL_CANNULA needs oxygenFlowLpm (≤ 6 L/min is low-flow, > 6 L/min high-flow). " +
      "HFNC is high-flow nasal cannula (> 6 L/min). CPAP, BIPAP and INVASIVE_VENTILATION are positive pressure.",
  );
export type OxygenDevice = z.infer<typeof OxygenDevice>;

const DEVICE_TEXT: Record<OxygenDevice, string> = {
  NONE: "room air",
  NASAL_CANNULA: "nasal cannula",
  BLOW_BY: "blow-by oxygen",
  HFNC: "high-flow nasal cannula",
  FACEMASK: "facemask",
  NON_REBREATHER: "non-rebreather mask",
  VENTURI: "Venturi mask",
  CPAP: "CPAP",
  BIPAP: "BiPAP",
  INVASIVE_VENTILATION: "intubation and mechanical ventilation",
};

/** The hypotension answers in words, for the input check that compares them with the vasopressors listed. */
const HYPOTENSION_WORDS: Record<Hypotension, string> = {
  NONE: "none",
  NO_VASOPRESSOR: "not requiring vasopressors",
  ONE_VASOPRESSOR: "requiring one vasopressor",
  MULTIPLE_VASOPRESSORS: "requiring multiple vasopressors",
};
const PRESSOR_TEXT: Record<Vasopressor, string> = {
  NOREPINEPHRINE: "norepinephrine",
  EPINEPHRINE: "epinephrine",
  PHENYLEPHRINE: "phenylephrine",
  DOPAMINE: "dopamine",
  VASOPRESSIN: "vasopressin",
  ANGIOTENSIN_II: "angiotensin II",
};

/**
 * Vasopressor need from the list of agents. Lee 2019, Table 1: grade 3 is "a vasopressor with or
 * without vasopressin", grade 4 "multiple vasopressors (excluding vasopressin)", so vasopressin never
 * counts as a second agent. Vasopressin as the only agent is still a vasopressor requirement
 * (one vasopressor) — a platform decision, the table does not name that case.
 */
export function vasopressorNeed(agents: readonly Vasopressor[]): Exclude<Hypotension, "NONE"> {
  if (agents.length === 0) return "NO_VASOPRESSOR";
  const counted = agents.filter((a) => a !== "VASOPRESSIN").length;
  return counted >= 2 ? "MULTIPLE_VASOPRESSORS" : "ONE_VASOPRESSOR";
}

/** Lee 2019, Table 1, hypotension row: none → 0 (grade 1 needs none), fluids → 2, one → 3, multiple → 4. */
const HYPOTENSION_GRADE: Record<Hypotension, number> = {
  NONE: 0,
  NO_VASOPRESSOR: 2,
  ONE_VASOPRESSOR: 3,
  MULTIPLE_VASOPRESSORS: 4,
};

/**
 * Lee 2019, Table 1, hypoxia row: low-flow nasal cannula (≤ 6 L/min) or blow-by → 2; high-flow nasal
 * cannula (> 6 L/min), facemask, non-rebreather or Venturi mask → 3; positive pressure (CPAP, BiPAP,
 * intubation and mechanical ventilation) → 4.
 */
export function oxygenGrade(device: OxygenDevice, flowLpm: number | undefined): number {
  switch (device) {
    case "NONE":
      return 0;
    case "BLOW_BY":
      return 2;
    case "NASAL_CANNULA":
      return flowLpm !== undefined && flowLpm > LOW_FLOW_MAX_LPM ? 3 : 2;
    case "HFNC":
    case "FACEMASK":
    case "NON_REBREATHER":
    case "VENTURI":
      return 3;
    case "CPAP":
    case "BIPAP":
    case "INVASIVE_VENTILATION":
      return 4;
  }
}

const fmt = (n: number) => String(Number(n.toFixed(2)));

// A follow-up question (askedWhen) is asked exactly when the checks in superRefine below can need
// its answer: attribution of a fever ≥ 38.0 °C, of hypotension and of an oxygen need, and
// fever-masking therapy after CRS onset (Lee 2019, Table 1 and its footnotes).
export const CrsInput = z
  .strictObject({
    tempMaxC: z
      .number()
      .min(25)
      .max(45)
      .describe("Highest body temperature in the assessment period, °C (fever is ≥ 38.0 °C)"),
    feverOtherCause: z
      .boolean()
      .optional()
      .describe(
        "The fever is explained by another cause (e.g. documented infection); required when tempMaxC ≥ 38.0 °C",
      )
      .meta(askedWhen({ field: "tempMaxC", atLeast: FEVER_THRESHOLD_C })),
    crsAlreadyDiagnosed: z.boolean().describe("CRS was established earlier in this episode"),
    feverMaskingTherapyGiven: z
      .boolean()
      .optional()
      .describe(
        "An antipyretic or anti-cytokine therapy (tocilizumab, corticosteroids, …) was given after CRS onset; " +
          "required when crsAlreadyDiagnosed is true",
      )
      .meta(askedWhen({ field: "crsAlreadyDiagnosed", in: [true] })),
    hypotension: Hypotension,
    vasopressors: z
      .array(Vasopressor)
      .optional()
      .describe(
        "Optional: the vasopressor agents running; must agree with hypotension (vasopressin is not counted)",
      )
      .meta(askedWhen({ field: "hypotension", notIn: ["NONE"] })),
    hypotensionOtherCause: z
      .boolean()
      .optional()
      .describe("The hypotension is attributable to another cause; required when hypotension is not NONE")
      .meta(askedWhen({ field: "hypotension", notIn: ["NONE"] })),
    oxygenDevice: OxygenDevice,
    oxygenFlowLpm: z
      .number()
      .positive()
      .max(100)
      .optional()
      .describe("Oxygen flow, L/min; required for NASAL_CANNULA, not allowed with NONE")
      .meta(askedWhen({ field: "oxygenDevice", notIn: ["NONE"] })),
    hypoxiaOtherCause: z
      .boolean()
      .optional()
      .describe("The oxygen need is attributable to another cause; required when oxygenDevice is not NONE")
      .meta(askedWhen({ field: "oxygenDevice", notIn: ["NONE"] })),
    deathDueToCrs: z
      .boolean()
      .describe("Death due to CRS, with no other principal cause (grade 5); false for a living patient"),
  })
  .superRefine((v, ctx) => {
    // Each check has a stable code (the problem's issue code, errors.ts issueCode) that the web app
    // words in the reader's language (issue.rule.* in its catalogues; issue 11).
    const need = (path: string, message: string, code: CrsCheck) => ruleIssue(ctx, [path], message, code);
    if (v.tempMaxC >= FEVER_THRESHOLD_C && v.feverOtherCause === undefined)
      need(
        "feverOtherCause",
        `Required when the highest temperature is ${FEVER_TEXT} or more: say whether the fever is explained by another cause.`,
        "crs_fever_other_cause_required",
      );
    if (v.crsAlreadyDiagnosed && v.feverMaskingTherapyGiven === undefined)
      need(
        "feverMaskingTherapyGiven",
        "Required when CRS was already diagnosed in this episode: say whether antipyretic or anti-cytokine therapy was given since.",
        "crs_fever_masking_required",
      );
    if (!v.crsAlreadyDiagnosed && v.feverMaskingTherapyGiven === true)
      need(
        "feverMaskingTherapyGiven",
        "Fever-masking therapy counts only when given after CRS onset, but CRS is not recorded as diagnosed earlier in this episode.",
        "crs_fever_masking_without_crs",
      );
    if (v.hypotension !== "NONE" && v.hypotensionOtherCause === undefined)
      need(
        "hypotensionOtherCause",
        "Required when hypotension is recorded: say whether it is attributable to another cause.",
        "crs_hypotension_other_cause_required",
      );
    if (v.vasopressors !== undefined) {
      if (new Set(v.vasopressors).size !== v.vasopressors.length)
        need("vasopressors", "A vasopressor is listed twice.", "crs_vasopressor_twice");
      else if (v.hypotension === "NONE") {
        if (v.vasopressors.length > 0)
          need(
            "hypotension",
            "No hypotension is recorded, but vasopressors are listed.",
            "crs_vasopressors_without_hypotension",
          );
      } else {
        const derived = vasopressorNeed(v.vasopressors);
        if (derived !== v.hypotension)
          need(
            "hypotension",
            `Hypotension is recorded as ${HYPOTENSION_WORDS[v.hypotension]}, but the vasopressors listed ` +
              `(${v.vasopressors.map((x) => PRESSOR_TEXT[x]).join(", ") || "none"}) mean ${HYPOTENSION_WORDS[derived]}; ` +
              "vasopressin is not counted as a second vasopressor (Lee 2019).",
            "crs_hypotension_mismatch",
          );
      }
    }
    if (v.oxygenDevice === "NASAL_CANNULA" && v.oxygenFlowLpm === undefined)
      need(
        "oxygenFlowLpm",
        "Required for oxygen by nasal cannula (≤ 6 L/min is low-flow, > 6 high-flow).",
        "crs_nasal_cannula_flow_required",
      );
    if (v.oxygenDevice === "NONE" && v.oxygenFlowLpm !== undefined)
      need("oxygenFlowLpm", "An oxygen flow is given but no oxygen is recorded.", "crs_flow_without_oxygen");
    if (v.oxygenDevice === "HFNC" && v.oxygenFlowLpm !== undefined && v.oxygenFlowLpm <= LOW_FLOW_MAX_LPM)
      need(
        "oxygenFlowLpm",
        `HFNC is high-flow nasal cannula, > ${LOW_FLOW_MAX_LPM} L/min (Lee 2019); at ${fmt(v.oxygenFlowLpm)} L/min ` +
          "record a (low-flow) nasal cannula.",
        "crs_hfnc_low_flow",
      );
    if (v.oxygenDevice !== "NONE" && v.hypoxiaOtherCause === undefined)
      need(
        "hypoxiaOtherCause",
        "Required when oxygen is given: say whether the need is attributable to another cause.",
        "crs_hypoxia_other_cause_required",
      );
  });
export type CrsInput = z.output<typeof CrsInput>;

/** The codes of the CRS input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const CRS_CHECKS = [
  "crs_fever_other_cause_required",
  "crs_fever_masking_required",
  "crs_fever_masking_without_crs",
  "crs_hypotension_other_cause_required",
  "crs_vasopressor_twice",
  "crs_vasopressors_without_hypotension",
  "crs_hypotension_mismatch",
  "crs_nasal_cannula_flow_required",
  "crs_flow_without_oxygen",
  "crs_hfnc_low_flow",
  "crs_hypoxia_other_cause_required",
] as const;
export type CrsCheck = (typeof CRS_CHECKS)[number];

/**
 * The sentences of the CRS grade (decision 0041): code → English template. The catalogues of the
 * web app word the same codes in each language (reasons.crs.*).
 */
export const CRS_REASONS = reasonFamily(
  "crs",
  {
    // The result's label (one shape for every grade of the ASTCT family).
    "label.grade": "Grade {{grade}}",
    "fever.counted":
      "Fever: highest temperature {{temp}} °C ≥ {{threshold}} °C, not attributed to another cause.",
    "fever.otherCause":
      "Highest temperature {{temp}} °C ≥ {{threshold}} °C, but the fever is attributed to another cause: it does not count as CRS fever.",
    "fever.none": "No fever: highest temperature {{temp}} °C < {{threshold}} °C.",
    "fever.masked":
      "CRS already diagnosed and fever-masking therapy given: fever is no longer required; the grade is driven " +
      "by hypotension and hypoxia (Lee 2019, Table 1 footnote).",
    "grade5.death": "Grade 5: death due to CRS with no other principal cause.",
    "grade0.signWithoutFever":
      "Grade 0: {{sign, phrase}} without CRS fever is not CRS (ASTCT grading requires fever ≥ {{threshold}} °C " +
      "unless CRS was diagnosed and fever-masking therapy given); look for another cause.",
    "grade0.signsWithoutFever":
      "Grade 0: {{sign, phrase}} and {{sign2, phrase}} without CRS fever is not CRS (ASTCT grading requires " +
      "fever ≥ {{threshold}} °C unless CRS was diagnosed and fever-masking therapy given); look for another cause.",
    "grade0.noFever": "Grade 0: no CRS fever.",
    "grade0.maskedNoCriterion":
      "Grade 0: no fever after fever-masking therapy and no attributable hypotension or hypoxia, so no grade " +
      "criterion is met (Lee 2019, Table 1 footnote).",
    "hypotension.grade": "Grade {{grade}}: {{hypotension, phrase}}.",
    "hypotension.otherCause":
      "Hypotension ({{hypotension, phrase}}) is attributed to another cause and does not count.",
    "hypoxia.grade": "Grade {{grade}}: {{oxygen, phrase}}.",
    "hypoxia.otherCause":
      "Oxygen need ({{oxygen, phrase}}) is attributed to another cause and does not count.",
    worseSets:
      "The more severe event sets the grade: hypotension grade {{hypotensionGrade}}, hypoxia grade " +
      "{{hypoxiaGrade}} → grade {{grade}}.",
    "grade1.feverOnly": "Grade 1: fever without attributable hypotension or hypoxia.",
    "phrase.hypotension.noVasopressor": "hypotension not requiring vasopressors",
    "phrase.hypotension.one": "hypotension requiring one vasopressor",
    "phrase.hypotension.oneAgents": "hypotension requiring one vasopressor ({{agents, terms}})",
    "phrase.hypotension.oneWithVasopressin":
      "hypotension requiring one vasopressor ({{agents, terms}}); vasopressin is not counted as a second vasopressor",
    "phrase.hypotension.multiple": "hypotension requiring multiple vasopressors, vasopressin excluded",
    "phrase.hypotension.multipleAgents":
      "hypotension requiring multiple vasopressors, vasopressin excluded ({{agents, terms}})",
    "phrase.oxygen.nasalLowFlow": "low-flow oxygen (nasal cannula at {{flow}} L/min ≤ {{limit}} L/min)",
    "phrase.oxygen.nasalHighFlow": "high-flow oxygen (nasal cannula at {{flow}} L/min > {{limit}} L/min)",
    "phrase.oxygen.lowFlow": "low-flow oxygen ({{device, term}})",
    "phrase.oxygen.highFlowOrMask": "high-flow oxygen or mask ({{device, term}})",
    "phrase.oxygen.positivePressure": "positive-pressure support ({{device, term}})",
    "phrase.oxygen.by": "oxygen by {{device, term}}",
  },
  { oxygenDevice: DEVICE_TEXT, vasopressor: PRESSOR_TEXT },
);
const R = CRS_REASONS;

function hypotensionPhrase(v: CrsInput): Phrase {
  const agents = (v.vasopressors ?? []).map((a) => `vasopressor.${a}`);
  switch (v.hypotension) {
    case "NONE":
    case "NO_VASOPRESSOR":
      // NONE never reaches a sentence: every caller checks hypotension !== "NONE" first.
      return R.phrase("phrase.hypotension.noVasopressor");
    case "ONE_VASOPRESSOR":
      if (agents.length === 0) return R.phrase("phrase.hypotension.one");
      return v.vasopressors?.includes("VASOPRESSIN")
        ? R.phrase("phrase.hypotension.oneWithVasopressin", { agents })
        : R.phrase("phrase.hypotension.oneAgents", { agents });
    case "MULTIPLE_VASOPRESSORS":
      return agents.length === 0
        ? R.phrase("phrase.hypotension.multiple")
        : R.phrase("phrase.hypotension.multipleAgents", { agents });
  }
}

function oxygenPhrase(v: CrsInput, grade: number): Phrase {
  const device = `oxygenDevice.${v.oxygenDevice}`;
  if (v.oxygenDevice === "NASAL_CANNULA") {
    const flow = fmt(v.oxygenFlowLpm!);
    return grade === 3
      ? R.phrase("phrase.oxygen.nasalHighFlow", { flow, limit: LOW_FLOW_MAX_LPM })
      : R.phrase("phrase.oxygen.nasalLowFlow", { flow, limit: LOW_FLOW_MAX_LPM });
  }
  if (grade === 2) return R.phrase("phrase.oxygen.lowFlow", { device });
  if (grade === 3) return R.phrase("phrase.oxygen.highFlowOrMask", { device });
  return R.phrase("phrase.oxygen.positivePressure", { device });
}

export const crs = defineCalculator({
  name: "crs",
  title: "Cytokine release syndrome grade (ASTCT 2019)",
  source: LEE_2019,
  ruleSet: RULE_SET_ASTCT,
  ruleSetVersion: "1",
  input: CrsInput,
  evaluate(v) {
    const reasons: ReasonEntry[] = [];
    const febrile = v.tempMaxC >= FEVER_THRESHOLD_C;
    const crsFever = febrile && v.feverOtherCause === false;
    // Lee 2019, Table 1 footnote: once a patient with CRS has had antipyretic or anti-cytokine therapy,
    // fever is no longer required and the grade is driven by hypotension and/or hypoxia.
    const masked = v.crsAlreadyDiagnosed && v.feverMaskingTherapyGiven === true;
    const fever = { temp: fmt(v.tempMaxC), threshold: FEVER_THRESHOLD_TEXT };

    if (crsFever) reasons.push(R.say("fever.counted", fever));
    else if (febrile) reasons.push(R.say("fever.otherCause", fever));
    else reasons.push(R.say("fever.none", fever));
    if (masked) reasons.push(R.say("fever.masked"));

    const crsCriteria = crsFever || masked;
    const hypoGrade = v.hypotensionOtherCause ? 0 : HYPOTENSION_GRADE[v.hypotension];
    const oxyGrade = v.hypoxiaOtherCause ? 0 : oxygenGrade(v.oxygenDevice, v.oxygenFlowLpm);
    const details = { crsFever, feverMasked: masked, hypotensionGrade: hypoGrade, hypoxiaGrade: oxyGrade };

    if (v.deathDueToCrs) {
      if (!crsCriteria && !v.crsAlreadyDiagnosed)
        contradiction([
          {
            path: "/deathDueToCrs",
            message: "Death due to CRS is recorded, but CRS was never diagnosed and there is no CRS fever.",
          },
        ]);
      reasons.push(R.say("grade5.death"));
      return { value: 5, label: R.say("label.grade", { grade: 5 }), reasons, details };
    }

    if (!crsCriteria) {
      const signs: Phrase[] = [];
      if (v.hypotension !== "NONE") signs.push(hypotensionPhrase(v));
      if (v.oxygenDevice !== "NONE")
        signs.push(R.phrase("phrase.oxygen.by", { device: `oxygenDevice.${v.oxygenDevice}` }));
      const threshold = FEVER_THRESHOLD_TEXT;
      reasons.push(
        signs.length === 2
          ? R.say("grade0.signsWithoutFever", { sign: signs[0]!, sign2: signs[1]!, threshold })
          : signs.length === 1
            ? R.say("grade0.signWithoutFever", { sign: signs[0]!, threshold })
            : R.say("grade0.noFever"),
      );
      return { value: 0, label: R.say("label.grade", { grade: 0 }), reasons, details };
    }

    if (v.hypotension !== "NONE") {
      const hypotension = hypotensionPhrase(v);
      reasons.push(
        v.hypotensionOtherCause
          ? R.say("hypotension.otherCause", { hypotension })
          : R.say("hypotension.grade", { grade: hypoGrade, hypotension }),
      );
    }
    if (v.oxygenDevice !== "NONE") {
      const g = oxygenGrade(v.oxygenDevice, v.oxygenFlowLpm);
      const oxygen = oxygenPhrase(v, g);
      reasons.push(
        v.hypoxiaOtherCause
          ? R.say("hypoxia.otherCause", { oxygen })
          : R.say("hypoxia.grade", { grade: g, oxygen }),
      );
    }

    // Grade 1 is fever with neither hypotension nor hypoxia (Lee 2019, Table 1). After fever-masking
    // therapy without fever, only hypotension/hypoxia drive the grade, so with neither no grade is met.
    const grade = Math.max(crsFever ? 1 : 0, hypoGrade, oxyGrade);
    if (hypoGrade > 0 && oxyGrade > 0 && hypoGrade !== oxyGrade)
      reasons.push(R.say("worseSets", { hypotensionGrade: hypoGrade, hypoxiaGrade: oxyGrade, grade }));
    if (grade === 1) reasons.push(R.say("grade1.feverOnly"));
    if (grade === 0) reasons.push(R.say("grade0.maskedNoCriterion"));
    return { value: grade, label: R.say("label.grade", { grade }), reasons, details };
  },
});
