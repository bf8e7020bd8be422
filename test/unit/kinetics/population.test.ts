/**
 * Population distributions from fitted patients (decision 0045): the global two-stage EM recovers
 * known population parameters from simulated fits, with its reported 90% intervals of the
 * population median covering the truth about 90% of the time; the standard two-stage method shows
 * its known bias (MAP estimates shrunk towards the published prior pull its mean there); too few
 * identifiable patients are refused; and virtual patients are drawn from the estimated
 * distribution.
 *
 * The simulated fits are exact Gaussian posteriors: patient i has true log-parameters θᵢ ~ N(μ, Ω);
 * her data say yᵢ ~ N(θᵢ, Cᵢ); her MAP under the published prior N(μ₀, D₀) is then
 * x̂ᵢ = Σᵢ(Cᵢ⁻¹yᵢ + D₀⁻¹μ₀) with Σᵢ = (Cᵢ⁻¹ + D₀⁻¹)⁻¹ — what fit.ts reports, in the Laplace
 * approximation, for a model linear on the log scale.
 */
import { describe, expect, it } from "vitest";
import { DomainError } from "../../../src/domain/errors.ts";
import { modelParameters, seededUniform, standardNormal } from "../../../src/domain/kinetics/index.ts";
import { cholesky, choleskyInverse, type Matrix } from "../../../src/domain/kinetics/linear-algebra.ts";
import { PARAMETERS, type ParameterName, type Prior } from "../../../src/domain/kinetics/parameters.ts";
import {
  estimatePopulation,
  type IndividualFit,
  likelihoodInformation,
  MIN_FITTED_PATIENTS,
  type PopulationMethod,
  populationPatients,
} from "../../../src/domain/kinetics/population.ts";

const NAMES: ParameterName[] = ["rho", "tmax", "kE"];
const Z90 = 1.6448536269514722;
const prior = (k: ParameterName) => PARAMETERS[k].prior as Prior & { kind: "logNormal" };
const MU0 = NAMES.map((k) => Math.log(prior(k).median));
const D0 = NAMES.map((k) => prior(k).sdLog ** 2);

/** The true population: medians away from the published priors, sds 0.6/0.4/0.5, ρ–k_E correlated 0.5. */
const MU = [MU0[0]! + 0.8, MU0[1]! - 0.3, MU0[2]! + 0.4];
const SD = [0.6, 0.4, 0.5];
const CORR = [
  [1, 0, 0.5],
  [0, 1, 0],
  [0.5, 0, 1],
];
const OMEGA: Matrix = CORR.map((row, i) => row.map((c, j) => c * SD[i]! * SD[j]!));

const matVec = (a: Matrix, x: readonly number[]) => a.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));

/** One simulated patient's fit: data sd `c` per parameter (on the log scale). */
function simulatedFit(uniform: () => number, c: number[], mu = MU, omega = OMEGA): IndividualFit {
  const l = cholesky(omega)!;
  const z = NAMES.map(() => standardNormal(uniform));
  const theta = mu.map((m, i) => m + l[i]!.reduce((s, v, j) => s + v * z[j]!, 0));
  const y = theta.map((t, i) => t + c[i]! * standardNormal(uniform));
  const precision = NAMES.map((_, i) => NAMES.map((_, j) => (i === j ? 1 / c[i]! ** 2 + 1 / D0[i]! : 0)));
  const covariance = choleskyInverse(cholesky(precision)!);
  const vector = matVec(
    covariance,
    y.map((v, i) => v / c[i]! ** 2 + MU0[i]! / D0[i]!),
  );
  return { names: NAMES, vector, covariance };
}

function simulatedCohort(seed: number, n: number, dataSd: (i: number) => number[]): IndividualFit[] {
  const uniform = seededUniform(seed);
  return Array.from({ length: n }, (_, i) => simulatedFit(uniform, dataSd(i)));
}

