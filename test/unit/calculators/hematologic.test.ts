/**
 * Haematological toxicity calculators (reference notes §3): CTCAE v5.0 haematology, ICAHT,
 * CAR-HEMATOTOX and the IEC-HS screen. Band-by-band tests with both edges of every threshold, the
 * worked examples of the notes by their IDs (CT-, ICAHT-E/L, HT-, HS-), validation errors with
 * their JSON Pointer paths, and property tests.
 *
 * Expected values come from the published tables (CTCAE v5.0; Rejeski 2023; Rejeski 2021; Hines
 * 2023 as summarised in the notes), written out here independently of the implementation.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Calculator } from "../../../src/domain/calculators/calculator.ts";
import {
  carHematotox,
  ctcaeHematology,
  hematologicCalculators,
  icaht,
  iecHs,
} from "../../../src/domain/calculators/hematologic/index.ts";
import { issuesOf, pathsOf } from "../../support/validation.ts";

// ───────────────────────────── helpers ─────────────────────────────

const validationPaths = (calc: Calculator, input: unknown): string[] => pathsOf(() => calc.run(input));

const expectInvalid = (calc: Calculator, input: unknown, path: string) =>
  expect(validationPaths(calc, input)).toContain(path);

type Grades = Record<string, number>;
const ctcae = (input: unknown) =>
  ctcaeHematology.run(input).value as Grades & { worst: number; worstTerms: string[] };

// ───────────────────────────── registry ─────────────────────────────

describe("hematologic registry", () => {
  it("exports the four calculators under their registry names", () => {
    expect(hematologicCalculators.map((c) => c.name).sort()).toEqual(
      ["car-hematotox", "ctcae-hematology", "icaht", "iec-hs"].sort(),
    );
  });
  it("every input converts to JSON Schema and every calculator cites a source and rule set", () => {
    for (const c of hematologicCalculators) {
      expect(() => z.toJSONSchema(c.input, { io: "input" })).not.toThrow();
      expect(c.source.length).toBeGreaterThan(20);
      expect(c.ruleSet.length).toBeGreaterThan(3);
      expect(c.ruleSetVersion).toBe("1");
    }
  });
});

// ───────────────────────────── CTCAE v5.0 ─────────────────────────────

describe("ctcae-hematology: worked examples CT-1..CT-10", () => {
  it("CT-1: ANC 1.2 × 10⁹/L (= 1200/µL) → neutropenia grade 2", () => {
    expect(ctcae({ neutrophils: { countCellsPerUL: 1200 } }).neutrophils).toBe(2);
  });
  it("CT-2: ANC 500/µL → grade 3; ANC 499/µL → grade 4", () => {
    expect(ctcae({ neutrophils: { countCellsPerUL: 500 } }).neutrophils).toBe(3);
    expect(ctcae({ neutrophils: { countCellsPerUL: 499 } }).neutrophils).toBe(4);
  });
  it("CT-3: ANC 1800 with LLN 2000 → grade 1; with LLN 1800 → grade 0", () => {
    expect(ctcae({ neutrophils: { countCellsPerUL: 1800, llnCellsPerUL: 2000 } }).neutrophils).toBe(1);
    expect(ctcae({ neutrophils: { countCellsPerUL: 1800, llnCellsPerUL: 1800 } }).neutrophils).toBe(0);
  });
  it("CT-4: ANC 1450 with LLN 1400 → grade 2 (the fixed threshold applies regardless of LLN)", () => {
    expect(ctcae({ neutrophils: { countCellsPerUL: 1450, llnCellsPerUL: 1400 } }).neutrophils).toBe(2);
  });
  it("CT-5: platelets 74,000 → 2; 25,000 → 3; 24,000 → 4", () => {
    expect(ctcae({ platelets: { countCellsPerUL: 74_000 } }).platelets).toBe(2);
    expect(ctcae({ platelets: { countCellsPerUL: 25_000 } }).platelets).toBe(3);
    expect(ctcae({ platelets: { countCellsPerUL: 24_000 } }).platelets).toBe(4);
  });
  it("CT-6: Hb 9.5 → 2; 7.9 → 3; 10.0 with LLN 12.0 → 1", () => {
    expect(ctcae({ anemia: { hemoglobinGPerDL: 9.5 } }).anemia).toBe(2);
    expect(ctcae({ anemia: { hemoglobinGPerDL: 7.9 } }).anemia).toBe(3);
    expect(ctcae({ anemia: { hemoglobinGPerDL: 10.0, llnGPerDL: 12.0 } }).anemia).toBe(1);
  });
  it("CT-7: lymphocytes 450 → 3; 199 → 4", () => {
    expect(ctcae({ lymphocytes: { countCellsPerUL: 450 } }).lymphocytes).toBe(3);
    expect(ctcae({ lymphocytes: { countCellsPerUL: 199 } }).lymphocytes).toBe(4);
  });
  it("CT-8: ANC 800 + one reading of 38.4 °C → febrile neutropenia grade 3", () => {
    const r = ctcaeHematology.run({ febrileNeutropenia: { ancCellsPerUL: 800, maxTemperatureC: 38.4 } });
    expect((r.value as unknown as Grades).febrileNeutropenia).toBe(3);
    expect(r.reasons.join(" ")).toMatch(/38\.4 °C > 38\.3 °C/);
  });
  it("CT-9: ANC 800 + 38.2 °C lasting 30 min → not febrile neutropenia", () => {
    const v = ctcae({
      febrileNeutropenia: { ancCellsPerUL: 800, maxTemperatureC: 38.2, longestSpellAtOrAbove38CMinutes: 30 },
    });
    expect(v.febrileNeutropenia).toBe(0);
  });
  it("CT-10: ANC 1100 + 39.0 °C → not febrile neutropenia (ANC criterion not met)", () => {
    const r = ctcaeHematology.run({ febrileNeutropenia: { ancCellsPerUL: 1100, maxTemperatureC: 39.0 } });
    expect((r.value as unknown as Grades).febrileNeutropenia).toBe(0);
    expect(r.reasons.join(" ")).toMatch(/ANC 1100 cells\/µL is not < 1000/);
  });
});

/** [count, LLN (or undefined), expected grade]; both edges of every CTCAE band. */
const COUNT_EDGES: Record<string, Array<[number, number | undefined, number]>> = {
  neutrophils: [
    [0, undefined, 4],
    [499, undefined, 4],
    [500, undefined, 3],
    [999, undefined, 3],
    [1000, undefined, 2],
    [1499, undefined, 2],
    [1500, 2000, 1],
    [1999, 2000, 1],
    [2000, 2000, 0],
    [1500, 1500, 0],
  ],
  platelets: [
    [24_999, undefined, 4],
    [25_000, undefined, 3],
    [49_999, undefined, 3],
    [50_000, undefined, 2],
    [74_999, undefined, 2],
    [75_000, 150_000, 1],
    [149_999, 150_000, 1],
    [150_000, 150_000, 0],
  ],
  lymphocytes: [
    [199, undefined, 4],
    [200, undefined, 3],
    [499, undefined, 3],
    [500, undefined, 2],
    [799, undefined, 2],
    [800, 1000, 1],
    [999, 1000, 1],
    [1000, 1000, 0],
  ],
  whiteBloodCells: [
    [999, undefined, 4],
    [1000, undefined, 3],
    [1999, undefined, 3],
    [2000, undefined, 2],
    [2999, undefined, 2],
    [3000, 4000, 1],
    [3999, 4000, 1],
    [4000, 4000, 0],
  ],
};

describe("ctcae-hematology: count terms, both edges of every band", () => {
  for (const [term, rows] of Object.entries(COUNT_EDGES))
    it.each(rows)(`${term} %d cells/µL (LLN %s) → grade %d`, (count, lln, grade) => {
      const input = {
        [term]:
          lln === undefined ? { countCellsPerUL: count } : { countCellsPerUL: count, llnCellsPerUL: lln },
      };
      expect(ctcae(input)[term]).toBe(grade);
    });

  it("the LLN never lowers grades 2–4, even when set above the count", () => {
    expect(ctcae({ neutrophils: { countCellsPerUL: 900, llnCellsPerUL: 5000 } }).neutrophils).toBe(3);
  });
  it("a reason names the value and the threshold", () => {
    const r = ctcaeHematology.run({ platelets: { countCellsPerUL: 30_000 } });
    expect(r.reasons[0]).toMatch(
      /Platelet count decreased grade 3: platelets 30000 cells\/µL is < 50000 and ≥ 25000/,
    );
  });
});

