/**
 * Temperature-logger traces against a range (src/domain/custody.ts), on hand-made series whose
 * answers are worked out by hand: both edges of the range, the allowed excursion duration at its
 * edge, an excursion still going at the end, a jump across the range, and gaps at their edge.
 */
import { describe, expect, it } from "vitest";
import { evaluateTemperatureLog, type TemperatureReading } from "../../src/domain/custody.ts";

/** Vapour-phase LN2 storage as the notes give it (§2.7: alarm at ≤ −150 °C, UNVERIFIED there). */
const CRYO = { minC: -196, maxC: -150 };
/** Fresh apheresis material, 2–8 °C (§2.7 [S31b]). */
const FRESH = { minC: 2, maxC: 8 };

const T0 = Date.parse("2026-03-01T08:00:00Z");
/** One reading per `step` minutes from T0, with the temperatures given. */
const series = (temps: number[], step = 5): TemperatureReading[] =>
  temps.map((celsius, i) => ({ at: new Date(T0 + i * step * 60_000).toISOString(), celsius }));

describe("range edges", () => {
  it("keeps readings exactly at both ends in range", () => {
    const v = evaluateTemperatureLog(CRYO, series([-196, -180, -150, -150]));
    expect(v.verdict).toBe("within-range");
    expect(v.excursions).toEqual([]);
    expect([v.minC, v.maxC]).toEqual([-196, -150]);
  });

  it("finds an excursion one tenth of a degree above the upper end", () => {
    const v = evaluateTemperatureLog(CRYO, series([-180, -149.9, -180]));
    expect(v.verdict).toBe("excursion");
    expect(v.excursions).toEqual([
      {
        direction: "above",
        startedAt: series([0, 0])[1]!.at,
        endedAt: series([0, 0, 0])[2]!.at,
        durationMinutes: 5,
        extremeC: -149.9,
        ongoing: false,
        tolerated: false,
      },
    ]);
  });

  it("finds an excursion just below the lower end of a 2–8 °C range", () => {
    const v = evaluateTemperatureLog(FRESH, series([5, 2, 1.9, 1.5, 4]));
    expect(v.excursions).toHaveLength(1);
    expect(v.excursions[0]).toMatchObject({ direction: "below", extremeC: 1.5, durationMinutes: 10 });
  });
});

describe("allowed excursion duration", () => {
  const allowing15 = { ...FRESH, allowedExcursionMinutes: 15 };

  it("tolerates an excursion that lasted exactly the allowed minutes", () => {
    // out at 5 min, back at 20 min: 15 min
    const v = evaluateTemperatureLog(allowing15, series([5, 9, 9.5, 9, 6]));
    expect(v.excursions[0]).toMatchObject({ durationMinutes: 15, tolerated: true, extremeC: 9.5 });
    expect(v.verdict).toBe("within-range");
  });

  it("counts one that lasted a reading longer", () => {
    const v = evaluateTemperatureLog(allowing15, series([5, 9, 9.5, 9, 9, 6]));
    expect(v.excursions[0]).toMatchObject({ durationMinutes: 20, tolerated: false });
    expect(v.verdict).toBe("excursion");
  });

  it("never tolerates an excursion still going at the last reading, however short", () => {
    const v = evaluateTemperatureLog(allowing15, series([5, 5, 9]));
    expect(v.excursions[0]).toMatchObject({ ongoing: true, durationMinutes: 0, tolerated: false });
    expect(v.verdict).toBe("excursion");
  });
});

describe("shape of the trace", () => {
  it("splits a jump from above the range straight to below into two excursions", () => {
    const v = evaluateTemperatureLog(FRESH, series([5, 10, 0, 5]));
    expect(v.excursions.map((e) => [e.direction, e.durationMinutes, e.ongoing])).toEqual([
      ["above", 5, false],
      ["below", 5, false],
    ]);
  });

  it("reads an unsorted upload in time order", () => {
    const s = series([5, 12, 5]);
    const v = evaluateTemperatureLog(FRESH, [s[2]!, s[0]!, s[1]!]);
    expect(v.excursions).toHaveLength(1);
    expect(v.excursions[0]).toMatchObject({ startedAt: s[1]!.at, endedAt: s[2]!.at, extremeC: 12 });
  });
});

describe("gaps", () => {
  const sampled = { ...CRYO, maxGapMinutes: 10 };

  it("accepts readings exactly the largest gap apart", () => {
    expect(evaluateTemperatureLog(sampled, series([-180, -180, -180], 10)).verdict).toBe("within-range");
  });

  it("flags readings further apart than the largest gap, with its length", () => {
    const s = [...series([-180, -180], 5), { at: new Date(T0 + 16 * 60_000).toISOString(), celsius: -180 }];
    const v = evaluateTemperatureLog(sampled, s);
    expect(v.verdict).toBe("gaps");
    expect(v.gaps).toEqual([{ from: s[1]!.at, to: s[2]!.at, minutes: 11 }]);
  });

  it("reports an excursion ahead of gaps", () => {
    const s = [...series([-180, -100], 5), { at: new Date(T0 + 60 * 60_000).toISOString(), celsius: -180 }];
    const v = evaluateTemperatureLog(sampled, s);
    expect(v.verdict).toBe("excursion");
    expect(v.excursions[0]!.durationMinutes).toBe(55);
    expect(v.gaps).toHaveLength(1);
  });
});
