/**
 * A population distribution built from fitted patients, and virtual patients drawn from it
 * (issue 14, decision 0045): the "fitted cohort" counterpart of the prior cohort (cohort.ts).
 *
 * Each patient's MAP fit (fit.ts) gives her parameters on the unconstrained scale (log of a rate,
 * logit of a fraction) and their Laplace covariance. The population is a multivariate normal
 * N(μ, Ω) on that scale — a log-normal (logit-normal) distribution of the parameters with
 * correlations — estimated by one of two two-stage methods:
 *
 * - Standard two-stage (STS): μ and Ω are the sample mean and covariance of the individual
 *   estimates (Steimer JL, Mallet A, Golmard JL, Boisvieux JF. Alternative approaches to
 *   estimation of population pharmacokinetic parameters: comparison with the nonlinear
 *   mixed-effect model. Drug Metab Rev 1984;15:265–292). Known bias: with maximum-likelihood
 *   estimates Ω is inflated by each patient's estimation error (Sheiner LB, Beal SL. Evaluation
 *   of methods for estimating population pharmacokinetic parameters. I. Michaelis–Menten model:
 *   routine clinical pharmacokinetic data. J Pharmacokinet Biopharm 1980;8:553–571); with our
 *   MAP estimates, each one is also shrunk towards the published prior, so μ is pulled towards
 *   the prior median and Ω understated where the data are thin. The tests show that bias.
 * - Global two-stage (GTS), the default: an EM algorithm that uses each fit's uncertainty
 *   (Steimer et al. 1984; Davidian M, Giltinan DM. Nonlinear Models for Repeated Measurement
 *   Data. Chapman & Hall 1995, §5.3.4). We first take the published prior out of each fit: with
 *   a Gaussian posterior N(x̂ᵢ, Σᵢ) and prior N(μ₀, D₀), the data's own (Laplace) likelihood has
 *   precision Λᵢ = Σᵢ⁻¹ − D₀⁻¹ and information vector hᵢ = Σᵢ⁻¹x̂ᵢ − D₀⁻¹μ₀ (the product of
 *   Gaussians read backwards). Λᵢ may be singular — a direction the data do not inform — which
 *   the information form handles without inverting it. Then, from STS as the start:
 *     E: Vᵢ = (Λᵢ + Ω⁻¹)⁻¹, mᵢ = Vᵢ(hᵢ + Ω⁻¹μ)
 *     M: μ = mean mᵢ, Ω = (1/n) Σ [Vᵢ + (mᵢ − μ)(mᵢ − μ)ᵀ]
 *   until μ and Ω stop moving. Ω is a maximum-likelihood estimate (divisor n), a little small
 *   for few patients; the intervals of μ come from its Fisher information
 *   Σᵢ (Ω + Λᵢ⁻¹)⁻¹ = Σᵢ (Ω⁻¹ − Ω⁻¹VᵢΩ⁻¹). The Laplace likelihood is itself an approximation:
 *   a full nonlinear mixed-effects fit (FOCE, SAEM) would be the next step, not done here.
 *
 * Parameters the fits share are estimated; the others (not fitted in every patient) are drawn
 * from their published priors, as in the prior cohort, and reported as such.
 */
import { DomainError } from "../errors.ts";
import { samplePatient, seededUniform, standardNormal } from "./cohort.ts";
import { cholesky, choleskyInverse, type Matrix, symmetricEigen } from "./linear-algebra.ts";
import { type ModelParameters, PARAMETERS, type ParameterName, type Prior } from "./parameters.ts";
import { FITTABLE, fromUnconstrained } from "./posterior.ts";

export const POPULATION_METHODS = ["global-two-stage", "standard-two-stage"] as const;
export type PopulationMethod = (typeof POPULATION_METHODS)[number];

/**
 * Fewest fitted patients for a population: five at least, and more than the parameters shared,
 * since a sample covariance of d parameters from n ≤ d patients is singular [A: our threshold;
 * two-stage methods were evaluated on tens of patients (Sheiner & Beal 1980: 50)].
 */
export const MIN_FITTED_PATIENTS = 5;

/** One patient's fit as the population needs it: MAP and Laplace covariance, unconstrained scale. */
export interface IndividualFit {
  /** the parameters estimated, in the order of vector and covariance */
  names: readonly ParameterName[];
  vector: readonly number[];
  covariance: Matrix;
}

