/**
 * ICAHT (EHA/EBMT consensus, Rejeski K et al., Blood 2023) explained: every reason the calculator
 * gives for the reference notes' worked examples (ICAHT-E1..E6, ICAHT-L1..L3) and for the counting
 * rules it takes from Liang's implementation (joined runs, interpolated and missing days, never
 * recovered, the late window and its censoring), written out by hand; and each input check's field
 * path and message. Written for the mutation run (issue 16): the grades were already tested.
 */
import { describe, expect, it } from "vitest";
import { icaht } from "../../../src/domain/calculators/hematologic/icaht.ts";
import { issuesOf } from "../../support/validation.ts";

type Point = { studyDay: number; ancCellsPerUL: number };
/** ANC `anc` on each day from..to. */
const days = (from: number, to: number, anc: number): Point[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ studyDay: from + i, ancCellsPerUL: anc }));
const early = (ancSeries: Point[], windowStatus = "COMPLETE") =>
  icaht.run({ phase: "EARLY", windowStatus, ancSeries });
const counts = (d500: number, d100: number, neverRecovered = false) =>
  icaht.run({ phase: "EARLY", daysAncAtOrBelow500: d500, daysAncAtOrBelow100: d100, neverRecovered });
const late = (anc: Array<[number, number]>, extra: object = {}) =>
  icaht.run({
    phase: "LATE",
    neutropeniaExplainedByOtherCause: false,
    ancValues: anc.map(([studyDay, ancCellsPerUL]) => ({ studyDay, ancCellsPerUL })),
    ...extra,
  });
const issues = (input: unknown) => issuesOf(() => icaht.run(input)).map((i) => [i.path, i.message]);

const NO_D100 = "D100: no day with ANC ≤ 100 cells/µL.";