describe("ctcae-hematology: anaemia", () => {
  it.each([
    [7.99, 3],
    [8.0, 2],
    [9.99, 2],
    [10.0, 1],
    [11.99, 1],
    [12.0, 0],
  ])("Hb %d g/dL with LLN 12.0 → grade %d", (hb, grade) => {
    expect(ctcae({ anemia: { hemoglobinGPerDL: hb, llnGPerDL: 12.0 } }).anemia).toBe(grade);
  });
  it("transfusion indicated makes grade 3 whatever the Hb", () => {
    expect(ctcae({ anemia: { hemoglobinGPerDL: 9.0, transfusionIndicated: true } }).anemia).toBe(3);
    expect(ctcae({ anemia: { hemoglobinGPerDL: 10.5, transfusionIndicated: true } }).anemia).toBe(3);
  });
  it("life-threatening consequences → 4; death → 5", () => {
    expect(ctcae({ anemia: { hemoglobinGPerDL: 6.5, lifeThreateningConsequences: true } }).anemia).toBe(4);
    expect(
      ctcae({ anemia: { hemoglobinGPerDL: 6.5, lifeThreateningConsequences: true, death: true } }).anemia,
    ).toBe(5);
  });
  it("explicitly false clinical criteria leave the laboratory grade, and say nothing is unassessed", () => {
    const r = ctcaeHematology.run({
      anemia: {
        hemoglobinGPerDL: 7.5,
        transfusionIndicated: false,
        lifeThreateningConsequences: false,
        death: false,
      },
    });
    expect((r.value as unknown as Grades).anemia).toBe(3);
    expect(r.reasons.join(" ")).not.toMatch(/not assessed/);
  });
  it("clinical criteria that were not given are reported as not assessed", () => {
    const r = ctcaeHematology.run({ anemia: { hemoglobinGPerDL: 9.0 } });
    expect(r.reasons.join(" ")).toMatch(
      /clinical criteria not assessed \(transfusion indicated, life-threatening consequences, death\)/,
    );
  });
});

describe("ctcae-hematology: febrile neutropenia", () => {
  const fn = (x: Record<string, unknown>) => ctcae({ febrileNeutropenia: x }).febrileNeutropenia;
  it("ANC edge: 999 meets, 1000 does not (ANC < 1000/mm³)", () => {
    expect(fn({ ancCellsPerUL: 999, maxTemperatureC: 38.4 })).toBe(3);
    expect(fn({ ancCellsPerUL: 1000, maxTemperatureC: 38.4 })).toBe(0);
  });
  it("single temperature edge: 38.3 °C does not meet (> 38.3), 38.31 °C does", () => {
    expect(fn({ ancCellsPerUL: 400, maxTemperatureC: 38.3, longestSpellAtOrAbove38CMinutes: 0 })).toBe(0);
    expect(fn({ ancCellsPerUL: 400, maxTemperatureC: 38.31 })).toBe(3);
  });
  it("sustained edge: ≥ 38.0 °C for 60 min does not meet, for 61 min does (more than one hour)", () => {
    expect(fn({ ancCellsPerUL: 400, maxTemperatureC: 38.0, longestSpellAtOrAbove38CMinutes: 60 })).toBe(0);
    expect(fn({ ancCellsPerUL: 400, maxTemperatureC: 38.0, longestSpellAtOrAbove38CMinutes: 61 })).toBe(3);
    expect(fn({ ancCellsPerUL: 400, maxTemperatureC: 38.3, longestSpellAtOrAbove38CMinutes: 61 })).toBe(3);
  });
  it("below 38.0 °C there is no fever criterion", () => {
    expect(fn({ ancCellsPerUL: 100, maxTemperatureC: 37.9 })).toBe(0);
  });
  it("life-threatening consequences → 4; death → 5", () => {
    expect(fn({ ancCellsPerUL: 100, maxTemperatureC: 39, lifeThreateningConsequences: true })).toBe(4);
    expect(
      fn({ ancCellsPerUL: 100, maxTemperatureC: 39, lifeThreateningConsequences: true, death: true }),
    ).toBe(5);
  });
  it("grade 4 given without the febrile neutropenia criteria is a contradiction", () => {
    expectInvalid(
      ctcaeHematology,
      { febrileNeutropenia: { ancCellsPerUL: 1500, maxTemperatureC: 39, lifeThreateningConsequences: true } },
      "/febrileNeutropenia/lifeThreateningConsequences",
    );
  });
});

describe("ctcae-hematology: several terms and the worst grade", () => {
  it("returns a grade per term and the worst with the terms that reach it", () => {
    const r = ctcaeHematology.run({
      neutrophils: { countCellsPerUL: 1200 },
      platelets: { countCellsPerUL: 40_000 },
      anemia: { hemoglobinGPerDL: 7.0 },
      lymphocytes: { countCellsPerUL: 150 },
      whiteBloodCells: { countCellsPerUL: 2500 },
      febrileNeutropenia: { ancCellsPerUL: 800, maxTemperatureC: 38.0, longestSpellAtOrAbove38CMinutes: 20 },
    });
    expect(r.value).toEqual({
      neutrophils: 2,
      platelets: 3,
      anemia: 3,
      lymphocytes: 4,
      whiteBloodCells: 2,
      febrileNeutropenia: 0,
      worst: 4,
      worstTerms: ["lymphocytes"],
    });
    expect(r.label).toBe("Worst grade 4 (Lymphocyte count decreased)");
    expect(r.reasons).toHaveLength(7); // one per term plus the anaemia "not assessed" note
  });
  it("ties list every worst term; all-normal gives worst 0 and no worst terms", () => {
    const tie = ctcae({ neutrophils: { countCellsPerUL: 800 }, platelets: { countCellsPerUL: 30_000 } });
    expect(tie.worst).toBe(3);
    expect(tie.worstTerms).toEqual(["neutrophils", "platelets"]);
    const normal = ctcae({ neutrophils: { countCellsPerUL: 4000, llnCellsPerUL: 1800 } });
    expect(normal.worst).toBe(0);
    expect(normal.worstTerms).toEqual([]);
  });
});

describe("ctcae-hematology: validation", () => {
  it("no term at all → error on the whole input, naming the terms in CTCAE's words (issue 11)", () => {
    expectInvalid(ctcaeHematology, {}, "");
    expect(issuesOf(() => ctcaeHematology.run({})).map((i) => i.message)).toEqual([
      "Give at least one term to grade: neutrophil count decreased, platelet count decreased, anemia, lymphocyte count decreased, white blood cell decreased, febrile neutropenia.",
    ]);
  });
  it("LLN missing when the count is at or above the grade-2 threshold names the LLN field", () => {
    expectInvalid(ctcaeHematology, { neutrophils: { countCellsPerUL: 1500 } }, "/neutrophils/llnCellsPerUL");
    expectInvalid(ctcaeHematology, { platelets: { countCellsPerUL: 75_000 } }, "/platelets/llnCellsPerUL");
    expectInvalid(ctcaeHematology, { lymphocytes: { countCellsPerUL: 800 } }, "/lymphocytes/llnCellsPerUL");
    expectInvalid(
      ctcaeHematology,
      { whiteBloodCells: { countCellsPerUL: 3000 } },
      "/whiteBloodCells/llnCellsPerUL",
    );
    expectInvalid(ctcaeHematology, { anemia: { hemoglobinGPerDL: 10.0 } }, "/anemia/llnGPerDL");
  });
  it("the LLN is not needed just below the grade-2 threshold", () => {
    expect(ctcae({ neutrophils: { countCellsPerUL: 1499 } }).neutrophils).toBe(2);
    expect(ctcae({ anemia: { hemoglobinGPerDL: 9.99 } }).anemia).toBe(2);
  });
  it("Hb in g/L and temperature in °F are refused with the field named", () => {
    expectInvalid(ctcaeHematology, { anemia: { hemoglobinGPerDL: 95 } }, "/anemia/hemoglobinGPerDL");
    expectInvalid(
      ctcaeHematology,
      { febrileNeutropenia: { ancCellsPerUL: 300, maxTemperatureC: 101 } },
      "/febrileNeutropenia/maxTemperatureC",
    );
  });
  it("highest reading between 38.0 and 38.3 °C needs the duration; a spell at ≥ 38 °C needs a reading ≥ 38 °C", () => {
    expectInvalid(
      ctcaeHematology,
      { febrileNeutropenia: { ancCellsPerUL: 300, maxTemperatureC: 38.2 } },
      "/febrileNeutropenia/longestSpellAtOrAbove38CMinutes",
    );
    expectInvalid(
      ctcaeHematology,
      {
        febrileNeutropenia: {
          ancCellsPerUL: 300,
          maxTemperatureC: 37.5,
          longestSpellAtOrAbove38CMinutes: 90,
        },
      },
      "/febrileNeutropenia/longestSpellAtOrAbove38CMinutes",
    );
  });
  it("negative counts and misspelt fields are refused (a typo must not drop a criterion silently)", () => {
    expectInvalid(ctcaeHematology, { neutrophils: { countCellsPerUL: -1 } }, "/neutrophils/countCellsPerUL");
    expectInvalid(ctcaeHematology, { anemia: { hemoglobinGPerDL: 9, transfusionIndicted: true } }, "/anemia");
  });
});

/** CTCAE ranges written as [lower inclusive, upper exclusive) per grade, LLN 2000/150000/1000/4000. */
const RANGES: Record<string, { lln: number; ranges: Array<[number, number, number]> }> = {
  neutrophils: {
    lln: 2000,
    ranges: [
      [0, 500, 4],
      [500, 1000, 3],
      [1000, 1500, 2],
      [1500, 2000, 1],
      [2000, Infinity, 0],
    ],
  },
  platelets: {
    lln: 150_000,
    ranges: [
      [0, 25_000, 4],
      [25_000, 50_000, 3],
      [50_000, 75_000, 2],
      [75_000, 150_000, 1],
      [150_000, Infinity, 0],
    ],
  },
  lymphocytes: {
    lln: 1000,
    ranges: [
      [0, 200, 4],
      [200, 500, 3],
      [500, 800, 2],
      [800, 1000, 1],
      [1000, Infinity, 0],
    ],
  },
  whiteBloodCells: {
    lln: 4000,
    ranges: [
      [0, 1000, 4],
      [1000, 2000, 3],
      [2000, 3000, 2],
      [3000, 4000, 1],
      [4000, Infinity, 0],
    ],
  },
};

