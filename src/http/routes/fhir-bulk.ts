/**
 * FHIR Bulk Data `$export` (HL7 Bulk Data Access IG v2.0.0; decision 0032), registered inside the
 * /fhir/R4 plugin so authentication, OperationOutcome errors and the site and role rules are those
 * of the read and search API. Kick-off at system, Patient and Group (a saved cohort) level answers
 * 202 with the status URL in Content-Location, by GET with the parameters in the query or by POST
 * of a FHIR Parameters resource (the IG's two forms; both are checked by one parser,
 * src/fhir/bulk.ts); the status answers 202 with X-Progress and
 * Retry-After while the job runs, 200 with the manifest when done, 500 with an OperationOutcome
 * when it failed; DELETE cancels; each output file is NDJSON of one type. The job runs in the
 * server's worker (services/fhir-export-worker.ts), not in these requests.
 */
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { type BulkLevel, operationOutcome } from "../../fhir/index.ts";
import {
  cancelExport,
  exportFile,
  exportStatus,
  kickOffExport,
  readGroup,
} from "../../services/fhir-bulk-export.ts";
import { downloadBody } from "../content-coding.ts";
import { addJsonParser } from "../json-body.ts";
import { fhirResource, fileBody } from "../openapi.ts";
import { ctxOf } from "./support.ts";

const FHIR_JSON = "application/fhir+json; charset=utf-8";
const NDJSON = "application/fhir+ndjson";
/** seconds a client should wait between status requests */
const RETRY_AFTER_S = 2;

const baseOf = (request: FastifyRequest) => `${request.protocol}://${request.host}/fhir/R4`;
const statusUrl = (request: FastifyRequest, jobId: string) => `${baseOf(request)}/$export-status/${jobId}`;
const fileUrl = (request: FastifyRequest, jobId: string) => (type: string) =>
  `${baseOf(request)}/$export-file/${jobId}/${type}.ndjson`;

const OUTCOMES = Object.fromEntries(
  [400, 401, 403, 404].map((status) => [
    status,
    fhirResource("OperationOutcome", "Refused: the OperationOutcome says why"),
  ]),
);

/**
 * The POST body as the contract shows it; its parameters are checked by parametersToQuery
 * (src/fhir/bulk.ts), which answers each problem with an OperationOutcome issue.
 */
const ParametersBody = z
  .looseObject({
    resourceType: z.string(),
    parameter: z.array(z.looseObject({ name: z.string() })).optional(),
  })
  .meta({
    id: "BulkExportParameters",
    description:
      "A FHIR Parameters resource: _outputFormat, _since, _type, _typeFilter (valueString, valueInstant), patient (valueReference)",
  });

const Accepted = fhirResource("OperationOutcome", "Accepted: the status URL is in Content-Location");

const Manifest = z
  .object({
    transactionTime: z.string(),
    request: z.string(),
    requiresAccessToken: z.boolean(),
    output: z.array(z.object({ type: z.string(), url: z.string(), count: z.number().int() })),
    error: z.array(z.object({ type: z.string(), url: z.string() })),
  })
  .meta({
    id: "BulkExportManifest",
    description: "The Bulk Data manifest: one NDJSON file per resource type",
  });

const KICK_OFF_SUMMARY =
  "Bulk Data $export kick-off (Prefer: respond-async required; _outputFormat application/fhir+ndjson, _type, _since, _typeFilter, patient)";
const POST_SUMMARY = "by POST of a FHIR Parameters resource (the same parameters as the GET form)";

