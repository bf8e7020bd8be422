/**
 * CTCAE v5.0 grades for the haematology laboratory terms a CAR-T program follows: neutrophil count
 * decreased, platelet count decreased, anaemia, lymphocyte count decreased, white blood cell
 * decreased and febrile neutropenia. One input object, each term optional (at least one given);
 * the result carries a grade per term given and the worst of them.
 *
 * Units are fixed per field and named in the field: cell counts in cells/µL (= cells/mm³;
 * 1 × 10⁹/L = 1000 cells/µL), haemoglobin in g/dL, temperature in °C.
 *
 * Reading CTCAE ranges (NCI CTCAE v5.0): "<1500 – 1000" means 1000 ≤ x < 1500, and "<LLN – 1500"
 * means 1500 ≤ x < LLN. The fixed thresholds are tested first and the laboratory's lower limit of
 * normal (LLN) last, so an LLN below a fixed threshold never changes grades 2–4 (reference notes
 * §3.1, example CT-4). The LLN is needed only when the value is at or above the grade-2 threshold,
 * and is then required: grade 1 is never decided with a hard-coded LLN.
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type Phrase, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { type CalculatorWarning, contradiction, defineCalculator } from "../calculator.ts";
import { countUnitWarnings } from "./count-units.ts";
import { CTCAE_V5, num, RULE_SET_CTCAE } from "./sources.ts";

type Grade = 0 | 1 | 2 | 3 | 4 | 5;

/** A count term: fixed "count < limit → grade" bands, most severe first, then "< LLN → 1". */
interface CountTerm {
  key: "neutrophils" | "platelets" | "lymphocytes" | "whiteBloodCells";
  term: string;
  analyte: string;
  /** count < below → grade; ordered from the most severe band */
  bands: ReadonlyArray<{ below: number; grade: 2 | 3 | 4 }>;
}

/*
 * CTCAE v5.0, Investigations (NCI 2017):
 * - Neutrophil count decreased: G1 <LLN–1500/mm³; G2 <1500–1000; G3 <1000–500; G4 <500.
 * - Platelet count decreased:   G1 <LLN–75,000/mm³; G2 <75,000–50,000; G3 <50,000–25,000; G4 <25,000.
 * - Lymphocyte count decreased: G1 <LLN–800/mm³; G2 <800–500; G3 <500–200; G4 <200.
 * - White blood cell decreased: G1 <LLN–3000/mm³; G2 <3000–2000; G3 <2000–1000; G4 <1000.
 * None of these terms has a grade 5.
 */
const COUNT_TERMS: readonly CountTerm[] = [
  {
    key: "neutrophils",
    term: "Neutrophil count decreased",
    analyte: "ANC",
    bands: [
      { below: 500, grade: 4 },
      { below: 1000, grade: 3 },
      { below: 1500, grade: 2 },
    ],
  },
  {
    key: "platelets",
    term: "Platelet count decreased",
    analyte: "platelets",
    bands: [
      { below: 25_000, grade: 4 },
      { below: 50_000, grade: 3 },
      { below: 75_000, grade: 2 },
    ],
  },
  {
    key: "lymphocytes",
    term: "Lymphocyte count decreased",
    analyte: "lymphocytes",
    bands: [
      { below: 200, grade: 4 },
      { below: 500, grade: 3 },
      { below: 800, grade: 2 },
    ],
  },
  {
    key: "whiteBloodCells",
    term: "White blood cell decreased",
    analyte: "WBC",
    bands: [
      { below: 1000, grade: 4 },
      { below: 2000, grade: 3 },
      { below: 3000, grade: 2 },
    ],
  },
];

/*
 * CTCAE v5.0, Blood and lymphatic system disorders, Anemia: G1 Hgb <LLN–10.0 g/dL; G2 <10.0–8.0 g/dL;
 * G3 <8.0 g/dL, transfusion indicated; G4 life-threatening consequences, urgent intervention
 * indicated; G5 death.
 */
const HB_G2_BELOW = 10.0;
const HB_G3_BELOW = 8.0;

