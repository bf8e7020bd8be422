/**
 * CAR-T cellular kinetics and B-cell aplasia explained (clinical-rules.md §7.1): every reason and
 * label of the worked examples PK-1..PK-4 and BC-1 and of the other branches (C(28) interpolated
 * towards a value below the LLOQ, loss of persistence not yet confirmed, nothing quantifiable, a
 * censored B-cell value left out, recovery then a fall), written out by hand from the linear
 * trapezoidal rule and the §7.1 conventions; and each input check's field and message. Written for the
 * mutation run (issue 16): the numbers were already tested in dosing-kinetics.test.ts.
 */
import { describe, expect, it } from "vitest";
import { cellularKineticsCalculator } from "../../../src/domain/calculators/dosing-kinetics/cellular-kinetics.ts";
import { issuesOf } from "../../support/validation.ts";

const series = (pairs: [number, number][], unit = "COPIES_PER_UG_GDNA") => ({
  unit,
  lloq: 10,
  samples: pairs.map(([day, value]) => ({ day, value })),
});
const run = (i: Record<string, unknown>) => cellularKineticsCalculator.run(i);
const bCells = (samples: object[], extra: object = {}) =>
  run({ bCellSeries: { unit: "CELLS_PER_UL", aplasiaThreshold: 1, samples, ...extra } });

