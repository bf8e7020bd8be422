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

describe("count-unit warnings written out (the mutation run, issue 16)", () => {
  it("one platelet count below 1,000/µL with an LLN it would meet in × 10³/µL: the LLN named", () => {
    expect(
      countUnitWarnings("platelets", "platelets", { value: 150, path: "/c" }, { value: 150_000, path: "/l" }),
    ).toStrictEqual([
      {
        path: "/c",
        code: "count_unit_suspect",
        message:
          "Platelets 150 cells/µL is below 1,000/µL (1 × 10⁹/L; platelets are reported in whole 10⁹/L), the smallest count an analyser reports: this field is in cells/µL. If the laboratory reported 150 × 10³/µL (× 10⁹/L), enter 150,000 (at or above the LLN of 150,000). Graded as entered.",
      },
    ]);
  });
  it("× 1000 still below the LLN: no LLN remark; a count of 999 is warned, 1,000 is not", () => {
    expect(
      countUnitWarnings(
        "platelets",
        "platelets",
        { value: 149.9, path: "/c" },
        { value: 150_000, path: "/l" },
      )[0]!.message,
    ).toBe(
      "Platelets 149.9 cells/µL is below 1,000/µL (1 × 10⁹/L; platelets are reported in whole 10⁹/L), the smallest count an analyser reports: this field is in cells/µL. If the laboratory reported 149.9 × 10³/µL (× 10⁹/L), enter 149,900. Graded as entered.",
    );
    expect(countUnitWarnings("platelets", "platelets", { value: 999, path: "/c" })).toHaveLength(1);
  });
  it("a leukocyte count below 10/µL and an LLN below 100/µL: both warned (× 1000 reaches that LLN), the LLN with its floor", () => {
    expect(
      countUnitWarnings("leukocytes", "ANC", { value: 9.99, path: "/c" }, { value: 99, path: "/l" }),
    ).toStrictEqual([
      {
        path: "/c",
        code: "count_unit_suspect",
        message:
          "ANC 9.99 cells/µL is below 10/µL (0.01 × 10⁹/L), the smallest count an analyser reports: this field is in cells/µL. If the laboratory reported 9.99 × 10³/µL (× 10⁹/L), enter 9,990 (at or above the LLN of 99). Graded as entered.",
      },
      {
        path: "/l",
        code: "count_unit_suspect",
        message:
          "An LLN of 99 cells/µL for ANC is below 100/µL, lower than any laboratory's lower limit of normal: this field is in cells/µL. If it was 99 × 10³/µL, enter 99,000. Graded as entered.",
      },
    ]);
  });
  it("the LLN floors are 10,000/µL for platelets and 100/µL for leukocytes, exclusive", () => {
    const lln = (analyte: "platelets" | "leukocytes", value: number) =>
      countUnitWarnings(analyte, "x", { value: 5000, path: "/c" }, { value, path: "/l" }).map((w) => w.path);
    expect(lln("platelets", 9_999)).toEqual(["/l"]);
    expect(lln("platelets", 10_000)).toEqual([]);
    expect(lln("leukocytes", 99.9)).toEqual(["/l"]);
    expect(lln("leukocytes", 100)).toEqual([]);
    expect(
      countUnitWarnings("platelets", "platelets", { value: 5000, path: "/c" }, { value: 150, path: "/l" })[0]!
        .message,
    ).toBe(
      "An LLN of 150 cells/µL for platelets is below 10,000/µL, lower than any laboratory's lower limit of normal: this field is in cells/µL. If it was 150 × 10³/µL, enter 150,000. Graded as entered.",
    );
  });
  it("a series: up to six odd values listed by day, more marked with an ellipsis; zeros and analyser counts left out (12 is one for leukocytes, not for platelets)", () => {
    const points = [0.5, 0, 12, 0.7, 1.1, 2.2, 3.3, 4.4].map((value, studyDay) => ({ studyDay, value }));
    expect(seriesUnitWarning("leukocytes", "ANC", "/s", points)).toStrictEqual([
      {
        path: "/s",
        code: "count_unit_suspect",
        message:
          "6 of 8 ANC values are below 10 cells/µL, the smallest count an analyser reports (0.5 on day 0, 0.7 on day 3, 1.1 on day 4, 2.2 on day 5, 3.3 on day 6, 4.4 on day 7): the values are in cells/µL; if they were × 10³/µL (× 10⁹/L), multiply by 1,000. Graded as entered.",
      },
    ]);
    const seven = [...points, { studyDay: 8, value: 5.5 }];
    expect(seriesUnitWarning("platelets", "platelet", "/s", seven)[0]!.message).toBe(
      "8 of 9 platelet values are below 1,000 cells/µL, the smallest count an analyser reports (0.5 on day 0, 12 on day 2, 0.7 on day 3, 1.1 on day 4, 2.2 on day 5, 3.3 on day 6, …): the values are in cells/µL; if they were × 10³/µL (× 10⁹/L), multiply by 1,000. Graded as entered.",
    );
  });
  it("a series value exactly at the analyser's resolution is not listed; four decimals are kept as entered", () => {
    const w = seriesUnitWarning("leukocytes", "ANC", "/s", [
      { studyDay: 1, value: 10 },
      { studyDay: 2, value: 0.1234 },
    ]);
    expect(w.map((x) => x.message)).toEqual([
      "1 of 2 ANC values are below 10 cells/µL, the smallest count an analyser reports (0.1234 on day 2): the values are in cells/µL; if they were × 10³/µL (× 10⁹/L), multiply by 1,000. Graded as entered.",
    ]);
  });
});
