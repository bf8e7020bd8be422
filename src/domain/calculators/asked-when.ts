/**
 * When a form's question applies. Some inputs of a calculator only mean something after another
 * answer (whether fever-masking therapy was given, once CRS is already diagnosed; the oxygen flow,
 * once oxygen is given). The calculator states that beside the field, in its JSON Schema under
 * `x-askedWhen`, so the web form shows the question only when it applies and never sends an answer
 * left behind by an earlier choice (issue 11: a stale hidden answer was refused by the rule it no
 * longer concerned). The condition is data here and read by the form, so the rule has one home.
 */

/** The question applies when `field` has been answered and its answer meets every bound given. */
export interface AskedWhen {
  field: string;
  /** a number at or above this */
  atLeast?: number;
  /** one of these answers */
  in?: readonly (string | boolean)[];
  /** any answer but these */
  notIn?: readonly (string | boolean)[];
}

/** The JSON Schema keyword under which a field's condition travels (an `x-` extension). */
export const ASKED_WHEN_KEY = "x-askedWhen";

/** Metadata for zod's `.meta()`: the field is asked only when `condition` holds. */
export const askedWhen = (condition: AskedWhen) => ({ [ASKED_WHEN_KEY]: condition });

/** Whether the question applies, given the other answers; an unanswered `field` means it does not yet. */
export function isAsked(condition: AskedWhen, answers: Readonly<Record<string, unknown>>): boolean {
  const v = answers[condition.field];
  if (v === undefined || v === null) return false;
  if (condition.atLeast !== undefined && !(typeof v === "number" && v >= condition.atLeast)) return false;
  if (condition.in && !condition.in.includes(v as string | boolean)) return false;
  if (condition.notIn?.includes(v as string | boolean)) return false;
  return true;
}
