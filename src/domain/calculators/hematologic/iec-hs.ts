/**
 * IEC-HS screen — immune effector cell–associated HLH-like syndrome (Hines et al., ASTCT,
 * Transplant Cell Ther 2023). A hyperinflammatory syndrome distinct from CRS and ICANS, attributable
 * to the IEC therapy, typically starting as CRS resolves (or as inflammation worsens after initial
 * improvement), with new or worsening cytopenias, hyperferritinaemia, coagulopathy with
 * hypofibrinogenaemia and/or transaminitis.
 *
 * This calculator computes the screening flags of the reference notes (§3.5) from the values given
 * and says whether the screen is positive. The diagnosis is adjudicated by a clinician, and so is
 * the grade: it is taken as `clinicianGrade` (1–5, descriptors below) and echoed, never inferred.
 *
 * Screen positive = FERRITIN_HIGH and TIMING and at least one of TRANSAMINASES,
 * HYPOFIBRINOGENAEMIA, CYTOPENIA_NEW_OR_WORSE, HEMOPHAGOCYTOSIS.
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type Phrase, type Reason, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { HINES_2023, num, RULE_SET_IEC_HS } from "./sources.ts";

/*
 * Hines 2023, diagnostic criteria as summarised in the reference notes §3.5 (tables marked [K] there;
 * see README for what could be checked):
 * - ferritin > 2 × ULN or baseline (at infusion), and/or rapidly rising (clinical assessment).
 *   Reference = ULN when the baseline is ≤ ULN, the baseline when it is already above ULN
 *   [D: reading of "> 2 × ULN or baseline"].
 * - transaminases > 5 × ULN (normal baseline) or > 5 × baseline (abnormal baseline);
 * - fibrinogen < 150 mg/dL or < LLN;
 * - new or worsening cytopenias; haemophagocytosis in marrow or tissue.
 */
const FERRITIN_MULTIPLE = 2;
const TRANSAMINASE_MULTIPLE = 5;
const FIBRINOGEN_BELOW_MG_PER_DL = 150;

/* Hines 2023 grading (clinician-selected; mirrors CTCAE), reference notes §3.5 [K]. */
const GRADE_DESCRIPTORS: Record<1 | 2 | 3 | 4 | 5, string> = {
  1: "asymptomatic or mild; no treatment needed",
  2: "mild to moderate symptoms needing intervention (e.g. IEC-HS-directed immunosuppression, or transfusion for asymptomatic hypofibrinogenaemia)",
  3: "severe or medically significant but not immediately life-threatening (e.g. coagulopathy with bleeding needing transfusion, or hospitalisation for organ dysfunction)",
  4: "life-threatening (e.g. life-threatening bleeding or hypotension, respiratory failure needing ventilatory support, AKI needing dialysis)",
  5: "death",
};

const SUPPORTIVE = [
  "LDH_RAISED",
  "COAGULOPATHY_PT_APTT",
  "HYPERBILIRUBINAEMIA",
  "FASTING_TRIGLYCERIDES_ABOVE_265_MG_DL",
  "SPLENOMEGALY",
] as const;

const transaminase = (name: string) =>
  z
    .strictObject({
      valueUPerL: z.number().min(0).max(100_000).describe(`${name} now, in U/L`),
      ulnUPerL: z
        .number()
        .positive()
        .max(10_000)
        .describe(`The laboratory's upper limit of normal for ${name}, in U/L`),
      baselineUPerL: z
        .number()
        .min(0)
        .max(100_000)
        .describe(
          `${name} at baseline (before infusion), in U/L: decides whether 5 × ULN or 5 × baseline applies`,
        ),
    })
    .optional()
    .describe(`${name}; omit if not measured`);