describe("ctcae-hematology: properties", () => {
  for (const [term, { lln, ranges }] of Object.entries(RANGES)) {
    it(`${term}: the grade is the CTCAE range the count falls in, and never falls as the count falls`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 400_000 }), fc.integer({ min: 0, max: 400_000 }), (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const gLo = ctcae({ [term]: { countCellsPerUL: lo, llnCellsPerUL: lln } })[term]!;
          const gHi = ctcae({ [term]: { countCellsPerUL: hi, llnCellsPerUL: lln } })[term]!;
          const expected = ranges.find(([from, to]) => hi >= from && hi < to)![2];
          return gHi === expected && gLo >= gHi;
        }),
      );
    });
  }
  it("anaemia: lower Hb or an added clinical criterion never lowers the grade", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 3, max: 18, noNaN: true }),
        fc.double({ min: 3, max: 18, noNaN: true }),
        fc.boolean(),
        fc.boolean(),
        (a, b, transfusion, lifeThreatening) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const g = (hb: number, extra: object = {}) =>
            ctcae({ anemia: { hemoglobinGPerDL: hb, llnGPerDL: 12, ...extra } }).anemia!;
          const base = g(hi);
          return (
            g(lo) >= base &&
            g(hi, { transfusionIndicated: transfusion, lifeThreateningConsequences: lifeThreatening }) >= base
          );
        },
      ),
    );
  });
  it("febrile neutropenia: a lower ANC or a hotter single reading never lowers the grade", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.double({ min: 38.31, max: 42, noNaN: true }),
        (a, b, hot) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const g = (anc: number, t: number) =>
            ctcae({
              febrileNeutropenia: {
                ancCellsPerUL: anc,
                maxTemperatureC: t,
                longestSpellAtOrAbove38CMinutes: 0,
              },
            }).febrileNeutropenia!;
          return g(lo, hot) >= g(hi, hot) && g(lo, hot) >= g(lo, 37.5) && g(lo, hot) === (lo < 1000 ? 3 : 0);
        },
      ),
    );
  });
});

// ───────────────────────────── ICAHT ─────────────────────────────

type Point = { studyDay: number; ancCellsPerUL: number };
/** ANC `anc` on each day from..to. */
const days = (from: number, to: number, anc: number): Point[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ studyDay: from + i, ancCellsPerUL: anc }));
const early = (ancSeries: Point[], windowStatus = "COMPLETE") =>
  icaht.run({ phase: "EARLY", windowStatus, ancSeries });
const earlyGrade = (ancSeries: Point[], windowStatus = "COMPLETE") =>
  (early(ancSeries, windowStatus).value as { grade: number }).grade;
const fromCounts = (d500: number, d100: number, neverRecovered = false) =>
  (
    icaht.run({ phase: "EARLY", daysAncAtOrBelow500: d500, daysAncAtOrBelow100: d100, neverRecovered })
      .value as {
      grade: number;
    }
  ).grade;
const late = (anc: Array<[number, number]>, extra: object = {}) =>
  icaht.run({
    phase: "LATE",
    neutropeniaExplainedByOtherCause: false,
    ancValues: anc.map(([studyDay, ancCellsPerUL]) => ({ studyDay, ancCellsPerUL })),
    ...extra,
  });
const lateGrade = (anc: Array<[number, number]>, extra: object = {}) =>
  (late(anc, extra).value as { grade: number }).grade;

describe("icaht: worked examples ICAHT-E1..E6 (early, from a daily series)", () => {
  it("ICAHT-E1: ANC ≤ 500 on days 3–7 (5 days), > 500 from day 8 → D500 5 → early grade 1", () => {
    const r = early([...days(0, 2, 1200), ...days(3, 7, 300), ...days(8, 30, 1500)]);
    expect(r.value).toEqual({ phase: "EARLY", grade: 1 });
    expect(r.details).toMatchObject({ d500: 5, d100: 0, neverRecovered: false });
    expect(r.label).toBe("Early ICAHT grade 1");
  });
  it("ICAHT-E2: ANC ≤ 500 on days 2–10 (9 days) → early grade 2", () => {
    const r = early([...days(0, 1, 1200), ...days(2, 10, 200), ...days(11, 30, 1500)]);
    expect(r.value).toEqual({ phase: "EARLY", grade: 2 });
    expect(r.details).toMatchObject({ d500: 9 });
  });
  it("ICAHT-E3: ≤ 500 days 1–8, 600 and 700 on days 9–10, ≤ 500 days 11–16 → joined, D500 16 → grade 3", () => {
    const series = [
      ...days(0, 0, 1000),
      ...days(1, 8, 300),
      { studyDay: 9, ancCellsPerUL: 600 },
      { studyDay: 10, ancCellsPerUL: 700 },
      ...days(11, 16, 300),
      ...days(17, 30, 1500),
    ];
    const r = early(series);
    expect(r.value).toEqual({ phase: "EARLY", grade: 3 });
    expect(r.details).toMatchObject({ d500: 16, runsAtOrBelow500: [{ start: 1, end: 16 }] });
    expect(r.reasons.join(" ")).toMatch(/joined across non-stable recovery of 2 day/);
  });
  it("ICAHT-E3 counter-case: a 3-day recovery (> 500 on ≥ 3 days) is stable, runs are not joined → grade 2", () => {
    const series = [
      ...days(0, 0, 1000),
      ...days(1, 8, 300),
      ...days(9, 11, 650),
      ...days(12, 16, 300),
      ...days(17, 30, 1500),
    ];
    const r = early(series);
    expect(r.value).toEqual({ phase: "EARLY", grade: 2 });
    expect(r.details).toMatchObject({ d500: 8 });
  });
  it("ICAHT-E4: ≤ 500 days 1–12 with ≤ 100 days 3–10 (8 days) → grade 3 (D100 ≥ 7)", () => {
    const series = [
      ...days(0, 0, 1000),
      ...days(1, 2, 300),
      ...days(3, 10, 50),
      ...days(11, 12, 300),
      ...days(13, 30, 1500),
    ];
    const r = early(series);
    expect(r.value).toEqual({ phase: "EARLY", grade: 3 });
    expect(r.details).toMatchObject({ d500: 12, d100: 8 });
  });
  it("ICAHT-E5: ≤ 100 days 1–15 → grade 4 (D100 ≥ 14)", () => {
    const r = early([...days(0, 0, 1000), ...days(1, 15, 40), ...days(16, 30, 1500)]);
    expect(r.value).toEqual({ phase: "EARLY", grade: 4 });
    expect(r.details).toMatchObject({ d100: 15, neverRecovered: false });
  });
  it("ICAHT-E6: ≤ 500 from day 2 until death on day 16, never recovered → grade 4", () => {
    const r = early([...days(0, 1, 900), ...days(2, 16, 300)], "ENDED_EARLY");
    expect(r.value).toEqual({ phase: "EARLY", grade: 4 });
    expect(r.details).toMatchObject({ d500: 15, neverRecovered: true });
    expect(r.reasons.join(" ")).toMatch(/from day 2 \(≤ day 3\) through the last available value on day 16/);
  });
});

describe("icaht: early, from day counts — both edges of every band", () => {
  it.each([
    [0, 0, 0],
    [1, 0, 1],
    [6, 6, 1],
    [7, 0, 2],
    [13, 6, 2],
    [14, 0, 3],
    [30, 6, 3],
    [31, 0, 4],
    [7, 7, 3],
    [13, 13, 3],
    [14, 14, 4],
    [20, 13, 3],
  ])("D500 %d days, D100 %d days → grade %d", (d500, d100, grade) => {
    expect(fromCounts(d500, d100)).toBe(grade);
  });
  it("never recovered → grade 4 however short the run", () => {
    expect(fromCounts(5, 0, true)).toBe(4);
  });
  it("the reason names the counts and the band", () => {
    const r = icaht.run({
      phase: "EARLY",
      daysAncAtOrBelow500: 10,
      daysAncAtOrBelow100: 2,
      neverRecovered: false,
    });
    expect(r.reasons[0]).toBe(
      "Early ICAHT grade 2: ANC ≤ 500 cells/µL for 10 days (7–13 days → grade 2) (EHA/EBMT 2023).",
    );
  });
});

