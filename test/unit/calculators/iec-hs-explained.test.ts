/**
 * IEC-HS (Hines et al. 2023) explained at the edges the mutation run found (issue 16): each input
 * check's field, code and message; a baseline equal to the ULN (ferritin and transaminases) is
 * not "above ULN", so the limit is worded against the ULN; ferritin rising rapidly with neither
 * ULN nor baseline; an empty list of supportive features says nothing. The worked examples HS-1..HS-3
 * are in hematologic.test.ts.
 */
import { describe, expect, it } from "vitest";
import { iecHs } from "../../../src/domain/calculators/hematologic/iec-hs.ts";
import { issuesOf } from "../../support/validation.ts";

const NEGATIVE = {
  ferritinNgPerML: 500,
  ferritinUlnNgPerML: 300,
  ferritinBaselineNgPerML: 250,
  ferritinRisingRapidly: false,
  onsetWithResolvingCrsOrWorseningAfterImprovement: false,
  cytopeniaNewOrWorsening: false,
  hemophagocytosis: "NOT_ASSESSED",
};
const run = (over: Record<string, unknown>) => iecHs.run({ ...NEGATIVE, ...over });
const issues = (over: Record<string, unknown>) =>
  issuesOf(() => run(over)).map((i) => [i.path, i.code, i.message]);
const NOT_TIMING = "Timing criterion not met: onset not with resolving CRS nor after initial improvement.";
const TAIL = ["Fibrinogen: not given.", "No new or worsening cytopenia.", "Haemophagocytosis not assessed."];

describe("IEC-HS input checks", () => {
  it("ferritin not rising rapidly needs its ULN and baseline, each asked for at its field", () => {
    expect(issues({ ferritinUlnNgPerML: undefined, ferritinBaselineNgPerML: undefined })).toEqual([
      [
        "/ferritinUlnNgPerML",
        "iec_hs_ferritin_uln_required",
        "Ferritin ULN is required to judge '> 2 × ULN or baseline' when ferritin is not rising rapidly",
      ],
      [
        "/ferritinBaselineNgPerML",
        "iec_hs_ferritin_baseline_required",
        "Baseline ferritin is required to judge '> 2 × ULN or baseline' when ferritin is not rising rapidly",
      ],
    ]);
  });
  it("ferritin rising rapidly: both or neither, the missing one named", () => {
    const both = "Give both ferritin ULN and baseline (or neither, when ferritin is rising rapidly)";
    expect(issues({ ferritinRisingRapidly: true, ferritinBaselineNgPerML: undefined })).toEqual([
      ["/ferritinBaselineNgPerML", "iec_hs_ferritin_both", both],
    ]);
    expect(issues({ ferritinRisingRapidly: true, ferritinUlnNgPerML: undefined })).toEqual([
      ["/ferritinUlnNgPerML", "iec_hs_ferritin_both", both],
    ]);
  });
  it("fibrinogen of exactly 150 mg/dL is not below 150, so its LLN decides and must be given", () => {
    expect(issues({ fibrinogen: { valueMgPerDL: 150 } })).toEqual([
      [
        "/fibrinogen/llnMgPerDL",
        "iec_hs_fibrinogen_lln_required",
        "Fibrinogen 150 mg/dL is ≥ 150: '< LLN' decides, and the LLN is missing",
      ],
    ]);
    expect(() => run({ fibrinogen: { valueMgPerDL: 149.9 } })).not.toThrow();
  });
  it("a supportive feature listed twice", () => {
    expect(issues({ supportiveFeatures: ["SPLENOMEGALY", "SPLENOMEGALY"] })).toEqual([
      ["/supportiveFeatures", "iec_hs_feature_twice", "A supportive feature is listed twice"],
    ]);
  });
});

describe("IEC-HS explained at the edges", () => {
  it("ferritin rising rapidly with neither ULN nor baseline: the criterion met by the rise alone", () => {
    const r = run({
      ferritinRisingRapidly: true,
      ferritinUlnNgPerML: undefined,
      ferritinBaselineNgPerML: undefined,
    });
    expect(r.reasons).toEqual([
      "IEC-HS screen negative: missing the timing criterion; at least one of transaminase rise, hypofibrinogenaemia, new/worsening cytopenia, haemophagocytosis (Hines 2023).",
      "Ferritin criterion met: ferritin rising rapidly.",
      NOT_TIMING,
      "Transaminases: not given.",
      ...TAIL,
    ]);
  });
  it("a ferritin baseline equal to the ULN is not above it: 700 > 2 × ULN 300", () => {
    expect(run({ ferritinNgPerML: 700, ferritinBaselineNgPerML: 300 }).reasons[1]).toBe(
      "Ferritin criterion met: ferritin 700 ng/mL is > 600 ng/mL = 2 × ULN 300 (baseline 300 ≤ ULN); not rising rapidly.",
    );
  });
  it("an ALT baseline equal to the ULN is not above it: 121 against 5 × ULN 40 = 200", () => {
    expect(run({ alt: { valueUPerL: 121, ulnUPerL: 40, baselineUPerL: 40 } }).reasons[3]).toBe(
      "Transaminases: ALT 121 U/L is not > 200 U/L = 5 × ULN 40 U/L (baseline 40 ≤ ULN).",
    );
  });
  it("an empty list of supportive features adds no sentence", () => {
    const r = run({ supportiveFeatures: [] });
    expect(r.reasons).toHaveLength(7);
    expect(r.reasons.at(-1)).toBe("Haemophagocytosis not assessed.");
  });
});
