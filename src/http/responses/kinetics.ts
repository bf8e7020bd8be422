/**
 * Response schemas of the kinetics research model (routes/kinetics.ts, issue 14): a patient's fit
 * with what-if strategies, a simulation, a virtual cohort. Checked against the domain and service
 * types in test/unit/http-contract.test.ts, so a field added there and not here fails typecheck.
 */
import { z } from "zod";
import { PARAMETERS, type ParameterName } from "../../domain/kinetics/parameters.ts";
import { POPULATION_METHODS } from "../../domain/kinetics/population.ts";
import { STRATEGIES } from "../../domain/kinetics/whatif.ts";

const str = z.string();
const num = z.number();
const bool = z.boolean();
const maybeNum = num.nullable();
/** Fit statistics may be NaN (√(Σz²/n) of an observable with every value censored): sent as null. */
const stat = num.or(z.nan());

const ParameterNameSchema = z.enum(Object.keys(PARAMETERS) as [ParameterName, ...ParameterName[]]);
const ObservableSchema = z.enum([
  "carTCellsPerUL",
  "carTCopiesPerUgDna",
  "bCellsPerUL",
  "igGgPerL",
  "antiDsDnaIuPerML",
  "tumourRelative",
]);
const StrategySchema = z.enum(STRATEGIES);
const ModelParametersSchema = z.record(ParameterNameSchema, num).meta({ id: "KineticsModelParameters" });

const CarKineticsSchema = z.object({
  rho: num.optional(),
  tmax: num.optional(),
  kE: num.optional(),
  kEM: num.optional(),
  beta: num.optional(),
  kME: num.optional(),
});
const DosingSchema = z
  .object({
    weightKg: num,
    infusions: z.array(
      z.object({
        product: z.object({
          name: str,
          recognition: z.object({ cd19: num, bcma: num }),
          kinetics: CarKineticsSchema.optional(),
        }),
        cellsPerKg: num,
        day: num,
      }),
    ),
  })
  .meta({ id: "KineticsDosing" });

const BandSchema = z.object({
  central: z.array(num),
  median: z.array(num),
  lower: z.array(num),
  upper: z.array(num),
});

const OutcomesSchema = z
  .object({
    horizonDays: num,
    carT: z.object({ peakCellsPerUL: num, peakDay: num }),
    bCellAplasia: z.object({
      startDay: maybeNum,
      endDay: maybeNum,
      durationDays: maybeNum,
      ongoingAtHorizon: bool,
    }),
    igG: z.object({ nadirGPerL: num, nadirDay: num, nadirFractionOfBaseline: num }),
    antiDsDna: z.object({
      threshold: num,
      baseline: num,
      negativeDay: maybeNum,
      reboundDay: maybeNum,
      negativeAtHorizon: bool,
    }),
    tumour: z
      .object({
        nadirRatio: num,
        nadirDay: num,
        ratioAtAssessment: maybeNum,
        cleared: bool,
        progressionDay: maybeNum,
      })
      .nullable(),
  })
  .meta({ id: "KineticsOutcomes" });

const SummarySchema = z.object({ median: maybeNum, lower: maybeNum, upper: maybeNum, reached: num });
const OutcomeSummarySchema = z
  .object({
    carTPeakCellsPerUL: SummarySchema,
    carTPeakDay: SummarySchema,
    bCellAplasiaDays: SummarySchema,
    bCellReturnDay: SummarySchema,
    igGNadirGPerL: SummarySchema,
    igGNadirFractionOfBaseline: SummarySchema,
    antiDsDnaNegativeDay: SummarySchema,
    antiDsDnaReboundDay: SummarySchema,
    tumourNadirRatio: SummarySchema,
    tumourCleared: SummarySchema,
  })
  .meta({ id: "KineticsOutcomeSummary" });

export const StrategyResultSchema = z
  .object({
    strategy: StrategySchema,
    label: str,
    dosing: DosingSchema,
    days: z.array(num),
    curves: z.partialRecord(ObservableSchema, BandSchema),
    outcomes: OutcomesSchema,
    summary: OutcomeSummarySchema,
    failedDraws: num,
  })
  .meta({ id: "KineticsStrategyResult" });

const PriorSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("logNormal"), median: num, sdLog: num }),
  z.object({ kind: z.literal("logitNormal"), median: num, sdLogit: num }),
]);

