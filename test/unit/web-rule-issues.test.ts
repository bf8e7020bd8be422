/**
 * A calculator's input checks in the reader's language (issue 11: server errors translated by
 * their stable code): each CRS check carries its own issue code (CRS_CHECKS); the English
 * catalogue says what the server says for the checks whose sentence quotes nothing entered; the
 * web app shows the server's sentence in English and the catalogue's in Chinese.
 */
import { afterAll, describe, expect, it } from "vitest";
import { CRS_CHECKS, crs } from "../../src/domain/calculators/crs-icans/crs.ts";
import { issueMessage } from "../../web/src/api/problem-errors.ts";
import { en } from "../../web/src/i18n/en.ts";
import { i18n } from "../../web/src/i18n/index.ts";
import { zhCN } from "../../web/src/i18n/zh-CN.ts";
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
    for (const [code, input] of Object.entries(RAISING)) {
      const issues = issuesOf(() => crs.run({ ...AFEBRILE, ...input }));
      expect(
        issues.map((i) => i.code),
        code,
      ).toContain(code);
      const rule = (c: typeof en) => (c.issue.rule as Record<string, string>)[code];
      expect(rule(en), code).toBeTruthy();
      expect(rule(zhCN), code).toMatch(/\p{Script=Han}/u);
      if (!QUOTING.has(code)) expect(rule(en), code).toBe(issues.find((i) => i.code === code)!.message);
    }
    expect(Object.keys(RAISING).sort()).toEqual([...CRS_CHECKS].sort());
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
