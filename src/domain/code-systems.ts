/**
 * Canonical URIs of the code systems we store, as FHIR R4 names them
 * (https://hl7.org/fhir/R4/terminologies-systems.html). We store the URI, not a nickname, so a
 * FHIR export needs no lookup table.
 */
export const CODE_SYSTEMS = {
  loinc: "http://loinc.org",
  snomed: "http://snomed.info/sct",
  icd10: "http://hl7.org/fhir/sid/icd-10",
  icd10cm: "http://hl7.org/fhir/sid/icd-10-cm",
  ucum: "http://unitsofmeasure.org",
  atc: "http://www.whocc.no/atc",
  rxnorm: "http://www.nlm.nih.gov/research/umls/rxnorm",
} as const;

export const CONDITION_CODE_SYSTEMS = [
  CODE_SYSTEMS.snomed,
  CODE_SYSTEMS.icd10,
  CODE_SYSTEMS.icd10cm,
] as const;
export type ConditionCodeSystem = (typeof CONDITION_CODE_SYSTEMS)[number];

/** FHIR R4 Condition.clinicalStatus codes (http://terminology.hl7.org/CodeSystem/condition-clinical). */
export const CONDITION_STATUSES = [
  "active",
  "recurrence",
  "relapse",
  "inactive",
  "remission",
  "resolved",
] as const;
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];
