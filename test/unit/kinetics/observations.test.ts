/**
 * Observation map, measurement-error likelihood (with left-censoring below the LLOQ), priors on the
 * unconstrained scale, the log-posterior a MAP fit will maximise, and prior sampling for cohorts.
 */
import { describe, expect, it } from "vitest";
import {
  CD19_CAR,
  COMPOUND_CD19_BCMA_CAR,
  FITTABLE,
  fromUnconstrained,
  GENOMES_PER_UG_DNA,
  logLikelihood,
  logNormalCdf,
  logPosterior,
  logPrior,
  type Measurement,
  measurementDays,
  measurementLogLikelihood,
  modelParameters,
  PARAMETERS,
  predict,
  SLE_CAR_KINETICS,
  samplePatient,
  seededUniform,
  simulate,
  single,
  toUnconstrained,
} from "../../../src/domain/kinetics/index.ts";

const p = modelParameters({ ...SLE_CAR_KINETICS, tumour0: 500 });
const dosing = single(COMPOUND_CD19_BCMA_CAR, 3e6, 58);

describe("observation map", () => {
  const t = simulate(p, dosing, [0, 9]);
  const y = t.states[1]!;
  const L = t.layout;

  it("reads cells, B cells, IgG, anti-dsDNA and relative tumour burden off the state", () => {
    expect(predict("carTCellsPerUL", y, L, p)).toBe(y[L.effector(0)]! + y[L.memory(0)]!);
    expect(predict("bCellsPerUL", y, L, p)).toBe(y[L.Bn]! + y[L.Ba]!);
    expect(predict("igGgPerL", y, L, p)).toBe(y[L.G]!);
    expect(predict("antiDsDnaIuPerML", y, L, p)).toBe(y[L.D]!);
    expect(predict("tumourRelative", t.states[0]!, L, p)).toBe(1);
  });

  it("turns CAR-T cells/µL into transgene copies/µg DNA via the nucleated-cell count and vector copy number", () => {
    // 1% of 5,000 nucleated cells/µL carrying 2 copies: 0.02 copies per genome, × 151,515 genomes/µg
    const cells = predict("carTCellsPerUL", y, L, p);
    expect(predict("carTCopiesPerUgDna", y, L, p)).toBeCloseTo((cells / 5000) * 2 * GENOMES_PER_UG_DNA, 9);
    expect(GENOMES_PER_UG_DNA).toBeCloseTo(151515.15, 1);
  });
});

describe("measurement error", () => {
  it("log Φ agrees with known normal tail values, far into the tail", () => {
    expect(logNormalCdf(0)).toBeCloseTo(Math.log(0.5), 14);
    expect(Math.exp(logNormalCdf(-1.959963984540054))).toBeCloseTo(0.025, 14);
    expect(Math.exp(logNormalCdf(1.959963984540054))).toBeCloseTo(0.975, 14);
    // R: pnorm(-10, log.p = TRUE) = -53.23128515051247
    expect(logNormalCdf(-10)).toBeCloseTo(-53.23128515051247, 9);
  });

  it("log-normal: the density of log(observed) around log(predicted), in the observable's unit", () => {
    const m: Measurement = { observable: "bCellsPerUL", day: 0, value: 120 };
    const sd = 0.3;
    const z = Math.log(120 / 100) / sd;
    const expected = -Math.log(120) - Math.log(sd) - 0.5 * Math.log(2 * Math.PI) - 0.5 * z * z;
    expect(measurementLogLikelihood(m, 100)).toBeCloseTo(expected, 12);
  });

  it("normal with proportional and additive parts, for IgG", () => {
    const m: Measurement = { observable: "igGgPerL", day: 0, value: 9 };
    const sd = Math.hypot(0.1, 0.1 * 10);
    expect(measurementLogLikelihood(m, 10)).toBeCloseTo(
      -Math.log(sd) - 0.5 * Math.log(2 * Math.PI) - 0.5 * (1 / sd) ** 2,
      12,
    );
  });

  it("anti-dsDNA: a negative serum's reading weighs little, a fourfold miss in active lupus a lot", () => {
    const at = (value: number, predicted: number) =>
      measurementLogLikelihood({ observable: "antiDsDnaIuPerML", day: 0, value }, predicted);
    const sd = (predicted: number) => Math.hypot(4, 0.3 * predicted);
    expect(at(4, 1)).toBeCloseTo(-Math.log(sd(1)) - 0.5 * Math.log(2 * Math.PI) - 0.5 * (3 / sd(1)) ** 2, 12);
    // Both fourfold, as far apart on a log scale: 4 against 1 IU/mL is within the assay's
    // scatter (z < 1), 200 against 50 is not (z > 9).
    expect((4 - 1) / sd(1)).toBeLessThan(1);
    expect((200 - 50) / sd(50)).toBeGreaterThan(9);
    expect(at(4, 1) - at(1, 1)).toBeGreaterThan(-0.5);
    expect(at(200, 50) - at(50, 50)).toBeLessThan(-40);
  });

  it("below the LLOQ counts as the probability of reading below it (M3), not as a value", () => {
    const lloq = 1;
    const below: Measurement = { observable: "bCellsPerUL", day: 0, value: null, lloq };
    const predicted = 0.2;
    expect(measurementLogLikelihood(below, predicted)).toBeCloseTo(
      logNormalCdf(Math.log(lloq / predicted) / 0.3),
      12,
    );
    // a prediction far above the limit makes "below the limit" improbable, far below makes it certain
    expect(measurementLogLikelihood(below, 50)).toBeLessThan(-50);
    expect(measurementLogLikelihood(below, 1e-6)).toBeCloseTo(0, 9);
    expect(measurementLogLikelihood({ ...below, value: 0.5 }, predicted)).toBe(
      measurementLogLikelihood(below, predicted),
    );
  });

  it("a trajectory explains its own noise-free data better than a wrong one does", () => {
    const days = [0, 3, 7, 9, 14, 28, 90, 180];
    const truth = simulate(p, dosing, days);
    const data: Measurement[] = truth.days.flatMap((day, i) =>
      (["carTCellsPerUL", "bCellsPerUL", "igGgPerL", "antiDsDnaIuPerML"] as const).map((observable) => ({
        observable,
        day,
        value: predict(observable, truth.states[i]!, truth.layout, p),
      })),
    );
    expect(measurementDays(data)).toEqual(days);
    const wrong = simulate({ ...p, kKill: 1 }, dosing, days);
    expect(logLikelihood(truth, data)).toBeGreaterThan(logLikelihood(wrong, data));
    expect(() => logLikelihood(simulate(p, dosing, [0, 1]), data)).toThrow(/no sample on day/);
  });
});

