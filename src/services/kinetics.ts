/**
 * The in-silico patient (issue 14) as use cases: a patient's recorded measurements mapped to the
 * kinetics model's observables, her MAP fit with Laplace intervals, and what-if strategies with
 * bands; a simulation from given parameters and dosing; a virtual cohort from the priors. A
 * research model, not a treatment recommendation: every answer says so.
 *
 * Like the derived endpoints, the fit is computed from what is recorded on every read, so a
 * corrected value refits at once; a fit is cached only under a digest of exactly its inputs, so
 * the cache can never answer for changed data. The rules live in domain/kinetics; this module maps
 * records to model inputs (study days in the site's time zone, units, which record is which).
 */
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { indicationOf } from "../domain/cohort/indication.ts";
import { CAR_COPIES_NOTE_PREFIX, parseCarCopiesNote } from "../domain/endpoints/car-copies-note.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { assertBaselineParameters } from "../domain/kinetics/baseline.ts";
import { tumourBurdenPoints } from "../domain/kinetics/imaging.ts";
import {
  assertDosing,
  BCMA_CAR,
  bestOfStarts,
  CD19_CAR,
  COMPOUND_CD19_BCMA_CAR,
  cohortOutcomes,
  cohortSummary,
  type Dosing,
  ERROR_MODELS,
  type FitResult,
  GENOMES_PER_UG_DNA,
  type Measurement,
  type ModelParameters,
  modelParameters,
  type Observable,
  outcomeDays,
  outcomes,
  PARAMETERS,
  type ParameterName,
  type Product,
  predict,
  type StartOutcome,
  type Strategy,
  type StrategyResult,
  simulate,
  startOptions,
  strategyDosing,
  type VirtualCohortResult,
  virtualPatients,
} from "../domain/kinetics/index.ts";
import type { Outcomes } from "../domain/kinetics/outcomes.ts";
import {
  describePopulation,
  estimatePopulation,
  type PopulationMethod,
  type PopulationParameter,
  populationCorrelation,
  populationPatients,
} from "../domain/kinetics/population.ts";
import type { BaselineValue, DataPoint, PatientKinetics } from "../domain/kinetics/report.ts";
import { cellsPerMicrolitre, gramsPerLitre } from "../domain/lab-units.ts";
import {
  FITTED_COHORT_MAX,
  FittedCohortBody,
  type KineticsDosing,
  KineticsQuery,
  KineticsSimulateBody,
  VirtualCohortBody,
} from "../domain/schemas/kinetics.ts";
import { localDate, studyDay } from "../domain/study-day.ts";
import { endpointSources } from "../store/endpoint-sources.ts";
import { kineticsDosingSources } from "../store/kinetics-sources.ts";
import { findSavedCohort } from "../store/saved-cohorts.ts";
import { findSite } from "../store/sites.ts";
import { cohortOutcomes as cohortResults } from "./cohort-outcomes.ts";
import type { ServiceContext } from "./context.ts";
import { runKineticsTask } from "./kinetics-pool.ts";
import { loadPatientFor } from "./patients.ts";
import { parseInput } from "./validate.ts";

export type { PatientKinetics };

export const RESEARCH_LABEL = "Research model — not a treatment recommendation";

/** LOINC codes read (workflow-standards.md §5.4; the demo's codes.ts). */
const CODES = {
  cd19: "8116-6",
  igG: "2465-3",
  antiDsDna: "5130-0",
  wbc: "6690-2",
  weight: "29463-7",
} as const;

/**
 * A lymphoma at infusion is 10³ cells/µL-eq, the DLBCL setting of kinetics-model.md §3.5 [A]: not
 * read from imaging (an SPD or a Deauville score gives no cell count), but it is CD19 antigen the
 * CAR-T cells expand on, and what-if strategies then differ in clearing it; imaging is read
 * relative to it (domain/kinetics/imaging.ts). A myeloma is the same burden, BCMA+ and CD19− [A].
 */
const TUMOUR_AT_INFUSION = 1000;

/** Stored assessments read for the tumour burden (domain/kinetics/imaging.ts). */
const IMAGING_CALCULATORS = ["lugano-ct", "lugano-pet"];

/** Rounds curve values to 5 significant digits: what a plot can show, a fifth of the JSON. */
const round = (x: number) => (x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(5)));
const roundAll = (xs: number[]) => xs.map(round);

