/** Derived endpoints: computed from the recorded data on every read, never typed in. */
import type { FastifyInstance } from "fastify";
import { IdParams } from "../../domain/schemas/common.ts";
import { deriveEndpoints } from "../../services/derived-endpoints.ts";
import { DerivedEndpointsSchema } from "../responses/dashboard.ts";
import { ctxOf } from "./support.ts";

export async function derivedEndpointRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/patients/:id/derived/endpoints",
    {
      schema: {
        operationId: "deriveEndpoints",
        response: { 200: DerivedEndpointsSchema },
        tags: ["patients"],
        summary:
          "Derived endpoints (CAR-T kinetics, B-cell aplasia, Ig nadir, seroconversion, medication-free dates, lymphoma response, lupus remission), each with value, date, study day, source records, rule and source, or why it is not evaluable",
        params: IdParams,
      },
    },
    (request) => deriveEndpoints(ctxOf(request), (request.params as { id: string }).id),
  );
}
