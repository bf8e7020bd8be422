/**
 * ASTCT 2019 (Lee DW et al., Biol Blood Marrow Transplant 2019;25:625–638) ICANS grading and the ICE
 * score explained: every reason the calculators give for the reference notes' worked examples
 * (ICANS-1..7, CAPD-1), written out by hand from the adult and paediatric ICANS tables, and each
 * input check's field path and message. Written for the mutation run (issue 16): the grades alone
 * were already tested; these pin why.
 */
import { describe, expect, it } from "vitest";
import { icans } from "../../../src/domain/calculators/crs-icans/icans.ts";
import { ice, iceBandGrade } from "../../../src/domain/calculators/crs-icans/ice.ts";
import { issuesOf } from "../../support/validation.ts";

const ICE_ALL = {
  orientationYear: true,
  orientationMonth: true,
  orientationCity: true,
  orientationHospital: true,
  namingObject1: true,
  namingObject2: true,
  namingObject3: true,
  followsCommands: true,
  writesStandardSentence: true,
  countsBackwardsBy10: true,
} as const;
const ICE_NONE = Object.fromEntries(Object.keys(ICE_ALL).map((k) => [k, false]));
/** CAPD-1 of the reference notes (Traube 2014 ratings): 14 points. */
const CAPD_1 = {
  eyeContact: "SOMETIMES",
  purposefulActions: "OFTEN",
  awareOfSurroundings: "OFTEN",
  communicatesNeedsAndWants: "RARELY",
  restless: "SOMETIMES",
  inconsolable: "NEVER",
  underactive: "OFTEN",
  slowToRespond: "SOMETIMES",
} as const;

const ADULT = {
  ageYears: 54,
  consciousness: "NORMAL",
  seizure: "NONE",
  motor: "NONE",
  icpEdema: "NONE",
  deathDueToIcans: false,
} as const;
const CHILD = { ...ADULT, ageYears: 7 };
const UNAROUSABLE = "UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA";
const NO_ICANS = "Grade 0: no ICANS domain is abnormal and attributable to ICANS.";
const NO_GRADES = { encephalopathy: 0, consciousness: 0, seizure: 0, motor: 0, icpEdema: 0 };

/** The single issue an input raises: its path and message. */
const onlyIssue = (input: unknown) => issuesOf(() => icans.run(input)).map((i) => [i.path, i.message]);

describe("ICE score explained (Lee 2019, ICE table)", () => {
  it("all ten items: 10/10, each section full, normal", () => {
    const r = ice.run(ICE_ALL);
    expect(r.reasons).toEqual([
      "ICE 10/10: orientation 4/4, naming 3/3, commands 1/1, writing 1/1, attention 1/1.",
      "ICE 10 is normal: no ICANS from the ICE domain.",
    ]);
    expect(r.details).toEqual({
      orientation: 4,
      naming: 3,
      commands: 1,
      writing: 1,
      attention: 1,
      icansBandGrade: 0,
    });
  });
  it("ICANS-1 items (hospital and the second object missed): 8/10, the points lost named, the grade 1 band", () => {
    const r = ice.run({ ...ICE_ALL, orientationHospital: false, namingObject2: false });
    expect(r.label).toBe("ICE 8/10");
    expect(r.reasons).toEqual([
      "ICE 8/10: orientation 3/4, naming 2/3, commands 1/1, writing 1/1, attention 1/1.",
      "Points lost: orientation to hospital, naming object 2.",
      "ICE 7–9 is the ICANS grade 1 band of the ICE domain (Lee 2019), if not attributable to another cause.",
    ]);
  });
  it("no item: 0/10, every item named in the table's order, the grade 3 band", () => {
    const r = ice.run(ICE_NONE);
    expect(r.reasons).toEqual([
      "ICE 0/10: orientation 0/4, naming 0/3, commands 0/1, writing 0/1, attention 0/1.",
      "Points lost: orientation to year, orientation to month, orientation to city, orientation to hospital, " +
        "naming object 1, naming object 2, naming object 3, following commands, writing a standard sentence, " +
        "counting backwards from 100 by 10.",
      "ICE 0–2 is the ICANS grade 3 band of the ICE domain (Lee 2019), if not attributable to another cause.",
    ]);
    expect(r.details).toEqual({
      orientation: 0,
      naming: 0,
      commands: 0,
      writing: 0,
      attention: 0,
      icansBandGrade: 3,
    });
  });
  it("ICE 6 (commands, writing, attention and the month missed) is in the 3–6 band", () => {
    const r = ice.run({
      ...ICE_ALL,
      orientationMonth: false,
      followsCommands: false,
      writesStandardSentence: false,
      countsBackwardsBy10: false,
    });
    expect(r.reasons[0]).toBe(
      "ICE 6/10: orientation 3/4, naming 3/3, commands 0/1, writing 0/1, attention 0/1.",
    );
    expect(r.reasons[2]).toBe(
      "ICE 3–6 is the ICANS grade 2 band of the ICE domain (Lee 2019), if not attributable to another cause.",
    );
  });
  it("the bands at their edges: 10 → 0, 9 and 7 → 1, 6 and 3 → 2, 2 and 0 → 3", () => {
    const expected: [number, number][] = [
      [10, 0],
      [9, 1],
      [7, 1],
      [6, 2],
      [3, 2],
      [2, 3],
      [0, 3],
    ];
    for (const [score, band] of expected) expect(iceBandGrade(score), `ICE ${score}`).toBe(band);
  });
});

