/** Vein-to-vein routes: journeys, products and their chain of identity and custody, bedside checks. */
import type { FastifyInstance } from "fastify";

export async function journeyRoutes(_app: FastifyInstance) {}