function compactStrategy(s: StrategyResult, source: string): PatientKinetics["strategies"][number] {
  const curves: StrategyResult["curves"] = {};
  for (const [k, b] of Object.entries(s.curves))
    curves[k as Observable] = {
      central: roundAll(b.central),
      median: roundAll(b.median),
      lower: roundAll(b.lower),
      upper: roundAll(b.upper),
    };
  return { ...s, dosing: { ...s.dosing, source }, curves };
}

interface PatientModelInput {
  base: ModelParameters;
  dosing: Dosing & { source: string };
  baselines: BaselineValue[];
  data: DataPoint[];
  measurements: Measurement[];
  skipped: PatientKinetics["skipped"];
}

const productOf = (targets: string[]): Product => {
  const cd19 = targets.includes("CD19");
  const bcma = targets.includes("BCMA");
  if (cd19 && bcma) return COMPOUND_CD19_BCMA_CAR;
  if (cd19) return CD19_CAR;
  if (bcma) return BCMA_CAR;
  throw new DomainError(
    "rule-violation",
    `The model knows CD19 and BCMA; this product targets ${targets.join(", ") || "nothing recorded"}.`,
  );
};

/** A patient's records → the model's inputs. Exported for tests of the mapping. */
export async function patientModelInput(
  ctx: ServiceContext,
  patient: { id: string; site_id: string },
  options: { dataCut?: string } = {},
): Promise<PatientModelInput & { infusionDate: string; timeZone: string }> {
  const tz = (await findSite(ctx.db, patient.site_id))!.time_zone;
  const dosingSources = await kineticsDosingSources(ctx.db, patient.id);
  const enrolment = dosingSources.enrolment;
  if (!enrolment)
    throw new DomainError(
      "rule-violation",
      "The patient has no recorded infusion; the model starts at day 0.",
    );
  const day0 = enrolment.infusion_date;
  const cut = options.dataCut;
  if (cut !== undefined && cut < day0)
    throw new DomainError(
      "rule-violation",
      `The data cut ${cut} is before the infusion on ${day0}: the model has no measurement to fit.`,
      [{ path: "dataCut", message: `before the infusion on ${day0}` }],
    );
  const all = await endpointSources(ctx.db, patient.id, {
    observationCodes: Object.values(CODES),
    calculators: IMAGING_CALCULATORS,
    carNotePrefix: CAR_COPIES_NOTE_PREFIX,
  });
  const dateOf = (d: Date) => localDate(new Date(d), tz);
  // A data cut keeps what was measured on or before that day where the site is, as a report
  // written then saw it (a later correction of an earlier value is still read: the record has
  // no history of values here).
  const src =
    cut === undefined
      ? all
      : {
          ...all,
          observations: all.observations.filter((o) => dateOf(o.effective_at) <= cut),
          carNotes: all.carNotes.filter((n) => dateOf(n.occurred_at) <= cut),
          assessments: all.assessments.filter((a) => dateOf(a.assessed_at) <= cut),
        };
  const dayOf = (d: Date) => studyDay(dateOf(d), day0);
  const obs = (code: string) => src.observations.filter((o) => o.code === code && o.value_number !== null);
  const skipped: PatientKinetics["skipped"] = [];

  // Dose: the enrolment's dose level, per kg of the weight last recorded on or before day 0.
  const arm = enrolment.arms.find((a) => a.code === enrolment.arm_code);
  const level = arm?.doseLevels.find((l) => l.code === enrolment.dose_level_code);
  if (!level) throw new DomainError("rule-violation", "The patient's dose level is not recorded.");
  if (dosingSources.products.length !== 1)
    throw new DomainError(
      "rule-violation",
      `The study has ${dosingSources.products.length} CAR products and which one was infused is not recorded.`,
    );
  const product = dosingSources.products[0]!;
  const weights = obs(CODES.weight).filter((o) => o.unit === "kg");
  const weight = weights.filter((o) => dayOf(o.effective_at) <= 0).at(-1) ?? weights[0];
  if (!weight) throw new DomainError("rule-violation", "The patient's body weight is not recorded.");
  const weightKg = weight.value_number!;
  const cellsPerKg = level.unit === "car-cells-per-kg" ? level.dose : level.dose / weightKg;
  const dosing = {
    weightKg,
    infusions: [{ product: { ...productOf(product.targets), name: product.name }, cellsPerKg, day: 0 }],
    source: `${product.name} (${product.targets.join("/")}), dose level ${level.code} ${level.label}, weight ${weightKg} kg on ${dateOf(weight.effective_at)}`,
  };

  // Measurements, in the model's units, and baselines from the last value before day 0.
  const data: DataPoint[] = [];
  const baselines: BaselineValue[] = [];
  const overrides: Partial<ModelParameters> = {};
  const read = (
    code: string,
    observable: Observable,
    parameter: ParameterName,
    convert: (v: number, unit: string | null) => number | null,
  ) => {
    let baseline: { value: number; date: string } | null = null;
    for (const o of obs(code)) {
      const value = convert(o.value_number!, o.unit);
      const date = dateOf(o.effective_at);
      if (value === null) {
        skipped.push({ code, date, reason: `unit ${o.unit ?? "none"} cannot be converted` });
        continue;
      }
      const day = studyDay(date, day0);
      // A censored result (decision 0038) is never read as its limit: "<1 /µL" reaches the fit
      // as below a limit of 1 (Beal's M3 takes the lab's own limit as the LLOQ), and a result
      // above the range (">1000") is left out, since the likelihood has no right-censored term.
      const comparator = o.value_comparator ?? null;
      const recordedAs = { value: o.value_number, unit: o.unit ?? "" };
      if (comparator === ">" || comparator === ">=") {
        skipped.push({ code, date, reason: `${comparator}${o.value_number} is above the assay's range` });
        continue;
      }
      if (comparator !== null) {
        if (day < 0) {
          skipped.push({ code, date, reason: `${comparator}${o.value_number} is no baseline value` });
          continue;
        }
        data.push({
          observable,
          day,
          date,
          value: null,
          lloq: value,
          censored: true,
          recorded: { ...recordedAs, text: `${comparator} ${o.value_number}` },
        });
        continue;
      }
      if (day < 0) baseline = { value, date };
      else {
        const lloq = ERROR_MODELS[observable].lloq;
        const censored = value < lloq;
        data.push({
          observable,
          day,
          date,
          value: censored ? null : value,
          lloq,
          censored,
          recorded: recordedAs,
        });
      }
    }
    const spec = PARAMETERS[parameter];
    if (baseline && baseline.value > 0) {
      overrides[parameter] = baseline.value;
      baselines.push({
        parameter,
        value: baseline.value,
        unit: spec.unit,
        source: `recorded ${baseline.date}`,
      });
    } else
      baselines.push({
        parameter,
        value: spec.value,
        unit: spec.unit,
        source: "not recorded before day 0: population default",
      });
  };
  read(CODES.cd19, "bCellsPerUL", "bCells0", cellsPerMicrolitre);
  read(CODES.igG, "igGgPerL", "igG0", gramsPerLitre);
  read(CODES.antiDsDna, "antiDsDnaIuPerML", "antiDsDna0", (v, u) =>
    u === "[IU]/mL" || u === "IU/mL" ? v : null,
  );

  // CAR-T copies/µg DNA → CAR-T cells/µL with the same draw's white count (copies per nucleated
  // cell × cells/µL ÷ vector copies per cell): the qPCR reads a share of DNA, and the white count
  // swings tenfold around lymphodepletion, so one fixed count would distort the curve.
  const wbcByDate = new Map<string, number>();
  for (const o of obs(CODES.wbc)) {
    const perUl = cellsPerMicrolitre(o.value_number!, o.unit);
    if (perUl !== null) wbcByDate.set(dateOf(o.effective_at), perUl);
  }
  const vcn = PARAMETERS.vectorCopies.value;
  for (const n of src.carNotes) {
    const parsed = parseCarCopiesNote(n.title);
    const date = dateOf(n.occurred_at);
    const day = studyDay(date, day0);
    if (!parsed || day < 0) continue;
    const limit = "value" in parsed ? null : (parsed.limit ?? ERROR_MODELS.carTCopiesPerUgDna.lloq);
    const copies = "value" in parsed ? parsed.value : null;
    const wbc = wbcByDate.get(date);
    const recorded = {
      value: copies,
      unit: "copies/µg gDNA",
      ...(limit !== null ? { text: `< ${limit}` } : {}),
    };
    if (wbc !== undefined) {
      const toCells = (c: number) => (c / (vcn * GENOMES_PER_UG_DNA)) * wbc;
      const lloq = toCells(limit ?? ERROR_MODELS.carTCopiesPerUgDna.lloq);
      data.push({
        observable: "carTCellsPerUL",
        day,
        date,
        value: copies === null ? null : toCells(copies),
        lloq,
        censored: copies === null,
        recorded,
      });
    } else {
      const lloq = limit ?? ERROR_MODELS.carTCopiesPerUgDna.lloq;
      data.push({
        observable: "carTCopiesPerUgDna",
        day,
        date,
        value: copies,
        lloq,
        censored: copies === null,
        recorded,
      });
    }
  }
  const indication = indicationOf(
    dosingSources.conditions.map((c) => ({ codeSystem: c.code_system, code: c.code })),
  );
  const hasTumour = indication === "lymphoma" || indication === "overlap" || indication === "myeloma";
  // Lymphoma imaging (Lugano CT SPD, PET-CT response) as burden relative to the one at infusion.
  const imaging = tumourBurdenPoints(
    src.assessments.map((a) => {
      const date = dateOf(a.assessed_at);
      return { calculator: a.calculator, date, day: studyDay(date, day0), result: a.result };
    }),
  );
  if (hasTumour) {
    data.push(...imaging.data);
    skipped.push(...imaging.skipped);
  } else
    for (const d of imaging.data)
      skipped.push({
        code: "tumourRelative",
        date: d.date,
        reason: "no lymphoma or myeloma is recorded: the model has no tumour",
      });
  data.sort((a, b) => a.day - b.day || a.observable.localeCompare(b.observable));

  // Nucleated cells for any copies read without a same-day count: the median count after day 0.
  const counts = [...wbcByDate].filter(([d]) => studyDay(d, day0) >= 0).map(([, v]) => v);
  if (counts.length) overrides.nucleatedCells = counts.sort((a, b) => a - b)[Math.floor(counts.length / 2)]!;

  if (indication === "lymphoma" || indication === "overlap") overrides.tumour0 = TUMOUR_AT_INFUSION;
  if (indication === "myeloma")
    Object.assign(overrides, { tumour0: TUMOUR_AT_INFUSION, tumourCd19: 0, tumourBcma: 1 });
  if (overrides.antiDsDna0 === undefined && !data.some((d) => d.observable === "antiDsDnaIuPerML"))
    overrides.antiDsDna0 = 0; // no lupus serology: no autoantibody compartment to fit
  const base = modelParameters(overrides);

  // Imaging only below its limit (complete metabolic responses) is shown, not fitted: it informs
  // no growth rate (fit.ts informedParameters), and on the reference case it led all three starts
  // away from the optimum (log-posterior −748 against −250; decision 0028, addendum).
  const tumourMeasured = data.some((d) => d.observable === "tumourRelative" && !d.censored);
  for (const d of data)
    if (d.observable === "tumourRelative" && !tumourMeasured)
      skipped.push({
        code: "tumourRelative",
        date: d.date,
        reason: "below the imaging limit, with no measured burden: shown, not fitted",
      });
  const fitted = tumourMeasured ? data : data.filter((d) => d.observable !== "tumourRelative");
  const measurements: Measurement[] = fitted.map((d) => ({
    observable: d.observable,
    day: d.day,
    value: d.value,
    lloq: d.lloq,
  }));
  return { base, dosing, baselines, data, measurements, skipped, infusionDate: day0, timeZone: tz };
}