export async function fhirBulkRoutes(fhir: FastifyInstance) {
  // this plugin's own scope: the POST kick-off's Parameters come as application/fhir+json
  addJsonParser(fhir, "application/fhir+json");
  const kickOff = (level: BulkLevel) => async (request: FastifyRequest, reply: FastifyReply) => {
    const { id } = (request.params ?? {}) as { id?: string };
    const { jobId } = await kickOffExport(ctxOf(request), {
      level,
      ...(id !== undefined ? { groupId: id } : {}),
      query: request.query as Record<string, unknown>,
      ...(request.method === "POST" ? { parameters: request.body ?? null } : {}),
      prefer: [request.headers.prefer ?? []].flat().join(","),
      requestUrl: `${request.protocol}://${request.host}${request.url}`,
    });
    reply.code(202).type(FHIR_JSON).header("content-location", statusUrl(request, jobId));
    return operationOutcome(
      [{ code: "informational", diagnostics: `Export ${jobId} is queued; poll its status URL.` }],
      "information",
    );
  };
  const kickOffSchema = (operationId: string, summary: string, post = false) => ({
    tags: ["fhir"],
    operationId,
    summary,
    ...(post ? { body: ParametersBody } : {}),
    response: { 202: Accepted, ...OUTCOMES },
  });

  fhir.get(
    "/$export",
    { schema: kickOffSchema("fhirExportSystem", `System-level ${KICK_OFF_SUMMARY}`) },
    kickOff("system"),
  );
  fhir.get(
    "/Patient/$export",
    { schema: kickOffSchema("fhirExportPatients", `Patient-level ${KICK_OFF_SUMMARY}`) },
    kickOff("patient"),
  );
  fhir.get(
    "/Group/:id/$export",
    {
      schema: {
        ...kickOffSchema(
          "fhirExportGroup",
          `Group-level ${KICK_OFF_SUMMARY}; the Group is a saved cohort's id`,
        ),
        params: z.object({ id: z.string().max(64) }),
      },
    },
    kickOff("group"),
  );

  fhir.post(
    "/$export",
    {
      schema: kickOffSchema(
        "fhirExportSystemPost",
        `System-level ${KICK_OFF_SUMMARY}, ${POST_SUMMARY}`,
        true,
      ),
    },
    kickOff("system"),
  );
  fhir.post(
    "/Patient/$export",
    {
      schema: kickOffSchema(
        "fhirExportPatientsPost",
        `Patient-level ${KICK_OFF_SUMMARY}, ${POST_SUMMARY}`,
        true,
      ),
    },
    kickOff("patient"),
  );
  fhir.post(
    "/Group/:id/$export",
    {
      schema: {
        ...kickOffSchema("fhirExportGroupPost", `Group-level ${KICK_OFF_SUMMARY}, ${POST_SUMMARY}`, true),
        params: z.object({ id: z.string().max(64) }),
      },
    },
    kickOff("group"),
  );

  // the Group a Group export covers (the IG: a server SHOULD support reading it); a static
  // segment, so it takes precedence over the read route's /:type/:id
  fhir.get(
    "/Group/:id",
    {
      schema: {
        tags: ["fhir"],
        operationId: "fhirReadGroup",
        summary: "FHIR R4 read of a Group: a saved cohort and its members as you may see them now",
        params: z.object({ id: z.string().max(64) }),
        response: { 200: fhirResource("Group", "The saved cohort as a Group"), ...OUTCOMES },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      reply.type(FHIR_JSON);
      return readGroup(ctxOf(request), id);
    },
  );

  const JobParams = z.object({ id: z.string().max(64) });

  fhir.get(
    "/$export-status/:id",
    {
      schema: {
        tags: ["fhir"],
        operationId: "fhirExportStatus",
        summary:
          "Bulk export status: 202 (X-Progress, Retry-After) while running, 200 with the manifest when done",
        params: JobParams,
        response: {
          200: Manifest,
          202: fhirResource("OperationOutcome", "Still running: X-Progress says how far"),
          ...OUTCOMES,
          500: fhirResource("OperationOutcome", "The export failed: the OperationOutcome says why"),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const status = await exportStatus(ctxOf(request), id, fileUrl(request, id));
      if (status.state === "completed") {
        reply
          .code(200)
          .type("application/json; charset=utf-8")
          .header("expires", status.expires.toUTCString());
        return status.manifest;
      }
      reply.type(FHIR_JSON);
      if (status.state === "failed") {
        reply.code(500);
        return operationOutcome([{ code: "exception", diagnostics: status.message }]);
      }
      reply.code(202).header("x-progress", status.progress).header("retry-after", String(RETRY_AFTER_S));
      return operationOutcome([{ code: "informational", diagnostics: status.progress }], "information");
    },
  );

  fhir.delete(
    "/$export-status/:id",
    {
      schema: {
        tags: ["fhir"],
        operationId: "fhirExportCancel",
        summary: "Cancel a bulk export (or remove a finished one's files); its status is then 404",
        params: JobParams,
        response: { 202: fhirResource("OperationOutcome", "Cancelled"), ...OUTCOMES },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await cancelExport(ctxOf(request), id);
      reply.code(202).type(FHIR_JSON);
      return operationOutcome(
        [{ code: "informational", diagnostics: `Export ${id} is cancelled.` }],
        "information",
      );
    },
  );

  fhir.get(
    "/$export-file/:id/:file",
    {
      schema: {
        tags: ["fhir"],
        operationId: "fhirExportFile",
        summary: "One bulk export output file: NDJSON of one resource type (only for who started the export)",
        params: z.object({ id: z.string().max(64), file: z.string().max(80) }),
        response: { 200: fileBody([NDJSON], "One FHIR resource per line"), ...OUTCOMES },
      },
    },
    async (request, reply) => {
      const { id, file } = request.params as { id: string; file: string };
      const type = file.replace(/\.ndjson$/, "");
      const out = await exportFile(ctxOf(request), id, type);
      reply.type(NDJSON).header("x-resource-count", String(out.lines));
      return reply.send(await downloadBody(request, reply, Readable.from(out.parts())));
    },
  );
}
