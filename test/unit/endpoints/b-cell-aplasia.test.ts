/**
 * B-cell aplasia on hand-made CD19+ % series: BC-1 of clinical-rules.md §7.2 as percentages, both
 * edges of the 1 % threshold, recovery needing two samples, ongoing aplasia, and the percentage
 * computed from absolute counts.
 */
import { describe, expect, it } from "vitest";
import { addDays } from "../../../src/domain/calendar.ts";
import {
  APLASIA_BELOW_PERCENT,
  type BCellSample,
  bCellAplasiaEndpoints,
  cd19Percent,
  cd19PercentReading,
} from "../../../src/domain/endpoints/b-cell-aplasia.ts";

const DAY0 = "2021-01-10";
const series = (points: [number, number][]): BCellSample[] =>
  points.map(([day, percent]) => ({
    date: addDays(DAY0, day),
    percent,
    refs: [{ kind: "observation", id: `o${day}` }],
  }));
const run = (points: [number, number][]) =>
  Object.fromEntries(bCellAplasiaEndpoints(series(points), DAY0).map((e) => [e.key, e]));

describe("B-cell aplasia", () => {
  it("BC-1: aplasia from day 30, recovery at day 120 confirmed by day 150, 90 days", () => {
    const e = run([
      [30, 0],
      [60, 0],
      [90, 0.5],
      [120, 3],
      [150, 12],
    ]);
    expect(e["b-cell-aplasia-start"]).toMatchObject({
      status: "met",
      value: 30,
      date: "2021-02-09",
      studyDay: 30,
    });
    expect(e["b-cell-recovery"]).toMatchObject({ status: "met", value: 120, studyDay: 120 });
    expect(e["b-cell-recovery"]!.derivedFrom.map((r) => r.id)).toEqual(["o120", "o150"]);
    expect(e["b-cell-recovery"]!.details).toMatchObject({ lastAplasticDay: 90 });
    expect(e["b-cell-aplasia-duration"]).toMatchObject({ status: "met", value: 90, unit: "days" });
  });

  it("uses < 1 %: exactly 1 % is not aplasia, 0.99 % is", () => {
    expect(APLASIA_BELOW_PERCENT).toBe(1);
    expect(
      run([
        [7, 1],
        [14, 1.2],
      ])["b-cell-aplasia-start"]!.status,
    ).toBe("not-met");
    expect(
      run([
        [7, 0.99],
        [14, 1.2],
      ])["b-cell-aplasia-start"]!.value,
    ).toBe(7);
    // and recovery counts a value of exactly 1 %
    expect(
      run([
        [7, 0],
        [30, 1],
        [60, 1],
      ])["b-cell-recovery"]!.value,
    ).toBe(30);
  });

  it("one sample back above the line is not recovery; aplasia is censored at the last sample", () => {
    const e = run([
      [3, 0],
      [28, 0],
      [90, 4],
    ]);
    expect(e["b-cell-recovery"]!.status).toBe("not-met");
    expect(e["b-cell-aplasia-duration"]).toMatchObject({ status: "not-met", value: 87, studyDay: 90 });
    expect(e["b-cell-aplasia-duration"]!.details).toEqual({ censored: true });
  });

  it("a dip between two normal values restarts nothing until two normal samples in a row", () => {
    const e = run([
      [3, 0],
      [30, 2],
      [60, 0.4],
      [90, 5],
      [120, 6],
    ]);
    expect(e["b-cell-recovery"]!.value).toBe(90);
    expect(e["b-cell-aplasia-duration"]!.value).toBe(87);
  });

  it("pre-infusion samples are the baseline, not the series", () => {
    const e = run([
      [-20, 0.2],
      [7, 8],
      [14, 9],
    ]);
    expect(e["b-cell-aplasia-start"]!.status).toBe("not-met");
  });

  it("is not evaluable without day 0 or without samples after it", () => {
    expect(bCellAplasiaEndpoints(series([[7, 0]]), null)[0]!.status).toBe("not-evaluable");
    expect(bCellAplasiaEndpoints([], DAY0)[0]!.reasons[0]).toMatch(/No CD19\+/);
  });

  it("computes CD19+ % of lymphocytes from absolute counts", () => {
    expect(cd19Percent(36, 1620)).toBeCloseTo(2.222, 3);
    expect(cd19Percent(0, 150)).toBe(0);
    expect(cd19Percent(5, 0)).toBeNull();
  });
});

