/** Follow-up routes: protocol visits, worklist, calendar feed, lab import. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { IdParams } from "../../domain/schemas/common.ts";
import * as visits from "../../services/visits.ts";
import { heldTextOf, sendsHeldText } from "../held-gzip.ts";
import { described } from "../openapi.ts";
import { VisitSchema, VisitsCalendar, WorklistSchema } from "../responses/visits.ts";
import { ctxOf, ifMatchOf, withEtag } from "./support.ts";

const tags = ["visits"];

export async function visitRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/patients/:id/visits",
    {
      schema: {
        operationId: "listPatientVisits",
        response: { 200: z.object({ items: z.array(VisitSchema) }) },
        tags,
        summary: "A patient's protocol visits with windows, expected assessments and status for today",
        params: IdParams,
      },
    },
    (request) => visits.listPatientVisits(ctxOf(request), (request.params as { id: string }).id),
  );

  app.get(
    "/api/v1/visits/:id",
    {
      schema: {
        operationId: "getVisit",
        response: { 200: VisitSchema },
        tags,
        summary: "Read one visit",
        params: IdParams,
      },
    },
    async (request, reply) =>
      withEtag(reply, await visits.getVisit(ctxOf(request), (request.params as { id: string }).id)),
  );

  app.patch(
    "/api/v1/visits/:id",
    {
      schema: {
        operationId: "recordVisit",
        response: { 200: VisitSchema },
        tags,
        summary:
          "Record a visit as done (doneOn) or missed (missedReason), with a reason and the version you read",
        params: IdParams,
        body: visits.VisitRecord,
      },
    },
    async (request, reply) =>
      withEtag(
        reply,
        await visits.recordVisit(
          ctxOf(request),
          (request.params as { id: string }).id,
          request.body,
          ifMatchOf(request),
        ),
      ),
  );

  app.get(
    "/api/v1/worklist",
    {
      schema: {
        operationId: "getWorklist",
        response: { 200: WorklistSchema },
        tags,
        summary:
          "Open visits due in a period (default today at each site) or overdue, at your sites, with subject code and study day",
        querystring: visits.WorklistQuery,
      },
    },
    (request) => visits.worklist(ctxOf(request), request.query),
  );

  app.get(
    "/api/v1/sites/:id/visits.ics",
    {
      schema: {
        operationId: "getSiteVisitsCalendar",
        response: {
          200: VisitsCalendar,
          304: described(z.null(), "Not modified: the feed is the one whose ETag was sent in If-None-Match"),
        },
        tags,
        summary: "iCalendar feed of the site's open visit windows (all-day events, subject codes only)",
        params: IdParams,
      },
    },
    async (request, reply) => {
      const { feed, etag } = await visits.siteVisitsCalendar(
        ctxOf(request),
        (request.params as { id: string }).id,
      );
      // Weak: the feed goes gzip-compressed to a client that asks, plain to one that does not,
      // one tag for both (RFC 9110 §8.8.1: the two are the same content, not the same bytes).
      const tag = `W/${etag}`;
      reply.header("etag", tag).header("cache-control", "private, no-cache");
      // A calendar client polling with the tag it holds is told nothing changed (RFC 9110
      // §13.1.2, by weak comparison: a tag held from before, without W/, still matches).
      const held = request.headers["if-none-match"];
      if (held !== undefined && held.split(",").some((t) => t.trim().replace(/^W\//, "") === etag))
        return reply.code(304).send();
      reply
        .type("text/calendar; charset=utf-8")
        .header("content-disposition", 'inline; filename="visits.ics"');
      sendsHeldText(request, heldTextOf(feed));
      return feed.text;
    },
  );
}
