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

describe("immunoglobulin nadir from censored results (decision 0038)", () => {
  type Point = [number, number, string, ("<" | "<=" | ">")?];
  const censored = (points: Point[]): IgSample[] =>
    points.map(([day, value, unit, comparator]) => ({
      date: addDays(DAY0, day),
      value,
      unit,
      comparator: comparator ?? null,
      ref: { kind: "observation", id: `o${day}` },
    }));

  it('"<140 mg/dL" gives a nadir below 1.4 g/L, reported as censored and flagged', () => {
    const e = immunoglobulinNadir(
      "IgG",
      censored([
        [28, 5.2, "g/L"],
        [90, 140, "mg/dL", "<"],
        [180, 3.1, "g/L"],
      ]),
      DAY0,
    );
    expect(e).toMatchObject({ status: "met", value: 1.4, unit: "g/L", studyDay: 90 });
    expect(e.details).toMatchObject({
      censored: true,
      comparator: "<",
      original: { value: 140, unit: "mg/dL", comparator: "<" },
      atOrBelowReplacementThreshold: true,
    });
    expect(e.reasons[0]).toContain("nadir < 1.4 g/L");
  });

  it('"<5 g/L" against a measured 6 g/L: nadir below 5, and ≤ 4 g/L unknown (read as 5 it would be "above 4")', () => {
    const e = immunoglobulinNadir(
      "IgG",
      censored([
        [30, 6, "g/L"],
        [60, 5, "g/L", "<"],
      ]),
      DAY0,
    );
    expect(e).toMatchObject({ value: 5, studyDay: 60 });
    expect(e.details).toMatchObject({ comparator: "<", atOrBelowReplacementThreshold: null });
  });

  it("a measured low with a higher below-limit result beside it is a bound, not the value", () => {
    const e = immunoglobulinNadir(
      "IgG",
      censored([
        [30, 3.5, "g/L"],
        [60, 5, "g/L", "<"],
      ]),
      DAY0,
    );
    expect(e).toMatchObject({ value: 3.5, studyDay: 30 });
    expect(e.details).toMatchObject({
      censored: true,
      comparator: "<=",
      atOrBelowReplacementThreshold: true,
    });
    expect(e.derivedFrom.map((r) => r.id)).toEqual(["o30", "o60"]);
    // without censored results the nadir stays exact
    expect(immunoglobulinNadir("IgG", censored([[30, 3.5, "g/L"]]), DAY0).details).toMatchObject({
      censored: false,
      comparator: null,
    });
  });

  it('a result above the range (">20 g/L") does not bound the nadir', () => {
    const e = immunoglobulinNadir(
      "IgG",
      censored([
        [30, 20, "g/L", ">"],
        [60, 7, "g/L"],
      ]),
      DAY0,
    );
    expect(e).toMatchObject({ value: 7, studyDay: 60 });
    expect(e.details).toMatchObject({ censored: false });
    expect(immunoglobulinNadir("IgG", censored([[30, 20, "g/L", ">"]]), DAY0).status).toBe("not-evaluable");
  });
});
