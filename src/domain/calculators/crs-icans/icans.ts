/**
 * ASTCT consensus grade of immune effector cell-associated neurotoxicity syndrome (ICANS), 0–5.
 *
 * Source: Lee DW et al., Biol Blood Marrow Transplant 2019;25(4):625–638 — the adult ICANS table
 * (ICE score, depressed level of consciousness, seizure, motor findings, raised ICP/cerebral edema)
 * with its footnotes, the pediatric ICANS table (CAPD row for children < 12), and the text on grade 5
 * (death due to ICANS with no other principal factor). The grade is the most severe domain that is not
 * attributable to any other cause (footnote; e.g. ICE 3 with a generalized seizure is grade 3).
 * Attribution is entered by the clinician, one boolean per abnormal domain; it is never inferred.
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type Phrase, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { CAPD_MAX, CAPD_POSITIVE_THRESHOLD, CapdItems, capdBandGrade, capdScore } from "./capd.ts";
import { ITEM_TEXT as ICE_ITEM_TEXT, ICE_MAX, IceItems, iceBandGrade, iceScore } from "./ice.ts";
import { LEE_2019, RULE_SET_ASTCT } from "./sources.ts";

/**
 * Lee 2019: the ICE is for adults and children ≥ 12 years; the CAPD for children < 12 (and for older
 * patients with baseline developmental delay). NCI Thesaurus C188936 words the CAPD group as "12 and
 * under", so at age 12 (12 ≤ age < 13) either tool is accepted — the ICE if the child can do it.
 */
export const ICE_MIN_AGE_YEARS = 12;
export const CAPD_ALLOWED_BELOW_AGE_YEARS = 13;

export const Consciousness = z
  .enum([
    "NORMAL",
    "DEPRESSED_AWAKENS_SPONTANEOUSLY",
    "AWAKENS_TO_VOICE",
    "AWAKENS_ONLY_TO_TACTILE",
    "UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA",
  ])
  .describe("Level of consciousness (Lee 2019, ICANS table)");
export type Consciousness = z.infer<typeof Consciousness>;

export const Seizure = z
  .enum([
    "NONE",
    "RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION",
    "PROLONGED_GT_5MIN_OR_REPETITIVE_WITHOUT_RETURN_TO_BASELINE",
  ])
  .describe(
    "Seizure: any clinical seizure (focal or generalized) that resolves rapidly, or non-convulsive seizure on EEG " +
      "resolving with intervention; or life-threatening prolonged seizure (> 5 min) or repetitive clinical or " +
      "electrical seizures without return to baseline in between",
  );
export type Seizure = z.infer<typeof Seizure>;

export const Motor = z
  .enum(["NONE", "DEEP_FOCAL_WEAKNESS"])
  .describe(
    "Motor findings: deep focal motor weakness such as hemiparesis or paraparesis (tremor and myoclonus do not count)",
  );
export type Motor = z.infer<typeof Motor>;

export const IcpEdema = z
  .enum([
    "NONE",
    "FOCAL_LOCAL_EDEMA",
    "DIFFUSE_EDEMA_OR_POSTURING_OR_CN6_PALSY_OR_PAPILLEDEMA_OR_CUSHING_TRIAD",
  ])
  .describe(
    "Raised ICP / cerebral edema: focal/local edema on neuroimaging; or diffuse edema on neuroimaging, " +
      "decerebrate or decorticate posturing, cranial nerve VI palsy, papilledema or Cushing's triad. " +
      "Intracranial hemorrhage with or without edema is excluded.",
  );
export type IcpEdema = z.infer<typeof IcpEdema>;

