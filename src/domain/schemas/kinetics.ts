/**
 * Inputs of the kinetics research model's API (issue 14): a patient's fit and what-if, a
 * simulation from given parameters and dosing, and a virtual cohort. Limits keep one request
 * within seconds: what-if draws ≤ 500, horizons ≤ 5 years, cohorts ≤ 10,000 patients.
 */
import { z } from "zod";
import { PARAMETERS, type ParameterName } from "../kinetics/parameters.ts";
import { POPULATION_METHODS } from "../kinetics/population.ts";
import { STRATEGIES } from "../kinetics/whatif.ts";
import { CalendarDate } from "./common.ts";

const Strategy = z.enum(STRATEGIES);

/** A fit as of a report's data cut: a date on or after the infusion, read in the site's zone. */
const DataCut = CalendarDate.describe(
  "data cut: fit only measurements on or before this date (YYYY-MM-DD, in the site's time zone), to reproduce a report; refused (422) before the infusion",
);

/** "cd19-only,bcma-only" in a query string, or an array in a body. */
const StrategyList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(",").map((s) => s.trim())).filter((s) => s.length > 0))
  .pipe(z.array(Strategy).max(STRATEGIES.length));

export const KineticsQuery = z.object({
  strategy: StrategyList.optional().describe(
    `what-if strategies besides the patient's own, comma-separated: ${STRATEGIES.join(", ")}`,
  ),
  draws: z.coerce.number().int().min(10).max(500).default(100).describe("posterior draws for the bands"),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(1),
  horizonDays: z.coerce
    .number()
    .int()
    .min(60)
    .max(1825)
    .optional()
    .describe("days to draw; default a year, or a fortnight past the last measurement"),
  dataCut: DataCut.optional(),
});
export type KineticsQuery = z.infer<typeof KineticsQuery>;

const Recognition = z.object({ cd19: z.number().min(0).max(1), bcma: z.number().min(0).max(1) });

const Infusion = z.object({
  product: z.union([
    z.enum(["cd19", "bcma", "compound"]),
    z.object({ name: z.string().trim().min(1).max(100), recognition: Recognition }),
  ]),
  /** CAR+ cells per kg: up to 10⁹/kg, far above any dose given */
  cellsPerKg: z.number().min(0).max(1e9),
  day: z.number().min(0).max(1825).default(0),
});

export const KineticsDosing = z.object({
  weightKg: z.number().gt(0).max(400),
  infusions: z.array(Infusion).min(1).max(4),
});

const parameterNames = Object.keys(PARAMETERS) as [ParameterName, ...ParameterName[]];
/** Overrides of model parameters by name; every value finite. simulate() checks their ranges. */
const ParameterOverrides = z
  .partialRecord(z.enum(parameterNames), z.number().finite())
  .default({})
  .describe("model parameters to override, by name (see GET /api/v1/kinetics/parameters)");

export const KineticsSimulateBody = z.object({
  parameters: ParameterOverrides,
  dosing: KineticsDosing,
  strategy: Strategy.default("as-given"),
  horizonDays: z.number().int().min(1).max(1825).default(365),
});

export const VirtualCohortBody = z.object({
  n: z.number().int().min(1).max(10_000),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(1),
  strategies: z.array(Strategy).min(1).max(STRATEGIES.length).default(["as-given"]),
  dosing: KineticsDosing.default({
    weightKg: 60,
    infusions: [{ product: "compound", cellsPerKg: 3e6, day: 0 }],
  }),
  parameters: ParameterOverrides,
  horizonDays: z.number().int().min(30).max(730).default(365),
});

/** Fewest and most patients a fitted virtual cohort reads: each is fitted (≈ 1–4 s of CPU). */
export const FITTED_COHORT_MAX = 200;

/**
 * A virtual cohort from fitted patients (decision 0045): the patients of a saved cohort, or a
 * list of patients, each fitted; a population distribution estimated from the fits; N virtual
 * patients drawn from it, as in VirtualCohortBody.
 */
export const FittedCohortBody = VirtualCohortBody.extend({
  from: z
    .union([
      z.object({ savedCohortId: z.uuid() }).strict(),
      z.object({ patientIds: z.array(z.uuid()).min(1).max(FITTED_COHORT_MAX) }).strict(),
    ])
    .describe("a saved cohort's id, or the ids of patients you may read"),
  method: z
    .enum(POPULATION_METHODS)
    .default("global-two-stage")
    .describe(
      "global-two-stage: EM using each fit's uncertainty (default); standard-two-stage: mean and covariance of the estimates (biased towards the prior)",
    ),
  fitStarts: z
    .number()
    .int()
    .min(1)
    .max(3)
    .default(3)
    .describe("starts of each patient's fit; 3 as on the patient page (and its cache)"),
  dataCut: DataCut.optional(),
});
