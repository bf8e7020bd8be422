/**
 * The shape of a patient's kinetics report (GET /api/v1/patients/{id}/kinetics): pure types, so
 * the web app can import them type-only, as it does the cohort results.
 */
import type { Dosing } from "./dosing.ts";
import type { FitResult } from "./fit.ts";
import type { Observable } from "./observations.ts";
import type { ParameterName } from "./parameters.ts";
import type { StrategyResult } from "./whatif.ts";

export interface DataPoint {
  observable: Observable;
  day: number;
  date: string;
  /** in the model's unit; null when below the limit */
  value: number | null;
  lloq: number;
  censored: boolean;
  /** as recorded, when the model's unit differs */
  recorded: { value: number | null; unit: string; text?: string };
}

export interface BaselineValue {
  parameter: ParameterName;
  value: number;
  unit: string;
  source: string;
}

export interface PatientKinetics {
  patientId: string;
  subjectCode: string;
  infusionDate: string;
  timeZone: string;
  /** the data cut the fit was limited to (measurements on or before it, site's zone), or null */
  dataCut: string | null;
  label: string;
  dosing: Dosing & { source: string };
  baselines: BaselineValue[];
  data: DataPoint[];
  /** recorded values the model could not read (a unit it cannot convert) */
  skipped: { code: string; date: string; reason: string }[];
  fit: {
    converged: boolean;
    reason: string;
    iterations: number;
    evaluations: number;
    /** starts of the multi-start fit */
    starts: number;
    milliseconds: number;
    cached: boolean;
    parameters: FitResult["estimates"];
    unidentified: ParameterName[];
    goodness: FitResult["goodness"];
  };
  /**
   * Each what-if, its dosing derived from hers and naming the same record it was read from (the
   * strategy's change — another product, half the dose — is in `strategy` and `label`).
   */
  strategies: (StrategyResult & { dosing: Dosing & { source: string } })[];
}
