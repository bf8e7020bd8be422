/**
 * Dosing and cellular kinetics (clinical-rules.md §6, §7): BSA, Cockcroft–Gault, Flu/Cy
 * lymphodepletion with fludarabine renal bands, CAR-T dose and bag volume, kinetics and B-cell aplasia.
 * Expected values come from the notes' worked examples (BSA-1..4, CG-1..4, LD-1..3, FLU-1..4,
 * DOSE-1..4, PK-1..4, BC-1), from the primary sources (fludarabine US/EU labels, Devine 1974) and from
 * hand arithmetic written out in the tests, never from the implementation.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { CarTDoseValue } from "../../../src/domain/calculators/dosing-kinetics/car-t-dose.ts";
import type { CellularKineticsValue } from "../../../src/domain/calculators/dosing-kinetics/cellular-kinetics.ts";
import {
  bsaCalculator,
  carTDoseCalculator,
  cellularKineticsCalculator,
  creatinineClearanceCalculator,
  dosingKineticsCalculators,
  lymphodepletionCalculator,
} from "../../../src/domain/calculators/dosing-kinetics/index.ts";
import type { LymphodepletionValue } from "../../../src/domain/calculators/dosing-kinetics/lymphodepletion.ts";
import { issuesOf, pathsOf } from "../../support/validation.ts";

const bsa = (i: Record<string, unknown>) => bsaCalculator.run(i).value as number;
const crcl = (i: Record<string, unknown>) => creatinineClearanceCalculator.run(i).value as number;
const ld = (i: Record<string, unknown>) => lymphodepletionCalculator.run(i).value as LymphodepletionValue;
const dose = (i: Record<string, unknown>) => carTDoseCalculator.run(i).value as CarTDoseValue;
const pk = (i: Record<string, unknown>) => cellularKineticsCalculator.run(i).value as CellularKineticsValue;

describe("registry", () => {
  it("exports the five dosing/kinetics calculators by their API names", () => {
    expect(dosingKineticsCalculators.map((c) => c.name)).toEqual([
      "bsa",
      "creatinine-clearance",
      "lymphodepletion",
      "car-t-dose",
      "cellular-kinetics",
    ]);
    for (const c of dosingKineticsCalculators) {
      expect(c.ruleSetVersion).toBe("1");
      expect(c.source.length).toBeGreaterThan(20);
      // the HTTP catalogue publishes each input as JSON Schema
      expect(() => z.toJSONSchema(c.input, { io: "input", unrepresentable: "any" })).not.toThrow();
    }
  });
  it("stamps results with the calculator name and rule set", () => {
    const r = bsaCalculator.run({ heightCm: 170, weightKg: 70 });
    expect(r.calculator).toBe("bsa");
    expect(r.ruleSetVersion).toBe("1");
  });
});

// ───────────────────────────────────────── BSA ─────────────────────────────────────────

describe("bsa", () => {
  const cases = [
    { id: "BSA-1", h: 170, w: 70, mosteller: 1.8181, dubois: 1.8097 },
    { id: "BSA-2", h: 160, w: 55, mosteller: 1.5635, dubois: 1.5632 },
    { id: "BSA-3", h: 185, w: 110, mosteller: 2.3776, dubois: 2.3316 },
    { id: "BSA-4", h: 150, w: 40, mosteller: 1.291, dubois: 1.3029 },
  ];
  for (const c of cases)
    it(`${c.id}: ${c.h} cm, ${c.w} kg → Mosteller ${c.mosteller}, DuBois ${c.dubois}`, () => {
      expect(bsa({ heightCm: c.h, weightKg: c.w, formula: "MOSTELLER" })).toBeCloseTo(c.mosteller, 4);
      expect(bsa({ heightCm: c.h, weightKg: c.w, formula: "DUBOIS" })).toBeCloseTo(c.dubois, 4);
    });

  it("defaults to Mosteller and says so", () => {
    const r = bsaCalculator.run({ heightCm: 180, weightKg: 80 });
    expect(r.value).toBe(2); // √(180 × 80 / 3600) = √4
    expect(r.label).toContain("Mosteller");
    expect(r.reasons.join(" ")).toMatch(/height 180 cm, weight 80 kg/);
    expect(r.details).toMatchObject({ formula: "MOSTELLER" });
  });

  it("explains itself: the formula with the numbers put in, and both formulas' results and the BMI", () => {
    const m = bsaCalculator.run({ heightCm: 180, weightKg: 80 });
    expect(m.label).toBe("BSA 2 m² (Mosteller)");
    expect(m.reasons).toEqual([
      "Mosteller formula √(180 cm × 80 kg / 3600) = 2 m² (height 180 cm, weight 80 kg).",
    ]);
    expect(m.details).toEqual({
      formula: "MOSTELLER",
      mostellerM2: 2,
      duboisM2: expect.closeTo((71.84 * 80 ** 0.425 * 180 ** 0.725) / 10000, 12),
      bmiKgM2: expect.closeTo(80 / 1.8 ** 2, 12),
    });
    const d = bsaCalculator.run({ heightCm: 172, weightKg: 64, formula: "DUBOIS" });
    expect(d.label).toBe("BSA 1.76 m² (DuBois)");
    expect(d.reasons).toEqual([
      "DuBois formula 0.007184 × 64 kg^0.425 × 172 cm^0.725 = 1.7569 m² (height 172 cm, weight 64 kg).",
    ]);
    expect(d.details).toMatchObject({
      formula: "DUBOIS",
      mostellerM2: expect.closeTo(Math.sqrt((172 * 64) / 3600), 12),
    });
  });

  it("DuBois matches its published expression 71.84 × W^0.425 × H^0.725 cm²", () => {
    const cm2 = 71.84 * 64 ** 0.425 * 172 ** 0.725;
    expect(bsa({ heightCm: 172, weightKg: 64, formula: "DUBOIS" })).toBeCloseTo(cm2 / 10000, 10);
  });

  it("height plausibility edges: 40 and 250 cm accepted, beyond refused at /heightCm", () => {
    expect(() => bsa({ heightCm: 40, weightKg: 3 })).not.toThrow();
    expect(pathsOf(() => bsa({ heightCm: 39.9, weightKg: 3 }))).toContain("/heightCm");
    expect(() => bsa({ heightCm: 250, weightKg: 150 })).not.toThrow();
    expect(pathsOf(() => bsa({ heightCm: 250.1, weightKg: 150 }))).toContain("/heightCm");
  });
  it("weight plausibility edges: 2 and 400 kg accepted, beyond refused at /weightKg", () => {
    expect(() => bsa({ heightCm: 45, weightKg: 2 })).not.toThrow();
    expect(pathsOf(() => bsa({ heightCm: 45, weightKg: 1.99 }))).toEqual(["/weightKg"]);
    expect(() => bsa({ heightCm: 200, weightKg: 400 })).not.toThrow();
    expect(pathsOf(() => bsa({ heightCm: 200, weightKg: 400.1 }))).toEqual(["/weightKg"]);
  });
  it("BMI edges 8 and 100 kg/m²: outside names both fields (swapped or wrong units)", () => {
    expect(() => bsa({ heightCm: 200, weightKg: 32 })).not.toThrow(); // BMI 8.0
    expect(pathsOf(() => bsa({ heightCm: 200, weightKg: 31.9 }))).toEqual(["/heightCm", "/weightKg"]);
    expect(() => bsa({ heightCm: 200, weightKg: 400 })).not.toThrow(); // BMI 100
    expect(pathsOf(() => bsa({ heightCm: 199.9, weightKg: 400 }))).toEqual(["/heightCm", "/weightKg"]);
    // 170 kg typed as height and 70 cm as weight
    expect(issuesOf(() => bsa({ heightCm: 70, weightKg: 170 }))[0]!.message).toMatch(/swapped/);
  });
  it("a height or weight outside its own limit is reported alone, not again as an impossible BMI", () => {
    // 30 cm with 80 kg would be a BMI of 80 / 0.3² ≈ 889: only the height is wrong to report
    expect(issuesOf(() => bsa({ heightCm: 30, weightKg: 80 }))).toEqual([
      expect.objectContaining({
        path: "/heightCm",
        message: "Height below 40 cm is not plausible; is it in cm?",
      }),
    ]);
    // 260 cm with 3 kg: BMI ≈ 0.04
    expect(issuesOf(() => bsa({ heightCm: 260, weightKg: 3 }))).toEqual([
      expect.objectContaining({
        path: "/heightCm",
        message: "Height above 250 cm is not plausible; is it in cm?",
      }),
    ]);
    // 1.5 kg at 200 cm: BMI ≈ 0.4
    expect(issuesOf(() => bsa({ heightCm: 200, weightKg: 1.5 }))).toEqual([
      expect.objectContaining({
        path: "/weightKg",
        message: "Weight below 2 kg is not plausible; is it in kg?",
      }),
    ]);
    // 450 kg at 100 cm: BMI 450
    expect(issuesOf(() => bsa({ heightCm: 100, weightKg: 450 }))).toEqual([
      expect.objectContaining({
        path: "/weightKg",
        message: "Weight above 400 kg is not plausible; is it in kg?",
      }),
    ]);
  });
  it("at the height and weight limits themselves the BMI is still checked", () => {
    // 40 cm, 20 kg: 20 / 0.4² = 125 kg/m²; 250 cm, 2 kg: 2 / 2.5² = 0.32; 100 cm, 2 kg: BMI 2; 150 cm, 400 kg: ≈ 177.8
    for (const [h, w] of [
      [40, 20],
      [250, 2],
      [100, 2],
      [150, 400],
    ] as const) {
      expect(pathsOf(() => bsa({ heightCm: h, weightKg: w }))).toEqual(["/heightCm", "/weightKg"]);
    }
  });
  it("the impossible-BMI message gives both values, the BMI to one decimal and the limits, on both fields", () => {
    // 170 kg typed as height and 70 cm as weight: 170 / 0.7² = 346.94 kg/m²
    const message =
      "Height 70 cm with weight 170 kg gives a BMI of 346.9 kg/m², outside 8–100; check the units and that the fields are not swapped";
    expect(issuesOf(() => bsa({ heightCm: 70, weightKg: 170 }))).toEqual([
      expect.objectContaining({ path: "/heightCm", message, code: "bsa_bmi_implausible" }),
      expect.objectContaining({ path: "/weightKg", message, code: "bsa_bmi_implausible" }),
    ]);
  });
  it("missing fields, unknown formula and unknown keys are refused", () => {
    expect(pathsOf(() => bsa({ weightKg: 70 }))).toEqual(["/heightCm"]);
    expect(pathsOf(() => bsa({ heightCm: 170, weightKg: 70, formula: "HAYCOCK" }))).toEqual(["/formula"]);
    expect(issuesOf(() => bsa({ heightCm: 170, weightKg: 70, weightLb: 154 }))[0]!.code).toBe(
      "unrecognized_keys",
    );
  });

  it("property: Mosteller² = H × W / 3600, and both formulas grow with height and weight", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 140, max: 200, noNaN: true }),
        fc.double({ min: 40, max: 150, noNaN: true }),
        fc.double({ min: 0.1, max: 20, noNaN: true }),
        (h, w, d) => {
          const m = bsa({ heightCm: h, weightKg: w });
          expect(m * m).toBeCloseTo((h * w) / 3600, 9);
          for (const formula of ["MOSTELLER", "DUBOIS"]) {
            const base = bsa({ heightCm: h, weightKg: w, formula });
            expect(bsa({ heightCm: h + d, weightKg: w, formula })).toBeGreaterThan(base);
            expect(bsa({ heightCm: h, weightKg: w + d, formula })).toBeGreaterThan(base);
          }
        },
      ),
    );
  });
});

// ─────────────────────────────────── Creatinine clearance ───────────────────────────────────

describe("creatinine-clearance (Cockcroft–Gault)", () => {
  const base = {
    ageYears: 60,
    sex: "male",
    weightKg: 70,
    weightBasis: "ACTUAL",
    serumCreatinine: 1.0,
    serumCreatinineUnit: "MG_PER_DL",
  } as const;

  it("CG-1: male, 60 y, 70 kg, SCr 1.0 mg/dL → 77.8 mL/min", () => {
    expect(crcl(base)).toBeCloseTo(77.8, 1);
    expect(crcl(base)).toBeCloseTo((80 * 70) / 72, 10);
  });
  it("CG-2: female, otherwise as CG-1 → 66.1 mL/min", () => {
    expect(crcl({ ...base, sex: "female" })).toBeCloseTo(66.1, 1);
  });
  it("CG-3: female, 80 y, 50 kg, SCr 2.0 mg/dL → 17.7 mL/min", () => {
    expect(crcl({ ...base, sex: "female", ageYears: 80, weightKg: 50, serumCreatinine: 2.0 })).toBeCloseTo(
      17.7,
      1,
    );
  });
  it("CG-4: female, 70 y, 65 kg, SCr 115 µmol/L → 41.3 mL/min", () => {
    const r = creatinineClearanceCalculator.run({
      ...base,
      sex: "female",
      ageYears: 70,
      weightKg: 65,
      serumCreatinine: 115,
      serumCreatinineUnit: "UMOL_PER_L",
    });
    expect(r.value as number).toBeCloseTo(41.3, 1);
    expect(r.reasons).toEqual([
      "Serum creatinine 115 µmol/L ÷ 88.4 = 1.301 mg/dL.",
      "Actual body weight used, as the protocol asks: 65 kg.",
      "Cockcroft–Gault: (140 − 70) × 65 kg / (72 × 1.301 mg/dL) × 0.85 (female) = 41.3 mL/min (not normalised to 1.73 m²).",
    ]);
    expect(r.label).toBe("CrCl 41.3 mL/min (Cockcroft–Gault, actual weight)");
    expect(r.details).toMatchObject({ serumCreatinineMgDl: expect.closeTo(115 / 88.4, 12), sexFactor: 0.85 });
  });
  it("88.4 µmol/L is 1 mg/dL", () => {
    expect(crcl({ ...base, serumCreatinine: 88.4, serumCreatinineUnit: "UMOL_PER_L" })).toBeCloseTo(
      crcl(base),
      10,
    );
  });

  describe("weight basis (protocol choice, reported)", () => {
    it("Devine IBW: 60 in gives 50 kg (male) / 45.5 kg (female)", () => {
      expect(
        issuesOf(() => creatinineClearanceCalculator.run({ ...base, weightBasis: "ADJUSTED" })).map((i) => [
          i.path,
          i.message,
        ]),
      ).toEqual([
        ["/heightCm", "Give the height (cm): the adjusted body weight the protocol asks for comes from it."],
      ]);
      const r = creatinineClearanceCalculator.run({ ...base, weightBasis: "IDEAL", heightCm: 152.4 });
      expect(r.details).toMatchObject({ idealBodyWeightKg: expect.closeTo(50, 9), weightBasis: "IDEAL" });
      expect(r.value as number).toBeCloseTo((80 * 50) / 72, 9);
      const f = creatinineClearanceCalculator.run({
        ...base,
        sex: "female",
        weightBasis: "IDEAL",
        heightCm: 152.4,
      });
      expect(f.details).toMatchObject({ idealBodyWeightKg: expect.closeTo(45.5, 9) });
    });
    it("Devine IBW at 70 in (177.8 cm): 73 kg male; adjusted = 73 + 0.4 × (100 − 73) = 83.8 kg", () => {
      const input = { ...base, weightKg: 100, heightCm: 177.8 };
      expect(crcl({ ...input, weightBasis: "IDEAL" })).toBeCloseTo((80 * 73) / 72, 9);
      expect(crcl({ ...input, weightBasis: "ADJUSTED" })).toBeCloseTo((80 * 83.8) / 72, 9);
      expect(crcl({ ...input, weightBasis: "ACTUAL" })).toBeCloseTo((80 * 100) / 72, 9);
    });
    it("says when the actual weight is below the IBW, and when height is under 60 in", () => {
      const r = creatinineClearanceCalculator.run({
        ...base,
        weightKg: 45,
        weightBasis: "IDEAL",
        heightCm: 150,
      });
      expect(r.reasons.join(" ")).toMatch(/below the ideal body weight/);
      expect(r.reasons.join(" ")).toMatch(/under 60 in/);
    });
    it("explains the adjusted weight step by step (Devine 1974, then IBW + 0.4 × excess)", () => {
      const r = creatinineClearanceCalculator.run({
        ...base,
        weightKg: 100,
        heightCm: 177.8,
        weightBasis: "ADJUSTED",
      });
      expect(r.reasons).toEqual([
        "Ideal body weight (Devine) for a male of 177.8 cm: 50 + 2.3 × (70 in − 60) = 73 kg.",
        "Adjusted body weight used, as the protocol asks: 73 + 0.4 × (100 − 73) = 83.8 kg.",
        "Cockcroft–Gault: (140 − 60) × 83.8 kg / (72 × 1 mg/dL) = 93.1 mL/min (not normalised to 1.73 m²).",
      ]);
      expect(r.label).toBe("CrCl 93.1 mL/min (Cockcroft–Gault, adjusted weight)");
      expect(r.details).toEqual({
        serumCreatinineMgDl: 1,
        weightBasis: "ADJUSTED",
        weightUsedKg: expect.closeTo(83.8, 9),
        idealBodyWeightKg: expect.closeTo(73, 9),
        adjustedBodyWeightKg: expect.closeTo(83.8, 9),
        sexFactor: 1,
        unit: "mL/min",
      });
    });
    it("explains a short, light patient on ideal weight: both warnings, in order", () => {
      const r = creatinineClearanceCalculator.run({
        ...base,
        weightKg: 45,
        weightBasis: "IDEAL",
        heightCm: 150,
      });
      // 150 cm = 59.06 in; IBW 50 + 2.3 × (59.06 − 60) = 47.8 kg; (140 − 60) × 47.83 / 72 = 53.1 mL/min
      expect(r.reasons).toEqual([
        "Ideal body weight (Devine) for a male of 150 cm: 50 + 2.3 × (59.06 in − 60) = 47.8 kg.",
        "Height 150 cm is under 60 in (152.4 cm): the Devine formula is extrapolated below its range.",
        "Ideal body weight used, as the protocol asks: 47.8 kg.",
        "Actual weight 45 kg is below the ideal body weight 47.8 kg; check whether the protocol uses actual weight in that case.",
        "Cockcroft–Gault: (140 − 60) × 47.8 kg / (72 × 1 mg/dL) = 53.1 mL/min (not normalised to 1.73 m²).",
      ]);
      expect(r.label).toBe("CrCl 53.1 mL/min (Cockcroft–Gault, ideal weight)");
      expect(r.details).toMatchObject({ weightUsedKg: expect.closeTo(47.8268, 4), sexFactor: 1 });
      expect(r.details).not.toHaveProperty("adjustedBodyWeightKg");
    });
    it("at exactly 60 in and on actual weight, neither warning; actual weight adds no ideal-weight detail", () => {
      const tall = creatinineClearanceCalculator.run({
        ...base,
        weightBasis: "IDEAL",
        heightCm: 152.4,
        weightKg: 50,
      });
      expect(tall.reasons.join(" ")).not.toMatch(/under 60 in|below the ideal/);
      const actual = creatinineClearanceCalculator.run(base);
      expect(actual.reasons).toEqual([
        "Actual body weight used, as the protocol asks: 70 kg.",
        "Cockcroft–Gault: (140 − 60) × 70 kg / (72 × 1 mg/dL) = 77.8 mL/min (not normalised to 1.73 m²).",
      ]);
      expect(actual.details).not.toHaveProperty("idealBodyWeightKg");
      expect(actual.details).not.toHaveProperty("adjustedBodyWeightKg");
    });

    it("weightBasis is required (never a silent default); IDEAL/ADJUSTED need heightCm", () => {
      const { weightBasis: _, ...noBasis } = base;
      expect(pathsOf(() => crcl(noBasis))).toEqual(["/weightBasis"]);
      expect(pathsOf(() => crcl({ ...base, weightBasis: "IDEAL" }))).toEqual(["/heightCm"]);
      expect(pathsOf(() => crcl({ ...base, weightBasis: "ADJUSTED" }))).toEqual(["/heightCm"]);
    });
  });

  it("age edges: 18 and 120 accepted; 17.9 (use a paediatric estimate) and 120.1 refused", () => {
    expect(() => crcl({ ...base, ageYears: 18 })).not.toThrow();
    expect(issuesOf(() => crcl({ ...base, ageYears: 17.9 }))).toEqual([
      expect.objectContaining({ path: "/ageYears", message: expect.stringMatching(/adults/) }),
    ]);
    expect(() => crcl({ ...base, ageYears: 120 })).not.toThrow();
    expect(pathsOf(() => crcl({ ...base, ageYears: 120.1 }))).toEqual(["/ageYears"]);
  });
  it("serum creatinine edges 0.1–20 mg/dL (8.84–1768 µmol/L); the message suggests the other unit", () => {
    expect(() => crcl({ ...base, serumCreatinine: 0.1 })).not.toThrow();
    expect(pathsOf(() => crcl({ ...base, serumCreatinine: 0.09 }))).toEqual(["/serumCreatinine"]);
    expect(() => crcl({ ...base, serumCreatinine: 20 })).not.toThrow();
    // The plausible range in both units, and a hint in words (issue 11) when the number reads as
    // the other unit: a value above 20 "mg/dL" is µmol/L, one below 8.84 "µmol/L" is mg/dL.
    const RANGE = "is outside the plausible 0.1–20 mg/dL (8.84–1768 µmol/L)";
    const said = (input: Record<string, unknown>) =>
      issuesOf(() => crcl(input)).map((i) => [i.path, i.code, i.message]);
    expect(said({ ...base, serumCreatinine: 115 })).toEqual([
      [
        "/serumCreatinine",
        "crcl_creatinine_implausible",
        `Serum creatinine 115 mg/dL ${RANGE}; it looks like µmol/L: choose µmol/L as its unit`,
      ],
    ]);
    expect(said({ ...base, serumCreatinine: 20.01 })).toEqual([
      [
        "/serumCreatinine",
        "crcl_creatinine_implausible",
        `Serum creatinine 20.01 mg/dL ${RANGE}; it looks like µmol/L: choose µmol/L as its unit`,
      ],
    ]);
    expect(said({ ...base, serumCreatinine: 0.09 })).toEqual([
      ["/serumCreatinine", "crcl_creatinine_implausible", `Serum creatinine 0.09 mg/dL ${RANGE}`],
    ]);
    const umol = { ...base, serumCreatinineUnit: "UMOL_PER_L" } as const;
    expect(() => crcl({ ...umol, serumCreatinine: 8.84 })).not.toThrow();
    expect(said({ ...umol, serumCreatinine: 1.1 })).toEqual([
      [
        "/serumCreatinine",
        "crcl_creatinine_implausible",
        `Serum creatinine 1.1 µmol/L ${RANGE}; it looks like mg/dL: choose mg/dL as its unit`,
      ],
    ]);
    expect(said({ ...umol, serumCreatinine: 1770 })).toEqual([
      ["/serumCreatinine", "crcl_creatinine_implausible", `Serum creatinine 1770 µmol/L ${RANGE}`],
    ]);
    expect(said({ ...base, weightBasis: "IDEAL" })).toEqual([
      [
        "/heightCm",
        "crcl_height_required",
        "Give the height (cm): the ideal body weight the protocol asks for comes from it.",
      ],
    ]);
    expect(() => crcl({ ...umol, serumCreatinine: 1768 })).not.toThrow();
    expect(pathsOf(() => crcl({ ...umol, serumCreatinine: 1770 }))).toEqual(["/serumCreatinine"]);
  });
  it("unit and sex are explicit fields", () => {
    const { serumCreatinineUnit: _, ...noUnit } = base;
    expect(pathsOf(() => crcl(noUnit))).toEqual(["/serumCreatinineUnit"]);
    expect(pathsOf(() => crcl({ ...base, sex: "unknown" }))).toEqual(["/sex"]);
  });

  it("property: female = 0.85 × male; falls with age and SCr; linear in weight", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 18, max: 100, noNaN: true }),
        fc.double({ min: 30, max: 150, noNaN: true }),
        fc.double({ min: 0.3, max: 10, noNaN: true }),
        (age, w, scr) => {
          const i = { ...base, ageYears: age, weightKg: w, serumCreatinine: scr };
          const male = crcl(i);
          expect(crcl({ ...i, sex: "female" })).toBeCloseTo(0.85 * male, 9);
          expect(crcl({ ...i, ageYears: age + 1 })).toBeLessThan(male);
          expect(crcl({ ...i, serumCreatinine: scr + 0.1 })).toBeLessThan(male);
          expect(crcl({ ...i, weightKg: w * 2 > 400 ? w : w * 2 }) / male).toBeCloseTo(
            w * 2 > 400 ? 1 : 2,
            9,
          );
        },
      ),
    );
  });
});

// ─────────────────────────────────── Lymphodepletion ───────────────────────────────────

const FLU = (dose: number, days = [-5, -4, -3]) => ({ drug: "FLUDARABINE", doseMgPerM2PerDay: dose, days });
const CY = (dose: number, days = [-5, -4, -3]) => ({
  drug: "CYCLOPHOSPHAMIDE",
  doseMgPerM2PerDay: dose,
  days,
});
const withCrcl = (crclMlMin: number, extra: Record<string, unknown> = {}) => ({
  bsaM2: 2,
  regimen: [FLU(30)],
  creatinineClearanceMlMin: crclMlMin,
  creatinineClearanceMethod: "COCKCROFT_GAULT",
  ...extra,
});
const fluFactor = (crclMlMin: number, rule?: unknown) => {
  const v = ld(withCrcl(crclMlMin, rule ? { fludarabineRenalRule: rule } : {}));
  return v.fludarabineWithheld ? "withhold" : v.drugs[0]!.renalFactor;
};

describe("lymphodepletion", () => {
  const bsa1 = bsa({ heightCm: 170, weightKg: 70 }); // BSA-1, Mosteller 1.8181
  const bsa2 = bsa({ heightCm: 160, weightKg: 55 }); // BSA-2, Mosteller 1.5635

  it("LD-1: BSA 1.8181, axi-cel Flu 30 + Cy 500 mg/m²/day on days −5..−3 → Flu 54.5 mg/day (163.6), Cy 909.1 mg/day (2727.2)", () => {
    const r = lymphodepletionCalculator.run({
      bsaM2: bsa1,
      regimen: [FLU(30), CY(500)],
      creatinineClearanceMlMin: 77.8,
      creatinineClearanceMethod: "COCKCROFT_GAULT",
    });
    const [flu, cy] = (r.value as LymphodepletionValue).drugs;
    expect(flu!.mgPerDay).toBeCloseTo(54.5, 1);
    expect(flu!.totalMg).toBeCloseTo(163.6, 1);
    expect(cy!.mgPerDay).toBeCloseTo(909.1, 1);
    expect(cy!.totalMg).toBeCloseTo(2727.2, 1);
    expect(r.label).toBe("Fludarabine 54.5 mg/day × 3; Cyclophosphamide 909.1 mg/day × 3");
    const v = r.value as LymphodepletionValue;
    expect(v.schedule.map((d) => d.day)).toEqual([-5, -4, -3]);
    expect(v.schedule[0]!.doses.map((d) => d.drug)).toEqual(["FLUDARABINE", "CYCLOPHOSPHAMIDE"]);
    expect(r.reasons.join(" ")).toMatch(/CrCl > 70 mL\/min, full dose/);
  });
  it("LD-2: BSA 1.5635, Erlangen SLE Flu 25 × 3 (−5..−3) + Cy 1000 once (−3) → Flu 39.1 mg/day (117.3), Cy 1563.5 mg once", () => {
    const v = ld({
      bsaM2: bsa2,
      regimen: [FLU(25), CY(1000, [-3])],
      creatinineClearanceMlMin: 100,
      creatinineClearanceMethod: "COCKCROFT_GAULT",
    });
    const [flu, cy] = v.drugs;
    expect(flu!.mgPerDay).toBeCloseTo(39.1, 1);
    expect(flu!.totalMg).toBeCloseTo(117.3, 1);
    expect(cy!.mgPerDay).toBeCloseTo(1563.5, 1);
    expect(cy!.totalMg).toBeCloseTo(1563.5, 1);
    expect(v.schedule).toEqual([
      { day: -5, doses: [{ drug: "FLUDARABINE", mg: flu!.mgPerDay }] },
      { day: -4, doses: [{ drug: "FLUDARABINE", mg: flu!.mgPerDay }] },
      {
        day: -3,
        doses: [
          { drug: "FLUDARABINE", mg: flu!.mgPerDay },
          { drug: "CYCLOPHOSPHAMIDE", mg: cy!.mgPerDay },
        ],
      },
    ]);
  });
  it("LD-3: BSA 1.8181, CrCl 41, Flu 30 with the US −20 % rule → 24 mg/m² → 43.6 mg/day", () => {
    const r = lymphodepletionCalculator.run({
      bsaM2: 1.8181,
      regimen: [FLU(30)],
      creatinineClearanceMlMin: 41,
      creatinineClearanceMethod: "COCKCROFT_GAULT",
    });
    const flu = (r.value as LymphodepletionValue).drugs[0]!;
    expect(flu.adjustedMgPerM2PerDay).toBeCloseTo(24, 10);
    expect(flu.mgPerDay).toBeCloseTo(43.6, 1);
    expect(r.reasons.join(" ")).toMatch(/creatinine clearance 41 .*30–70 mL\/min, reduce by 20 %/);
    expect(r.reasons.join(" ")).toMatch(/default/);
  });

  describe("fludarabine renal bands, US label default (FLU-1..4)", () => {
    it("FLU-1: 77.8 → 1.0", () => expect(fluFactor(77.8)).toBe(1));
    it("FLU-2: 66.1 → 0.8", () => expect(fluFactor(66.1)).toBe(0.8));
    it("FLU-3: 70.0 → 0.8 (boundary inside the band)", () => expect(fluFactor(70)).toBe(0.8));
    it("FLU-4: 17.7 → withhold", () => expect(fluFactor(17.7)).toBe("withhold"));
    it("edges: 70.01 → 1.0; 30 → 0.8; 29.99 → withhold", () => {
      expect(fluFactor(70.01)).toBe(1);
      expect(fluFactor(30)).toBe(0.8);
      expect(fluFactor(29.99)).toBe("withhold");
    });
    it("the explicit US_LABEL rule equals the default", () => {
      for (const c of [17.7, 30, 41, 70, 70.01, 120])
        expect(fluFactor(c, { kind: "US_LABEL" })).toEqual(fluFactor(c));
    });
  });

  it("US FLUDARA label (Cockcroft–Gault table): ≥ 80 full, 50–79 20 mg/m² of 25, 30–49 15 of 25, < 30 none", () => {
    const rule = { kind: "US_FLUDARA_LABEL" };
    expect(fluFactor(80, rule)).toBe(1);
    expect(fluFactor(79.99, rule)).toBe(20 / 25);
    expect(fluFactor(50, rule)).toBe(20 / 25);
    expect(fluFactor(49.99, rule)).toBe(15 / 25);
    expect(fluFactor(30, rule)).toBe(15 / 25);
    expect(fluFactor(29.99, rule)).toBe("withhold");
  });

  it("EU SmPC: 30–70 reduce by the chosen % (up to 50); < 30 contraindicated", () => {
    const rule = { kind: "EU_SMPC", reductionPercent: 50 };
    expect(fluFactor(70.01, rule)).toBe(1);
    expect(fluFactor(70, rule)).toBe(0.5);
    expect(fluFactor(30, rule)).toBe(0.5);
    expect(fluFactor(29.99, rule)).toBe("withhold");
    expect(fluFactor(50, { kind: "EU_SMPC", reductionPercent: 25 })).toBe(0.75);
    const r = lymphodepletionCalculator.run(withCrcl(20, { fludarabineRenalRule: rule }));
    expect(r.reasons.join(" ")).toMatch(/contraindicated/);
    expect(
      pathsOf(() => ld(withCrcl(50, { fludarabineRenalRule: { kind: "EU_SMPC", reductionPercent: 50.1 } }))),
    ).toEqual(["/fludarabineRenalRule/reductionPercent"]);
    expect(
      pathsOf(() => ld(withCrcl(50, { fludarabineRenalRule: { kind: "EU_SMPC", reductionPercent: 0 } }))),
    ).toEqual(["/fludarabineRenalRule/reductionPercent"]);
    expect(pathsOf(() => ld(withCrcl(50, { fludarabineRenalRule: { kind: "EU_SMPC" } })))).toEqual([
      "/fludarabineRenalRule/reductionPercent",
    ]);
  });

  describe("protocol band table", () => {
    const rule = {
      kind: "PROTOCOL",
      protocolName: "CART-SLE-01",
      bands: [
        { fromCrClMlMin: 60, doseFactor: 1 },
        { fromCrClMlMin: 0, doseFactor: 0 },
        { fromCrClMlMin: 30, doseFactor: 0.75 },
      ],
    };
    it("picks the band by its inclusive lower bound, in any order", () => {
      expect(fluFactor(60, rule)).toBe(1);
      expect(fluFactor(59.99, rule)).toBe(0.75);
      expect(fluFactor(30, rule)).toBe(0.75);
      expect(fluFactor(29.99, rule)).toBe("withhold");
      expect(
        lymphodepletionCalculator.run(withCrcl(45, { fludarabineRenalRule: rule })).reasons.join(" "),
      ).toMatch(/Protocol CART-SLE-01/);
    });
    it("bands must start at 0 and not repeat", () => {
      const gap = { ...rule, bands: [{ fromCrClMlMin: 30, doseFactor: 1 }] };
      expect(pathsOf(() => ld(withCrcl(45, { fludarabineRenalRule: gap })))).toEqual([
        "/fludarabineRenalRule/bands",
      ]);
      const dup = { ...rule, bands: [...rule.bands, { fromCrClMlMin: 30, doseFactor: 0.5 }] };
      expect(pathsOf(() => ld(withCrcl(45, { fludarabineRenalRule: dup })))).toEqual([
        "/fludarabineRenalRule/bands/3/fromCrClMlMin",
      ]);
      const bad = { ...rule, bands: [{ fromCrClMlMin: 0, doseFactor: 1.2 }] };
      expect(pathsOf(() => ld(withCrcl(45, { fludarabineRenalRule: bad })))).toEqual([
        "/fludarabineRenalRule/bands/0/doseFactor",
      ]);
    });
  });

  it("withheld fludarabine: 0 mg, absent from the schedule, cyclophosphamide still computed, reasons ask a physician", () => {
    const r = lymphodepletionCalculator.run(withCrcl(17.7, { regimen: [FLU(30), CY(500)] }));
    const v = r.value as LymphodepletionValue;
    expect(v.fludarabineWithheld).toBe(true);
    expect(v.drugs[0]).toMatchObject({ drug: "FLUDARABINE", withheld: true, mgPerDay: 0, totalMg: 0 });
    expect(v.drugs[1]!.mgPerDay).toBe(1000);
    expect(v.schedule.every((d) => d.doses.every((x) => x.drug === "CYCLOPHOSPHAMIDE"))).toBe(true);
    expect(r.label).toMatch(/Fludarabine withheld/);
    expect(r.reasons.join(" ")).toMatch(/CrCl < 30 mL\/min.*physician/);
  });

  it("cyclophosphamide alone needs no creatinine clearance and is never renally reduced here", () => {
    const v = ld({ bsaM2: 2, regimen: [CY(300)] });
    expect(v.drugs[0]!.mgPerDay).toBe(600);
    expect(v.drugs[0]!.renalFactor).toBe(1);
  });

  describe("validation", () => {
    it("fludarabine needs creatinineClearanceMlMin and its method", () => {
      expect(pathsOf(() => ld({ bsaM2: 2, regimen: [FLU(30)] }))).toEqual([
        "/creatinineClearanceMlMin",
        "/creatinineClearanceMethod",
      ]);
      const method = issuesOf(() => ld({ bsaM2: 2, regimen: [FLU(30)] })).find(
        (i) => i.path === "/creatinineClearanceMethod",
      );
      expect(method?.message).toBe(
        "Say how the creatinine clearance was obtained (Cockcroft–Gault, measured urine collection, normalised eGFR or other) when the regimen includes fludarabine.",
      );
    });
    it("days are integers from −14 to −1, unique per drug", () => {
      expect(() => ld(withCrcl(80, { regimen: [FLU(30, [-14, -1])] }))).not.toThrow();
      expect(pathsOf(() => ld(withCrcl(80, { regimen: [FLU(30, [-5, 0])] })))).toEqual(["/regimen/0/days/1"]);
      expect(pathsOf(() => ld(withCrcl(80, { regimen: [FLU(30, [-15])] })))).toEqual(["/regimen/0/days/0"]);
      expect(pathsOf(() => ld(withCrcl(80, { regimen: [FLU(30, [-4.5])] })))).toEqual(["/regimen/0/days/0"]);
      expect(pathsOf(() => ld(withCrcl(80, { regimen: [FLU(30, [-5, -4, -5])] })))).toEqual([
        "/regimen/0/days/2",
      ]);
      expect(pathsOf(() => ld(withCrcl(80, { regimen: [FLU(30, [])] })))).toEqual(["/regimen/0/days"]);
    });
    it("one entry per drug; the regimen is not empty", () => {
      expect(pathsOf(() => ld(withCrcl(80, { regimen: [FLU(30), FLU(25)] })))).toEqual(["/regimen/1/drug"]);
      expect(pathsOf(() => ld(withCrcl(80, { regimen: [] })))).toEqual(["/regimen"]);
      expect(pathsOf(() => ld(withCrcl(80, { regimen: [{ ...FLU(30), drug: "BENDAMUSTINE" }] })))).toEqual([
        "/regimen/0/drug",
      ]);
    });
    it("plausible mg/m²/day: fludarabine ≤ 50, cyclophosphamide ≤ 3000", () => {
      expect(() => ld(withCrcl(80, { regimen: [FLU(50), CY(3000)] }))).not.toThrow();
      expect(pathsOf(() => ld(withCrcl(80, { regimen: [FLU(50.1), CY(3000.1)] })))).toEqual([
        "/regimen/0/doseMgPerM2PerDay",
        "/regimen/1/doseMgPerM2PerDay",
      ]);
      expect(pathsOf(() => ld(withCrcl(80, { regimen: [FLU(0)] })))).toEqual([
        "/regimen/0/doseMgPerM2PerDay",
      ]);
    });
    it("BSA edges 0.2 and 4 m²", () => {
      expect(() => ld(withCrcl(80, { bsaM2: 0.2 }))).not.toThrow();
      expect(pathsOf(() => ld(withCrcl(80, { bsaM2: 0.19 })))).toEqual(["/bsaM2"]);
      expect(() => ld(withCrcl(80, { bsaM2: 4 }))).not.toThrow();
      expect(pathsOf(() => ld(withCrcl(80, { bsaM2: 4.01 })))).toEqual(["/bsaM2"]);
    });
  });

  it("property: the fludarabine factor never rises as CrCl falls, under every rule", () => {
    const rules = [
      { kind: "US_LABEL" },
      { kind: "US_FLUDARA_LABEL" },
      { kind: "EU_SMPC", reductionPercent: 40 },
    ];
    const num = (f: number | "withhold") => (f === "withhold" ? 0 : f);
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 200, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (c, d) => {
          for (const rule of rules)
            expect(num(fluFactor(c, rule))).toBeLessThanOrEqual(num(fluFactor(c + d, rule)));
        },
      ),
    );
  });
  it("property: mg/day = mg/m²/day × factor × BSA (linear in BSA)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 2.5, noNaN: true }),
        fc.integer({ min: 100, max: 1000 }),
        fc.double({ min: 30, max: 150, noNaN: true }),
        (b, cy, c) => {
          const v = ld({ ...withCrcl(c, { regimen: [FLU(30), CY(cy)] }), bsaM2: b });
          expect(v.drugs[1]!.mgPerDay).toBeCloseTo(cy * b, 9);
          expect(v.drugs[0]!.mgPerDay).toBeCloseTo(30 * (c > 70 ? 1 : 0.8) * b, 9);
        },
      ),
    );
  });
});

// ─────────────────────────────────────── CAR-T dose ───────────────────────────────────────

/** 5 × 10⁸ viable cells, 20 % CAR+ → 1 × 10⁸ CAR+ in 50 mL = 2 × 10⁶ CAR+/mL. */
const BAG = { cellCountBasis: "VIABLE", totalCells: 5e8, volumeMl: 50, carPositivePercent: 20 } as const;