describe("the data's own information, the published prior taken out", () => {
  it("gives back the likelihood's precision C⁻¹ and C⁻¹y of a Gaussian posterior", () => {
    const c = [0.3, 0.5, 0.4];
    const y = [1.2, 2.1, -1.5];
    const precision = NAMES.map((_, i) => NAMES.map((_, j) => (i === j ? 1 / c[i]! ** 2 + 1 / D0[i]! : 0)));
    const covariance = choleskyInverse(cholesky(precision)!);
    const vector = matVec(
      covariance,
      y.map((v, i) => v / c[i]! ** 2 + MU0[i]! / D0[i]!),
    );
    const got = likelihoodInformation({ names: NAMES, vector, covariance }, NAMES);
    for (let i = 0; i < 3; i++) {
      expect(got.precision[i]![i]).toBeCloseTo(1 / c[i]! ** 2, 8);
      expect(got.information[i]).toBeCloseTo(y[i]! / c[i]! ** 2, 8);
    }
    expect(got.precision[0]![1]).toBeCloseTo(0, 10);
  });

  it("a parameter the data did not inform (posterior = prior) carries no information, not a negative one", () => {
    const covariance = NAMES.map((_, i) => NAMES.map((_, j) => (i === j ? D0[i]! : 0)));
    const got = likelihoodInformation({ names: NAMES, vector: MU0, covariance }, NAMES);
    for (let i = 0; i < 3; i++) {
      expect(got.precision[i]![i]).toBeGreaterThanOrEqual(0);
      expect(Math.abs(got.precision[i]![i]!)).toBeLessThan(1e-9);
      expect(Math.abs(got.information[i]!)).toBeLessThan(1e-8);
    }
  });
});

describe("global two-stage recovers a known population", () => {
  const REPLICATES = 200;
  const N = 40;
  // Data sds 0.2–0.6 on the log scale: some patients well sampled, some thinly.
  const dataSd = (i: number) => NAMES.map((_, k) => 0.2 + 0.4 * (((i * 7 + k * 3) % 10) / 9));
  const runs = Array.from({ length: REPLICATES }, (_, r) =>
    estimatePopulation(simulatedCohort(1000 + r, N, dataSd)),
  );

  it("converges in every replicate", () => {
    expect(runs.every((p) => p.converged && p.patients === N)).toBe(true);
    expect(runs[0]!.names).toEqual(NAMES);
  });

  it("its 90% intervals of the population medians cover the truth in 84–96% of replicates", () => {
    for (const [k, name] of NAMES.entries()) {
      const covered = runs.filter((p) => {
        const se = Math.sqrt(p.meanCovariance[k]![k]!);
        return Math.abs(p.mean[k]! - MU[k]!) <= Z90 * se;
      }).length;
      const share = covered / REPLICATES;
      expect(share, `${name}: ${covered}/${REPLICATES}`).toBeGreaterThanOrEqual(0.84);
      expect(share, `${name}: ${covered}/${REPLICATES}`).toBeLessThanOrEqual(0.96);
    }
  });

  it("the means and the between-patient variances and correlation are recovered on average", () => {
    for (let k = 0; k < 3; k++) {
      const meanOfMeans = runs.reduce((s, p) => s + p.mean[k]!, 0) / REPLICATES;
      expect(Math.abs(meanOfMeans - MU[k]!)).toBeLessThan(0.03);
      const meanVariance = runs.reduce((s, p) => s + p.covariance[k]![k]!, 0) / REPLICATES;
      // ML divisor n: expected (n−1)/n of the truth; within 10%.
      expect(meanVariance / OMEGA[k]![k]!).toBeGreaterThan(0.9);
      expect(meanVariance / OMEGA[k]![k]!).toBeLessThan(1.1);
    }
    const meanCorr =
      runs.reduce(
        (s, p) => s + p.covariance[0]![2]! / Math.sqrt(p.covariance[0]![0]! * p.covariance[2]![2]!),
        0,
      ) / REPLICATES;
    expect(meanCorr).toBeGreaterThan(0.4);
    expect(meanCorr).toBeLessThan(0.6);
  });
});

describe("standard two-stage and its known bias", () => {
  // Thin data (sd 1.0 on the log scale) against the narrow published prior of ρ (sd 0.19): each
  // MAP is pulled most of the way towards the prior median.
  const thin = () => NAMES.map(() => 1.0);
  const mean = (method: PopulationMethod, k: number) => {
    let sum = 0;
    for (let r = 0; r < 20; r++)
      sum += estimatePopulation(simulatedCohort(5000 + r, 40, thin), { method }).mean[k]!;
    return sum / 20;
  };

  // Forty population fits: ~9 s on a quiet machine, 46–60 s measured on a loaded one (a whole
  // PostgreSQL pass beside a fresh clone's npm test), past the suite's 60 s. A timeout is not
  // what this test checks.
  it("pulls the population median of ρ towards the prior, where global two-stage does not", {
    timeout: 240_000,
  }, () => {
    const sts = mean("standard-two-stage", 0);
    const gts = mean("global-two-stage", 0);
    // The truth is 0.8 above the prior's log-median.
    expect(sts - MU0[0]!).toBeLessThan(0.2);
    expect(Math.abs(gts - MU[0]!)).toBeLessThan(0.15);
  });

  it("is the sample mean and covariance of the estimates", () => {
    const fits = simulatedCohort(7, 10, thin);
    const p = estimatePopulation(fits, { method: "standard-two-stage" });
    const m0 = fits.reduce((s, f) => s + f.vector[0]!, 0) / 10;
    const v0 = fits.reduce((s, f) => s + (f.vector[0]! - m0) ** 2, 0) / 9;
    expect(p.mean[0]).toBeCloseTo(m0, 12);
    expect(p.covariance[0]![0]).toBeCloseTo(v0, 12);
    expect(p.meanCovariance[0]![0]).toBeCloseTo(v0 / 10, 12);
  });
});