export interface Population {
  method: PopulationMethod;
  /** the parameters estimated (shared by every fit), in FITTABLE order */
  names: ParameterName[];
  /** population mean on the unconstrained scale */
  mean: number[];
  /** between-patient covariance Ω on the unconstrained scale */
  covariance: Matrix;
  /** covariance of the estimate of the mean (its standard errors on the diagonal) */
  meanCovariance: Matrix;
  /** FITTABLE parameters not shared by every fit: drawn from their published priors */
  fromPrior: ParameterName[];
  patients: number;
  iterations: number;
  converged: boolean;
}

const priorOf = (name: ParameterName) => PARAMETERS[name].prior as Prior;
const priorCentre = (p: Prior) =>
  p.kind === "logNormal" ? Math.log(p.median) : Math.log(p.median / (1 - p.median));
const priorSd = (p: Prior) => (p.kind === "logNormal" ? p.sdLog : p.sdLogit);

const refuse = (message: string, details: Record<string, unknown>) =>
  new DomainError("rule-violation", message, [{ path: "", message, code: "not_identifiable" }], details);

/** (μ, Ω) as one vector: μ, then Ω's rows. */
const pack = (mean: number[], cov: Matrix) => [...mean, ...cov.flat()];
const unpack = (t: readonly number[], d: number): [number[], Matrix] => [
  t.slice(0, d),
  symmetrise(Array.from({ length: d }, (_, i) => t.slice(d + i * d, d + (i + 1) * d))),
];
const zeros = (n: number): Matrix => Array.from({ length: n }, () => new Array<number>(n).fill(0));
const matVec = (a: Matrix, x: readonly number[]) => a.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));
const symmetrise = (a: Matrix) => a.map((row, i) => row.map((v, j) => 0.5 * (v + a[j]![i]!)));

function inverse(a: Matrix, what: string): Matrix {
  const l = cholesky(symmetrise(a));
  if (!l) throw refuse(`The ${what} is not positive definite.`, {});
  return choleskyInverse(l);
}

/** A symmetric matrix with its negative eigenvalues (rounding of a difference) set to 0. */
function nonNegative(a: Matrix): Matrix {
  const { values, vectors } = symmetricEigen(symmetrise(a));
  const n = a.length;
  const out = zeros(n);
  for (const [k, value] of values.entries()) {
    if (value <= 0) continue;
    const v = vectors[k]!;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i]![j]! += value * v[i]! * v[j]!;
  }
  return out;
}

/** The parameters every fit estimated, in FITTABLE order. */
export function sharedParameters(fits: readonly IndividualFit[]): ParameterName[] {
  return FITTABLE.filter((k) => fits.every((f) => f.names.includes(k)));
}

/** The data's own information about `names` in one fit, the published prior taken out. */
export function likelihoodInformation(
  fit: IndividualFit,
  names: readonly ParameterName[],
): { precision: Matrix; information: number[]; estimate: number[] } {
  const index = names.map((k) => {
    const i = fit.names.indexOf(k);
    if (i < 0) throw new RangeError(`${k} was not fitted`);
    return i;
  });
  const estimate = index.map((i) => fit.vector[i]!);
  // The marginal of a Gaussian posterior is the sub-vector and sub-matrix.
  const sigma = index.map((i) => index.map((j) => fit.covariance[i]![j]!));
  const sigmaInv = inverse(sigma, "covariance of a fit");
  const priorPrecision = names.map((k) => 1 / priorSd(priorOf(k)) ** 2);
  const precision = nonNegative(
    sigmaInv.map((row, i) => row.map((v, j) => v - (i === j ? priorPrecision[i]! : 0))),
  );
  const si = matVec(sigmaInv, estimate);
  const information = names.map((k, i) => si[i]! - priorPrecision[i]! * priorCentre(priorOf(k)));
  return { precision, information, estimate };
}

function standardTwoStage(estimates: number[][]): { mean: number[]; covariance: Matrix } {
  const n = estimates.length;
  const d = estimates[0]!.length;
  const mean = Array.from({ length: d }, (_, k) => estimates.reduce((s, x) => s + x[k]!, 0) / n);
  const covariance = zeros(d);
  for (const x of estimates)
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) covariance[i]![j]! += ((x[i]! - mean[i]!) * (x[j]! - mean[j]!)) / (n - 1);
  return { mean, covariance };
}

