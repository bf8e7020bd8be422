/** What the rest of the code uses of the FHIR mappings (see README.md). */
export { FHIR_CAUSALITY, FHIR_OUTCOME, toAdverseEvent } from "./adverse-event.ts";
export { type AssessmentRecord, assessmentToObservation } from "./assessment.ts";
export {
  type BulkLevel,
  type BulkManifest,
  type BulkRequest,
  bulkManifest,
  PATIENT_LEVEL_TYPES,
  parametersToQuery,
  parseBulkRequest,
  prefersAsync,
} from "./bulk.ts";
export { type IssueType, operationOutcome, searchset } from "./bundle.ts";
export { capabilityStatement } from "./capability.ts";
export { type ConditionRecord, toCondition } from "./condition.ts";
export { type GroupRecord, toGroup } from "./group.ts";
export { type MedicationRecord, toMedicationAdministration, toMedicationStatement } from "./medication.ts";
export { type ObservationRecord, toObservation } from "./observation.ts";
export { type IdentityRecord, type PatientRecord, toPatient } from "./patient.ts";
export {
  type ProcedureRecord,
  type ProductRecord,
  toBiologicallyDerivedProduct,
  toProcedure,
} from "./product.ts";
export { AUDITED_RESOURCE_TYPES, type AuditRecord, toProvenance } from "./provenance.ts";
export { type EnrolmentRecord, type StudyRecord, toResearchStudy, toResearchSubject } from "./research.ts";
export {
  isResourceType,
  parseSearch,
  RESOURCE_TYPES,
  type ResourceType,
  SEARCH_PARAMETERS,
  type Search,
} from "./search.ts";
export { FHIR_VERSION, LOCAL_SYSTEMS } from "./systems.ts";
