import type { FastifyInstance } from "fastify";
import { landingRoutes } from "../landing.ts";
import { adminRoutes } from "./admin.ts";
import { calculatorRoutes } from "./calculators.ts";
import { journeyRoutes } from "./journey.ts";
import { recordRoutes } from "./records.ts";
import { visitRoutes } from "./visits.ts";

export async function registerRoutes(app: FastifyInstance) {
  await adminRoutes(app);
  await recordRoutes(app);
  await calculatorRoutes(app);
  await journeyRoutes(app);
  await visitRoutes(app);
  await landingRoutes(app);
}
