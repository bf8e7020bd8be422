/**
 * Seroconversion on hand-made series: the anti-dsDNA cut-off on both sides, qualitative ANA, a
 * later positive reverting a conversion, and the baselines that make it not evaluable.
 */
import { describe, expect, it } from "vitest";
import { addDays } from "../../../src/domain/calendar.ts";
import {
  type AntibodySample,
  AUTOANTIBODIES,
  readSample,
  seroconversion,
} from "../../../src/domain/endpoints/seroconversion.ts";

const DAY0 = "2019-09-16";
const dsDna = AUTOANTIBODIES.find((a) => a.key === "anti-dsdna")!;
const ana = AUTOANTIBODIES.find((a) => a.key === "ana")!;
const numeric = (points: [number, number][], unit = "[IU]/mL"): AntibodySample[] =>
  points.map(([day, v]) => ({
    date: addDays(DAY0, day),
    valueNumber: v,
    unit,
    valueText: null,
    ref: { kind: "observation", id: `o${day}` },
  }));
const coded = (points: [number, string][]): AntibodySample[] =>
  points.map(([day, v]) => ({
    date: addDays(DAY0, day),
    valueNumber: null,
    unit: null,
    valueText: v,
    ref: { kind: "observation", id: `o${day}` },
  }));

describe("anti-dsDNA seroconversion", () => {
  it("negative below 10 IU/mL: 9.99 is negative, 10 is not", () => {
    const at = (v: number) => readSample(dsDna, numeric([[0, v]])[0]!);
    expect(at(9.99)).toBe("negative");
    expect(at(10)).toBe("not-negative");
    // 1 kIU/L = 1 IU/mL
    expect(readSample(dsDna, numeric([[0, 8]], "k[IU]/L")[0]!)).toBe("negative");
    // Censored: "<5" is negative below 10; ">10" is not; "<20" cannot be read either way.
    const censored = (v: number, valueComparator: "<" | ">") => ({
      ...numeric([[0, v]])[0]!,
      valueComparator,
    });
    expect(readSample(dsDna, censored(5, "<"))).toBe("negative");
    expect(readSample(dsDna, censored(10, ">"))).toBe("not-negative");
    expect(readSample(dsDna, censored(20, "<"))).toBeNull();
  });

  it("dates the first negative after a positive baseline", () => {
    const e = seroconversion(
      dsDna,
      numeric([
        [-27, 312],
        [-6, 286],
        [28, 121],
        [91, 12],
        [182, 8],
        [274, 5],
      ]),
      DAY0,
    );
    expect(e).toMatchObject({
      key: "seroconversion-anti-dsdna",
      status: "met",
      value: true,
      date: "2020-03-16",
      studyDay: 182,
    });
    expect(e.derivedFrom.map((r) => r.id)).toEqual(["o-6", "o182", "o274"]);
    expect(e.details).toMatchObject({ baselineDate: addDays(DAY0, -6), negativeResults: 2, reverted: [] });
  });

  it("a later positive reverts the conversion; the next negative run sets the date", () => {
    const e = seroconversion(
      dsDna,
      numeric([
        [-6, 200],
        [90, 6],
        [180, 40],
        [270, 4],
      ]),
      DAY0,
    );
    expect(e.date).toBe(addDays(DAY0, 270));
    expect(e.details).toMatchObject({ reverted: [addDays(DAY0, 90)] });
    const still = seroconversion(
      dsDna,
      numeric([
        [-6, 200],
        [90, 6],
        [180, 40],
      ]),
      DAY0,
    );
    expect(still).toMatchObject({ status: "not-met", value: false, date: null });
    expect(still.reasons.join(" ")).toMatch(/reverted/);
  });

  it("leaves out numbers in a unit without a cut-off and says so", () => {
    const e = seroconversion(
      dsDna,
      [
        ...numeric([
          [-6, 200],
          [90, 6],
        ]),
        ...numeric([[120, 3]], "[arb'U]/mL"),
      ],
      DAY0,
    );
    expect(e.date).toBe(addDays(DAY0, 90));
    expect(e.reasons.join(" ")).toMatch(/1 result\(s\) left out/);
  });

  it("is not evaluable when negative at baseline, without a baseline, or without day 0", () => {
    expect(
      seroconversion(
        dsDna,
        numeric([
          [-6, 5],
          [90, 3],
        ]),
        DAY0,
      ).reasons[0],
    ).toMatch(/already negative/);
    expect(
      seroconversion(
        dsDna,
        numeric([
          [30, 50],
          [90, 3],
        ]),
        DAY0,
      ).reasons[0],
    ).toMatch(/baseline/);
    expect(seroconversion(dsDna, numeric([[-6, 50]]), null).status).toBe("not-evaluable");
    expect(seroconversion(dsDna, numeric([[-6, 50]]), DAY0)).toMatchObject({ status: "not-met" });
  });
});

describe("ANA seroconversion (qualitative)", () => {
  it("reads negative / positive words; equivocal is not negative", () => {
    const e = seroconversion(
      ana,
      coded([
        [-6, "positive"],
        [91, "equivocal"],
        [182, "negative"],
        [274, "Negative"],
      ]),
      DAY0,
    );
    expect(e).toMatchObject({ status: "met", studyDay: 182 });
    expect(readSample(ana, coded([[0, "not detected"]])[0]!)).toBe("negative");
    expect(readSample(ana, coded([[0, "detected"]])[0]!)).toBe("not-negative");
    // a quantitative ANA has no portable cut-off
    expect(readSample(ana, numeric([[0, 3]], "[arb'U]/mL")[0]!)).toBeNull();
  });
});
