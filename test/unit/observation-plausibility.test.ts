/**
 * Plausibility on entry (issue 10), the domain rules with worked examples: unit normalisation to
 * the canonical unit per LOINC code, physiological limits, decimal commas and numbers as text,
 * and observation times.
 */
import { describe, expect, it } from "vitest";
import { LOINC } from "../../src/demo/codes.ts";
import { CLOCK_SKEW_MS } from "../../src/domain/event-time.ts";
import { LAB_CODES, labCode } from "../../src/domain/lab-import/canonical-units.ts";
import {
  interpretValue,
  observationTimeProblem,
  parseNumberText,
  type RawValue,
} from "../../src/domain/observation-value.ts";
import { implausibility, PLAUSIBILITY } from "../../src/domain/plausibility.ts";

const paths = { value: "/valueNumber", unit: "/unit" };
const entry = (loinc: string, raw: RawValue | undefined, unit?: string, from: "entry" | "file" = "entry") =>
  interpretValue(loinc, labCode(loinc), raw, unit, paths, { from });
const n = (value: number) => ({ number: value });
const codes = (r: ReturnType<typeof entry>) => r.issues.map((i) => [i.path, i.code]);

describe("normalisation to the canonical unit of the LOINC code", () => {
  it("haemoglobin: 120 g/L and 7.4472 mmol/L (CTCAE factor 0.6206) are 12 g/dL; the entry is kept", () => {
    expect(entry("718-7", n(120), "g/L").value).toEqual({
      valueNumber: 12,
      valueCode: null,
      valueText: null,
      valueComparator: null,
      valueCodeSystem: null,
      unit: "g/dL",
      originalValue: 120,
      originalUnit: "g/L",
    });
    expect(entry("718-7", n(7.4472), "mmol/L").value).toMatchObject({ valueNumber: 12, unit: "g/dL" });
  });

  it("counts: 150 × 10⁹/L, x10^9/L and 150,000 cells/µL are 150 × 10³/µL", () => {
    for (const [v, u] of [
      [150, "10*9/L"],
      [150, "x10^9/L"],
      [150_000, "/uL"],
      [150_000, "cells/uL"],
    ] as const)
      expect(entry("777-3", n(v), u).value, u).toMatchObject({ valueNumber: 150, unit: "10*3/uL" });
  });

  it("temperature: 101.3 °F is 38.5 °C; °C is understood as Cel", () => {
    expect(entry("8310-5", n(101.3), "[degF]").value).toMatchObject({ valueNumber: 38.5, unit: "Cel" });
    expect(entry("8310-5", n(37.2), "°C").value).toMatchObject({
      valueNumber: 37.2,
      unit: "Cel",
      originalUnit: "°C",
    });
  });

  it("creatinine 88.4 µmol/L under the mass code is 1 mg/dL, and 1 mg/dL under the molar code is 88.4 µmol/L", () => {
    expect(entry("2160-0", n(88.4), "umol/L").value).toMatchObject({ valueNumber: 1, unit: "mg/dL" });
    expect(entry("14682-9", n(1), "mg/dL").value).toMatchObject({ valueNumber: 88.4, unit: "umol/L" });
  });

  it("refuses a temperature in kg and a count in K/uL (the kelvin), naming both units", () => {
    const kg = entry("8310-5", n(37), "kg");
    expect(codes(kg)).toEqual([["/unit", "incompatible_unit"]]);
    expect(kg.issues[0]!.message).toMatch(/kg cannot be converted to Cel/);
    expect(entry("777-3", n(150), "K/uL").issues[0]!.message).toMatch(/kelvin/);
  });

  it("a code outside the table keeps the UCUM unit given, and refuses a unit that is not UCUM", () => {
    expect(entry("1742-6", n(35), "U/L").value).toMatchObject({
      valueNumber: 35,
      unit: "U/L",
      originalUnit: "U/L",
    });
    expect(entry("1742-6", n(35), "mmHg").value).toMatchObject({ unit: "mm[Hg]", originalUnit: "mmHg" });
    expect(codes(entry("1742-6", n(35), "units"))).toEqual([["/unit", "unknown_unit"]]);
  });
});

