/**
 * Follow-up routes of issue 5 part E: a study's own visit schedule, prefilled assessment drafts
 * per visit, and long-term follow-up contacts and losses.
 */
import type { FastifyInstance } from "fastify";
import { IdParams } from "../../domain/schemas/common.ts";
import * as drafts from "../../services/assessment-drafts.ts";
import * as ltfu from "../../services/ltfu.ts";
import * as schedules from "../../services/study-schedules.ts";
import {
  LostToFollowUpSchema,
  LtfuContactListSchema,
  StudyScheduleSetResultSchema,
  StudySchedulesSchema,
  VisitDraftsSchema,
} from "../responses/visits.ts";
import { ctxOf, ifMatchOf } from "./support.ts";

const tags = ["visits"];
const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

export async function followUpRoutes(app: FastifyInstance) {
  app.put(
    "/api/v1/studies/:id/visit-schedule",
    {
      schema: {
        operationId: "setStudyVisitSchedule",
        response: { 200: StudyScheduleSetResultSchema },
        tags,
        summary:
          "Set the study's visit schedule (study-wide, or for one arm with armCode), with a reason and, when replacing, the version you read; open visits of infused enrolments are regenerated, recorded visits never move",
        params: IdParams,
        body: schedules.StudyScheduleSet,
      },
    },
    async (request, reply) => {
      const result = await schedules.setStudySchedule(
        ctxOf(request),
        idOf(request),
        request.body,
        ifMatchOf(request),
      );
      reply.header("etag", `"${result.schedule.version}"`);
      return result;
    },
  );

  app.get(
    "/api/v1/studies/:id/visit-schedule",
    {
      schema: {
        operationId: "getStudyVisitSchedules",
        response: { 200: StudySchedulesSchema },
        tags,
        summary:
          "The study's stored visit schedules, which one each arm follows (arm, study or default), and with ?armCode= that arm's schedule",
        params: IdParams,
        querystring: schedules.StudyScheduleQuery,
      },
    },
    (request) => schedules.getStudySchedules(ctxOf(request), idOf(request), request.query),
  );

  app.get(
    "/api/v1/visits/:id/assessment-drafts",
    {
      schema: {
        operationId: "getAssessmentDrafts",
        response: { 200: VisitDraftsSchema },
        tags,
        summary:
          "Draft inputs for each calculator the visit expects, prefilled from recorded data with their sources; unfilled fields listed. Nothing is stored",
        params: IdParams,
        querystring: drafts.DraftQuery,
      },
    },
    (request) => drafts.visitAssessmentDrafts(ctxOf(request), idOf(request), request.query),
  );

  app.get(
    "/api/v1/ltfu/contacts",
    {
      schema: {
        operationId: "listLtfuContacts",
        response: { 200: LtfuContactListSchema },
        tags,
        summary:
          "Yearly long-term follow-up contacts (integrating-vector products, to year 15) falling in a calendar year, with the LTFU items each needs and whether they were recorded",
        querystring: ltfu.LtfuContactsQuery,
      },
    },
    (request) => ltfu.ltfuContactList(ctxOf(request), request.query),
  );

  app.get(
    "/api/v1/ltfu/lost",
    {
      schema: {
        operationId: "listLostToFollowUp",
        response: { 200: LostToFollowUpSchema },
        tags,
        summary:
          "Patients lost to follow-up: declared on the journey, or the last two closed LTFU contacts not done",
        querystring: ltfu.LtfuLostQuery,
      },
    },
    (request) => ltfu.lostToFollowUp(ctxOf(request), request.query),
  );
}
