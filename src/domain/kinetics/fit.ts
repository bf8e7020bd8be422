/**
 * Per-patient maximum a posteriori (MAP) fit of the kinetics model, its Laplace uncertainty and
 * goodness of fit (decision 0028).
 *
 * The objective is logPosterior (posterior.ts) written as a sum of squares: every measurement and
 * every prior becomes one or two residuals r with ½·Σr² = −log p(θ | data) + constant, so a
 * Levenberg–Marquardt method on the stacked residuals maximises exactly the posterior the domain
 * defines (a test checks the identity). Log-normal errors give z = (ln y − ln ŷ)/sd; a normal
 * error with sd depending on ŷ gives z and √(2·ln(sd/additive)) (the −ln sd term of the density);
 * a value below the LLOQ gives √(−2·ln Φ(z)) (Beal's M3); a prior gives (θ − μ)/σ on the log or
 * logit scale.
 *
 * Uncertainty is the Laplace approximation on that unconstrained scale: covariance (JᵀJ)⁻¹ at the
 * optimum, J the Jacobian of all residuals (the Gauss–Newton Hessian of −log p; Bates & Watts,
 * Nonlinear Regression Analysis and its Applications, 1988, §2.3). Intervals are Wald intervals
 * there, mapped back through exp/expit, so they stay positive (or inside (0, 1)).
 */
import { DomainError } from "../errors.ts";
import { seededUniform, standardNormal } from "./cohort.ts";
import { IntegrationError, type SolverOptions } from "./dopri5.ts";
import { cholesky, choleskyInverse, choleskySolve, type Matrix, symmetricEigen } from "./linear-algebra.ts";
import {
  ERROR_MODELS,
  type ErrorModelSpec,
  logNormalCdf,
  type Measurement,
  measurementDays,
  type Observable,
  predict,
} from "./observations.ts";
import { type ModelParameters, PARAMETERS, type ParameterName, type Prior } from "./parameters.ts";
import { type FitProblem, fromUnconstrained } from "./posterior.ts";
import { simulate } from "./simulate.ts";

/** z of the central 90% interval: Φ⁻¹(0.95) (any normal table). */
export const Z90 = 1.6448536269514722;

/**
 * The fit integrates a little tighter than what-if curves (DEFAULT_SOLVER rtol 1e-6): central
 * differences of step 1e-3 divide the solver's error by 2e-3, so 1e-8 keeps the Jacobian's noise
 * near 1e-5 relative.
 */
export const FIT_SOLVER: SolverOptions = { rtol: 1e-8, atol: 1e-10 };

/** Step of the central-difference Jacobian on the log/logit scale (0.1% of a rate). */
const JACOBIAN_STEP = 1e-3;
/**
 * Forward differences while iterating, at half the cost: the step only has to go downhill. Their
 * O(h) error at 1e-4 and the solver's noise divided by h are both ~1e-4; the covariance and the
 * identifiability check use central differences at the optimum.
 */
const FORWARD_STEP = 1e-4;
/** A predicted level of exactly 0 read on the log scale: far below any LLOQ, but finite. */
const TINY = 1e-300;

const CAR_OBSERVABLES: Observable[] = ["carTCellsPerUL", "carTCopiesPerUgDna"];

/**
 * What the data must hold before a fit is tried. Three quantified CAR-T levels on distinct days
 * after the infusion are the fewest that show expansion and contraction (ρ, Tmax, k_E); fewer, and
 * the answer would be the prior. Stein 2019 had a median of about 10 samples per patient.
 */
export const MIN_CAR_DAYS = 3;
/** Samples after this day inform persistence (k_EM, β): the end of contraction, ~3 × t½ of α. */
export const PERSISTENCE_FROM_DAY = 28;

/**
 * The smallest share of a parameter direction's precision that must come from the data, not the
 * prior: the eigenvalues λ of D·J_dᵀJ_d·D (D the prior sds) are the data's precision in units of
 * the prior's, and the posterior variance along that direction is 1/(1 + λ) of the prior's. Below
 * λ = 0.05 (the data narrow it by less than ~5%) the "fit" of that direction is the prior, and we
 * refuse rather than report it as estimated [A: our threshold].
 */
