/** Calculators: list with input schemas, evaluate without storing, and stored assessments. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { CALCULATORS } from "../../domain/calculators/index.ts";
import { AssessmentCreate, AssessmentUpdate } from "../../domain/schemas/assessment.ts";
import { IdParams, Instant, PageQuery } from "../../domain/schemas/common.ts";
import * as assessments from "../../services/assessments.ts";
import { deriveDailyCrs } from "../../services/derived-crs.ts";
import { deriveCtcaeHematology } from "../../services/derived-toxicity.ts";
import {
  AssessmentSchema,
  CalculatorCatalogueSchema,
  CalculatorResultSchema,
  DerivedCrsSchema,
  DerivedCtcaeHematologySchema,
} from "../responses/calculators.ts";
import { ctxOf, ifMatchOf, pageSchema, withEtag } from "./support.ts";

const NameParams = z.object({ name: z.string().min(1).max(50) });

export async function calculatorRoutes(app: FastifyInstance) {
  const catalogue = CALCULATORS.map((c) => ({
    name: c.name,
    title: c.title,
    source: c.source,
    ruleSet: c.ruleSet,
    ruleSetVersion: c.ruleSetVersion,
    inputSchema: z.toJSONSchema(c.input, { io: "input", unrepresentable: "any" }),
  }));

  app.get(
    "/api/v1/calculators",
    {
      schema: {
        operationId: "listCalculators",
        response: { 200: CalculatorCatalogueSchema },
        tags: ["calculators"],
        summary: "Every calculator with its input JSON Schema",
      },
    },
    async (request) => {
      ctxOf(request); // logged in
      return { items: catalogue };
    },
  );

  app.post(
    "/api/v1/calculators/:name",
    {
      config: { bodyValidatedByService: true },
      schema: {
        operationId: "evaluateCalculator",
        response: { 200: CalculatorResultSchema },
        tags: ["calculators"],
        summary: "Evaluate a calculator; nothing is stored",
        params: NameParams,
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (request) => {
      ctxOf(request);
      return assessments.evaluateCalculator((request.params as { name: string }).name, request.body);
    },
  );

  app.post(
    "/api/v1/patients/:id/assessments",
    {
      config: { bodyValidatedByService: true },
      schema: {
        operationId: "recordAssessment",
        response: { 201: AssessmentSchema },
        tags: ["calculators"],
        summary:
          "Store an assessment on a patient: calculator, inputs, time; the result is computed and kept",
        params: IdParams,
        body: AssessmentCreate,
      },
    },
    async (request, reply) => {
      const dto = await assessments.recordAssessment(
        ctxOf(request),
        (request.params as { id: string }).id,
        request.body,
      );
      reply.code(201).header("location", `/api/v1/assessments/${dto.id}`);
      return withEtag(reply, dto);
    },
  );

  const ListQuery = PageQuery.extend({ calculator: z.string().max(50).optional() });
  app.get(
    "/api/v1/patients/:id/assessments",
    {
      schema: {
        operationId: "listAssessments",
        response: { 200: pageSchema(AssessmentSchema) },
        tags: ["calculators"],
        summary: "A patient's stored assessments in time order",
        params: IdParams,
        querystring: ListQuery,
      },
    },
    (request) =>
      assessments.listAssessments(
        ctxOf(request),
        (request.params as { id: string }).id,
        request.query as z.infer<typeof ListQuery>,
      ),
  );

  const DerivedQuery = z.object({ from: Instant.optional(), to: Instant.optional() });
  app.get(
    "/api/v1/patients/:id/derived/crs",
    {
      schema: {
        operationId: "deriveDailyCrs",
        response: { 200: DerivedCrsSchema },
        tags: ["calculators"],
        summary:
          "Daily worst ASTCT CRS grade (provisional) derived from recorded temperature, oxygen flow and vasopressors",
        params: IdParams,
        querystring: DerivedQuery,
      },
    },
    (request) =>
      deriveDailyCrs(
        ctxOf(request),
        (request.params as { id: string }).id,
        request.query as z.infer<typeof DerivedQuery>,
      ),
  );
  app.get(
    "/api/v1/patients/:id/derived/ctcae-hematology",
    {
      schema: {
        operationId: "deriveCtcaeHematology",
        response: { 200: DerivedCtcaeHematologySchema },
        tags: ["calculators"],
        summary: "CTCAE v5.0 haematology grades per day, derived from the recorded blood counts",
        params: IdParams,
        querystring: DerivedQuery,
      },
    },
    (request) =>
      deriveCtcaeHematology(
        ctxOf(request),
        (request.params as { id: string }).id,
        request.query as z.infer<typeof DerivedQuery>,
      ),
  );

  app.get(
    "/api/v1/assessments/:id",
    {
      schema: {
        operationId: "getAssessment",
        response: { 200: AssessmentSchema },
        tags: ["calculators"],
        summary: "Read one assessment",
        params: IdParams,
      },
    },
    async (request, reply) =>
      withEtag(reply, await assessments.getAssessment(ctxOf(request), (request.params as { id: string }).id)),
  );
  app.patch(
    "/api/v1/assessments/:id",
    {
      schema: {
        operationId: "updateAssessment",
        response: { 200: AssessmentSchema },
        tags: ["calculators"],
        summary: "Mark entered-in-error or annotate (with a reason)",
        params: IdParams,
        body: AssessmentUpdate,
      },
    },
    async (request, reply) =>
      withEtag(
        reply,
        await assessments.updateAssessment(
          ctxOf(request),
          (request.params as { id: string }).id,
          request.body,
          ifMatchOf(request),
        ),
      ),
  );
}