describe("physiological limits (plausibility, not reference ranges)", () => {
  it("refuses the examples of issue 10: negative haemoglobin, SpO2 101 %, a temperature of 60 °C", () => {
    expect(codes(entry("718-7", n(-1), "g/dL"))).toEqual([["/valueNumber", "implausible_value"]]);
    expect(codes(entry("59408-5", n(101), "%"))).toEqual([["/valueNumber", "implausible_value"]]);
    expect(codes(entry("8310-5", n(60), "Cel"))).toEqual([["/valueNumber", "implausible_value"]]);
  });

  it("checks the converted value: 140 °F is 60 °C; 120 g/dL (g/L typed as g/dL) is refused, 120 g/L is not", () => {
    const f = entry("8310-5", n(140), "[degF]");
    expect(f.issues[0]!.message).toMatch(/140 \[degF\] \(60 Cel\) is above 47 Cel/);
    expect(codes(entry("718-7", n(120), "g/dL"))).toEqual([["/valueNumber", "implausible_value"]]);
    expect(entry("718-7", n(120), "g/L").issues).toEqual([]);
  });

  it("edges are inclusive: SpO2 100 %, temperature 47 and 10 °C, haemoglobin 0 are accepted", () => {
    expect(implausibility("59408-5", 100)).toBeNull();
    expect(implausibility("8310-5", 47)).toBeNull();
    expect(implausibility("8310-5", 10)).toBeNull();
    expect(implausibility("8310-5", 9.9)).toMatch(/13\.7 °C/);
    expect(implausibility("718-7", 0)).toBeNull();
  });

  it("keeps extreme but real results: ferritin 150,000 ng/mL, platelets 2 × 10³/µL, ANC 0, WBC 450 × 10³/µL", () => {
    expect(entry("2276-4", n(150_000), "ng/mL").issues).toEqual([]);
    expect(entry("777-3", n(2), "10*3/uL").issues).toEqual([]);
    expect(entry("751-8", n(0), "10*3/uL").issues).toEqual([]);
    expect(entry("6690-2", n(450), "10*9/L").issues).toEqual([]);
  });

  it("ECOG is a whole number from 0 to 5", () => {
    expect(entry("89247-1", n(2), "{score}").issues).toEqual([]);
    expect(codes(entry("89247-1", n(1.5), "{score}"))).toEqual([["/valueNumber", "implausible_value"]]);
    expect(codes(entry("89247-1", n(6), "{score}"))).toEqual([["/valueNumber", "implausible_value"]]);
  });

  it("every quantity code of the LOINC table has limits in its canonical unit, each with a reason", () => {
    for (const [code, e] of Object.entries(LAB_CODES)) {
      if (e.kind !== "quantity") {
        expect(PLAUSIBILITY[code], code).toBeUndefined();
        continue;
      }
      const b = PLAUSIBILITY[code];
      expect(b, code).toBeDefined();
      expect(b!.unit, code).toBe(e.canonicalUnit);
      expect(b!.min.why.length, code).toBeGreaterThan(20);
      if (b!.max) {
        expect(b!.max.value, code).toBeGreaterThan(b!.min.value);
        expect(b!.max.why.length, code).toBeGreaterThan(20);
      } else expect(b!.noMax?.length ?? 0, `${code}: no upper limit needs a reason`).toBeGreaterThan(20);
    }
    for (const code of Object.keys(PLAUSIBILITY)) expect(LAB_CODES[code], code).toBeDefined();
  });

  it("typical demo values of every demo code are plausible", () => {
    const typical: Record<string, number> = {
      antiDsDna: 45,
      c3: 85,
      c4: 12,
      igg: 900,
      urineProteinCreatinine: 500,
      cd19Absolute: 150,
      wbc: 5.2,
      neutrophils: 3.1,
      lymphocytes: 1.2,
      hemoglobin: 12.5,
      platelets: 210,
      crp: 4,
      ferritin: 300,
      il6: 6,
      ldh: 220,
      creatinine: 0.8,
      temperature: 36.8,
      spo2: 97,
      systolicBp: 120,
      weight: 60,
      height: 165,
      ecog: 1,
    };
    for (const [key, c] of Object.entries(LOINC)) {
      if (c.unit === null) continue;
      expect(implausibility(c.code, typical[key]!), key).toBeNull();
    }
  });
});

describe("numbers are numbers: decimal commas and numbers as text", () => {
  it("a decimal comma is refused with the fix, in a file and at entry, for any code", () => {
    expect(parseNumberText("3,5")).toMatchObject({
      code: "decimal_comma",
      message: expect.stringMatching(/write 3\.5/),
    });
    expect(codes(entry("718-7", { text: "3,5" }, "g/dL", "file"))).toEqual([
      ["/valueNumber", "decimal_comma"],
    ]);
    expect(codes(entry("718-7", { text: "3,5" }))).toEqual([["/valueNumber", "decimal_comma"]]);
    expect(codes(entry("1742-6", { text: "3,5" }))).toEqual([["/valueNumber", "decimal_comma"]]);
    expect(codes(entry("8061-4", { text: "-1,25" }))).toEqual([["/valueNumber", "decimal_comma"]]);
  });

  it("a thousands separator is not guessed either: 1,500 is refused", () => {
    expect(parseNumberText("1,500")).toMatchObject({
      code: "decimal_comma",
      message: expect.stringMatching(/write 1\.5 if it is a decimal, 1500 if the comma separates thousands/),
    });
  });

  it("at entry, a number as text is refused; a file's text is read as a number", () => {
    expect(codes(entry("718-7", { text: "12" }))).toEqual([["/valueNumber", "number_as_text"]]);
    expect(codes(entry("1742-6", { text: "12.5" }))).toEqual([["/valueNumber", "number_as_text"]]);
    expect(entry("718-7", { text: "12" }, "g/dL", "file").value).toMatchObject({ valueNumber: 12 });
  });

  it("a real text result stays text; a quantity code refuses text and a coded code refuses a number", () => {
    expect(entry("8061-4", { text: "positive, 1:160 speckled" }).value).toMatchObject({
      valueText: "positive, 1:160 speckled",
    });
    expect(entry("1742-6", { text: "haemolysed" }).value).toMatchObject({ valueText: "haemolysed" });
    expect(codes(entry("718-7", { text: "low" }))).toEqual([["/valueNumber", "expected_number"]]);
    expect(codes(entry("8061-4", n(1)))).toEqual([["/valueNumber", "expected_coded"]]);
  });
});

describe("observation times", () => {
  const now = new Date("2026-03-01T04:00:00Z");
  const at = (ms: number) => observationTimeProblem(new Date(now.getTime() + ms), now);
  it("up to the clock skew of event-time.ts ahead is accepted, a millisecond more is not", () => {
    expect(CLOCK_SKEW_MS).toBe(5 * 60_000);
    expect(at(CLOCK_SKEW_MS)).toBeNull();
    expect(at(CLOCK_SKEW_MS + 1)).toMatchObject({ code: "future_time" });
    expect(at(-86_400_000 * 365 * 10)).toBeNull();
  });
  it("before 1950 is a typing error", () => {
    expect(observationTimeProblem(new Date("1949-12-31T23:59:59Z"), now)).toMatchObject({
      code: "too_early",
    });
  });
});