describe("early ICAHT from a daily series, explained (Rejeski 2023; counting after Liang)", () => {
  it("ICAHT-E1: ≤ 500 on days 3–7 → D500 5 → grade 1", () => {
    const r = early([...days(0, 2, 1200), ...days(3, 7, 300), ...days(8, 30, 1500)]);
    expect(r.reasons).toEqual([
      "Early ICAHT grade 1: ANC ≤ 500 cells/µL for 5 day(s) (1–6 days → grade 1) (EHA/EBMT 2023).",
      "D500: longest run with ANC ≤ 500 cells/µL on days 3–7 (5 days).",
      NO_D100,
    ]);
    expect(r.details).toEqual({
      source: "ANC series",
      d500: 5,
      d100: 0,
      neverRecovered: false,
      provisional: false,
      firstDay: 0,
      lastDay: 30,
      runsAtOrBelow500: [{ start: 3, end: 7 }],
      runsAtOrBelow100: [],
      interpolatedDays: [],
      missingDays: [],
    });
  });
  it("ICAHT-E3: the runs on days 1–8 and 11–16 are joined across a 2-day non-stable recovery → D500 16 → grade 3", () => {
    const r = early([
      ...days(0, 0, 1000),
      ...days(1, 8, 300),
      { studyDay: 9, ancCellsPerUL: 600 },
      { studyDay: 10, ancCellsPerUL: 700 },
      ...days(11, 16, 300),
      ...days(17, 30, 1500),
    ]);
    expect(r.reasons).toEqual([
      "Early ICAHT grade 3: ANC ≤ 500 cells/µL for 16 days (14–30 days → grade 3) (EHA/EBMT 2023).",
      "D500: longest run with ANC ≤ 500 cells/µL on days 1–16 (16 days; runs on days 1–8, days 11–16 joined across non-stable recovery of 2 day(s), ≤ 2).",
      NO_D100,
    ]);
  });
  it("three runs joined: each part and each gap named (a one-day part as 'day 1')", () => {
    // day 1 ≤ 500, days 2–3 recover (2 days), days 4–6 ≤ 500, day 7 recovers (1 day), days 8–10 ≤ 500
    const r = early([
      ...days(0, 0, 1000),
      ...days(1, 1, 300),
      ...days(2, 3, 700),
      ...days(4, 6, 300),
      ...days(7, 7, 700),
      ...days(8, 10, 300),
      ...days(11, 30, 1500),
    ]);
    expect(r.reasons).toEqual([
      "Early ICAHT grade 2: ANC ≤ 500 cells/µL for 10 days (7–13 days → grade 2) (EHA/EBMT 2023).",
      "D500: longest run with ANC ≤ 500 cells/µL on days 1–10 (10 days; runs on day 1, days 4–6, days 8–10 joined across non-stable recovery of 2, 1 day(s), ≤ 2).",
      NO_D100,
    ]);
    expect(r.details).toMatchObject({ runsAtOrBelow500: [{ start: 1, end: 10 }] });
  });
  it("D500 is the longest run, wherever it lies; of two equally long runs the first is named", () => {
    const later = early([...days(0, 2, 300), ...days(3, 6, 900), ...days(7, 11, 300), ...days(12, 30, 1500)]);
    expect(later.reasons[1]).toBe("D500: longest run with ANC ≤ 500 cells/µL on days 7–11 (5 days).");
    expect(later.details).toMatchObject({
      d500: 5,
      runsAtOrBelow500: [
        { start: 0, end: 2 },
        { start: 7, end: 11 },
      ],
    });
    const tie = early([
      ...days(0, 0, 1000),
      ...days(1, 3, 300),
      ...days(4, 8, 900),
      ...days(9, 11, 300),
      ...days(12, 30, 1500),
    ]);
    expect(tie.reasons[1]).toBe("D500: longest run with ANC ≤ 500 cells/µL on days 1–3 (3 days).");
  });
  it("ICAHT-E4: D100 8 days inside D500 12 → grade 3 by D100", () => {
    const r = early([
      ...days(0, 0, 1000),
      ...days(1, 2, 300),
      ...days(3, 10, 50),
      ...days(11, 12, 300),
      ...days(13, 30, 1500),
    ]);
    expect(r.reasons).toEqual([
      "Early ICAHT grade 3: ANC ≤ 100 cells/µL for 8 days (7–13 days → grade 3) (EHA/EBMT 2023).",
      "D500: longest run with ANC ≤ 500 cells/µL on days 1–12 (12 days).",
      "D100: longest run with ANC ≤ 100 cells/µL on days 3–10 (8 days).",
    ]);
    expect(r.details).toMatchObject({ runsAtOrBelow100: [{ start: 3, end: 10 }] });
  });
  it("ICAHT-E5: D100 15 days → grade 4", () => {
    const r = early([...days(0, 0, 1000), ...days(1, 15, 40), ...days(16, 30, 1500)]);
    expect(r.reasons[0]).toBe(
      "Early ICAHT grade 4: ANC ≤ 100 cells/µL for 15 days (≥ 14 days → grade 4) (EHA/EBMT 2023).",
    );
  });
  it("ICAHT-E6: ≤ 500 from day 2 until death on day 16 → never recovered, grade 4, window ended early", () => {
    const r = early([...days(0, 1, 900), ...days(2, 16, 300)], "ENDED_EARLY");
    expect(r.reasons).toEqual([
      "Early ICAHT grade 4: ANC ≤ 500 cells/µL from day 0–3 without recovery until the last available value (→ grade 4) (EHA/EBMT 2023).",
      "D500: longest run with ANC ≤ 500 cells/µL on days 2–16 (15 days).",
      NO_D100,
      "Never recovered: ANC ≤ 500 cells/µL from day 2 (≤ day 3) through the last available value on day 16 (window ended early).",
    ]);
    expect(r.details).toMatchObject({ neverRecovered: true, lastDay: 16 });
  });
  it("all 31 days ≤ 500: grade 4 by D500 31, and never recovered through day 30 (window complete)", () => {
    const r = early(days(0, 30, 450));
    expect(r.reasons).toEqual([
      "Early ICAHT grade 4: ANC ≤ 500 cells/µL for 31 days (never above 500 in days 0–30 → grade 4) (EHA/EBMT 2023).",
      "D500: longest run with ANC ≤ 500 cells/µL on days 0–30 (31 days).",
      NO_D100,
      "Never recovered: ANC ≤ 500 cells/µL from day 0 (≤ day 3) through the last available value on day 30 (window complete).",
    ]);
  });
  it("an ONGOING window: grade so far, provisional, never-recovered not applied", () => {
    const r = early([...days(0, 1, 900), ...days(2, 12, 300)], "ONGOING");
    expect(r.reasons).toEqual([
      "Early ICAHT grade 2 so far: ANC ≤ 500 cells/µL for 11 days (7–13 days → grade 2) (EHA/EBMT 2023).",
      "D500: longest run with ANC ≤ 500 cells/µL on days 2–12 (11 days).",
      NO_D100,
      'Provisional: the day 0–30 window is still open (last value day 12); the "never recovered" rule is not applied and the grade can still rise.',
    ]);
  });
  it("a 7-day gap interpolated (day 4 lands exactly on 500 and counts); the days named", () => {
    // day 0 = 1000, day 8 = 0: days 1–7 → 875, 750, 625, 500, 375, 250, 125
    const r = early([
      { studyDay: 0, ancCellsPerUL: 1000 },
      { studyDay: 8, ancCellsPerUL: 0 },
      ...days(9, 30, 2000),
    ]);
    expect(r.reasons).toEqual([
      "Early ICAHT grade 1: ANC ≤ 500 cells/µL for 5 day(s) (1–6 days → grade 1) (EHA/EBMT 2023).",
      "D500: longest run with ANC ≤ 500 cells/µL on days 4–8 (5 days).",
      "D100: longest run with ANC ≤ 100 cells/µL on day 8 (1 days).",
      "Interpolated linearly (gaps ≤ 7 days): day(s) 1, 2, 3, 4, 5, 6, 7.",
    ]);
  });
  it("an 8-day gap left missing and never counted; the days named", () => {
    const r = early([
      { studyDay: 0, ancCellsPerUL: 1000 },
      { studyDay: 9, ancCellsPerUL: 0 },
      ...days(10, 30, 2000),
    ]);
    expect(r.reasons).toEqual([
      "Early ICAHT grade 1: ANC ≤ 500 cells/µL for 1 day(s) (1–6 days → grade 1) (EHA/EBMT 2023).",
      "D500: longest run with ANC ≤ 500 cells/µL on day 9 (1 days).",
      "D100: longest run with ANC ≤ 100 cells/µL on day 9 (1 days).",
      "Left missing (gap > 7 days, never counted as neutropenic): day(s) 1, 2, 3, 4, 5, 6, 7, 8.",
    ]);
  });
  it("no day ≤ 500: grade 0, both counts said to be empty", () => {
    expect(early(days(0, 30, 2500)).reasons).toEqual([
      "Early ICAHT grade 0: ANC never ≤ 500 cells/µL in days 0–30 (EHA/EBMT 2023).",
      "D500: no day with ANC ≤ 500 cells/µL.",
      NO_D100,
    ]);
  });
});