/*
 * CTCAE v5.0, Blood and lymphatic system disorders, Febrile neutropenia: G3 "ANC <1000/mm³ with a
 * single temperature of >38.3 °C (101 °F) or a sustained temperature of ≥38 °C (100.4 °F) for more
 * than one hour"; G4 life-threatening consequences, urgent intervention indicated; G5 death.
 * There are no grades 1–2.
 */
const FN_ANC_BELOW = 1000;
const FN_SINGLE_TEMP_ABOVE_C = 38.3;
const FN_SUSTAINED_TEMP_AT_LEAST_C = 38.0;
const FN_SUSTAINED_MORE_THAN_MIN = 60;

const cellsPerUL = (what: string) =>
  z.number().min(0).max(10_000_000).describe(`${what}, in cells/µL (= cells/mm³; 1 × 10⁹/L = 1000 cells/µL)`);
const llnCellsPerUL = (what: string) =>
  z
    .number()
    .positive()
    .max(10_000_000)
    .describe(
      `The laboratory's lower limit of normal for ${what}, in cells/µL. Required when the count is at ` +
        "or above the grade-2 threshold (grade 1 depends on it).",
    );

const countTermSchema = (what: string) =>
  z.strictObject({
    countCellsPerUL: cellsPerUL(what),
    llnCellsPerUL: llnCellsPerUL(what).optional(),
  });

const AnemiaInput = z
  .strictObject({
    hemoglobinGPerDL: z
      .number()
      .min(0)
      .max(25, "Haemoglobin above 25 g/dL: this field is in g/dL (was it entered in g/L?)")
      .describe("Haemoglobin in g/dL (g/L ÷ 10; mmol/L ÷ 0.6206)"),
    llnGPerDL: z
      .number()
      .positive()
      .max(25, "LLN above 25 g/dL: this field is in g/dL (was it entered in g/L?)")
      .optional()
      .describe(
        "The laboratory's lower limit of normal for haemoglobin, in g/dL. Required when Hb ≥ 10.0 g/dL.",
      ),
    transfusionIndicated: z
      .boolean()
      .optional()
      .describe("Red-cell transfusion indicated (CTCAE anaemia grade 3). Omit only if not assessed."),
    lifeThreateningConsequences: z
      .boolean()
      .optional()
      .describe(
        "Life-threatening consequences, urgent intervention indicated (grade 4). Omit only if not assessed.",
      ),
    death: z.boolean().optional().describe("Death due to anaemia (grade 5). Omit only if not assessed."),
  })
  .describe("Anaemia (CTCAE v5.0)");

const FebrileNeutropeniaInput = z
  .strictObject({
    ancCellsPerUL: cellsPerUL("Absolute neutrophil count at the febrile episode"),
    maxTemperatureC: z
      .number()
      .min(25)
      .max(45, "Temperature above 45 °C: this field is in °C (was it entered in °F?)")
      .describe("Highest single temperature reading of the episode, in °C"),
    longestSpellAtOrAbove38CMinutes: z
      .number()
      .min(0)
      .max(100_000)
      .optional()
      .describe(
        "Longest continuous time with temperature ≥ 38.0 °C, in minutes. Required when the highest " +
          "reading is between 38.0 and 38.3 °C inclusive (the sustained-fever criterion decides).",
      ),
    lifeThreateningConsequences: z
      .boolean()
      .optional()
      .describe(
        "Life-threatening consequences, urgent intervention indicated (grade 4). Omit only if not assessed.",
      ),
    death: z
      .boolean()
      .optional()
      .describe("Death due to febrile neutropenia (grade 5). Omit only if not assessed."),
  })
  .describe("Febrile neutropenia (CTCAE v5.0)");

const TERM_KEYS = [
  "neutrophils",
  "platelets",
  "anemia",
  "lymphocytes",
  "whiteBloodCells",
  "febrileNeutropenia",
] as const;
type TermKey = (typeof TERM_KEYS)[number];

const TERM_NAMES: Record<TermKey, string> = {
  neutrophils: "Neutrophil count decreased",
  platelets: "Platelet count decreased",
  anemia: "Anemia",
  lymphocytes: "Lymphocyte count decreased",
  whiteBloodCells: "White blood cell decreased",
  febrileNeutropenia: "Febrile neutropenia",
};