export const MIN_DATA_INFORMATION = 0.05;

export interface FitOptions {
  /** parameters to estimate; default: those the measurements can inform (`informedParameters`) */
  fitted?: ParameterName[];
  maxIterations?: number;
  solver?: SolverOptions;
  /** where to start instead of the prior medians (values on the natural scale) */
  start?: Partial<ModelParameters>;
  /** starts to try (the prior medians first); the highest log-posterior wins. Default 1 */
  starts?: number;
}

export interface ParameterEstimate {
  name: ParameterName;
  unit: string;
  estimate: number;
  /** 90% interval from the Laplace approximation on the log/logit scale */
  lower: number;
  upper: number;
  /** sd on the log (logit) scale: approximately the coefficient of variation for a rate */
  sdUnconstrained: number;
  prior: Prior;
  /** posterior variance / prior variance on the unconstrained scale: near 1 means the data add little */
  shrinkage: number;
  source: string;
}

export interface Residual {
  observable: Observable;
  day: number;
  observed: number | null;
  predicted: number;
  censored: boolean;
  /** standardised residual (observed − predicted on the error model's scale)/sd; null when censored */
  z: number | null;
}

export interface ObservableFit {
  observable: Observable;
  n: number;
  censored: number;
  /** weighted sum of squared residuals Σz² over quantified values */
  weightedSsr: number;
  /** √(Σz²/n): about 1 when the error model's sd is right */
  rmsZ: number;
  /** censored values the fitted curve also puts below the limit */
  censoredConsistent: number;
}

export interface GoodnessOfFit {
  observables: ObservableFit[];
  residuals: Residual[];
  weightedSsr: number;
  logLikelihood: number;
  logPosterior: number;
}

export interface Convergence {
  converged: boolean;
  reason: string;
  iterations: number;
  /** model simulations, Jacobians included, over every start */
  evaluations: number;
  milliseconds: number;
  /** starts tried */
  starts: number;
}

export interface FitResult {
  problem: FitProblem;
  parameters: ModelParameters;
  /** the MAP on the unconstrained scale, in `problem.fitted` order */
  vector: number[];
  /** Laplace covariance on the unconstrained scale */
  covariance: number[][];
  estimates: ParameterEstimate[];
  goodness: GoodnessOfFit;
  convergence: Convergence;
  /** eigenvalues of the prior-scaled data information (see MIN_DATA_INFORMATION), ascending */
  dataInformation: number[];
  /** parameters chosen by the kind of data but not informed by its values: kept at their prior */
  unidentified: ParameterName[];
}

const refuse = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError("rule-violation", message, [{ path: "", message, code: "not_identifiable" }], details);

const priorOf = (name: ParameterName) => PARAMETERS[name].prior as Prior;
const priorCentre = (p: Prior) =>
  p.kind === "logNormal" ? Math.log(p.median) : Math.log(p.median / (1 - p.median));
const priorSd = (p: Prior) => (p.kind === "logNormal" ? p.sdLog : p.sdLogit);
const toUnconstrainedOne = (name: ParameterName, v: number) => {
  const p = priorOf(name);
  return p.kind === "logNormal" ? Math.log(v) : Math.log(v / (1 - v));
};
const toNatural = (p: Prior, x: number) => (p.kind === "logNormal" ? Math.exp(x) : 1 / (1 + Math.exp(-x)));

function isCensored(m: Measurement, spec: ErrorModelSpec): boolean {
  const lloq = m.lloq ?? spec.lloq;
  return m.value === null || m.value < lloq;
}

function specOf(problem: FitProblem, o: Observable): ErrorModelSpec {
  return problem.errors?.[o] ?? ERROR_MODELS[o];
}