describe("icaht: early series — thresholds, recovery, gaps", () => {
  it("ANC exactly 500 counts as severe neutropenia, 501 does not; exactly 100 counts as profound, 101 does not", () => {
    const base = [...days(0, 0, 1000), ...days(11, 30, 1500)];
    expect(early([...base, ...days(1, 10, 500)]).details).toMatchObject({ d500: 10, d100: 0 });
    expect(early([...base, ...days(1, 10, 501)]).details).toMatchObject({ d500: 0 });
    expect(early([...base, ...days(1, 10, 100)]).details).toMatchObject({ d500: 10, d100: 10 });
    expect(early([...base, ...days(1, 10, 101)]).details).toMatchObject({ d100: 0 });
  });
  it("never recovered needs the run to start by day 3: day 3 → grade 4, day 4 → graded by duration", () => {
    expect(earlyGrade([...days(0, 2, 900), ...days(3, 12, 300)], "ENDED_EARLY")).toBe(4);
    expect(earlyGrade([...days(0, 3, 900), ...days(4, 12, 300)], "ENDED_EARLY")).toBe(2);
  });
  it("never recovered needs the run to last to the last value: recovery on the last day → graded by duration", () => {
    expect(earlyGrade([...days(0, 1, 900), ...days(2, 12, 300), ...days(13, 13, 900)], "ENDED_EARLY")).toBe(
      2,
    );
  });
  it("an ONGOING window is provisional and does not apply never-recovered", () => {
    const r = early([...days(0, 1, 900), ...days(2, 12, 300)], "ONGOING");
    expect(r.value).toEqual({ phase: "EARLY", grade: 2 });
    expect(r.label).toBe("Early ICAHT grade 2 (provisional)");
    expect(r.details).toMatchObject({ provisional: true, neverRecovered: false });
  });
  it("all 31 days ≤ 500 → D500 31 → grade 4", () => {
    const r = early(days(0, 30, 450));
    expect(r.details).toMatchObject({ d500: 31 });
    expect(r.value).toEqual({ phase: "EARLY", grade: 4 });
  });
  it("several values on one day: the lowest is used", () => {
    const series = [...days(0, 30, 1500), { studyDay: 5, ancCellsPerUL: 400 }];
    expect(early(series).details).toMatchObject({ d500: 1 });
  });
  it("a gap of 7 missing days is interpolated linearly; a gap of 8 stays missing and never counts", () => {
    // day 0 = 1000, day 8 = 0: days 1–7 interpolate to 875, 750, 625, 500, 375, 250, 125 → ≤ 500 on days 4–8.
    const seven = early([
      { studyDay: 0, ancCellsPerUL: 1000 },
      { studyDay: 8, ancCellsPerUL: 0 },
      ...days(9, 30, 2000),
    ]);
    expect(seven.details).toMatchObject({
      d500: 5,
      d100: 1,
      interpolatedDays: [1, 2, 3, 4, 5, 6, 7],
      missingDays: [],
    });
    const eight = early([
      { studyDay: 0, ancCellsPerUL: 1000 },
      { studyDay: 9, ancCellsPerUL: 0 },
      ...days(10, 30, 2000),
    ]);
    expect(eight.details).toMatchObject({
      d500: 1,
      missingDays: [1, 2, 3, 4, 5, 6, 7, 8],
      interpolatedDays: [],
    });
    expect(eight.reasons.join(" ")).toMatch(/never counted as neutropenic/);
  });
  it("no value ≤ 500 → grade 0", () => {
    const r = early(days(0, 30, 2500));
    expect(r.value).toEqual({ phase: "EARLY", grade: 0 });
    expect(r.reasons[0]).toMatch(/never ≤ 500/);
  });
});

describe("icaht: worked examples ICAHT-L1..L3 (late)", () => {
  it("ICAHT-L1: day +45 ANC 800, +60 1200, +90 2000 → lowest 800, second 1200 ≤ 1500 → late grade 2", () => {
    const r = late([
      [45, 800],
      [60, 1200],
      [90, 2000],
    ]);
    expect(r.value).toEqual({ phase: "LATE", grade: 2 });
    expect(r.reasons[0]).toMatch(
      /lowest ANC 800 cells\/µL on day 45 is ≤ 1000.*second-lowest 1200 cells\/µL on day 60/,
    );
  });
  it("ICAHT-L2: ANC 90 and 400 → late grade 4", () => {
    expect(
      lateGrade([
        [40, 90],
        [50, 400],
      ]),
    ).toBe(4);
  });
  it("ICAHT-L3: ANC 1400 and 1800 → second value > 1500 → late grade 0 (transient)", () => {
    const r = late([
      [40, 1400],
      [50, 1800],
    ]);
    expect(r.value).toEqual({ phase: "LATE", grade: 0 });
    expect(r.reasons[0]).toMatch(/transient/);
  });
  it("STRICT method (two values at the threshold): L1 → 1, L2 → 3, L3 → 0", () => {
    const strict = { method: "STRICT" };
    expect(
      lateGrade(
        [
          [45, 800],
          [60, 1200],
          [90, 2000],
        ],
        strict,
      ),
    ).toBe(1);
    expect(
      lateGrade(
        [
          [40, 90],
          [50, 400],
        ],
        strict,
      ),
    ).toBe(3);
    expect(
      lateGrade(
        [
          [40, 1400],
          [50, 1800],
        ],
        strict,
      ),
    ).toBe(0);
  });
});

describe("icaht: late — both edges of every band, window, attribution", () => {
  it.each([
    [1501, 0],
    [1500, 1],
    [1001, 1],
    [1000, 2],
    [501, 2],
    [500, 3],
    [101, 3],
    [100, 4],
    [0, 4],
  ])("lowest ANC %d with a second value of 1500 → grade %d", (anc, grade) => {
    expect(
      lateGrade([
        [40, anc],
        [60, 1500],
      ]),
    ).toBe(grade);
  });
  it("the confirming second value: 1500 confirms, 1501 does not", () => {
    expect(
      lateGrade([
        [40, 300],
        [60, 1500],
      ]),
    ).toBe(3);
    expect(
      lateGrade([
        [40, 300],
        [60, 1501],
      ]),
    ).toBe(0);
  });
  it("a single value grades alone under NADIR (Liang) and gives 0 under STRICT", () => {
    expect(lateGrade([[45, 700]])).toBe(2);
    expect(lateGrade([[45, 700]], { method: "STRICT" })).toBe(0);
  });
  it("two values on the same day count once (the lowest)", () => {
    expect(
      lateGrade([
        [45, 700],
        [45, 900],
      ]),
    ).toBe(2); // one day → graded as a single value
    expect(
      lateGrade(
        [
          [45, 700],
          [45, 900],
        ],
        { method: "STRICT" },
      ),
    ).toBe(0);
  });
  it("values after day +100 or after the censoring day are excluded and named", () => {
    const r = late(
      [
        [45, 2000],
        [70, 1800],
        [80, 300],
        [101, 50],
      ],
      { censorStudyDay: 75 },
    );
    expect(r.value).toEqual({ phase: "LATE", grade: 0 });
    expect(r.details).toMatchObject({ window: { from: 31, to: 75 }, excludedStudyDays: [80, 101] });
    expect(r.reasons.join(" ")).toMatch(/Excluded .*day\(s\) 80, 101/);
    expect(
      lateGrade([
        [45, 2000],
        [100, 300],
        [101, 50],
      ]),
    ).toBe(0);
    expect(
      lateGrade([
        [45, 1200],
        [100, 300],
      ]),
    ).toBe(3);
  });
  it("neutropenia attributed to another cause is not ICAHT (grade 0)", () => {
    const r = late(
      [
        [40, 90],
        [50, 400],
      ],
      { neutropeniaExplainedByOtherCause: true },
    );
    expect(r.value).toEqual({ phase: "LATE", grade: 0 });
    expect(r.reasons[0]).toMatch(/another cause/);
  });
});

describe("icaht: validation", () => {
  it("early needs a series or day counts, not both, not neither", () => {
    expectInvalid(icaht, { phase: "EARLY" }, "/ancSeries");
    const both = validationPaths(icaht, {
      phase: "EARLY",
      windowStatus: "COMPLETE",
      ancSeries: days(0, 30, 1000),
      daysAncAtOrBelow500: 3,
    });
    expect(both).toContain("/daysAncAtOrBelow500");
  });
  it("day counts: every count and neverRecovered required; series fields refused", () => {
    const p = validationPaths(icaht, { phase: "EARLY", daysAncAtOrBelow500: 3 });
    expect(p).toEqual(expect.arrayContaining(["/daysAncAtOrBelow100", "/neverRecovered"]));
  });
  it("contradictory counts: D100 > D500; never recovered without any day ≤ 500", () => {
    expectInvalid(
      icaht,
      { phase: "EARLY", daysAncAtOrBelow500: 5, daysAncAtOrBelow100: 6, neverRecovered: false },
      "/daysAncAtOrBelow100",
    );
    expectInvalid(
      icaht,
      { phase: "EARLY", daysAncAtOrBelow500: 0, daysAncAtOrBelow100: 0, neverRecovered: true },
      "/neverRecovered",
    );
  });
  it("a series needs windowStatus, and ONGOING contradicts a series that reaches day +30", () => {
    expectInvalid(icaht, { phase: "EARLY", ancSeries: days(0, 10, 300) }, "/windowStatus");
    expectInvalid(
      icaht,
      { phase: "EARLY", windowStatus: "ONGOING", ancSeries: days(0, 30, 300) },
      "/windowStatus",
    );
  });
  it("study days outside the phase window are refused with their index", () => {
    expectInvalid(
      icaht,
      { phase: "EARLY", windowStatus: "COMPLETE", ancSeries: [{ studyDay: 31, ancCellsPerUL: 300 }] },
      "/ancSeries/0/studyDay",
    );
    expectInvalid(
      icaht,
      {
        phase: "LATE",
        neutropeniaExplainedByOtherCause: false,
        ancValues: [
          { studyDay: 45, ancCellsPerUL: 300 },
          { studyDay: 30, ancCellsPerUL: 300 },
        ],
      },
      "/ancValues/1/studyDay",
    );
  });
  it("late needs the clinician's attribution; the phase must be EARLY or LATE", () => {
    expectInvalid(
      icaht,
      { phase: "LATE", ancValues: [{ studyDay: 45, ancCellsPerUL: 300 }] },
      "/neutropeniaExplainedByOtherCause",
    );
    expectInvalid(icaht, { phase: "MIDDLE" }, "/phase");
  });
});

