export { type Baseline, baseline, type DerivedRates } from "./baseline.ts";
export { samplePatient, seededUniform, standardNormal, type Uniform } from "./cohort.ts";
export {
  dopri5,
  IntegrationError,
  type Rhs,
  type Solution,
  type SolverOptions,
  type SolverStats,
} from "./dopri5.ts";
export {
  assertDosing,
  BCMA_CAR,
  type CarKinetics,
  CD19_CAR,
  COMPOUND_CD19_BCMA_CAR,
  coInfusion,
  type Dosing,
  type Infusion,
  infusedBloodLevel,
  type Product,
  scaleDose,
  single,
} from "./dosing.ts";
export {
  buildModel,
  initialState,
  type Layout,
  layout,
  type Model,
  recognitionWeight,
  TARGETS,
} from "./model.ts";
export {
  carT,
  ERROR_MODELS,
  type ErrorModel,
  type ErrorModelSpec,
  GENOMES_PER_UG_DNA,
  logLikelihood,
  logNormalCdf,
  type Measurement,
  measurementDays,
  measurementLogLikelihood,
  type Observable,
  predict,
} from "./observations.ts";
export {
  ANTI_DSDNA_NEGATIVE_BELOW,
  type OutcomeOptions,
  type Outcomes,
  outcomeDays,
  outcomes,
  PROGRESSION_RATIO,
} from "./outcomes.ts";
export {
  type Grade,
  type ModelParameters,
  modelParameters,
  PARAMETER_NAMES,
  PARAMETERS,
  type ParameterName,
  type ParameterSpec,
  type Prior,
  SLE_CAR_KINETICS,
} from "./parameters.ts";
export {
  FITTABLE,
  type FitProblem,
  fromUnconstrained,
  logPosterior,
  logPrior,
  toUnconstrained,
} from "./posterior.ts";
export { DEFAULT_SOLVER, simulate, type Trajectory } from "./simulate.ts";