describe("ICANS reasons for the worked examples (reference notes §2.5, Lee 2019)", () => {
  it("ICANS-1: the items missed, the ICE band, the domain that sets grade 1", () => {
    const items = { ...ICE_ALL, orientationHospital: false, namingObject3: false };
    const r = icans.run({ ...ADULT, iceItems: items, iceOtherCause: false });
    expect(r.reasons).toEqual([
      "ICE items missed: orientation to hospital, naming object 3.",
      "Grade 1: ICE 8/10 (ICE 7–9 → grade 1, Lee 2019).",
      "Grade 1: the most severe domain (ICE) sets the ICANS grade (Lee 2019).",
    ]);
    expect(r.details).toEqual({
      tool: "ICE",
      encephalopathyScore: 8,
      domainGrades: { ...NO_GRADES, encephalopathy: 1 },
    });
  });
  it("ICANS-2: ICE 5 and awakening to voice are both grade 2, both named", () => {
    const r = icans.run({
      ...ADULT,
      ice: 5,
      iceOtherCause: false,
      consciousness: "AWAKENS_TO_VOICE",
      consciousnessOtherCause: false,
    });
    expect(r.reasons).toEqual([
      "Grade 2: ICE 5/10 (ICE 3–6 → grade 2, Lee 2019).",
      "Grade 2: awakens to voice (level of consciousness).",
      "Grade 2: the most severe domain (ICE, level of consciousness) sets the ICANS grade (Lee 2019).",
    ]);
    expect(r.details).toMatchObject({ domainGrades: { ...NO_GRADES, encephalopathy: 2, consciousness: 2 } });
  });
  it("ICANS-3: ICE 3 is grade 2, the rapidly resolving seizure grade 3 sets it", () => {
    const r = icans.run({
      ...ADULT,
      ice: 3,
      iceOtherCause: false,
      seizure: "RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION",
      seizureOtherCause: false,
    });
    expect(r.reasons).toEqual([
      "Grade 2: ICE 3/10 (ICE 3–6 → grade 2, Lee 2019).",
      "Grade 3: seizure that resolved rapidly (or non-convulsive EEG seizure resolving with intervention) (seizure).",
      "Grade 3: the most severe domain (seizure) sets the ICANS grade (Lee 2019).",
    ]);
    expect(r.details).toMatchObject({ domainGrades: { ...NO_GRADES, encephalopathy: 2, seizure: 3 } });
  });
  it("ICANS-4: awake with global aphasia is ICE 0, grade 3 and not 4, and says so", () => {
    const r = icans.run({ ...ADULT, awakeWithGlobalAphasia: true, iceOtherCause: false });
    expect(r.reasons).toEqual([
      "Grade 3: ICE 0/10, awake with global aphasia (ICE 0–2 → grade 3, Lee 2019; awake with global aphasia is grade 3, not 4).",
      "Grade 3: the most severe domain (ICE) sets the ICANS grade (Lee 2019).",
    ]);
    expect(r.details).toMatchObject({ tool: "ICE", encephalopathyScore: 0 });
    // ICE 2 without aphasia: the same band, without the aphasia note
    expect(icans.run({ ...ADULT, ice: 2, iceOtherCause: false }).reasons[0]).toBe(
      "Grade 3: ICE 2/10 (ICE 0–2 → grade 3, Lee 2019).",
    );
  });
  it("ICANS-5: unarousable and unable to do the ICE → grade 4 from both domains", () => {
    const r = icans.run({
      ...ADULT,
      ice: null,
      iceNotPerformableBecauseUnarousable: true,
      consciousness: UNAROUSABLE,
      consciousnessOtherCause: false,
    });
    expect(r.reasons).toEqual([
      "Grade 4: unarousable and unable to perform the ICE (Lee 2019, ICE row, grade 4).",
      "Grade 4: unarousable or needs vigorous stimuli, stupor or coma (level of consciousness).",
      "Grade 4: the most severe domain (ICE, level of consciousness) sets the ICANS grade (Lee 2019).",
    ]);
    expect(r.details).toEqual({
      tool: "ICE",
      encephalopathyScore: 0,
      domainGrades: { ...NO_GRADES, encephalopathy: 4, consciousness: 4 },
    });
  });
  it("ICANS-6: ICE 9 is grade 1, the hemiparesis grade 4 sets it", () => {
    const r = icans.run({
      ...ADULT,
      ice: 9,
      iceOtherCause: false,
      motor: "DEEP_FOCAL_WEAKNESS",
      motorOtherCause: false,
    });
    expect(r.reasons).toEqual([
      "Grade 1: ICE 9/10 (ICE 7–9 → grade 1, Lee 2019).",
      "Grade 4: deep focal motor weakness (hemiparesis or paraparesis) (motor findings).",
      "Grade 4: the most severe domain (motor findings) sets the ICANS grade (Lee 2019).",
    ]);
    expect(r.details).toMatchObject({ domainGrades: { ...NO_GRADES, encephalopathy: 1, motor: 4 } });
  });
  it("ICANS-7: ICE 10 with tremor only → grade 0, tremor left to CTCAE", () => {
    const r = icans.run({ ...ADULT, ice: 10, tremorOrMyoclonus: true });
    expect(r.reasons).toEqual([
      "ICE 10/10: normal (10 = no ICANS from the ICE domain).",
      "Tremor/myoclonus is graded with CTCAE v5.0 and does not count towards ICANS (Lee 2019).",
      NO_ICANS,
    ]);
    expect(r.label).toBe("Grade 0");
    expect(r.details).toEqual({ tool: "ICE", encephalopathyScore: 10, domainGrades: NO_GRADES });
  });
  it("all ten ICE items done: no item named as missed, no ICANS from the ICE", () => {
    const r = icans.run({ ...ADULT, iceItems: ICE_ALL });
    expect(r.reasons).toEqual(["ICE 10/10: normal (10 = no ICANS from the ICE domain).", NO_ICANS]);
    expect(r.details).toEqual({ tool: "ICE", encephalopathyScore: 10, domainGrades: NO_GRADES });
  });
  it("intracranial hemorrhage is named as excluded and sent to CTCAE", () => {
    expect(icans.run({ ...ADULT, ice: 10, intracranialHemorrhage: true }).reasons).toEqual([
      "ICE 10/10: normal (10 = no ICANS from the ICE domain).",
      "Intracranial hemorrhage is excluded from ICANS grading; grade it with CTCAE v5.0 (Lee 2019).",
      NO_ICANS,
    ]);
  });
  it("raised ICP: focal edema grade 3, diffuse edema grade 4, each named", () => {
    const focal = icans.run({ ...ADULT, ice: 10, icpEdema: "FOCAL_LOCAL_EDEMA", icpEdemaOtherCause: false });
    expect(focal.reasons.slice(1)).toEqual([
      "Grade 3: focal/local edema on neuroimaging (raised ICP/cerebral edema).",
      "Grade 3: the most severe domain (raised ICP/cerebral edema) sets the ICANS grade (Lee 2019).",
    ]);
    const diffuse = icans.run({
      ...ADULT,
      ice: 10,
      icpEdema: "DIFFUSE_EDEMA_OR_POSTURING_OR_CN6_PALSY_OR_PAPILLEDEMA_OR_CUSHING_TRIAD",
      icpEdemaOtherCause: false,
      seizure: "PROLONGED_GT_5MIN_OR_REPETITIVE_WITHOUT_RETURN_TO_BASELINE",
      seizureOtherCause: false,
    });
    expect(diffuse.reasons.slice(1)).toEqual([
      "Grade 4: prolonged seizure > 5 min or repetitive seizures without return to baseline (seizure).",
      "Grade 4: diffuse cerebral edema, posturing, cranial nerve VI palsy, papilledema or Cushing's triad (raised ICP/cerebral edema).",
      "Grade 4: the most severe domain (seizure, raised ICP/cerebral edema) sets the ICANS grade (Lee 2019).",
    ]);
    expect(diffuse.details).toMatchObject({ domainGrades: { ...NO_GRADES, seizure: 4, icpEdema: 4 } });
  });
  it("death due to ICANS: grade 5 after the domains' reasons", () => {
    const r = icans.run({ ...ADULT, ice: 0, iceOtherCause: false, deathDueToIcans: true });
    expect(r.value).toBe(5);
    expect(r.label).toBe("Grade 5");
    expect(r.reasons).toEqual([
      "Grade 3: ICE 0/10 (ICE 0–2 → grade 3, Lee 2019).",
      "Grade 5: death due to ICANS with no other principal factor.",
    ]);
    expect(r.details).toMatchObject({ domainGrades: { ...NO_GRADES, encephalopathy: 3 } });
  });
});

