/**
 * CAR-T kinetics endpoints on hand-made series: the worked examples PK-1..PK-4 of
 * clinical-rules.md §7.2 placed on calendar dates, plus the record-mapping edges (pre-infusion
 * samples, two samples on a day, unknown LLOQ, the copies note format).
 */
import { describe, expect, it } from "vitest";
import { addDays } from "../../../src/domain/calendar.ts";
import { parseCarCopiesNote } from "../../../src/domain/endpoints/car-copies-note.ts";
import { type CarSample, carKineticsEndpoints } from "../../../src/domain/endpoints/car-kinetics.ts";

const DAY0 = "2020-02-25"; // 2020 is a leap year: day 4 is 29 February
const series = (points: [number, number | "BLQ"][]): CarSample[] =>
  points.map(([day, v], i) => ({
    date: addDays(DAY0, day),
    ...(v === "BLQ" ? { belowLloq: true } : { value: v }),
    ref: { kind: "event", id: `e${i}` },
  }));
const byKey = (list: ReturnType<typeof carKineticsEndpoints>) =>
  Object.fromEntries(list.map((e) => [e.key, e]));

describe("CAR-T kinetics endpoints", () => {
  it("PK-1: Cmax 18,000 at day 7, AUC0–28d 116,150, Tlast 28 censored", () => {
    const e = byKey(
      carKineticsEndpoints(
        {
          unit: "COPIES_PER_UG_GDNA",
          lloq: 50,
          samples: series([
            [0, 0],
            [1, 150],
            [4, 2400],
            [7, 18000],
            [10, 9000],
            [14, 3000],
            [21, 800],
            [28, 300],
          ]),
        },
        DAY0,
      ),
    );
    expect(e["car-cmax"]).toMatchObject({ status: "met", value: 18000, date: "2020-03-03", studyDay: 7 });
    expect(e["car-cmax"]!.derivedFrom).toEqual([{ kind: "event", id: "e3" }]);
    expect(e["car-tmax"]).toMatchObject({ value: 7, unit: "day" });
    expect(e["car-auc-0-28d"]).toMatchObject({
      status: "met",
      value: 116150,
      studyDay: 28,
      unit: "copies·day/µg gDNA",
    });
    expect(e["car-auc-0-28d"]!.derivedFrom).toHaveLength(8);
    expect(e["car-last-detectable"]).toMatchObject({ value: 28, studyDay: 28 });
    expect(e["car-last-detectable"]!.details).toMatchObject({ persistenceCensored: true });
  });

  it("PK-2: no day-28 sample, C(28) interpolated to 600, AUC0–28d 107,100 from the day-35 neighbour", () => {
    const e = byKey(
      carKineticsEndpoints(
        {
          unit: "COPIES_PER_UG_GDNA",
          lloq: 50,
          samples: series([
            [0, 0],
            [7, 10000],
            [14, 4000],
            [21, 1000],
            [35, 200],
          ]),
        },
        DAY0,
      ),
    );
    expect(e["car-auc-0-28d"]!.value).toBe(107100);
    expect(e["car-auc-0-28d"]!.details).toMatchObject({ c28: { value: 600, interpolated: true } });
    // the day-35 sample took part in the interpolation, so it is a source
    expect(e["car-auc-0-28d"]!.derivedFrom.map((r) => r.id)).toContain("e4");
  });

  it("PK-3: last sample before day 28 → AUC0–28d not evaluable, AUC0–21 33,450 flagged", () => {
    const e = byKey(
      carKineticsEndpoints(
        {
          unit: "COPIES_PER_UG_GDNA",
          lloq: 50,
          samples: series([
            [0, 0],
            [2, 500],
            [7, 4000],
            [14, 1000],
            [21, 200],
          ]),
        },
        DAY0,
      ),
    );
    expect(e["car-auc-0-28d"]!.status).toBe("not-evaluable");
    expect(e["car-auc-0-28d"]!.reasons[0]).toMatch(/not evaluable/);
    expect(e["car-auc-0-28d"]!.details).toMatchObject({ auc0toTlast: { toDay: 21, auc: 33450 } });
    expect(e["car-cmax"]!.value).toBe(4000);
  });

  it("PK-4: below-LLOQ samples count as 0; Tlast 90 and loss of persistence confirmed at day 270", () => {
    const e = byKey(
      carKineticsEndpoints(
        {
          unit: "COPIES_PER_UG_GDNA",
          lloq: 10,
          samples: series([
            [90, 15],
            [180, "BLQ"],
            [270, "BLQ"],
          ]),
        },
        DAY0,
      ),
    );
    expect(e["car-last-detectable"]).toMatchObject({ value: 90, date: addDays(DAY0, 90) });
    expect(e["car-last-detectable"]!.details).toMatchObject({
      persistenceCensored: false,
      lossOfPersistence: { firstMissedDay: 180, confirmedDay: 270 },
    });
    // no sample in (0, 28]: the area would be interpolation only
    expect(e["car-auc-0-28d"]!.status).toBe("not-evaluable");
  });

  it("a value just below the LLOQ is not quantifiable, one at the LLOQ is", () => {
    const at = byKey(
      carKineticsEndpoints(
        {
          unit: "COPIES_PER_UG_GDNA",
          lloq: 50,
          samples: series([
            [7, 50],
            [14, 49.9],
          ]),
        },
        DAY0,
      ),
    );
    expect(at["car-last-detectable"]!.value).toBe(7);
    expect(at["car-cmax"]!.value).toBe(50);
  });

  it("leaves out pre-infusion samples and uses the first of two samples on one day", () => {
    const samples = series([
      [-3, 99999],
      [7, 1000],
      [7, 5000],
      [14, 200],
    ]);
    const e = byKey(carKineticsEndpoints({ unit: "COPIES_PER_UG_GDNA", lloq: 50, samples }, DAY0));
    expect(e["car-cmax"]).toMatchObject({ value: 1000, studyDay: 7 });
    expect(e["car-cmax"]!.reasons.join(" ")).toMatch(/more than one sample/);
  });

  it("without an LLOQ: fine when every sample is a number, not evaluable when one is below the limit", () => {
    const ok = byKey(
      carKineticsEndpoints(
        {
          unit: "CAR_POS_CELLS_PER_UL",
          lloq: null,
          samples: series([
            [7, 30],
            [14, 12],
          ]),
        },
        DAY0,
      ),
    );
    expect(ok["car-cmax"]).toMatchObject({ value: 30, unit: "CAR+ cells/µL" });
    const blq = carKineticsEndpoints(
      {
        unit: "COPIES_PER_UG_GDNA",
        lloq: null,
        samples: series([
          [7, 30],
          [14, "BLQ"],
        ]),
      },
      DAY0,
    );
    expect(blq.every((x) => x.status === "not-evaluable")).toBe(true);
    expect(blq[0]!.reasons[0]).toMatch(/LLOQ is not recorded/);
  });

  it("says why when there is no infusion or no sample after it", () => {
    expect(
      carKineticsEndpoints({ unit: "COPIES_PER_UG_GDNA", lloq: 50, samples: series([[7, 10]]) }, null)[0],
    ).toMatchObject({
      status: "not-evaluable",
      reasons: [expect.stringMatching(/no day 0/)],
    });
    expect(
      carKineticsEndpoints({ unit: "COPIES_PER_UG_GDNA", lloq: 50, samples: series([[-2, 10]]) }, DAY0)[0]!
        .reasons[0],
    ).toMatch(/on or after the infusion day/);
  });
});

describe("CAR-T copies notes", () => {
  it("reads the number and the below-limit form, and nothing looser", () => {
    expect(parseCarCopiesNote("CAR-T copies day 10: 124,000 copies/µg gDNA (qPCR)")).toEqual({
      value: 124000,
    });
    expect(parseCarCopiesNote("CAR-T copies day 1: 1,250 copies/µg gDNA (qPCR)")).toEqual({ value: 1250 });
    expect(
      parseCarCopiesNote("CAR-T copies day 274: below the limit of detection (< 50) copies/µg gDNA (qPCR)"),
    ).toEqual({ belowLimit: true, limit: 50 });
    expect(parseCarCopiesNote("CAR-T copies day 3: about a lot copies/µg gDNA")).toBeNull();
    expect(parseCarCopiesNote("SLEDAI-2K 10 at screening")).toBeNull();
    expect(parseCarCopiesNote("CAR-T copies day 3: 1,25 copies/µg gDNA")).toBeNull();
  });
});