describe("early ICAHT from day counts, explained (Rejeski 2023 bands)", () => {
  it("the counts are repeated and the band named", () => {
    const r = counts(10, 2);
    expect(r.label).toBe("Early ICAHT grade 2");
    expect(r.reasons).toEqual([
      "Early ICAHT grade 2: ANC ≤ 500 cells/µL for 10 days (7–13 days → grade 2) (EHA/EBMT 2023).",
      "From the day counts given: D500 10 days, D100 2 days, never recovered: no.",
    ]);
    expect(r.details).toEqual({ source: "day counts", d500: 10, d100: 2, neverRecovered: false });
  });
  it("never recovered: grade 4 said so, and 'yes'", () => {
    expect(counts(5, 0, true).reasons).toEqual([
      "Early ICAHT grade 4: ANC ≤ 500 cells/µL from day 0–3 without recovery until the last available value (→ grade 4) (EHA/EBMT 2023).",
      "From the day counts given: D500 5 days, D100 0 days, never recovered: yes.",
    ]);
  });
  it("each band's sentence at its lower edge", () => {
    const first = (d500: number, d100: number) => counts(d500, d100).reasons[0];
    expect(first(0, 0)).toBe("Early ICAHT grade 0: ANC never ≤ 500 cells/µL in days 0–30 (EHA/EBMT 2023).");
    expect(first(1, 0)).toBe(
      "Early ICAHT grade 1: ANC ≤ 500 cells/µL for 1 day(s) (1–6 days → grade 1) (EHA/EBMT 2023).",
    );
    expect(first(14, 0)).toBe(
      "Early ICAHT grade 3: ANC ≤ 500 cells/µL for 14 days (14–30 days → grade 3) (EHA/EBMT 2023).",
    );
    expect(first(7, 7)).toBe(
      "Early ICAHT grade 3: ANC ≤ 100 cells/µL for 7 days (7–13 days → grade 3) (EHA/EBMT 2023).",
    );
    expect(first(14, 14)).toBe(
      "Early ICAHT grade 4: ANC ≤ 100 cells/µL for 14 days (≥ 14 days → grade 4) (EHA/EBMT 2023).",
    );
    expect(first(31, 0)).toBe(
      "Early ICAHT grade 4: ANC ≤ 500 cells/µL for 31 days (never above 500 in days 0–30 → grade 4) (EHA/EBMT 2023).",
    );
  });
});