describe("CAR-T kinetics explained", () => {
  it("PK-1: Cmax 18,000 at day 7; day 0 (0) below the LLOQ; AUC0–28d 75 + 3825 + 30600 + 40500 + 24000 + 13300 + 3850 = 116,150", () => {
    const r = run({
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
    expect(r.label).toBe(
      "Cmax 18000 copies/µg gDNA at day 7; AUC0–28d 116150 copies·day/µg gDNA; Tlast day 28",
    );
    expect(r.reasons).toEqual([
      "Cmax 18000 copies/µg gDNA at day 7 (highest observed value; first occurrence on ties).",
      "1 sample(s) below the LLOQ 10 copies/µg gDNA count as 0 in the AUC.",
      "AUC0–28d (linear trapezoidal rule) = 116150 copies·day/µg gDNA.",
      "Tlast day 28: the last sample is still quantifiable, so persistence is censored.",
    ]);
  });

  it("PK-2 in CAR+ cells/µL: C(28) = 1000 + (200 − 1000) × 7/14 = 600; AUC0–28d 35000 + 49000 + 17500 + 5600 = 107,100", () => {
    const r = run({
      carSeries: series(
        [
          [0, 0],
          [7, 10000],
          [14, 4000],
          [21, 1000],
          [35, 200],
        ],
        "CAR_POS_CELLS_PER_UL",
      ),
    });
    expect(r.label).toBe("Cmax 10000 CAR+ cells/µL at day 7; AUC0–28d 107100 cells·day/µL; Tlast day 35");
    expect(r.reasons).toEqual([
      "Cmax 10000 CAR+ cells/µL at day 7 (highest observed value; first occurrence on ties).",
      "1 sample(s) below the LLOQ 10 CAR+ cells/µL count as 0 in the AUC.",
      "No day-28 sample: C(28) interpolated linearly between day 21 (1000) and day 35 (200) = 600 CAR+ cells/µL.",
      "AUC0–28d (linear trapezoidal rule) = 107100 cells·day/µL.",
      "Tlast day 35: the last sample is still quantifiable, so persistence is censored.",
    ]);
  });

  it("PK-3: the last sample on day 21: AUC0–28d not evaluable; AUC0–21 = 500 + 11250 + 17500 + 4200 = 33,450, flagged", () => {
    const r = run({
      carSeries: series([
        [0, 0],
        [2, 500],
        [7, 4000],
        [14, 1000],
        [21, 200],
      ]),
    });
    expect(r.label).toBe(
      "Cmax 4000 copies/µg gDNA at day 7; AUC0–28d not evaluable (AUC0–21 33450); Tlast day 21",
    );
    expect(r.reasons).toEqual([
      "Cmax 4000 copies/µg gDNA at day 7 (highest observed value; first occurrence on ties).",
      "1 sample(s) below the LLOQ 10 copies/µg gDNA count as 0 in the AUC.",
      "AUC0–28d not evaluable: the last sample is on day 21 (< 28); AUC0–21 = 33450 copies·day/µg gDNA (flagged, not comparable with AUC0–28d).",
      "Tlast day 21: the last sample is still quantifiable, so persistence is censored.",
    ]);
  });

  it("PK-4: 15 on day 90, below the LLOQ on days 180 and 270: no sample in days 0–28, loss confirmed at 270", () => {
    const r = run({
      carSeries: {
        unit: "COPIES_PER_UG_GDNA",
        lloq: 10,
        samples: [
          { day: 90, value: 15 },
          { day: 180, belowLloq: true },
          { day: 270, belowLloq: true },
        ],
      },
    });
    expect(r.label).toBe("Cmax 15 copies/µg gDNA at day 90; AUC0–28d not evaluable; Tlast day 90");
    expect(r.reasons).toEqual([
      "Cmax 15 copies/µg gDNA at day 90 (highest observed value; first occurrence on ties).",
      "No day-0 sample: C(0) = 0 (no CAR cells before the infusion).",
      "2 sample(s) below the LLOQ 10 copies/µg gDNA count as 0 in the AUC.",
      "AUC0–28d not evaluable: no sample between day 0 and day 28, so the area would be interpolation only.",
      "Tlast day 90; loss of persistence confirmed at day 270 (below the LLOQ at days 180 and 270, no later quantifiable value).",
    ]);
  });

  it("C(28) interpolated towards a value below the LLOQ (counted 0): 20 − 20 × 7/14 = 10; AUC 220 + 210 + 105 = 535; loss not yet confirmed", () => {
    const r = run({
      carSeries: {
        unit: "COPIES_PER_UG_GDNA",
        lloq: 10,
        samples: [
          { day: 3, value: 5 },
          { day: 14, value: 40 },
          { day: 21, value: 20 },
          { day: 35, belowLloq: true },
        ],
      },
    });
    expect(r.label).toBe("Cmax 40 copies/µg gDNA at day 14; AUC0–28d 535 copies·day/µg gDNA; Tlast day 21");
    expect(r.reasons).toEqual([
      "Cmax 40 copies/µg gDNA at day 14 (highest observed value; first occurrence on ties).",
      "No day-0 sample: C(0) = 0 (no CAR cells before the infusion).",
      "2 sample(s) below the LLOQ 10 copies/µg gDNA count as 0 in the AUC.",
      "No day-28 sample: C(28) interpolated linearly between day 21 (20) and day 35 (0) = 10 copies/µg gDNA.",
      "AUC0–28d (linear trapezoidal rule) = 535 copies·day/µg gDNA.",
      "Tlast day 21; below the LLOQ at day 35 only, so loss of persistence is not yet confirmed (needs 2 consecutive samples).",
    ]);
    expect((r.value as { car: { lossOfPersistence: unknown } }).car.lossOfPersistence).toStrictEqual({
      firstMissedDay: 35,
      confirmedDay: null,
    });
  });

  it("nothing reaches the LLOQ: Cmax, Tmax and Tlast undefined; the series ends on day 7, no partial AUC", () => {
    const r = run({
      carSeries: {
        unit: "COPIES_PER_UG_GDNA",
        lloq: 10,
        samples: [
          { day: 3, value: 5 },
          { day: 7, belowLloq: true },
        ],
      },
    });
    expect(r.label).toBe("CAR not quantifiable; AUC0–28d not evaluable");
    expect(r.reasons).toEqual([
      "No sample reaches the LLOQ 10 copies/µg gDNA: Cmax, Tmax and Tlast are not defined.",
      "No day-0 sample: C(0) = 0 (no CAR cells before the infusion).",
      "2 sample(s) below the LLOQ 10 copies/µg gDNA count as 0 in the AUC.",
      "AUC0–28d not evaluable: the last sample is on day 7 (< 28).",
    ]);
  });
});

describe("B-cell aplasia explained", () => {
  it("BC-1: 0/0/0.5/3/12 cells/µL on days 30–150, threshold 1: aplasia days 30–90, recovery day 120 on days 120 and 150", () => {
    const r = bCells([
      { day: 30, value: 0 },
      { day: 60, value: 0 },
      { day: 90, value: 0.5 },
      { day: 120, value: 3 },
      { day: 150, value: 12 },
    ]);
    expect(r.label).toBe("B-cell aplasia day 30–90, recovery day 120");
    expect(r.reasons).toEqual([
      "B-cell aplasia from day 30 through day 90 (< 1 cells/µL); recovery at day 120 (≥ 1 cells/µL on 2 consecutive sample(s): days 120, 150).",
    ]);
  });
  it("a censored '<5 %' cannot be judged against 1 % and is left out; '<0.5 %' is aplasia; one sample ≥ 1 since is not recovery", () => {
    const r = run({
      bCellSeries: {
        unit: "PERCENT_OF_LYMPHOCYTES",
        aplasiaThreshold: 1,
        samples: [
          { day: 0, value: 8 },
          { day: 30, value: 0.5, comparator: "<" },
          { day: 60, value: 5, comparator: "<" },
          { day: 90, value: 2 },
        ],
      },
    });
    expect(r.label).toBe("B-cell aplasia from day 30, ongoing");
    expect(r.reasons).toEqual([
      "Left out: day 60 (<5 % of lymphocytes), a censored value that cannot be judged against the aplasia threshold 1 % of lymphocytes.",
      "B-cell aplasia from day 30 (<0.5 < 1 % of lymphocytes), ongoing at the last sample: 1 sample(s) ≥ 1 since day 90, fewer than the 2 needed to confirm recovery.",
    ]);
  });
  it("one confirmation asked for: recovery at day 60, then below the threshold again at day 90", () => {
    const r = bCells(
      [
        { day: 30, value: 0 },
        { day: 60, value: 2 },
        { day: 90, value: 0.2 },
      ],
      { recoveryConfirmations: 1 },
    );
    expect(r.reasons).toEqual([
      "B-cell aplasia from day 30 through day 30 (< 1 cells/µL); recovery at day 60 (≥ 1 cells/µL on 1 consecutive sample(s): days 60).",
      "CD19+ below the threshold again at day 90 after recovery (0.2 cells/µL).",
    ]);
    expect(
      (r.value as { bCells: { lowAgainAfterRecoveryDay: number } }).bCells.lowAgainAfterRecoveryDay,
    ).toBe(90);
  });
  it("aplastic at the last sample: ongoing, nothing pending", () => {
    expect(
      bCells([
        { day: 30, value: 0 },
        { day: 60, value: 0.3 },
      ]).reasons,
    ).toEqual(["B-cell aplasia from day 30 (0 < 1 cells/µL), ongoing at the last sample."]);
  });
  it("never below the threshold: no aplasia", () => {
    const r = bCells([
      { day: 30, value: 5 },
      { day: 60, value: 7 },
    ]);
    expect(r.label).toBe("no B-cell aplasia");
    expect(r.reasons).toEqual([
      "No CD19+ sample below the aplasia threshold 1 cells/µL: no B-cell aplasia in the series.",
    ]);
  });
});

describe("cellular kinetics explained, input checks at their fields", () => {
  const issues = (i: Record<string, unknown>) => issuesOf(() => run(i)).map((x) => [x.path, x.message]);
  it("no series at all", () => {
    expect(issues({})).toEqual([["/carSeries", "Give the CAR-T series, the B-cell series or both."]]);
  });
  it("each sample's LLOQ flag against its value, a day twice, a day before infusion, percentages above 100", () => {
    expect(
      issues({
        carSeries: {
          unit: "COPIES_PER_UG_GDNA",
          lloq: 10,
          samples: [
            { day: 3 },
            { day: 4, value: 20, belowLloq: true },
            { day: 5, value: 5, belowLloq: false },
            { day: 5, value: 50 },
          ],
        },
        bCellSeries: {
          unit: "PERCENT_OF_LYMPHOCYTES",
          aplasiaThreshold: 101,
          samples: [{ day: -1, value: 120 }],
        },
      }),
    ).toEqual([
      [
        "/carSeries/samples/0/value",
        "A value is required unless the sample is recorded as below the lower limit of quantification (LLOQ).",
      ],
      [
        "/carSeries/samples/1/belowLloq",
        "Recorded as below the LLOQ, but the value 20 is at or above the LLOQ 10.",
      ],
      [
        "/carSeries/samples/2/belowLloq",
        "Not recorded as below the LLOQ, but the value 5 is below the LLOQ 10.",
      ],
      ["/carSeries/samples/3/day", "Day 5 appears twice; give one value per day"],
      [
        "/bCellSeries/samples/0/day",
        "Days are counted from the CAR-T infusion (day 0); pre-infusion samples are not part of the series",
      ],
      ["/bCellSeries/aplasiaThreshold", "A percentage threshold is at most 100"],
      ["/bCellSeries/samples/0/value", "A percentage is at most 100"],
    ]);
    expect(
      issues({
        bCellSeries: {
          unit: "PERCENT_OF_LYMPHOCYTES",
          aplasiaThreshold: 101,
          samples: [{ day: 1, value: 120 }],
        },
      }),
    ).toEqual([
      ["/bCellSeries/aplasiaThreshold", "A percentage threshold is at most 100"],
      ["/bCellSeries/samples/0/value", "A percentage is at most 100"],
    ]);
  });
  it("a value exactly at the LLOQ flagged below it is refused; one just under is accepted", () => {
    const car = (value: number) => ({
      carSeries: { unit: "COPIES_PER_UG_GDNA", lloq: 10, samples: [{ day: 1, value, belowLloq: true }] },
    });
    expect(issues(car(10))).toEqual([
      [
        "/carSeries/samples/0/belowLloq",
        "Recorded as below the LLOQ, but the value 10 is at or above the LLOQ 10.",
      ],
    ]);
    expect(() => run(car(9.99))).not.toThrow();
    expect(() =>
      run({
        carSeries: {
          unit: "COPIES_PER_UG_GDNA",
          lloq: 10,
          samples: [{ day: 1, value: 10, belowLloq: false }],
        },
      }),
    ).not.toThrow();
  });
  it("percentages of exactly 100 are accepted; cells/µL above 100 are not percentages", () => {
    expect(() =>
      run({
        bCellSeries: {
          unit: "PERCENT_OF_LYMPHOCYTES",
          aplasiaThreshold: 100,
          samples: [{ day: 1, value: 100 }],
        },
      }),
    ).not.toThrow();
    expect(() =>
      run({
        bCellSeries: { unit: "CELLS_PER_UL", aplasiaThreshold: 150, samples: [{ day: 1, value: 300 }] },
      }),
    ).not.toThrow();
  });
});

describe("cellular kinetics explained, the edges the mutation run found", () => {
  it("samples in any order are read in day order (CAR and B cells)", () => {
    const shuffled = run({
      carSeries: series([
        [14, 3000],
        [0, 0],
        [28, 300],
        [7, 18000],
      ]),
    });
    const ordered = run({
      carSeries: series([
        [0, 0],
        [7, 18000],
        [14, 3000],
        [28, 300],
      ]),
    });
    expect(shuffled.reasons).toEqual(ordered.reasons);
    expect(shuffled.value).toStrictEqual(ordered.value);
    const b = bCells([
      { day: 120, value: 3 },
      { day: 30, value: 0 },
      { day: 150, value: 12 },
      { day: 90, value: 0.5 },
    ]);
    expect(b.label).toBe("B-cell aplasia day 30–90, recovery day 120");
  });
  it("no sample below the LLOQ: no sentence about counting them as 0; AUC0–28d evaluable", () => {
    // A flow series from a day-0 sample after the infusion, all quantifiable: 4 × (12 + 40)/2 + 24 × (40 + 20)/2 = 104 + 720
    const r = run({
      carSeries: series(
        [
          [0, 12],
          [4, 40],
          [28, 20],
        ],
        "CAR_POS_CELLS_PER_UL",
      ),
    });
    expect(r.reasons).toEqual([
      "Cmax 40 CAR+ cells/µL at day 4 (highest observed value; first occurrence on ties).",
      "AUC0–28d (linear trapezoidal rule) = 824 cells·day/µL.",
      "Tlast day 28: the last sample is still quantifiable, so persistence is censored.",
    ]);
    expect((r.value as { car: { auc0to28Evaluable: boolean } }).car.auc0to28Evaluable).toBe(true);
  });
  it("a day-0 sample alone is not a sample inside days 1–28: with the next after day 28, the area would be interpolation only", () => {
    const r = run({
      carSeries: series([
        [0, 0],
        [35, 100],
      ]),
    });
    expect(r.reasons[2]).toBe(
      "AUC0–28d not evaluable: no sample between day 0 and day 28, so the area would be interpolation only.",
    );
  });
  it("a day-0 sample alone: the series ends before day 28, AUC0–0 = 0 (flagged)", () => {
    const r = run({ carSeries: series([[0, 50]], "CAR_POS_CELLS_PER_UL") });
    expect(r.reasons).toEqual([
      "Cmax 50 CAR+ cells/µL at day 0 (highest observed value; first occurrence on ties).",
      "AUC0–28d not evaluable: the last sample is on day 0 (< 28); AUC0–0 = 0 cells·day/µL (flagged, not comparable with AUC0–28d).",
      "Tlast day 0: the last sample is still quantifiable, so persistence is censored.",
    ]);
  });
  it("every cross-field check carries its own code (the problem's issue code)", () => {
    const codes = (i: Record<string, unknown>) => issuesOf(() => run(i)).map((x) => x.code);
    expect(codes({})).toEqual(["kinetics_no_series"]);
    expect(
      codes({
        carSeries: {
          unit: "COPIES_PER_UG_GDNA",
          lloq: 10,
          samples: [
            { day: 3 },
            { day: 4, value: 20, belowLloq: true },
            { day: 5, value: 5, belowLloq: false },
            { day: 5, value: 50 },
          ],
        },
        bCellSeries: {
          unit: "PERCENT_OF_LYMPHOCYTES",
          aplasiaThreshold: 101,
          samples: [
            { day: 1, value: 120 },
            { day: 1, value: 1 },
          ],
        },
      }),
    ).toEqual([
      "kinetics_value_required",
      "kinetics_below_lloq_but_quantified",
      "kinetics_quantified_but_below_lloq",
      "kinetics_day_twice",
      "kinetics_percent_threshold_max",
      "kinetics_percent_value_max",
      "kinetics_day_twice",
    ]);
  });
});