/**
 * Fits under a digest of exactly the inputs, so changed data are a new key. Small: a fit is about
 * a second, and a clinician flips what-if switches on the same patient.
 */
const FIT_CACHE = new Map<string, FitResult>();
/**
 * Three starts: the posterior has local optima (decision 0028); run side by side on the worker
 * pool, once per data state.
 */
const FIT_STARTS = 3;
/** Room for a fitted virtual cohort's patients (≤ FITTED_COHORT_MAX) besides the patient pages'. */
const FIT_CACHE_SIZE = 256;

/**
 * A multi-start fit on worker threads, each start a task of its own (decision 0028's multi-start,
 * run in parallel on the pool of decision 0039): a start is 0.4–1 s of arithmetic that would hold
 * up every other request, and the starts are independent; the winner is picked as fitPatient
 * picks it, so the answer is fitPatient's. Exported for bench/kinetics.ts.
 */
export async function fitOnWorkers(
  problem: Parameters<typeof startOptions>[0],
  starts: number,
  onProgress?: (done: number, total: number) => void,
): Promise<FitResult> {
  const started = performance.now();
  const options = startOptions(problem, { starts });
  let done = 0;
  onProgress?.(0, options.length);
  const outcomes = await Promise.all(
    options.map((o) =>
      runKineticsTask<FitResult>({ kind: "fit", problem, options: o })
        .then((fit): StartOutcome => ({ fit }))
        .catch((error: unknown): StartOutcome => ({ error }))
        .finally(() => onProgress?.(++done, options.length)),
    ),
  );
  return bestOfStarts(outcomes, performance.now() - started);
}

