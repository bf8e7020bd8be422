import { expect } from "vitest";
import { DomainError, type Issue } from "../../src/domain/errors.ts";

/** Runs `run` expecting a validation DomainError; returns its issues (fails the test otherwise). */
export function issuesOf(run: () => unknown): Issue[] {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe("validation");
    return (e as DomainError).issues;
  }
  throw new Error("expected a validation error, got a result");
}

/** The JSON Pointer paths of the validation issues `run` raises. */
export const pathsOf = (run: () => unknown): string[] => issuesOf(run).map((i) => i.path);
