/** Cohort results (issue 12): a cohort definition in the query, its patients and summary out. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { CohortResultsQuery } from "../../domain/cohort/definition.ts";
import { CohortOutcomesSchema, SavedCohortSchema } from "../../domain/cohort/results-schema.ts";
import { IdParams } from "../../domain/schemas/common.ts";
import { cohortOutcomes } from "../../services/cohort-outcomes.ts";
import { listCohorts, removeCohort, SavedCohortCreate, saveCohort } from "../../services/saved-cohorts.ts";
import { NoContent } from "../openapi.ts";
import { ctxOf } from "./support.ts";

export async function cohortRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/cohorts/outcomes",
    {
      schema: {
        operationId: "getCohortOutcomes",
        tags: ["cohorts"],
        summary:
          "Outcomes of the infused patients a cohort definition selects: each patient's response, remission, toxicity and follow-up, and the summary (response rates with exact 95% CIs, CRS/ICANS by maximum grade, lupus remission by month, Kaplan–Meier OS/PFS/DOR with risk tables and log-rank between groups). Lists are comma-separated.",
        querystring: CohortResultsQuery,
        response: { 200: CohortOutcomesSchema },
      },
    },
    (request) => cohortOutcomes(ctxOf(request), request.query),
  );
  app.get(
    "/api/v1/cohorts",
    {
      schema: {
        operationId: "listSavedCohorts",
        tags: ["cohorts"],
        summary: "Saved cohorts: name, canonical query (the link), who saved it",
        response: { 200: z.object({ items: z.array(SavedCohortSchema) }) },
      },
    },
    (request) => listCohorts(ctxOf(request)),
  );
  app.post(
    "/api/v1/cohorts",
    {
      schema: {
        operationId: "saveCohort",
        tags: ["cohorts"],
        summary: "Save a cohort definition under a name (the query is checked and stored in canonical form)",
        body: SavedCohortCreate,
        response: { 201: SavedCohortSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await saveCohort(ctxOf(request), request.body)),
  );
  app.delete(
    "/api/v1/cohorts/:id",
    {
      schema: {
        operationId: "removeSavedCohort",
        response: { 204: NoContent },
        tags: ["cohorts"],
        summary: "Remove a saved cohort (its author or an admin)",
        params: IdParams,
      },
    },
    async (request, reply) => {
      await removeCohort(ctxOf(request), (request.params as { id: string }).id);
      return reply.code(204).send();
    },
  );
}