/** What a patient's kinetics report is doing: her fit's starts, then the what-if strategies. */
export type KineticsProgress = (phase: "fit" | "what-if", done: number, total: number) => void;

/**
 * Empties the fit cache, for a test that must see a fit computed: the cache is the process's, and
 * test files share a worker's modules (decision 0026), so another file may have fitted the same
 * patient on the same demo data.
 */
export function forgetFits(): void {
  FIT_CACHE.clear();
}

async function cachedFit(
  input: PatientModelInput,
  starts = FIT_STARTS,
  onProgress?: (done: number, total: number) => void,
): Promise<{ fit: FitResult; cached: boolean }> {
  const key = createHash("sha256")
    .update(JSON.stringify([input.base, input.dosing, input.measurements, starts]))
    .digest("hex");
  const hit = FIT_CACHE.get(key);
  if (hit) {
    FIT_CACHE.delete(key);
    FIT_CACHE.set(key, hit);
    onProgress?.(1, 1);
    return { fit: hit, cached: true };
  }
  const problem = { base: input.base, dosing: input.dosing, measurements: input.measurements };
  const fit = await fitOnWorkers(problem, starts, onProgress);
  FIT_CACHE.set(key, fit);
  if (FIT_CACHE.size > FIT_CACHE_SIZE) FIT_CACHE.delete(FIT_CACHE.keys().next().value!);
  return { fit, cached: false };
}