describe("icaht: properties", () => {
  const series31 = fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 31, maxLength: 31 });
  it("early: lowering any day's ANC never lowers the grade", () => {
    fc.assert(
      fc.property(
        series31,
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 31, maxLength: 31 }),
        (a, cut) => {
          const lower = a.map((v, i) => Math.max(0, v - cut[i]!));
          const toSeries = (xs: number[]) => xs.map((anc, studyDay) => ({ studyDay, ancCellsPerUL: anc }));
          return earlyGrade(toSeries(lower)) >= earlyGrade(toSeries(a));
        },
      ),
    );
  });
  it("early: D100 never exceeds D500, and the grade from the series equals the grade from its own counts", () => {
    fc.assert(
      fc.property(series31, fc.constantFrom("COMPLETE", "ENDED_EARLY"), (a, status) => {
        const r = early(
          a.map((anc, studyDay) => ({ studyDay, ancCellsPerUL: anc })),
          status,
        );
        const d = r.details as { d500: number; d100: number; neverRecovered: boolean };
        return (
          d.d100 <= d.d500 &&
          (r.value as { grade: number }).grade === fromCounts(d.d500, d.d100, d.neverRecovered)
        );
      }),
    );
  });
  it("early from counts: longer neutropenia never lowers the grade", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: 0, max: 31 }),
        (x, y, z) => {
          const [d100, d500, more] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
          return (
            fromCounts(more, d100) >= fromCounts(d500, d100) &&
            fromCounts(more, d500) >= fromCounts(more, d100)
          );
        },
      ),
    );
  });
  it("late: lowering values never lowers the grade, and STRICT never grades above NADIR", () => {
    const values = fc.array(fc.tuple(fc.integer({ min: 31, max: 100 }), fc.integer({ min: 0, max: 3000 })), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 2000 }), (vals, cut) => {
        const lowered = vals.map(([d, a]) => [d, Math.max(0, a - cut)] as [number, number]);
        const nadir = lateGrade(vals);
        const strict = lateGrade(vals, { method: "STRICT" });
        return (
          lateGrade(lowered) >= nadir && lateGrade(lowered, { method: "STRICT" }) >= strict && strict <= nadir
        );
      }),
    );
  });
});

// ───────────────────────────── CAR-HEMATOTOX ─────────────────────────────

const HT_BASE = {
  plateletsCellsPerUL: 200_000,
  ancCellsPerUL: 3000,
  hemoglobinGPerDL: 12.0,
  crpMgPerDL: 0.5,
  ferritinNgPerML: 300,
  indication: "LBCL",
};
const ht = (over: Record<string, unknown> = {}) => carHematotox.run({ ...HT_BASE, ...over });
const htScore = (over: Record<string, unknown> = {}) => (ht(over).value as { score: number }).score;

describe("car-hematotox: worked examples HT-1..HT-4", () => {
  it("HT-1: 200k / 3000 / 12.0 / 0.5 mg/dL / 300 → 0, low", () => {
    const r = ht();
    expect(r.value).toEqual({ score: 0, risk: "LOW" });
    expect(r.label).toBe("0 points, low risk");
  });
  it("HT-2: 120k / 2000 / 10.5 / 4.2 mg/dL / 900 → 1+0+0+1+1 = 3, high", () => {
    const r = carHematotox.run({
      plateletsCellsPerUL: 120_000,
      ancCellsPerUL: 2000,
      hemoglobinGPerDL: 10.5,
      crpMgPerDL: 4.2,
      ferritinNgPerML: 900,
      indication: "LBCL",
    });
    expect(r.value).toEqual({ score: 3, risk: "HIGH" });
    expect(r.details?.points).toEqual({ platelets: 1, anc: 0, hemoglobin: 0, crp: 1, ferritin: 1 });
  });
  it("HT-3: 60k / 900 / 8.5 / 1.0 mg/dL / 2500 → 2+1+1+0+2 = 6, high", () => {
    const r = carHematotox.run({
      plateletsCellsPerUL: 60_000,
      ancCellsPerUL: 900,
      hemoglobinGPerDL: 8.5,
      crpMgPerDL: 1.0,
      ferritinNgPerML: 2500,
      indication: "LBCL",
    });
    expect(r.value).toEqual({ score: 6, risk: "HIGH" });
    expect(r.details?.points).toEqual({ platelets: 2, anc: 1, hemoglobin: 1, crp: 0, ferritin: 2 });
  });
  it("HT-4: 180k / 1500 / 11.0 / CRP 25 mg/L (= 2.5 mg/dL) / 700 → 1, low; the same number as mg/dL → 2, high", () => {
    const input = {
      plateletsCellsPerUL: 180_000,
      ancCellsPerUL: 1500,
      hemoglobinGPerDL: 11.0,
      ferritinNgPerML: 700,
      indication: "LBCL",
    };
    const right = carHematotox.run({ ...input, crpMgPerL: 25 });
    expect(right.value).toEqual({ score: 1, risk: "LOW" });
    expect(right.reasons.join(" ")).toMatch(/CRP 25 mg\/L \(= 2\.5 mg\/dL\): 0 point/);
    expect(carHematotox.run({ ...input, crpMgPerDL: 25 }).value).toEqual({ score: 2, risk: "HIGH" });
  });
});

describe("car-hematotox: both edges of every cut-off", () => {
  it.each([
    [175_001, 0],
    [175_000, 1],
    [75_000, 1],
    [74_999, 2],
  ])("platelets %d/µL → %d point(s)", (plt, points) => {
    expect(htScore({ plateletsCellsPerUL: plt })).toBe(points);
  });
  it.each([
    [1200, 0],
    [1199, 1],
  ])("ANC %d/µL → %d point(s)", (anc, points) => {
    expect(htScore({ ancCellsPerUL: anc })).toBe(points);
  });
  it.each([
    [9.0, 0],
    [8.99, 1],
  ])("Hb %d g/dL → %d point(s)", (hb, points) => {
    expect(htScore({ hemoglobinGPerDL: hb })).toBe(points);
  });
  it.each([
    [2.99, 0],
    [3.0, 1],
  ])("CRP %d mg/dL → %d point(s)", (crp, points) => {
    expect(htScore({ crpMgPerDL: crp })).toBe(points);
  });
  it.each([
    [29.9, 0],
    [30, 1],
  ])("CRP %d mg/L → %d point(s)", (crp, points) => {
    expect(htScore({ crpMgPerDL: undefined, crpMgPerL: crp })).toBe(points);
  });
  it.each([
    [649, 0],
    [650, 1],
    [2000, 1],
    [2001, 2],
  ])("ferritin %d ng/mL → %d point(s)", (f, points) => {
    expect(htScore({ ferritinNgPerML: f })).toBe(points);
  });
  it("CRP in neither or both units: refused in words, naming the units, not the fields (issue 11)", () => {
    expect(issuesOf(() => ht({ crpMgPerDL: undefined })).map((i) => i.message)).toEqual([
      "CRP is required: give it in mg/dL or in mg/L.",
    ]);
    expect(issuesOf(() => ht({ crpMgPerDL: 1, crpMgPerL: 10 })).map((i) => i.message)).toContain(
      "Give CRP once, in mg/dL or in mg/L, not both.",
    );
  });
  it("risk: 1 point is low, 2 points high", () => {
    expect(ht({ ferritinNgPerML: 700 }).value).toEqual({ score: 1, risk: "LOW" });
    expect(ht({ ferritinNgPerML: 2500 }).value).toEqual({ score: 2, risk: "HIGH" });
  });
});

describe("car-hematotox: indication", () => {
  it("SLE and OTHER are labelled not validated; MCL and myeloma carry a note; LBCL none", () => {
    expect(ht({ indication: "SLE" }).label).toBe("0 points, low risk (not validated for this indication)");
    expect(ht({ indication: "OTHER" }).label).toMatch(/not validated for this indication/);
    expect(ht({ indication: "MCL" }).reasons.join(" ")).toMatch(/reported outside the derivation population/);
    expect(ht({ indication: "MULTIPLE_MYELOMA" }).label).toBe("0 points, low risk");
    expect(ht().reasons.join(" ")).not.toMatch(/Indication/);
  });
});

describe("car-hematotox: validation", () => {
  it("CRP missing, or given in both units, names the field", () => {
    expectInvalid(carHematotox, { ...HT_BASE, crpMgPerDL: undefined }, "/crpMgPerDL");
    expectInvalid(carHematotox, { ...HT_BASE, crpMgPerL: 5 }, "/crpMgPerL");
  });
  it("indication is required; Hb in g/L is refused", () => {
    expectInvalid(carHematotox, { ...HT_BASE, indication: undefined }, "/indication");
    expectInvalid(carHematotox, { ...HT_BASE, hemoglobinGPerDL: 110 }, "/hemoglobinGPerDL");
    expectInvalid(carHematotox, { ...HT_BASE, ferritinNgPerML: -5 }, "/ferritinNgPerML");
  });
});