describe("car-t-dose", () => {
  it("DOSE-1: 80 kg at 1 × 10⁶/kg → 8.0 × 10⁷ cells; 40 mL of a 2 × 10⁶/mL bag", () => {
    const v = dose({ doseBasis: "PER_KG", dosePerKg: 1e6, refWeightKg: 80, bag: BAG });
    expect(v.carPositiveCellsToGive).toBeCloseTo(8e7, 0);
    expect(v.bagCarPositiveCellsPerMl).toBeCloseTo(2e6, 0);
    expect(v.volumeToDrawMl).toBeCloseTo(40, 9);
    expect(v.bagSuffices).toBe(true);
    expect(v.capped).toBe(false);
  });
  it("DOSE-2: 120 kg axi-cel 2 × 10⁶/kg → 2.4 × 10⁸ capped at 2.0 × 10⁸ (actual 1.67 × 10⁶/kg)", () => {
    const bag = { cellCountBasis: "CAR_POSITIVE_VIABLE", totalCells: 2.5e8, volumeMl: 68 };
    const r = carTDoseCalculator.run({
      doseBasis: "PER_KG",
      dosePerKg: 2e6,
      refWeightKg: 120,
      maxTotal: 2e8,
      bag,
    });
    const v = r.value as CarTDoseValue;
    expect(v.carPositiveCellsToGive).toBe(2e8);
    expect(v.capped).toBe(true);
    expect(v.carPositiveCellsPerKg! / 1e6).toBeCloseTo(1.67, 2);
    expect(v.volumeToDrawMl).toBeCloseTo((2e8 / 2.5e8) * 68, 9);
    expect(r.reasons.join(" ")).toMatch(/Capped at the maximum total dose 2\.00 × 10⁸/);
    expect(r.label).toMatch(/capped/);
  });
  it("DOSE-3: 70 kg cilta-cel 0.75 × 10⁶/kg → 5.25 × 10⁷, under the 1 × 10⁸ cap, within 0.5–1.0 × 10⁶/kg", () => {
    const v = dose({
      doseBasis: "PER_KG",
      dosePerKg: 0.75e6,
      refWeightKg: 70,
      maxTotal: 1e8,
      doseRange: { unit: "CELLS_PER_KG", lower: 0.5e6, upper: 1e6 },
      bag: BAG,
    });
    expect(v.carPositiveCellsToGive).toBeCloseTo(5.25e7, 0);
    expect(v.capped).toBe(false);
    expect(v.inRange).toBe(true);
  });
  it("DOSE-4: liso-cel released 100 × 10⁶ is in range 50–110 × 10⁶", () => {
    const r = carTDoseCalculator.run({
      doseBasis: "WHOLE_BAG",
      doseRange: { unit: "CELLS", lower: 50e6, upper: 110e6 },
      bag: { cellCountBasis: "CAR_POSITIVE_VIABLE", totalCells: 100e6, volumeMl: 4.6 },
    });
    const v = r.value as CarTDoseValue;
    expect(v.carPositiveCellsToGive).toBe(100e6);
    expect(v.inRange).toBe(true);
    expect(v.volumeToDrawMl).toBe(4.6);
    expect(r.label).toMatch(/in range/);
  });

  it("cap edge: exactly at maxTotal is not capped; just over is", () => {
    const at = dose({ doseBasis: "PER_KG", dosePerKg: 2e6, refWeightKg: 100, maxTotal: 2e8, bag: BAG });
    expect(at).toMatchObject({ carPositiveCellsToGive: 2e8, capped: false });
    const over = dose({ doseBasis: "PER_KG", dosePerKg: 2e6, refWeightKg: 100.5, maxTotal: 2e8, bag: BAG });
    expect(over).toMatchObject({ carPositiveCellsToGive: 2e8, capped: true });
  });
  it("range edges are inclusive at both ends", () => {
    const flat = (x: number) =>
      dose({
        doseBasis: "FLAT",
        flatDose: x,
        doseRange: { unit: "CELLS", lower: 50e6, upper: 110e6 },
        bag: BAG,
      }).inRange;
    expect(flat(50e6)).toBe(true);
    expect(flat(49.9e6)).toBe(false);
    expect(flat(110e6)).toBe(true);
    expect(flat(110.1e6)).toBe(false);
    const perKg = (x: number) =>
      dose({
        doseBasis: "PER_KG",
        dosePerKg: x,
        refWeightKg: 70,
        doseRange: { unit: "CELLS_PER_KG", lower: 0.5e6, upper: 1e6 },
        bag: { ...BAG, totalCells: 5e9 },
      }).inRange;
    expect(perKg(0.5e6)).toBe(true);
    expect(perKg(0.49e6)).toBe(false);
    expect(perKg(1e6)).toBe(true);
    expect(perKg(1.01e6)).toBe(false);
  });
  it("bag sufficiency edge: exactly the bag's CAR+ cells suffices (whole volume); one more cell does not", () => {
    const exact = dose({ doseBasis: "FLAT", flatDose: 1e8, bag: BAG });
    expect(exact.bagSuffices).toBe(true);
    expect(exact.volumeToDrawMl).toBeCloseTo(50, 9);
    const r = carTDoseCalculator.run({ doseBasis: "FLAT", flatDose: 1.2e8, bag: BAG });
    expect((r.value as CarTDoseValue).bagSuffices).toBe(false);
    expect((r.value as CarTDoseValue).volumeToDrawMl).toBeCloseTo(60, 9);
    expect(r.label).toMatch(/bag insufficient/);
    expect(r.reasons.join(" ")).toMatch(/does not suffice/);
  });
  it("cell-count bases: total nucleated × viability × CAR+ %", () => {
    const v = dose({
      doseBasis: "FLAT",
      flatDose: 1.8e8,
      bag: {
        cellCountBasis: "TOTAL_NUCLEATED",
        totalCells: 1e9,
        volumeMl: 100,
        viabilityPercent: 90,
        carPositivePercent: 40,
      },
    });
    expect(v.bagCarPositiveCells).toBeCloseTo(3.6e8, 0); // 1e9 × 0.9 × 0.4
    expect(v.volumeToDrawMl).toBeCloseTo(50, 9); // 1.8e8 / 3.6e6 per mL
  });
  it("the bag from concentration and volume, or from total and concentration", () => {
    const a = dose({
      doseBasis: "FLAT",
      flatDose: 1e8,
      bag: { ...BAG, totalCells: undefined, concentrationCellsPerMl: 1e7 },
    });
    expect(a.bagCarPositiveCells).toBeCloseTo(1e8, 0);
    const b = dose({
      doseBasis: "FLAT",
      flatDose: 5e7,
      bag: { ...BAG, volumeMl: undefined, concentrationCellsPerMl: 1e7 },
    });
    expect(b.bagVolumeMl).toBeCloseTo(50, 9);
    expect(b.volumeToDrawMl).toBeCloseTo(25, 9);
  });
  it("total, concentration and volume must agree within 2 %", () => {
    expect(() =>
      dose({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, concentrationCellsPerMl: 1.019e7 } }),
    ).not.toThrow();
    expect(
      pathsOf(() =>
        dose({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, concentrationCellsPerMl: 1.021e7 } }),
      ),
    ).toEqual(["/bag/totalCells"]);
  });
  it("per-kg dose is reported for flat and whole-bag doses when a weight is given", () => {
    const v = dose({ doseBasis: "FLAT", flatDose: 6e7, refWeightKg: 60, bag: BAG });
    expect(v.carPositiveCellsPerKg).toBeCloseTo(1e6, 3);
    expect(dose({ doseBasis: "FLAT", flatDose: 6e7, bag: BAG }).carPositiveCellsPerKg).toBeNull();
  });

  describe("validation", () => {
    it("each basis requires its own fields and refuses the others'", () => {
      expect(pathsOf(() => dose({ doseBasis: "PER_KG", bag: BAG }))).toEqual(["/dosePerKg", "/refWeightKg"]);
      expect(pathsOf(() => dose({ doseBasis: "FLAT", bag: BAG }))).toEqual(["/flatDose"]);
      expect(pathsOf(() => dose({ doseBasis: "FLAT", flatDose: 5e7, maxTotal: 1e8, bag: BAG }))).toEqual([
        "/maxTotal",
      ]);
      expect(pathsOf(() => dose({ doseBasis: "WHOLE_BAG", dosePerKg: 1e6, bag: BAG }))).toEqual([
        "/dosePerKg",
      ]);
      expect(
        pathsOf(() =>
          dose({ doseBasis: "PER_KG", dosePerKg: 1e6, refWeightKg: 70, flatDose: 5e7, bag: BAG }),
        ),
      ).toEqual(["/flatDose"]);
    });
    it("unit slips: 2 instead of 2 × 10⁶ cells/kg, 100 instead of 100 × 10⁶ cells", () => {
      expect(pathsOf(() => dose({ doseBasis: "PER_KG", dosePerKg: 2, refWeightKg: 70, bag: BAG }))).toEqual([
        "/dosePerKg",
      ]);
      expect(pathsOf(() => dose({ doseBasis: "FLAT", flatDose: 100, bag: BAG }))).toEqual(["/flatDose"]);
      expect(() => dose({ doseBasis: "PER_KG", dosePerKg: 1e4, refWeightKg: 70, bag: BAG })).not.toThrow();
      expect(
        pathsOf(() => dose({ doseBasis: "PER_KG", dosePerKg: 9999, refWeightKg: 70, bag: BAG })),
      ).toEqual(["/dosePerKg"]);
    });
    it("the bag needs two of total, concentration and volume", () => {
      expect(
        pathsOf(() => dose({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, totalCells: undefined } })),
      ).toEqual(["/bag/totalCells", "/bag/concentrationCellsPerMl"]);
    });
    it("CAR+ % and viability % belong to their bases only", () => {
      const { carPositivePercent: _, ...noCar } = BAG;
      expect(pathsOf(() => dose({ doseBasis: "FLAT", flatDose: 5e7, bag: noCar }))).toEqual([
        "/bag/carPositivePercent",
      ]);
      expect(
        pathsOf(() =>
          dose({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, cellCountBasis: "CAR_POSITIVE_VIABLE" } }),
        ),
      ).toEqual(["/bag/carPositivePercent"]);
      expect(
        pathsOf(() =>
          dose({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, cellCountBasis: "TOTAL_NUCLEATED" } }),
        ),
      ).toEqual(["/bag/viabilityPercent"]);
      expect(
        pathsOf(() => dose({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, viabilityPercent: 90 } })),
      ).toEqual(["/bag/viabilityPercent"]);
      expect(() =>
        dose({
          doseBasis: "FLAT",
          flatDose: 5e7,
          bag: { ...BAG, totalCells: 1e9, volumeMl: 100, carPositivePercent: 100 },
        }),
      ).not.toThrow();
      expect(
        pathsOf(() => dose({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, carPositivePercent: 100.1 } })),
      ).toEqual(["/bag/carPositivePercent"]);
      expect(
        pathsOf(() => dose({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, carPositivePercent: 0 } })),
      ).toEqual(["/bag/carPositivePercent"]);
    });
    it("a range needs lower ≤ upper, and a per-kg range needs the weight", () => {
      expect(
        pathsOf(() =>
          dose({
            doseBasis: "FLAT",
            flatDose: 5e7,
            doseRange: { unit: "CELLS", lower: 2e8, upper: 1e8 },
            bag: BAG,
          }),
        ),
      ).toEqual(["/doseRange/upper"]);
      expect(
        pathsOf(() =>
          dose({
            doseBasis: "FLAT",
            flatDose: 5e7,
            doseRange: { unit: "CELLS_PER_KG", lower: 5e5, upper: 1e6 },
            bag: BAG,
          }),
        ),
      ).toEqual(["/refWeightKg"]);
    });
  });

  it("property: volume × CAR+/mL = dose; suffices iff the bag holds the dose; never above the cap", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e5, max: 1e7, noNaN: true }),
        fc.double({ min: 10, max: 200, noNaN: true }),
        fc.double({ min: 1e8, max: 1e10, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        (perKg, w, cells, pct) => {
          const bag = { cellCountBasis: "VIABLE", totalCells: cells, volumeMl: 100, carPositivePercent: pct };
          const v = dose({ doseBasis: "PER_KG", dosePerKg: perKg, refWeightKg: w, maxTotal: 2e8, bag });
          expect(v.carPositiveCellsToGive).toBeLessThanOrEqual(2e8);
          expect(v.carPositiveCellsToGive).toBeCloseTo(Math.min(perKg * w, 2e8), 0);
          expect(v.volumeToDrawMl * v.bagCarPositiveCellsPerMl).toBeCloseTo(v.carPositiveCellsToGive, 0);
          expect(v.bagSuffices).toBe(v.volumeToDrawMl <= 100 * (1 + 1e-9));
        },
      ),
    );
  });
});

