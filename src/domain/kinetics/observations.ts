/**
 * From model states to what the clinic measures, and how far a measurement may fall from the
 * model: the observation map, the measurement-error models and their log-likelihood, with values
 * below the assay's lower limit of quantification (LLOQ) as left-censored (Beal's M3: the
 * probability of reading below the limit, not a made-up value; Beal SL, J Pharmacokinet
 * Pharmacodyn 2001;28:481–504).
 */
import { pchisqUpper } from "../statistics/index.ts";
import type { Layout } from "./model.ts";
import type { ModelParameters } from "./parameters.ts";
import type { Trajectory } from "./simulate.ts";

export type Observable =
  | "carTCellsPerUL"
  | "carTCopiesPerUgDna"
  | "bCellsPerUL"
  | "igGgPerL"
  | "antiDsDnaIuPerML"
  /** lymphoma burden (SPD, MTV, SUV-based) relative to its value at infusion */
  | "tumourRelative";

/**
 * Diploid human genomes in 1 µg of DNA: 10⁶ pg / 6.6 pg per diploid genome ≈ 1.515 × 10⁵
 * (kinetics-model.md §3.3). 6.6 pg is arithmetic, not a recalled value: a haploid genome of
 * ~3.1 × 10⁹ bp (GRCh38's assembled length, 3.1 Gb) × 2 × ~650 g/mol per base pair ÷ 6.022 × 10²³
 * /mol = 6.7 pg; measured yields (5–6 pg per cell) are lower because extraction is incomplete.
 */
export const GENOMES_PER_UG_DNA = 1e6 / 6.6;

/**
 * The model's value for one observable in one state. Never negative: a population driven to ~0 may
 * sit a hair below it within the solver's absolute tolerance, which no assay can read.
 */
export function predict(observable: Observable, y: Float64Array, L: Layout, p: ModelParameters): number {
  return Math.max(0, rawPredict(observable, y, L, p));
}

function rawPredict(observable: Observable, y: Float64Array, L: Layout, p: ModelParameters): number {
  switch (observable) {
    case "carTCellsPerUL":
      return carT(y, L);
    case "carTCopiesPerUgDna":
      // share of nucleated blood cells carrying the vector × copies per cell × cells per µg DNA
      return (carT(y, L) / p.nucleatedCells) * p.vectorCopies * GENOMES_PER_UG_DNA;
    case "bCellsPerUL":
      return y[L.Bn]! + y[L.Ba]!;
    case "igGgPerL":
      return y[L.G]!;
    case "antiDsDnaIuPerML":
      return y[L.D]!;
    case "tumourRelative":
      return p.tumour0 > 0 ? y[L.T]! / p.tumour0 : 0;
  }
}

/** Effector + memory CAR-T cells of every infused product: what blood flow or qPCR sees. */
export function carT(y: Float64Array, L: Layout): number {
  let c = 0;
  for (let j = 0; j < L.products; j++) c += y[L.effector(j)]! + y[L.memory(j)]!;
  return c;
}

export type ErrorModel =
  /** log(observed) ~ N(log(predicted), sd²): errors proportional to the value, never negative */
  | { kind: "logNormal"; sd: number }
  /** observed ~ N(predicted, additive² + (cv·predicted)²) */
  | { kind: "normal"; cv: number; additive: number };

export interface ErrorModelSpec {
  model: ErrorModel;
  /** the assay's LLOQ in the observable's unit, used when a measurement gives none */
  lloq: number;
  source: string;
}