describe("car-hematotox: properties", () => {
  const labs = fc.record({
    plateletsCellsPerUL: fc.integer({ min: 0, max: 500_000 }),
    ancCellsPerUL: fc.integer({ min: 0, max: 10_000 }),
    hemoglobinGPerDL: fc.double({ min: 4, max: 18, noNaN: true }),
    crpMgPerDL: fc.double({ min: 0, max: 30, noNaN: true }),
    ferritinNgPerML: fc.integer({ min: 0, max: 20_000 }),
  });
  it("lower counts or higher inflammation never lower the score; the score stays within 0–7", () => {
    fc.assert(
      fc.property(labs, fc.double({ min: 0, max: 1, noNaN: true }), (l, k) => {
        const s = htScore(l);
        const worse = htScore({
          plateletsCellsPerUL: l.plateletsCellsPerUL * k,
          ancCellsPerUL: l.ancCellsPerUL * k,
          hemoglobinGPerDL: l.hemoglobinGPerDL * (0.5 + k / 2),
          crpMgPerDL: l.crpMgPerDL + (1 - k) * 5,
          ferritinNgPerML: l.ferritinNgPerML + (1 - k) * 3000,
        });
        return s >= 0 && s <= 7 && worse >= s;
      }),
    );
  });
  it("CRP x mg/L scores as CRP x/10 mg/dL", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600 }), (mgPerL) => {
        return htScore({ crpMgPerDL: undefined, crpMgPerL: mgPerL }) === htScore({ crpMgPerDL: mgPerL / 10 });
      }),
    );
  });
});

// ───────────────────────────── IEC-HS ─────────────────────────────

const HS_NEG = {
  ferritinNgPerML: 500,
  ferritinUlnNgPerML: 300,
  ferritinBaselineNgPerML: 250,
  ferritinRisingRapidly: false,
  onsetWithResolvingCrsOrWorseningAfterImprovement: false,
  cytopeniaNewOrWorsening: false,
  hemophagocytosis: "NOT_ASSESSED",
};
type HsValue = { screenPositive: boolean; grade: number | null; flags: string[] };
const hs = (over: Record<string, unknown> = {}) => iecHs.run({ ...HS_NEG, ...over });
const hsValue = (over: Record<string, unknown> = {}) => hs(over).value as HsValue;

/** Worked examples HS-1..HS-3 of the reference notes (Hines 2023). */
const HS_1 = {
  ferritinNgPerML: 8000,
  ferritinBaselineNgPerML: 600,
  ferritinUlnNgPerML: 300,
  ferritinRisingRapidly: false,
  onsetWithResolvingCrsOrWorseningAfterImprovement: true,
  fibrinogen: { valueMgPerDL: 110 },
  cytopeniaNewOrWorsening: false,
  hemophagocytosis: "NOT_ASSESSED",
  clinicianGrade: 2,
};
const HS_2 = {
  ferritinNgPerML: 900,
  ferritinBaselineNgPerML: 800,
  ferritinUlnNgPerML: 300,
  ferritinRisingRapidly: false,
  onsetWithResolvingCrsOrWorseningAfterImprovement: false,
  cytopeniaNewOrWorsening: false,
  hemophagocytosis: "NOT_ASSESSED",
};
const HS_3 = {
  ferritinNgPerML: 15_000,
  ferritinRisingRapidly: true,
  onsetWithResolvingCrsOrWorseningAfterImprovement: true,
  alt: { valueUPerL: 240, ulnUPerL: 40, baselineUPerL: 25 },
  cytopeniaNewOrWorsening: true,
  hemophagocytosis: "NOT_ASSESSED",
};

describe("iec-hs: worked examples HS-1..HS-3", () => {
  it("HS-1: day +12 after CRS resolved on day +7; ferritin 8000 (baseline 600, ULN 300); fibrinogen 110 → positive; clinician grade 2", () => {
    const r = iecHs.run(HS_1);
    expect(r.value).toEqual({
      screenPositive: true,
      grade: 2,
      flags: ["FERRITIN_HIGH", "TIMING", "HYPOFIBRINOGENAEMIA"],
    });
    expect(r.label).toBe("IEC-HS screen positive; grade 2 (clinician)");
    expect(r.reasons.join(" ")).toMatch(/ferritin 8000 ng\/mL is > 1200 ng\/mL = 2 × baseline 600/);
  });
  it("HS-2: ferritin 900 (baseline 800, ULN 300), stable, no other features → negative", () => {
    const r = iecHs.run(HS_2);
    expect(r.value).toEqual({ screenPositive: false, grade: null, flags: [] });
    expect(r.reasons.join(" ")).toMatch(/900 ng\/mL is not > 1600 ng\/mL = 2 × baseline 800/);
  });
  it("HS-3: ferritin 15,000 rising, ALT 6 × ULN, platelets falling, second inflammatory wave after tocilizumab → positive", () => {
    const r = iecHs.run(HS_3);
    const v = r.value as HsValue;
    expect(v.screenPositive).toBe(true);
    expect(v.flags).toEqual(["FERRITIN_HIGH", "TIMING", "TRANSAMINASES", "CYTOPENIA_NEW_OR_WORSE"]);
    expect(v.grade).toBeNull();
  });
});

// What the screen says, written out by hand from Hines 2023's criteria for the worked examples and
// for each feature's other wording: the reasons are what the record shows a clinician at the bedside.
describe("iec-hs: every reason, by hand", () => {
  const positiveSummary = (features: string) =>
    `IEC-HS screen positive: ferritin criterion, timing criterion and ${features} (Hines 2023; diagnosis to be adjudicated by a clinician, excluding other causes).`;
  const timingMet =
    "Timing criterion met: onset as CRS resolves or inflammation worsening after initial improvement.";

  it("HS-1: positive on ferritin over 2 × an above-ULN baseline, timing and fibrinogen < 150; grade 2", () => {
    const r = iecHs.run(HS_1);
    expect(r.reasons).toEqual([
      positiveSummary("hypofibrinogenaemia"),
      "Ferritin criterion met: ferritin 8000 ng/mL is > 1200 ng/mL = 2 × baseline 600 (baseline above ULN 300); not rising rapidly.",
      timingMet,
      "Transaminases: not given.",
      "Hypofibrinogenaemia: fibrinogen 110 mg/dL < 150 mg/dL.",
      "No new or worsening cytopenia.",
      "Haemophagocytosis not assessed.",
      "Grade 2 as adjudicated by the clinician: mild to moderate symptoms needing intervention (e.g. IEC-HS-directed immunosuppression, or transfusion for asymptomatic hypofibrinogenaemia).",
    ]);
    expect(r.details).toEqual({ supportiveFeatures: [] });
  });

  it("HS-2: negative, naming each missing criterion", () => {
    const r = iecHs.run(HS_2);
    expect(r.label).toBe("IEC-HS screen negative");
    expect(r.reasons).toEqual([
      "IEC-HS screen negative: missing the ferritin criterion; the timing criterion; at least one of transaminase rise, hypofibrinogenaemia, new/worsening cytopenia, haemophagocytosis (Hines 2023).",
      "Ferritin criterion not met: ferritin 900 ng/mL is not > 1600 ng/mL = 2 × baseline 800 (baseline above ULN 300); not rising rapidly.",
      "Timing criterion not met: onset not with resolving CRS nor after initial improvement.",
      "Transaminases: not given.",
      "Fibrinogen: not given.",
      "No new or worsening cytopenia.",
      "Haemophagocytosis not assessed.",
    ]);
  });

  it("HS-3: positive on a rapidly rising ferritin, ALT over 5 × ULN and a new cytopenia", () => {
    const r = iecHs.run(HS_3);
    expect(r.label).toBe("IEC-HS screen positive");
    expect(r.reasons).toEqual([
      positiveSummary("transaminase rise, new or worsening cytopenia"),
      "Ferritin criterion met: ferritin rising rapidly.",
      timingMet,
      "Transaminases: ALT 240 U/L is > 200 U/L = 5 × ULN 40 U/L (baseline 25 ≤ ULN).",
      "Fibrinogen: not given.",
      "New or worsening cytopenia present.",
      "Haemophagocytosis not assessed.",
    ]);
  });

  it("the other wordings: ULN reference, AST over an above-ULN baseline, fibrinogen against its LLN, pathology, supportive features, a grade against a negative screen", () => {
    const r = iecHs.run({
      ...HS_NEG,
      ferritinRisingRapidly: true,
      ast: { valueUPerL: 500, ulnUPerL: 40, baselineUPerL: 80 },
      fibrinogen: { valueMgPerDL: 170, llnMgPerDL: 180 },
      hemophagocytosis: "PRESENT",
      supportiveFeatures: ["LDH_RAISED", "SPLENOMEGALY"],
      clinicianGrade: 3,
    });
    expect(r.reasons).toEqual([
      "IEC-HS screen negative: missing the timing criterion (Hines 2023).",
      "Ferritin criterion met: ferritin 500 ng/mL is not > 600 ng/mL = 2 × ULN 300 (baseline 250 ≤ ULN); ferritin rising rapidly.",
      "Timing criterion not met: onset not with resolving CRS nor after initial improvement.",
      "Transaminases: AST 500 U/L is > 400 U/L = 5 × baseline 80 U/L (baseline above ULN 40).",
      "Hypofibrinogenaemia: fibrinogen 170 mg/dL < LLN 180 mg/dL.",
      "No new or worsening cytopenia.",
      "Haemophagocytosis present in marrow or tissue.",
      "Supportive features (not decisive): raised LDH, splenomegaly.",
      "Grade 3 as adjudicated by the clinician: severe or medically significant but not immediately life-threatening (e.g. coagulopathy with bleeding needing transfusion, or hospitalisation for organ dysfunction) (note: the computed screen is negative; the clinician's adjudication stands).",
    ]);
    expect(r.value).toEqual({
      screenPositive: false,
      grade: 3,
      flags: ["FERRITIN_HIGH", "TRANSAMINASES", "HYPOFIBRINOGENAEMIA", "HEMOPHAGOCYTOSIS"],
    });
    expect(r.label).toBe("IEC-HS screen negative; grade 3 (clinician)");
    expect(r.details).toEqual({ supportiveFeatures: ["LDH_RAISED", "SPLENOMEGALY"] });
    const normal = iecHs.run({
      ...HS_NEG,
      fibrinogen: { valueMgPerDL: 200, llnMgPerDL: 180 },
      hemophagocytosis: "ABSENT",
    });
    expect(normal.reasons).toContain(
      "No hypofibrinogenaemia: fibrinogen 200 mg/dL is ≥ 150 mg/dL and ≥ LLN 180 mg/dL.",
    );
    expect(normal.reasons).toContain("No haemophagocytosis on pathology.");
    expect((normal.value as HsValue).flags).toEqual([]);
  });
});