describe("ICANS reasons when findings are attributed to another cause (Lee 2019 footnote)", () => {
  it("an ICE deficit attributed elsewhere does not count, and says so", () => {
    expect(icans.run({ ...ADULT, ice: 5, iceOtherCause: true }).reasons).toEqual([
      "ICE 5/10 is attributed to another cause and does not count.",
      NO_ICANS,
    ]);
  });
  it("a seizure attributed elsewhere: the sentence starts with a capital", () => {
    expect(
      icans.run({
        ...ADULT,
        ice: 10,
        seizure: "PROLONGED_GT_5MIN_OR_REPETITIVE_WITHOUT_RETURN_TO_BASELINE",
        seizureOtherCause: true,
      }).reasons,
    ).toEqual([
      "ICE 10/10: normal (10 = no ICANS from the ICE domain).",
      "Prolonged seizure > 5 min or repetitive seizures without return to baseline is attributed to another cause and does not count.",
      NO_ICANS,
    ]);
  });
  it("a motor finding and edema attributed elsewhere each name their own field", () => {
    expect(
      icans.run({
        ...ADULT,
        ice: 10,
        motor: "DEEP_FOCAL_WEAKNESS",
        motorOtherCause: true,
        icpEdema: "FOCAL_LOCAL_EDEMA",
        icpEdemaOtherCause: true,
      }).reasons,
    ).toEqual([
      "ICE 10/10: normal (10 = no ICANS from the ICE domain).",
      "Deep focal motor weakness (hemiparesis or paraparesis) is attributed to another cause and does not count.",
      "Focal/local edema on neuroimaging is attributed to another cause and does not count.",
      NO_ICANS,
    ]);
  });
  it("sedated and unarousable: the ICE domain cannot be graded, consciousness does not count", () => {
    const r = icans.run({
      ...ADULT,
      iceNotPerformableBecauseUnarousable: true,
      consciousness: UNAROUSABLE,
      consciousnessOtherCause: true,
    });
    expect(r.reasons).toEqual([
      "ICE not performable because the patient is unarousable, but the unarousability is attributed to another cause: " +
        "the ICE domain cannot be graded.",
      "Unarousable or needs vigorous stimuli, stupor or coma is attributed to another cause and does not count.",
      NO_ICANS,
    ]);
    expect(r.details).toEqual({ tool: "ICE", encephalopathyScore: null, domainGrades: NO_GRADES });
  });
});

