/**
 * The shape every derived endpoint shares: a value with the date it was reached, that date's
 * study day, the ids of the records it was derived from and the rule with its source, so a reader
 * can check any endpoint by hand. When the record cannot answer, the endpoint says so and why
 * ("not evaluable") instead of guessing; when it can and the answer is "not reached", the status
 * is "not-met".
 */
import { studyDay } from "../study-day.ts";

export type EndpointStatus = "met" | "not-met" | "not-evaluable";

export type RecordKind = "observation" | "medication" | "assessment" | "event";

export interface RecordRef {
  kind: RecordKind;
  id: string;
}

export interface Endpoint {
  /** stable key, e.g. "car-cmax", "seroconversion-anti-dsdna" */
  key: string;
  title: string;
  status: EndpointStatus;
  value: number | string | boolean | null;
  unit: string | null;
  /** site-local calendar date the endpoint was reached (YYYY-MM-DD) */
  date: string | null;
  studyDay: number | null;
  derivedFrom: RecordRef[];
  rule: string;
  source: string;
  /** one sentence per fact that decided the result; the reason it is not evaluable comes first */
  reasons: string[];
  details?: Record<string, unknown>;
}

/** The parts of an endpoint that never change between outcomes. */
export interface EndpointDefinition {
  key: string;
  title: string;
  rule: string;
  source: string;
}

export function notEvaluable(
  def: EndpointDefinition,
  reason: string,
  derivedFrom: RecordRef[] = [],
): Endpoint {
  return {
    ...def,
    status: "not-evaluable",
    value: null,
    unit: null,
    date: null,
    studyDay: null,
    derivedFrom,
    reasons: [reason],
  };
}

export function reached(
  def: EndpointDefinition,
  r: {
    status?: EndpointStatus;
    value: Endpoint["value"];
    unit?: string | null;
    date: string | null;
    day0: string | null;
    derivedFrom: RecordRef[];
    reasons: string[];
    details?: Record<string, unknown>;
  },
): Endpoint {
  return {
    ...def,
    status: r.status ?? "met",
    value: r.value,
    unit: r.unit ?? null,
    date: r.date,
    studyDay: r.date && r.day0 ? studyDay(r.date, r.day0) : null,
    derivedFrom: r.derivedFrom,
    reasons: r.reasons,
    ...(r.details ? { details: r.details } : {}),
  };
}
