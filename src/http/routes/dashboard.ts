/** The program dashboard: one read-only call per site for the web app's first screen. */
import type { FastifyInstance } from "fastify";
import { DashboardQuery, programDashboard } from "../../services/dashboard.ts";
import { DashboardSchema } from "../responses/dashboard.ts";
import { ctxOf } from "./support.ts";

export async function dashboardRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/dashboard",
    {
      schema: {
        operationId: "getDashboard",
        response: { 200: DashboardSchema },
        tags: ["dashboard"],
        summary:
          "Program dashboard of one site: journey stages, visits due this week and overdue, products in " +
          "manufacturing or transit with days so far, open toxicities, recent infusions",
        querystring: DashboardQuery,
      },
    },
    (request) => programDashboard(ctxOf(request), request.query),
  );
}
