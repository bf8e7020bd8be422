export { type Baseline, baseline, type DerivedRates } from "./baseline.ts";
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
export { DEFAULT_SOLVER, simulate, type Trajectory } from "./simulate.ts";