export const CtcaeHematologyInput = z
  .strictObject({
    neutrophils: countTermSchema("Absolute neutrophil count (ANC)").optional(),
    platelets: countTermSchema("Platelet count").optional(),
    anemia: AnemiaInput.optional(),
    lymphocytes: countTermSchema("Absolute lymphocyte count").optional(),
    whiteBloodCells: countTermSchema("White blood cell count").optional(),
    febrileNeutropenia: FebrileNeutropeniaInput.optional(),
  })
  .superRefine((v, ctx) => {
    if (TERM_KEYS.every((k) => v[k] === undefined))
      ruleIssue(
        ctx,
        [],
        `Give at least one term to grade: ${TERM_KEYS.map((k) => TERM_NAMES[k].toLowerCase()).join(", ")}.`,
        "ctcae_no_term" satisfies CtcaeCheck,
      );
    for (const t of COUNT_TERMS) {
      const x = v[t.key];
      const g2 = t.bands[t.bands.length - 1]!.below;
      if (x && x.countCellsPerUL >= g2 && x.llnCellsPerUL === undefined)
        ruleIssue(
          ctx,
          [t.key, "llnCellsPerUL"],
          `${t.analyte.charAt(0).toUpperCase()}${t.analyte.slice(1)} ${num(x.countCellsPerUL)} cells/µL is ≥ ${num(g2)}: grade 0 or 1 depends on the laboratory LLN, which is missing`,
          "ctcae_lln_required" satisfies CtcaeCheck,
        );
    }
    if (v.anemia && v.anemia.hemoglobinGPerDL >= HB_G2_BELOW && v.anemia.llnGPerDL === undefined) {
      const clinicalGradeGiven =
        v.anemia.transfusionIndicated || v.anemia.lifeThreateningConsequences || v.anemia.death;
      if (!clinicalGradeGiven)
        ruleIssue(
          ctx,
          ["anemia", "llnGPerDL"],
          `Hb ${num(v.anemia.hemoglobinGPerDL)} g/dL is ≥ 10.0: grade 0 or 1 depends on the laboratory LLN, which is missing`,
          "ctcae_hb_lln_required" satisfies CtcaeCheck,
        );
    }
    const fn = v.febrileNeutropenia;
    if (fn) {
      const t = fn.maxTemperatureC;
      const minutes = fn.longestSpellAtOrAbove38CMinutes;
      if (t >= FN_SUSTAINED_TEMP_AT_LEAST_C && t <= FN_SINGLE_TEMP_ABOVE_C && minutes === undefined)
        ruleIssue(
          ctx,
          ["febrileNeutropenia", "longestSpellAtOrAbove38CMinutes"],
          `Highest temperature ${num(t)} °C is between 38.0 and 38.3 °C: the duration at ≥ 38.0 °C decides, and it is missing`,
          "ctcae_fn_duration_required" satisfies CtcaeCheck,
        );
      if (t < FN_SUSTAINED_TEMP_AT_LEAST_C && minutes !== undefined && minutes > 0)
        ruleIssue(
          ctx,
          ["febrileNeutropenia", "longestSpellAtOrAbove38CMinutes"],
          `A spell at ≥ 38.0 °C cannot last ${num(minutes)} min when the highest reading is ${num(t)} °C`,
          "ctcae_fn_spell_impossible" satisfies CtcaeCheck,
        );
    }
  });

export type CtcaeHematologyInput = z.output<typeof CtcaeHematologyInput>;

/**
 * The codes of the CTCAE input checks (the problem's issue codes, errors.ts issueCode); worded
 * under issue.rule.* in the web catalogues (issue 11).
 */
export const CTCAE_CHECKS = [
  "ctcae_no_term",
  "ctcae_lln_required",
  "ctcae_hb_lln_required",
  "ctcae_fn_duration_required",
  "ctcae_fn_spell_impossible",
] as const;
type CtcaeCheck = (typeof CTCAE_CHECKS)[number];

export interface CtcaeHematologyValue {
  neutrophils?: Grade;
  platelets?: Grade;
  anemia?: Grade;
  lymphocytes?: Grade;
  whiteBloodCells?: Grade;
  febrileNeutropenia?: Grade;
  /** the highest grade over the terms given */
  worst: Grade;
  /** the input keys of the terms that reach the worst grade (empty when every term is grade 0) */
  worstTerms: TermKey[];
}

