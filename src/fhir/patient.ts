/**
 * Patient. Pseudonymous by default (shared/domain/workflow-standards.md §5.1 and §7): the subject
 * code as identifier, sex and birth year only. Name, birth date, contact and national id are added
 * only when the caller passes the identity, which the service does only for roles holding
 * `identity:read` (src/domain/roles.ts) and audits as an identity read.
 */
import type { Patient } from "@medplum/fhirtypes";
import { HL7_SYSTEMS, LOCAL_SYSTEMS } from "./systems.ts";
import { metaOf } from "./time.ts";

export interface PatientRecord {
  id: string;
  subject_code: string;
  birth_year: number;
  sex: string;
  is_synthetic: boolean;
  version: number;
  updated_at: Date;
}

export interface IdentityRecord {
  family_name: string;
  given_name: string;
  birth_date: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  national_id: string | null;
}

/** Our sex values are the R4 AdministrativeGender codes (http://hl7.org/fhir/administrative-gender). */
const GENDERS = new Set(["female", "male", "other", "unknown"]);

export function toPatient(p: PatientRecord, identity?: IdentityRecord): Patient {
  const resource: Patient = {
    resourceType: "Patient",
    id: p.id,
    meta: {
      ...metaOf(p),
      // a synthetic demo patient is tagged so no one mistakes it for a person
      ...(p.is_synthetic
        ? { tag: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActReason", code: "HTEST" }] }
        : {}),
    },
    identifier: [{ use: "official", system: LOCAL_SYSTEMS.subjectCode, value: p.subject_code }],
    gender: (GENDERS.has(p.sex) ? p.sex : "unknown") as Patient["gender"],
    birthDate: identity ? identity.birth_date : String(p.birth_year),
  };
  if (!identity) return resource;
  if (identity.national_id)
    resource.identifier!.push({
      type: { coding: [{ system: HL7_SYSTEMS.identifierType, code: "NI" }] },
      value: identity.national_id,
    });
  resource.name = [{ use: "official", family: identity.family_name, given: [identity.given_name] }];
  const telecom: NonNullable<Patient["telecom"]> = [];
  if (identity.phone) telecom.push({ system: "phone", value: identity.phone });
  if (identity.email) telecom.push({ system: "email", value: identity.email });
  if (telecom.length > 0) resource.telecom = telecom;
  if (identity.address) resource.address = [{ text: identity.address }];
  return resource;
}
