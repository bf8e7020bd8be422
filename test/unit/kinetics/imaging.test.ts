/**
 * Lymphoma imaging → relative tumour burden (domain/kinetics/imaging.ts), on worked examples: a
 * Lugano CT SPD of 1,000 mm² against a baseline of 4,000 mm² is a quarter of the area, hence
 * 0.25^{3/2} = 0.125 of the burden; a CT complete response and a PET complete metabolic response
 * reach the fit as below a limit, never as values; a Deauville reading without CMR gives no number.
 */
import { describe, expect, it } from "vitest";
import { type ImagingAssessment, tumourBurdenPoints } from "../../../src/domain/kinetics/imaging.ts";
import { ERROR_MODELS, informedParameters, modelParameters } from "../../../src/domain/kinetics/index.ts";

const ct = (day: number, value: string, spdMm2: number, baselineSpdMm2 = 4000): ImagingAssessment => ({
  calculator: "lugano-ct",
  date: `D${day}`,
  day,
  result: { value, details: { spdMm2, baselineSpdMm2 } },
});
const pet = (day: number, value: string): ImagingAssessment => ({
  calculator: "lugano-pet",
  date: `D${day}`,
  day,
  result: { value },
});

describe("tumourBurdenPoints", () => {
  it("reads a CT SPD as (SPD / baseline SPD)^{3/2}: 1,000 of 4,000 mm² is 0.125", () => {
    const { data, skipped, baseline } = tumourBurdenPoints([ct(28, "PR", 1000)]);
    expect(skipped).toEqual([]);
    expect(baseline).toBeNull();
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ observable: "tumourRelative", day: 28, censored: false, lloq: 0.01 });
    expect(data[0]!.value).toBeCloseTo(0.125, 12);
    expect(data[0]!.recorded).toMatchObject({ value: 1000, unit: "mm²" });
  });

  it("takes the last scan before the infusion as the baseline when one is recorded", () => {
    const { data, baseline } = tumourBurdenPoints([
      ct(90, "PR", 750),
      ct(-20, "SD", 3500),
      ct(-4, "SD", 3000),
      ct(28, "PR", 1000),
    ]);
    expect(baseline).toEqual({ spdMm2: 3000, date: "D-4" });
    expect(data.map((d) => d.day)).toEqual([28, 90]);
    expect(data[0]!.value).toBeCloseTo((1000 / 3000) ** 1.5, 12); // 0.19245
    expect(data[1]!.value).toBeCloseTo(0.125, 12); // (750 / 3000)^1.5
  });

  it("reads a CT complete response as at most its residual burden (left-censored), 1 % when nothing is left", () => {
    const { data } = tumourBurdenPoints([ct(28, "CR", 200), ct(90, "CR", 0)]);
    expect(data[0]).toMatchObject({ censored: true, value: null });
    expect(data[0]!.lloq).toBeCloseTo(0.05 ** 1.5, 12); // 0.01118
    expect(data[1]).toMatchObject({ censored: true, value: null, lloq: ERROR_MODELS.tumourRelative.lloq });
  });

  it("reads a PET-CT CMR as below 1 % of the baseline burden and skips Deauville readings without CMR", () => {
    const { data, skipped } = tumourBurdenPoints([
      pet(-10, "NMR"),
      pet(30, "CMR"),
      pet(90, "PMR"),
      pet(182, "CMR"),
    ]);
    expect(data.map((d) => [d.day, d.value, d.lloq, d.censored])).toEqual([
      [30, null, 0.01, true],
      [182, null, 0.01, true],
    ]);
    expect(skipped).toEqual([
      { code: "lugano-pet", date: "D-10", reason: "before the infusion: no burden to compare with" },
      { code: "lugano-pet", date: "D90", reason: "PMR is a Deauville reading, not a measured burden" },
    ]);
  });

  it("skips a CT result without its SPD rather than guessing one", () => {
    const { data, skipped } = tumourBurdenPoints([
      { calculator: "lugano-ct", date: "D28", day: 28, result: { value: "PR" } },
    ]);
    expect(data).toEqual([]);
    expect(skipped).toEqual([
      { code: "lugano-ct", date: "D28", reason: "no SPD or baseline SPD in the result" },
    ]);
  });

  it("two imaging days after the infusion, one with a measured burden, let the fit estimate the tumour's growth rate gT", () => {
    const { data } = tumourBurdenPoints([pet(30, "CMR"), ct(90, "PR", 1000)]);
    const car = [3, 7, 10, 14].map((day) => ({ observable: "carTCellsPerUL" as const, day, value: 10 }));
    const measurements = [
      ...car,
      ...data.map((d) => ({ observable: d.observable, day: d.day, value: d.value, lloq: d.lloq })),
    ];
    expect(informedParameters(measurements, modelParameters({ tumour0: 1000 }))).toContain("gT");
    expect(informedParameters(measurements.slice(0, 5), modelParameters({ tumour0: 1000 }))).not.toContain(
      "gT",
    );
    // only below the limit (two PET-CT CMRs): the lymphoma was cleared, its growth rate is not informed
    const cleared = tumourBurdenPoints([pet(30, "CMR"), pet(182, "CMR")]).data.map((d) => ({
      observable: d.observable,
      day: d.day,
      value: d.value,
      lloq: d.lloq,
    }));
    expect(informedParameters([...car, ...cleared], modelParameters({ tumour0: 1000 }))).not.toContain("gT");
  });
});