/**
 * The sentences of the CTCAE haematology grades (decision 0041): code → English template; the web
 * catalogues word them under reasons.ctcae.* (the Chinese with the CTCAE v5.0 Chinese term names).
 */
export const CTCAE_REASONS = reasonFamily(
  "ctcae",
  {
    "label.none": "Grade 0 in every term given",
    "label.worst": "Worst grade {{grade}} ({{terms, termlist}})",
    "count.lowestBand":
      "{{term, term}} grade {{grade}}: {{analyte, term}} {{count}} cells/µL is < {{below}} cells/µL (CTCAE v5.0).",
    "count.band":
      "{{term, term}} grade {{grade}}: {{analyte, term}} {{count}} cells/µL is < {{below}} and ≥ {{lower}} cells/µL (CTCAE v5.0).",
    "count.grade1":
      "{{term, term}} grade 1: {{analyte, term}} {{count}} cells/µL is < LLN {{lln}} and ≥ {{g2}} cells/µL (CTCAE v5.0).",
    "count.grade0":
      "{{term, term}} grade 0: {{analyte, term}} {{count}} cells/µL is not below the LLN {{lln}} cells/µL.",
    "anemia.grade3": "Anemia grade 3: Hb {{hb}} g/dL is < 8.0 g/dL (CTCAE v5.0).",
    "anemia.grade2": "Anemia grade 2: Hb {{hb}} g/dL is < 10.0 and ≥ 8.0 g/dL (CTCAE v5.0).",
    "anemia.grade1": "Anemia grade 1: Hb {{hb}} g/dL is < LLN {{lln}} and ≥ 10.0 g/dL (CTCAE v5.0).",
    "anemia.grade0": "Anemia grade 0 by Hb: {{hb}} g/dL is not below the LLN {{lln}} g/dL.",
    "anemia.noLln":
      "Anemia: Hb {{hb}} g/dL is ≥ 10.0 g/dL (LLN not given; the clinical criteria below decide).",
    "anemia.transfusion": "Anemia grade 3: transfusion indicated (CTCAE v5.0).",
    "anemia.lifeThreatening":
      "Anemia grade 4: life-threatening consequences, urgent intervention indicated (CTCAE v5.0).",
    "anemia.death": "Anemia grade 5: death (CTCAE v5.0).",
    "anemia.notAssessed":
      "Anemia: clinical criteria not assessed ({{criteria, termlist}}); the grade rests on the laboratory value " +
      "and any criteria given.",
    "fn.notMet.anc": "Febrile neutropenia: criteria not met (ANC {{anc}} cells/µL is not < 1000 cells/µL).",
    "fn.notMet.ancAndFever":
      "Febrile neutropenia: criteria not met (ANC {{anc}} cells/µL is not < 1000 cells/µL, and {{fever, phrase}}).",
    "fn.notMet.fever": "Febrile neutropenia: criteria not met ({{fever, phrase}}).",
    "fn.grade3":
      "Febrile neutropenia grade 3: ANC {{anc}} cells/µL < 1000 cells/µL with {{fever, phrase}} (CTCAE v5.0).",
    "fn.grade4": "Febrile neutropenia grade 4: life-threatening consequences, urgent intervention indicated.",
    "fn.grade5": "Febrile neutropenia grade 5: death.",
    "phrase.fever.single": "a single temperature of {{temp}} °C > 38.3 °C",
    "phrase.fever.sustained": "a sustained temperature ≥ 38.0 °C for {{minutes}} min (> 60 min)",
    "phrase.fever.noneWithSpell":
      "no fever criterion (highest {{temp}} °C is not > 38.3 °C, and {{minutes}} min at ≥ 38.0 °C is not more than 60 min)",
    "phrase.fever.none":
      "no fever criterion (highest {{temp}} °C is not > 38.3 °C, and never ≥ 38.0 °C for more than 60 min)",
  },
  {
    ctcaeTerm: Object.fromEntries(COUNT_TERMS.map((t) => [t.key, t.term])),
    ctcaeAnalyte: Object.fromEntries(COUNT_TERMS.map((t) => [t.key, t.analyte])),
    // Every term the form grades, as the result's label names the worst.
    ctcaeGradedTerm: TERM_NAMES,
    // CTCAE v5 anaemia grades 3–5 in its own words, not the input's field names (issue 11).
    anemiaCriterion: {
      transfusionIndicated: "transfusion indicated",
      lifeThreateningConsequences: "life-threatening consequences",
      death: "death",
    },
  },
);
const R = CTCAE_REASONS;

