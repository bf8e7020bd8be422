/**
 * Every error leaves the server as RFC 9457 application/problem+json, mapped here in one place.
 * `type` is a stable URI per error code, `errors` lists every problem with where it is
 * (body, query, path, header) and its JSON Pointer. Anything unexpected becomes a 500 with no
 * detail beyond the request id: stack traces go to the log, never to the client.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { DomainError, type ErrorCode, type Issue } from "../domain/errors.ts";

export const PROBLEM_BASE = "https://vein2vein.org/problems/";

const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  "precondition-failed": 412,
  "precondition-required": 428,
  "rule-violation": 422,
  "rate-limited": 429,
  "database-locked": 503,
  "database-unavailable": 503,
};

const TITLE: Record<ErrorCode, string> = {
  validation: "Invalid input",
  unauthenticated: "Authentication required",
  forbidden: "Not allowed for your role",
  "not-found": "Not found",
  conflict: "Conflict",
  "precondition-failed": "Version mismatch",
  "precondition-required": "Version required",
  "rule-violation": "Refused by a rule",
  "rate-limited": "Too many requests",
  "database-locked": "Database in use",
  "database-unavailable": "Database unavailable",
};

export type IssueLocation = "body" | "query" | "path" | "header";

export interface ProblemIssue {
  in: IssueLocation;
  pointer: string;
  detail: string;
  code?: string;
  limit?: number;
  inclusive?: boolean;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: ProblemIssue[];
  [extra: string]: unknown;
}

/**
 * The problem+json body as a zod schema: every 4xx a route declares refers to it (openapi.ts), so
 * the document and the generated client types name one shape. Loose, because a DomainError may add
 * details (retryAfterSeconds, the refused rule) that must reach the client; test/unit/http-contract
 * checks it is the `Problem` type above.
 */
export const ProblemIssueSchema = z.object({
  in: z.enum(["body", "query", "path", "header"]),
  pointer: z.string().describe("JSON Pointer into the part named by `in`"),
  detail: z.string(),
  code: z.string().optional(),
  limit: z.number().optional().describe("the bound a too-big or too-small value broke"),
  inclusive: z.boolean().optional().describe("whether the bound itself is allowed"),
});
export const ProblemSchema = z
  .looseObject({
    type: z.string().describe(`${PROBLEM_BASE}<error code>`),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string(),
    errors: z.array(ProblemIssueSchema).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details; nothing was changed" });

/** Issues raised by services are about the request body unless they say otherwise. */
export class HttpValidationError extends DomainError {
  readonly located: ProblemIssue[];
  constructor(located: ProblemIssue[]) {
    super("validation", "The request has problems; nothing was written.");
    this.located = located;
  }
}

const fromIssues = (issues: Issue[], where: IssueLocation): ProblemIssue[] =>
  issues.map((i) => ({
    in: where,
    pointer: i.path,
    detail: i.message,
    ...(i.code ? { code: i.code } : {}),
    ...(i.limit !== undefined ? { limit: i.limit, inclusive: i.inclusive ?? true } : {}),
  }));

export function problemFor(thrown: unknown, request: FastifyRequest): Problem {
  const base = { instance: request.url, requestId: request.id };
  const error = databaseUnreachable(thrown as { code?: unknown })
    ? new DomainError(
        "database-unavailable",
        "The database cannot be reached just now. Try again in a moment; if you were saving, check " +
          `whether it was saved before saving it again. Quote request ${request.id}.`,
      )
    : thrown;
  if (error instanceof DomainError) {
    const status = STATUS[error.code];
    const errors = error instanceof HttpValidationError ? error.located : fromIssues(error.issues, "body");
    return {
      type: PROBLEM_BASE + error.code,
      title: TITLE[error.code],
      status,
      detail: error.message,
      ...base,
      ...(errors.length ? { errors } : {}),
      ...error.details,
    };
  }
  const fe = error as FastifyError & { code?: string };
  // PostgreSQL errors that slipped past validation are still the client's input, not our crash.
  if (typeof fe.code === "string" && /^2[23][0-9A-Z]{3}$/.test(fe.code)) {
    const conflict = fe.code.startsWith("23");
    return {
      type: PROBLEM_BASE + (conflict ? "conflict" : "validation"),
      title: conflict ? TITLE.conflict : TITLE.validation,
      status: conflict ? 409 : 400,
      detail: conflict ? "The change conflicts with existing data." : "A value could not be stored.",
      ...base,
    };
  }
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.code ?? "bad-request";
    return {
      type:
        PROBLEM_BASE +
        String(code)
          .toLowerCase()
          .replace(/^fst_err_/, "")
          .replaceAll("_", "-"),
      title:
        fe.statusCode === 413
          ? "Request too large"
          : fe.statusCode === 415
            ? "Unsupported media type"
            : "Bad request",
      status: fe.statusCode,
      detail: fe.message,
      ...base,
    };
  }
  return {
    type: `${PROBLEM_BASE}internal`,
    title: "Internal error",
    status: 500,
    detail: `Something went wrong on our side; nothing you sent was stored unless it was acknowledged. Quote request ${request.id}.`,
    ...base,
  };
}

/**
 * The database server cannot be reached, refused the connection or is going away: not the
 * request's fault and not a bug of ours, so a 503 the client may retry (RFC 9110 §15.6.4), rather
 * than a 500. Node's socket errors, then PostgreSQL's SQLSTATEs (PostgreSQL documentation,
 * Appendix A "PostgreSQL Error Codes"): class 08 connection exception, 53300
 * too_many_connections, 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now;
 * then node-postgres's own words for a connection that ended, which carry no code.
 */
const UNREACHABLE_SOCKET = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const UNREACHABLE_SQLSTATE = /^(08[0-9A-Z]{3}|53300|57P0[123])$/;
const CONNECTION_ENDED =
  /^(Connection terminated|Client has encountered a connection error and is not queryable)/;

function databaseUnreachable(error: { code?: unknown; message?: unknown; syscall?: unknown }): boolean {
  if (typeof error?.code === "string")
    // A socket error names its system call; a request its client aborted is an ECONNRESET without one.
    return (
      (UNREACHABLE_SOCKET.has(error.code) && typeof error.syscall === "string") ||
      UNREACHABLE_SQLSTATE.test(error.code)
    );
  return typeof error?.message === "string" && CONNECTION_ENDED.test(error.message);
}

/** Seconds a client is asked to wait before trying again after a 503 for an unreachable database. */
const RETRY_AFTER_UNAVAILABLE = 5;

export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const problem = problemFor(error, request);
  if (problem.status >= 500 && problem.status !== 503) request.log.error({ err: error }, "unhandled error");
  else if (problem.type === `${PROBLEM_BASE}database-unavailable`) {
    request.log.warn({ err: error }, "the database cannot be reached");
    reply.header("retry-after", String(RETRY_AFTER_UNAVAILABLE));
  } else request.log.info({ status: problem.status, type: problem.type }, "request refused");
  if (problem.status === 401) reply.header("www-authenticate", 'Bearer realm="vein2vein"');
  return reply.code(problem.status).type("application/problem+json; charset=utf-8").send(problem);
}