export const IecHsInput = z
  .strictObject({
    ferritinNgPerML: z
      .number()
      .min(0)
      .max(10_000_000)
      .describe("Ferritin now (or peak of the episode), in ng/mL"),
    ferritinUlnNgPerML: z
      .number()
      .positive()
      .max(10_000)
      .optional()
      .describe(
        "The laboratory's upper limit of normal for ferritin, in ng/mL. Required unless ferritin is rising rapidly.",
      ),
    ferritinBaselineNgPerML: z
      .number()
      .min(0)
      .max(10_000_000)
      .optional()
      .describe("Ferritin at the time of infusion, in ng/mL. Required unless ferritin is rising rapidly."),
    ferritinRisingRapidly: z.boolean().describe("Ferritin rising rapidly, by clinical assessment"),
    onsetWithResolvingCrsOrWorseningAfterImprovement: z
      .boolean()
      .describe(
        "Timing: onset as CRS resolves, or inflammation worsening after initial improvement with CRS-directed therapy",
      ),
    alt: transaminase("ALT"),
    ast: transaminase("AST"),
    fibrinogen: z
      .strictObject({
        valueMgPerDL: z
          .number()
          .min(
            10,
            "Fibrinogen below 10 mg/dL: this field is in mg/dL (was it entered in g/L? 1 g/L = 100 mg/dL)",
          )
          .max(2000)
          .describe("Fibrinogen in mg/dL (g/L × 100)"),
        llnMgPerDL: z
          .number()
          .positive()
          .max(1000)
          .optional()
          .describe(
            "The laboratory's lower limit of normal for fibrinogen, in mg/dL. Required when fibrinogen ≥ 150 mg/dL.",
          ),
      })
      .optional()
      .describe("Fibrinogen; omit if not measured"),
    cytopeniaNewOrWorsening: z
      .boolean()
      .describe("New-onset, worsening or refractory cytopenia (clinician judgement or a rising CTCAE grade)"),
    hemophagocytosis: z
      .enum(["PRESENT", "ABSENT", "NOT_ASSESSED"])
      .describe("Haemophagocytosis in bone marrow or other tissue (pathology)"),
    supportiveFeatures: z
      .array(z.enum(SUPPORTIVE))
      .optional()
      .describe("Supportive findings present (reported; they do not decide the screen)"),
    clinicianGrade: z
      .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)])
      .optional()
      .describe(
        "IEC-HS grade adjudicated by the clinician: " +
          Object.entries(GRADE_DESCRIPTORS)
            .map(([g, d]) => `${g} = ${d}`)
            .join("; "),
      ),
  })
  .superRefine((v, ctx) => {
    if (!v.ferritinRisingRapidly) {
      if (v.ferritinUlnNgPerML === undefined)
        ruleIssue(
          ctx,
          ["ferritinUlnNgPerML"],
          "Ferritin ULN is required to judge '> 2 × ULN or baseline' when ferritin is not rising rapidly",
          "iec_hs_ferritin_uln_required" satisfies IecHsCheck,
        );
      if (v.ferritinBaselineNgPerML === undefined)
        ruleIssue(
          ctx,
          ["ferritinBaselineNgPerML"],
          "Baseline ferritin is required to judge '> 2 × ULN or baseline' when ferritin is not rising rapidly",
          "iec_hs_ferritin_baseline_required" satisfies IecHsCheck,
        );
    } else if ((v.ferritinUlnNgPerML === undefined) !== (v.ferritinBaselineNgPerML === undefined)) {
      const missing = v.ferritinUlnNgPerML === undefined ? "ferritinUlnNgPerML" : "ferritinBaselineNgPerML";
      ruleIssue(
        ctx,
        [missing],
        "Give both ferritin ULN and baseline (or neither, when ferritin is rising rapidly)",
        "iec_hs_ferritin_both" satisfies IecHsCheck,
      );
    }
    if (
      v.fibrinogen &&
      v.fibrinogen.valueMgPerDL >= FIBRINOGEN_BELOW_MG_PER_DL &&
      v.fibrinogen.llnMgPerDL === undefined
    )
      ruleIssue(
        ctx,
        ["fibrinogen", "llnMgPerDL"],
        `Fibrinogen ${num(v.fibrinogen.valueMgPerDL)} mg/dL is ≥ 150: '< LLN' decides, and the LLN is missing`,
        "iec_hs_fibrinogen_lln_required" satisfies IecHsCheck,
      );
    if (v.supportiveFeatures && new Set(v.supportiveFeatures).size !== v.supportiveFeatures.length)
      ruleIssue(
        ctx,
        ["supportiveFeatures"],
        "A supportive feature is listed twice",
        "iec_hs_feature_twice" satisfies IecHsCheck,
      );
  });

export type IecHsInput = z.output<typeof IecHsInput>;

type Flag =
  | "FERRITIN_HIGH"
  | "TIMING"
  | "TRANSAMINASES"
  | "HYPOFIBRINOGENAEMIA"
  | "CYTOPENIA_NEW_OR_WORSE"
  | "HEMOPHAGOCYTOSIS";

