/**
 * The field errors of a problem+json answer as `{path, message}` for the screens: `path` is the
 * JSON Pointer into the body sent (prefixed with `query:` or `params:` for those), `message` what
 * is wrong there (src/http/problem.ts sends `errors: [{in, pointer, detail}]`).
 */
import { ApiError } from "./client.ts";

export interface FieldIssue {
  path: string;
  message: string;
}

export function problemErrors(e: unknown): FieldIssue[] {
  if (!(e instanceof ApiError)) return [];
  return (e.problem.errors ?? []).map((x) => ({
    path: x.in && x.in !== "body" ? `${x.in}:${x.pointer}` : x.pointer,
    message: x.detail,
  }));
}
