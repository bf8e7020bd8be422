/**
 * UCUM normalisation (src/domain/lab-import/ucum.ts) on the conversions issue 5 names and the
 * ones the derived grades rely on. Expected values are worked by hand from the unit definitions:
 * 1 k[IU]/L = 1000 [IU] / 1000 mL = 1 [IU]/mL; 1 g/L = 1000 mg / 10 dL = 100 mg/dL;
 * 1 × 10⁹/L = 10⁹ / 10⁶ µL = 10³/µL; haemoglobin 1 g/dL = 0.6206 mmol/L (CTCAE v5.0);
 * creatinine 1 mg/dL = 88.4 µmol/L (KDIGO 2012).
 */
import { describe, expect, it } from "vitest";
import { LOINC } from "../../src/demo/codes.ts";
import { LAB_CODES } from "../../src/domain/lab-import/canonical-units.ts";
import { convertQuantity, ucumCodeOf } from "../../src/domain/lab-import/ucum.ts";
import { cellsPerMicrolitre, hemoglobinGramsPerDecilitre } from "../../src/domain/lab-units.ts";

const HB = LAB_CODES["718-7"]!;
const CREATININE = LAB_CODES["2160-0"]!;

const value = (v: number, from: string, to: string, mw?: number) => {
  const r = convertQuantity(v, from, to, mw);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

describe("conversions named in issue 5", () => {
  it("IU/mL and kIU/L are the same quantity, both ways, in UCUM and in the lab's spelling", () => {
    expect(value(45, "k[IU]/L", "[IU]/mL")).toBe(45);
    expect(value(45, "[IU]/mL", "k[IU]/L")).toBe(45);
    expect(value(45, "kIU/L", "[IU]/mL")).toBe(45);
    expect(value(45, "IU/mL", "[IU]/mL")).toBe(45);
    expect(value(45, "mIU/mL", "[IU]/L")).toBe(45);
    // and a real factor where there is one: 1 [IU]/mL = 1000 [IU]/L
    expect(value(2, "[IU]/mL", "[IU]/L")).toBe(2000);
  });

  it("g/L to mg/dL multiplies by 100, and back", () => {
    expect(value(6.5, "g/L", "mg/dL")).toBe(650);
    expect(value(650, "mg/dL", "g/L")).toBe(6.5);
    expect(value(112, "g/L", "g/dL")).toBe(11.2);
  });

  it("10*9/L equals 10*3/uL without floating-point noise", () => {
    expect(value(3, "10*9/L", "10*3/uL")).toBe(3);
    expect(value(1.5, "x10^9/L", "10*3/uL")).toBe(1.5);
    expect(value(0.3, "10*3/uL", "10*9/L")).toBe(0.3);
  });

  it("µg/L, mcg/L and ng/mL are the same mass concentration", () => {
    expect(value(300, "µg/L", "ng/mL")).toBe(300);
    expect(value(300, "mcg/L", "ng/mL")).toBe(300);
  });

  it("/uL, cells/uL and /mm3 are one count per microlitre", () => {
    expect(value(250, "cells/uL", "/uL")).toBe(250);
    expect(value(250, "/mm3", "/uL")).toBe(250);
    expect(value(250, "/uL", "10*3/uL")).toBe(0.25);
  });
});

describe("mass and amount of substance", () => {
  it("haemoglobin mmol/L converts with the CTCAE factor 0.6206 (6.2 mmol/L ≈ 10.0 g/dL)", () => {
    expect(value(6.2, "mmol/L", "g/dL", HB.molecularWeight)).toBeCloseTo(6.2 / 0.6206, 9);
    expect(value(10, "g/dL", "mmol/L", HB.molecularWeight)).toBeCloseTo(6.206, 9);
    // CTCAE grade-3 edge: 8.0 g/dL is listed as 4.9 mmol/L
    expect(value(4.9, "mmol/L", "g/dL", HB.molecularWeight)).toBeCloseTo(7.9, 1);
  });

  it("creatinine 88.4 µmol/L is 1 mg/dL", () => {
    expect(value(88.4, "umol/L", "mg/dL", CREATININE.molecularWeight)).toBe(1);
    expect(value(1.2, "mg/dL", "umol/L", CREATININE.molecularWeight)).toBeCloseTo(106.08, 9);
  });

  it("without an agreed molecular weight, mmol/L is refused for a mass unit, naming both units", () => {
    const r = convertQuantity(8, "mmol/L", "g/dL");
    expect(r).toMatchObject({ ok: false, code: "incompatible_unit" });
    expect(!r.ok && r.message).toMatch(/mmol\/L cannot be converted to g\/dL.*molecular weight/);
  });
});

describe("refusals", () => {
  it("incompatible units name both units", () => {
    const r = convertQuantity(5.1, "mg/dL", "10*3/uL");
    expect(r).toEqual({
      ok: false,
      code: "incompatible_unit",
      message: "mg/dL cannot be converted to 10*3/uL: they measure different kinds of quantity",
    });
  });

  it("K/uL, which analysers print for thousands per microlitre, is refused with a hint (K is the kelvin)", () => {
    const r = convertQuantity(5.1, "K/uL", "10*3/uL");
    expect(!r.ok && r.message).toMatch(/K is the kelvin in UCUM; thousands per microlitre are 10\*3\/uL/);
  });

  it("different arbitrary units stay apart, and a mass unit never becomes [IU]", () => {
    expect(convertQuantity(3, "[arb'U]/mL", "[IU]/mL")).toMatchObject({
      ok: false,
      code: "incompatible_unit",
    });
    expect(convertQuantity(3, "mg/dL", "[IU]/mL")).toMatchObject({ ok: false, code: "incompatible_unit" });
    // U (enzyme unit, µmol/min) is not an International Unit in UCUM
    expect(convertQuantity(3, "[IU]/L", "U/L")).toMatchObject({ ok: false, code: "incompatible_unit" });
  });

  it("an unknown unit is reported as such, quoting what was written", () => {
    expect(convertQuantity(12, "furlongs", "g/dL")).toEqual({
      ok: false,
      code: "unknown_unit",
      message: '"furlongs" is not a UCUM unit (e.g. mg/dL, 10*9/L, [IU]/mL)',
    });
    expect(ucumCodeOf("")).toBeNull();
    // UCUM is case-sensitive: MG/DL is nothing, mg/dl is mg/dL (l and L are both litre)
    expect(ucumCodeOf("MG/DL")).toBeNull();
    expect(value(1, "mg/dl", "mg/dL")).toBe(1);
  });

  it("special units convert by their formula, not a factor: 98.6 °F is 37 °C", () => {
    expect(value(98.6, "[degF]", "Cel")).toBe(37);
    expect(value(32, "[degF]", "Cel")).toBe(0);
  });
});

describe("lab-units.ts on top of UCUM (used by the derived CTCAE grades)", () => {
  it("counts per microlitre", () => {
    expect(cellsPerMicrolitre(1.5, "10*9/L")).toBe(1500);
    expect(cellsPerMicrolitre(0.5, "10*3/uL")).toBe(500);
    // 10⁶/L is one per microlitre (10⁶ per 10⁶ µL); the hand-coded table before UCUM said 0.001
    expect(cellsPerMicrolitre(0.5, "10*6/L")).toBe(0.5);
    expect(cellsPerMicrolitre(1, "%")).toBeNull();
    expect(cellsPerMicrolitre(1, null)).toBeNull();
  });

  it("haemoglobin in g/dL", () => {
    expect(hemoglobinGramsPerDecilitre(80, "g/L")).toBe(8);
    expect(hemoglobinGramsPerDecilitre(6.2, "mmol/L")).toBeCloseTo(9.99, 2);
    expect(hemoglobinGramsPerDecilitre(8, "mg/dL")).toBe(0.008);
    expect(hemoglobinGramsPerDecilitre(8, "pints")).toBeNull();
  });
});

describe("canonical units", () => {
  it("cover every LOINC code the demo records, in the unit the demo records it in", () => {
    for (const c of Object.values(LOINC)) {
      expect(LAB_CODES[c.code], c.code).toBeDefined();
      expect(LAB_CODES[c.code]!.canonicalUnit, c.code).toBe(c.unit);
    }
  });

  it("are all valid UCUM", () => {
    for (const [code, entry] of Object.entries(LAB_CODES))
      if (entry.canonicalUnit) expect(ucumCodeOf(entry.canonicalUnit), code).toBe(entry.canonicalUnit);
  });
});