describe("B-cell aplasia from censored results (decision 0038)", () => {
  type Point = [number, number, ("<" | "<=" | ">" | ">=")?];
  const censored = (points: Point[]) =>
    Object.fromEntries(
      bCellAplasiaEndpoints(
        points.map(([day, percent, comparator]) => ({
          date: addDays(DAY0, day),
          percent,
          comparator: comparator ?? null,
          refs: [{ kind: "observation", id: `o${day}` }],
        })),
        DAY0,
      ).map((e) => [e.key, e]),
    );

  it('"<1 %" is below the 1 % threshold: aplasia from that sample (read as 1 % it would not be)', () => {
    const e = censored([
      [30, 1, "<"],
      [60, 0.4],
    ]);
    expect(e["b-cell-aplasia-start"]).toMatchObject({ status: "met", value: 30 });
    expect(e["b-cell-aplasia-start"]!.details).toMatchObject({ percentOfLymphocytes: 1, comparator: "<" });
  });

  it('"<5 %" is not known to be below 1 %: not aplasia, left out and named', () => {
    const e = censored([
      [30, 5, "<"],
      [60, 3],
    ]);
    expect(e["b-cell-aplasia-start"]!.status).toBe("not-met");
    expect(e["b-cell-aplasia-start"]!.reasons.join(" ")).toContain("day 30 (<5 % of lymphocytes)");
    // only censored values that settle nothing: not evaluable, not "no aplasia"
    const only = censored([
      [14, 5, "<"],
      [28, 20, "<="],
    ]);
    expect(only["b-cell-aplasia-start"]).toMatchObject({ status: "not-evaluable" });
    expect(only["b-cell-aplasia-start"]!.derivedFrom.map((r) => r.id)).toEqual(["o14", "o28"]);
  });

  it('an unsettled "<5 %" does not confirm recovery (read as 5 % it would make day 60 the recovery)', () => {
    const e = censored([
      [30, 0.2],
      [60, 5, "<"],
      [90, 3],
      [120, 4],
    ]);
    expect(e["b-cell-aplasia-start"]!.value).toBe(30);
    expect(e["b-cell-recovery"]).toMatchObject({ status: "met", value: 90 });
    expect(e["b-cell-aplasia-duration"]!.value).toBe(60);
    // ">2 %" settles it: not aplastic
    expect(
      censored([
        [30, 0.2],
        [60, 2, ">"],
        [90, 3],
      ])["b-cell-recovery"]!.value,
    ).toBe(60);
  });

  it("carries an absolute count's bound into the percentage", () => {
    const lymphs = { value: 500, comparator: null };
    // <1 /µL of 500 lymphocytes/µL: < 0.2 % → aplastic
    expect(cd19PercentReading({ value: 1, comparator: "<" }, lymphs)).toEqual({
      value: 0.2,
      comparator: "<",
    });
    // <20 /µL of 500: < 4 % → cannot be judged against 1 %
    expect(cd19PercentReading({ value: 20, comparator: "<" }, lymphs)).toEqual({ value: 4, comparator: "<" });
    // an exact CD19+ count over a lymphocyte count above the range bounds the % from above…
    expect(cd19PercentReading({ value: 3, comparator: null }, { value: 1000, comparator: ">" })).toEqual({
      value: 0.3,
      comparator: "<",
    });
    // …over one below the range from below, and two "<" bound nothing
    expect(cd19PercentReading({ value: 30, comparator: null }, { value: 100, comparator: "<=" })).toEqual({
      value: 30,
      comparator: ">=",
    });
    expect(cd19PercentReading({ value: 1, comparator: "<" }, { value: 100, comparator: "<" })).toBeNull();
  });
});
