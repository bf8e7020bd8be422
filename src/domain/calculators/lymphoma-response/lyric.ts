/**
 * LYRIC (Lymphoma Response to Immunomodulatory therapy Criteria): the indeterminate response (IR)
 * that replaces some Lugano PDs, so that a flare or pseudo-progression does not take a patient off a
 * therapy that works.
 *
 * Source: Cheson et al., Blood 2016;128:2489, LYRIC definitions table:
 *  - IR1: ≥ 50 % increase in SPD in the first 12 weeks of therapy, without clinical deterioration;
 *  - IR2: < 50 % increase in SPD with (a) new lesion(s) or (b) a ≥ 50 % increase in PPD of a lesion or
 *    set of lesions, at any time during treatment;
 *  - IR3: increase in FDG uptake of one or more lesions without a concomitant increase in lesion size
 *    or number meeting PD.
 * Any other PD finding stays PD ("PD: same as Lugano with the following exceptions").
 *
 * Not encoded: the conversion of IR to PD at the follow-up scan (a further SPD increase from the IR
 * time point, new measurable lesions added to the SPD). Those details were not verified against the
 * paper (clinical-rules.md §9 item 10), so IR is reported as provisional and left to the reader.
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type Reason, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { contradiction, defineCalculator } from "../calculator.ts";
import { CHESON_2016, fmt, fmtPct, gte, pctChange, RULE_SET_LYRIC } from "./sources.ts";

/** IR1 window: the first 12 weeks of therapy = days 0–84 (week-12 scan included; design decision). */
export const IR1_MAX_DAY = 12 * 7;
/** IR1/IR2 split: SPD increase ≥ 50 % (Cheson 2016, LYRIC table). */
export const IR_SPD_INCREASE = 0.5;

const LUGANO_RESPONSES = ["CR", "PR", "SD", "PD", "CMR", "PMR", "NMR", "PMD"] as const;
type LuganoResponse = (typeof LUGANO_RESPONSES)[number];
export type LyricValue = LuganoResponse | "IR1" | "IR2" | "IR3";

const isPd = (r: LuganoResponse) => r === "PD" || r === "PMD";

/** How the input checks name the fields a PD needs: in words, not field codes (issue 11). */
const PD_FIELD_WORDS: Record<(typeof PD_FIELDS)[number], string> = {
  daysSinceTherapyStart: "the days since the start of therapy",
  clinicalDeterioration: "whether the patient deteriorated clinically",
  nadirSpdMm2: "the nadir SPD (mm²)",
  currentSpdMm2: "the current SPD (mm²)",
  newLesions: "whether there are new lesions",
  lesionPpdIncreaseAtLeast50Percent: "whether a lesion's PPD rose by 50 % or more",
  fdgUptakeIncreased: "whether FDG uptake increased",
  otherProgression: "whether there is other progression",
};

const PD_FIELDS = [
  "daysSinceTherapyStart",
  "clinicalDeterioration",
  "nadirSpdMm2",
  "currentSpdMm2",
  "newLesions",
  "lesionPpdIncreaseAtLeast50Percent",
  "fdgUptakeIncreased",
  "otherProgression",
] as const;

