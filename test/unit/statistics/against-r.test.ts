/**
 * src/domain/statistics against R on the same data, to 1e-6 (issue 12): survival::survfit
 * (Kaplan–Meier, Greenwood std.err, log–log intervals), its median and interval, summary() at
 * chosen times (numbers at risk, landmark rates), survival::survdiff (log-rank chi-square, df, p),
 * cmprsk::cuminc (Aalen–Johansen estimate and Gray's variance) and stats::binom.test
 * (Clopper–Pearson). The data sets are the edge cases written out below plus seeded random ones
 * (fast-check): ties, censoring at event times, all censored, a single patient, curves that reach
 * 0 or sit at exactly 0.5, two to four groups. All go to one Rscript run.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  clopperPearson,
  cumulativeIncidence,
  kaplanMeier,
  logRank,
  survivalAt,
} from "../../../src/domain/statistics/index.ts";
import { type Csv, differences, type RTable, runR } from "../../support/r-reference.ts";

interface Row {
  group: string;
  time: number;
  /** 0 censored, else the cause (1 or 2); the event of the Kaplan–Meier is any cause */
  cause: 0 | 1 | 2;
}
interface DataSet {
  name: string;
  rows: Row[];
  times: number[];
}

const row = (time: number, cause: 0 | 1 | 2, group = "1"): Row => ({ group, time, cause });

const EDGE: DataSet[] = [
  { name: "single-event", rows: [row(5, 1)], times: [0, 5, 6] },
  { name: "single-censored", rows: [row(5, 0)], times: [0, 4, 5] },
  { name: "all-censored", rows: [1, 2, 2, 3, 8].map((t) => row(t, 0)), times: [0, 2, 8, 9] },
  {
    name: "censored-at-event-times",
    rows: [row(2, 1), row(2, 0), row(2, 2), row(4, 1), row(4, 0), row(4, 0), row(7, 1), row(7, 0)],
    times: [1, 2, 3, 4, 7],
  },
  { name: "all-events-tied", rows: [3, 3, 3, 3].map((t) => row(t, 1)), times: [2, 3] },
  {
    name: "reaches-zero",
    rows: [row(1, 1), row(2, 1), row(2, 0), row(3, 2), row(4, 1), row(5, 1)],
    times: [0, 3, 5],
  },
  // S = 0.5 exactly from t = 1 until the event at 3: median (1 + 3) / 2 = 2
  { name: "exactly-half", rows: [row(1, 1), row(3, 1)], times: [1, 2, 3] },
  { name: "exactly-half-then-censored", rows: [row(1, 1), row(3, 0)], times: [1, 3] },
  {
    name: "first-censored-then-events",
    rows: [row(0, 0), row(1, 0), row(2, 1), row(6, 2), row(6, 1), row(9, 0)],
    times: [0, 0.5, 1, 1.5, 6],
  },
  {
    name: "two-groups-one-without-events",
    rows: [row(1, 1, "1"), row(2, 1, "1"), row(3, 0, "1"), row(1.5, 0, "2"), row(0.5, 0, "2")],
    times: [1, 2],
  },
  {
    name: "group-censored-before-any-event",
    rows: [row(5, 1, "1"), row(6, 1, "1"), row(7, 0, "1"), row(1, 0, "2"), row(2, 0, "2"), row(6, 1, "3")],
    times: [5, 6],
  },
  // one patient per group, both events at once: the variance is 0 and survdiff cannot test
  { name: "singular-log-rank", rows: [row(1, 1, "1"), row(1, 1, "2")], times: [1] },
  { name: "zero-time-events", rows: [row(0, 1), row(0, 0), row(1, 1), row(2, 0)], times: [0, 1, 2] },
];

