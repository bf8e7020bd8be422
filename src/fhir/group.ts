/**
 * A saved cohort as a FHIR R4 Group (https://hl7.org/fhir/R4/group.html), the Group that
 * `Group/{id}/$export` exports: the Bulk Data IG says a server SHOULD let a client read it.
 * `type` person and `actual` true (both required): its members are the patients, listed by
 * pseudonymous reference, as the cohort's results show them to the caller now (the sites where
 * they read clinical data, patients infused by the data cut), which is what an export started now
 * would cover. The membership changes with the data, with no version of its own, so the Group
 * carries no meta.versionId or lastUpdated.
 */
import type { Group } from "@medplum/fhirtypes";

export interface GroupRecord {
  id: string;
  name: string;
}

export function toGroup(cohort: GroupRecord, patientIds: readonly string[]): Group {
  return {
    resourceType: "Group",
    id: cohort.id,
    type: "person",
    actual: true,
    name: cohort.name,
    quantity: patientIds.length,
    ...(patientIds.length > 0
      ? { member: patientIds.map((id) => ({ entity: { reference: `Patient/${id}` } })) }
      : {}),
  };
}
