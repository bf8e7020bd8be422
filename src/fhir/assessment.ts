/**
 * Our calculator assessments (CRS and ICANS grades, SLEDAI-2K, Lugano, DORIS…) as Observations
 * with category "survey" (R4 observation-category: "assessment tool/survey instrument
 * observations"). The code names the calculator in our local code system, since no LOINC code
 * exists for most of these rule sets; the value is the calculator's main result and each input
 * the clinician gave is a component, so a reader can re-run the rule.
 */
import type { Observation, ObservationComponent } from "@medplum/fhirtypes";
import { findCalculator } from "../domain/calculators/index.ts";
import { patientRef } from "./references.ts";
import { HL7_SYSTEMS, LOCAL_SYSTEMS } from "./systems.ts";
import { metaOf } from "./time.ts";

export interface AssessmentRecord {
  id: string;
  patient_id: string;
  calculator: string;
  assessed_at: Date;
  inputs: unknown;
  result: unknown;
  label: string;
  rule_set: string;
  rule_set_version: string;
  status: string;
  note: string | null;
  created_at: Date;
  version: number;
  updated_at: Date;
}

/** The calculator's main result (`result.value`), whatever its type. */
export const assessmentValue = (a: AssessmentRecord): unknown =>
  a.result !== null && typeof a.result === "object" ? (a.result as { value?: unknown }).value : undefined;

const calculatorTitle = (name: string) => findCalculator(name)?.title ?? name;

/** Flattens the inputs to dotted paths (`hypotension`, `ice.orientation`), one component each. */
function flatten(value: unknown, path: string, out: [string, unknown][]) {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out);
  } else if (path) out.push([path, value]);
}

const DATA_ABSENT = {
  coding: [{ system: "http://terminology.hl7.org/CodeSystem/data-absent-reason", code: "not-asked" }],
};

function component(calculator: string, path: string, value: unknown): ObservationComponent {
  const code = { coding: [{ system: LOCAL_SYSTEMS.calculator, code: `${calculator}#${path}` }], text: path };
  if (typeof value === "boolean") return { code, valueBoolean: value };
  if (typeof value === "number")
    return Number.isInteger(value) ? { code, valueInteger: value } : { code, valueQuantity: { value } };
  if (typeof value === "string")
    return value === "" ? { code, dataAbsentReason: DATA_ABSENT } : { code, valueString: value };
  if (value === null || value === undefined) return { code, dataAbsentReason: DATA_ABSENT };
  return { code, valueString: JSON.stringify(value) };
}

export function assessmentComponents(a: AssessmentRecord): ObservationComponent[] {
  const pairs: [string, unknown][] = [];
  flatten(a.inputs, "", pairs);
  return pairs.map(([path, value]) => component(a.calculator, path, value));
}

export function assessmentToObservation(a: AssessmentRecord): Observation {
  const value = assessmentValue(a);
  const resource: Observation = {
    resourceType: "Observation",
    id: a.id,
    meta: metaOf(a),
    status: a.status === "entered-in-error" ? "entered-in-error" : "final",
    category: [{ coding: [{ system: HL7_SYSTEMS.observationCategory, code: "survey" }] }],
    code: {
      coding: [
        { system: LOCAL_SYSTEMS.calculator, code: a.calculator, display: calculatorTitle(a.calculator) },
      ],
      text: calculatorTitle(a.calculator),
    },
    subject: patientRef(a.patient_id),
    effectiveDateTime: a.assessed_at.toISOString(),
    issued: a.created_at.toISOString(),
    method: { text: `${a.rule_set} (our encoding v${a.rule_set_version})` },
  };
  if (typeof value === "number" && Number.isInteger(value)) resource.valueInteger = value;
  else if (typeof value === "number") resource.valueQuantity = { value };
  else if (typeof value === "boolean") resource.valueBoolean = value;
  else resource.valueString = a.label;
  const components = assessmentComponents(a);
  if (components.length > 0) resource.component = components;
  const note = [a.label, a.note].filter((t): t is string => Boolean(t));
  resource.note = note.map((text) => ({ text }));
  return resource;
}