export async function patientKinetics(
  ctx: ServiceContext,
  patientId: string,
  rawQuery: unknown = {},
  onProgress?: KineticsProgress,
) {
  const q = parseInput(KineticsQuery, rawQuery);
  const patient = await loadPatientFor(ctx, patientId, "clinical:read");
  const input = await patientModelInput(ctx, patient, q.dataCut === undefined ? {} : { dataCut: q.dataCut });
  const { fit, cached } = await cachedFit(input, FIT_STARTS, (done, total) =>
    onProgress?.("fit", done, total),
  );
  const strategies: Strategy[] = ["as-given", ...(q.strategy ?? []).filter((s) => s !== "as-given")];
  // A year, or a fortnight past the last measurement (month 12 is day 366 across a leap year).
  const lastDay = Math.max(0, ...input.data.map((d) => d.day));
  const horizonDays = q.horizonDays ?? Math.max(365, lastDay + 14);
  // The bands are a hundred or so simulations per strategy: a worker's job too, one task per
  // strategy so the pool runs them side by side (the draws depend only on the fit and the seed,
  // so each strategy's bands are the same as from one task for all).
  let done = 0;
  onProgress?.("what-if", 0, strategies.length);
  const results = (
    await Promise.all(
      strategies.map((strategy) =>
        runKineticsTask<StrategyResult[]>({
          kind: "whatIf",
          fit,
          strategies: [strategy],
          options: { draws: q.draws, seed: q.seed, horizonDays },
        }).finally(() => onProgress?.("what-if", ++done, strategies.length)),
      ),
    )
  ).flat();
  const result: PatientKinetics = {
    patientId: patient.id,
    subjectCode: patient.subject_code,
    infusionDate: input.infusionDate,
    timeZone: input.timeZone,
    dataCut: q.dataCut ?? null,
    label: RESEARCH_LABEL,
    dosing: input.dosing,
    baselines: input.baselines,
    data: input.data,
    skipped: input.skipped,
    fit: {
      converged: fit.convergence.converged,
      reason: fit.convergence.reason,
      iterations: fit.convergence.iterations,
      evaluations: fit.convergence.evaluations,
      starts: fit.convergence.starts,
      milliseconds: fit.convergence.milliseconds,
      cached,
      parameters: fit.estimates,
      unidentified: fit.unidentified,
      goodness: fit.goodness,
    },
    strategies: results.map((s) => compactStrategy(s, input.dosing.source)),
  };
  return result;
}

