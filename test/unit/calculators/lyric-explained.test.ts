/**
 * LYRIC (Cheson BD et al., Blood 2016;128:2489–2496, LYRIC definitions table) explained: every
 * reason, label and detail for the reference notes' worked examples LY-1..LY-3 (clinical-rules.md
 * §4.5) and for each branch of the table (IR1: SPD ≥ +50 % within 12 weeks without clinical
 * deterioration; IR2a/IR2b: SPD below +50 % with new lesions or a ≥ 50 % PPD increase; IR3: FDG
 * uptake up without a size or number increase meeting PD; any other PD finding stays PD), written
 * out by hand; and each input check's field and message. Written for the mutation run (issue 16):
 * the categories were already tested in lymphoma-response.test.ts.
 */
import { describe, expect, it } from "vitest";
import { lyric } from "../../../src/domain/calculators/lymphoma-response/lyric.ts";
import { issuesOf } from "../../support/validation.ts";

const pdInput = (o: Record<string, unknown>) => ({
  luganoResponse: "PD",
  daysSinceTherapyStart: 42,
  clinicalDeterioration: false,
  nadirSpdMm2: 1000,
  currentSpdMm2: 1000,
  newLesions: false,
  lesionPpdIncreaseAtLeast50Percent: false,
  fdgUptakeIncreased: false,
  otherProgression: false,
  ...o,
});
const pd = (o: Record<string, unknown>) => lyric.run(pdInput(o));
const issues = (input: unknown) => issuesOf(() => lyric.run(input)).map((i) => [i.path, i.message]);

const PROVISIONAL =
  "IR is provisional: confirm flare/pseudo-progression or true PD by biopsy or repeat imaging (Cheson 2016).";
const DETERIORATION =
  "Clinical deterioration is reported: LYRIC lets IR be assigned, but consider confirming by biopsy promptly.";
const ANY_TIME = "at any time during treatment (Cheson 2016).";
const NEW = "new lesion(s)";
const PPD = "a ≥ 50 % PPD increase of a lesion or set of lesions";

