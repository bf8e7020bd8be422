/**
 * AdverseEvent (https://hl7.org/fhir/R4/adverseevent.html) from the adverse event record
 * (adverse_events; vocabulary and rules in src/domain/adverse-events.ts), one resource per row.
 * The CRS, ICANS and CTCAE gradings are not mapped to AdverseEvent: they are gradings (exported as
 * survey Observations), and the events they grade are recorded as adverse events, so mapping both
 * would count each CRS twice (the same choice as SDTM AE, decision 0033).
 *
 * - event: the CTCAE v5.0 term as text only. MedDRA (which CTCAE terms are) is licensed and no
 *   SNOMED CT code per term was verified, so no coding is invented; the SOC goes in category as
 *   text (R4 adverse-event-category is an extensible binding whose codes are product problems and
 *   use errors, none of which is a clinical SOC).
 * - date: the onset, a calendar date (R4 dateTime allows a date; inventing a time would need a
 *   zone, src/fhir/time.ts). `detected` is not sent: we record no separate detection date.
 * - seriousness: R4 adverse-event-seriousness "Serious" / "Non-serious" (the ICH E2A criteria in
 *   its text). severity is left out: R4 severity (mild/moderate/severe) is not collected, and as
 *   for SDTM AESEV it is not derived from the toxicity grade; the grade travels in our extension.
 * - outcome: R4 adverse-event-outcome (required binding) from the CDISC AEOUT value, below.
 * - suspectEntity: the patient's CAR-T infusion Procedure (R4 suspectEntity.instance cannot point
 *   at a BiologicallyDerivedProduct) with the investigator's NCI attribution as causality.
 * - pathogen class and organism have no R4 AdverseEvent element and are not exported.
 */
import type { AdverseEvent, CodeableConcept } from "@medplum/fhirtypes";
import type { AeOutcome, Attribution, SeriousnessCriterion } from "../domain/adverse-events.ts";
import { patientRef, ref } from "./references.ts";
import { HL7_SYSTEMS, LOCAL_SYSTEMS } from "./systems.ts";
import { fhirDate, metaOf } from "./time.ts";

export interface AdverseEventRecord {
  id: string;
  patient_id: string;
  term: string;
  soc: string;
  grade: number;
  attribution: string;
  serious: boolean;
  serious_criteria: string[];
  onset_date: string;
  outcome: string;
  created_at: Date;
  version: number;
  updated_at: Date;
  /** the patient's first CAR-T infusion (product event id, the infusion Procedure's id) */
  infusion_id: string | null;
}

/**
 * CDISC AEOUT (codelist OUT) to R4 adverse-event-outcome
 * (http://terminology.hl7.org/CodeSystem/adverse-event-outcome: resolved, recovering, ongoing,
 * resolvedWithSequelae, fatal, unknown), one to one.
 */
export const FHIR_OUTCOME: Readonly<Record<AeOutcome, string>> = {
  "RECOVERED/RESOLVED": "resolved",
  "RECOVERING/RESOLVING": "recovering",
  "NOT RECOVERED/NOT RESOLVED": "ongoing",
  "RECOVERED/RESOLVED WITH SEQUELAE": "resolvedWithSequelae",
  FATAL: "fatal",
  UNKNOWN: "unknown",
};

/**
 * NCI CTEP attribution to R4 adverse-event-causality-assess (the WHO-UMC categories: Certain,
 * Probably-Likely, Possible, Unlikely, ...). WHO-UMC has no "unrelated" category, so an unrelated
 * attribution is sent as text only, never as a code it is not.
 */
export const FHIR_CAUSALITY: Readonly<Record<Attribution, { code: string; display: string } | null>> = {
  definite: { code: "Certain", display: "Certain" },
  probable: { code: "Probably-Likely", display: "Probably/Likely" },
  possible: { code: "Possible", display: "Possible" },
  unlikely: { code: "Unlikely", display: "Unlikely" },
  unrelated: null,
};

function causalityOf(attribution: Attribution): CodeableConcept {
  const code = FHIR_CAUSALITY[attribution];
  return {
    ...(code ? { coding: [{ system: HL7_SYSTEMS.adverseEventCausalityAssess, ...code }] } : {}),
    text: `NCI attribution: ${attribution}`,
  };
}

function seriousnessOf(serious: boolean, criteria: readonly SeriousnessCriterion[]): CodeableConcept {
  return {
    coding: [
      serious
        ? { system: HL7_SYSTEMS.adverseEventSeriousness, code: "Serious", display: "Serious" }
        : { system: HL7_SYSTEMS.adverseEventSeriousness, code: "Non-serious", display: "Non-serious" },
    ],
    ...(serious && criteria.length > 0 ? { text: `Serious (ICH E2A): ${criteria.join(", ")}` } : {}),
  };
}

export function toAdverseEvent(ae: AdverseEventRecord): AdverseEvent {
  return {
    resourceType: "AdverseEvent",
    id: ae.id,
    meta: metaOf(ae),
    extension: [{ url: LOCAL_SYSTEMS.gradeExtension, valueInteger: ae.grade }],
    actuality: "actual",
    category: [{ text: ae.soc }],
    event: { text: ae.term },
    subject: patientRef(ae.patient_id),
    date: fhirDate(ae.onset_date),
    recordedDate: ae.created_at.toISOString(),
    seriousness: seriousnessOf(ae.serious, ae.serious_criteria as SeriousnessCriterion[]),
    outcome: {
      coding: [{ system: HL7_SYSTEMS.adverseEventOutcome, code: FHIR_OUTCOME[ae.outcome as AeOutcome] }],
      text: ae.outcome,
    },
    ...(ae.infusion_id
      ? {
          suspectEntity: [
            {
              instance: ref("Procedure", ae.infusion_id),
              causality: [{ assessment: causalityOf(ae.attribution as Attribution) }],
            },
          ],
        }
      : {}),
  };
}
