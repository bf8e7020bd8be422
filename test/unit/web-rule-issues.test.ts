/**
 * A calculator's input checks in the reader's language (issue 11: server errors translated by
 * their stable code): each CRS check carries its own issue code (CRS_CHECKS); the English
 * catalogue says what the server says for the checks whose sentence quotes nothing entered; the
 * web app shows the server's sentence in English and the catalogue's in Chinese.
 */
import { afterAll, describe, expect, it } from "vitest";
import { CRS_CHECKS, crs } from "../../src/domain/calculators/crs-icans/crs.ts";
import { ICANS_CHECKS, icans } from "../../src/domain/calculators/crs-icans/icans.ts";
import { LD_CHECKS } from "../../src/domain/calculators/dosing-kinetics/lymphodepletion.ts";
import { CTCAE_CHECKS, ctcaeHematology } from "../../src/domain/calculators/hematologic/ctcae.ts";
import { issueMessage } from "../../web/src/api/problem-errors.ts";
import { en } from "../../web/src/i18n/en.ts";
import { i18n } from "../../web/src/i18n/index.ts";
import { zhCN } from "../../web/src/i18n/zh-CN.ts";
import { expectChecksWorded } from "../support/rule-issues.ts";
import { issuesOf } from "../support/validation.ts";

const AFEBRILE = {
  tempMaxC: 37.0,
  crsAlreadyDiagnosed: false,
  hypotension: "NONE",
  oxygenDevice: "NONE",
  deathDueToCrs: false,
};
/** One input per check, each raising it. */
const RAISING: Record<(typeof CRS_CHECKS)[number], Record<string, unknown>> = {
  crs_fever_other_cause_required: { tempMaxC: 38.0 },
  crs_fever_masking_required: { crsAlreadyDiagnosed: true },
  crs_fever_masking_without_crs: { feverMaskingTherapyGiven: true },
  crs_hypotension_other_cause_required: { hypotension: "NO_VASOPRESSOR" },
  crs_vasopressor_twice: { vasopressors: ["DOPAMINE", "DOPAMINE"] },
  crs_vasopressors_without_hypotension: { vasopressors: ["DOPAMINE"] },
  crs_hypotension_mismatch: {
    hypotension: "MULTIPLE_VASOPRESSORS",
    hypotensionOtherCause: false,
    vasopressors: ["NOREPINEPHRINE", "VASOPRESSIN"],
  },
  crs_nasal_cannula_flow_required: { oxygenDevice: "NASAL_CANNULA", hypoxiaOtherCause: false },
  crs_flow_without_oxygen: { oxygenFlowLpm: 2 },
  crs_hfnc_low_flow: { oxygenDevice: "HFNC", oxygenFlowLpm: 6, hypoxiaOtherCause: false },
  crs_hypoxia_other_cause_required: { oxygenDevice: "NON_REBREATHER" },
};
/** The checks whose English sentence quotes values entered, so the catalogue's English is a summary. */
const QUOTING = new Set(["crs_hypotension_mismatch", "crs_hfnc_low_flow"]);

afterAll(async () => {
  await i18n.changeLanguage("en");
});

describe("CRS input checks by their codes", () => {
  it("each check raises its own code at its field; every code is worded in both catalogues", () => {
    expectChecksWorded((input) => crs.run({ ...AFEBRILE, ...input }), RAISING, CRS_CHECKS, QUOTING);
  });

  it("the web app says the server's sentence in English and the catalogue's in Chinese", async () => {
    const [hfnc] = issuesOf(() => crs.run({ ...AFEBRILE, ...RAISING.crs_hfnc_low_flow }));
    const problemIssue = { pointer: hfnc!.path, detail: hfnc!.message, code: hfnc!.code };
    await i18n.changeLanguage("en");
    expect(issueMessage(problemIssue)).toBe(
      "HFNC is high-flow nasal cannula, > 6 L/min (Lee 2019); at 6 L/min record a (low-flow) nasal cannula.",
    );
    await i18n.changeLanguage("zh-CN");
    expect(issueMessage(problemIssue)).toBe(
      "HFNC 为高流量鼻导管，流量 > 6 L/min（Lee 2019）；流量不超过 6 L/min 时请记录为（低流量）鼻导管。",
    );
    // An unknown rule code still gets the generic sentence, never the English.
    expect(
      issueMessage({ pointer: "/x", detail: "Something in English.", code: "no_such_rule" }),
    ).not.toMatch(/English/);
  });
});