/** Random cohorts: integer or half days (exact in decimal, so R reads the same numbers). */
const dataSet = fc.record({
  groups: fc.integer({ min: 1, max: 4 }),
  patients: fc.array(
    fc.record({
      g: fc.integer({ min: 1, max: 4 }),
      halves: fc.integer({ min: 0, max: 80 }),
      cause: fc.constantFrom<0 | 1 | 2>(0, 0, 1, 1, 1, 2),
    }),
    { minLength: 1, maxLength: 80 },
  ),
  landmarks: fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 5 }),
});
const RANDOM: DataSet[] = fc.sample(dataSet, { seed: 20261203, numRuns: 120 }).map((d, i) => ({
  name: `random-${i}`,
  rows: d.patients.map((p) => row(p.halves / 2, p.cause, String(((p.g - 1) % d.groups) + 1))),
  times: d.landmarks.map((h) => h / 2),
}));
// a larger one, with many ties
const BIG: DataSet = (() => {
  const rows = fc
    .sample(
      fc.record({
        t: fc.integer({ min: 0, max: 60 }),
        c: fc.constantFrom<0 | 1 | 2>(0, 1, 1, 2),
        g: fc.constantFrom("1", "2", "3"),
      }),
      {
        seed: 7,
        numRuns: 2000,
      },
    )
    .map((r) => row(r.t, r.c, r.g));
  return { name: "big", rows, times: [0, 6, 12, 24, 36, 48, 60, 72] };
})();
const DATASETS = [...EDGE, ...RANDOM, BIG];

