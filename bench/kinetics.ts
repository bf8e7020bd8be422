/**
 * 7. Virtual cohort (issue 14): 10,000 virtual lupus patients, each with the fittable parameters
 * drawn from the population priors, given the compound CD19/BCMA CAR, simulated for two years on
 * the outcome grid and reduced to their what-if outcomes. The baseline is the plain integration
 * loop of the same model in the same run: the reference patient at the default parameters,
 * simulated 10,000 times on the same grid with nothing drawn or derived. The ratio is what
 * heterogeneous patients (some expand or kill much faster and need more steps) and the outcome
 * read-out cost over bare integration. Single-threaded; issue 14's goal of a cohort under 10 s
 * on two cores assumes worker threads, which the service uses (benchmark 9).
 * BENCH_KINETICS_PATIENTS shrinks the cohort for a quick run.
 */

import { availableParallelism, loadavg } from "node:os";
import {
  COMPOUND_CD19_BCMA_CAR,
  ERROR_MODELS,
  FIT_SOLVER,
  fitPatient,
  type Measurement,
  modelParameters,
  type Observable,
  outcomeDays,
  outcomes,
  predict,
  SLE_CAR_KINETICS,
  samplePatient,
  seededUniform,
  simulate,
  single,
  standardNormal,
} from "../src/domain/kinetics/index.ts";
import type { Backend } from "./fixtures.ts";
import { type Comparison, check, comparePair, median } from "./harness.ts";

const PATIENTS = Number(process.env.BENCH_KINETICS_PATIENTS) || 10_000;

export async function kineticsCohort(backend: Backend, _url: string | undefined, log: (m: string) => void) {
  if (backend !== "pglite") return []; // no database involved: run it once, not per backend
  const base = modelParameters({ ...SLE_CAR_KINETICS, antiDsDna0: 250 });
  const dosing = single(COMPOUND_CD19_BCMA_CAR, 3e6, 60);
  const days = outcomeDays(730);
  let steps = 0;
  let failed = 0;
  const plain = (n: number) => async () => {
    for (let i = 0; i < n; i++) simulate(base, dosing, days);
  };
  const cohort = (n: number) => async () => {
    const uniform = seededUniform(20261204);
    const ends: number[] = [];
    steps = 0;
    failed = 0;
    for (let i = 0; i < n; i++) {
      try {
        const t = simulate(samplePatient(base, uniform), dosing, days);
        steps += t.stats.accepted;
        const end = outcomes(t).bCellAplasia.endDay;
        if (end !== null) ends.push(end);
      } catch {
        failed++;
      }
    }
    check(ends.length > n / 2, `only ${ends.length} of ${n} virtual patients got their B cells back`);
  };
  log(`  ${PATIENTS.toLocaleString("en-US")} virtual patients × 3 repetitions, plain loop and cohort`);
  const { baselineMs, measuredMs } = await comparePair({
    warmups: 1,
    repetitions: 3,
    baseline: plain(PATIENTS),
    measured: cohort(PATIENTS),
    warmupBaseline: plain(200),
    warmupMeasured: cohort(200),
  });
  const perPatient = (ms: number[]) => `${((median(ms) / PATIENTS) * 1000).toFixed(0)} µs`;
  const comparison: Comparison = {
    benchmark: `virtual cohort (${PATIENTS.toLocaleString("en-US")} patients, 730 d)`,
    backend: "none",
    baseline: `${PATIENTS.toLocaleString("en-US")} × reference patient`,
    measured: `${PATIENTS.toLocaleString("en-US")} prior draws + outcomes`,
    baselineMs,
    measuredMs,
    notes: [
      `${perPatient(baselineMs)} vs ${perPatient(measuredMs)} per patient`,
      `${(steps / PATIENTS).toFixed(0)} solver steps per virtual patient`,
      `${failed} not integrable`,
      "1 thread",
    ],
  };
  return [comparison];
}

