/**
 * FHIR R4 read and search under /fhir/R4/ (decision 0031): the CapabilityStatement at `metadata`,
 * `GET /fhir/R4/{type}` (searchset Bundle with a `next` link while more remain) and
 * `GET /fhir/R4/{type}/{id}`. Bodies are application/fhir+json; every error, authentication's
 * included, is an OperationOutcome with the status /api/v1 would give. Authentication, site and
 * role rules are those of /api/v1: the same actor, the same permissions (services/fhir-resources.ts).
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { DomainError } from "../../domain/errors.ts";
import {
  capabilityStatement,
  type IssueType,
  isResourceType,
  operationOutcome,
  parseSearch,
  RESOURCE_TYPES,
  type ResourceType,
  searchset,
} from "../../fhir/index.ts";
import { readFhir, searchFhir } from "../../services/fhir-resources.ts";
import { fhirResource } from "../openapi.ts";
import { problemFor } from "../problem.ts";
import { fhirBulkRoutes } from "./fhir-bulk.ts";
import { ctxOf } from "./support.ts";

export const FHIR_BASE_PATH = "/fhir/R4";
export const FHIR_JSON = "application/fhir+json; charset=utf-8";

export const fhirBaseUrl = (request: FastifyRequest) =>
  `${request.protocol}://${request.host}${FHIR_BASE_PATH}`;

const ISSUE_TYPE: Partial<Record<string, IssueType>> = {
  validation: "invalid",
  unauthenticated: "login",
  forbidden: "forbidden",
  "not-found": "not-found",
  conflict: "conflict",
  "rate-limited": "too-costly",
};

/**
 * The problem+json mapping decides the status (one place for that, src/http/problem.ts); the body
 * is the same message and issues as an OperationOutcome.
 */
export function sendOperationOutcome(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const problem = problemFor(error, request);
  if (problem.status >= 500) request.log.error({ err: error }, "unhandled error");
  const code =
    error instanceof DomainError
      ? (ISSUE_TYPE[error.code] ?? "exception")
      : problem.status < 500
        ? "invalid"
        : "exception";
  const issues = [
    { code, diagnostics: problem.detail },
    ...(problem.errors ?? []).map((e) => ({
      code,
      diagnostics: e.detail,
      expression: [e.pointer.replace(/^\//, "").replaceAll("/", ".") || e.in],
    })),
  ];
  if (problem.status === 401) reply.header("www-authenticate", 'Bearer realm="vein2vein"');
  return reply.code(problem.status).type(FHIR_JSON).send(operationOutcome(issues));
}

const TypeParams = z.object({ type: z.string().max(64) });
const ReadParams = z.object({ type: z.string().max(64), id: z.string().max(64) });

function resourceTypeOf(type: string): ResourceType {
  if (!isResourceType(type))
    throw new DomainError(
      "not-found",
      `This server serves no resource type "${type}"; it serves ${RESOURCE_TYPES.join(", ")}.`,
    );
  return type;
}

/** The query as URL parameters, repeated keys kept, the cursor replaced. */
function queryString(query: Record<string, unknown>, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === "_cursor") continue;
    for (const value of Array.isArray(v) ? v : [v]) params.append(k, String(value));
  }
  if (cursor) params.append("_cursor", cursor);
  const s = params.toString();
  return s ? `?${s}` : "";
}

/** FHIR answers a refusal with an OperationOutcome, not problem+json. */
const OUTCOMES = Object.fromEntries(
  [400, 401, 403, 404].map((status) => [
    status,
    fhirResource("OperationOutcome", "Refused: the OperationOutcome says why"),
  ]),
);

export async function fhirRoutes(app: FastifyInstance) {
  await app.register(
    async (fhir) => {
      fhir.setErrorHandler((error, request, reply) => sendOperationOutcome(error, request, reply));
      // anything else under /fhir/R4/ is not a FHIR interaction we serve (not the web app's page)
      fhir.all("/*", { schema: { hide: true } }, (request) => {
        throw new DomainError(
          "not-found",
          `No FHIR interaction ${request.method} ${request.url.split("?")[0]}.`,
        );
      });

      await fhir.register(fhirBulkRoutes);

      fhir.get(
        "/metadata",
        {
          schema: {
            tags: ["fhir"],
            operationId: "fhirCapabilities",
            summary: "FHIR R4 CapabilityStatement (no login needed)",
            response: {
              200: fhirResource("CapabilityStatement", "What this server does, per resource type"),
              ...OUTCOMES,
            },
          },
          config: { public: true },
        },
        (request, reply) => {
          reply.type(FHIR_JSON);
          return capabilityStatement(
            fhirBaseUrl(request),
            request.server.appConfig.version ?? "0.1.0",
            request.server.now(),
          );
        },
      );

      fhir.get(
        "/:type",
        {
          schema: {
            tags: ["fhir"],
            operationId: "fhirSearch",
            summary:
              "FHIR R4 search: _id, _lastUpdated, _count, patient, code, date (ge/gt/le/lt) as the CapabilityStatement lists per type; a searchset Bundle",
            params: TypeParams,
            response: { 200: fhirResource("Bundle", "A searchset Bundle with next links"), ...OUTCOMES },
          },
        },
        async (request, reply) => {
          const type = resourceTypeOf((request.params as { type: string }).type);
          const query = request.query as Record<string, unknown>;
          const { search, problems } = parseSearch(type, query);
          if (problems.length > 0)
            throw new DomainError(
              "validation",
              "The search has problems.",
              problems.map((p) => ({ path: `/${p.parameter}`, message: p.message })),
            );
          const result = await searchFhir(ctxOf(request), type, search);
          const base = fhirBaseUrl(request);
          reply.type(FHIR_JSON);
          return searchset(
            result.resources,
            {
              self: `${base}/${type}${queryString(query, search.after)}`,
              ...(result.nextCursor
                ? { next: `${base}/${type}${queryString(query, result.nextCursor)}` }
                : {}),
            },
            base,
            request.server.now(),
          );
        },
      );

      fhir.get(
        "/:type/:id",
        {
          schema: {
            tags: ["fhir"],
            operationId: "fhirRead",
            summary:
              "FHIR R4 read (Patient: ?identity=true adds identity where your role may read it, audited)",
            params: ReadParams,
            response: { 200: fhirResource(undefined, "The resource"), ...OUTCOMES },
          },
        },
        async (request, reply) => {
          const { type: rawType, id } = request.params as { type: string; id: string };
          const type = resourceTypeOf(rawType);
          const query = request.query as Record<string, unknown>;
          const identity = type === "Patient" && query.identity === "true";
          const resource = await readFhir(ctxOf(request), type, id, { identity });
          reply.type(FHIR_JSON);
          reply.header("etag", `W/"${resource.meta?.versionId ?? "1"}"`);
          if (resource.meta?.lastUpdated)
            reply.header("last-modified", new Date(resource.meta.lastUpdated).toUTCString());
          return resource;
        },
      );
    },
    { prefix: FHIR_BASE_PATH },
  );
}
