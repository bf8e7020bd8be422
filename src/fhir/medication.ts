/**
 * MedicationStatement from our medication courses (https://hl7.org/fhir/R4/medicationstatement.html):
 * a course with a start and maybe a stop date is a statement of what was taken over a period, not
 * a record of one administration. Our statuses are R4 medication-statement-status codes. Doses
 * are UCUM (checked on entry, src/domain/schemas/clinical.ts); drug codes are WHO ATC as stored.
 */
import type { MedicationAdministration, MedicationStatement } from "@medplum/fhirtypes";
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

/**
 * R4 medication-admin-status (https://hl7.org/fhir/R4/valueset-medication-admin-status.html) of a
 * single-dose record. "active" is absent: such a record is not read as an administration
 * (domain/medications.ts, isSingleAdministration), since a dose still "active" is not recorded as given.
 */
const ADMINISTRATION_STATUS: Readonly<Record<string, MedicationAdministration["status"]>> = {
  completed: "completed",
  stopped: "stopped",
  "entered-in-error": "entered-in-error",
};

/**
 * MedicationAdministration (https://hl7.org/fhir/R4/medicationadministration.html) from a record
 * that is one dose given on one day (e.g. tocilizumab 8 mg/kg once for CRS). The resource id is
 * the record's, as for its MedicationStatement: both describe the same record. Only the day of the
 * dose is recorded, so effectiveDateTime is a date (R4 dateTime allows a date without a time and
 * zone; inventing a clock time would be false). The dose is UCUM, checked on entry
 * (src/domain/schemas/clinical.ts); the drug is coded as stored (WHO ATC, http://www.whocc.no/atc,
 * the system R4 lists for ATC in terminologies-systems.html). A CAR-T infusion is not here: the
 * product is a BiologicallyDerivedProduct, which R4 MedicationAdministration.medication cannot
 * name; the infusion is the Procedure (product.ts).
 */
export function toMedicationAdministration(m: MedicationRecord): MedicationAdministration {
  const status = ADMINISTRATION_STATUS[m.status];
  if (!status) throw new Error(`medication ${m.id} (${m.status}) is not an administration`);
  const dosage: NonNullable<MedicationAdministration["dosage"]> = {};
  if (m.route) dosage.route = { text: m.route };
  if (m.dose_value !== null && m.dose_unit)
    dosage.dose = { value: m.dose_value, unit: m.dose_unit, system: CODE_SYSTEMS.ucum, code: m.dose_unit };
  return {
    resourceType: "MedicationAdministration",
    id: m.id,
    meta: metaOf(m),
    status,
    medicationCodeableConcept: {
      ...(m.drug_code_system && m.drug_code
        ? { coding: [{ system: m.drug_code_system, code: m.drug_code, display: m.drug }] }
        : {}),
      text: m.drug,
    },
    subject: patientRef(m.patient_id),
    effectiveDateTime: fhirDate(m.start_date),
    ...(m.indication ? { reasonCode: [{ text: m.indication }] } : {}),
    ...(Object.keys(dosage).length > 0 ? { dosage } : {}),
    ...(m.note ? { note: [{ text: m.note }] } : {}),
  };
}
