/** Vein-to-vein metrics (services/journey-metrics.ts). */
import type { FastifyInstance } from "fastify";
import { MetricsQuery, veinToVeinMetrics } from "../../services/journey-metrics.ts";
import { VeinToVeinMetricsSchema } from "../responses/dashboard.ts";
import { ctxOf } from "./support.ts";

export async function journeyMetricsRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/metrics/vein-to-vein",
    {
      schema: {
        operationId: "getVeinToVeinMetrics",
        response: { 200: VeinToVeinMetricsSchema },
        tags: ["metrics"],
        summary:
          "Vein-to-vein days, manufacturing turnaround, failure and OOS rates (with n) overall, per CAR product and per site",
        querystring: MetricsQuery,
      },
    },
    (request) => veinToVeinMetrics(ctxOf(request), request.query),
  );
}