describe("late ICAHT explained (Rejeski 2023 late bands; nadir rule and window after Liang)", () => {
  it("ICAHT-L1 (nadir): lowest 800 confirmed by 1200 → grade 2; the values used in order", () => {
    const r = late([
      [45, 800],
      [60, 1200],
      [90, 2000],
    ]);
    expect(r.label).toBe("Late ICAHT grade 2");
    expect(r.reasons).toEqual([
      "Late ICAHT grade 2: lowest ANC 800 cells/µL on day 45 is ≤ 1000 cells/µL, confirmed non-transient by the second-lowest 1200 cells/µL on day 60 ≤ 1500 cells/µL (EHA/EBMT 2023; nadir rule after Liang).",
      "Method: nadir rule (NADIR); window day +31 to day +100.",
    ]);
    expect(r.details).toEqual({
      method: "NADIR",
      window: { from: 31, to: 100 },
      valuesUsed: [
        { studyDay: 45, ancCellsPerUL: 800 },
        { studyDay: 60, ancCellsPerUL: 1200 },
        { studyDay: 90, ancCellsPerUL: 2000 },
      ],
      excludedStudyDays: [],
    });
  });
  it("ICAHT-L1 (strict): two values ≤ 1500, only one ≤ 1000 → grade 1, both named", () => {
    expect(
      late(
        [
          [45, 800],
          [60, 1200],
          [90, 2000],
        ],
        { method: "STRICT" },
      ).reasons,
    ).toEqual([
      "Late ICAHT grade 1: two values ≤ 1500 cells/µL (800 cells/µL on day 45; 1200 cells/µL on day 60) (EHA/EBMT 2023, strict two-value reading).",
      "Method: strict two-value reading (STRICT); window day +31 to day +100.",
    ]);
  });
  it("ICAHT-L3: 1400 then 1800 → transient (nadir); fewer than two values (strict)", () => {
    const l3: Array<[number, number]> = [
      [40, 1400],
      [50, 1800],
    ];
    expect(late(l3).reasons[0]).toBe(
      "Late ICAHT grade 0: lowest ANC 1400 cells/µL on day 40, but the second-lowest 1800 cells/µL on day 50 is > 1500 cells/µL, so the neutropenia is transient.",
    );
    expect(late(l3, { method: "STRICT" }).reasons[0]).toBe(
      "Late ICAHT grade 0: fewer than two values ≤ 1500 cells/µL (lowest 1400 cells/µL on day 40, second-lowest 1800 cells/µL on day 50).",
    );
    expect(late([[45, 700]], { method: "STRICT" }).reasons[0]).toBe(
      "Late ICAHT grade 0: fewer than two values ≤ 1500 cells/µL (lowest 700 cells/µL on day 45).",
    );
  });
  it("no value ≤ 1500; a single value graded alone", () => {
    expect(
      late([
        [40, 1600],
        [50, 1700],
      ]).reasons[0],
    ).toBe("Late ICAHT grade 0: lowest ANC 1600 cells/µL on day 40 is > 1500 cells/µL.");
    expect(late([[45, 700]]).reasons[0]).toBe(
      "Late ICAHT grade 2: the only ANC in the window, 700 cells/µL on day 45, is ≤ 1000 cells/µL (a single value cannot show non-transience; graded by it, per Liang).",
    );
  });
  it("equal values are ordered by day", () => {
    expect(
      late([
        [60, 800],
        [45, 800],
      ]).details,
    ).toMatchObject({
      valuesUsed: [
        { studyDay: 45, ancCellsPerUL: 800 },
        { studyDay: 60, ancCellsPerUL: 800 },
      ],
    });
  });
  it("censored at day +75: the window, the excluded days (each once) and the method line say so", () => {
    const r = late(
      [
        [45, 2000],
        [70, 1800],
        [80, 300],
        [101, 50],
        [101, 60],
      ],
      { censorStudyDay: 75 },
    );
    expect(r.reasons).toEqual([
      "Late ICAHT grade 0: lowest ANC 1800 cells/µL on day 70 is > 1500 cells/µL.",
      "Excluded (after the late window day +31 to day +75 (censored at day +75)): value(s) on day(s) 80, 101.",
      "Method: nadir rule (NADIR); window day +31 to day +75 (censored at day +75).",
    ]);
    expect(r.details).toMatchObject({ window: { from: 31, to: 75 }, excludedStudyDays: [80, 101] });
  });
  it("censoring at or after day +100 leaves the usual window", () => {
    for (const censorStudyDay of [100, 120]) {
      const r = late(
        [
          [45, 1200],
          [110, 300],
        ],
        { censorStudyDay },
      );
      expect(r.reasons).toEqual([
        "Late ICAHT grade 1: the only ANC in the window, 1200 cells/µL on day 45, is ≤ 1500 cells/µL (a single value cannot show non-transience; graded by it, per Liang).",
        "Excluded (after the late window day +31 to day +100): value(s) on day(s) 110.",
        "Method: nadir rule (NADIR); window day +31 to day +100.",
      ]);
      expect(r.details).toMatchObject({ window: { from: 31, to: 100 } });
    }
  });
  it("no value left in the window: grade 0 said so", () => {
    const r = late([[80, 300]], { censorStudyDay: 75 });
    expect(r.value).toEqual({ phase: "LATE", grade: 0 });
    expect(r.label).toBe("Late ICAHT grade 0 (no values in window)");
    expect(r.reasons).toEqual([
      "Late ICAHT grade 0: no ANC value in the late window day +31 to day +75 (censored at day +75).",
      "Excluded (after the late window day +31 to day +75 (censored at day +75)): value(s) on day(s) 80.",
    ]);
  });
  it("attributed to another cause: grade 0, the one reason", () => {
    const r = late(
      [
        [40, 90],
        [50, 400],
      ],
      { neutropeniaExplainedByOtherCause: true },
    );
    expect(r.label).toBe("Late ICAHT grade 0 (other cause)");
    expect(r.reasons).toEqual([
      "Late ICAHT grade 0: the neutropenia is attributed by the clinician to another cause (e.g. relapse, drugs), so it is not ICAHT (EHA/EBMT 2023).",
    ]);
  });
});