describe("iec-hs: both edges of every threshold", () => {
  const positiveIf = (over: Record<string, unknown>) =>
    hsValue({
      onsetWithResolvingCrsOrWorseningAfterImprovement: true,
      cytopeniaNewOrWorsening: true,
      ...over,
    }).screenPositive;
  it("ferritin vs 2 × ULN when baseline ≤ ULN: 600 no, 601 yes (ULN 300, baseline 300)", () => {
    expect(positiveIf({ ferritinNgPerML: 600, ferritinBaselineNgPerML: 300 })).toBe(false);
    expect(positiveIf({ ferritinNgPerML: 601, ferritinBaselineNgPerML: 300 })).toBe(true);
  });
  it("ferritin vs 2 × baseline when baseline > ULN: 602 no, 603 yes (ULN 300, baseline 301)", () => {
    expect(positiveIf({ ferritinNgPerML: 602, ferritinBaselineNgPerML: 301 })).toBe(false);
    expect(positiveIf({ ferritinNgPerML: 603, ferritinBaselineNgPerML: 301 })).toBe(true);
  });
  it("rising rapidly meets the ferritin criterion whatever the ratio", () => {
    expect(positiveIf({ ferritinNgPerML: 400, ferritinRisingRapidly: true })).toBe(true);
  });
  const withFerritinAndTiming = {
    ferritinNgPerML: 5000,
    onsetWithResolvingCrsOrWorseningAfterImprovement: true,
  };
  it("ALT vs 5 × ULN (normal baseline): 200 no, 201 yes (ULN 40, baseline 30)", () => {
    const alt = (v: number) =>
      hsValue({ ...withFerritinAndTiming, alt: { valueUPerL: v, ulnUPerL: 40, baselineUPerL: 30 } });
    expect(alt(200).flags).not.toContain("TRANSAMINASES");
    expect(alt(201).flags).toContain("TRANSAMINASES");
    expect(alt(201).screenPositive).toBe(true);
  });
  it("AST vs 5 × baseline (abnormal baseline): 250 no, 251 yes (ULN 40, baseline 50)", () => {
    const ast = (v: number) =>
      hsValue({ ...withFerritinAndTiming, ast: { valueUPerL: v, ulnUPerL: 40, baselineUPerL: 50 } });
    expect(ast(250).screenPositive).toBe(false);
    expect(ast(251).screenPositive).toBe(true);
  });
  it("fibrinogen < 150 mg/dL or < LLN: 149 yes; 150 with LLN 150 no; 150 with LLN 200 yes; 200 with LLN 200 no", () => {
    const fib = (valueMgPerDL: number, llnMgPerDL?: number) =>
      hsValue({
        ...withFerritinAndTiming,
        fibrinogen: { valueMgPerDL, ...(llnMgPerDL ? { llnMgPerDL } : {}) },
      }).screenPositive;
    expect(fib(149)).toBe(true);
    expect(fib(150, 150)).toBe(false);
    expect(fib(150, 200)).toBe(true);
    expect(fib(199, 200)).toBe(true);
    expect(fib(200, 200)).toBe(false);
  });
  it("haemophagocytosis alone is enough as the organ feature; ABSENT and NOT_ASSESSED are not", () => {
    expect(hsValue({ ...withFerritinAndTiming, hemophagocytosis: "PRESENT" }).screenPositive).toBe(true);
    expect(hsValue({ ...withFerritinAndTiming, hemophagocytosis: "ABSENT" }).screenPositive).toBe(false);
  });
  it("ferritin and timing alone are not enough; every feature without timing is not enough", () => {
    const r = hs(withFerritinAndTiming);
    expect((r.value as HsValue).screenPositive).toBe(false);
    expect(r.reasons[0]).toMatch(/missing at least one of transaminase rise/);
    expect(
      hsValue({
        ferritinNgPerML: 5000,
        cytopeniaNewOrWorsening: true,
        hemophagocytosis: "PRESENT",
        fibrinogen: { valueMgPerDL: 90 },
      }).screenPositive,
    ).toBe(false);
  });
  it("a clinician grade is echoed even on a negative screen, and says so", () => {
    const r = hs({ clinicianGrade: 3 });
    expect(r.value).toMatchObject({ screenPositive: false, grade: 3 });
    expect(r.reasons.join(" ")).toMatch(/computed screen is negative; the clinician's adjudication stands/);
  });
});

describe("iec-hs: validation", () => {
  it("ferritin ULN and baseline are required unless ferritin is rising rapidly", () => {
    expectInvalid(iecHs, { ...HS_NEG, ferritinUlnNgPerML: undefined }, "/ferritinUlnNgPerML");
    expectInvalid(iecHs, { ...HS_NEG, ferritinBaselineNgPerML: undefined }, "/ferritinBaselineNgPerML");
    expectInvalid(
      iecHs,
      { ...HS_NEG, ferritinRisingRapidly: true, ferritinBaselineNgPerML: undefined },
      "/ferritinBaselineNgPerML",
    );
  });
  it("fibrinogen ≥ 150 needs the LLN; fibrinogen in g/L is refused", () => {
    expectInvalid(iecHs, { ...HS_NEG, fibrinogen: { valueMgPerDL: 180 } }, "/fibrinogen/llnMgPerDL");
    expectInvalid(iecHs, { ...HS_NEG, fibrinogen: { valueMgPerDL: 1.1 } }, "/fibrinogen/valueMgPerDL");
  });
  it("clinician ticks are required; a grade outside 1–5 is refused; a transaminase needs its baseline", () => {
    expectInvalid(iecHs, { ...HS_NEG, cytopeniaNewOrWorsening: undefined }, "/cytopeniaNewOrWorsening");
    expectInvalid(iecHs, { ...HS_NEG, hemophagocytosis: undefined }, "/hemophagocytosis");
    expectInvalid(iecHs, { ...HS_NEG, clinicianGrade: 6 }, "/clinicianGrade");
    expectInvalid(iecHs, { ...HS_NEG, alt: { valueUPerL: 300, ulnUPerL: 40 } }, "/alt/baselineUPerL");
  });
});

describe("iec-hs: properties", () => {
  it("adding a feature never turns a positive screen negative", () => {
    const state = fc.record({
      ferritinNgPerML: fc.integer({ min: 0, max: 20_000 }),
      ferritinRisingRapidly: fc.boolean(),
      onsetWithResolvingCrsOrWorseningAfterImprovement: fc.boolean(),
      cytopeniaNewOrWorsening: fc.boolean(),
      hemophagocytosis: fc.constantFrom("PRESENT", "ABSENT", "NOT_ASSESSED"),
      fibrinogen: fc.integer({ min: 50, max: 600 }),
      alt: fc.integer({ min: 5, max: 1000 }),
    });
    const feature = fc.constantFrom(
      "ferritin",
      "rising",
      "timing",
      "cytopenia",
      "hemophagocytosis",
      "fibrinogen",
      "alt",
    );
    fc.assert(
      fc.property(state, feature, (s, f) => {
        const build = (x: typeof s) =>
          hsValue({
            ...x,
            fibrinogen: { valueMgPerDL: x.fibrinogen, llnMgPerDL: 200 },
            alt: { valueUPerL: x.alt, ulnUPerL: 40, baselineUPerL: 30 },
          }).screenPositive;
        const worse = { ...s };
        if (f === "ferritin") worse.ferritinNgPerML += 5000;
        if (f === "rising") worse.ferritinRisingRapidly = true;
        if (f === "timing") worse.onsetWithResolvingCrsOrWorseningAfterImprovement = true;
        if (f === "cytopenia") worse.cytopeniaNewOrWorsening = true;
        if (f === "hemophagocytosis") worse.hemophagocytosis = "PRESENT";
        if (f === "fibrinogen") worse.fibrinogen = Math.max(50, worse.fibrinogen - 100);
        if (f === "alt") worse.alt += 500;
        return !build(s) || build(worse);
      }),
    );
  });
});

/*
 * Edges and explanations found by mutation testing (npm run mutation): each case is CTCAE v5.0
 * febrile neutropenia or anaemia worked by hand; the input checks say which fact is missing.
 */
describe("ctcae-hematology: each input check's field, code and words (issue 16)", () => {
  const said = (input: unknown) =>
    issuesOf(() => ctcaeHematology.run(input)).map((i) => [i.path, i.code, i.message]);
  it("LLNs and the fever's duration asked for where they decide the grade", () => {
    expect(
      said({
        neutrophils: { countCellsPerUL: 1500 },
        platelets: { countCellsPerUL: 80_000 },
        anemia: { hemoglobinGPerDL: 10.5 },
        febrileNeutropenia: { ancCellsPerUL: 400, maxTemperatureC: 38.1 },
      }),
    ).toEqual([
      [
        "/neutrophils/llnCellsPerUL",
        "ctcae_lln_required",
        "ANC 1500 cells/µL is ≥ 1500: grade 0 or 1 depends on the laboratory LLN, which is missing",
      ],
      [
        "/platelets/llnCellsPerUL",
        "ctcae_lln_required",
        "Platelets 80000 cells/µL is ≥ 75000: grade 0 or 1 depends on the laboratory LLN, which is missing",
      ],
      [
        "/anemia/llnGPerDL",
        "ctcae_hb_lln_required",
        "Hb 10.5 g/dL is ≥ 10.0: grade 0 or 1 depends on the laboratory LLN, which is missing",
      ],
      [
        "/febrileNeutropenia/longestSpellAtOrAbove38CMinutes",
        "ctcae_fn_duration_required",
        "Highest temperature 38.1 °C is between 38.0 and 38.3 °C: the duration at ≥ 38.0 °C decides, and it is missing",
      ],
    ]);
  });
  it("a spell at 38.0 °C below it, and grade 4–5 febrile neutropenia without its definition", () => {
    expect(
      said({
        febrileNeutropenia: {
          ancCellsPerUL: 400,
          maxTemperatureC: 37.9,
          longestSpellAtOrAbove38CMinutes: 30,
        },
      }),
    ).toEqual([
      [
        "/febrileNeutropenia/longestSpellAtOrAbove38CMinutes",
        "ctcae_fn_spell_impossible",
        "A spell at ≥ 38.0 °C cannot last 30 min when the highest reading is 37.9 °C",
      ],
    ]);
    const notFn =
      "Grade 4–5 febrile neutropenia was given, but the ANC and temperature given do not meet the CTCAE definition of febrile neutropenia";
    expect(
      said({
        febrileNeutropenia: { ancCellsPerUL: 2000, maxTemperatureC: 37.0, lifeThreateningConsequences: true },
      }),
    ).toEqual([["/febrileNeutropenia/lifeThreateningConsequences", "contradiction", notFn]]);
    expect(said({ febrileNeutropenia: { ancCellsPerUL: 2000, maxTemperatureC: 37.0, death: true } })).toEqual(
      [["/febrileNeutropenia/death", "contradiction", notFn]],
    );
  });
  it("the label names the worst terms; all grade 0 says so", () => {
    expect(
      ctcaeHematology.run({ neutrophils: { countCellsPerUL: 400 }, platelets: { countCellsPerUL: 20_000 } })
        .label,
    ).toBe("Worst grade 4 (Neutrophil count decreased, Platelet count decreased)");
    const none = ctcaeHematology.run({ neutrophils: { countCellsPerUL: 5000, llnCellsPerUL: 1800 } });
    expect(none.label).toBe("Grade 0 in every term given");
    expect(none.value).toStrictEqual({ worst: 0, worstTerms: [], neutrophils: 0 });
  });
  it("grade 0 sentences: Hb above its LLN; no fever criterion with and without a spell at 38.0 °C", () => {
    expect(ctcaeHematology.run({ anemia: { hemoglobinGPerDL: 13, llnGPerDL: 12 } }).reasons[0]).toBe(
      "Anemia grade 0 by Hb: 13 g/dL is not below the LLN 12 g/dL.",
    );
    const fn = (maxTemperatureC: number, minutes: number) =>
      ctcaeHematology.run({
        febrileNeutropenia: { ancCellsPerUL: 400, maxTemperatureC, longestSpellAtOrAbove38CMinutes: minutes },
      }).reasons;
    expect(fn(37.5, 0)).toEqual([
      "Febrile neutropenia: criteria not met (no fever criterion (highest 37.5 °C is not > 38.3 °C, and never ≥ 38.0 °C for more than 60 min)).",
    ]);
    expect(fn(38.0, 30)).toEqual([
      "Febrile neutropenia: criteria not met (no fever criterion (highest 38 °C is not > 38.3 °C, and 30 min at ≥ 38.0 °C is not more than 60 min)).",
    ]);
  });
});

describe("ctcae-hematology: the edges mutation testing found", () => {
  const FN_SPELL = "/febrileNeutropenia/longestSpellAtOrAbove38CMinutes";
  it("at exactly 38.0 °C and 38.3 °C the duration decides, so it must be given", () => {
    expect(
      validationPaths(ctcaeHematology, { febrileNeutropenia: { ancCellsPerUL: 400, maxTemperatureC: 38.0 } }),
    ).toEqual([FN_SPELL]);
    expect(
      validationPaths(ctcaeHematology, { febrileNeutropenia: { ancCellsPerUL: 400, maxTemperatureC: 38.3 } }),
    ).toEqual([FN_SPELL]);
    // below 38.0 and above 38.3 the highest reading alone decides
    expect(
      ctcae({ febrileNeutropenia: { ancCellsPerUL: 400, maxTemperatureC: 37.99 } }).febrileNeutropenia,
    ).toBe(0);
  });

  it("a spell at ≥ 38.0 °C cannot last when the highest reading is below 38.0 °C; a zero-minute spell can be stated", () => {
    expect(
      validationPaths(ctcaeHematology, {
        febrileNeutropenia: {
          ancCellsPerUL: 400,
          maxTemperatureC: 37.9,
          longestSpellAtOrAbove38CMinutes: 10,
        },
      }),
    ).toEqual([FN_SPELL]);
    expect(
      ctcae({
        febrileNeutropenia: { ancCellsPerUL: 400, maxTemperatureC: 37.9, longestSpellAtOrAbove38CMinutes: 0 },
      }).febrileNeutropenia,
    ).toBe(0);
  });

  it("says which fever criterion was missed, and how", () => {
    const reason = (x: Record<string, unknown>) => ctcaeHematology.run({ febrileNeutropenia: x }).reasons;
    expect(
      reason({ ancCellsPerUL: 400, maxTemperatureC: 38.2, longestSpellAtOrAbove38CMinutes: 30 }),
    ).toEqual([
      "Febrile neutropenia: criteria not met (no fever criterion (highest 38.2 °C is not > 38.3 °C, and 30 min at ≥ 38.0 °C is not more than 60 min)).",
    ]);
    expect(reason({ ancCellsPerUL: 400, maxTemperatureC: 37.5 })).toEqual([
      "Febrile neutropenia: criteria not met (no fever criterion (highest 37.5 °C is not > 38.3 °C, and never ≥ 38.0 °C for more than 60 min)).",
    ]);
    expect(reason({ ancCellsPerUL: 1500, maxTemperatureC: 38.9 })).toEqual([
      "Febrile neutropenia: criteria not met (ANC 1500 cells/µL is not < 1000 cells/µL).",
    ]);
    expect(reason({ ancCellsPerUL: 1500, maxTemperatureC: 37.5 })).toEqual([
      "Febrile neutropenia: criteria not met (ANC 1500 cells/µL is not < 1000 cells/µL, and no fever criterion (highest 37.5 °C is not > 38.3 °C, and never ≥ 38.0 °C for more than 60 min)).",
    ]);
    expect(
      reason({ ancCellsPerUL: 400, maxTemperatureC: 38.0, longestSpellAtOrAbove38CMinutes: 61 }),
    ).toEqual([
      "Febrile neutropenia grade 3: ANC 400 cells/µL < 1000 cells/µL with a sustained temperature ≥ 38.0 °C for 61 min (> 60 min) (CTCAE v5.0).",
    ]);
  });

  it("anaemia: transfusion at grade 3 by Hb and death are each said once, and a death needs no note on unassessed criteria", () => {
    const r = ctcaeHematology.run({
      anemia: {
        hemoglobinGPerDL: 7.5,
        transfusionIndicated: true,
        lifeThreateningConsequences: false,
        death: false,
      },
    });
    expect(r.reasons).toEqual(["Anemia grade 3: Hb 7.5 g/dL is < 8.0 g/dL (CTCAE v5.0)."]);
    const dead = ctcaeHematology.run({ anemia: { hemoglobinGPerDL: 9, death: true } });
    expect((dead.value as unknown as Grades).anemia).toBe(5);
    expect(dead.reasons).toEqual([
      "Anemia grade 2: Hb 9 g/dL is < 10.0 and ≥ 8.0 g/dL (CTCAE v5.0).",
      "Anemia grade 5: death (CTCAE v5.0).",
    ]);
  });

  it("when every term is grade 0 no term is the worst, and the number of terms graded is kept", () => {
    const r = ctcaeHematology.run({
      platelets: { countCellsPerUL: 250_000, llnCellsPerUL: 150_000 },
      anemia: {
        hemoglobinGPerDL: 13.5,
        llnGPerDL: 12,
        transfusionIndicated: false,
        lifeThreateningConsequences: false,
        death: false,
      },
    });
    expect(r.value).toMatchObject({ worst: 0, worstTerms: [] });
    expect(r.label).toBe("Grade 0 in every term given");
    expect(r.details).toEqual({ termsGraded: 2 });
  });
});