export const ERROR_MODELS: Record<Observable, ErrorModelSpec> = {
  carTCopiesPerUgDna: {
    model: { kind: "logNormal", sd: 0.56 },
    lloq: 50,
    source:
      "Stein 2019 (CPT PSP 8:285) Table 1: residual error additive on the log scale, SD 0.56 [V]; LLOQ is the assay's (50 copies/µg is a placeholder [A])",
  },
  carTCellsPerUL: {
    model: { kind: "logNormal", sd: 0.56 },
    lloq: 0.1,
    source: "Stein 2019's qPCR residual SD taken for flow counts too [A]; LLOQ placeholder [A]",
  },
  bCellsPerUL: {
    model: { kind: "logNormal", sd: 0.3 },
    lloq: 1,
    source: "[A] flow-cytometric CD19+ count; aplasia read as below 1 cell/µL (kinetics-model.md §3.3) [A]",
  },
  igGgPerL: {
    model: { kind: "normal", cv: 0.1, additive: 0.1 },
    lloq: 0.1,
    source: "[A] nephelometric IgG, 10% CV plus 0.1 g/L",
  },
  antiDsDnaIuPerML: {
    // Proportional and additive, not log-normal (kinetics-model.md §4 puts every residual on the
    // log scale): the readings of a negative serum scatter at the bottom of the measuring range,
    // where a log scale makes 4 against 1 IU/mL — both negative — as far apart as 200 against 50
    // in active lupus. On the reference case the log scale let three negative readings (8, 5,
    // 4 IU/mL) set the clearance: t½ 46 days, 6 standard deviations above her day-91 titre.
    model: { kind: "normal", cv: 0.3, additive: 4 },
    lloq: 1,
    source:
      "[A] CV 30 % as before; 4 IU/mL additive, below the assays' positivity cut-offs of about 10–30 IU/mL (kinetics-model.md §3.3), where negative sera read; assays differ in cut-offs and units (Mummert E et al., J Immunol Methods 2018, doi:10.1016/j.jim.2018.05.014)",
  },
  tumourRelative: {
    model: { kind: "logNormal", sd: 0.25 },
    lloq: 0.01,
    source:
      "Log-normal, sd 0.25 (CV ≈ 25 %) [A] on the burden (SPD/SPD₀)^{3/2} (imaging.ts): a lesion diameter re-measured on a repeat CT 15 minutes later was within ±10 % in 84 % of cases (Oxnard GR et al., J Clin Oncol 2011;29:3114), sd ≈ 7 % per diameter, ≈ 10 % for a product of two, ≈ 15 % to the power 3/2; lymph nodes vary more between readers than other lesions (McErlean A et al., Radiology 2013;269:451), and the target lesions stand for all the disease, hence 25 %. The limit, 1 % of the baseline burden, is where a complete metabolic response (Deauville 1–3) is read: about 1 mL of FDG-avid tissue, near the smallest lesion PET quantifies (partial-volume effect, Soret M et al., J Nucl Med 2007;48:932), against a median baseline metabolic tumour volume of 95 mL (ZUMA-1; kinetics-model.md §3.4) [A]",
  },
};

export interface Measurement {
  observable: Observable;
  day: number;
  /** the reported value; null, or below `lloq`, when the assay read "below the limit" */
  value: number | null;
  /** the assay's LLOQ for this sample; defaults to ERROR_MODELS' */
  lloq?: number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log Φ(z) without the cancellation of 1 − upper tail: Φ(z) = ½·P(χ²₁ > z²) for z < 0. */
export function logNormalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return Math.log(0.5 * pchisqUpper(z * z, 1));
  return Math.log1p(-0.5 * pchisqUpper(z * z, 1));
}

/**
 * log-density of one measurement given the model's prediction (a density in the observable's own
 * unit, so likelihoods of different models can be compared), or log P(below LLOQ) when censored.
 */
export function measurementLogLikelihood(m: Measurement, predicted: number, model?: ErrorModelSpec): number {
  const spec = model ?? ERROR_MODELS[m.observable];
  const lloq = m.lloq ?? spec.lloq;
  const censored = m.value === null || m.value < lloq;
  const e = spec.model;
  if (e.kind === "logNormal") {
    if (!(predicted > 0)) return censored ? 0 : Number.NEGATIVE_INFINITY;
    if (censored) return logNormalCdf((Math.log(lloq) - Math.log(predicted)) / e.sd);
    const z = (Math.log(m.value!) - Math.log(predicted)) / e.sd;
    return -Math.log(m.value!) - Math.log(e.sd) - LOG_SQRT_2PI - 0.5 * z * z;
  }
  const sd = Math.hypot(e.additive, e.cv * predicted);
  if (censored) return logNormalCdf((lloq - predicted) / sd);
  const z = (m.value! - predicted) / sd;
  return -Math.log(sd) - LOG_SQRT_2PI - 0.5 * z * z;
}

/** Distinct, ascending days of the measurements: what to ask `simulate` for. */
export const measurementDays = (measurements: readonly Measurement[]): number[] =>
  [...new Set(measurements.map((m) => m.day))].sort((a, b) => a - b);

/**
 * Sum of the measurements' log-likelihoods under a trajectory sampled at (at least) their days.
 * `errors` overrides the default error model per observable.
 */
export function logLikelihood(
  trajectory: Trajectory,
  measurements: readonly Measurement[],
  errors: Partial<Record<Observable, ErrorModelSpec>> = {},
): number {
  const index = new Map(trajectory.days.map((d, i) => [d, i]));
  let sum = 0;
  for (const m of measurements) {
    const i = index.get(m.day);
    if (i === undefined) throw new RangeError(`the trajectory has no sample on day ${m.day}`);
    const predicted = predict(m.observable, trajectory.states[i]!, trajectory.layout, trajectory.parameters);
    sum += measurementLogLikelihood(m, predicted, errors[m.observable]);
  }
  return sum;
}
