/**
 * Request validation that reports every problem at once. Fastify validates params, body, query
 * and headers one part at a time and stops at the first failing part; we instead parse all parts
 * with their zod schemas in one preValidation hook, collect every issue with its location and
 * JSON Pointer, and replace each part with the parsed (coerced, defaulted) value. Fastify's own
 * validator is then a pass-through, so nothing is parsed twice.
 */
import type { FastifyRequest } from "fastify";
import type { z } from "zod";
import { issueBound, issueCode, toJsonPointer } from "../domain/errors.ts";
import { bodyWasScanned, findNulPath } from "./json-body.ts";
import { HttpValidationError, type IssueLocation, type ProblemIssue } from "./problem.ts";

const PARTS: [
  keyof FastifyRequest & ("params" | "body" | "query" | "headers"),
  "params" | "body" | "querystring" | "headers",
  IssueLocation,
][] = [
  ["params", "params", "path"],
  ["query", "querystring", "query"],
  ["headers", "headers", "header"],
  ["body", "body", "body"],
];

export async function validateRequest(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema as Partial<Record<string, z.ZodType>> | undefined;
  if (!schema) return;
  const issues: ProblemIssue[] = [];
  const parsed: Partial<Record<string, unknown>> = {};
  for (const [prop, key, where] of PARTS) {
    const s = schema[key];
    if (!s) continue;
    if (prop === "body" && request.routeOptions.config?.bodyValidatedByService) {
      const nulInBody = bodyWasScanned(request) ? null : findNulPath(request.body);
      if (nulInBody)
        issues.push({
          in: "body",
          pointer: toJsonPointer(nulInBody),
          detail: "Text must not contain NUL characters",
          code: "nul_character",
        });
      continue;
    }
    const value = request[prop];
    // PostgreSQL text cannot hold U+0000: refuse it with a pointer instead of failing in SQL. A JSON
    // body was already scanned by its parser (json-body.ts).
    const nul = prop === "body" && bodyWasScanned(request) ? null : findNulPath(value);
    if (nul) {
      issues.push({
        in: where,
        pointer: toJsonPointer(nul),
        detail: "Text must not contain NUL characters",
        code: "nul_character",
      });
      continue;
    }
    const result = s.safeParse(value ?? (where === "body" ? undefined : {}));
    if (result.success) parsed[prop] = result.data;
    else
      for (const i of result.error.issues)
        issues.push({
          in: where,
          pointer: toJsonPointer(i.path),
          detail: i.message,
          code: issueCode(i),
          ...issueBound(i),
        });
  }
  if (issues.length > 0) throw new HttpValidationError(issues);
  for (const [prop, value] of Object.entries(parsed)) {
    if (prop === "headers") continue; // keep the raw headers object
    (request as unknown as Record<string, unknown>)[prop] = value;
  }
}
