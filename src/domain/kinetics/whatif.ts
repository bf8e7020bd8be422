/**
 * What-if: one patient (or a virtual cohort) under other strategies — the same cells recognising
 * CD19 only, BCMA only or both (compound CAR), two products co-infused, half or twice the dose —
 * with bands from parameter uncertainty: the MAP curve, and the median and central 90% of
 * trajectories and outcomes over parameter sets drawn from the fit's Laplace posterior (fit.ts)
 * or, for a virtual cohort, from the population priors (cohort.ts).
 */
import { samplePatient, seededUniform } from "./cohort.ts";
import { IntegrationError } from "./dopri5.ts";
import {
  BCMA_CAR,
  CD19_CAR,
  COMPOUND_CD19_BCMA_CAR,
  type Dosing,
  type Product,
  scaleDose,
} from "./dosing.ts";
import { type FitResult, posteriorDraws } from "./fit.ts";
import { type Observable, predict } from "./observations.ts";
import { type Outcomes, outcomeDays, outcomes } from "./outcomes.ts";
import type { ModelParameters, ParameterName } from "./parameters.ts";
import { FITTABLE } from "./posterior.ts";
import { simulate, type Trajectory } from "./simulate.ts";

export const STRATEGIES = [
  "as-given",
  "cd19-only",
  "bcma-only",
  "compound",
  "co-infusion",
  "half-dose",
  "double-dose",
] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const STRATEGY_LABELS: Record<Strategy, string> = {
  "as-given": "As given",
  "cd19-only": "CD19 CAR only",
  "bcma-only": "BCMA CAR only",
  compound: "Compound CD19/BCMA CAR",
  "co-infusion": "CD19 + BCMA co-infusion",
  "half-dose": "Half the dose",
  "double-dose": "Twice the dose",
};

const recognising = (product: Product, like: Product): Product => ({
  ...product,
  name: like.name,
  recognition: like.recognition,
});

/**
 * The dosing of a strategy, derived from the patient's own: same days, doses and product
 * kinetics; only what the cells recognise (or the dose) changes. Co-infusion splits each infusion
 * into a CD19 and a BCMA product at half its dose each, so the number of CAR+ cells is the same as
 * given and the comparison is of targets, not of dose [A: our convention; trials of CD19 + BCMA
 * co-infusion dosed each product separately].
 */
export function strategyDosing(strategy: Strategy, given: Dosing): Dosing {
  const swap = (like: Product): Dosing => ({
    ...given,
    infusions: given.infusions.map((i) => ({ ...i, product: recognising(i.product, like) })),
  });
  switch (strategy) {
    case "as-given":
      return given;
    case "cd19-only":
      return swap(CD19_CAR);
    case "bcma-only":
      return swap(BCMA_CAR);
    case "compound":
      return swap(COMPOUND_CD19_BCMA_CAR);
    case "co-infusion":
      return {
        ...given,
        infusions: given.infusions.flatMap((i) => [
          { ...i, product: recognising(i.product, CD19_CAR), cellsPerKg: i.cellsPerKg / 2 },
          { ...i, product: recognising(i.product, BCMA_CAR), cellsPerKg: i.cellsPerKg / 2 },
        ]),
      };
    case "half-dose":
      return scaleDose(given, 0.5);
    case "double-dose":
      return scaleDose(given, 2);
  }
}

export interface Band {
  /** the curve of the MAP (or median-prior) parameters */
  central: number[];
  median: number[];
  lower: number[];
  upper: number[];
}

export interface Summary {
  median: number | null;
  /** 5th and 95th percentiles over the draws that reached a value */
  lower: number | null;
  upper: number | null;
  /** share of draws in which the outcome happened by the horizon (e.g. aplasia ended) */
  reached: number;
}

export interface OutcomeSummary {
  carTPeakCellsPerUL: Summary;
  carTPeakDay: Summary;
  bCellAplasiaDays: Summary;
  bCellReturnDay: Summary;
  igGNadirGPerL: Summary;
  igGNadirFractionOfBaseline: Summary;
  antiDsDnaNegativeDay: Summary;
  antiDsDnaReboundDay: Summary;
  tumourNadirRatio: Summary;
  tumourCleared: Summary;
}