export const PatientKineticsSchema = z
  .object({
    patientId: str,
    subjectCode: str,
    infusionDate: str,
    timeZone: str,
    dataCut: str.nullable().describe("measurements after this date (site's zone) were left out of the fit"),
    label: str.describe("Research model — not a treatment recommendation"),
    dosing: DosingSchema.extend({ source: str }),
    baselines: z.array(z.object({ parameter: ParameterNameSchema, value: num, unit: str, source: str })),
    data: z.array(
      z.object({
        observable: ObservableSchema,
        day: num,
        date: str,
        value: maybeNum,
        lloq: num,
        censored: bool,
        recorded: z.object({ value: maybeNum, unit: str, text: str.optional() }),
      }),
    ),
    skipped: z.array(z.object({ code: str, date: str, reason: str })),
    fit: z.object({
      converged: bool,
      reason: str,
      iterations: num,
      evaluations: num,
      starts: num,
      milliseconds: num,
      cached: bool,
      parameters: z.array(
        z.object({
          name: ParameterNameSchema,
          unit: str,
          estimate: stat,
          lower: stat,
          upper: stat,
          sdUnconstrained: stat,
          prior: PriorSchema,
          shrinkage: stat,
          source: str,
        }),
      ),
      unidentified: z.array(ParameterNameSchema),
      goodness: z.object({
        observables: z.array(
          z.object({
            observable: ObservableSchema,
            n: stat,
            censored: stat,
            weightedSsr: stat,
            rmsZ: stat,
            censoredConsistent: stat,
          }),
        ),
        residuals: z.array(
          z.object({
            observable: ObservableSchema,
            day: stat,
            observed: maybeNum,
            predicted: stat,
            censored: bool,
            z: stat.nullable(),
          }),
        ),
        weightedSsr: stat,
        logLikelihood: stat,
        logPosterior: stat,
      }),
    }),
    strategies: z.array(
      StrategyResultSchema.extend({
        dosing: DosingSchema.extend({
          source: str.describe(
            "the record her dosing was read from, which this strategy's dosing derives from",
          ),
        }),
      }),
    ),
  })
  .meta({ id: "PatientKinetics" });

export const KineticsSimulationSchema = z
  .object({
    label: str,
    strategy: StrategySchema,
    dosing: DosingSchema,
    parameters: ModelParametersSchema,
    days: z.array(num),
    curves: z.record(str, z.array(num)).describe("daily values per observable, tumour only with a lymphoma"),
    outcomes: OutcomesSchema,
    solver: z.object({ accepted: num, rejected: num, evaluations: num }),
  })
  .meta({ id: "KineticsSimulation" });

const VirtualCohortFields = {
  label: str,
  n: num,
  seed: num,
  horizonDays: num,
  threads: num,
  milliseconds: num,
  strategies: z.array(
    z.object({
      strategy: StrategySchema,
      label: str,
      dosing: DosingSchema,
      summary: OutcomeSummarySchema,
      failed: num,
    }),
  ),
};

export const VirtualCohortSchema = z.object(VirtualCohortFields).meta({ id: "VirtualCohort" });

export const FittedVirtualCohortSchema = z
  .object({
    ...VirtualCohortFields,
    population: z.object({
      source: z.discriminatedUnion("kind", [
        z.object({ kind: z.literal("saved-cohort"), id: str, name: str }),
        z.object({ kind: z.literal("patients") }),
      ]),
      method: z.enum(POPULATION_METHODS),
      dataCut: str.nullable().describe("each patient fitted on measurements up to this date only"),
      patients: z.array(
        z.object({
          patientId: str,
          subjectCode: str,
          status: z.enum(["fitted", "refused"]),
          reason: str.nullable(),
          fitted: z.array(ParameterNameSchema),
        }),
      ),
      fittedPatients: num,
      parameters: z.array(
        z.object({
          name: ParameterNameSchema,
          unit: str,
          median: num,
          medianLower: num,
          medianUpper: num,
          sdUnconstrained: num,
          patientsLower: num,
          patientsUpper: num,
          prior: PriorSchema,
        }),
      ),
      correlation: z.array(z.array(num)),
      fromPrior: z.array(ParameterNameSchema),
      iterations: num,
      converged: bool,
    }),
  })
  .meta({ id: "FittedVirtualCohort" });