describe("ICAHT input checks: each message at its field", () => {
  it("neither a series nor counts", () => {
    expect(issues({ phase: "EARLY" })).toEqual([
      [
        "/ancSeries",
        "Early ICAHT needs either the ANC series of days 0–30 or the day counts: D500, D100 and whether the ANC never recovered.",
      ],
    ]);
  });
  it("both: each count given is named, the others not", () => {
    expect(
      issues({
        phase: "EARLY",
        windowStatus: "COMPLETE",
        ancSeries: days(0, 30, 1000),
        daysAncAtOrBelow500: 3,
        neverRecovered: false,
      }),
    ).toEqual([
      [
        "/daysAncAtOrBelow500",
        "Give either the ANC series or the day counts (D500, D100, never recovered), not both.",
      ],
      [
        "/neverRecovered",
        "Give either the ANC series or the day counts (D500, D100, never recovered), not both.",
      ],
    ]);
  });
  it("counts: each missing one named; a series field refused", () => {
    expect(issues({ phase: "EARLY", daysAncAtOrBelow500: 3 })).toEqual([
      ["/daysAncAtOrBelow100", "Required when grading from day counts: the days with ANC ≤ 100/µL (D100)."],
      [
        "/neverRecovered",
        "Required when grading from day counts: whether the ANC never recovered above 500/µL.",
      ],
    ]);
    expect(
      issues({
        phase: "EARLY",
        daysAncAtOrBelow500: 3,
        daysAncAtOrBelow100: 0,
        neverRecovered: false,
        windowStatus: "COMPLETE",
      }),
    ).toEqual([
      [
        "/windowStatus",
        "Leave out whether the day 0–30 window is complete when grading from day counts: it belongs to grading from an ANC series.",
      ],
    ]);
  });
  it("contradictory counts, with the numbers", () => {
    expect(
      issues({ phase: "EARLY", daysAncAtOrBelow500: 5, daysAncAtOrBelow100: 6, neverRecovered: false }),
    ).toEqual([
      ["/daysAncAtOrBelow100", "D100 (6 days) cannot exceed D500 (5 days): every day ≤ 100 is also ≤ 500"],
    ]);
    expect(
      issues({ phase: "EARLY", daysAncAtOrBelow500: 0, daysAncAtOrBelow100: 0, neverRecovered: true }),
    ).toEqual([
      ["/neverRecovered", "A count that never recovered needs a run with ANC ≤ 500/µL, but D500 is 0 days."],
    ]);
    expect((counts(1, 0, true).value as { grade: number }).grade).toBe(4);
  });
  it("a series: windowStatus required; ONGOING refused only when the series reaches day +30", () => {
    expect(issues({ phase: "EARLY", ancSeries: days(0, 10, 300) })).toEqual([
      [
        "/windowStatus",
        "Say whether the day 0–30 window is complete, ended early (death, end of follow-up) or still ongoing.",
      ],
    ]);
    expect(issues({ phase: "EARLY", windowStatus: "ONGOING", ancSeries: days(0, 30, 300) })).toEqual([
      ["/windowStatus", "The series reaches day +30, so the early window cannot be still ongoing."],
    ]);
    expect(early(days(0, 29, 300), "ONGOING").label).toBe("Early ICAHT grade 3 (provisional)");
  });
});

