/** Literal references between the resources we export: `Type/id`, ids being our record UUIDs. */
import type { Patient, Reference, Resource } from "@medplum/fhirtypes";
import { LOCAL_SYSTEMS } from "./systems.ts";

export const ref = <T extends Resource>(type: T["resourceType"], id: string): Reference<T> => ({
  reference: `${type}/${id}`,
});

export const patientRef = (patientId: string): Reference<Patient> => ref<Patient>("Patient", patientId);

/**
 * A person who acted, named by user name: we do not export Practitioner resources. A logical
 * reference (identifier only) fits any reference target, hence `never`.
 */
export const userRef = (username: string): Reference<never> => ({
  identifier: { system: LOCAL_SYSTEMS.username, value: username },
  display: username,
});