describe("ICANS reasons for children (Lee 2019 paediatric table, CAPD)", () => {
  it("CAPD-1: 14 points ≥ 9 → grade 3", () => {
    const r = icans.run({ ...CHILD, capdItems: CAPD_1, capdOtherCause: false });
    expect(r.reasons).toEqual([
      "Grade 3: CAPD 14/32 ≥ 9 (Lee 2019, pediatric ICANS table).",
      "Grade 3: the most severe domain (CAPD) sets the ICANS grade (Lee 2019).",
    ]);
    expect(r.details).toEqual({
      tool: "CAPD",
      encephalopathyScore: 14,
      domainGrades: { ...NO_GRADES, encephalopathy: 3 },
    });
  });
  it("CAPD 0: no delirium features; CAPD 5: grade 1, and what grade 2 would need", () => {
    expect(icans.run({ ...CHILD, capd: 0 }).reasons).toEqual([
      "CAPD 0/32: no delirium features, no ICANS from the CAPD domain.",
      NO_ICANS,
    ]);
    expect(icans.run({ ...CHILD, capd: 5, capdOtherCause: false }).reasons).toEqual([
      "Grade 1: CAPD 5/32 in 1–8 (Lee 2019, pediatric ICANS table; grade 2 needs the child to awaken only to voice).",
      "Grade 1: the most severe domain (CAPD) sets the ICANS grade (Lee 2019).",
    ]);
  });
  it("a CAPD number that agrees with its items is accepted; an ICE of null beside a CAPD is no ICE", () => {
    expect(icans.run({ ...CHILD, capd: 14, capdItems: CAPD_1, capdOtherCause: false }).value).toBe(3);
    const r = icans.run({ ...CHILD, ice: null, capd: 5, capdOtherCause: false });
    expect(r.value).toBe(1);
    expect(r.details).toMatchObject({ tool: "CAPD", encephalopathyScore: 5 });
  });
  it("CAPD 0 and an ICE deficit attributed elsewhere keep their tool and score in the details", () => {
    expect(icans.run({ ...CHILD, capd: 0 }).details).toEqual({
      tool: "CAPD",
      encephalopathyScore: 0,
      domainGrades: NO_GRADES,
    });
    expect(icans.run({ ...ADULT, ice: 5, iceOtherCause: true }).details).toEqual({
      tool: "ICE",
      encephalopathyScore: 5,
      domainGrades: NO_GRADES,
    });
  });
  it("a CAPD finding attributed elsewhere does not count", () => {
    const r = icans.run({ ...CHILD, capd: 12, capdOtherCause: true });
    expect(r.reasons).toEqual(["CAPD 12/32 is attributed to another cause and does not count.", NO_ICANS]);
    expect(r.details).toEqual({ tool: "CAPD", encephalopathyScore: 12, domainGrades: NO_GRADES });
  });
  it("unable to perform the CAPD, awakening only to touch → grade 4 from the CAPD, 3 from consciousness", () => {
    const r = icans.run({
      ...CHILD,
      capdNotPerformable: true,
      consciousness: "AWAKENS_ONLY_TO_TACTILE",
      consciousnessOtherCause: false,
    });
    expect(r.reasons).toEqual([
      "Grade 4: unable to perform the CAPD (Lee 2019, pediatric ICANS table, grade 4).",
      "Grade 3: awakens only to tactile stimulus (level of consciousness).",
      "Grade 4: the most severe domain (CAPD) sets the ICANS grade (Lee 2019).",
    ]);
    expect(r.details).toEqual({
      tool: "CAPD",
      encephalopathyScore: null,
      domainGrades: { ...NO_GRADES, encephalopathy: 4, consciousness: 3 },
    });
    // an unarousable child cannot do the CAPD either
    expect(
      icans.run({
        ...CHILD,
        capdNotPerformable: true,
        consciousness: UNAROUSABLE,
        consciousnessOtherCause: false,
      }).value,
    ).toBe(4);
  });
  it("unable to perform the CAPD because of sedation: the CAPD domain cannot be graded", () => {
    const r = icans.run({
      ...CHILD,
      capdNotPerformable: true,
      consciousness: "AWAKENS_ONLY_TO_TACTILE",
      consciousnessOtherCause: true,
    });
    expect(r.reasons).toEqual([
      "CAPD not performable, but the depressed consciousness is attributed to another cause: " +
        "the CAPD domain cannot be graded.",
      "Awakens only to tactile stimulus is attributed to another cause and does not count.",
      NO_ICANS,
    ]);
    expect(r.details).toEqual({ tool: "CAPD", encephalopathyScore: null, domainGrades: NO_GRADES });
  });
});