/** Lee 2019, ICANS table, depressed level of consciousness row (grades 1–4). */
const LOC_GRADE: Record<Consciousness, number> = {
  NORMAL: 0,
  DEPRESSED_AWAKENS_SPONTANEOUSLY: 1,
  AWAKENS_TO_VOICE: 2,
  AWAKENS_ONLY_TO_TACTILE: 3,
  UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA: 4,
};
/** Lee 2019, ICANS table, seizure row: no grade 1–2; rapidly resolving → 3; prolonged/repetitive → 4. */
const SEIZURE_GRADE: Record<Seizure, number> = {
  NONE: 0,
  RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION: 3,
  PROLONGED_GT_5MIN_OR_REPETITIVE_WITHOUT_RETURN_TO_BASELINE: 4,
};
/** Lee 2019, ICANS table, motor row: deep focal motor weakness → 4 only. */
const MOTOR_GRADE: Record<Motor, number> = { NONE: 0, DEEP_FOCAL_WEAKNESS: 4 };
/** Lee 2019, ICANS table, raised ICP/cerebral edema row: focal → 3; diffuse, posturing, CN VI, papilledema, Cushing → 4. */
const ICP_GRADE: Record<IcpEdema, number> = {
  NONE: 0,
  FOCAL_LOCAL_EDEMA: 3,
  DIFFUSE_EDEMA_OR_POSTURING_OR_CN6_PALSY_OR_PAPILLEDEMA_OR_CUSHING_TRIAD: 4,
};

const LOC_TEXT: Record<Consciousness, string> = {
  NORMAL: "normal consciousness",
  DEPRESSED_AWAKENS_SPONTANEOUSLY: "depressed consciousness, awakens spontaneously",
  AWAKENS_TO_VOICE: "awakens to voice",
  AWAKENS_ONLY_TO_TACTILE: "awakens only to tactile stimulus",
  UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA: "unarousable or needs vigorous stimuli, stupor or coma",
};
const SEIZURE_TEXT: Record<Seizure, string> = {
  NONE: "no seizure",
  RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION:
    "seizure that resolved rapidly (or non-convulsive EEG seizure resolving with intervention)",
  PROLONGED_GT_5MIN_OR_REPETITIVE_WITHOUT_RETURN_TO_BASELINE:
    "prolonged seizure > 5 min or repetitive seizures without return to baseline",
};
const MOTOR_TEXT: Record<Motor, string> = {
  NONE: "no motor findings",
  DEEP_FOCAL_WEAKNESS: "deep focal motor weakness (hemiparesis or paraparesis)",
};
const ICP_TEXT: Record<IcpEdema, string> = {
  NONE: "no raised ICP or edema",
  FOCAL_LOCAL_EDEMA: "focal/local edema on neuroimaging",
  DIFFUSE_EDEMA_OR_POSTURING_OR_CN6_PALSY_OR_PAPILLEDEMA_OR_CUSHING_TRIAD:
    "diffuse cerebral edema, posturing, cranial nerve VI palsy, papilledema or Cushing's triad",
};

/** The domains as the reasons name them (term group "icansDomain"). */
type DomainKey = "ICE" | "CAPD" | "consciousness" | "seizure" | "motor" | "icpEdema";
const DOMAIN_TEXT: Record<DomainKey, string> = {
  ICE: "ICE",
  CAPD: "CAPD",
  consciousness: "level of consciousness",
  seizure: "seizure",
  motor: "motor findings",
  icpEdema: "raised ICP/cerebral edema",
};

/**
 * The sentences of the ICANS grade (decision 0041): code → English template; the web catalogues
 * word the same codes under reasons.icans.*. A finding is quoted as a term ("seizure.NONE"), the
 * domains that set the grade as a list of terms ("icansDomain.motor").
 */