export interface PopulationOptions {
  method?: PopulationMethod;
  maxIterations?: number;
  /** EM stops when no entry of μ or Ω moves by more than this (unconstrained scale) */
  tolerance?: number;
}

/**
 * The population distribution of the parameters every fit shares. Refuses (DomainError
 * "rule-violation", 422) when fewer than max(MIN_FITTED_PATIENTS, d + 1) fits are given.
 */
export function estimatePopulation(
  fits: readonly IndividualFit[],
  options: PopulationOptions = {},
): Population {
  const method = options.method ?? "global-two-stage";
  const names = sharedParameters(fits);
  const d = names.length;
  const needed = Math.max(MIN_FITTED_PATIENTS, d + 1);
  if (fits.length < needed || d === 0)
    throw refuse(
      `A population cannot be estimated from ${fits.length} fitted patient(s): at least ${needed} are needed for the ${d} parameter(s) they share (${names.join(", ") || "none"}).`,
      { fittedPatients: fits.length, needed, parameters: names },
    );
  const n = fits.length;
  const fromPrior = FITTABLE.filter((k) => !names.includes(k));
  const parts = fits.map((f) => likelihoodInformation(f, names));
  const sts = standardTwoStage(parts.map((p) => p.estimate));
  if (method === "standard-two-stage") {
    if (!cholesky(sts.covariance))
      throw refuse("The fitted patients' estimates are collinear: their covariance is singular.", {
        parameters: names,
      });
    return {
      method,
      names,
      mean: sts.mean,
      covariance: sts.covariance,
      meanCovariance: sts.covariance.map((row) => row.map((v) => v / n)),
      fromPrior,
      patients: n,
      iterations: 0,
      converged: true,
    };
  }
  // GTS by EM from the STS answer; a singular start (collinear estimates) gets the prior's
  // variances added on the diagonal, a start the EM moves away from.
  let mu = sts.mean;
  let omega = cholesky(sts.covariance)
    ? sts.covariance
    : sts.covariance.map((row, i) => row.map((v, j) => v + (i === j ? priorSd(priorOf(names[i]!)) ** 2 : 0)));
  const maxIterations = options.maxIterations ?? 2000;
  const tolerance = options.tolerance ?? 1e-7;
  const eStep = (mean: number[], cov: Matrix) => {
    const omegaInv = inverse(cov, "population covariance");
    const prior = matVec(omegaInv, mean);
    return parts.map((p) => {
      const v = inverse(
        p.precision.map((row, i) => row.map((x, j) => x + omegaInv[i]![j]!)),
        "posterior precision",
      );
      return {
        v,
        m: matVec(
          v,
          p.information.map((h, i) => h + prior[i]!),
        ),
      };
    });
  };
  /** One EM step on the packed (μ, Ω). */
  const em = (theta: number[]): number[] => {
    const [mean, cov] = unpack(theta, d);
    const posteriors = eStep(mean, cov);
    const nextMu = Array.from({ length: d }, (_, k) => posteriors.reduce((s, q) => s + q.m[k]!, 0) / n);
    const nextOmega = zeros(d);
    for (const q of posteriors)
      for (let i = 0; i < d; i++)
        for (let j = 0; j < d; j++)
          nextOmega[i]![j]! += (q.v[i]![j]! + (q.m[i]! - nextMu[i]!) * (q.m[j]! - nextMu[j]!)) / n;
    return pack(nextMu, symmetrise(nextOmega));
  };
  // EM crawls where the data are thin (a large share of missing information), so its steps are
  // extrapolated by SQUAREM, scheme S3 (Varadhan R, Roland C. Simple and globally convergent
  // methods for accelerating the convergence of any EM algorithm. Scand J Stat 2008;35:335–353),
  // falling back to the plain EM step whenever the extrapolated Ω is not positive definite.
  let theta = pack(mu, omega);
  let iterations = 0;
  let converged = false;
  const positive = (t: number[]) => cholesky(unpack(t, d)[1]) !== null;
  while (iterations < maxIterations) {
    iterations++;
    const t1 = em(theta);
    const t2 = em(t1);
    const r = t1.map((v, i) => v - theta[i]!);
    const v = t2.map((x, i) => x - 2 * t1[i]! + theta[i]!);
    const rNorm = Math.hypot(...r);
    const vNorm = Math.hypot(...v);
    let next = t2;
    if (vNorm > 0) {
      const alpha = Math.min(-1, -rNorm / vNorm);
      const jumped = theta.map((x, i) => x - 2 * alpha * r[i]! + alpha * alpha * v[i]!);
      if (positive(jumped)) {
        const settled = em(jumped);
        if (positive(settled)) next = settled;
      }
    }
    const change = Math.max(...next.map((x, i) => Math.abs(x - theta[i]!)));
    theta = next;
    if (change < tolerance) {
      converged = true;
      break;
    }
  }
  [mu, omega] = unpack(theta, d);
  // Fisher information of μ at the answer: Σᵢ (Ω⁻¹ − Ω⁻¹VᵢΩ⁻¹).
  const omegaInv = inverse(omega, "population covariance");
  const info = zeros(d);
  for (const q of eStep(mu, omega)) {
    const w = q.v.map((row) => omegaInv.map((_, j) => row.reduce((s, x, k) => s + x * omegaInv[k]![j]!, 0)));
    const owo = omegaInv.map((row) => w[0]!.map((_, j) => row.reduce((s, x, k) => s + x * w[k]![j]!, 0)));
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) info[i]![j]! += omegaInv[i]![j]! - owo[i]![j]!;
  }
  return {
    method,
    names,
    mean: mu,
    covariance: omega,
    meanCovariance: inverse(info, "information of the population mean"),
    fromPrior,
    patients: n,
    iterations,
    converged,
  };
}

