/**
 * The URIs a FHIR resource of ours cites. External code systems are the canonical ones FHIR R4
 * names (https://hl7.org/fhir/R4/terminologies-systems.html); the ones we store already live in
 * src/domain/code-systems.ts and are re-used from there. HL7 terminology systems are from
 * https://terminology.hl7.org (the R4 pages link each binding to them).
 *
 * No FHIR NamingSystem exists for an ISBT 128 DIN, a chain-of-identity id or our subject codes
 * (shared/domain/workflow-standards.md §5.3: "define a local URI and document it"), so those are
 * local URIs under https://vein2vein.org/fhir/, the same host as our problem types
 * (src/http/problem.ts). They name things; nothing is served there.
 */
import { CODE_SYSTEMS } from "../domain/code-systems.ts";

export { CODE_SYSTEMS };

const LOCAL = "https://vein2vein.org/fhir";

export const LOCAL_SYSTEMS = {
  /** pseudonymous subject code of a patient at a site (e.g. SZ-0001) */
  subjectCode: `${LOCAL}/sid/subject-code`,
  /** ISBT 128 Donation Identification Number of a bag (ST-018 data structure 001) */
  isbt128Din: `${LOCAL}/sid/isbt128-din`,
  /** chain-of-identity id that follows the patient's cells from apheresis to infusion */
  chainOfIdentity: `${LOCAL}/sid/chain-of-identity`,
  /** ISBT 128 product description code as we store it (the ICCBBA table is licensed, not shipped) */
  isbt128ProductCode: `${LOCAL}/CodeSystem/isbt128-product-code`,
  /** trial registry id as given (NCT…, ChiCTR…, EU CT number) */
  registryId: `${LOCAL}/sid/trial-registry-id`,
  /** user names of the people who acted, for Provenance.agent */
  username: `${LOCAL}/sid/username`,
  /** calculator names (src/domain/calculators) for assessments exported as Observations */
  calculator: `${LOCAL}/CodeSystem/calculator`,
  /** our procedure and event kinds for which no SNOMED CT code was verified */
  procedure: `${LOCAL}/CodeSystem/procedure`,
  /** journey and product event names, for Provenance.activity */
  activity: `${LOCAL}/CodeSystem/activity`,
  /** the study arm codes of a study */
  studyArm: `${LOCAL}/CodeSystem/study-arm`,
  /** extension: the bag a Procedure collected or infused (R4 Procedure.used cannot point at a BDP) */
  procedureProductExtension: `${LOCAL}/StructureDefinition/procedure-product`,
  /** extension: the CTCAE v5.0 (ASTCT 2019 for CRS and ICANS) grade of an AdverseEvent; R4 has no element for it */
  gradeExtension: `${LOCAL}/StructureDefinition/adverse-event-grade`,
} as const;

/** HL7 terminology code systems used in bindings of the R4 base resources. */
export const HL7_SYSTEMS = {
  observationCategory: "http://terminology.hl7.org/CodeSystem/observation-category",
  observationInterpretation: "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
  conditionClinical: "http://terminology.hl7.org/CodeSystem/condition-clinical",
  conditionVerification: "http://terminology.hl7.org/CodeSystem/condition-ver-status",
  conditionCategory: "http://terminology.hl7.org/CodeSystem/condition-category",
  researchStudyPhase: "http://terminology.hl7.org/CodeSystem/research-study-phase",
  adverseEventSeverity: "http://terminology.hl7.org/CodeSystem/adverse-event-severity",
  adverseEventSeriousness: "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness",
  adverseEventOutcome: "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
  adverseEventCausalityAssess: "http://terminology.hl7.org/CodeSystem/adverse-event-causality-assess",
  provenanceParticipantType: "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
  dataOperation: "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
  medicationStatementCategory: "http://terminology.hl7.org/CodeSystem/medication-statement-category",
  identifierType: "http://terminology.hl7.org/CodeSystem/v2-0203",
} as const;

/** FHIR R4 (4.0.1), the version every resource and the CapabilityStatement declare. */
export const FHIR_VERSION = "4.0.1";