export const ICANS_REASONS = reasonFamily(
  "icans",
  {
    "label.grade": "Grade {{grade}}",
    "ice.notAssessable":
      "ICE not performable because the patient is unarousable, but the unarousability is attributed to another " +
      "cause: the ICE domain cannot be graded.",
    "ice.unarousable": "Grade 4: unarousable and unable to perform the ICE (Lee 2019, ICE row, grade 4).",
    "ice.itemsMissed": "ICE items missed: {{items, termlist}}.",
    "ice.normal": "ICE {{score}}/{{max}}: normal (10 = no ICANS from the ICE domain).",
    "ice.otherCause": "{{ice, phrase}} is attributed to another cause and does not count.",
    "ice.grade": "Grade {{grade}}: {{ice, phrase}} (ICE {{band}} → grade {{grade}}, Lee 2019).",
    "ice.gradeAphasia":
      "Grade {{grade}}: {{ice, phrase}} (ICE {{band}} → grade {{grade}}, Lee 2019; awake with global aphasia is " +
      "grade 3, not 4).",
    "capd.notAssessable":
      "CAPD not performable, but the depressed consciousness is attributed to another cause: " +
      "the CAPD domain cannot be graded.",
    "capd.notPerformable": "Grade 4: unable to perform the CAPD (Lee 2019, pediatric ICANS table, grade 4).",
    "capd.normal": "CAPD {{score}}/{{max}}: no delirium features, no ICANS from the CAPD domain.",
    "capd.otherCause": "CAPD {{score}}/{{max}} is attributed to another cause and does not count.",
    "capd.grade3": "Grade 3: CAPD {{score}}/{{max}} ≥ {{threshold}} (Lee 2019, pediatric ICANS table).",
    "capd.grade1":
      "Grade 1: CAPD {{score}}/{{max}} in 1–8 (Lee 2019, pediatric ICANS table; grade 2 needs the child to " +
      "awaken only to voice).",
    "domain.grade": "Grade {{grade}}: {{finding, term}} ({{domain, term}}).",
    "consciousness.otherCause": "{{finding, capterm}} is attributed to another cause and does not count.",
    "seizure.otherCause": "{{finding, capterm}} is attributed to another cause and does not count.",
    "motor.otherCause": "{{finding, capterm}} is attributed to another cause and does not count.",
    "icpEdema.otherCause": "{{finding, capterm}} is attributed to another cause and does not count.",
    tremor: "Tremor/myoclonus is graded with CTCAE v5.0 and does not count towards ICANS (Lee 2019).",
    hemorrhage:
      "Intracranial hemorrhage is excluded from ICANS grading; grade it with CTCAE v5.0 (Lee 2019).",
    "grade5.death": "Grade 5: death due to ICANS with no other principal factor.",
    "grade0.none": "Grade 0: no ICANS domain is abnormal and attributable to ICANS.",
    mostSevere:
      "Grade {{grade}}: the most severe domain ({{domains, termlist}}) sets the ICANS grade (Lee 2019).",
    "phrase.ice": "ICE {{score}}/{{max}}",
    "phrase.iceAphasia": "ICE {{score}}/{{max}}, awake with global aphasia",
  },
  {
    icansDomain: DOMAIN_TEXT,
    iceItem: ICE_ITEM_TEXT,
    consciousness: LOC_TEXT,
    seizure: SEIZURE_TEXT,
    motor: MOTOR_TEXT,
    icpEdema: ICP_TEXT,
  },
);
const R = ICANS_REASONS;

const UNAROUSABLE: Consciousness = "UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA";
/**
 * The CAPD is scored only in a child who responds to voice (Traube 2014: CAPD applies at RASS ≥ −3), so
 * "unable to perform the CAPD" goes with a child who awakens only to touch or not at all.
 */
const CAPD_UNPERFORMABLE_LOC: readonly Consciousness[] = ["AWAKENS_ONLY_TO_TACTILE", UNAROUSABLE];

const otherCause = (what: string) =>
  z
    .boolean()
    .optional()
    .describe(`The ${what} is attributable to another cause (e.g. sedation); required when abnormal`);

