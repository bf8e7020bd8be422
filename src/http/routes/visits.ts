/** Follow-up routes: protocol visits, worklist, calendar feed, lab import. */
import type { FastifyInstance } from "fastify";

export async function visitRoutes(_app: FastifyInstance) {}
