/**
 * CAR-HEMATOTOX (Rejeski et al., Blood 2021) explained: every reason, label, detail and warning of
 * the reference notes' worked examples (HT-1..HT-4, reference notes §3.4) and of each band's lower
 * and upper edge, written out by hand from the score's point table. Written for the mutation run
 * (issue 16): the scores were already tested in hematologic.test.ts; these pin what the score says.
 */
import { describe, expect, it } from "vitest";
import { carHematotox } from "../../../src/domain/calculators/hematologic/car-hematotox.ts";
import { issuesOf } from "../../support/validation.ts";

const HT_1 = {
  plateletsCellsPerUL: 200_000,
  ancCellsPerUL: 3000,
  hemoglobinGPerDL: 12.0,
  crpMgPerDL: 0.5,
  ferritinNgPerML: 300,
  indication: "LBCL",
};
const run = (over: Record<string, unknown> = {}) => carHematotox.run({ ...HT_1, ...over });
const reasonsOf = (over: Record<string, unknown> = {}) => run(over).reasons;

describe("CAR-HEMATOTOX explained, worked examples", () => {
  it("HT-1: 200,000 / 3000 / 12.0 / CRP 0.5 mg/dL / ferritin 300 → 0 points, low risk, every item at 0", () => {
    const r = run();
    expect(r.label).toBe("0 points, low risk");
    expect(r.reasons).toEqual([
      "CAR-HEMATOTOX 0 point(s): low risk (0–1) (Rejeski 2021).",
      "Platelets 200000/µL: 0 point(s) (> 175,000/µL).",
      "ANC 3000/µL: 0 point(s) (≥ 1200/µL).",
      "Hb 12 g/dL: 0 point(s) (≥ 9.0 g/dL).",
      "CRP 0.5 mg/dL: 0 point(s) (< 3.0 mg/dL).",
      "Ferritin 300 ng/mL: 0 point(s) (< 650 ng/mL).",
    ]);
    expect(r.details).toStrictEqual({
      points: { platelets: 0, anc: 0, hemoglobin: 0, crp: 0, ferritin: 0 },
      crpMgPerDL: 0.5,
      indication: "LBCL",
      validation: "validated",
    });
    expect(r.warnings ?? []).toEqual([]);
    expect(r.reasonCodes?.map((c) => c?.code)).toEqual([
      "hematotox.score.low",
      "hematotox.platelets",
      "hematotox.anc",
      "hematotox.hb",
      "hematotox.crpMgDl",
      "hematotox.ferritin",
    ]);
  });

  it("HT-2: 120,000 / 2000 / 10.5 / CRP 4.2 mg/dL / ferritin 900 → 1 + 0 + 0 + 1 + 1 = 3 points, high risk", () => {
    const r = run({
      plateletsCellsPerUL: 120_000,
      ancCellsPerUL: 2000,
      hemoglobinGPerDL: 10.5,
      crpMgPerDL: 4.2,
      ferritinNgPerML: 900,
    });
    expect(r.label).toBe("3 points, high risk");
    expect(r.reasons).toEqual([
      "CAR-HEMATOTOX 3 point(s): high risk (≥ 2) (Rejeski 2021).",
      "Platelets 120000/µL: 1 point(s) (75,000–175,000/µL).",
      "ANC 2000/µL: 0 point(s) (≥ 1200/µL).",
      "Hb 10.5 g/dL: 0 point(s) (≥ 9.0 g/dL).",
      "CRP 4.2 mg/dL: 1 point(s) (≥ 3.0 mg/dL).",
      "Ferritin 900 ng/mL: 1 point(s) (650–2000 ng/mL).",
    ]);
  });

  it("HT-3: 60,000 / 900 / 8.5 / CRP 1.0 mg/dL / ferritin 2500 → 2 + 1 + 1 + 0 + 2 = 6 points, high risk", () => {
    const r = run({
      plateletsCellsPerUL: 60_000,
      ancCellsPerUL: 900,
      hemoglobinGPerDL: 8.5,
      crpMgPerDL: 1.0,
      ferritinNgPerML: 2500,
    });
    expect(r.label).toBe("6 points, high risk");
    expect(r.reasons).toEqual([
      "CAR-HEMATOTOX 6 point(s): high risk (≥ 2) (Rejeski 2021).",
      "Platelets 60000/µL: 2 point(s) (< 75,000/µL).",
      "ANC 900/µL: 1 point(s) (< 1200/µL).",
      "Hb 8.5 g/dL: 1 point(s) (< 9.0 g/dL).",
      "CRP 1 mg/dL: 0 point(s) (< 3.0 mg/dL).",
      "Ferritin 2500 ng/mL: 2 point(s) (> 2000 ng/mL).",
    ]);
    expect(r.details?.points).toStrictEqual({ platelets: 2, anc: 1, hemoglobin: 1, crp: 0, ferritin: 2 });
  });

  it("HT-4: CRP 25 mg/L is 2.5 mg/dL, 0 points: 1 point in all, low risk; the details give CRP in mg/dL", () => {
    const r = run({
      plateletsCellsPerUL: 180_000,
      ancCellsPerUL: 1500,
      hemoglobinGPerDL: 11.0,
      crpMgPerDL: undefined,
      crpMgPerL: 25,
      ferritinNgPerML: 700,
    });
    expect(r.label).toBe("1 point, low risk");
    expect(r.reasons).toEqual([
      "CAR-HEMATOTOX 1 point(s): low risk (0–1) (Rejeski 2021).",
      "Platelets 180000/µL: 0 point(s) (> 175,000/µL).",
      "ANC 1500/µL: 0 point(s) (≥ 1200/µL).",
      "Hb 11 g/dL: 0 point(s) (≥ 9.0 g/dL).",
      "CRP 25 mg/L (= 2.5 mg/dL): 0 point(s) (< 3.0 mg/dL).",
      "Ferritin 700 ng/mL: 1 point(s) (650–2000 ng/mL).",
    ]);
    expect(r.details).toStrictEqual({
      points: { platelets: 0, anc: 0, hemoglobin: 0, crp: 0, ferritin: 1 },
      crpMgPerDL: 2.5,
      indication: "LBCL",
      validation: "validated",
    });
    expect(r.reasonCodes?.[4]).toStrictEqual({
      code: "hematotox.crpMgL",
      params: { crp: "25", crpMgDl: "2.5", points: 0, range: "< 3.0" },
    });
  });

  it("CRP 30 mg/L is exactly the 3.0 mg/dL cut-off: 1 point, said in both units", () => {
    expect(reasonsOf({ crpMgPerDL: undefined, crpMgPerL: 30 })[4]).toBe(
      "CRP 30 mg/L (= 3 mg/dL): 1 point(s) (≥ 3.0 mg/dL).",
    );
  });
});