const PRESETS: Record<"cd19" | "bcma" | "compound", Product> = {
  cd19: CD19_CAR,
  bcma: BCMA_CAR,
  compound: COMPOUND_CD19_BCMA_CAR,
};

function toDosing(raw: ReturnType<typeof KineticsDosing.parse>): Dosing {
  return {
    weightKg: raw.weightKg,
    infusions: raw.infusions.map((i) => ({
      product: typeof i.product === "string" ? PRESETS[i.product] : i.product,
      cellsPerKg: i.cellsPerKg,
      day: i.day,
    })),
  };
}

/** A RangeError from the model (a fraction outside (0, 1), a negative rate) is bad input: 422. */
function modelError(e: unknown): never {
  if (e instanceof RangeError)
    throw new DomainError("rule-violation", `The model refuses this input: ${e.message}`);
  throw e;
}

/**
 * Daily trajectories of every observable and the outcomes, for given parameters and dosing. Reads
 * no record, so it takes no service context (the HTTP layer still requires a signed-in user).
 */
export function simulateKinetics(raw: unknown) {
  const body = parseInput(KineticsSimulateBody, raw);
  try {
    const p = modelParameters(body.parameters);
    const dosing = strategyDosing(body.strategy, toDosing(body.dosing));
    const grid = outcomeDays(body.horizonDays);
    const t = simulate(p, dosing, grid);
    const index = new Map(t.days.map((d, i) => [d, i]));
    const days = Array.from({ length: body.horizonDays + 1 }, (_, d) => d);
    const observables: Observable[] = ["carTCellsPerUL", "bCellsPerUL", "igGgPerL", "antiDsDnaIuPerML"];
    if (p.tumour0 > 0) observables.push("tumourRelative");
    const curves = Object.fromEntries(
      observables.map((o) => [
        o,
        days.map((d) => {
          const y = t.states[index.get(d)!]!;
          return round(predict(o, y, t.layout, p));
        }),
      ]),
    );
    return {
      label: RESEARCH_LABEL,
      strategy: body.strategy,
      dosing,
      parameters: p,
      days,
      curves,
      outcomes: outcomes(t),
      solver: t.stats,
    };
  } catch (e) {
    modelError(e);
  }
}

export interface VirtualCohortReport extends VirtualCohortResult {
  label: string;
  /** worker threads used (1: this thread) */
  threads: number;
  milliseconds: number;
}

/** Below this many patient-simulations one thread is quicker than handing work to workers. */
const WORKERS_FROM = 1000;

/**
 * Outcomes of `patients` under each strategy on the worker pool: the cohort is cut into chunks
 * (about eight per worker, at least 100 patients) handed out as workers free up, so a worker slowed
 * by other load does not leave the rest waiting at the end; the chunks are put back in order, so
 * the answer is the same as on one thread, whatever the number of cores.
 */
async function outcomesInWorkers(
  patients: ModelParameters[],
  given: Dosing,
  strategies: Strategy[],
  horizonDays: number,
  threads: number,
  onDone: (n: number) => void,
): Promise<(Outcomes | null)[][]> {
  const size = Math.max(100, Math.ceil(patients.length / (threads * 8)));
  const chunks: ModelParameters[][] = [];
  for (let i = 0; i < patients.length; i += size) chunks.push(patients.slice(i, i + size));
  const results = await Promise.all(
    chunks.map((chunk) =>
      runKineticsTask<(Outcomes | null)[][]>(
        { kind: "cohort", patients: chunk, given, strategies, horizonDays },
        onDone,
        threads,
      ),
    ),
  );
  return strategies.map((_, i) => results.flatMap((r) => r[i]!));
}