export interface IecHsValue {
  screenPositive: boolean;
  /** the clinician-adjudicated grade when given, else null */
  grade: 1 | 2 | 3 | 4 | 5 | null;
  flags: Flag[];
}

/**
 * The sentences of the IEC-HS screen (decision 0041); the web catalogues word them under
 * reasons.iecHs.*. Flags and supportive features are quoted by their codes in English (as before
 * codes existed) and worded in the catalogues' other languages.
 */
export const IEC_HS_REASONS = reasonFamily(
  "iecHs",
  {
    // The result's label, coded like the reasons (decision 0041).
    "label.positive": "IEC-HS screen positive",
    "label.negative": "IEC-HS screen negative",
    "label.positiveGraded": "IEC-HS screen positive; grade {{grade}} (clinician)",
    "label.negativeGraded": "IEC-HS screen negative; grade {{grade}} (clinician)",
    "screen.positive":
      "IEC-HS screen positive: ferritin criterion, timing criterion and {{flags, termlist}} (Hines 2023; " +
      "diagnosis to be adjudicated by a clinician, excluding other causes).",
    "screen.negative": "IEC-HS screen negative: missing {{missing, clauses}} (Hines 2023).",
    "ferritin.met": "Ferritin criterion met: {{parts, clauses}}.",
    "ferritin.notMet": "Ferritin criterion not met: {{parts, clauses}}.",
    "timing.met":
      "Timing criterion met: onset as CRS resolves or inflammation worsening after initial improvement.",
    "timing.notMet": "Timing criterion not met: onset not with resolving CRS nor after initial improvement.",
    "transaminase.met.uln":
      "Transaminases: {{name}} {{value}} U/L is > {{limit}} U/L = 5 × ULN {{uln}} U/L (baseline {{baseline}} ≤ ULN).",
    "transaminase.notMet.uln":
      "Transaminases: {{name}} {{value}} U/L is not > {{limit}} U/L = 5 × ULN {{uln}} U/L (baseline {{baseline}} " +
      "≤ ULN).",
    "transaminase.met.baseline":
      "Transaminases: {{name}} {{value}} U/L is > {{limit}} U/L = 5 × baseline {{baseline}} U/L (baseline above " +
      "ULN {{uln}}).",
    "transaminase.notMet.baseline":
      "Transaminases: {{name}} {{value}} U/L is not > {{limit}} U/L = 5 × baseline {{baseline}} U/L (baseline " +
      "above ULN {{uln}}).",
    "transaminase.notGiven": "Transaminases: not given.",
    "fibrinogen.below150": "Hypofibrinogenaemia: fibrinogen {{value}} mg/dL < 150 mg/dL.",
    "fibrinogen.belowLln": "Hypofibrinogenaemia: fibrinogen {{value}} mg/dL < LLN {{lln}} mg/dL.",
    "fibrinogen.normal":
      "No hypofibrinogenaemia: fibrinogen {{value}} mg/dL is ≥ 150 mg/dL and ≥ LLN {{lln}} mg/dL.",
    "fibrinogen.notGiven": "Fibrinogen: not given.",
    "cytopenia.present": "New or worsening cytopenia present.",
    "cytopenia.absent": "No new or worsening cytopenia.",
    "hemophagocytosis.PRESENT": "Haemophagocytosis present in marrow or tissue.",
    "hemophagocytosis.ABSENT": "No haemophagocytosis on pathology.",
    "hemophagocytosis.NOT_ASSESSED": "Haemophagocytosis not assessed.",
    supportive: "Supportive features (not decisive): {{features, termlist}}.",
    "grade.screenPositive": "Grade {{grade}} as adjudicated by the clinician: {{descriptor, term}}.",
    "grade.screenNegative":
      "Grade {{grade}} as adjudicated by the clinician: {{descriptor, term}} (note: the computed screen is " +
      "negative; the clinician's adjudication stands).",
    "phrase.ferritin.aboveUln":
      "ferritin {{value}} ng/mL is > {{limit}} ng/mL = 2 × ULN {{uln}} (baseline {{baseline}} ≤ ULN)",
    "phrase.ferritin.notAboveUln":
      "ferritin {{value}} ng/mL is not > {{limit}} ng/mL = 2 × ULN {{uln}} (baseline {{baseline}} ≤ ULN)",
    "phrase.ferritin.aboveBaseline":
      "ferritin {{value}} ng/mL is > {{limit}} ng/mL = 2 × baseline {{baseline}} (baseline above ULN {{uln}})",
    "phrase.ferritin.notAboveBaseline":
      "ferritin {{value}} ng/mL is not > {{limit}} ng/mL = 2 × baseline {{baseline}} (baseline above ULN {{uln}})",
    "phrase.ferritin.risingRapidly": "ferritin rising rapidly",
    "phrase.ferritin.notRisingRapidly": "not rising rapidly",
    "phrase.missing.ferritin": "the ferritin criterion",
    "phrase.missing.timing": "the timing criterion",
    "phrase.missing.organ":
      "at least one of transaminase rise, hypofibrinogenaemia, new/worsening cytopenia, haemophagocytosis",
  },
  {
    // The flags in Hines 2023's words; the result's `flags` keep the codes (issue 11: codes never
    // shown in a sentence).
    iecHsFlag: {
      TRANSAMINASES: "transaminase rise",
      HYPOFIBRINOGENAEMIA: "hypofibrinogenaemia",
      CYTOPENIA_NEW_OR_WORSE: "new or worsening cytopenia",
      HEMOPHAGOCYTOSIS: "haemophagocytosis",
    },
    iecHsSupportive: {
      LDH_RAISED: "raised LDH",
      COAGULOPATHY_PT_APTT: "coagulopathy (prolonged PT/aPTT)",
      HYPERBILIRUBINAEMIA: "hyperbilirubinaemia",
      FASTING_TRIGLYCERIDES_ABOVE_265_MG_DL: "fasting triglycerides > 265 mg/dL",
      SPLENOMEGALY: "splenomegaly",
    } satisfies Record<(typeof SUPPORTIVE)[number], string>,
    iecHsGrade: GRADE_DESCRIPTORS,
  },
);
const R = IEC_HS_REASONS;

