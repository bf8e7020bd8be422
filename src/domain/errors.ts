/**
 * One transport-neutral error type for every layer. HTTP maps `code` to a status and a
 * problem+json `type` in one place (src/http/problem.ts); the CLI maps it to an exit code.
 * The domain never knows about HTTP.
 */
export type ErrorCode =
  | "validation" // input is malformed or breaks a rule about its own shape
  | "unauthenticated"
  | "forbidden" // authenticated, but the role may not do this
  | "not-found" // absent, or outside the actor's sites (we do not reveal which)
  | "conflict" // uniqueness clash or stale version given in the body
  | "precondition-failed" // stale If-Match
  | "precondition-required" // update without any version
  | "rule-violation" // a clinical or workflow rule refuses the action
  | "rate-limited"
  | "database-locked" // the embedded data directory is held by another process
  | "database-unavailable"; // PostgreSQL refused or lost the connection, or is shutting down

export interface Issue {
  /** JSON path of the offending value, e.g. "/observations/3/valueNumber". "" is the whole input. */
  path: string;
  message: string;
  /** stable machine-readable code for the issue, e.g. "too_small", "invalid_loinc_check_digit" */
  code?: string;
  /** for too_big / too_small: the bound, so a screen can say "at most 45 °C" in its own language */
  limit?: number;
  /** whether the bound itself is allowed (≤ rather than <) */
  inclusive?: boolean;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly issues: Issue[];
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, issues: Issue[] = [], details: Record<string, unknown> = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.issues = issues;
    this.details = details;
  }
}

export const validationError = (issues: Issue[], message = "The input has problems; nothing was written.") =>
  new DomainError("validation", message, issues);

export const notFound = (entity: string, id: string) =>
  new DomainError("not-found", `No ${entity} with id ${id} is visible to you.`, [], { entity, id });

export const forbidden = (message: string) => new DomainError("forbidden", message);

/** Convert an array-of-segments path (zod style) into a JSON Pointer (RFC 6901). */
export function toJsonPointer(segments: ReadonlyArray<PropertyKey>): string {
  if (segments.length === 0) return "";
  return `/${segments.map((s) => String(s).replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;
}

/**
 * The bound a zod too_big/too_small issue broke, as a number, so the screens can word it in the
 * user's language instead of showing zod's English ("Too big: expected number to be <=45").
 */
export function issueBound(i: { code: string; maximum?: unknown; minimum?: unknown; inclusive?: boolean }): {
  limit?: number;
  inclusive?: boolean;
} {
  if (i.code === "too_big" && typeof i.maximum === "number")
    return { limit: i.maximum, inclusive: i.inclusive ?? true };
  if (i.code === "too_small" && typeof i.minimum === "number")
    return { limit: i.minimum, inclusive: i.inclusive ?? true };
  return {};
}

/**
 * Where a rule reports its own input checks: zod's refinement context, described by the one method
 * used, so this module needs no zod.
 */
interface CheckSink {
  addIssue(issue: { code: "custom"; path: PropertyKey[]; message: string; params: { code: string } }): void;
}

/**
 * Reports a rule's own input check at `path` with its stable `code` (read back by issueCode as the
 * problem's issue code), which the web app words in the reader's language (issue.rule.*; issue 11).
 * The one way every calculator raises its checks.
 */
export function ruleIssue(ctx: CheckSink, path: PropertyKey[], message: string, code: string): void {
  ctx.addIssue({ code: "custom", path, message, params: { code } });
}

/** A zod issue's code; for a rule's own (custom) issue, the stable code it names in `params.code`. */
export function issueCode(i: { code: string; params?: unknown }): string {
  const own = i.code === "custom" ? (i.params as { code?: unknown } | undefined)?.code : undefined;
  return typeof own === "string" ? own : i.code;
}