export const IcansInput = z
  .strictObject({
    ageYears: z
      .number()
      .min(0)
      .max(130)
      .describe("Age at assessment, years (ICE from 12 years, CAPD under 12)"),
    baselineDevelopmentalDelay: z
      .boolean()
      .optional()
      .describe("Baseline developmental delay: allows the CAPD at any age (Lee 2019)"),
    ice: z
      .number()
      .int()
      .min(0)
      .max(ICE_MAX)
      .nullable()
      .optional()
      .describe("ICE score, 0–10 points; null if not performed (then say why)"),
    iceItems: IceItems.optional().describe(
      "The ten ICE items; the score is computed and must agree with ice if both given",
    ),
    iceNotPerformableBecauseUnarousable: z
      .boolean()
      .optional()
      .describe("The ICE could not be done because the patient is unarousable"),
    awakeWithGlobalAphasia: z
      .boolean()
      .optional()
      .describe("Awake with global aphasia: ICE 0, which is grade 3 (not 4) (Lee 2019 footnote)"),
    iceOtherCause: otherCause("ICE deficit"),
    capd: z
      .number()
      .int()
      .min(0)
      .max(CAPD_MAX)
      .nullable()
      .optional()
      .describe("CAPD total, 0–32 points (children); null if not performed (then say why)"),
    capdItems: CapdItems.optional().describe(
      "The eight CAPD items; the total is computed and must agree with capd if both given",
    ),
    capdNotPerformable: z
      .boolean()
      .optional()
      .describe("The CAPD could not be performed (child awakens only to touch or is unarousable)"),
    capdOtherCause: otherCause("CAPD finding"),
    consciousness: Consciousness,
    consciousnessOtherCause: otherCause("depressed consciousness"),
    seizure: Seizure,
    seizureOtherCause: otherCause("seizure"),
    motor: Motor,
    motorOtherCause: otherCause("motor finding"),
    icpEdema: IcpEdema,
    icpEdemaOtherCause: otherCause("raised ICP / edema"),
    tremorOrMyoclonus: z
      .boolean()
      .optional()
      .describe(
        "Recorded only: tremor and myoclonus are graded with CTCAE v5.0 and do not count towards ICANS",
      ),
    intracranialHemorrhage: z
      .boolean()
      .optional()
      .describe(
        "Recorded only: intracranial hemorrhage (with or without edema) is excluded from ICANS grading",
      ),
    deathDueToIcans: z
      .boolean()
      .describe("Death due to ICANS, with no other principal factor (grade 5); false for a living patient"),
  })
  .superRefine((v, ctx) => {
    // Each check has a stable code (the problem's issue code, errors.ts issueCode) that the web app
    // words in the reader's language (issue.rule.* in its catalogues; issue 11).
    const issue = (path: string, message: string, code: IcansCheck) => ruleIssue(ctx, [path], message, code);

    const iceFields = (
      [
        ["ice", v.ice !== undefined && v.ice !== null],
        ["iceItems", v.iceItems !== undefined],
        ["iceNotPerformableBecauseUnarousable", v.iceNotPerformableBecauseUnarousable === true],
        ["awakeWithGlobalAphasia", v.awakeWithGlobalAphasia === true],
      ] as const
    )
      .filter(([, used]) => used)
      .map(([k]) => k);
    const capdFields = (
      [
        ["capd", v.capd !== undefined && v.capd !== null],
        ["capdItems", v.capdItems !== undefined],
        ["capdNotPerformable", v.capdNotPerformable === true],
      ] as const
    )
      .filter(([, used]) => used)
      .map(([k]) => k);

    const capdAllowed = v.ageYears < CAPD_ALLOWED_BELOW_AGE_YEARS || v.baselineDevelopmentalDelay === true;
    if (iceFields.length > 0 && capdFields.length > 0)
      issue(
        capdFields[0]!,
        "Give either the ICE (12 years and over) or the CAPD (children), not both.",
        "icans_ice_and_capd",
      );
    else if (iceFields.length === 0 && capdFields.length === 0) {
      if (v.ageYears < ICE_MIN_AGE_YEARS)
        issue(
          "capd",
          "Required for a child under 12: give the CAPD score or its items, or say that it could not be performed.",
          "icans_capd_required",
        );
      else
        issue(
          "ice",
          "Required: give the ICE score or its items, or say why it was not performed (unarousable, or awake " +
            `with global aphasia)${capdAllowed ? "; at this age the CAPD may be given instead" : ""}.`,
          "icans_ice_required",
        );
    } else if (iceFields.length > 0 && v.ageYears < ICE_MIN_AGE_YEARS)
      issue(
        iceFields[0]!,
        "The ICE is for patients 12 years and over (Lee 2019); use the CAPD for a child under 12.",
        "icans_ice_under_12",
      );
    else if (capdFields.length > 0 && !capdAllowed)
      issue(
        capdFields[0]!,
        "The CAPD is for children under 12 (12 and under by NCIt), or older patients with baseline developmental " +
          "delay (say so under baseline developmental delay); use the ICE.",
        "icans_capd_over_12",
      );

    // ICE: number, items, not performable, aphasia — consistent with each other and with consciousness.
    const iceFromItems = v.iceItems ? iceScore(v.iceItems).score : undefined;
    const iceGiven = v.ice ?? undefined;
    if (iceGiven !== undefined && iceFromItems !== undefined && iceGiven !== iceFromItems)
      issue(
        "ice",
        `The ICE score is ${iceGiven}, but its items add up to ${iceFromItems}.`,
        "icans_ice_items_mismatch",
      );
    const iceValue = iceGiven ?? iceFromItems;
    if (v.iceNotPerformableBecauseUnarousable === true) {
      if (iceValue !== undefined)
        issue(
          "iceNotPerformableBecauseUnarousable",
          "The ICE is said to be not performable, but an ICE score is given.",
          "icans_ice_not_performable_with_score",
        );
      if (v.consciousness !== UNAROUSABLE)
        issue(
          "consciousness",
          "An ICE not performable because the patient is unarousable needs consciousness recorded as unarousable " +
            "(stupor or coma).",
          "icans_unarousable_consciousness",
        );
      if (v.awakeWithGlobalAphasia === true)
        issue(
          "awakeWithGlobalAphasia",
          "The patient cannot be both awake with aphasia and unarousable.",
          "icans_aphasia_and_unarousable",
        );
    }
    if (v.awakeWithGlobalAphasia === true) {
      if (iceValue !== undefined && iceValue !== 0)
        issue(
          "ice",
          `A patient awake with global aphasia scores ICE 0 (Lee 2019), but the ICE given is ${iceValue}.`,
          "icans_aphasia_ice",
        );
      if (v.consciousness === UNAROUSABLE)
        issue(
          "awakeWithGlobalAphasia",
          "A patient awake with global aphasia cannot have consciousness recorded as unarousable (stupor or coma).",
          "icans_aphasia_contradicts_unarousable",
        );
    }
    const iceDeficit = (iceValue !== undefined && iceValue < ICE_MAX) || v.awakeWithGlobalAphasia === true;
    if (iceDeficit && v.iceOtherCause === undefined)
      issue(
        "iceOtherCause",
        "Required when the ICE is below 10: say whether the deficit is attributable to another cause.",
        "icans_ice_other_cause_required",
      );

    // CAPD: number, items, not performable.
    const capdFromItems = v.capdItems ? capdScore(v.capdItems).total : undefined;
    const capdGiven = v.capd ?? undefined;
    if (capdGiven !== undefined && capdFromItems !== undefined && capdGiven !== capdFromItems)
      issue(
        "capd",
        `The CAPD score is ${capdGiven}, but its items add up to ${capdFromItems}.`,
        "icans_capd_items_mismatch",
      );
    const capdValue = capdGiven ?? capdFromItems;
    if (v.capdNotPerformable === true) {
      if (capdValue !== undefined)
        issue(
          "capdNotPerformable",
          "The CAPD is said to be not performable, but a CAPD score is given.",
          "icans_capd_not_performable_with_score",
        );
      if (!CAPD_UNPERFORMABLE_LOC.includes(v.consciousness))
        issue(
          "consciousness",
          "A CAPD that could not be performed needs a child who awakens only to touch or is unarousable.",
          "icans_capd_not_performable_consciousness",
        );
    }
    if (capdValue !== undefined && capdValue > 0 && v.capdOtherCause === undefined)
      issue(
        "capdOtherCause",
        "Required when the CAPD is above 0: say whether the finding is attributable to another cause.",
        "icans_capd_other_cause_required",
      );

    if (v.consciousness !== "NORMAL" && v.consciousnessOtherCause === undefined)
      issue(
        "consciousnessOtherCause",
        "Required when consciousness is depressed: say whether another cause (e.g. sedation) explains it.",
        "icans_consciousness_other_cause_required",
      );
    if (v.seizure !== "NONE" && v.seizureOtherCause === undefined)
      issue(
        "seizureOtherCause",
        "Required when a seizure is recorded: say whether it is attributable to another cause.",
        "icans_seizure_other_cause_required",
      );
    if (v.motor !== "NONE" && v.motorOtherCause === undefined)
      issue(
        "motorOtherCause",
        "Required when a motor finding is recorded: say whether it is attributable to another cause.",
        "icans_motor_other_cause_required",
      );
    if (v.icpEdema !== "NONE" && v.icpEdemaOtherCause === undefined)
      issue(
        "icpEdemaOtherCause",
        "Required when raised ICP/edema is recorded: say whether it is attributable to another cause.",
        "icans_icp_edema_other_cause_required",
      );
  });