/** Linear-interpolation (type 7) quantile of ascending values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

const summarise = (values: readonly (number | null)[]): Summary => {
  const got = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  return got.length === 0
    ? { median: null, lower: null, upper: null, reached: 0 }
    : {
        median: quantile(got, 0.5),
        lower: quantile(got, 0.05),
        upper: quantile(got, 0.95),
        reached: values.length ? got.length / values.length : 0,
      };
};

export function summariseOutcomes(list: readonly Outcomes[]): OutcomeSummary {
  const pick = (f: (o: Outcomes) => number | null) => summarise(list.map(f));
  return {
    carTPeakCellsPerUL: pick((o) => o.carT.peakCellsPerUL),
    carTPeakDay: pick((o) => o.carT.peakDay),
    bCellAplasiaDays: pick((o) => o.bCellAplasia.durationDays),
    bCellReturnDay: pick((o) => o.bCellAplasia.endDay),
    igGNadirGPerL: pick((o) => o.igG.nadirGPerL),
    igGNadirFractionOfBaseline: pick((o) => o.igG.nadirFractionOfBaseline),
    antiDsDnaNegativeDay: pick((o) => o.antiDsDna.negativeDay),
    antiDsDnaReboundDay: pick((o) => o.antiDsDna.reboundDay),
    tumourNadirRatio: pick((o) => o.tumour?.nadirRatio ?? null),
    tumourCleared: pick((o) => (o.tumour ? (o.tumour.cleared ? 1 : 0) : null)),
  };
}

/** The observables a curve is drawn for: tumour only when there is one. */
export function curveObservables(p: ModelParameters): Observable[] {
  const list: Observable[] = ["carTCellsPerUL", "bCellsPerUL", "igGgPerL", "antiDsDnaIuPerML"];
  return p.tumour0 > 0 ? [...list, "tumourRelative"] : list;
}

/** Values of `observable` at whole days 0…horizon off a trajectory sampled on outcomeDays. */
function dailyCurve(t: Trajectory, observable: Observable, horizonDays: number): number[] {
  const index = new Map(t.days.map((d, i) => [d, i]));
  const out: number[] = [];
  for (let d = 0; d <= horizonDays; d++)
    out.push(predict(observable, t.states[index.get(d)!]!, t.layout, t.parameters));
  return out;
}

export interface StrategyResult {
  strategy: Strategy;
  label: string;
  dosing: Dosing;
  days: number[];
  curves: Partial<Record<Observable, Band>>;
  /** outcomes of the central (MAP) parameters */
  outcomes: Outcomes;
  /** the same outcomes over the draws */
  summary: OutcomeSummary;
  /** draws the solver could not integrate (left out of the bands) */
  failedDraws: number;
}

export interface BandOptions {
  draws?: number;
  seed?: number;
  horizonDays?: number;
}

/**
 * One strategy for a central parameter set and its draws: the central curve and outcomes, and the
 * pointwise median and 5th–95th percentiles of the draws' curves (pointwise, not a simultaneous
 * band).
 */
export function strategyBands(
  strategy: Strategy,
  given: Dosing,
  central: ModelParameters,
  draws: readonly ModelParameters[],
  horizonDays: number,
): StrategyResult {
  const dosing = strategyDosing(strategy, given);
  const grid = outcomeDays(horizonDays);
  const observables = curveObservables(central);
  const main = simulate(central, dosing, grid);
  const curves = new Map<Observable, number[][]>(observables.map((o) => [o, []]));
  const drawOutcomes: Outcomes[] = [];
  let failedDraws = 0;
  for (const p of draws) {
    let t: Trajectory;
    try {
      t = simulate(p, dosing, grid);
    } catch (e) {
      if (e instanceof IntegrationError) {
        failedDraws++;
        continue;
      }
      throw e;
    }
    drawOutcomes.push(outcomes(t));
    for (const o of observables) curves.get(o)!.push(dailyCurve(t, o, horizonDays));
  }
  const days = Array.from({ length: horizonDays + 1 }, (_, d) => d);
  const bands: Partial<Record<Observable, Band>> = {};
  for (const o of observables) {
    const all = curves.get(o)!;
    const columns = days.map((d) => all.map((c) => c[d]!).sort((a, b) => a - b));
    bands[o] = {
      central: dailyCurve(main, o, horizonDays),
      median: columns.map((c) => quantile(c, 0.5)),
      lower: columns.map((c) => quantile(c, 0.05)),
      upper: columns.map((c) => quantile(c, 0.95)),
    };
  }
  return {
    strategy,
    label: STRATEGY_LABELS[strategy],
    dosing,
    days,
    curves: bands,
    outcomes: outcomes(main),
    summary: summariseOutcomes(drawOutcomes),
    failedDraws,
  };
}