// ─────────────────────────────────── Cellular kinetics ───────────────────────────────────

const series = (pairs: [number, number][], lloq = 10) => ({
  unit: "COPIES_PER_UG_GDNA",
  lloq,
  samples: pairs.map(([day, value]) => ({ day, value })),
});
const car = (pairs: [number, number][], lloq = 10) => pk({ carSeries: series(pairs, lloq) }).car!;
const bcells = (pairs: [number, number][], threshold = 1, extra: Record<string, unknown> = {}) =>
  pk({
    bCellSeries: {
      unit: "CELLS_PER_UL",
      aplasiaThreshold: threshold,
      samples: pairs.map(([day, value]) => ({ day, value })),
      ...extra,
    },
  }).bCells!;

describe("cellular-kinetics: CAR series", () => {
  it("PK-1: Cmax 18,000 at day 7; AUC0–28d = 75 + 3825 + 30600 + 40500 + 24000 + 13300 + 3850 = 116,150", () => {
    const r = cellularKineticsCalculator.run({
      carSeries: series([
        [0, 0],
        [1, 150],
        [4, 2400],
        [7, 18000],
        [10, 9000],
        [14, 3000],
        [21, 800],
        [28, 300],
      ]),
    });
    const k = (r.value as CellularKineticsValue).car!;
    expect(k.cmax).toBe(18000);
    expect(k.tmaxDay).toBe(7);
    expect(k.auc0to28).toBeCloseTo(75 + 3825 + 30600 + 40500 + 24000 + 13300 + 3850, 6);
    expect(k.auc0to28).toBeCloseTo(116150, 6);
    expect(k.c28).toEqual({ value: 300, interpolated: false });
    expect(r.label).toMatch(/Cmax 18000 copies\/µg gDNA at day 7; AUC0–28d 116150/);
  });
  it("PK-2: C(28) interpolated = 600; AUC0–28d = 35000 + 49000 + 17500 + 5600 = 107,100", () => {
    const k = car([
      [0, 0],
      [7, 10000],
      [14, 4000],
      [21, 1000],
      [35, 200],
    ]);
    expect(k.c28!.interpolated).toBe(true);
    expect(k.c28!.value).toBeCloseTo(600, 9);
    expect(k.auc0to28).toBeCloseTo(107100, 6);
    expect(k.cmax).toBe(10000);
    expect(k.tmaxDay).toBe(7);
  });
  it("PK-3: last sample day 21 → AUC0–28d not evaluable; AUC0–21 = 33,450 (flagged)", () => {
    const r = cellularKineticsCalculator.run({
      carSeries: series([
        [0, 0],
        [2, 500],
        [7, 4000],
        [14, 1000],
        [21, 200],
      ]),
    });
    const k = (r.value as CellularKineticsValue).car!;
    expect(k.auc0to28).toBeNull();
    expect(k.auc0to28Evaluable).toBe(false);
    expect(k.auc0toTlast).toEqual({ toDay: 21, auc: 33450 });
    expect(r.reasons.join(" ")).toMatch(/not evaluable.*AUC0–21 = 33450/);
  });
  it("PK-4: LLOQ 10; day 90: 15, 180 and 270 below LLOQ → persistent at 90, Tlast 90, loss confirmed at 270 (first missed 180)", () => {
    const k = pk({
      carSeries: {
        unit: "COPIES_PER_UG_GDNA",
        lloq: 10,
        samples: [
          { day: 90, value: 15 },
          { day: 180, belowLloq: true },
          { day: 270, belowLloq: true },
        ],
      },
    }).car!;
    expect(k.quantifiableDays).toEqual([90]);
    expect(k.tlastDay).toBe(90);
    expect(k.persistenceCensored).toBe(false);
    expect(k.lossOfPersistence).toEqual({ firstMissedDay: 180, confirmedDay: 270 });
    // no sample between day 0 and 28: the area would be pure interpolation
    expect(k.auc0to28).toBeNull();
  });

  it("LLOQ edge: a value equal to the LLOQ is quantifiable; just below counts as 0", () => {
    const at = car([
      [0, 0],
      [14, 10],
      [28, 10],
    ]);
    expect(at.tlastDay).toBe(28);
    expect(at.auc0to28).toBeCloseTo((14 * 10) / 2 + 14 * 10, 9);
    const below = car([
      [0, 0],
      [14, 9.99],
      [28, 9.99],
    ]);
    expect(below.cmax).toBeNull();
    expect(below.tlastDay).toBeNull();
    expect(below.auc0to28).toBe(0);
  });
  it("day-28 edge: a last sample on day 28 is evaluable, on day 27.9 not", () => {
    expect(
      car([
        [0, 0],
        [28, 280],
      ]).auc0to28,
    ).toBeCloseTo(3920, 9); // 28 × 280 / 2
    const short = car([
      [0, 0],
      [27.9, 280],
    ]);
    expect(short.auc0to28).toBeNull();
    expect(short.auc0toTlast!.auc).toBeCloseTo((27.9 * 280) / 2, 9);
  });
  it("samples after day 28 do not add area beyond day 28", () => {
    expect(
      car([
        [0, 0],
        [28, 280],
        [56, 100000],
      ]).auc0to28,
    ).toBeCloseTo(3920, 9);
  });
  it("no day-0 sample: C(0) = 0 and the reasons say so", () => {
    const r = cellularKineticsCalculator.run({
      carSeries: series([
        [7, 1000],
        [28, 1000],
      ]),
    });
    expect((r.value as CellularKineticsValue).car!.auc0to28).toBeCloseTo(7 * 500 + 21 * 1000, 9);
    expect(r.reasons.join(" ")).toMatch(/C\(0\) = 0/);
  });
  it("Tmax on ties is the first occurrence; Cmax is never interpolated", () => {
    const k = car([
      [0, 0],
      [7, 5000],
      [14, 5000],
      [28, 100],
    ]);
    expect(k.tmaxDay).toBe(7);
  });
  it("AUC0–Tlast ends at the last quantifiable day when the series ends before day 28", () => {
    const k = car([
      [0, 0],
      [7, 1000],
      [14, 5],
      [21, 5],
    ]);
    expect(k.auc0toTlast).toEqual({ toDay: 7, auc: 3500 });
    expect(k.lossOfPersistence).toEqual({ firstMissedDay: 14, confirmedDay: 21 });
  });
  it("loss of persistence needs two consecutive values below LLOQ with nothing quantifiable later", () => {
    const one = car([
      [0, 0],
      [7, 1000],
      [28, 100],
      [60, 0],
    ]);
    expect(one.lossOfPersistence).toEqual({ firstMissedDay: 60, confirmedDay: null });
    const back = car([
      [0, 0],
      [7, 1000],
      [28, 0],
      [60, 0],
      [90, 20],
    ]);
    expect(back.tlastDay).toBe(90);
    expect(back.lossOfPersistence).toBeNull();
    expect(back.persistenceCensored).toBe(true);
  });

  describe("validation", () => {
    it("at least one series", () => {
      expect(pathsOf(() => pk({}))).toEqual(["/carSeries"]);
      expect(issuesOf(() => pk({})).map((i) => i.message)).toEqual([
        "Give the CAR-T series, the B-cell series or both.",
      ]);
    });
    it("days: ≥ 0 and unique", () => {
      expect(pathsOf(() => car([[-1, 0]]))).toEqual(["/carSeries/samples/0/day"]);
      expect(
        pathsOf(() =>
          car([
            [0, 0],
            [7, 10],
            [7, 12],
          ]),
        ),
      ).toEqual(["/carSeries/samples/2/day"]);
    });
    it("a value, or belowLloq true; the flag must agree with the value", () => {
      const s = (sample: Record<string, unknown>) =>
        pk({ carSeries: { unit: "CAR_POS_CELLS_PER_UL", lloq: 1, samples: [sample] } });
      expect(pathsOf(() => s({ day: 7 }))).toEqual(["/carSeries/samples/0/value"]);
      expect(pathsOf(() => s({ day: 7, belowLloq: false }))).toEqual(["/carSeries/samples/0/value"]);
      expect(pathsOf(() => s({ day: 7, value: 1, belowLloq: true }))).toEqual([
        "/carSeries/samples/0/belowLloq",
      ]);
      expect(pathsOf(() => s({ day: 7, value: 0.5, belowLloq: false }))).toEqual([
        "/carSeries/samples/0/belowLloq",
      ]);
      expect(() => s({ day: 7, value: 0.5, belowLloq: true })).not.toThrow();
    });
    it("each LLOQ check says what is wrong in words, with the numbers, not the field's name (issue 11)", () => {
      const s = (sample: Record<string, unknown>) =>
        pk({ carSeries: { unit: "CAR_POS_CELLS_PER_UL", lloq: 1, samples: [sample] } });
      expect(issuesOf(() => s({ day: 7 })).map((i) => i.message)).toEqual([
        "A value is required unless the sample is recorded as below the lower limit of quantification (LLOQ).",
      ]);
      expect(issuesOf(() => s({ day: 7, value: 1, belowLloq: true })).map((i) => i.message)).toEqual([
        "Recorded as below the LLOQ, but the value 1 is at or above the LLOQ 1.",
      ]);
      expect(issuesOf(() => s({ day: 7, value: 0.5, belowLloq: false })).map((i) => i.message)).toEqual([
        "Not recorded as below the LLOQ, but the value 0.5 is below the LLOQ 1.",
      ]);
    });
    it("unit and a positive LLOQ are required", () => {
      expect(pathsOf(() => pk({ carSeries: { lloq: 10, samples: [{ day: 0, value: 0 }] } }))).toEqual([
        "/carSeries/unit",
      ]);
      expect(pathsOf(() => car([[0, 0]], 0))).toEqual(["/carSeries/lloq"]);
    });
  });

  it("property: Cmax bounds every quantifiable value; raising a value never lowers AUC0–28d or Cmax", () => {
    const arbSeries = fc
      .uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 10 })
      .chain((days) =>
        fc.tuple(
          fc.constant([0, 28, ...days.filter((d) => d !== 28)].sort((a, b) => a - b)),
          fc.array(fc.integer({ min: 0, max: 100000 }), {
            minLength: days.length + 2,
            maxLength: days.length + 2,
          }),
          fc.nat(),
          fc.integer({ min: 1, max: 50000 }),
        ),
      );
    fc.assert(
      fc.property(arbSeries, ([days, values, pick, bump]) => {
        const pairs = days.map((d, k) => [d, values[k]!] as [number, number]);
        const a = car(pairs);
        for (const [, v] of pairs) if (v >= 10) expect(a.cmax!).toBeGreaterThanOrEqual(v);
        expect(a.auc0to28!).toBeGreaterThanOrEqual(0);
        const k = pick % pairs.length;
        const raised = pairs.map(([d, v], j) => [d, j === k ? v + bump : v] as [number, number]);
        const b = car(raised);
        expect(b.auc0to28!).toBeGreaterThanOrEqual(a.auc0to28! - 1e-6);
        expect(b.cmax ?? 0).toBeGreaterThanOrEqual(a.cmax ?? 0);
      }),
    );
  });
});