export type IcansInput = z.output<typeof IcansInput>;

/** The codes of the ICANS input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const ICANS_CHECKS = [
  "icans_ice_and_capd",
  "icans_capd_required",
  "icans_ice_required",
  "icans_ice_under_12",
  "icans_capd_over_12",
  "icans_ice_items_mismatch",
  "icans_ice_not_performable_with_score",
  "icans_unarousable_consciousness",
  "icans_aphasia_and_unarousable",
  "icans_aphasia_ice",
  "icans_aphasia_contradicts_unarousable",
  "icans_ice_other_cause_required",
  "icans_capd_items_mismatch",
  "icans_capd_not_performable_with_score",
  "icans_capd_not_performable_consciousness",
  "icans_capd_other_cause_required",
  "icans_consciousness_other_cause_required",
  "icans_seizure_other_cause_required",
  "icans_motor_other_cause_required",
  "icans_icp_edema_other_cause_required",
] as const;
type IcansCheck = (typeof ICANS_CHECKS)[number];

interface Domain {
  name: DomainKey;
  grade: number;
  text: string;
}

/** The encephalopathy domain: ICE for ≥ 12 years, CAPD for children (Lee 2019). */
function encephalopathyDomain(
  v: IcansInput,
  reasons: ReasonEntry[],
): Domain & { tool: "ICE" | "CAPD"; score: number | null } {
  const iceUsed =
    (v.ice !== undefined && v.ice !== null) ||
    v.iceItems !== undefined ||
    v.iceNotPerformableBecauseUnarousable === true ||
    v.awakeWithGlobalAphasia === true;

  if (iceUsed) {
    if (v.iceNotPerformableBecauseUnarousable) {
      if (v.consciousnessOtherCause) {
        reasons.push(R.say("ice.notAssessable"));
        return { name: "ICE", tool: "ICE", score: null, grade: 0, text: "ICE not assessable" };
      }
      reasons.push(R.say("ice.unarousable"));
      return { name: "ICE", tool: "ICE", score: 0, grade: 4, text: "unarousable, ICE not performable" };
    }
    const items = v.iceItems ? iceScore(v.iceItems) : undefined;
    const score = v.ice ?? items?.score ?? 0; // only awakeWithGlobalAphasia leaves both unset: ICE 0
    const aphasia = v.awakeWithGlobalAphasia === true;
    const what = aphasia ? `ICE ${score}/${ICE_MAX}, awake with global aphasia` : `ICE ${score}/${ICE_MAX}`;
    const ice: Phrase = R.phrase(aphasia ? "phrase.iceAphasia" : "phrase.ice", { score, max: ICE_MAX });
    if (items && items.missedItems.length > 0)
      reasons.push(R.say("ice.itemsMissed", { items: items.missedItems.map((k) => `iceItem.${k}`) }));
    const band = iceBandGrade(score);
    if (band === 0) {
      reasons.push(R.say("ice.normal", { score, max: ICE_MAX }));
      return { name: "ICE", tool: "ICE", score, grade: 0, text: what };
    }
    if (v.iceOtherCause) {
      reasons.push(R.say("ice.otherCause", { ice }));
      return { name: "ICE", tool: "ICE", score, grade: 0, text: what };
    }
    const bandText = band === 1 ? "7–9" : band === 2 ? "3–6" : "0–2";
    reasons.push(R.say(aphasia ? "ice.gradeAphasia" : "ice.grade", { grade: band, ice, band: bandText }));
    return { name: "ICE", tool: "ICE", score, grade: band, text: what };
  }

  if (v.capdNotPerformable) {
    if (v.consciousnessOtherCause) {
      reasons.push(R.say("capd.notAssessable"));
      return { name: "CAPD", tool: "CAPD", score: null, grade: 0, text: "CAPD not assessable" };
    }
    reasons.push(R.say("capd.notPerformable"));
    return { name: "CAPD", tool: "CAPD", score: null, grade: 4, text: "CAPD not performable" };
  }
  const score = v.capd ?? capdScore(v.capdItems!).total;
  const band = capdBandGrade(score);
  const what = `CAPD ${score}/${CAPD_MAX}`;
  const scored = { score, max: CAPD_MAX };
  if (band === 0) {
    reasons.push(R.say("capd.normal", scored));
    return { name: "CAPD", tool: "CAPD", score, grade: 0, text: what };
  }
  if (v.capdOtherCause) {
    reasons.push(R.say("capd.otherCause", scored));
    return { name: "CAPD", tool: "CAPD", score, grade: 0, text: what };
  }
  reasons.push(
    band === 3
      ? R.say("capd.grade3", { ...scored, threshold: CAPD_POSITIVE_THRESHOLD })
      : R.say("capd.grade1", scored),
  );
  return { name: "CAPD", tool: "CAPD", score, grade: band, text: what };
}