const BINOMIAL: [number, number][] = [
  [0, 1],
  [1, 1],
  [0, 10],
  [10, 10],
  [1, 2],
  [7, 31],
  [30, 31],
  [500, 1001],
  [3, 10000],
  ...fc.sample(
    fc.integer({ min: 1, max: 400 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
    { seed: 11, numRuns: 60 },
  ),
];

let R: RTable;
const r = (ds: string, kind: string, field: string) => R.get(`${ds}|${kind}|${field}`);

beforeAll(async () => {
  const survival: Csv = {
    header: ["dataset", "group", "time", "status", "cause"],
    rows: DATASETS.flatMap((d) =>
      d.rows.map((x) => [d.name, x.group, x.time, x.cause === 0 ? 0 : 1, x.cause]),
    ),
  };
  const times: Csv = {
    header: ["dataset", "time"],
    rows: DATASETS.flatMap((d) => d.times.map((t) => [d.name, t])),
  };
  const binom: Csv = { header: ["dataset", "x", "n"], rows: BINOMIAL.map(([x, n]) => [`b${x}of${n}`, x, n]) };
  R = await runR("statistics.R", { "survival.csv": survival, "times.csv": times, "binom.csv": binom });
}, 120_000);

const km = (d: DataSet) => kaplanMeier(d.rows.map((x) => ({ time: x.time, event: x.cause !== 0 })));

describe("Kaplan–Meier against survival::survfit(conf.type = 'log-log')", () => {
  it.each(DATASETS.map((d) => [d.name, d] as const))("%s: steps, Greenwood std.err, intervals", (name, d) => {
    const fit = km(d);
    const s = fit.steps;
    expect([
      ...differences(
        "time",
        s.map((x) => x.time),
        r(name, "km", "time"),
      ),
      ...differences(
        "n.risk",
        s.map((x) => x.nRisk),
        r(name, "km", "n.risk"),
      ),
      ...differences(
        "n.event",
        s.map((x) => x.nEvent),
        r(name, "km", "n.event"),
      ),
      ...differences(
        "n.censor",
        s.map((x) => x.nCensor),
        r(name, "km", "n.censor"),
      ),
      ...differences(
        "surv",
        s.map((x) => x.survival),
        r(name, "km", "surv"),
      ),
      // R's std.err is infinite once S = 0; ours is null there
      ...differences(
        "std.err",
        s.map((x) => x.seLog ?? Number.POSITIVE_INFINITY),
        r(name, "km", "std.err"),
      ),
      ...differences(
        "lower",
        s.map((x) => x.lower),
        r(name, "km", "lower"),
      ),
      ...differences(
        "upper",
        s.map((x) => x.upper),
        r(name, "km", "upper"),
      ),
    ]).toEqual([]);
  });

  it.each(DATASETS.map((d) => [d.name, d] as const))("%s: median and its interval", (name, d) => {
    const { median } = km(d);
    expect([
      ...differences("median", [median.estimate], r(name, "median", "median")),
      ...differences("lower", [median.lower], r(name, "median", "lower")),
      ...differences("upper", [median.upper], r(name, "median", "upper")),
    ]).toEqual([]);
  });

  it.each(DATASETS.map((d) => [d.name, d] as const))(
    "%s: summary at times (risk table, landmarks)",
    (name, d) => {
      const fit = km(d);
      const at = survivalAt(fit, d.times);
      const last = Math.max(...d.rows.map((x) => x.time));
      // past the last time R extends the curve (extend = TRUE); ours says it is not estimable
      const within = at.filter((a) => a.time <= last);
      const rWithin = (field: string) => r(name, "at", field)?.slice(0, within.length);
      expect(at.every((a) => a.time <= last === (a.survival !== null))).toBe(true);
      expect([
        ...differences(
          "time",
          at.map((a) => a.time),
          r(name, "at", "time"),
        ),
        ...differences(
          "n.risk",
          at.map((a) => a.nRisk),
          r(name, "at", "n.risk"),
        ),
        ...differences(
          "n.event",
          at.map((a) => a.nEvent),
          r(name, "at", "n.event"),
        ),
        ...differences(
          "n.censor",
          at.map((a) => a.nCensor),
          r(name, "at", "n.censor"),
        ),
        ...differences(
          "surv",
          within.map((a) => a.survival),
          rWithin("surv"),
        ),
        ...differences(
          "std.err",
          within.map((a) => a.se),
          rWithin("std.err")?.map((v) => (Number.isNaN(v) ? null : v)),
        ),
        ...differences(
          "lower",
          within.map((a) => a.lower),
          rWithin("lower"),
        ),
        ...differences(
          "upper",
          within.map((a) => a.upper),
          rWithin("upper"),
        ),
      ]).toEqual([]);
    },
  );
});

describe("log-rank against survival::survdiff", () => {
  const grouped = DATASETS.filter((d) => new Set(d.rows.map((x) => x.group)).size > 1);
  it("has grouped data sets to compare", () => expect(grouped.length).toBeGreaterThan(50));
  it.each(grouped.map((d) => [d.name, d] as const))("%s", (name, d) => {
    const keys = [...new Set(d.rows.map((x) => x.group))].sort();
    const test = logRank(
      keys.map((key) => ({
        key,
        times: d.rows.filter((x) => x.group === key).map((x) => ({ time: x.time, event: x.cause !== 0 })),
      })),
    );
    if (r(name, "logrank", "chisq")?.[0] === null) {
      // R refused (a singular variance): ours says it cannot test
      expect(test.chiSquare).toBeNull();
      return;
    }
    expect(r(name, "logrank", "group")).toEqual(keys.map(Number));
    expect([
      ...differences(
        "n",
        test.groups.map((g) => g.n),
        r(name, "logrank", "n"),
      ),
      ...differences(
        "observed",
        test.groups.map((g) => g.observed),
        r(name, "logrank", "obs"),
      ),
      ...differences(
        "expected",
        test.groups.map((g) => g.expected),
        r(name, "logrank", "exp"),
      ),
      ...differences("chisq", [test.chiSquare], r(name, "logrank", "chisq")),
      // with no event at all R's df is sum(exp > 0) − 1 = −1; ours says 0
      ...differences(
        "df",
        [test.df],
        r(name, "logrank", "df")?.map((v) => Math.max(v ?? 0, 0)),
      ),
      ...differences("p", [test.pValue], r(name, "logrank", "p")),
    ]).toEqual([]);
  });
});

describe("cumulative incidence against cmprsk::cuminc", () => {
  const withEvents = DATASETS.filter((d) => d.rows.some((x) => x.cause !== 0));
  it.each(withEvents.map((d) => [d.name, d] as const))("%s", (name, d) => {
    const curves = cumulativeIncidence(
      d.rows.map((x) => ({ time: x.time, cause: x.cause === 0 ? null : String(x.cause) })),
    );
    const problems = curves.flatMap((c) => [
      ...differences(
        `cause ${c.cause} time`,
        c.steps.map((s) => s.time),
        r(name, `cuminc${c.cause}`, "time"),
      ),
      ...differences(
        `cause ${c.cause} est`,
        c.steps.map((s) => s.estimate),
        r(name, `cuminc${c.cause}`, "est"),
      ),
      ...differences(
        `cause ${c.cause} var`,
        c.steps.map((s) => s.variance),
        r(name, `cuminc${c.cause}`, "var"),
      ),
    ]);
    expect(problems).toEqual([]);
  });
});

describe("Clopper–Pearson against stats::binom.test", () => {
  it.each(BINOMIAL)("%i of %i", (x, n) => {
    const p = clopperPearson(x, n);
    expect([
      ...differences("lower", [p.lower], r(`b${x}of${n}`, "binom", "lower")),
      ...differences("upper", [p.upper], r(`b${x}of${n}`, "binom", "upper")),
    ]).toEqual([]);
  });
});
