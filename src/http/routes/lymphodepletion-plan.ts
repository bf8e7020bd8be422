/** The study's lymphodepletion regimens and an enrolment's dosing plan (services/lymphodepletion-plan.ts). */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { IdParams } from "../../domain/schemas/common.ts";
import {
  listLymphodepletionRegimens,
  lymphodepletionPlan,
  PlanQuery,
  RegimenSet,
  setLymphodepletionRegimen,
} from "../../services/lymphodepletion-plan.ts";
import { LymphodepletionPlanSchema, LymphodepletionRegimenSchema } from "../responses/vein-to-vein.ts";
import { ctxOf, withEtag } from "./support.ts";

const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

export async function lymphodepletionRoutes(app: FastifyInstance) {
  const tags = ["scheduling"];
  app.put(
    "/api/v1/studies/:id/lymphodepletion-regimen",
    {
      config: { bodyValidatedByService: true },
      schema: {
        operationId: "setLymphodepletionRegimen",
        response: { 200: LymphodepletionRegimenSchema },
        tags,
        summary: "Set the study's (or an arm's) lymphodepletion regimen; replacing one needs its version",
        params: IdParams,
        body: RegimenSet,
      },
    },
    async (request, reply) =>
      withEtag(reply, await setLymphodepletionRegimen(ctxOf(request), idOf(request), request.body)),
  );
  app.get(
    "/api/v1/studies/:id/lymphodepletion-regimens",
    {
      schema: {
        operationId: "listLymphodepletionRegimens",
        response: { 200: z.object({ items: z.array(LymphodepletionRegimenSchema) }) },
        tags,
        summary: "The study's lymphodepletion regimens",
        params: IdParams,
      },
    },
    (request) => listLymphodepletionRegimens(ctxOf(request), idOf(request)),
  );
  app.get(
    "/api/v1/enrolments/:id/lymphodepletion-plan",
    {
      schema: {
        operationId: "getLymphodepletionPlan",
        response: { 200: LymphodepletionPlanSchema },
        tags,
        summary:
          "Daily lymphodepletion doses from the latest height, weight and creatinine, dated from the planned infusion, with the rule used; 422 names every missing input",
        params: IdParams,
        querystring: PlanQuery,
      },
    },
    (request) => lymphodepletionPlan(ctxOf(request), idOf(request), request.query),
  );
}