describe("LYRIC explained (Cheson 2016)", () => {
  it("LY-1: day 42, SPD 1000 → 1600 mm² (+60 %), clinically well → IR1, provisional", () => {
    const r = pd({ currentSpdMm2: 1600 });
    expect(r.reasons).toEqual([
      "SPD 1000 → 1600 mm² (+60 % from nadir): ≥ +50 % on day 42, within the first 12 weeks (≤ day 84), " +
        "without clinical deterioration → IR1 (Cheson 2016).",
      PROVISIONAL,
    ]);
    expect(r.label).toBe("IR1 (indeterminate response)");
    expect(r.details).toStrictEqual({
      luganoResponse: "PD",
      spdChangeFromNadirPercent: 60,
      daysSinceTherapyStart: 42,
      irCategory: "IR1",
    });
  });

  it("IR1 at day 84 exactly and at exactly +50 %", () => {
    expect(pd({ daysSinceTherapyStart: 84, currentSpdMm2: 1500 }).reasons[0]).toBe(
      "SPD 1000 → 1500 mm² (+50 % from nadir): ≥ +50 % on day 84, within the first 12 weeks (≤ day 84), " +
        "without clinical deterioration → IR1 (Cheson 2016).",
    );
  });

  it("≥ +50 % on day 85 stays PD, said as after the first 12 weeks", () => {
    const r = pd({ daysSinceTherapyStart: 85, currentSpdMm2: 1600 });
    expect(r.value).toBe("PD");
    expect(r.reasons).toEqual([
      "SPD 1000 → 1600 mm² (+60 % from nadir): ≥ +50 %, on day 85, after the first 12 weeks (> day 84) → not IR1; " +
        "stays PD (Cheson 2016).",
    ]);
    expect(r.label).toBe("PD (progressive disease)");
    expect(r.details).toStrictEqual({
      luganoResponse: "PD",
      spdChangeFromNadirPercent: 60,
      daysSinceTherapyStart: 85,
    });
  });

  it("≥ +50 % with clinical deterioration stays PD, early or late", () => {
    const line =
      "SPD 1000 → 1600 mm² (+60 % from nadir): ≥ +50 %, with clinical deterioration → not IR1; stays PD (Cheson 2016).";
    expect(pd({ currentSpdMm2: 1600, clinicalDeterioration: true }).reasons).toEqual([line]);
    expect(
      pd({ daysSinceTherapyStart: 120, currentSpdMm2: 1600, clinicalDeterioration: true }).reasons,
    ).toEqual([line]);
  });

  it("LY-2: SPD 1000 → 700 mm² (−30 %) with a new node → IR2a", () => {
    const r = pd({ currentSpdMm2: 700, newLesions: true });
    expect(r.reasons).toEqual([
      `SPD 1000 → 700 mm² (−30 % from nadir): below +50 %, with ${NEW} → IR2 (IR2a), ${ANY_TIME}`,
      PROVISIONAL,
    ]);
    expect(r.label).toBe("IR2 (indeterminate response)");
    expect(r.details).toStrictEqual({
      luganoResponse: "PD",
      spdChangeFromNadirPercent: -30,
      daysSinceTherapyStart: 42,
      irCategory: "IR2",
      irSubtypes: ["IR2a"],
    });
  });

  it("IR2b alone, and IR2a with IR2b under clinical deterioration (the biopsy advice added)", () => {
    const b = pd({ currentSpdMm2: 1200, lesionPpdIncreaseAtLeast50Percent: true });
    expect(b.reasons).toEqual([
      `SPD 1000 → 1200 mm² (+20 % from nadir): below +50 %, with ${PPD} → IR2 (IR2b), ${ANY_TIME}`,
      PROVISIONAL,
    ]);
    expect(b.details?.irSubtypes).toEqual(["IR2b"]);
    const ab = pd({
      daysSinceTherapyStart: 200,
      currentSpdMm2: 1499,
      newLesions: true,
      lesionPpdIncreaseAtLeast50Percent: true,
      clinicalDeterioration: true,
    });
    expect(ab.reasons).toEqual([
      `SPD 1000 → 1499 mm² (+49.9 % from nadir): below +50 %, with ${NEW} and ${PPD} → IR2 (IR2a, IR2b), ${ANY_TIME}`,
      DETERIORATION,
      PROVISIONAL,
    ]);
    expect(ab.details?.irSubtypes).toEqual(["IR2a", "IR2b"]);
  });

  it("LY-3: PMD with FDG uptake up, size unchanged, no new lesions → IR3", () => {
    const r = pd({ luganoResponse: "PMD", fdgUptakeIncreased: true });
    expect(r.reasons).toEqual([
      "FDG uptake increased without an increase in lesion size or number meeting PD " +
        "(SPD 1000 → 1000 mm² (0 % from nadir), no new lesions, no ≥ 50 % PPD increase) → IR3 (Cheson 2016).",
      PROVISIONAL,
    ]);
    expect(r.label).toBe("IR3 (indeterminate response)");
    expect(r.details).toStrictEqual({
      luganoResponse: "PMD",
      spdChangeFromNadirPercent: 0,
      daysSinceTherapyStart: 42,
      irCategory: "IR3",
    });
    const worse = pd({
      luganoResponse: "PMD",
      fdgUptakeIncreased: true,
      clinicalDeterioration: true,
      currentSpdMm2: 900,
    });
    expect(worse.reasons).toEqual([
      "FDG uptake increased without an increase in lesion size or number meeting PD " +
        "(SPD 1000 → 900 mm² (−10 % from nadir), no new lesions, no ≥ 50 % PPD increase) → IR3 (Cheson 2016).",
      DETERIORATION,
      PROVISIONAL,
    ]);
  });

  it("other progression stays PD (or PMD), with the SPD quoted", () => {
    const r = pd({ otherProgression: true });
    expect(r.reasons).toEqual([
      "Progression outside the LYRIC IR categories (otherProgression: marrow, spleen or non-measured lesions) stays " +
        "PD (Cheson 2016).",
      "SPD 1000 → 1000 mm² (0 % from nadir).",
    ]);
    expect(r.label).toBe("PD (progressive disease)");
    expect(r.details).toStrictEqual({
      luganoResponse: "PD",
      spdChangeFromNadirPercent: 0,
      daysSinceTherapyStart: 42,
    });
    const pmd = pd({
      luganoResponse: "PMD",
      otherProgression: true,
      currentSpdMm2: 1600,
      fdgUptakeIncreased: true,
    });
    expect(pmd.value).toBe("PMD");
    expect(pmd.label).toBe("PMD (progressive disease)");
  });

  it("a decimal SPD is shown to one decimal", () => {
    expect(pd({ nadirSpdMm2: 812.25, currentSpdMm2: 1300.5 }).reasons[0]).toMatch(
      /^SPD 812\.3 → 1300\.5 mm² \(\+60\.1 % from nadir\): ≥ \+50 % on day 42/,
    );
  });

  it("a Lugano response other than PD stands, said so", () => {
    const r = lyric.run({ luganoResponse: "PR", newLesions: false });
    expect(r.reasons).toEqual([
      "Lugano response PR is not PD; LYRIC changes only PD, so the Lugano response stands (Cheson 2016).",
    ]);
    expect(r.label).toBe("PR");
    expect(r.details).toStrictEqual({ luganoResponse: "PR" });
    expect(lyric.run({ luganoResponse: "NMR" }).value).toBe("NMR");
  });

  describe("input checks: each message at its field", () => {
    it("a PD needs every finding, each named in order", () => {
      const fields = [
        "daysSinceTherapyStart",
        "clinicalDeterioration",
        "nadirSpdMm2",
        "currentSpdMm2",
        "newLesions",
        "lesionPpdIncreaseAtLeast50Percent",
        "fdgUptakeIncreased",
        "otherProgression",
      ];
      const words = [
        "the days since the start of therapy",
        "whether the patient deteriorated clinically",
        "the nadir SPD (mm²)",
        "the current SPD (mm²)",
        "whether there are new lesions",
        "whether a lesion's PPD rose by 50 % or more",
        "whether FDG uptake increased",
        "whether there is other progression",
      ];
      expect(issues({ luganoResponse: "PMD" })).toEqual(
        fields.map((f, i) => [
          `/${f}`,
          `Required when the Lugano response is PMD (LYRIC decides between IR and PD from it): ${words[i]}.`,
        ]),
      );
    });
    it("each cross-field issue carries its check's own code", () => {
      const codes = (i: unknown) => issuesOf(() => lyric.run(i)).map((x) => x.code);
      expect(
        codes({
          luganoResponse: "PD",
          daysSinceTherapyStart: 3,
          clinicalDeterioration: false,
          nadirSpdMm2: 10,
          currentSpdMm2: 20,
          newLesions: false,
          lesionPpdIncreaseAtLeast50Percent: false,
          fdgUptakeIncreased: false,
        }),
      ).toEqual(["lyric_pd_finding_required"]);
      expect(codes({ luganoResponse: "CR", newLesions: true })).toEqual(["lyric_new_lesions_not_pd"]);
    });
    it("new lesions with a response other than PD", () => {
      expect(issues({ luganoResponse: "SD", newLesions: true })).toEqual([
        ["/newLesions", "New lesions are PD under Lugano 2014, but the Lugano response is SD"],
      ]);
    });
    it("a PD with no progression finding", () => {
      expect(issues(pdInput({ currentSpdMm2: 1100 }))).toEqual([
        [
          "/luganoResponse",
          "The Lugano response is PD, but no progression finding is given: SPD +10 % from nadir (below +50 %), " +
            "no new lesions, no ≥ 50 % PPD increase of a lesion, no increase in FDG uptake and no other progression",
        ],
      ]);
    });
  });
});
