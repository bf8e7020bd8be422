/**
 * Condition (https://hl7.org/fhir/R4/condition.html). Our clinical status values are R4's
 * condition-clinical codes (src/domain/code-systems.ts). A recorded diagnosis is "confirmed"; a
 * row entered in error would be "entered-in-error", but conditions are corrected by update.
 */
import type { Condition } from "@medplum/fhirtypes";
import { patientRef } from "./references.ts";
import { HL7_SYSTEMS } from "./systems.ts";
import { fhirDate, metaOf } from "./time.ts";

export interface ConditionRecord {
  id: string;
  patient_id: string;
  code_system: string;
  code: string;
  display: string;
  onset_date: string | null;
  abatement_date: string | null;
  clinical_status: string;
  note: string | null;
  created_at: Date;
  version: number;
  updated_at: Date;
}

export function toCondition(c: ConditionRecord): Condition {
  return {
    resourceType: "Condition",
    id: c.id,
    meta: metaOf(c),
    clinicalStatus: { coding: [{ system: HL7_SYSTEMS.conditionClinical, code: c.clinical_status }] },
    verificationStatus: { coding: [{ system: HL7_SYSTEMS.conditionVerification, code: "confirmed" }] },
    category: [{ coding: [{ system: HL7_SYSTEMS.conditionCategory, code: "problem-list-item" }] }],
    code: { coding: [{ system: c.code_system, code: c.code, display: c.display }], text: c.display },
    subject: patientRef(c.patient_id),
    ...(c.onset_date ? { onsetDateTime: fhirDate(c.onset_date) } : {}),
    // con-4: an abatement needs a clinical status of inactive, resolved or remission
    ...(c.abatement_date && ["inactive", "resolved", "remission"].includes(c.clinical_status)
      ? { abatementDateTime: fhirDate(c.abatement_date) }
      : {}),
    recordedDate: c.created_at.toISOString(),
    ...(c.note ? { note: [{ text: c.note }] } : {}),
  };
}
