import type { FastifyInstance } from "fastify";
import { landingRoutes } from "../landing.ts";
import { adminRoutes } from "./admin.ts";
import { calculatorRoutes } from "./calculators.ts";
import { dashboardRoutes } from "./dashboard.ts";
import { derivedEndpointRoutes } from "./derived-endpoints.ts";
import { followUpRoutes } from "./follow-up.ts";
import { journeyRoutes } from "./journey.ts";
import { labImportRoutes } from "./lab-import.ts";
import { productQualityRoutes } from "./product-quality.ts";
import { recordRoutes } from "./records.ts";
import { schedulingRoutes } from "./scheduling.ts";
import { tokenRoutes } from "./tokens.ts";
import { visitRoutes } from "./visits.ts";
import { webBoardRoutes } from "./web-board.ts";

export async function registerRoutes(app: FastifyInstance) {
  await adminRoutes(app);
  await tokenRoutes(app);
  await recordRoutes(app);
  await calculatorRoutes(app);
  await derivedEndpointRoutes(app);
  await dashboardRoutes(app);
  await journeyRoutes(app);
  await schedulingRoutes(app);
  await productQualityRoutes(app);
  await visitRoutes(app);
  await followUpRoutes(app);
  await labImportRoutes(app);
  await webBoardRoutes(app);
  await landingRoutes(app);
}