/**
 * 8. One patient fit (issue 14's goal: under a second): the MAP fit of a reference-case-like
 * patient — compound CAR at 3 × 10⁶/kg, CAR-T, B cells, IgG and anti-dsDNA at the demo's sampling
 * days, simulated from the default parameters with the error models' noise (seeded) — with one
 * start. The baseline is the plain integration loop of the same model in the same run: as many
 * simulations of it, on the fit's measurement days at the fit's tolerance, as the fit used. The
 * ratio is what the optimiser, the residuals and the covariance add to its integrations.
 */
/** The reference-case-like patient both fit benchmarks fit (seeded, so the same every run). */
function fitBenchProblem() {
  const base = modelParameters({ bCells0: 128, igG0: 13.9, antiDsDna0: 286, tumour0: 1000 });
  const dosing = single(COMPOUND_CD19_BCMA_CAR, 3e6, 56.2);
  const uniform = seededUniform(14);
  const days = {
    carTCellsPerUL: [1, 4, 7, 10, 14, 21, 28, 56, 91, 182, 274],
    bCellsPerUL: [0, 3, 7, 14, 28, 56, 91, 182, 274, 366],
    igGgPerL: [28, 56, 91, 182, 274, 366],
    antiDsDnaIuPerML: [28, 56, 91, 182, 274, 366],
  } as const;
  const all = [...new Set(Object.values(days).flat())].sort((a, b) => a - b);
  const truth = simulate(base, dosing, all);
  const measurements: Measurement[] = Object.entries(days).flatMap(([o, list]) =>
    list.map((day) => {
      const observable = o as Observable;
      const y = predict(observable, truth.states[all.indexOf(day)]!, truth.layout, base);
      const e = ERROR_MODELS[observable].model;
      const value =
        e.kind === "logNormal"
          ? y * Math.exp(e.sd * standardNormal(uniform))
          : y + e.cv * y * standardNormal(uniform);
      return { observable, day, value: value < ERROR_MODELS[observable].lloq ? null : value };
    }),
  );
  return { base, dosing, all, measurements };
}

export async function kineticsFit(backend: Backend, _url: string | undefined, log: (m: string) => void) {
  if (backend !== "pglite") return [];
  const { base, dosing, all, measurements } = fitBenchProblem();
  let evaluations = 0;
  let converged = false;
  const fit = async () => {
    const f = fitPatient({ base, dosing, measurements });
    evaluations = f.convergence.evaluations;
    converged = f.convergence.converged;
  };
  await fit();
  const plain = async () => {
    for (let i = 0; i < evaluations; i++) simulate(base, dosing, all, FIT_SOLVER);
  };
  log(`  one patient fit × 5 repetitions against ${evaluations} plain simulations`);
  const { baselineMs, measuredMs } = await comparePair({
    warmups: 1,
    repetitions: 5,
    baseline: plain,
    measured: fit,
  });
  check(converged, "the benchmark fit did not converge");
  return [
    {
      benchmark: "one patient fit (MAP, 1 start)",
      backend: "none",
      baseline: `${evaluations} × plain simulation`,
      measured: "fitPatient",
      baselineMs,
      measuredMs,
      notes: [
        `${evaluations} simulations per fit`,
        `goal < 1,000 ms: ${median(measuredMs) < 1000 ? "met" : "not met"}`,
      ],
    } satisfies Comparison,
  ];
}

/**
 * 8b. The fit as the service runs it (services/kinetics.ts fitOnWorkers): the same patient with the
 * service's three starts, each a task on the worker pool (one worker per core), against the plain
 * integration loop of as many simulations as the three starts used, in the same run; the notes
 * give the three starts one after another on this thread (fitPatient with starts: 3) for
 * comparison. Its answer is the same as fitPatient's (test/unit/kinetics/fit.test.ts).
 */
