/** Manufacturing slots and the journey's bookings (services/manufacturing-slots.ts). */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { IdParams } from "../../domain/schemas/common.ts";
import {
  createSlot,
  getSlot,
  listJourneySlotBookings,
  listSlots,
  SlotCreate,
  SlotQuery,
} from "../../services/manufacturing-slots.ts";
import { ManufacturingSlotSchema, SlotBookingSchema } from "../responses/vein-to-vein.ts";
import { ctxOf, withEtag } from "./support.ts";

const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

export async function manufacturingSlotRoutes(app: FastifyInstance) {
  const tags = ["scheduling"];
  app.post(
    "/api/v1/manufacturing-slots",
    {
      config: { bodyValidatedByService: true },
      schema: {
        operationId: "createManufacturingSlot",
        response: { 201: ManufacturingSlotSchema },
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
        operationId: "listManufacturingSlots",
        response: { 200: z.object({ items: z.array(ManufacturingSlotSchema) }) },
        tags,
        summary: "Manufacturing slots with their free places (filter by product, study, dates, onlyFree)",
        querystring: SlotQuery,
      },
    },
    (request) => listSlots(ctxOf(request), request.query),
  );
  app.get(
    "/api/v1/manufacturing-slots/:id",
    {
      schema: {
        operationId: "getManufacturingSlot",
        response: { 200: ManufacturingSlotSchema },
        tags,
        summary: "One manufacturing slot",
        params: IdParams,
      },
    },
    async (request, reply) => withEtag(reply, await getSlot(ctxOf(request), idOf(request))),
  );
  app.get(
    "/api/v1/journeys/:id/slot-bookings",
    {
      schema: {
        operationId: "listJourneySlotBookings",
        response: { 200: z.object({ items: z.array(SlotBookingSchema) }) },
        tags,
        summary: "The journey's manufacturing-slot bookings, oldest first (booked, used or freed)",
        params: IdParams,
      },
    },
    (request) => listJourneySlotBookings(ctxOf(request), idOf(request)),
  );
}