export const LyricInput = z
  .strictObject({
    luganoResponse: z
      .enum(LUGANO_RESPONSES)
      .describe("The Lugano 2014 response at this time point (CT: CR/PR/SD/PD; PET-CT: CMR/PMR/NMR/PMD)"),
    daysSinceTherapyStart: z
      .number()
      .int()
      .min(0)
      .max(36500)
      .optional()
      .describe(
        "Days from the start of the immunomodulatory therapy (for CAR-T: infusion = day 0) to this scan",
      ),
    clinicalDeterioration: z.boolean().optional().describe("Is the patient clinically deteriorating?"),
    nadirSpdMm2: z
      .number()
      .positive()
      .optional()
      .describe("Smallest SPD so far (the baseline SPD if none was smaller), in mm²"),
    currentSpdMm2: z
      .number()
      .nonnegative()
      .optional()
      .describe("SPD of the target lesions on this scan, in mm²"),
    newLesions: z
      .boolean()
      .optional()
      .describe("New lesion(s) that meet the Lugano new-lesion criteria (Lugano 2014 Table 3)"),
    lesionPpdIncreaseAtLeast50Percent: z
      .boolean()
      .optional()
      .describe("PPD of one lesion, or of a set of lesions, increased by ≥ 50 % from its nadir"),
    fdgUptakeIncreased: z.boolean().optional().describe("FDG uptake increased in one or more lesions"),
    otherProgression: z
      .boolean()
      .optional()
      .describe(
        "PD findings outside the LYRIC IR categories: new or recurrent bone-marrow involvement, splenic " +
          "progression, or unequivocal progression of non-measured lesions",
      ),
  })
  .superRefine((input, ctx) => {
    if (isPd(input.luganoResponse)) {
      for (const f of PD_FIELDS)
        if (input[f] === undefined)
          ruleIssue(
            ctx,
            [f],
            `Required when the Lugano response is ${input.luganoResponse} (LYRIC decides between IR and PD from it): ${PD_FIELD_WORDS[f]}.`,
            "lyric_pd_finding_required" satisfies LyricCheck,
          );
    } else if (input.newLesions === true)
      ruleIssue(
        ctx,
        ["newLesions"],
        `New lesions are PD under Lugano 2014, but the Lugano response is ${input.luganoResponse}`,
        "lyric_new_lesions_not_pd" satisfies LyricCheck,
      );
  });

export type LyricInput = z.output<typeof LyricInput>;

const IR2_END = "at any time during treatment (Cheson 2016).";
const NEW_LESIONS = "new lesion(s)";
const PPD_UP = "a ≥ 50 % PPD increase of a lesion or set of lesions";

/** The sentences of LYRIC (decision 0041); the web catalogues word them under reasons.lyric.*. */
export const LYRIC_REASONS = reasonFamily("lyric", {
  // The result's label, coded like the reasons (decision 0041).
  "label.lugano": "{{lugano}}",
  "label.pd": "{{lugano}} (progressive disease)",
  "label.ir1": "IR1 (indeterminate response)",
  "label.ir2": "IR2 (indeterminate response)",
  "label.ir3": "IR3 (indeterminate response)",
  notPd:
    "Lugano response {{lugano}} is not PD; LYRIC changes only PD, so the Lugano response stands (Cheson 2016).",
  otherProgression:
    "Progression outside the LYRIC IR categories (otherProgression: marrow, spleen or non-measured lesions) stays " +
    "PD (Cheson 2016).",
  spd: "{{spd, phrase}}.",
  ir1:
    "{{spd, phrase}}: ≥ +50 % on day {{day}}, within the first 12 weeks (≤ day {{maxDay}}), without clinical " +
    "deterioration → IR1 (Cheson 2016).",
  "notIr1.deterioration":
    "{{spd, phrase}}: ≥ +50 %, with clinical deterioration → not IR1; stays PD (Cheson 2016).",
  "notIr1.late":
    "{{spd, phrase}}: ≥ +50 %, on day {{day}}, after the first 12 weeks (> day {{maxDay}}) → not IR1; stays PD " +
    "(Cheson 2016).",
  "ir2.a": `{{spd, phrase}}: below +50 %, with ${NEW_LESIONS} → IR2 (IR2a), ${IR2_END}`,
  "ir2.b": `{{spd, phrase}}: below +50 %, with ${PPD_UP} → IR2 (IR2b), ${IR2_END}`,
  "ir2.ab": `{{spd, phrase}}: below +50 %, with ${NEW_LESIONS} and ${PPD_UP} → IR2 (IR2a, IR2b), ${IR2_END}`,
  ir3:
    "FDG uptake increased without an increase in lesion size or number meeting PD " +
    "({{spd, phrase}}, no new lesions, no ≥ 50 % PPD increase) → IR3 (Cheson 2016).",
  deterioration:
    "Clinical deterioration is reported: LYRIC lets IR be assigned, but consider confirming by biopsy promptly.",
  provisional:
    "IR is provisional: confirm flare/pseudo-progression or true PD by biopsy or repeat imaging (Cheson 2016).",
  "phrase.spd": "SPD {{nadir}} → {{current}} mm² ({{change}} from nadir)",
});
const R = LYRIC_REASONS;
const PROVISIONAL = R.say("provisional");
const DETERIORATION = R.say("deterioration");

