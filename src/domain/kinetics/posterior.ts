/**
 * What a maximum a posteriori fit optimises, without the optimiser: the chosen parameters as an
 * unconstrained vector (log of a rate, logit of a fraction), their population prior on that scale,
 * and the log-posterior of a patient's measurements. Working on the unconstrained scale lets any
 * optimiser (Nelder–Mead, Levenberg–Marquardt on stacked residuals) move freely, and a Laplace
 * approximation there gives log-normal/logit-normal intervals that respect the bounds.
 */

import { IntegrationError, type SolverOptions } from "./dopri5.ts";
import type { Dosing } from "./dosing.ts";
import {
  type ErrorModelSpec,
  logLikelihood,
  type Measurement,
  measurementDays,
  type Observable,
} from "./observations.ts";
import { type ModelParameters, PARAMETERS, type ParameterName, type Prior } from "./parameters.ts";
import { DEFAULT_SOLVER, simulate } from "./simulate.ts";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const logit = (x: number) => Math.log(x / (1 - x));
const expit = (x: number) => 1 / (1 + Math.exp(-x));

function priorOf(name: ParameterName): Prior {
  const prior = PARAMETERS[name].prior as Prior | null;
  if (!prior) throw new RangeError(`${name} has no population prior and cannot be fitted`);
  return prior;
}

/** The parameters that carry a population prior: the ones a fit may free. */
export const FITTABLE: ParameterName[] = (Object.keys(PARAMETERS) as ParameterName[]).filter(
  (k) => PARAMETERS[k].prior !== null,
);

/** Values of `names` on the prior's unconstrained scale (log or logit). */
export function toUnconstrained(p: ModelParameters, names: readonly ParameterName[]): number[] {
  return names.map((k) => (priorOf(k).kind === "logNormal" ? Math.log(p[k]) : logit(p[k])));
}

/** `base` with `names` set from an unconstrained vector. */
export function fromUnconstrained(
  base: ModelParameters,
  names: readonly ParameterName[],
  vector: readonly number[],
): ModelParameters {
  if (vector.length !== names.length)
    throw new RangeError(`${vector.length} values for ${names.length} parameters`);
  const p = { ...base };
  for (const [i, k] of names.entries())
    p[k] = priorOf(k).kind === "logNormal" ? Math.exp(vector[i]!) : expit(vector[i]!);
  return p;
}

/**
 * Log prior density of `names` on the unconstrained scale: each log (or logit) value is normal
 * around the log (logit) of the prior median. Being a density in the optimiser's own coordinates,
 * it needs no Jacobian term there.
 */
export function logPrior(p: ModelParameters, names: readonly ParameterName[]): number {
  let sum = 0;
  for (const [i, x] of toUnconstrained(p, names).entries()) {
    const prior = priorOf(names[i]!);
    const [centre, sd] =
      prior.kind === "logNormal"
        ? [Math.log(prior.median), prior.sdLog]
        : [logit(prior.median), prior.sdLogit];
    const z = (x - centre) / sd;
    sum += -Math.log(sd) - LOG_SQRT_2PI - 0.5 * z * z;
  }
  return sum;
}

export interface FitProblem {
  /** every parameter, with the fixed ones set to the patient's values */
  base: ModelParameters;
  /** the parameters to estimate; each must have a prior */
  fitted: ParameterName[];
  dosing: Dosing;
  measurements: Measurement[];
  errors?: Partial<Record<Observable, ErrorModelSpec>>;
  solver?: SolverOptions;
}

/**
 * log p(θ | data) up to a constant, at the unconstrained vector θ: log-likelihood of the
 * measurements plus log prior. −Infinity where the model cannot be integrated (an optimiser
 * stepping into a region of absurd rates should back off, not crash).
 */
export function logPosterior(problem: FitProblem, vector: readonly number[]): number {
  const p = fromUnconstrained(problem.base, problem.fitted, vector);
  const prior = logPrior(p, problem.fitted);
  if (!Number.isFinite(prior)) return Number.NEGATIVE_INFINITY;
  try {
    const trajectory = simulate(
      p,
      problem.dosing,
      measurementDays(problem.measurements),
      problem.solver ?? DEFAULT_SOLVER,
    );
    const ll = logLikelihood(trajectory, problem.measurements, problem.errors);
    return Number.isNaN(ll) ? Number.NEGATIVE_INFINITY : ll + prior;
  } catch (e) {
    if (e instanceof IntegrationError) return Number.NEGATIVE_INFINITY;
    throw e;
  }
}
