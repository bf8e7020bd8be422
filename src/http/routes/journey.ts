/** Vein-to-vein routes: journeys, products and their chain of identity and custody, bedside checks. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { IdParams } from "../../domain/schemas/common.ts";
import { JourneyEventBody, ProductEventBody } from "../../domain/schemas/vein-to-vein-events.ts";
import { BedsideInput, verifyAtBedside } from "../../services/bedside.ts";
import * as journeys from "../../services/journeys.ts";
import * as products from "../../services/products.ts";
import {
  BedsideResultSchema,
  JourneyHistorySchema,
  JourneyMoveSchema,
  JourneySchema,
  ProductHistorySchema,
  ProductUnitReadSchema,
  ProductUnitSchema,
} from "../responses/vein-to-vein.ts";
import { ctxOf, ifMatchOf, withEtag } from "./support.ts";

const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

export async function journeyRoutes(app: FastifyInstance) {
  const tags = ["journeys"];
  app.post(
    "/api/v1/enrolments/:id/journey",
    {
      schema: {
        operationId: "openJourney",
        response: { 201: JourneySchema },
        tags,
        summary: "Open the vein-to-vein journey of an enrolment (state: referred)",
        params: IdParams,
      },
    },
    async (request, reply) => {
      const dto = await journeys.openJourney(ctxOf(request), idOf(request));
      reply.code(201).header("location", `/api/v1/journeys/${dto.id}`);
      return withEtag(reply, dto);
    },
  );
  app.get(
    "/api/v1/enrolments/:id/journey",
    {
      schema: {
        operationId: "getEnrolmentJourney",
        response: { 200: JourneySchema },
        tags,
        summary: "The enrolment's journey (404 when none is open yet)",
        params: IdParams,
      },
    },
    async (request, reply) =>
      withEtag(reply, await journeys.getJourneyOfEnrolment(ctxOf(request), idOf(request))),
  );
  app.get(
    "/api/v1/journeys/:id",
    {
      schema: {
        operationId: "getJourney",
        response: { 200: JourneySchema },
        tags,
        summary: "A journey: state, allowed events and FHIR ResearchSubject.status",
        params: IdParams,
      },
    },
    async (request, reply) => withEtag(reply, await journeys.getJourney(ctxOf(request), idOf(request))),
  );
  app.post(
    "/api/v1/journeys/:id/events",
    {
      config: { bodyValidatedByService: true, versioned: true },
      schema: {
        operationId: "applyJourneyEvent",
        response: { 200: JourneyMoveSchema },
        tags,
        summary:
          "Apply one journey event (If-Match or version required); a refused move is 422 naming the rule",
        params: IdParams,
        body: JourneyEventBody,
      },
    },
    async (request, reply) =>
      withEtag(
        reply,
        await journeys.applyJourney(ctxOf(request), idOf(request), request.body, ifMatchOf(request)),
      ),
  );
  app.get(
    "/api/v1/journeys/:id/events",
    {
      schema: {
        operationId: "listJourneyEvents",
        response: { 200: JourneyHistorySchema },
        tags,
        summary: "The journey's event history, oldest first",
        params: IdParams,
      },
    },
    (request) => journeys.listJourneyHistory(ctxOf(request), idOf(request)),
  );

  const ptags = ["products"];
  app.post(
    "/api/v1/journeys/:id/collections",
    {
      config: { bodyValidatedByService: true },
      schema: {
        operationId: "recordCollection",
        response: { 201: ProductUnitSchema },
        tags: ptags,
        summary: "Record the apheresis collection: allocates its DIN and the journey's chain-of-identity id",
        params: IdParams,
        body: products.CollectionCreate,
      },
    },
    async (request, reply) => {
      const dto = await products.recordCollection(ctxOf(request), idOf(request), request.body);
      reply.code(201).header("location", `/api/v1/product-units/${dto.id}`);
      return withEtag(reply, dto);
    },
  );
  app.get(
    "/api/v1/journeys/:id/product-units",
    {
      schema: {
        operationId: "listJourneyProductUnits",
        response: { 200: z.object({ items: z.array(ProductUnitSchema) }) },
        tags: ptags,
        summary: "Every product unit on the journey's chain of identity",
        params: IdParams,
      },
    },
    (request) => products.listJourneyProductUnits(ctxOf(request), idOf(request)),
  );
  // "/api/v1/products" already names CAR product definitions (records.ts); units live apart.
  app.get(
    "/api/v1/product-units/:id",
    {
      schema: {
        operationId: "getProductUnit",
        response: { 200: ProductUnitReadSchema },
        tags: ptags,
        summary: "One product unit (bag or collection)",
        params: IdParams,
      },
    },
    async (request, reply) => withEtag(reply, await products.getProduct(ctxOf(request), idOf(request))),
  );
  app.post(
    "/api/v1/product-units/:id/final-products",
    {
      config: { bodyValidatedByService: true },
      schema: {
        operationId: "recordFinalProduct",
        response: { 201: ProductUnitSchema },
        tags: ptags,
        summary:
          "Record a final-product bag made from this collection: its own DIN, the same chain of identity",
        params: IdParams,
        body: products.FinalProductCreate,
      },
    },
    async (request, reply) => {
      const dto = await products.recordFinalProduct(ctxOf(request), idOf(request), request.body);
      reply.code(201).header("location", `/api/v1/product-units/${dto.id}`);
      return withEtag(reply, dto);
    },
  );
  app.post(
    "/api/v1/product-units/:id/events",
    {
      config: { bodyValidatedByService: true, versioned: true },
      schema: {
        operationId: "applyProductEvent",
        response: { 200: ProductUnitSchema },
        tags: ptags,
        summary:
          "Apply one product event; `at` defaults to now, may not be in the future or before the previous event; the actor is the signed-in user",
        params: IdParams,
        body: ProductEventBody,
      },
    },
    async (request, reply) =>
      withEtag(
        reply,
        await products.applyProduct(ctxOf(request), idOf(request), request.body, ifMatchOf(request)),
      ),
  );
  app.get(
    "/api/v1/product-units/:id/events",
    {
      schema: {
        operationId: "listProductEvents",
        response: { 200: ProductHistorySchema },
        tags: ptags,
        summary: "The product's history with actor and time",
        params: IdParams,
      },
    },
    (request) => products.listProductHistory(ctxOf(request), idOf(request)),
  );
  // The brief's path sits under /products; the unit path is the consistent alias.
  for (const path of [
    "/api/v1/products/:id/bedside-verifications",
    "/api/v1/product-units/:id/bedside-verifications",
  ])
    app.post(
      path,
      {
        config: { bodyValidatedByService: true },
        schema: {
          operationId: path.startsWith("/api/v1/products/") ? "verifyAtBedsideByProduct" : "verifyAtBedside",
          response: { 201: BedsideResultSchema },
          tags: ptags,
          summary:
            'Bedside verification by two people, each signing with username and password (meaning "verified product identity at bedside"; one is the signed-in user); any mismatch is a hard stop (422 naming the fields) and the attempt is logged',
          params: IdParams,
          body: BedsideInput,
        },
      },
      async (request, reply) => {
        const result = await verifyAtBedside(ctxOf(request), idOf(request), request.body);
        reply.code(201);
        return result;
      },
    );
}