describe("CAR-HEMATOTOX explained, each band's sentence at its edges", () => {
  it.each([
    [175_001, "Platelets 175001/µL: 0 point(s) (> 175,000/µL)."],
    [175_000, "Platelets 175000/µL: 1 point(s) (75,000–175,000/µL)."],
    [75_000, "Platelets 75000/µL: 1 point(s) (75,000–175,000/µL)."],
    [74_999, "Platelets 74999/µL: 2 point(s) (< 75,000/µL)."],
  ])("platelets %d/µL", (plt, sentence) => {
    expect(reasonsOf({ plateletsCellsPerUL: plt })[1]).toBe(sentence);
  });
  it.each([
    [1200, "ANC 1200/µL: 0 point(s) (≥ 1200/µL)."],
    [1199, "ANC 1199/µL: 1 point(s) (< 1200/µL)."],
  ])("ANC %d/µL", (anc, sentence) => {
    expect(reasonsOf({ ancCellsPerUL: anc })[2]).toBe(sentence);
  });
  it.each([
    [9.0, "Hb 9 g/dL: 0 point(s) (≥ 9.0 g/dL)."],
    [8.99, "Hb 8.99 g/dL: 1 point(s) (< 9.0 g/dL)."],
  ])("Hb %d g/dL", (hb, sentence) => {
    expect(reasonsOf({ hemoglobinGPerDL: hb })[3]).toBe(sentence);
  });
  it.each([
    [2.99, "CRP 2.99 mg/dL: 0 point(s) (< 3.0 mg/dL)."],
    [3.0, "CRP 3 mg/dL: 1 point(s) (≥ 3.0 mg/dL)."],
  ])("CRP %d mg/dL", (crp, sentence) => {
    expect(reasonsOf({ crpMgPerDL: crp })[4]).toBe(sentence);
  });
  it.each([
    [649, "Ferritin 649 ng/mL: 0 point(s) (< 650 ng/mL)."],
    [650, "Ferritin 650 ng/mL: 1 point(s) (650–2000 ng/mL)."],
    [2000, "Ferritin 2000 ng/mL: 1 point(s) (650–2000 ng/mL)."],
    [2001, "Ferritin 2001 ng/mL: 2 point(s) (> 2000 ng/mL)."],
  ])("ferritin %d ng/mL", (f, sentence) => {
    expect(reasonsOf({ ferritinNgPerML: f })[5]).toBe(sentence);
  });
  it("1 point is low risk, 2 points high risk: the headline sentence and label at the cut-off", () => {
    const one = run({ ferritinNgPerML: 700 });
    expect(one.reasons[0]).toBe("CAR-HEMATOTOX 1 point(s): low risk (0–1) (Rejeski 2021).");
    expect(one.label).toBe("1 point, low risk");
    const two = run({ ferritinNgPerML: 2500 });
    expect(two.reasons[0]).toBe("CAR-HEMATOTOX 2 point(s): high risk (≥ 2) (Rejeski 2021).");
    expect(two.label).toBe("2 points, high risk");
  });
});

