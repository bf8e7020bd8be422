/**
 * Spearman's rank correlation (src/domain/statistics/correlation.ts) against R's
 * cor.test(x, y, method = "spearman", exact = FALSE) on the same pairs, to 1e-6: ties (average
 * ranks), negative and positive correlation (R evaluates the negative tail at S − 1), perfect
 * agreement, three pairs, and seeded random sets of the sizes a cohort has.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { averageRanks, spearman } from "../../../src/domain/statistics/correlation.ts";
import { type Csv, differences, type RTable, runR } from "../../support/r-reference.ts";

type Pairs = [number, number][];
const EDGE: Record<string, Pairs> = {
  // Hand-worked: ranks x (1, 2, 3, 4, 5), y (2, 1, 4, 3, 5): Σd² = 4, rho = 1 − 6·4/(5·24) = 0.8
  "hand-0.8": [
    [1, 20],
    [2, 10],
    [3, 40],
    [4, 30],
    [5, 50],
  ],
  "three-pairs": [
    [1, 3],
    [2, 1],
    [3, 2],
  ],
  "ties-both": [
    [1, 1],
    [1, 2],
    [2, 2],
    [3, 2],
    [3, 5],
    [4, 4],
    [5, 4],
  ],
  negative: [
    [10, 9],
    [20, 7],
    [30, 8],
    [40, 3],
    [50, 1],
    [60, 2],
  ],
  "perfect-negative-with-ties": [
    [1, 5],
    [2, 4],
    [2, 4],
    [3, 3],
    [4, 1],
  ],
};

const random: Record<string, Pairs> = Object.fromEntries(
  fc
    .sample(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 30 })), {
        minLength: 6,
        maxLength: 60,
      }),
      { numRuns: 25, seed: 20261204 },
    )
    .filter((pairs) => new Set(pairs.map((p) => p[0])).size > 1 && new Set(pairs.map((p) => p[1])).size > 1)
    .map((pairs, i) => [`random-${i}`, pairs as Pairs]),
);
const ALL = { ...EDGE, ...random };

let R: RTable;
beforeAll(async () => {
  const pairs: Csv = {
    header: ["dataset", "x", "y"],
    rows: Object.entries(ALL).flatMap(([name, ps]) => ps.map(([x, y]) => [name, x, y])),
  };
  R = await runR("correlation.R", { "pairs.csv": pairs });
}, 120_000);

describe("Spearman's rho against R cor.test(method = 'spearman', exact = FALSE)", () => {
  it("the hand-worked case: rho 0.8", () => {
    expect(spearman(EDGE["hand-0.8"]!).rho).toBeCloseTo(0.8, 12);
  });

  it("average ranks for ties, as R's rank()", () => {
    expect(averageRanks([3, 1, 3, 2, 3])).toEqual([4, 1, 4, 2, 4]);
    // −0 ties with 0; infinities rank at the ends (R: rank(c(0, -Inf, -0, Inf, 2)) = 2.5 1 2.5 5 4)
    expect(averageRanks([0, Number.NEGATIVE_INFINITY, -0, Number.POSITIVE_INFINITY, 2])).toEqual([
      2.5, 1, 2.5, 5, 4,
    ]);
  });

  it("drops a NaN (or an undefined) as a missing value, as R's complete.cases drops NaN", () => {
    const pairs: [number, number][] = [
      [1, 2],
      [2, 1],
      [3, 4],
      [4, 3],
      [5, 6],
    ];
    const expected = spearman(pairs);
    expect(expected.n).toBe(5);
    expect(
      spearman([...pairs, [Number.NaN, 1], [2, Number.NaN], [undefined as unknown as number, 3]]),
    ).toEqual(expected);
  });

  it("agrees on rho and the two-sided p for every data set", () => {
    const diffs = Object.entries(ALL).flatMap(([name, ps]) => {
      const ours = spearman(ps);
      return [
        ...differences(`${name} rho`, [ours.rho], R.get(`${name}|spearman|rho`)),
        ...differences(`${name} p`, [ours.pValue], R.get(`${name}|spearman|p`)),
      ];
    });
    expect(Object.keys(ALL).length).toBeGreaterThan(20);
    expect(diffs).toEqual([]);
  });

  it("leaves out pairs with a missing value, and gives no rho below three pairs or for a constant", () => {
    expect(
      spearman([
        [1, 2],
        [2, null],
        [null, 3],
        [3, 1],
      ]),
    ).toEqual({ n: 2, rho: null, pValue: null });
    expect(
      spearman([
        [1, 2],
        [1, 3],
        [1, 1],
      ]),
    ).toEqual({ n: 3, rho: null, pValue: null });
  });
});