function simpleDomain<D extends "consciousness" | "seizure" | "motor" | "icpEdema">(
  name: D,
  grade: number,
  finding: string,
  texts: Record<string, string>,
  attributedElsewhere: boolean | undefined,
  reasons: ReasonEntry[],
): Domain {
  const text = texts[finding]!;
  if (grade === 0) return { name, grade, text };
  if (attributedElsewhere) {
    reasons.push(R.say(`${name}.otherCause`, { finding: `${name}.${finding}` }));
    return { name, grade: 0, text };
  }
  reasons.push(
    R.say("domain.grade", { grade, finding: `${name}.${finding}`, domain: `icansDomain.${name}` }),
  );
  return { name, grade, text };
}

export const icans = defineCalculator({
  name: "icans",
  title: "Immune effector cell-associated neurotoxicity syndrome grade (ASTCT 2019)",
  source: LEE_2019,
  ruleSet: RULE_SET_ASTCT,
  ruleSetVersion: "1",
  input: IcansInput,
  evaluate(v) {
    const reasons: ReasonEntry[] = [];
    const enc = encephalopathyDomain(v, reasons);
    const domains: Domain[] = [
      enc,
      simpleDomain(
        "consciousness",
        LOC_GRADE[v.consciousness],
        v.consciousness,
        LOC_TEXT,
        v.consciousnessOtherCause,
        reasons,
      ),
      simpleDomain(
        "seizure",
        SEIZURE_GRADE[v.seizure],
        v.seizure,
        SEIZURE_TEXT,
        v.seizureOtherCause,
        reasons,
      ),
      simpleDomain("motor", MOTOR_GRADE[v.motor], v.motor, MOTOR_TEXT, v.motorOtherCause, reasons),
      simpleDomain("icpEdema", ICP_GRADE[v.icpEdema], v.icpEdema, ICP_TEXT, v.icpEdemaOtherCause, reasons),
    ];
    if (v.tremorOrMyoclonus) reasons.push(R.say("tremor"));
    if (v.intracranialHemorrhage) reasons.push(R.say("hemorrhage"));

    const details = {
      tool: enc.tool,
      encephalopathyScore: enc.score,
      domainGrades: {
        encephalopathy: enc.grade,
        consciousness: domains[1]!.grade,
        seizure: domains[2]!.grade,
        motor: domains[3]!.grade,
        icpEdema: domains[4]!.grade,
      },
    };

    if (v.deathDueToIcans) {
      reasons.push(R.say("grade5.death"));
      return { value: 5, label: R.say("label.grade", { grade: 5 }), reasons, details };
    }
    const grade = Math.max(...domains.map((d) => d.grade));
    if (grade === 0) reasons.push(R.say("grade0.none"));
    else {
      const drivers = domains.filter((d) => d.grade === grade).map((d) => `icansDomain.${d.name}`);
      reasons.push(R.say("mostSevere", { grade, domains: drivers }));
    }
    return { value: grade, label: R.say("label.grade", { grade }), reasons, details };
  },
});