function gradeCountTerm(
  t: CountTerm,
  count: number,
  lln: number | undefined,
): { grade: Grade; reason: ReasonEntry } {
  const c = num(count);
  const named = { term: `ctcaeTerm.${t.key}`, analyte: `ctcaeAnalyte.${t.key}`, count: c };
  for (let i = 0; i < t.bands.length; i++) {
    const band = t.bands[i]!;
    if (count < band.below) {
      const lower = t.bands[i - 1]?.below;
      const at = { ...named, grade: band.grade, below: num(band.below) };
      return {
        grade: band.grade,
        reason:
          lower === undefined
            ? R.say("count.lowestBand", at)
            : R.say("count.band", { ...at, lower: num(lower) }),
      };
    }
  }
  const g2 = t.bands[t.bands.length - 1]!.below;
  // lln is present here: the schema requires it at or above the grade-2 threshold.
  const l = lln as number;
  if (count < l)
    return {
      grade: 1,
      reason: R.say("count.grade1", { ...named, lln: num(l), g2: num(g2) }),
    };
  return {
    grade: 0,
    reason: R.say("count.grade0", { ...named, lln: num(l) }),
  };
}

function gradeAnemia(a: z.output<typeof AnemiaInput>): { grade: Grade; reasons: ReasonEntry[] } {
  const hb = a.hemoglobinGPerDL;
  const reasons: ReasonEntry[] = [];
  const hbText = num(hb);
  let grade: Grade;
  if (hb < HB_G3_BELOW) {
    grade = 3;
    reasons.push(R.say("anemia.grade3", { hb: hbText }));
  } else if (hb < HB_G2_BELOW) {
    grade = 2;
    reasons.push(R.say("anemia.grade2", { hb: hbText }));
  } else if (a.llnGPerDL !== undefined && hb < a.llnGPerDL) {
    grade = 1;
    reasons.push(R.say("anemia.grade1", { hb: hbText, lln: num(a.llnGPerDL) }));
  } else {
    grade = 0;
    reasons.push(
      a.llnGPerDL !== undefined
        ? R.say("anemia.grade0", { hb: hbText, lln: num(a.llnGPerDL) })
        : R.say("anemia.noLln", { hb: hbText }),
    );
  }
  if (a.transfusionIndicated && grade < 3) {
    grade = 3;
    reasons.push(R.say("anemia.transfusion"));
  }
  if (a.lifeThreateningConsequences && grade < 4) {
    grade = 4;
    reasons.push(R.say("anemia.lifeThreatening"));
  }
  if (a.death) {
    grade = 5;
    reasons.push(R.say("anemia.death"));
  }
  const notAssessed = (
    [
      ["transfusionIndicated", a.transfusionIndicated],
      ["lifeThreateningConsequences", a.lifeThreateningConsequences],
      ["death", a.death],
    ] as const
  )
    .filter(([, x]) => x === undefined)
    .map(([k]) => `anemiaCriterion.${k}`);
  if (notAssessed.length > 0 && grade < 5)
    reasons.push(R.say("anemia.notAssessed", { criteria: notAssessed }));
  return { grade, reasons };
}