describe("CAR-HEMATOTOX explained, indication (validated in LBCL only)", () => {
  const VALIDATED_IN = "(the score was derived and validated in large B-cell lymphoma).";
  it.each([
    ["MCL", "mantle cell lymphoma (MCL)", "reported outside the derivation population", "0 points, low risk"],
    [
      "MULTIPLE_MYELOMA",
      "multiple myeloma",
      "reported outside the derivation population",
      "0 points, low risk",
    ],
    [
      "SLE",
      "SLE",
      "not validated for this indication",
      "0 points, low risk (not validated for this indication)",
    ],
    [
      "OTHER",
      "another indication",
      "not validated for this indication",
      "0 points, low risk (not validated for this indication)",
    ],
  ])(
    "%s: the last reason says so in words, the details name the validation",
    (indication, words, validation, label) => {
      const r = run({ indication });
      expect(r.reasons).toHaveLength(7);
      expect(r.reasons[6]).toBe(`Indication ${words}: ${validation} ${VALIDATED_IN}`);
      expect(r.label).toBe(label);
      expect(r.details?.validation).toBe(validation);
      expect(r.details?.indication).toBe(indication);
      expect(r.reasonCodes?.[6]).toStrictEqual({
        code:
          validation === "not validated for this indication"
            ? "hematotox.indication.notValidated"
            : "hematotox.indication.outside",
        params: { indication: `indication.${indication}` },
      });
    },
  );
  it("LBCL: no indication reason", () => {
    expect(reasonsOf()).toHaveLength(6);
  });
});

describe("CAR-HEMATOTOX explained, counts that read like × 10³/µL (warnings, graded as entered)", () => {
  it("platelets 120 and ANC 2: each field warned with the value to enter; the score counts them as entered", () => {
    const r = run({ plateletsCellsPerUL: 120, ancCellsPerUL: 2 });
    expect(r.value).toStrictEqual({ score: 3, risk: "HIGH" });
    expect(r.warnings).toStrictEqual([
      {
        path: "/plateletsCellsPerUL",
        code: "count_unit_suspect",
        message:
          "Platelets 120 cells/µL is below 1,000/µL (1 × 10⁹/L; platelets are reported in whole 10⁹/L), the smallest count an analyser reports: this field is in cells/µL. If the laboratory reported 120 × 10³/µL (× 10⁹/L), enter 120,000. Graded as entered.",
      },
      {
        path: "/ancCellsPerUL",
        code: "count_unit_suspect",
        message:
          "ANC 2 cells/µL is below 10/µL (0.01 × 10⁹/L), the smallest count an analyser reports: this field is in cells/µL. If the laboratory reported 2 × 10³/µL (× 10⁹/L), enter 2,000. Graded as entered.",
      },
    ]);
  });
  it("zero counts are zero in every unit: no warning", () => {
    expect(run({ plateletsCellsPerUL: 0, ancCellsPerUL: 0 }).warnings ?? []).toEqual([]);
  });
});

describe("CAR-HEMATOTOX explained, input checks at their fields", () => {
  const issues = (over: Record<string, unknown>) =>
    issuesOf(() => run(over)).map((i) => [i.path, i.code, i.message]);
  it("CRP in neither unit: asked for at the mg/dL field", () => {
    expect(issues({ crpMgPerDL: undefined })).toEqual([
      ["/crpMgPerDL", "hematotox_crp_required", "CRP is required: give it in mg/dL or in mg/L."],
    ]);
  });
  it("CRP in both units: refused at the mg/L field", () => {
    expect(issues({ crpMgPerL: 10 })).toEqual([
      ["/crpMgPerL", "hematotox_crp_twice", "Give CRP once, in mg/dL or in mg/L, not both."],
    ]);
  });
  it("haemoglobin 110 reads like g/L: refused with the unit named", () => {
    expect(issues({ hemoglobinGPerDL: 110 })).toEqual([
      [
        "/hemoglobinGPerDL",
        "too_big",
        "Haemoglobin above 25 g/dL: this field is in g/dL (was it entered in g/L?)",
      ],
    ]);
  });
});