describe("priors and posterior", () => {
  const names = ["rho", "tmax", "kKill", "phiD"] as const;

  it("only parameters with a population prior can be fitted", () => {
    expect(FITTABLE).toEqual(
      expect.arrayContaining(["rho", "tmax", "kE", "kEM", "beta", "kKill", "phiG", "phiD", "gT"]),
    );
    expect(FITTABLE).not.toContain("bCells0");
    expect(() => toUnconstrained(p, ["bCells0"])).toThrow(/no population prior/);
  });

  it("round-trips through the unconstrained scale, and fractions stay in (0, 1)", () => {
    const x = toUnconstrained(p, [...names]);
    const back = fromUnconstrained(p, [...names], x);
    for (const k of names) expect(back[k]).toBeCloseTo(p[k], 12);
    expect(fromUnconstrained(p, ["phiD"], [40]).phiD).toBeLessThanOrEqual(1);
    expect(fromUnconstrained(p, ["phiD"], [-40]).phiD).toBeGreaterThan(0);
  });

  it("the prior is highest at the population medians, and falls as a normal on the log scale", () => {
    const medians = modelParameters();
    const atMedian = logPrior(medians, [...names]);
    const sd = (PARAMETERS.tmax.prior as { sdLog: number }).sdLog;
    const oneSd = logPrior({ ...medians, tmax: medians.tmax * Math.exp(sd) }, [...names]);
    expect(atMedian - oneSd).toBeCloseTo(0.5, 12);
  });

  it("the log-posterior prefers the parameters that made the data, and is −∞ where the model cannot be solved", () => {
    const days = [0, 5, 9, 14, 28, 60, 120];
    const truthP = { ...p, kKill: 6, tmax: 11 };
    const truth = simulate(truthP, dosing, days);
    const measurements: Measurement[] = truth.days.flatMap((day, i) =>
      (["carTCellsPerUL", "bCellsPerUL", "antiDsDnaIuPerML"] as const).map((observable) => ({
        observable,
        day,
        value: predict(observable, truth.states[i]!, truth.layout, truthP),
      })),
    );
    const problem = { base: p, fitted: ["kKill", "tmax"] as const, dosing, measurements };
    const fitted = [...problem.fitted];
    const atTruth = logPosterior({ ...problem, fitted }, toUnconstrained(truthP, fitted));
    const atPrior = logPosterior({ ...problem, fitted }, toUnconstrained(p, fitted));
    expect(Number.isFinite(atTruth)).toBe(true);
    expect(atTruth).toBeGreaterThan(atPrior);
    expect(
      logPosterior({ ...problem, fitted, solver: { maxSteps: 5 } }, toUnconstrained(truthP, fitted)),
    ).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe("virtual patients from the priors", () => {
  it("are reproducible from a seed and centred on the prior medians", () => {
    const base = modelParameters();
    const a = samplePatient(base, seededUniform(7));
    const b = samplePatient(base, seededUniform(7));
    expect(a).toEqual(b);
    const uniform = seededUniform(20261204);
    const draws = Array.from({ length: 4000 }, () => samplePatient(base, uniform, ["tmax", "phiD"]));
    const logTmax = draws.map((d) => Math.log(d.tmax)).sort((x, y) => x - y);
    const sd = (PARAMETERS.tmax.prior as { sdLog: number }).sdLog;
    expect(Math.abs(logTmax[2000]! - Math.log(9.3))).toBeLessThan(0.1 * sd);
    const mean = logTmax.reduce((s, x) => s + x, 0) / logTmax.length;
    const sample = Math.sqrt(logTmax.reduce((s, x) => s + (x - mean) ** 2, 0) / (logTmax.length - 1));
    expect(Math.abs(sample / sd - 1)).toBeLessThan(0.05);
    expect(draws.every((d) => d.phiD > 0 && d.phiD < 1 && d.kKill === base.kKill)).toBe(true);
  });

  it("simulate and give outcomes for every one of them (a small cohort)", () => {
    const uniform = seededUniform(1);
    for (let i = 0; i < 20; i++) {
      const patient = samplePatient(modelParameters({ ...SLE_CAR_KINETICS }), uniform);
      const t = simulate(patient, single(CD19_CAR, 1e6, 60), [0, 9, 90, 365]);
      expect(t.states.every((s) => s.every(Number.isFinite))).toBe(true);
    }
  });
});
