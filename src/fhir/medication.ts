/**
 * MedicationStatement from our medication courses (https://hl7.org/fhir/R4/medicationstatement.html):
 * a course with a start and maybe a stop date is a statement of what was taken over a period, not
 * a record of one administration. Our statuses are R4 medication-statement-status codes. Doses
 * are UCUM (checked on entry, src/domain/schemas/clinical.ts); drug codes are WHO ATC as stored.
 */
import type { MedicationStatement } from "@medplum/fhirtypes";
import { patientRef } from "./references.ts";
import { CODE_SYSTEMS } from "./systems.ts";
import { fhirDate, metaOf } from "./time.ts";

export interface MedicationRecord {
  id: string;
  patient_id: string;
  drug: string;
  drug_code_system: string | null;
  drug_code: string | null;
  dose_value: number | null;
  dose_unit: string | null;
  route: string | null;
  frequency: string | null;
  start_date: string;
  stop_date: string | null;
  indication: string | null;
  status: string;
  note: string | null;
  created_at: Date;
  version: number;
  updated_at: Date;
}

export function toMedicationStatement(m: MedicationRecord): MedicationStatement {
  const dosage: NonNullable<MedicationStatement["dosage"]>[number] = {};
  if (m.frequency) dosage.text = m.frequency;
  if (m.route) dosage.route = { text: m.route };
  if (m.dose_value !== null && m.dose_unit)
    dosage.doseAndRate = [
      {
        doseQuantity: {
          value: m.dose_value,
          unit: m.dose_unit,
          system: CODE_SYSTEMS.ucum,
          code: m.dose_unit,
        },
      },
    ];
  return {
    resourceType: "MedicationStatement",
    id: m.id,
    meta: metaOf(m),
    status: m.status as MedicationStatement["status"],
    medicationCodeableConcept: {
      ...(m.drug_code_system && m.drug_code
        ? { coding: [{ system: m.drug_code_system, code: m.drug_code, display: m.drug }] }
        : {}),
      text: m.drug,
    },
    subject: patientRef(m.patient_id),
    effectivePeriod: {
      start: fhirDate(m.start_date),
      ...(m.stop_date ? { end: fhirDate(m.stop_date) } : {}),
    },
    dateAsserted: m.created_at.toISOString(),
    ...(m.indication ? { reasonCode: [{ text: m.indication }] } : {}),
    ...(Object.keys(dosage).length > 0 ? { dosage: [dosage] } : {}),
    ...(m.note ? { note: [{ text: m.note }] } : {}),
  };
}