describe("ICANS input checks: each message at its field", () => {
  const requiredIce =
    "Required: give the ICE score or its items, or say why it was not performed (unarousable, or awake with global aphasia)";
  it("the encephalopathy screen is required; the CAPD is offered where it is allowed", () => {
    expect(onlyIssue(ADULT)).toEqual([["/ice", `${requiredIce}.`]]);
    expect(onlyIssue({ ...ADULT, ageYears: 12.5 })).toEqual([
      ["/ice", `${requiredIce}; at this age the CAPD may be given instead.`],
    ]);
    expect(onlyIssue({ ...ADULT, ageYears: 13 })).toEqual([["/ice", `${requiredIce}.`]]);
    // exactly 12: the ICE is asked for (the CAPD group is "under 12" in Lee 2019), the CAPD offered
    expect(onlyIssue({ ...ADULT, ageYears: 12 })).toEqual([
      ["/ice", `${requiredIce}; at this age the CAPD may be given instead.`],
    ]);
    expect(onlyIssue({ ...ADULT, baselineDevelopmentalDelay: true })).toEqual([
      ["/ice", `${requiredIce}; at this age the CAPD may be given instead.`],
    ]);
    expect(onlyIssue({ ...ADULT, ageYears: 11.99 })).toEqual([
      [
        "/capd",
        "Required for a child under 12: give the CAPD score or its items, or say that it could not be performed.",
      ],
    ]);
  });
  it("both tools: the first CAPD field given is named", () => {
    const both = "Give either the ICE (12 years and over) or the CAPD (children), not both.";
    expect(onlyIssue({ ...CHILD, ageYears: 12, capdItems: CAPD_1, capdOtherCause: false, ice: 10 })).toEqual([
      ["/capdItems", both],
    ]);
    expect(
      onlyIssue({
        ...CHILD,
        ageYears: 12,
        capdNotPerformable: true,
        consciousness: UNAROUSABLE,
        consciousnessOtherCause: false,
        iceNotPerformableBecauseUnarousable: true,
      }),
    ).toEqual([["/capdNotPerformable", both]]);
  });
  it("the ICE under 12 and the CAPD from 13: the first field given is named", () => {
    expect(onlyIssue({ ...CHILD, iceItems: ICE_ALL })).toEqual([
      [
        "/iceItems",
        "The ICE is for patients 12 years and over (Lee 2019); use the CAPD for a child under 12.",
      ],
    ]);
    expect(onlyIssue({ ...CHILD, awakeWithGlobalAphasia: true, iceOtherCause: false })).toEqual([
      [
        "/awakeWithGlobalAphasia",
        "The ICE is for patients 12 years and over (Lee 2019); use the CAPD for a child under 12.",
      ],
    ]);
    expect(onlyIssue({ ...ADULT, capdItems: { ...CAPD_1 }, capdOtherCause: false })).toEqual([
      [
        "/capdItems",
        "The CAPD is for children under 12 (12 and under by NCIt), or older patients with baseline developmental " +
          "delay (say so under baseline developmental delay); use the ICE.",
      ],
    ]);
  });
  it("numbers that disagree with their items give both", () => {
    expect(
      onlyIssue({ ...ADULT, ice: 8, iceItems: { ...ICE_ALL, orientationCity: false }, iceOtherCause: false }),
    ).toEqual([["/ice", "The ICE score is 8, but its items add up to 9."]]);
    expect(onlyIssue({ ...CHILD, capd: 13, capdItems: CAPD_1, capdOtherCause: false })).toEqual([
      ["/capd", "The CAPD score is 13, but its items add up to 14."],
    ]);
  });
  it("an ICE said to be not performable must not have a score, and needs an unarousable patient", () => {
    const unarousable = { ...ADULT, consciousness: UNAROUSABLE, consciousnessOtherCause: false };
    expect(
      onlyIssue({ ...unarousable, iceNotPerformableBecauseUnarousable: true, ice: 0, iceOtherCause: false }),
    ).toEqual([
      [
        "/iceNotPerformableBecauseUnarousable",
        "The ICE is said to be not performable, but an ICE score is given.",
      ],
    ]);
    expect(
      onlyIssue({
        ...unarousable,
        iceNotPerformableBecauseUnarousable: true,
        iceItems: ICE_NONE,
        iceOtherCause: false,
      }),
    ).toEqual([
      [
        "/iceNotPerformableBecauseUnarousable",
        "The ICE is said to be not performable, but an ICE score is given.",
      ],
    ]);
    expect(
      onlyIssue({
        ...ADULT,
        consciousness: "AWAKENS_ONLY_TO_TACTILE",
        consciousnessOtherCause: false,
        iceNotPerformableBecauseUnarousable: true,
      }),
    ).toEqual([
      [
        "/consciousness",
        "An ICE not performable because the patient is unarousable needs consciousness recorded as unarousable (stupor or coma).",
      ],
    ]);
    expect(
      onlyIssue({
        ...unarousable,
        iceNotPerformableBecauseUnarousable: true,
        awakeWithGlobalAphasia: true,
        iceOtherCause: false,
      }),
    ).toEqual([
      ["/awakeWithGlobalAphasia", "The patient cannot be both awake with aphasia and unarousable."],
      [
        "/awakeWithGlobalAphasia",
        "A patient awake with global aphasia cannot have consciousness recorded as unarousable (stupor or coma).",
      ],
    ]);
  });
  it("global aphasia is ICE 0: another ICE is refused with the number given", () => {
    expect(onlyIssue({ ...ADULT, ice: 4, awakeWithGlobalAphasia: true, iceOtherCause: false })).toEqual([
      ["/ice", "A patient awake with global aphasia scores ICE 0 (Lee 2019), but the ICE given is 4."],
    ]);
    expect(icans.run({ ...ADULT, ice: 0, awakeWithGlobalAphasia: true, iceOtherCause: false }).value).toBe(3);
  });
  it("a CAPD said to be not performable must not have a score, and needs a child awakening only to touch or less", () => {
    const tactile = { ...CHILD, consciousness: "AWAKENS_ONLY_TO_TACTILE", consciousnessOtherCause: false };
    expect(onlyIssue({ ...tactile, capdNotPerformable: true, capd: 10, capdOtherCause: false })).toEqual([
      ["/capdNotPerformable", "The CAPD is said to be not performable, but a CAPD score is given."],
    ]);
    expect(
      onlyIssue({ ...tactile, capdNotPerformable: true, capdItems: CAPD_1, capdOtherCause: false }),
    ).toEqual([
      ["/capdNotPerformable", "The CAPD is said to be not performable, but a CAPD score is given."],
    ]);
    expect(
      onlyIssue({
        ...CHILD,
        consciousness: "AWAKENS_TO_VOICE",
        consciousnessOtherCause: false,
        capdNotPerformable: true,
      }),
    ).toEqual([
      [
        "/consciousness",
        "A CAPD that could not be performed needs a child who awakens only to touch or is unarousable.",
      ],
    ]);
  });
  it("attribution is asked for exactly when a domain is abnormal (ICE below 10, CAPD above 0)", () => {
    expect(onlyIssue({ ...ADULT, ice: 9 })).toEqual([
      [
        "/iceOtherCause",
        "Required when the ICE is below 10: say whether the deficit is attributable to another cause.",
      ],
    ]);
    expect(onlyIssue({ ...ADULT, awakeWithGlobalAphasia: true })).toEqual([
      [
        "/iceOtherCause",
        "Required when the ICE is below 10: say whether the deficit is attributable to another cause.",
      ],
    ]);
    expect(icans.run({ ...ADULT, ice: 10 }).value).toBe(0);
    expect(onlyIssue({ ...CHILD, capd: 1 })).toEqual([
      [
        "/capdOtherCause",
        "Required when the CAPD is above 0: say whether the finding is attributable to another cause.",
      ],
    ]);
    expect(icans.run({ ...CHILD, capd: 0 }).value).toBe(0);
    expect(onlyIssue({ ...ADULT, ice: 10, consciousness: "DEPRESSED_AWAKENS_SPONTANEOUSLY" })).toEqual([
      [
        "/consciousnessOtherCause",
        "Required when consciousness is depressed: say whether another cause (e.g. sedation) explains it.",
      ],
    ]);
    expect(
      onlyIssue({
        ...ADULT,
        ice: 10,
        seizure: "RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION",
      }),
    ).toEqual([
      [
        "/seizureOtherCause",
        "Required when a seizure is recorded: say whether it is attributable to another cause.",
      ],
    ]);
    expect(onlyIssue({ ...ADULT, ice: 10, motor: "DEEP_FOCAL_WEAKNESS" })).toEqual([
      [
        "/motorOtherCause",
        "Required when a motor finding is recorded: say whether it is attributable to another cause.",
      ],
    ]);
    expect(onlyIssue({ ...ADULT, ice: 10, icpEdema: "FOCAL_LOCAL_EDEMA" })).toEqual([
      [
        "/icpEdemaOtherCause",
        "Required when raised ICP/edema is recorded: say whether it is attributable to another cause.",
      ],
    ]);
  });
});
