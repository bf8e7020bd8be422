/**
 * Count-unit warnings of the haematology calculators (issue 10): a count in cells/µL that reads as
 * entered in × 10³/µL is graded as entered, with a warning naming the field.
 */
import { describe, expect, it } from "vitest";
import {
  countUnitWarnings,
  seriesUnitWarning,
} from "../../src/domain/calculators/hematologic/count-units.ts";
import { carHematotox, ctcaeHematology, icaht } from "../../src/domain/calculators/hematologic/index.ts";

describe("count-unit warnings of the haematology calculators", () => {
  it("platelets 200 /µL next to an LLN of 150,000: CTCAE grade 4 as entered, with a warning", () => {
    const r = ctcaeHematology.run({ platelets: { countCellsPerUL: 200, llnCellsPerUL: 150_000 } });
    expect((r.value as { platelets: number }).platelets).toBe(4);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ path: "/platelets/countCellsPerUL", code: "count_unit_suspect" });
    expect(r.warnings[0]!.message).toMatch(/enter 200,000 \(at or above the LLN of 150,000\)/);
  });

  it("no warning for zero, for counts an analyser reports, or for real LLNs", () => {
    expect(countUnitWarnings("platelets", "platelets", { value: 0, path: "/p" })).toEqual([]);
    expect(countUnitWarnings("platelets", "platelets", { value: 1000, path: "/p" })).toEqual([]);
    expect(countUnitWarnings("leukocytes", "ANC", { value: 10, path: "/a" })).toEqual([]);
    expect(
      countUnitWarnings("leukocytes", "ANC", { value: 1800, path: "/a" }, { value: 1500, path: "/l" }),
    ).toEqual([]);
    expect(ctcaeHematology.run({ neutrophils: { countCellsPerUL: 400 } }).warnings).toEqual([]);
  });

  it("ANC 1.5 and an LLN of 1.8 read like × 10³/µL: both warned", () => {
    const r = ctcaeHematology.run({ neutrophils: { countCellsPerUL: 1.5, llnCellsPerUL: 1.8 } });
    expect(r.warnings.map((w) => w.path)).toEqual([
      "/neutrophils/countCellsPerUL",
      "/neutrophils/llnCellsPerUL",
    ]);
    expect(r.warnings[0]!.message).toMatch(/enter 1,500/);
    expect(r.warnings[1]!.message).toMatch(/enter 1,800/);
  });

  it("the febrile-neutropenia ANC and CAR-HEMATOTOX counts are checked too", () => {
    expect(
      ctcaeHematology
        .run({ febrileNeutropenia: { ancCellsPerUL: 0.4, maxTemperatureC: 38.9 } })
        .warnings.map((w) => w.path),
    ).toEqual(["/febrileNeutropenia/ancCellsPerUL"]);
    const h = carHematotox.run({
      plateletsCellsPerUL: 180,
      ancCellsPerUL: 1.5,
      hemoglobinGPerDL: 11,
      crpMgPerDL: 1,
      ferritinNgPerML: 300,
      indication: "LBCL",
    });
    expect(h.warnings.map((w) => w.path)).toEqual(["/plateletsCellsPerUL", "/ancCellsPerUL"]);
  });

  it("ICAHT: one warning for a series typed in 10⁹/L, listing the values", () => {
    const series = [0.3, 0.05, 0, 1.2].map((a, d) => ({ studyDay: d, ancCellsPerUL: a }));
    const r = icaht.run({ phase: "EARLY", ancSeries: series, windowStatus: "ONGOING" });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ path: "/ancSeries", code: "count_unit_suspect" });
    expect(r.warnings[0]!.message).toMatch(/^3 of 4 ANC values/);
    expect(seriesUnitWarning("leukocytes", "ANC", "/x", [{ studyDay: 1, value: 50 }])).toEqual([]);
  });

  it("every calculator result carries a warnings array", () => {
    expect(ctcaeHematology.run({ anemia: { hemoglobinGPerDL: 9 } }).warnings).toEqual([]);
  });
});