/**
 * N virtual patients from a population: the estimated parameters jointly from N(μ, Ω) on the
 * unconstrained scale, the rest of the fittable ones from their priors, everything else from
 * `base`. Seeded, like virtualPatients.
 */
export function populationPatients(
  base: ModelParameters,
  population: Population,
  n: number,
  seed: number,
): ModelParameters[] {
  const l = cholesky(population.covariance);
  if (!l) throw refuse("The population covariance is not positive definite.", {});
  const uniform = seededUniform(seed);
  return Array.from({ length: n }, () => {
    const z = population.names.map(() => standardNormal(uniform));
    const x = population.mean.map((m, i) => m + l[i]!.reduce((s, lij, j) => s + lij * z[j]!, 0));
    return samplePatient(fromUnconstrained(base, population.names, x), uniform, population.fromPrior);
  });
}

export interface PopulationParameter {
  name: ParameterName;
  unit: string;
  /** population median (natural scale) and its 90% interval */
  median: number;
  medianLower: number;
  medianUpper: number;
  /** between-patient sd on the log (logit) scale, and the 5th–95th percentiles of patients */
  sdUnconstrained: number;
  patientsLower: number;
  patientsUpper: number;
  prior: Prior;
}

/** z of the central 90%: Φ⁻¹(0.95). */
const Z90 = 1.6448536269514722;

/** The population on the natural scale, one row per estimated parameter. */
export function describePopulation(population: Population): PopulationParameter[] {
  return population.names.map((name, i) => {
    const prior = priorOf(name);
    const natural = (x: number) => (prior.kind === "logNormal" ? Math.exp(x) : 1 / (1 + Math.exp(-x)));
    const mu = population.mean[i]!;
    const se = Math.sqrt(population.meanCovariance[i]![i]!);
    const sd = Math.sqrt(population.covariance[i]![i]!);
    return {
      name,
      unit: PARAMETERS[name].unit,
      median: natural(mu),
      medianLower: natural(mu - Z90 * se),
      medianUpper: natural(mu + Z90 * se),
      sdUnconstrained: sd,
      patientsLower: natural(mu - Z90 * sd),
      patientsUpper: natural(mu + Z90 * sd),
      prior,
    };
  });
}

/** Correlations of the estimated parameters between patients (Ω scaled to unit diagonal). */
export function populationCorrelation(population: Population): Matrix {
  const sd = population.covariance.map((row, i) => Math.sqrt(row[i]!));
  return population.covariance.map((row, i) => row.map((v, j) => v / (sd[i]! * sd[j]!)));
}