export const lyric = defineCalculator({
  name: "lyric",
  title: "LYRIC indeterminate response (IR1/IR2/IR3) on top of a Lugano PD",
  source: CHESON_2016,
  ruleSet: RULE_SET_LYRIC,
  ruleSetVersion: "1",
  input: LyricInput,
  evaluate(input): {
    value: LyricValue;
    label: string | Reason;
    reasons: ReasonEntry[];
    details?: Record<string, unknown>;
  } {
    const lugano = input.luganoResponse;
    if (!isPd(lugano))
      return {
        value: lugano,
        label: R.say("label.lugano", { lugano }),
        reasons: [R.say("notPd", { lugano })],
        details: { luganoResponse: lugano },
      };

    // The schema guarantees every field below is present for a PD.
    const day = input.daysSinceTherapyStart!;
    const nadir = input.nadirSpdMm2!;
    const current = input.currentSpdMm2!;
    const change = pctChange(nadir, current);
    const spdUp50 = gte(current, nadir * (1 + IR_SPD_INCREASE));
    const spd = R.phrase("phrase.spd", { nadir: fmt(nadir), current: fmt(current), change: fmtPct(change) });
    const details = { luganoResponse: lugano, spdChangeFromNadirPercent: change, daysSinceTherapyStart: day };

    if (
      !spdUp50 &&
      !input.newLesions &&
      !input.lesionPpdIncreaseAtLeast50Percent &&
      !input.fdgUptakeIncreased &&
      !input.otherProgression
    )
      contradiction([
        {
          path: "/luganoResponse",
          message: `The Lugano response is ${lugano}, but no progression finding is given: SPD ${fmtPct(change)} from nadir (below +50 %), no new lesions, no ≥ 50 % PPD increase of a lesion, no increase in FDG uptake and no other progression`,
        },
      ]);

    // Findings outside the IR categories keep Lugano's PD (Cheson 2016: "same as Lugano with the
    // following exceptions").
    if (input.otherProgression)
      return {
        value: lugano,
        label: R.say("label.pd", { lugano }),
        reasons: [R.say("otherProgression"), R.say("spd", { spd })],
        details,
      };

    if (spdUp50) {
      // IR1 only within the first 12 weeks and without clinical deterioration (Cheson 2016).
      if (day <= IR1_MAX_DAY && !input.clinicalDeterioration)
        return {
          value: "IR1",
          label: R.say("label.ir1"),
          reasons: [R.say("ir1", { spd, day, maxDay: IR1_MAX_DAY }), PROVISIONAL],
          details: { ...details, irCategory: "IR1" },
        };
      return {
        value: lugano,
        label: R.say("label.pd", { lugano }),
        reasons: [
          input.clinicalDeterioration
            ? R.say("notIr1.deterioration", { spd })
            : R.say("notIr1.late", { spd, day, maxDay: IR1_MAX_DAY }),
        ],
        details,
      };
    }

    // SPD increase < 50 %: IR2 with new lesion(s) (IR2a) or a ≥ 50 % PPD increase of a lesion or a set
    // of lesions (IR2b), at any time during treatment (Cheson 2016).
    if (input.newLesions || input.lesionPpdIncreaseAtLeast50Percent) {
      const subtypes = [
        ...(input.newLesions ? ["IR2a"] : []),
        ...(input.lesionPpdIncreaseAtLeast50Percent ? ["IR2b"] : []),
      ];
      const key =
        input.newLesions && input.lesionPpdIncreaseAtLeast50Percent
          ? "ir2.ab"
          : input.newLesions
            ? "ir2.a"
            : "ir2.b";
      return {
        value: "IR2",
        label: R.say("label.ir2"),
        reasons: [R.say(key, { spd }), ...(input.clinicalDeterioration ? [DETERIORATION] : []), PROVISIONAL],
        details: { ...details, irCategory: "IR2", irSubtypes: subtypes },
      };
    }

    // IR3: increased FDG uptake without an increase in size or number meeting PD (Cheson 2016).
    return {
      value: "IR3",
      label: R.say("label.ir3"),
      reasons: [R.say("ir3", { spd }), ...(input.clinicalDeterioration ? [DETERIORATION] : []), PROVISIONAL],
      details: { ...details, irCategory: "IR3" },
    };
  },
});

/** The codes of the lyric input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const LYRIC_CHECKS = ["lyric_pd_finding_required", "lyric_new_lesions_not_pd"] as const;
export type LyricCheck = (typeof LYRIC_CHECKS)[number];