/** Each virtual patient's outcomes under each strategy, on workers for a large cohort. */
async function cohortRun(
  patients: ModelParameters[],
  given: Dosing,
  body: { n: number; strategies: Strategy[]; horizonDays: number },
  onProgress: ((done: number, total: number) => void) | undefined,
  threadsAsked: number | undefined,
): Promise<{ perStrategy: (Outcomes | null)[][]; threads: number }> {
  const total = body.n * body.strategies.length;
  let done = 0;
  const threads = threadsAsked ?? (total >= WORKERS_FROM ? availableParallelism() : 1);
  let perStrategy: (Outcomes | null)[][];
  if (threads > 1)
    perStrategy = await outcomesInWorkers(
      patients,
      given,
      body.strategies,
      body.horizonDays,
      threads,
      (n) => {
        done += n;
        onProgress?.(done, total);
      },
    );
  else {
    perStrategy = [];
    for (const strategy of body.strategies) {
      const list: (Outcomes | null)[] = [];
      for (let i = 0; i < patients.length; i += 50) {
        list.push(...cohortOutcomes(patients.slice(i, i + 50), given, strategy, body.horizonDays));
        done += Math.min(50, patients.length - i);
        onProgress?.(done, total);
        await yieldToEventLoop();
      }
      perStrategy.push(list);
    }
  }
  onProgress?.(total, total);
  return { perStrategy, threads };
}

/**
 * A cohort request's model parameters and dosing, each checked as the model needs them (a 422
 * naming the rule when not): the same for a cohort drawn from the priors and a fitted one.
 */
function cohortModel(body: {
  parameters?: Parameters<typeof modelParameters>[0];
  dosing: Parameters<typeof toDosing>[0];
}): { base: ModelParameters; given: ReturnType<typeof toDosing> } {
  const given = toDosing(body.dosing);
  try {
    const base = modelParameters(body.parameters);
    assertBaselineParameters(base);
    assertDosing(given);
    return { base, given };
  } catch (e) {
    return modelError(e);
  }
}

/**
 * N virtual patients from the priors under each strategy. Large cohorts run on worker threads (one
 * per core), so the server's event loop stays free; small ones in this thread, in slices with a
 * turn of the event loop between them. `onProgress` reports patient-simulations done out of
 * n × strategies. Like simulateKinetics, it reads no record and takes no service context.
 */
export async function virtualCohortKinetics(
  raw: unknown,
  onProgress?: (done: number, total: number) => void,
  options: { threads?: number } = {},
): Promise<VirtualCohortReport> {
  const started = performance.now();
  const body = parseInput(VirtualCohortBody, raw);
  const { base, given } = cohortModel(body);
  const patients = virtualPatients(base, body.n, body.seed);
  const { perStrategy, threads } = await cohortRun(patients, given, body, onProgress, options.threads);
  return {
    label: RESEARCH_LABEL,
    n: body.n,
    seed: body.seed,
    horizonDays: body.horizonDays,
    threads,
    milliseconds: performance.now() - started,
    strategies: cohortSummary(given, body.strategies, perStrategy),
  };
}

export interface FittedPatient {
  patientId: string;
  subjectCode: string;
  /** fitted: in the population; refused: the reason her data could not be fitted */
  status: "fitted" | "refused";
  reason: string | null;
  /** parameters her fit estimated (the population uses those every fit shares) */
  fitted: ParameterName[];
}

export interface FittedCohortReport extends VirtualCohortReport {
  population: {
    source: { kind: "saved-cohort"; id: string; name: string } | { kind: "patients" };
    method: PopulationMethod;
    /** each patient fitted on her measurements up to this date only, or null */
    dataCut: string | null;
    patients: FittedPatient[];
    /** patients whose fits built the population */
    fittedPatients: number;
    parameters: PopulationParameter[];
    /** between-patient correlations of `parameters`, in their order */
    correlation: number[][];
    /** fittable parameters not estimated in every fit: drawn from their published priors */
    fromPrior: ParameterName[];
    iterations: number;
    converged: boolean;
  };
}

/**
 * N virtual patients drawn from a population estimated from fitted patients (decision 0045): the
 * patients of a saved cohort (as its results page selects them, among the sites the user may
 * read) or patients by id (each must be readable: 404 otherwise); each fitted as on her page
 * (same cache); patients whose data cannot be fitted are listed with the reason and left out;
 * 422 when too few remain for the parameters they share. Then the same outcome distributions per
 * strategy as the prior cohort. Reads clinical data, changes nothing.
 */
