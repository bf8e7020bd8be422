/** Cohort results (issue 12): a cohort definition in the query, its patients and summary out. */
import type { FastifyInstance } from "fastify";
import { CohortResultsQuery } from "../../domain/cohort/definition.ts";
import { cohortOutcomes } from "../../services/cohort-outcomes.ts";
import { ctxOf } from "./support.ts";

export async function cohortRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/cohorts/outcomes",
    {
      schema: {
        tags: ["cohorts"],
        summary:
          "Outcomes of the infused patients a cohort definition selects: each patient's response, remission, toxicity and follow-up, and the summary (response rates with exact 95% CIs, CRS/ICANS by maximum grade, lupus remission by month, Kaplan–Meier OS/PFS/DOR with risk tables and log-rank between groups). Lists are comma-separated.",
        querystring: CohortResultsQuery,
      },
    },
    (request) => cohortOutcomes(ctxOf(request), request.query),
  );
}
