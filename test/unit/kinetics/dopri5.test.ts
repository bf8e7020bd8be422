/**
 * The integrator against closed-form solutions, at sample days that fall between its steps (so
 * the dense output is checked as well as the steps): relative error ≤ 1e-6.
 */
import { describe, expect, it } from "vitest";
import { dopri5, IntegrationError } from "../../../src/domain/kinetics/index.ts";

const relativeError = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const DAYS = [0, 0.3, 1.7, 2.5, 5, 7.77, 9.3, 14.2, 28, 55.5, 90, 180.25, 365, 729.9, 730];

describe("dopri5 against closed-form solutions", () => {
  it("effector → memory decay chain (Stein 2019's biexponential after Tmax)", () => {
    // E' = −(k_E + k_EM)E, M' = k_EM·E − β·M: E = E0·e^(−αt), M = k_EM·E0·(e^(−βt) − e^(−αt))/(α − β)
    const alpha = 0.16;
    const kEM = 0.00124;
    const beta = 0.0032;
    const exact = (t: number) => [
      24000 * Math.exp(-alpha * t),
      (kEM * 24000 * (Math.exp(-beta * t) - Math.exp(-alpha * t))) / (alpha - beta),
    ];
    const sol = dopri5(
      (_t, y, dy) => {
        dy[0] = -alpha * y[0]!;
        dy[1] = kEM * y[0]! - beta * y[1]!;
      },
      0,
      Float64Array.of(24000, 0),
      730,
      DAYS,
      // E falls to 1.7e-47 by day 730: the absolute tolerance must sit below it to ask for relative accuracy
      { rtol: 1e-9, atol: 1e-60 },
    );
    for (const [i, t] of DAYS.entries()) {
      const [e, m] = exact(t);
      expect(relativeError(sol.values[i]![0]!, e!)).toBeLessThanOrEqual(1e-6);
      if (t > 0) expect(relativeError(sol.values[i]![1]!, m!)).toBeLessThanOrEqual(1e-6);
    }
    expect(sol.values[0]).toEqual(Float64Array.of(24000, 0));
  });

  it("logistic growth over eight orders of magnitude", () => {
    const r = 0.9;
    const K = 1e4;
    const y0 = 1e-4;
    const exact = (t: number) => K / (1 + (K / y0 - 1) * Math.exp(-r * t));
    const sol = dopri5(
      (_t, y, dy) => {
        dy[0] = r * y[0]! * (1 - y[0]! / K);
      },
      0,
      Float64Array.of(y0),
      730,
      DAYS,
      { rtol: 1e-9, atol: 1e-20 },
    );
    for (const [i, t] of DAYS.entries())
      expect(relativeError(sol.values[i]![0]!, exact(t))).toBeLessThanOrEqual(1e-6);
  });

  it("a time-dependent, oscillating system (dense output far from the step ends)", () => {
    // y' = cos(t)·y: y = exp(sin t); the second component z' = −z + t: z = t − 1 + 2e^(−t)
    const times = Array.from({ length: 200 }, (_, i) => i * 0.137);
    const sol = dopri5(
      (t, y, dy) => {
        dy[0] = Math.cos(t) * y[0]!;
        dy[1] = -y[1]! + t;
      },
      0,
      Float64Array.of(1, 1),
      times.at(-1)!,
      times,
      { rtol: 1e-9, atol: 1e-12 },
    );
    for (const [i, t] of times.entries()) {
      expect(relativeError(sol.values[i]![0]!, Math.exp(Math.sin(t)))).toBeLessThanOrEqual(1e-6);
      expect(relativeError(sol.values[i]![1]!, t - 1 + 2 * Math.exp(-t))).toBeLessThanOrEqual(1e-6);
    }
  });

  it("the error is controlled per component: a 1e-12-sized state keeps its relative accuracy with its own atol", () => {
    const atol = Float64Array.of(1e-3, 1e-22);
    const sol = dopri5(
      (_t, y, dy) => {
        dy[0] = -0.5 * y[0]!;
        dy[1] = -0.5 * y[1]!;
      },
      0,
      Float64Array.of(1e6, 1e-12),
      20,
      [20],
      { rtol: 1e-9, atol },
    );
    expect(relativeError(sol.values[0]![1]!, 1e-12 * Math.exp(-10))).toBeLessThanOrEqual(1e-6);
  });

  it("takes steps as long as accuracy allows, not one per output", () => {
    const sol = dopri5(
      (_t, y, dy) => {
        dy[0] = -0.01 * y[0]!;
      },
      0,
      Float64Array.of(1),
      730,
      Array.from({ length: 731 }, (_, i) => i),
      { rtol: 1e-6, atol: 1e-12 },
    );
    expect(sol.values).toHaveLength(731);
    expect(sol.stats.accepted).toBeLessThan(100);
    expect(sol.stats.evaluations).toBe(6 * (sol.stats.accepted + sol.stats.rejected) + 2);
  });

  it("gives up with an IntegrationError when the step budget runs out", () => {
    expect(() =>
      dopri5(
        (_t, y, dy) => {
          dy[0] = y[0]!;
        },
        0,
        Float64Array.of(1),
        100,
        [],
        { maxSteps: 10 },
      ),
    ).toThrow(IntegrationError);
  });

  it("refuses output times outside the interval or out of order", () => {
    const f = (_t: number, _y: Float64Array, dy: Float64Array) => {
      dy[0] = 0;
    };
    expect(() => dopri5(f, 0, Float64Array.of(1), 10, [11])).toThrow(RangeError);
    expect(() => dopri5(f, 0, Float64Array.of(1), 10, [5, 2])).toThrow(RangeError);
    expect(() => dopri5(f, 0, Float64Array.of(1), 0, [])).toThrow(RangeError);
  });
});