function gradeFebrileNeutropenia(fn: z.output<typeof FebrileNeutropeniaInput>): {
  grade: Grade;
  reasons: ReasonEntry[];
} {
  const anc = fn.ancCellsPerUL;
  const t = fn.maxTemperatureC;
  const minutes = fn.longestSpellAtOrAbove38CMinutes ?? 0;
  const ancMet = anc < FN_ANC_BELOW;
  const singleMet = t > FN_SINGLE_TEMP_ABOVE_C;
  const sustainedMet = t >= FN_SUSTAINED_TEMP_AT_LEAST_C && minutes > FN_SUSTAINED_MORE_THAN_MIN;
  const temp = num(t);
  const fever: Phrase = singleMet
    ? R.phrase("phrase.fever.single", { temp })
    : sustainedMet
      ? R.phrase("phrase.fever.sustained", { minutes: num(minutes) })
      : fn.longestSpellAtOrAbove38CMinutes !== undefined && t >= FN_SUSTAINED_TEMP_AT_LEAST_C
        ? R.phrase("phrase.fever.noneWithSpell", { temp, minutes: num(minutes) })
        : R.phrase("phrase.fever.none", { temp });
  const met = ancMet && (singleMet || sustainedMet);
  if (!met) {
    if (fn.lifeThreateningConsequences || fn.death)
      contradiction([
        {
          path: fn.death ? "/febrileNeutropenia/death" : "/febrileNeutropenia/lifeThreateningConsequences",
          message:
            "Grade 4–5 febrile neutropenia was given, but the ANC and temperature given do not meet the CTCAE definition of febrile neutropenia",
          code: "contradiction",
        },
      ]);
    const why = !ancMet
      ? singleMet || sustainedMet
        ? R.say("fn.notMet.anc", { anc: num(anc) })
        : R.say("fn.notMet.ancAndFever", { anc: num(anc), fever })
      : R.say("fn.notMet.fever", { fever });
    return { grade: 0, reasons: [why] };
  }
  const reasons: ReasonEntry[] = [R.say("fn.grade3", { anc: num(anc), fever })];
  let grade: Grade = 3;
  if (fn.lifeThreateningConsequences) {
    grade = 4;
    reasons.push(R.say("fn.grade4"));
  }
  if (fn.death) {
    grade = 5;
    reasons.push(R.say("fn.grade5"));
  }
  return { grade, reasons };
}

export const ctcaeHematology = defineCalculator({
  name: "ctcae-hematology",
  title: "CTCAE v5.0 haematology grades",
  source: CTCAE_V5,
  ruleSet: RULE_SET_CTCAE,
  ruleSetVersion: "1",
  input: CtcaeHematologyInput,
  warn(input) {
    const warnings: CalculatorWarning[] = [];
    for (const t of COUNT_TERMS) {
      const x = input[t.key];
      if (!x) continue;
      warnings.push(
        ...countUnitWarnings(
          t.key === "platelets" ? "platelets" : "leukocytes",
          t.analyte,
          { value: x.countCellsPerUL, path: `/${t.key}/countCellsPerUL` },
          x.llnCellsPerUL === undefined
            ? undefined
            : { value: x.llnCellsPerUL, path: `/${t.key}/llnCellsPerUL` },
        ),
      );
    }
    if (input.febrileNeutropenia)
      warnings.push(
        ...countUnitWarnings("leukocytes", "ANC", {
          value: input.febrileNeutropenia.ancCellsPerUL,
          path: "/febrileNeutropenia/ancCellsPerUL",
        }),
      );
    return warnings;
  },
  evaluate(input) {
    const value: CtcaeHematologyValue = { worst: 0, worstTerms: [] };
    const reasons: ReasonEntry[] = [];
    for (const key of TERM_KEYS) {
      let r: { grade: Grade; reasons: ReasonEntry[] } | undefined;
      if (key === "anemia") {
        if (input.anemia) r = gradeAnemia(input.anemia);
      } else if (key === "febrileNeutropenia") {
        if (input.febrileNeutropenia) r = gradeFebrileNeutropenia(input.febrileNeutropenia);
      } else {
        const x = input[key];
        const t = COUNT_TERMS.find((c) => c.key === key)!;
        if (x) {
          const g = gradeCountTerm(t, x.countCellsPerUL, x.llnCellsPerUL);
          r = { grade: g.grade, reasons: [g.reason] };
        }
      }
      if (!r) continue;
      value[key] = r.grade;
      reasons.push(...r.reasons);
    }
    const given = TERM_KEYS.filter((k) => value[k] !== undefined);
    const worst = Math.max(...given.map((k) => value[k] as number)) as Grade;
    value.worst = worst;
    value.worstTerms = worst === 0 ? [] : given.filter((k) => value[k] === worst);
    const label =
      worst === 0
        ? R.say("label.none")
        : R.say("label.worst", { grade: worst, terms: value.worstTerms.map((k) => `ctcaeGradedTerm.${k}`) });
    return { value, label, reasons, details: { termsGraded: given.length } };
  },
});