describe("cellular-kinetics: B-cell aplasia", () => {
  it("BC-1: threshold 1 cell/µL; days 30/60/90/120/150 = 0/0/0.5/3/12 → aplasia through day 90, recovery day 120", () => {
    const r = cellularKineticsCalculator.run({
      bCellSeries: {
        unit: "CELLS_PER_UL",
        aplasiaThreshold: 1,
        samples: [
          { day: 30, value: 0 },
          { day: 60, value: 0 },
          { day: 90, value: 0.5 },
          { day: 120, value: 3 },
          { day: 150, value: 12 },
        ],
      },
    });
    expect((r.value as CellularKineticsValue).bCells).toMatchObject({
      aplasiaStartDay: 30,
      aplasiaEndDay: 90,
      recoveryDay: 120,
      aplasiaOngoing: false,
    });
    expect(r.label).toBe("B-cell aplasia day 30–90, recovery day 120");
    expect(r.reasons.join(" ")).toMatch(/days 120, 150/);
  });
  it("threshold edge: a value equal to the threshold is not aplasia", () => {
    expect(
      bcells([
        [30, 1],
        [60, 1],
      ]).aplasiaStartDay,
    ).toBeNull();
    expect(
      bcells([
        [30, 0.99],
        [60, 1],
        [90, 1],
      ]),
    ).toMatchObject({ aplasiaStartDay: 30, aplasiaEndDay: 30, recoveryDay: 60 });
  });
  it("recovery needs recoveryConfirmations consecutive samples (default 2); a single blip does not count", () => {
    const pairs: [number, number][] = [
      [30, 0],
      [60, 2],
      [90, 0],
      [120, 2],
      [150, 3],
    ];
    expect(bcells(pairs)).toMatchObject({ aplasiaStartDay: 30, aplasiaEndDay: 90, recoveryDay: 120 });
    expect(bcells(pairs, 1, { recoveryConfirmations: 1 })).toMatchObject({
      aplasiaEndDay: 30,
      recoveryDay: 60,
    });
    expect(bcells(pairs, 1, { recoveryConfirmations: 3 })).toMatchObject({
      recoveryDay: null,
      aplasiaOngoing: true,
    });
  });
  it("ongoing aplasia, high baseline before aplasia, and a fall after recovery", () => {
    expect(
      bcells([
        [0, 150],
        [14, 0],
        [28, 0],
      ]),
    ).toMatchObject({ aplasiaStartDay: 14, aplasiaOngoing: true, recoveryDay: null, aplasiaEndDay: null });
    const fallAgain = bcells([
      [30, 0],
      [60, 5],
      [90, 5],
      [120, 0.2],
    ]);
    expect(fallAgain).toMatchObject({ recoveryDay: 60, lowAgainAfterRecoveryDay: 120 });
  });
  it("validation: threshold required and positive; percentages ≤ 100; confirmations 1–5", () => {
    const base = { unit: "PERCENT_OF_LYMPHOCYTES", aplasiaThreshold: 1, samples: [{ day: 30, value: 0 }] };
    const { aplasiaThreshold: _, ...noThreshold } = base;
    expect(pathsOf(() => pk({ bCellSeries: noThreshold }))).toEqual(["/bCellSeries/aplasiaThreshold"]);
    expect(pathsOf(() => pk({ bCellSeries: { ...base, samples: [{ day: 30, value: 101 }] } }))).toEqual([
      "/bCellSeries/samples/0/value",
    ]);
    expect(pathsOf(() => pk({ bCellSeries: { ...base, recoveryConfirmations: 0 } }))).toEqual([
      "/bCellSeries/recoveryConfirmations",
    ]);
  });
  it("property: recovery comes after the start and after the last aplastic day", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 1, maxLength: 15 }),
        (values) => {
          const b = bcells(values.map((v, k) => [(k + 1) * 30, v] as [number, number]));
          if (b.recoveryDay !== null) {
            expect(b.aplasiaStartDay!).toBeLessThan(b.recoveryDay);
            expect(b.aplasiaEndDay!).toBeLessThan(b.recoveryDay);
            expect(b.aplasiaEndDay!).toBeGreaterThanOrEqual(b.aplasiaStartDay!);
          }
          if (b.aplasiaStartDay === null) expect(values.every((v) => v >= 1)).toBe(true);
        },
      ),
    );
  });
});

it("both series together: one label with the CAR and B-cell results", () => {
  const r = cellularKineticsCalculator.run({
    carSeries: series([
      [0, 0],
      [28, 280],
    ]),
    bCellSeries: { unit: "CELLS_PER_UL", aplasiaThreshold: 1, samples: [{ day: 30, value: 0 }] },
  });
  expect(r.label).toBe(
    "Cmax 280 copies/µg gDNA at day 28; AUC0–28d 3920 copies·day/µg gDNA; Tlast day 28; B-cell aplasia from day 30, ongoing",
  );
});
