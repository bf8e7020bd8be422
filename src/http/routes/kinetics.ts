/**
 * The kinetics research model (issue 14): a patient's fit with what-if strategies, a simulation
 * from given parameters and dosing, and a virtual cohort from the priors. Every answer carries the
 * label "Research model — not a treatment recommendation".
 */
import type { FastifyInstance } from "fastify";
import { IdParams } from "../../domain/schemas/common.ts";
import {
  FittedCohortBody,
  KineticsQuery,
  KineticsSimulateBody,
  VirtualCohortBody,
} from "../../domain/schemas/kinetics.ts";
import {
  fittedCohortKinetics,
  patientKinetics,
  simulateKinetics,
  virtualCohortKinetics,
} from "../../services/kinetics.ts";
import {
  FittedVirtualCohortSchema,
  KineticsSimulationSchema,
  PatientKineticsSchema,
  VirtualCohortSchema,
} from "../responses/kinetics.ts";
import { ctxOf } from "./support.ts";

export async function kineticsRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/patients/:id/kinetics",
    {
      schema: {
        operationId: "getPatientKinetics",
        response: { 200: PatientKineticsSchema },
        tags: ["kinetics"],
        summary:
          "Research model: the patient's CAR-T, B-cell, IgG and anti-dsDNA measurements with the kinetics model fitted to them (MAP with 90% Laplace intervals, goodness of fit), curves with 90% bands, and what-if strategies; 422 when the data cannot identify the model",
        params: IdParams,
        querystring: KineticsQuery,
      },
    },
    (request) => patientKinetics(ctxOf(request), (request.params as { id: string }).id, request.query),
  );
  app.post(
    "/api/v1/kinetics/simulate",
    {
      schema: {
        operationId: "simulateKinetics",
        response: { 200: KineticsSimulationSchema },
        tags: ["kinetics"],
        summary:
          "Research model: daily CAR-T, B cells, IgG, anti-dsDNA (and tumour) for given parameters and dosing, with the what-if outcomes",
        body: KineticsSimulateBody,
      },
    },
    (request) => simulateKinetics(request.body),
  );
  app.post(
    "/api/v1/kinetics/virtual-cohort",
    {
      schema: {
        operationId: "simulateVirtualCohort",
        response: { 200: VirtualCohortSchema },
        tags: ["kinetics"],
        summary:
          "Research model: N ≤ 10,000 virtual patients drawn from the population priors (seeded), the distribution of outcomes per strategy",
        body: VirtualCohortBody,
      },
    },
    (request) => virtualCohortKinetics(request.body),
  );
  app.post(
    "/api/v1/kinetics/virtual-cohort/fitted",
    {
      schema: {
        operationId: "simulateFittedVirtualCohort",
        response: { 200: FittedVirtualCohortSchema },
        tags: ["kinetics"],
        summary:
          "Research model: the patients of a saved cohort (or listed patients) each fitted, a population distribution estimated from the fits (global or standard two-stage, log scale), N ≤ 10,000 virtual patients drawn from it and the distribution of outcomes per strategy; 422 when too few patients can be fitted",
        body: FittedCohortBody,
      },
    },
    (request) => fittedCohortKinetics(ctxOf(request), request.body),
  );
}
