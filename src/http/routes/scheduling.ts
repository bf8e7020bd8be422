/**
 * Scheduling routes (issue 4): manufacturing slots and bookings, the lymphodepletion regimen and
 * plan, printable product labels, and vein-to-vein metrics. Thin: each calls one service.
 */
import type { FastifyInstance } from "fastify";
import { IdParams } from "../../domain/schemas/common.ts";
import { MetricsQuery, veinToVeinMetrics } from "../../services/journey-metrics.ts";
import { LabelQuery, productLabel } from "../../services/labels.ts";
import {
  listLymphodepletionRegimens,
  lymphodepletionPlan,
  PlanQuery,
  RegimenSet,
  setLymphodepletionRegimen,
} from "../../services/lymphodepletion-plan.ts";
import {
  createSlot,
  getSlot,
  listJourneySlotBookings,
  listSlots,
  SlotCreate,
  SlotQuery,
} from "../../services/manufacturing-slots.ts";
import { ctxOf, withEtag } from "./support.ts";

const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

export async function schedulingRoutes(app: FastifyInstance) {
  const tags = ["scheduling"];
  app.post(
    "/api/v1/manufacturing-slots",
    {
      config: { bodyValidatedByService: true },
      schema: {
        tags,
        summary: "Open a manufacturing slot: CAR product, facility, start date, collection window, capacity",
        body: SlotCreate,
      },
    },
    async (request, reply) => {
      const dto = await createSlot(ctxOf(request), request.body);
      reply.code(201).header("location", `/api/v1/manufacturing-slots/${dto.id}`);
      return withEtag(reply, dto);
    },
  );
  app.get(
    "/api/v1/manufacturing-slots",
    {
      schema: {
        tags,
        summary: "Manufacturing slots with their free places (filter by product, study, dates, onlyFree)",
        querystring: SlotQuery,
      },
    },
    (request) => listSlots(ctxOf(request), request.query),
  );
  app.get(
    "/api/v1/manufacturing-slots/:id",
    { schema: { tags, summary: "One manufacturing slot", params: IdParams } },
    async (request, reply) => withEtag(reply, await getSlot(ctxOf(request), idOf(request))),
  );
  app.get(
    "/api/v1/journeys/:id/slot-bookings",
    {
      schema: {
        tags,
        summary: "The journey's manufacturing-slot bookings, oldest first (booked, used or freed)",
        params: IdParams,
      },
    },
    (request) => listJourneySlotBookings(ctxOf(request), idOf(request)),
  );

  app.put(
    "/api/v1/studies/:id/lymphodepletion-regimen",
    {
      config: { bodyValidatedByService: true },
      schema: {
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
    { schema: { tags, summary: "The study's lymphodepletion regimens", params: IdParams } },
    (request) => listLymphodepletionRegimens(ctxOf(request), idOf(request)),
  );
  app.get(
    "/api/v1/enrolments/:id/lymphodepletion-plan",
    {
      schema: {
        tags,
        summary:
          "Daily lymphodepletion doses from the latest height, weight and creatinine, dated from the planned infusion, with the rule used; 422 names every missing input",
        params: IdParams,
        querystring: PlanQuery,
      },
    },
    (request) => lymphodepletionPlan(ctxOf(request), idOf(request), request.query),
  );

  app.get(
    "/api/v1/product-units/:id/label",
    {
      schema: {
        tags: ["products"],
        summary:
          "Print-ready HTML bag or sample label with Code 128 bar codes (DIN, product code, expiry, CoI) and the boxed check character",
        params: IdParams,
        querystring: LabelQuery,
      },
    },
    async (request, reply) => {
      const { html } = await productLabel(ctxOf(request), idOf(request), request.query);
      reply.type("text/html; charset=utf-8").header("cache-control", "no-store");
      return html;
    },
  );

  app.get(
    "/api/v1/metrics/vein-to-vein",
    {
      schema: {
        tags: ["metrics"],
        summary:
          "Vein-to-vein days, manufacturing turnaround, failure and OOS rates (with n) overall, per CAR product and per site",
        querystring: MetricsQuery,
      },
    },
    (request) => veinToVeinMetrics(ctxOf(request), request.query),
  );
}