export async function kineticsFitStarts(
  backend: Backend,
  _url: string | undefined,
  log: (m: string) => void,
) {
  if (backend !== "pglite") return [];
  const { fitOnWorkers } = await import("../src/services/kinetics.ts");
  const { base, dosing, all, measurements } = fitBenchProblem();
  const problem = { base, dosing, measurements };
  const serial = fitPatient(problem, { starts: 3 });
  const evaluations = serial.convergence.evaluations;
  let converged = false;
  let logPosterior = Number.NaN;
  const parallel = async () => {
    const f = await fitOnWorkers(problem, 3);
    converged = f.convergence.converged;
    logPosterior = f.goodness.logPosterior;
  };
  const plain = async () => {
    for (let i = 0; i < evaluations; i++) simulate(base, dosing, all, FIT_SOLVER);
  };
  log(`  one patient fit, 3 starts on workers × 5 repetitions against ${evaluations} plain simulations`);
  const { baselineMs, measuredMs } = await comparePair({
    warmups: 1,
    repetitions: 5,
    baseline: plain,
    measured: parallel,
  });
  check(converged, "the benchmark fit did not converge");
  check(logPosterior === serial.goodness.logPosterior, "the parallel starts gave another fit");
  const serialMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    fitPatient(problem, { starts: 3 });
    serialMs.push(performance.now() - t0);
  }
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(", ");
  return [
    {
      benchmark: "one patient fit (MAP, 3 starts on workers)",
      backend: "none",
      baseline: `${evaluations} × plain simulation`,
      measured: "fitOnWorkers",
      baselineMs,
      measuredMs,
      notes: [
        `${evaluations} simulations per fit; ${availableParallelism()} workers`,
        `3 starts on one thread: median ${median(serialMs).toFixed(0)} ms`,
        `goal < 1,000 ms: ${median(measuredMs) < 1000 ? "met" : "not met"}`,
        `load average ${load}`,
      ],
    } satisfies Comparison,
  ];
}

/**
 * 9. The virtual cohort as the API and `v2v kinetics cohort` run it: the service on worker threads
 * (one per core), 365 days, the compound CAR, against the single-thread plain loop of the same
 * model over the same number of patients in the same run.
 */
export async function kineticsCohortWorkers(
  backend: Backend,
  _url: string | undefined,
  log: (m: string) => void,
) {
  if (backend !== "pglite") return [];
  const { virtualCohortKinetics } = await import("../src/services/kinetics.ts");
  const dosing = single(COMPOUND_CD19_BCMA_CAR, 3e6, 60);
  const days = outcomeDays(365);
  const base = modelParameters();
  const plain = async () => {
    for (let i = 0; i < PATIENTS; i++) simulate(base, dosing, days);
  };
  let threads = 0;
  const cohort = async () => {
    const r = await virtualCohortKinetics({
      n: PATIENTS,
      seed: 1,
      strategies: ["compound"],
      horizonDays: 365,
    });
    threads = r.threads;
  };
  log(`  ${PATIENTS.toLocaleString("en-US")} virtual patients on worker threads × 3`);
  const { baselineMs, measuredMs } = await comparePair({
    warmups: 0,
    repetitions: 3,
    baseline: plain,
    measured: cohort,
  });
  // The figure issue 14 asks for, in seconds and as a ratio to the plain loop, with the machine's
  // load at that moment (other processes on 2 cores slow both, the workers more).
  const seconds = median(measuredMs) / 1000;
  const plainSeconds = median(baselineMs) / 1000;
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(", ");
  const figure = `${seconds.toFixed(1)} s = ${(seconds / plainSeconds).toFixed(2)} × the plain loop (${plainSeconds.toFixed(1)} s); load average ${load} on ${availableParallelism()} cores`;
  log(`  virtual cohort on workers: ${figure}`);
  return [
    {
      benchmark: `virtual cohort on workers (${PATIENTS.toLocaleString("en-US")} patients, 365 d)`,
      backend: "none",
      baseline: `${PATIENTS.toLocaleString("en-US")} × reference patient, 1 thread`,
      measured: "virtualCohortKinetics",
      baselineMs,
      measuredMs,
      notes: [
        `${threads} worker threads`,
        figure,
        `goal < 10,000 ms: ${median(measuredMs) < 10_000 ? "met" : "not met"}`,
      ],
    } satisfies Comparison,
  ];
}
