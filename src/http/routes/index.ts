import type { FastifyInstance } from "fastify";
import { landingRoutes } from "../landing.ts";
import { adminRoutes } from "./admin.ts";
import { calculatorRoutes } from "./calculators.ts";
import { dashboardRoutes } from "./dashboard.ts";
import { derivedEndpointRoutes } from "./derived-endpoints.ts";
import { followUpRoutes } from "./follow-up.ts";
import { journeyRoutes } from "./journey.ts";
import { journeyMetricsRoutes } from "./journey-metrics.ts";
import { labImportRoutes } from "./lab-import.ts";
import { labelRoutes } from "./labels.ts";
import { lymphodepletionRoutes } from "./lymphodepletion-plan.ts";
import { manufacturingSlotRoutes } from "./manufacturing-slots.ts";
import { productBoardRoutes } from "./product-board.ts";
import { productQualityRoutes } from "./product-quality.ts";
import { recordRoutes } from "./records.ts";
import { tokenRoutes } from "./tokens.ts";
import { visitRoutes } from "./visits.ts";

export async function registerRoutes(app: FastifyInstance) {
  await adminRoutes(app);
  await tokenRoutes(app);
  await recordRoutes(app);
  await calculatorRoutes(app);
  await derivedEndpointRoutes(app);
  await dashboardRoutes(app);
  await journeyRoutes(app);
  await manufacturingSlotRoutes(app);
  await lymphodepletionRoutes(app);
  await labelRoutes(app);
  await journeyMetricsRoutes(app);
  await productQualityRoutes(app);
  await visitRoutes(app);
  await followUpRoutes(app);
  await labImportRoutes(app);
  await productBoardRoutes(app);
  await landingRoutes(app);
}