/**
 * The parameters the measurements can inform, by what is measured after day 0 (kinetics-model.md
 * §3.6): CAR-T levels → expansion and contraction (ρ, Tmax, k_E), and persistence (k_EM, β) when
 * sampled after day 28; B cells → the kill rate; IgG → its elimination and the share made by
 * long-lived plasma cells (k_G, φ_G); anti-dsDNA → k_D and φ_D; tumour burden on two days, one of
 * them measured (not only below the imaging limit) → its growth rate.
 * Refuses when the CAR-T levels are too few for any fit.
 */
export function informedParameters(
  measurements: readonly Measurement[],
  base: ModelParameters,
): ParameterName[] {
  const after = measurements.filter((m) => m.day > 0);
  const days = (o: Observable[], quantified: boolean) =>
    new Set(
      after
        .filter(
          (m) => o.includes(m.observable) && (!quantified || !isCensored(m, ERROR_MODELS[m.observable])),
        )
        .map((m) => m.day),
    );
  const carDays = days(CAR_OBSERVABLES, true);
  if (carDays.size < MIN_CAR_DAYS)
    throw refuse(
      `The CAR-T expansion cannot be fitted: ${carDays.size} day(s) with a quantified CAR-T level after the infusion, at least ${MIN_CAR_DAYS} are needed.`,
      { quantifiedCarTDays: carDays.size, needed: MIN_CAR_DAYS },
    );
  const names: ParameterName[] = ["rho", "tmax", "kE"];
  const late = [...days(CAR_OBSERVABLES, false)].filter((d) => d > PERSISTENCE_FROM_DAY);
  if (late.length >= 2) names.push("kEM", "beta");
  if (days(["bCellsPerUL"], false).size >= 2) names.push("kKill");
  if (days(["igGgPerL"], false).size >= 2) names.push("kG", "phiG");
  if (base.antiDsDna0 > 0 && days(["antiDsDnaIuPerML"], false).size >= 2) names.push("kD", "phiD");
  // A burden known only to be below the imaging limit (a complete metabolic response) says the
  // lymphoma was cleared, not how fast it grows: the growth rate needs a measured burden too.
  if (
    base.tumour0 > 0 &&
    days(["tumourRelative"], false).size >= 2 &&
    days(["tumourRelative"], true).size >= 1
  )
    names.push("gT");
  return names;
}

/** Residuals, predictions and whether the model could be integrated at `vector`. */
interface Evaluation {
  r: Float64Array;
  /** one prediction per measurement, in order */
  predicted: Float64Array;
}

/** Rows per measurement: two for a normal error model (z and its −ln sd term), one otherwise. */
const rowsOf = (problem: FitProblem, m: Measurement) =>
  specOf(problem, m.observable).model.kind === "normal" ? 2 : 1;

function evaluate(problem: FitProblem, vector: readonly number[], days: number[]): Evaluation | null {
  const p = fromUnconstrained(problem.base, problem.fitted, vector);
  let trajectory: ReturnType<typeof simulate>;
  try {
    trajectory = simulate(p, problem.dosing, days, problem.solver ?? FIT_SOLVER);
  } catch (e) {
    if (e instanceof IntegrationError) return null;
    throw e;
  }
  const index = new Map(days.map((d, i) => [d, i]));
  const rows = problem.measurements.reduce((n, m) => n + rowsOf(problem, m), 0) + problem.fitted.length;
  const r = new Float64Array(rows);
  const predicted = new Float64Array(problem.measurements.length);
  let k = 0;
  for (const [i, m] of problem.measurements.entries()) {
    const y = trajectory.states[index.get(m.day)!]!;
    const yhat = predict(m.observable, y, trajectory.layout, p);
    predicted[i] = yhat;
    const spec = specOf(problem, m.observable);
    const lloq = m.lloq ?? spec.lloq;
    const censored = isCensored(m, spec);
    const e = spec.model;
    if (e.kind === "logNormal") {
      const lp = Math.log(Math.max(yhat, TINY));
      r[k++] = censored
        ? Math.sqrt(Math.max(0, -2 * logNormalCdf((Math.log(lloq) - lp) / e.sd)))
        : (Math.log(m.value!) - lp) / e.sd;
    } else {
      const sd = Math.hypot(e.additive, e.cv * yhat);
      if (censored) {
        r[k++] = Math.sqrt(Math.max(0, -2 * logNormalCdf((lloq - yhat) / sd)));
        r[k++] = 0;
      } else {
        r[k++] = (m.value! - yhat) / sd;
        r[k++] = Math.sqrt(Math.max(0, 2 * Math.log(sd / e.additive)));
      }
    }
  }
  for (const [j, name] of problem.fitted.entries()) {
    const prior = priorOf(name);
    r[k++] = (vector[j]! - priorCentre(prior)) / priorSd(prior);
  }
  if (r.some((x) => !Number.isFinite(x))) return null;
  return { r, predicted };
}