export async function fittedCohortKinetics(
  ctx: ServiceContext,
  raw: unknown,
  onProgress?: (phase: "fit" | "simulate", done: number, total: number) => void,
  options: { threads?: number } = {},
): Promise<FittedCohortReport> {
  const started = performance.now();
  const body = parseInput(FittedCohortBody, raw);
  const { base, given } = cohortModel(body);
  let source: FittedCohortReport["population"]["source"];
  let members: { id: string; site_id: string; subject_code: string }[];
  if ("savedCohortId" in body.from) {
    const saved = await findSavedCohort(ctx.db, body.from.savedCohortId);
    if (!saved) throw notFound("saved cohort", body.from.savedCohortId);
    source = { kind: "saved-cohort", id: saved.id, name: saved.name };
    const results = await cohortResults(ctx, Object.fromEntries(new URLSearchParams(saved.query)));
    if (results.patients.length > FITTED_COHORT_MAX)
      throw new DomainError(
        "rule-violation",
        `The saved cohort holds ${results.patients.length} infused patients; a fitted virtual cohort reads at most ${FITTED_COHORT_MAX}.`,
      );
    members = [];
    for (const p of results.patients) members.push(await loadPatientFor(ctx, p.patientId, "clinical:read"));
  } else {
    source = { kind: "patients" };
    members = [];
    for (const id of new Set(body.from.patientIds))
      members.push(await loadPatientFor(ctx, id, "clinical:read"));
  }
  // Records are read here, one patient after another; the fits run on the worker pool.
  const inputs: (PatientModelInput | DomainError)[] = [];
  for (const m of members) {
    try {
      inputs.push(
        await patientModelInput(ctx, m, body.dataCut === undefined ? {} : { dataCut: body.dataCut }),
      );
    } catch (e) {
      if (!(e instanceof DomainError) || e.code !== "rule-violation") throw e;
      inputs.push(e);
    }
  }
  let fitsDone = 0;
  const results = await Promise.all(
    inputs.map(async (input) => {
      if (input instanceof DomainError) return input;
      try {
        return (await cachedFit(input, body.fitStarts)).fit;
      } catch (e) {
        if (!(e instanceof DomainError) || e.code !== "rule-violation") throw e;
        return e;
      } finally {
        onProgress?.("fit", ++fitsDone, inputs.length);
      }
    }),
  );
  const patients: FittedPatient[] = members.map((m, i) => {
    const r = results[i]!;
    const base = { patientId: m.id, subjectCode: m.subject_code };
    if (r instanceof DomainError) return { ...base, status: "refused", reason: r.message, fitted: [] };
    if (!r.convergence.converged)
      return {
        ...base,
        status: "refused",
        reason: `The fit did not converge (${r.convergence.reason}).`,
        fitted: [],
      };
    return { ...base, status: "fitted", reason: null, fitted: r.problem.fitted };
  });
  const fits = results.filter(
    (r, i): r is FitResult => !(r instanceof DomainError) && patients[i]!.status === "fitted",
  );
  let population: ReturnType<typeof estimatePopulation>;
  try {
    population = estimatePopulation(
      fits.map((f) => ({ names: f.problem.fitted, vector: f.vector, covariance: f.covariance })),
      { method: body.method },
    );
  } catch (e) {
    if (e instanceof DomainError)
      throw new DomainError(
        e.code,
        `${e.message} ${patients.length - fits.length} of the ${patients.length} patients could not be fitted.`,
        e.issues,
        { ...e.details, patients },
      );
    throw e;
  }
  const virtual = populationPatients(base, population, body.n, body.seed);
  const { perStrategy, threads } = await cohortRun(
    virtual,
    given,
    body,
    (done, total) => onProgress?.("simulate", done, total),
    options.threads,
  );
  return {
    label: RESEARCH_LABEL,
    n: body.n,
    seed: body.seed,
    horizonDays: body.horizonDays,
    threads,
    milliseconds: performance.now() - started,
    strategies: cohortSummary(given, body.strategies, perStrategy),
    population: {
      source,
      method: population.method,
      dataCut: body.dataCut ?? null,
      patients,
      fittedPatients: population.patients,
      parameters: describePopulation(population),
      correlation: populationCorrelation(population),
      fromPrior: population.fromPrior,
      iterations: population.iterations,
      converged: population.converged,
    },
  };
}