describe("refusals", () => {
  const some = (n: number) => simulatedCohort(3, n, () => [0.3, 0.3, 0.3]);

  it(`refuses fewer than ${MIN_FITTED_PATIENTS} fitted patients, saying how many are needed`, () => {
    let error: unknown;
    try {
      estimatePopulation(some(MIN_FITTED_PATIENTS - 1));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("rule-violation");
    expect((error as DomainError).message).toMatch(/from 4 fitted patient\(s\): at least 5 are needed/);
    expect((error as DomainError).details).toMatchObject({ fittedPatients: 4, needed: 5 });
    expect(estimatePopulation(some(MIN_FITTED_PATIENTS)).patients).toBe(5);
  });

  it("needs more patients than shared parameters; a parameter not in every fit is drawn from its prior", () => {
    const uniform = seededUniform(9);
    const wide = (i: number): IndividualFit => {
      // six parameters: the three above and three more, independent, at their prior
      const f = simulatedFit(uniform, [0.3, 0.3, 0.3]);
      const extra: ParameterName[] = ["kEM", "beta", "kKill"];
      const sd = extra.map((k) => 0.5 * (PARAMETERS[k].prior as Prior & { kind: "logNormal" }).sdLog);
      const cov = [...NAMES, ...extra].map((_, a) =>
        [...NAMES, ...extra].map((_, b) =>
          a < 3 && b < 3 ? f.covariance[a]![b]! : a === b ? sd[a - 3]! ** 2 : 0,
        ),
      );
      const x = [...f.vector, ...extra.map((k) => Math.log(prior(k).median) + 0.1 * (i % 3))];
      return {
        names: i === 0 ? NAMES : [...NAMES, ...extra],
        vector: i === 0 ? f.vector : x,
        covariance: i === 0 ? f.covariance : cov,
      };
    };
    // Six patients, all with six parameters: 6 ≤ d = 6 is refused.
    const six = Array.from({ length: 6 }, (_, i) => wide(i + 1));
    expect(() => estimatePopulation(six)).toThrow(/at least 7 are needed for the 6 parameter/);
    // One of them fitted only three: the population is of those three, the rest from the prior.
    const mixed = [wide(0), ...six.slice(1)];
    const p = estimatePopulation(mixed);
    expect(p.names).toEqual(NAMES);
    expect(p.fromPrior).toEqual(expect.arrayContaining(["kEM", "beta", "kKill"]));
  });
});

describe("virtual patients from a population", () => {
  it("draws the estimated parameters jointly from N(μ, Ω) and the others from their priors, seeded", () => {
    const population = estimatePopulation(simulatedCohort(11, 40, () => [0.3, 0.3, 0.3]));
    const base = modelParameters({});
    const n = 20_000;
    const patients = populationPatients(base, population, n, 5);
    expect(populationPatients(base, population, 3, 5)).toEqual(patients.slice(0, 3));
    const logs = patients.map((p) => NAMES.map((k) => Math.log(p[k])));
    for (let k = 0; k < 3; k++) {
      const m = logs.reduce((s, x) => s + x[k]!, 0) / n;
      const v = logs.reduce((s, x) => s + (x[k]! - m) ** 2, 0) / (n - 1);
      expect(Math.abs(m - population.mean[k]!)).toBeLessThan(0.02);
      expect(v / population.covariance[k]![k]!).toBeGreaterThan(0.95);
      expect(v / population.covariance[k]![k]!).toBeLessThan(1.05);
    }
    const m0 = logs.reduce((s, x) => s + x[0]!, 0) / n;
    const m2 = logs.reduce((s, x) => s + x[2]!, 0) / n;
    const c02 = logs.reduce((s, x) => s + (x[0]! - m0) * (x[2]! - m2), 0) / (n - 1);
    expect(c02 / population.covariance[0]![2]!).toBeGreaterThan(0.9);
    expect(c02 / population.covariance[0]![2]!).toBeLessThan(1.1);
    // k_EM was not estimated: it varies around its published prior median.
    const kEM = patients.map((p) => Math.log(p.kEM));
    const mEM = kEM.reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(mEM - Math.log(prior("kEM").median))).toBeLessThan(0.05);
    // A parameter without a prior stays at the base value.
    expect(new Set(patients.map((p) => p.igG0)).size).toBe(1);
  });
});