const sumSquares = (r: Float64Array) => r.reduce((s, x) => s + x * x, 0);

/**
 * −2·log p(θ | data) up to the constant that logPosterior keeps: the objective the fit minimises,
 * exported so a test can hold it to logPosterior.
 */
export function objective(problem: FitProblem, vector: readonly number[]): number {
  const e = evaluate(problem, vector, measurementDays(problem.measurements));
  return e ? sumSquares(e.r) : Number.POSITIVE_INFINITY;
}

/** Central-difference Jacobian (rows × parameters), one-sided where a side cannot be integrated. */
function jacobian(
  problem: FitProblem,
  x: readonly number[],
  at: Evaluation,
  days: number[],
  count: { evaluations: number },
  central = true,
): Matrix {
  const rows = at.r.length;
  const J: Matrix = Array.from({ length: rows }, () => new Array<number>(x.length).fill(0));
  for (let j = 0; j < x.length; j++) {
    const h = central ? JACOBIAN_STEP : FORWARD_STEP;
    const plus = [...x];
    plus[j]! += h;
    const ep = evaluate(problem, plus, days);
    count.evaluations++;
    let em: Evaluation | null = null;
    if (central || !ep) {
      const minus = [...x];
      minus[j]! -= h;
      em = evaluate(problem, minus, days);
      count.evaluations++;
    }
    for (let i = 0; i < rows; i++) {
      const d =
        ep && em
          ? (ep.r[i]! - em.r[i]!) / (2 * h)
          : ep
            ? (ep.r[i]! - at.r[i]!) / h
            : em
              ? (at.r[i]! - em.r[i]!) / h
              : 0;
      J[i]![j] = d;
    }
  }
  return J;
}