function transaminaseFlag(
  name: string,
  t: { valueUPerL: number; ulnUPerL: number; baselineUPerL: number } | undefined,
): { met: boolean; reason?: Reason } {
  if (!t) return { met: false };
  const abnormalBaseline = t.baselineUPerL > t.ulnUPerL;
  const ref = abnormalBaseline ? t.baselineUPerL : t.ulnUPerL;
  const limit = TRANSAMINASE_MULTIPLE * ref;
  const met = t.valueUPerL > limit;
  const params = {
    name,
    value: num(t.valueUPerL),
    limit: num(limit),
    uln: num(t.ulnUPerL),
    baseline: num(t.baselineUPerL),
  };
  return {
    met,
    reason: abnormalBaseline
      ? R.say(met ? "transaminase.met.baseline" : "transaminase.notMet.baseline", params)
      : R.say(met ? "transaminase.met.uln" : "transaminase.notMet.uln", params),
  };
}

export const iecHs = defineCalculator({
  name: "iec-hs",
  title: "IEC-HS screen (ASTCT 2023)",
  source: HINES_2023,
  ruleSet: RULE_SET_IEC_HS,
  ruleSetVersion: "1",
  input: IecHsInput,
  evaluate(input) {
    const reasons: ReasonEntry[] = [];
    const flags: Flag[] = [];

    // Ferritin
    let ratioMet = false;
    let ferritinText: Phrase | undefined;
    if (input.ferritinUlnNgPerML !== undefined && input.ferritinBaselineNgPerML !== undefined) {
      const uln = input.ferritinUlnNgPerML;
      const base = input.ferritinBaselineNgPerML;
      const ref = Math.max(base, uln); // baseline when already above ULN, else ULN
      const limit = FERRITIN_MULTIPLE * ref;
      ratioMet = input.ferritinNgPerML > limit;
      const params = {
        value: num(input.ferritinNgPerML),
        limit: num(limit),
        baseline: num(base),
        uln: num(uln),
      };
      ferritinText =
        base > uln
          ? R.phrase(ratioMet ? "phrase.ferritin.aboveBaseline" : "phrase.ferritin.notAboveBaseline", params)
          : R.phrase(ratioMet ? "phrase.ferritin.aboveUln" : "phrase.ferritin.notAboveUln", params);
    }
    const ferritinHigh = ratioMet || input.ferritinRisingRapidly;
    const ferritinParts = [
      ferritinText,
      input.ferritinRisingRapidly ? R.phrase("phrase.ferritin.risingRapidly") : undefined,
    ].filter((p): p is Phrase => p !== undefined);
    if (!input.ferritinRisingRapidly) ferritinParts.push(R.phrase("phrase.ferritin.notRisingRapidly"));
    if (ferritinHigh) flags.push("FERRITIN_HIGH");
    reasons.push(R.say(ferritinHigh ? "ferritin.met" : "ferritin.notMet", { parts: ferritinParts }));

    // Timing
    const timing = input.onsetWithResolvingCrsOrWorseningAfterImprovement;
    if (timing) flags.push("TIMING");
    reasons.push(R.say(timing ? "timing.met" : "timing.notMet"));

    // One or more of the organ/laboratory features
    const alt = transaminaseFlag("ALT", input.alt);
    const ast = transaminaseFlag("AST", input.ast);
    if (alt.met || ast.met) flags.push("TRANSAMINASES");
    for (const r of [alt.reason, ast.reason]) if (r) reasons.push(r);
    if (!input.alt && !input.ast) reasons.push(R.say("transaminase.notGiven"));

    if (input.fibrinogen) {
      const f = input.fibrinogen.valueMgPerDL;
      const lln = input.fibrinogen.llnMgPerDL;
      const below150 = f < FIBRINOGEN_BELOW_MG_PER_DL;
      const belowLln = lln !== undefined && f < lln;
      if (below150 || belowLln) flags.push("HYPOFIBRINOGENAEMIA");
      reasons.push(
        below150
          ? R.say("fibrinogen.below150", { value: num(f) })
          : belowLln
            ? R.say("fibrinogen.belowLln", { value: num(f), lln: num(lln as number) })
            : R.say("fibrinogen.normal", { value: num(f), lln: num(lln as number) }),
      );
    } else reasons.push(R.say("fibrinogen.notGiven"));

    if (input.cytopeniaNewOrWorsening) flags.push("CYTOPENIA_NEW_OR_WORSE");
    reasons.push(R.say(input.cytopeniaNewOrWorsening ? "cytopenia.present" : "cytopenia.absent"));
    if (input.hemophagocytosis === "PRESENT") flags.push("HEMOPHAGOCYTOSIS");
    reasons.push(R.say(`hemophagocytosis.${input.hemophagocytosis}`));

    const organFlags = flags.filter((f) => f !== "FERRITIN_HIGH" && f !== "TIMING");
    const screenPositive = ferritinHigh && timing && organFlags.length > 0;
    const missing = [
      !ferritinHigh ? R.phrase("phrase.missing.ferritin") : undefined,
      !timing ? R.phrase("phrase.missing.timing") : undefined,
      organFlags.length === 0 ? R.phrase("phrase.missing.organ") : undefined,
    ].filter((p): p is Phrase => p !== undefined);
    reasons.unshift(
      screenPositive
        ? R.say("screen.positive", { flags: organFlags.map((f) => `iecHsFlag.${f}`) })
        : R.say("screen.negative", { missing }),
    );
    if (input.supportiveFeatures && input.supportiveFeatures.length > 0)
      reasons.push(
        R.say("supportive", { features: input.supportiveFeatures.map((f) => `iecHsSupportive.${f}`) }),
      );

    const grade = input.clinicianGrade ?? null;
    if (grade !== null)
      reasons.push(
        R.say(screenPositive ? "grade.screenPositive" : "grade.screenNegative", {
          grade,
          descriptor: `iecHsGrade.${grade}`,
        }),
      );
    const label =
      grade === null
        ? R.say(screenPositive ? "label.positive" : "label.negative")
        : R.say(screenPositive ? "label.positiveGraded" : "label.negativeGraded", { grade });
    return {
      value: { screenPositive, grade, flags } satisfies IecHsValue,
      label,
      reasons,
      details: { supportiveFeatures: input.supportiveFeatures ?? [] },
    };
  },
});

/** The codes of the iec-hs input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const IEC_HS_CHECKS = [
  "iec_hs_ferritin_uln_required",
  "iec_hs_ferritin_baseline_required",
  "iec_hs_ferritin_both",
  "iec_hs_fibrinogen_lln_required",
  "iec_hs_feature_twice",
] as const;
export type IecHsCheck = (typeof IEC_HS_CHECKS)[number];
