/**
 * Provenance from the audit trail (https://hl7.org/fhir/R4/provenance.html): each audited change
 * to a record we export becomes one Provenance naming that resource as target, when it happened,
 * who did it and why. Create/update/delete use the v3 DataOperation codes R4 binds
 * Provenance.activity to (extensible); other actions (sign, release…) use our activity names.
 */
import type { Provenance, Resource } from "@medplum/fhirtypes";
import { batchEntries, OBSERVATION_BATCH } from "../domain/audit-batch.ts";
import { ref, userRef } from "./references.ts";
import { HL7_SYSTEMS, LOCAL_SYSTEMS } from "./systems.ts";

export interface AuditRecord {
  id: string;
  at: Date;
  actor_name: string;
  action: string;
  entity_type: string;
  entity_id: string;
  reason: string | null;
  /** read for batch records, whose rows are the targets */
  after?: unknown;
}

/** Our audited entity types that are exported, and the resource type each becomes. */
export const AUDITED_RESOURCE_TYPES: Readonly<Record<string, Resource["resourceType"]>> = {
  patient: "Patient",
  study: "ResearchStudy",
  enrolment: "ResearchSubject",
  condition: "Condition",
  observation: "Observation",
  assessment: "Observation",
  medication: "MedicationStatement",
  product: "BiologicallyDerivedProduct",
  adverse_event: "AdverseEvent",
  // one record per batch (decision 0040): one Provenance with every observation of it as target
  [OBSERVATION_BATCH]: "Observation",
};

const DATA_OPERATIONS: Record<string, { code: string; display: string }> = {
  create: { code: "CREATE", display: "create" },
  update: { code: "UPDATE", display: "revise" },
  delete: { code: "DELETE", display: "delete" },
};

/** null when the audited entity is not one we export. */
export function toProvenance(e: AuditRecord): Provenance | null {
  const type = AUDITED_RESOURCE_TYPES[e.entity_type];
  if (!type) return null;
  const op = DATA_OPERATIONS[e.action];
  return {
    resourceType: "Provenance",
    id: e.id,
    meta: { versionId: "1", lastUpdated: e.at.toISOString() },
    // A batch is one activity by one agent at one time, which R4 records as one Provenance with
    // a target per resource it created ("a provenance can point to more than one target").
    target: (batchEntries(e.entity_type, e.after)?.map((b) => b.entityId) ?? [e.entity_id]).map((id) =>
      ref(type, id),
    ),
    recorded: e.at.toISOString(),
    activity: op
      ? { coding: [{ system: HL7_SYSTEMS.dataOperation, code: op.code, display: op.display }] }
      : { coding: [{ system: LOCAL_SYSTEMS.activity, code: e.action }], text: e.action },
    ...(e.reason ? { reason: [{ text: e.reason }] } : {}),
    agent: [
      {
        type: { coding: [{ system: HL7_SYSTEMS.provenanceParticipantType, code: "author" }] },
        who: userRef(e.actor_name),
      },
    ],
  };
}