/** JᵀJ over the given rows, and Jᵀr. */
function normalEquations(J: Matrix, r: Float64Array, from = 0, to = r.length): { A: Matrix; g: number[] } {
  const n = J[0]?.length ?? 0;
  const A: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const g = new Array<number>(n).fill(0);
  for (let i = from; i < to; i++) {
    const row = J[i]!;
    for (let a = 0; a < n; a++) {
      g[a]! += row[a]! * r[i]!;
      for (let b = 0; b <= a; b++) A[a]![b]! += row[a]! * row[b]!;
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) A[b]![a] = A[a]![b]!;
  return { A, g };
}

/**
 * MAP fit of `problem.fitted` (or the parameters the data inform) by Levenberg–Marquardt with
 * Nielsen's damping update (Madsen, Nielsen & Tingleff, Methods for Non-Linear Least Squares
 * Problems, 2nd ed., IMM DTU 2004, Algorithm 3.16), started at the prior medians.
 * Refuses (DomainError "rule-violation") when the data cannot identify the parameters.
 */
export function fitPatient(
  input: Omit<FitProblem, "fitted"> & { fitted?: ParameterName[] },
  options: FitOptions = {},
): FitResult {
  const starts = options.starts ?? 1;
  if (starts <= 1 || options.start) return fitFrom(input, options);
  const started = performance.now();
  const outcomes: StartOutcome[] = [];
  for (const [k, o] of startOptions(input, options).entries()) {
    try {
      outcomes.push({ fit: fitFrom(input, o) });
    } catch (error) {
      // the first start's refusal is the answer; the others' are only remembered (bestOfStarts)
      if (!(error instanceof DomainError) || k === 0) throw error;
      outcomes.push({ error });
    }
  }
  return bestOfStarts(outcomes, performance.now() - started);
}

/**
 * The single-start fits a multi-start fit is made of (kinetics-model.md §3.6): the posterior of
 * this model has local optima, e.g. a long-persisting CAR-T with weak killing against a short one
 * with strong killing. Starts are the prior medians and points 0.8 prior sd away with alternating
 * signs, fixed so the answer is reproducible. Each is a fit of its own, so a caller may run them
 * in parallel (services/kinetics.ts, on the worker pool) and pick with `bestOfStarts`.
 */
export function startOptions(
  input: Omit<FitProblem, "fitted"> & { fitted?: ParameterName[] },
  options: FitOptions = {},
): FitOptions[] {
  const starts = Math.max(1, options.starts ?? 1);
  const { starts: _, ...single } = options;
  if (options.start) return [single];
  const names =
    input.fitted ??
    options.fitted ??
    (Object.keys(PARAMETERS) as ParameterName[]).filter((k) => PARAMETERS[k].prior);
  return Array.from({ length: starts }, (_, k) => {
    if (k === 0) return single;
    const start = Object.fromEntries(
      names.map((name, i) => {
        const prior = priorOf(name);
        const sign = (i + k) % 2 === 0 ? 1 : -1;
        return [name, toNatural(prior, priorCentre(prior) + sign * 0.8 * priorSd(prior))];
      }),
    );
    return { ...single, start };
  });
}

/** One start's fit, or the error it ended with. */
export type StartOutcome = { fit: FitResult } | { error: unknown };

/**
 * The winner of a multi-start fit, from its starts' outcomes in start order: a converged fit over
 * one that did not, then the highest log-posterior (the first of equals). The first start's error
 * is the answer, as is any error that is not a refusal; a later start's refusal is only the answer
 * when no start gave a fit. Its convergence counts every start's simulations and the wall time.
 */
export function bestOfStarts(outcomes: readonly StartOutcome[], milliseconds: number): FitResult {
  let best: FitResult | null = null;
  let firstError: unknown = null;
  let evaluations = 0;
  for (const [k, o] of outcomes.entries()) {
    if ("error" in o) {
      if (!(o.error instanceof DomainError) || k === 0) throw o.error;
      firstError ??= o.error;
      continue;
    }
    const fit = o.fit;
    evaluations += fit.convergence.evaluations;
    const better =
      !best ||
      (fit.convergence.converged && !best.convergence.converged) ||
      (fit.convergence.converged === best.convergence.converged &&
        fit.goodness.logPosterior > best.goodness.logPosterior);
    if (better) best = fit;
  }
  if (!best) throw firstError;
  return {
    ...best,
    convergence: { ...best.convergence, starts: outcomes.length, evaluations, milliseconds },
  };
}

function fitFrom(
  input: Omit<FitProblem, "fitted"> & { fitted?: ParameterName[] },
  options: FitOptions,
): FitResult {
  const started = performance.now();
  const count = { evaluations: 0 };
  const named = options.fitted ?? input.fitted;
  if (named) return fitOnce(input, named, [], false, options, count, started);
  // Chosen by the kind of data, a parameter may still not be informed by its values (φ_D after a
  // compound CAR that removes both anti-dsDNA sources alike, or persistence when every late CAR-T
  // level is below the limit): such a parameter is left at its prior — fixed in the fit, drawn
  // from the prior for bands — and the rest refitted. A parameter the caller named is refused
  // instead, and so is any fit that would lose expansion and contraction themselves.
  let names = informedParameters(input.measurements, input.base);
  const dropped: ParameterName[] = [];
  for (;;) {
    try {
      return fitOnce(input, names, dropped, true, options, count, started);
    } catch (e) {
      const weak =
        e instanceof DomainError ? (e.details.parameters as ParameterName[] | undefined) : undefined;
      const drop = weak?.[0];
      if (!drop || CORE.includes(drop)) throw e;
      dropped.push(drop);
      names = names.filter((n) => n !== drop);
    }
  }
}

/** What a CAR-T fit cannot do without: expansion rate, its end and contraction. */
const CORE: ParameterName[] = ["rho", "tmax", "kE"];

function fitOnce(
  input: Omit<FitProblem, "fitted">,
  fitted: ParameterName[],
  dropped: ParameterName[],
  auto: boolean,
  options: FitOptions,
  count: { evaluations: number },
  started: number,
): FitResult {
  for (const name of fitted)
    if (!PARAMETERS[name]?.prior)
      throw new DomainError("validation", `${name} has no prior and cannot be fitted.`);
  if (fitted.length === 0) throw refuse("No parameter to fit.");
  for (const m of input.measurements) {
    if (!(m.day >= 0) || !Number.isFinite(m.day))
      throw new DomainError(
        "validation",
        `A measurement on day ${m.day}: the fit reads days ≥ 0 after infusion.`,
      );
    const e = specOf(input as FitProblem, m.observable).model;
    if (e.kind === "normal" && !(e.additive > 0))
      throw new DomainError(
        "validation",
        `The normal error model of ${m.observable} needs an additive sd > 0.`,
      );
  }
  const solver = options.solver ?? input.solver ?? FIT_SOLVER;
  const days = measurementDays(input.measurements);
  const maxIterations = options.maxIterations ?? 60;
  const start = (names: ParameterName[]) => {
    const problem: FitProblem = { ...input, fitted: names, solver };
    const x = names.map((k) =>
      options.start?.[k] !== undefined ? toUnconstrainedOne(k, options.start[k]!) : priorCentre(priorOf(k)),
    );
    const at = evaluate(problem, x, days);
    count.evaluations++;
    if (!at) throw refuse("The model cannot be integrated at the population priors for this dosing.");
    return { problem, x, at, J: jacobian(problem, x, at, days, count, false) };
  };
  const dataRowsOf = (problem: FitProblem) =>
    problem.measurements.reduce((n, m) => n + rowsOf(problem, m), 0);

  let { problem, x, at, J } = start(fitted);
  // At the prior medians, a parameter the values do not move at all is left at its prior at once
  // (one fit instead of one per such parameter); combinations are caught after the fit.
  const unidentified: ParameterName[] = [...dropped];
  if (auto) {
    const { A: screen } = normalEquations(J, at.r, 0, dataRowsOf(problem));
    const flat = fitted.filter(
      (name, i) =>
        !CORE.includes(name) && screen[i]![i]! * priorSd(priorOf(name)) ** 2 < MIN_DATA_INFORMATION,
    );
    unidentified.push(...flat);
    if (flat.length) ({ problem, x, at, J } = start(fitted.filter((k) => !flat.includes(k))));
  }
  const dataRows = dataRowsOf(problem);
  let F = sumSquares(at.r);
  let { A, g } = normalEquations(J, at.r);
  const gradientSmall = (v: number[]) => Math.max(...v.map(Math.abs)) <= 1e-4 * Math.max(1, F);
  let mu = 1e-3 * Math.max(...A.map((row, i) => row[i]!));
  let nu = 2;
  let iterations = 0;
  let reason = "";
  let converged = gradientSmall(g);
  if (converged) reason = "gradient below tolerance at the start";
  while (!converged && iterations < maxIterations) {
    iterations++;
    const damped = A.map((row, i) => row.map((v, j) => (i === j ? v + mu : v)));
    const L = cholesky(damped);
    if (!L) {
      mu *= nu;
      nu *= 2;
      continue;
    }
    const h = choleskySolve(
      L,
      g.map((v) => -v),
    );
    const xNorm = Math.hypot(...x);
    if (Math.hypot(...h) <= 1e-7 * (xNorm + 1e-7)) {
      converged = true;
      reason = "step below tolerance";
      break;
    }
    const xNew = x.map((v, i) => v + h[i]!);
    const next = evaluate(problem, xNew, days);
    count.evaluations++;
    const FNew = next ? sumSquares(next.r) : Number.POSITIVE_INFINITY;
    // predicted decrease of ½‖r‖² by the linear model, ½hᵀ(μh − g); F here is ‖r‖², hence 2×
    const predictedDecrease = h.reduce((s, hi, i) => s + hi * (mu * hi - g[i]!), 0);
    const gain = (F - FNew) / predictedDecrease;
    if (next && gain > 0) {
      const decrease = F - FNew;
      x = xNew;
      at = next;
      F = FNew;
      J = jacobian(problem, x, at, days, count, false);
      ({ A, g } = normalEquations(J, at.r));
      mu *= Math.max(1 / 3, 1 - (2 * gain - 1) ** 3);
      nu = 2;
      if (gradientSmall(g)) {
        converged = true;
        reason = "gradient below tolerance";
      } else if (decrease <= 1e-9 * (1 + F)) {
        converged = true;
        reason = "objective no longer decreasing";
      }
    } else {
      mu *= nu;
      nu *= 2;
      if (mu > 1e16) {
        // No step of any length lowers the objective: a minimum within the Jacobian's noise.
        converged = Math.max(...g.map(Math.abs)) <= 1e-2 * Math.max(1, F);
        reason = converged
          ? "no further decrease (numerical noise floor)"
          : "damping exhausted away from a minimum";
        break;
      }
    }
  }
  if (!converged && !reason) reason = `no convergence in ${maxIterations} iterations`;

  // The curvature at the optimum by central differences, for the identifiability check and the
  // Laplace covariance.
  J = jacobian(problem, x, at, days, count, true);
  ({ A, g } = normalEquations(J, at.r));
  // Identifiability: how much the data, apart from the priors, pin each direction down.
  const names = problem.fitted;
  const D = names.map((k) => priorSd(priorOf(k)));
  const { A: Ad } = normalEquations(J, at.r, 0, dataRows);
  const scaled = Ad.map((row, i) => row.map((v, j) => v * D[i]! * D[j]!));
  const eigen = symmetricEigen(scaled);
  const weakest = eigen.values[0]!;
  if (!(weakest >= MIN_DATA_INFORMATION)) {
    const loadings = eigen.vectors[0]!.map((v, i) => ({ name: names[i]!, w: v * v }))
      .filter((l) => l.w >= 0.1)
      .sort((a, b) => b.w - a.w)
      .map((l) => l.name);
    throw refuse(
      `The data cannot identify ${loadings.join(" and ")}: along that direction they narrow the population prior by ${(100 * (1 - 1 / (1 + Math.max(0, weakest)))).toFixed(1)}%, less than the ${(100 * (1 - 1 / (1 + MIN_DATA_INFORMATION))).toFixed(1)}% required. Measure more, or fit fewer parameters.`,
      { parameters: loadings, dataInformation: eigen.values },
    );
  }
  const Lh = cholesky(A);
  if (!Lh)
    throw refuse("The information matrix at the optimum is singular; the parameters are not identifiable.");
  const covariance = choleskyInverse(Lh);

  const parameters = fromUnconstrained(problem.base, names, x);
  const estimates: ParameterEstimate[] = names.map((name, i) => {
    const prior = priorOf(name);
    const sd = Math.sqrt(covariance[i]![i]!);
    return {
      name,
      unit: PARAMETERS[name].unit,
      estimate: parameters[name],
      lower: toNatural(prior, x[i]! - Z90 * sd),
      upper: toNatural(prior, x[i]! + Z90 * sd),
      sdUnconstrained: sd,
      prior,
      shrinkage: (sd * sd) / priorSd(prior) ** 2,
      source: PARAMETERS[name].source,
    };
  });
  return {
    problem,
    parameters,
    vector: x,
    covariance,
    estimates,
    goodness: goodnessOfFit(problem, at, F, dataRows),
    convergence: {
      converged,
      reason,
      iterations,
      evaluations: count.evaluations,
      milliseconds: performance.now() - started,
      starts: 1,
    },
    dataInformation: eigen.values,
    unidentified,
  };
}

function goodnessOfFit(problem: FitProblem, at: Evaluation, F: number, dataRows: number): GoodnessOfFit {
  const residuals: Residual[] = problem.measurements.map((m, i) => {
    const spec = specOf(problem, m.observable);
    const censored = isCensored(m, spec);
    const yhat = at.predicted[i]!;
    const e = spec.model;
    const z = censored
      ? null
      : e.kind === "logNormal"
        ? (Math.log(m.value!) - Math.log(Math.max(yhat, TINY))) / e.sd
        : (m.value! - yhat) / Math.hypot(e.additive, e.cv * yhat);
    return { observable: m.observable, day: m.day, observed: m.value, predicted: yhat, censored, z };
  });
  const byObservable = new Map<Observable, Residual[]>();
  for (const r of residuals) byObservable.set(r.observable, [...(byObservable.get(r.observable) ?? []), r]);
  const observables: ObservableFit[] = [...byObservable].map(([observable, rs]) => {
    const quantified = rs.filter((r) => r.z !== null);
    const ssr = quantified.reduce((s, r) => s + r.z! ** 2, 0);
    const spec = specOf(problem, observable);
    return {
      observable,
      n: rs.length,
      censored: rs.length - quantified.length,
      weightedSsr: ssr,
      rmsZ: quantified.length ? Math.sqrt(ssr / quantified.length) : 0,
      censoredConsistent: rs.filter(
        (r, i) => r.censored && r.predicted < (problem.measurements[i]?.lloq ?? spec.lloq),
      ).length,
    };
  });
  // −½‖r‖² of the data rows is the log-likelihood up to the constants the residuals drop
  // (−ln y − ln sd − ln √2π for quantified log-normal values, −ln additive − ln √2π for normal ones).
  const dataSq = sumSquares(at.r.subarray(0, dataRows));
  let constant = 0;
  for (const m of problem.measurements) {
    const spec = specOf(problem, m.observable);
    if (isCensored(m, spec)) continue;
    const e = spec.model;
    constant +=
      e.kind === "logNormal"
        ? -Math.log(m.value!) - Math.log(e.sd) - 0.5 * Math.log(2 * Math.PI)
        : -Math.log(e.additive) - 0.5 * Math.log(2 * Math.PI);
  }
  const priorConstant = problem.fitted.reduce(
    (s, k) => s - Math.log(priorSd(priorOf(k))) - 0.5 * Math.log(2 * Math.PI),
    0,
  );
  return {
    observables,
    residuals,
    weightedSsr: observables.reduce((s, o) => s + o.weightedSsr, 0),
    logLikelihood: constant - 0.5 * dataSq,
    logPosterior: constant + priorConstant - 0.5 * F,
  };
}

/**
 * `n` parameter sets drawn from the Laplace posterior N(x̂, Σ) on the unconstrained scale (and the
 * parameters the data left unidentified from their priors), seeded for reproducible bands.
 */
export function posteriorDraws(fit: FitResult, n: number, seed: number): ModelParameters[] {
  const L = cholesky(fit.covariance);
  if (!L) throw refuse("The posterior covariance is not positive definite.");
  const uniform = seededUniform(seed);
  const draws: ModelParameters[] = [];
  for (let k = 0; k < n; k++) {
    const z = fit.vector.map(() => standardNormal(uniform));
    const x = fit.vector.map((v, i) => v + L[i]!.reduce((s, lij, j) => s + lij * z[j]!, 0));
    const p = fromUnconstrained(fit.problem.base, fit.problem.fitted, x);
    for (const name of fit.unidentified) {
      const prior = priorOf(name);
      p[name] = toNatural(prior, priorCentre(prior) + priorSd(prior) * standardNormal(uniform));
    }
    draws.push(p);
  }
  return draws;
}
