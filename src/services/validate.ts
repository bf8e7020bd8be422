/**
 * Services re-validate their input with the same zod schemas the HTTP layer uses, so the CLI, the
 * demo loader and imports get identical checks. All problems are reported at once, each with its
 * JSON path.
 */
import type { z } from "zod";
import { type Issue, issueBound, issueCode, toJsonPointer, validationError } from "../domain/errors.ts";

export function zodIssues(error: z.ZodError, prefix: PropertyKey[] = []): Issue[] {
  return error.issues.map((i) => ({
    path: toJsonPointer([...prefix, ...i.path]),
    message: i.message,
    code: issueCode(i),
    ...issueBound(i),
  }));
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(zodIssues(result.error));
  return result.data;
}
