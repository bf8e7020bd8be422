/**
 * The demo describes each patient as a plain "plan" (what to record) before anything is written.
 * Keeping the story as data separates the clinical content, which reviewers read, from the
 * loading, which only calls services; and it lets tests inspect a plan without a database.
 */
import type { z } from "zod";
import type { AssessmentCreate } from "../domain/schemas/assessment.ts";
import type {
  ClinicalEventCreate,
  ConditionCreate,
  MedicationCreate,
  ObservationCreate,
} from "../domain/schemas/clinical.ts";
import type { IdentityInput } from "../domain/schemas/patient.ts";
import type { EnrolmentCreate } from "../domain/schemas/study.ts";
import type { AdverseEventPlan } from "./adverse-events.ts";
import { type LabKey, LOINC } from "./codes.ts";

export type SiteCode = "SZ" | "WH";

type WithoutPatient<T> = Omit<T, "patientId">;
export type ConditionPlan = WithoutPatient<z.input<typeof ConditionCreate>>;
export type MedicationPlan = WithoutPatient<z.input<typeof MedicationCreate>>;
export type EventPlan = WithoutPatient<z.input<typeof ClinicalEventCreate>>;
export type ObservationPlan = WithoutPatient<z.input<typeof ObservationCreate>>;
export type EnrolmentPlan = Omit<z.input<typeof EnrolmentCreate>, "patientId" | "studyId">;
/** A stored calculator assessment (AssessmentCreate): the result is computed by the service, never typed in. */
export type AssessmentPlan = z.input<typeof AssessmentCreate>;

export interface PatientPlan {
  /** a stable name for messages and tests, e.g. "reference" or "cohort-07" */
  label: string;
  siteCode: SiteCode;
  birthYear: number;
  sex: "female" | "male";
  identity?: z.input<typeof IdentityInput>;
  conditions: ConditionPlan[];
  enrolment?: EnrolmentPlan;
  medications: MedicationPlan[];
  events: EventPlan[];
  observations: ObservationPlan[];
  assessments?: AssessmentPlan[];
  adverseEvents?: AdverseEventPlan[];
}

/**
 * An instant on a calendar day at both demo sites. Both are in Asia/Shanghai, which has had no
 * daylight saving since 1991, so +08:00 is always the right offset.
 */
export function at(date: string, time = "08:00"): string {
  return `${date}T${time}:00+08:00`;
}

/** One observation of a demo analyte: a number with the table's UCUM unit, or a coded result. */
export function obs(
  key: LabKey,
  effectiveAt: string,
  value: number | string,
  note?: string,
): ObservationPlan {
  const c = LOINC[key];
  const base = { code: c.code, display: c.display, effectiveAt, ...(note ? { note } : {}) };
  if (typeof value === "string") return { ...base, valueCode: value };
  if (!c.unit) throw new Error(`LOINC ${c.code} is coded; give a code, not ${value}`);
  return { ...base, valueNumber: value, unit: c.unit };
}

/** Observations of several analytes taken at one draw. */
export function panel(
  effectiveAt: string,
  values: Partial<Record<LabKey, number | string | undefined>>,
): ObservationPlan[] {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => obs(k as LabKey, effectiveAt, v as number | string));
}