describe("ICAHT explained, the edges the mutation run found", () => {
  const d500 = (r: ReturnType<typeof early>) => (r.details as { d500: number }).d500;
  it("two counts on one day: the lower one counts (300 then 800 on day 5 → D500 1)", () => {
    const r = early([
      ...days(0, 4, 1500),
      { studyDay: 5, ancCellsPerUL: 300 },
      { studyDay: 5, ancCellsPerUL: 800 },
      ...days(6, 30, 1500),
    ]);
    expect(d500(r)).toBe(1);
    expect((r.details as { runsAtOrBelow500: unknown }).runsAtOrBelow500).toEqual([{ start: 5, end: 5 }]);
  });
  it("a series in any order is read in day order", () => {
    const series = [...days(0, 2, 1200), ...days(3, 7, 300), ...days(8, 30, 1500)];
    const shuffled = [...series.slice(10), ...series.slice(0, 10).reverse()];
    const a = early(series);
    const b = early(shuffled);
    expect(b.reasons).toEqual(a.reasons);
    expect(b.details).toStrictEqual(a.details);
  });
  it("a gap of 3 days from day 10 (200) to day 14 (1000) is interpolated: 400, 600, 800 → ≤ 500 on days 10–11", () => {
    const r = early([...days(0, 9, 1500), ...days(10, 10, 200), ...days(14, 30, 1000)]);
    expect(r.details).toMatchObject({
      d500: 2,
      interpolatedDays: [11, 12, 13],
      runsAtOrBelow500: [{ start: 10, end: 11 }],
    });
  });
  it("missing days (a gap over 7 days) are never neutropenic: runs 0–5 and 15 stay apart", () => {
    const r = early([...days(0, 5, 300), ...days(15, 15, 300), ...days(16, 30, 1500)]);
    expect(r.details).toMatchObject({
      d500: 6,
      missingDays: [6, 7, 8, 9, 10, 11, 12, 13, 14],
      runsAtOrBelow500: [
        { start: 0, end: 5 },
        { start: 15, end: 15 },
      ],
    });
  });
  it("late: two values on one day, the lower counts (300 and 900 on day 45, 1200 on day 60 → grade 3)", () => {
    const r = late([
      [45, 900],
      [45, 300],
      [60, 1200],
    ]);
    expect(r.label).toBe("Late ICAHT grade 3");
    const other = late([
      [45, 300],
      [45, 900],
      [60, 1200],
    ]);
    expect(other.label).toBe("Late ICAHT grade 3");
  });
  it("late, strict: two values of exactly 500 meet the ≤ 500 band (grade 3)", () => {
    expect(
      late(
        [
          [40, 500],
          [70, 500],
        ],
        { method: "STRICT" },
      ).reasons[0],
    ).toBe(
      "Late ICAHT grade 3: two values ≤ 500 cells/µL (500 cells/µL on day 40; 500 cells/µL on day 70) (EHA/EBMT 2023, strict two-value reading).",
    );
  });
  it("late: a censoring day at or after day +100 leaves the whole window; values after it are excluded, listed in day order", () => {
    const r = late(
      [
        [45, 800],
        [130, 900],
        [110, 700],
        [60, 1200],
      ],
      { censorStudyDay: 100 },
    );
    expect(r.reasons).toEqual([
      "Late ICAHT grade 2: lowest ANC 800 cells/µL on day 45 is ≤ 1000 cells/µL, confirmed non-transient by the second-lowest 1200 cells/µL on day 60 ≤ 1500 cells/µL (EHA/EBMT 2023; nadir rule after Liang).",
      "Excluded (after the late window day +31 to day +100): value(s) on day(s) 110, 130.",
      "Method: nadir rule (NADIR); window day +31 to day +100.",
    ]);
    expect((r.details as { excludedStudyDays: number[] }).excludedStudyDays).toEqual([110, 130]);
  });
  it("late: values that read like × 10³/µL are warned at the late series' field", () => {
    expect(
      late([
        [45, 0.4],
        [60, 1200],
      ]).warnings,
    ).toStrictEqual([
      {
        path: "/ancValues",
        code: "count_unit_suspect",
        message:
          "1 of 2 ANC values are below 10 cells/µL, the smallest count an analyser reports (0.4 on day 45): the values are in cells/µL; if they were × 10³/µL (× 10⁹/L), multiply by 1,000. Graded as entered.",
      },
    ]);
  });
  it("every cross-field check of the early phase carries its own code", () => {
    const codes = (input: unknown) => issuesOf(() => icaht.run(input)).map((i) => i.code);
    expect(codes({ phase: "EARLY" })).toEqual(["icaht_series_or_counts_required"]);
    expect(codes({ phase: "EARLY", ancSeries: days(0, 30, 300), daysAncAtOrBelow500: 3 })).toEqual([
      "icaht_series_and_counts",
    ]);
    expect(codes({ phase: "EARLY", ancSeries: days(0, 30, 300), windowStatus: "ONGOING" })).toEqual([
      "icaht_window_not_ongoing",
    ]);
    expect(codes({ phase: "EARLY", ancSeries: days(0, 10, 300) })).toEqual(["icaht_window_status_required"]);
    expect(codes({ phase: "EARLY", daysAncAtOrBelow500: 3, windowStatus: "COMPLETE" })).toEqual([
      "icaht_count_required",
      "icaht_count_required",
      "icaht_count_not_allowed",
    ]);
    expect(
      codes({ phase: "EARLY", daysAncAtOrBelow500: 0, daysAncAtOrBelow100: 2, neverRecovered: true }),
    ).toEqual(["icaht_d100_exceeds_d500", "icaht_never_recovered_without_d500"]);
  });
});