/** What-if for a fitted patient: each strategy with bands from `draws` Laplace-posterior draws. */
export function whatIf(fit: FitResult, strategies: readonly Strategy[], options: BandOptions = {}) {
  const horizonDays = options.horizonDays ?? 365;
  const draws = posteriorDraws(fit, options.draws ?? 100, options.seed ?? 1);
  return strategies.map((s) => strategyBands(s, fit.problem.dosing, fit.parameters, draws, horizonDays));
}

export interface VirtualCohortOptions {
  n: number;
  seed: number;
  horizonDays?: number;
  /** parameters drawn from their priors; default every fittable one */
  sampled?: readonly ParameterName[];
  /** called after each patient, with how many are done out of n × strategies */
  onProgress?: (done: number, total: number) => void;
}

export interface VirtualCohortResult {
  n: number;
  seed: number;
  horizonDays: number;
  strategies: {
    strategy: Strategy;
    label: string;
    dosing: Dosing;
    summary: OutcomeSummary;
    failed: number;
  }[];
}

/** N virtual patients drawn from the priors (every fittable parameter unless `sampled` says). */
export function virtualPatients(
  base: ModelParameters,
  n: number,
  seed: number,
  sampled: readonly ParameterName[] = FITTABLE,
): ModelParameters[] {
  const uniform = seededUniform(seed);
  return Array.from({ length: n }, () => samplePatient(base, uniform, sampled));
}

/**
 * Each patient's outcomes under one strategy, in order; null for a patient the solver could not
 * integrate (an extreme draw), so callers can count and leave them out.
 */
export function cohortOutcomes(
  patients: readonly ModelParameters[],
  given: Dosing,
  strategy: Strategy,
  horizonDays: number,
  onEach?: () => void,
): (Outcomes | null)[] {
  const dosing = strategyDosing(strategy, given);
  const grid = outcomeDays(horizonDays);
  return patients.map((p) => {
    let o: Outcomes | null = null;
    try {
      o = outcomes(simulate(p, dosing, grid));
    } catch (e) {
      if (!(e instanceof IntegrationError)) throw e;
    }
    onEach?.();
    return o;
  });
}

/** Per strategy, the summary of the outcomes that exist and the count of patients left out. */
export function cohortSummary(
  given: Dosing,
  strategies: readonly Strategy[],
  outcomesPerStrategy: readonly (readonly (Outcomes | null)[])[],
): VirtualCohortResult["strategies"] {
  return strategies.map((strategy, i) => {
    const list = outcomesPerStrategy[i]!;
    const ok = list.filter((o): o is Outcomes => o !== null);
    return {
      strategy,
      label: STRATEGY_LABELS[strategy],
      dosing: strategyDosing(strategy, given),
      summary: summariseOutcomes(ok),
      failed: list.length - ok.length,
    };
  });
}

/**
 * N virtual patients drawn once from the priors (the same N for every strategy, so strategies are
 * compared on the same people), each simulated under each strategy; per strategy, the distribution
 * of the outcomes. One thread; services/kinetics.ts spreads large cohorts over worker threads.
 */
export function virtualCohort(
  base: ModelParameters,
  given: Dosing,
  strategies: readonly Strategy[],
  options: VirtualCohortOptions,
): VirtualCohortResult {
  const horizonDays = options.horizonDays ?? 365;
  const patients = virtualPatients(base, options.n, options.seed, options.sampled);
  const total = options.n * strategies.length;
  let done = 0;
  const each = () => options.onProgress?.(++done, total);
  return {
    n: options.n,
    seed: options.seed,
    horizonDays,
    strategies: cohortSummary(
      given,
      strategies,
      strategies.map((s) => cohortOutcomes(patients, given, s, horizonDays, each)),
    ),
  };
}