const ADULT = {
  ageYears: 54,
  consciousness: "NORMAL",
  seizure: "NONE",
  motor: "NONE",
  icpEdema: "NONE",
  deathDueToIcans: false,
};
const CHILD = { ...ADULT, ageYears: 7 };
const ICE_ALL = Object.fromEntries(
  [
    "orientationYear",
    "orientationMonth",
    "orientationCity",
    "orientationHospital",
    "namingObject1",
    "namingObject2",
    "namingObject3",
    "followsCommands",
    "writesStandardSentence",
    "countsBackwardsBy10",
  ].map((k) => [k, true]),
);
const CAPD_0 = {
  eyeContact: "ALWAYS",
  purposefulActions: "ALWAYS",
  awareOfSurroundings: "ALWAYS",
  communicatesNeedsAndWants: "ALWAYS",
  restless: "NEVER",
  inconsolable: "NEVER",
  underactive: "NEVER",
  slowToRespond: "NEVER",
};
const UNAROUSABLE = "UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA";
/** One input per ICANS check, each raising it. */
const ICANS_RAISING: Record<(typeof ICANS_CHECKS)[number], Record<string, unknown>> = {
  icans_ice_and_capd: { ...ADULT, ice: 10, capd: 0 },
  icans_capd_required: CHILD,
  icans_ice_required: ADULT,
  icans_ice_under_12: { ...CHILD, ice: 10 },
  icans_capd_over_12: { ...ADULT, capd: 0 },
  icans_ice_items_mismatch: { ...ADULT, ice: 9, iceItems: ICE_ALL },
  icans_ice_not_performable_with_score: {
    ...ADULT,
    ice: 0,
    iceNotPerformableBecauseUnarousable: true,
    consciousness: UNAROUSABLE,
    consciousnessOtherCause: false,
    iceOtherCause: false,
  },
  icans_unarousable_consciousness: { ...ADULT, iceNotPerformableBecauseUnarousable: true },
  icans_aphasia_and_unarousable: {
    ...ADULT,
    iceNotPerformableBecauseUnarousable: true,
    awakeWithGlobalAphasia: true,
    consciousness: UNAROUSABLE,
    consciousnessOtherCause: false,
  },
  icans_aphasia_ice: { ...ADULT, ice: 3, awakeWithGlobalAphasia: true, iceOtherCause: false },
  icans_aphasia_contradicts_unarousable: {
    ...ADULT,
    awakeWithGlobalAphasia: true,
    consciousness: UNAROUSABLE,
    consciousnessOtherCause: false,
    iceOtherCause: false,
  },
  icans_ice_other_cause_required: { ...ADULT, ice: 8 },
  icans_capd_items_mismatch: { ...CHILD, capd: 3, capdItems: CAPD_0 },
  icans_capd_not_performable_with_score: {
    ...CHILD,
    capd: 0,
    capdNotPerformable: true,
    consciousness: UNAROUSABLE,
    consciousnessOtherCause: false,
  },
  icans_capd_not_performable_consciousness: { ...CHILD, capdNotPerformable: true },
  icans_capd_other_cause_required: { ...CHILD, capd: 9 },
  icans_consciousness_other_cause_required: { ...ADULT, ice: 10, consciousness: "AWAKENS_TO_VOICE" },
  icans_seizure_other_cause_required: {
    ...ADULT,
    ice: 10,
    seizure: "RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION",
  },
  icans_motor_other_cause_required: { ...ADULT, ice: 10, motor: "DEEP_FOCAL_WEAKNESS" },
  icans_icp_edema_other_cause_required: { ...ADULT, ice: 10, icpEdema: "FOCAL_LOCAL_EDEMA" },
};
const ICANS_QUOTING = new Set([
  "icans_ice_required",
  "icans_ice_items_mismatch",
  "icans_aphasia_ice",
  "icans_capd_items_mismatch",
]);

describe("ICANS input checks by their codes", () => {
  it("each check raises its own code at its field; every code is worded in both catalogues", () => {
    expectChecksWorded((input) => icans.run(input), ICANS_RAISING, ICANS_CHECKS, ICANS_QUOTING);
  });
});

/** One input per CTCAE check, each raising it. */
const CTCAE_RAISING: Record<(typeof CTCAE_CHECKS)[number], Record<string, unknown>> = {
  ctcae_no_term: {},
  ctcae_lln_required: { neutrophils: { countCellsPerUL: 1500 } },
  ctcae_hb_lln_required: { anemia: { hemoglobinGPerDL: 10.5 } },
  ctcae_fn_duration_required: { febrileNeutropenia: { ancCellsPerUL: 400, maxTemperatureC: 38.1 } },
  ctcae_fn_spell_impossible: {
    febrileNeutropenia: { ancCellsPerUL: 400, maxTemperatureC: 37.9, longestSpellAtOrAbove38CMinutes: 30 },
  },
};

describe("CTCAE haematology input checks by their codes", () => {
  it("each check raises its own code; every code is worded in both catalogues", () => {
    // Every CTCAE sentence but the empty form's quotes the values entered.
    const quoting = new Set(CTCAE_CHECKS.filter((c) => c !== "ctcae_no_term"));
    expectChecksWorded((input) => ctcaeHematology.run(input), CTCAE_RAISING, CTCAE_CHECKS, quoting);
  });
});

describe("lymphodepletion input checks by their codes", () => {
  it("every code is worded in both catalogues (each is raised in lymphodepletion-explained.test.ts)", () => {
    for (const code of LD_CHECKS) {
      expect((en.issue.rule as Record<string, string>)[code], code).toBeTruthy();
      expect((zhCN.issue.rule as Record<string, string>)[code], code).toMatch(/\p{Script=Han}/u);
    }
  });
});
