/** Immunoglobulin nadir on hand-made series: units, ties, the 4 g/L flag on both sides, gaps. */
import { describe, expect, it } from "vitest";
import { addDays } from "../../../src/domain/calendar.ts";
import {
  gramsPerLitre,
  type IgSample,
  immunoglobulinNadir,
} from "../../../src/domain/endpoints/immunoglobulins.ts";

const DAY0 = "2022-05-01";
const series = (points: [number, number, string][]): IgSample[] =>
  points.map(([day, value, unit]) => ({
    date: addDays(DAY0, day),
    value,
    unit,
    ref: { kind: "observation", id: `o${day}` },
  }));

describe("immunoglobulin nadir", () => {
  it("finds the lowest IgG after day 0 across units, ignoring the pre-infusion value", () => {
    const e = immunoglobulinNadir(
      "IgG",
      series([
        [-10, 2.0, "g/L"],
        [28, 820, "mg/dL"],
        [90, 5.1, "g/L"],
        [180, 640, "mg/dL"],
      ]),
      DAY0,
    );
    expect(e).toMatchObject({ key: "igg-nadir", status: "met", value: 5.1, unit: "g/L", studyDay: 90 });
    expect(e.derivedFrom).toEqual([{ kind: "observation", id: "o90" }]);
    expect(e.details).toMatchObject({ atOrBelowReplacementThreshold: false, mayFallFurther: false });
  });

  it("flags IgG at exactly 4 g/L (≤ 400 mg/dL) but not at 4.01", () => {
    expect(
      immunoglobulinNadir(
        "IgG",
        series([
          [30, 400, "mg/dL"],
          [60, 500, "mg/dL"],
        ]),
        DAY0,
      ).details,
    ).toMatchObject({
      atOrBelowReplacementThreshold: true,
    });
    expect(
      immunoglobulinNadir(
        "IgG",
        series([
          [30, 4.01, "g/L"],
          [60, 5, "g/L"],
        ]),
        DAY0,
      ).details,
    ).toMatchObject({
      atOrBelowReplacementThreshold: false,
    });
  });

  it("takes the earliest of equal lowest values, and warns when the lowest is the latest", () => {
    expect(
      immunoglobulinNadir(
        "IgM",
        series([
          [30, 0.2, "g/L"],
          [60, 20, "mg/dL"],
          [90, 0.5, "g/L"],
        ]),
        DAY0,
      ).studyDay,
    ).toBe(30);
    const falling = immunoglobulinNadir(
      "IgA",
      series([
        [30, 1.2, "g/L"],
        [60, 0.9, "g/L"],
      ]),
      DAY0,
    );
    expect(falling.details).toMatchObject({ mayFallFurther: true });
    expect(falling.reasons.join(" ")).toMatch(/may not yet be reached/);
  });

  it("is not evaluable with an unknown unit, nothing after day 0, or no infusion", () => {
    expect(immunoglobulinNadir("IgG", series([[30, 7, "mmol/L"]]), DAY0)).toMatchObject({
      status: "not-evaluable",
      reasons: [expect.stringMatching(/mmol\/L/)],
    });
    expect(immunoglobulinNadir("IgG", series([[-3, 7, "g/L"]]), DAY0).status).toBe("not-evaluable");
    expect(immunoglobulinNadir("IgG", series([[3, 7, "g/L"]]), null).status).toBe("not-evaluable");
  });

  it("converts mass concentrations to g/L", () => {
    expect(gramsPerLitre(640, "mg/dL")).toBeCloseTo(6.4, 10);
    expect(gramsPerLitre(0.64, "g/dL")).toBeCloseTo(6.4, 10);
    expect(gramsPerLitre(6400, "mg/L")).toBeCloseTo(6.4, 10);
    expect(gramsPerLitre(6.4, "IU/mL")).toBeNull();
  });
});
