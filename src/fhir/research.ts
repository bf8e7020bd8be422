/**
 * ResearchStudy and ResearchSubject (R4: https://hl7.org/fhir/R4/researchstudy.html,
 * https://hl7.org/fhir/R4/researchsubject.html). Study status codes are already R4's
 * (src/domain/schemas/study.ts); phases differ only in spelling. The subject's status comes from
 * its journey state through the one map in src/domain/vein-to-vein/journey.ts.
 */
import type { ResearchStudy, ResearchSubject } from "@medplum/fhirtypes";
import {
  type FhirR4ResearchSubjectStatus,
  type JourneyState,
  RESEARCH_SUBJECT_STATUS,
} from "../domain/vein-to-vein/journey.ts";
import { patientRef, ref } from "./references.ts";
import { HL7_SYSTEMS, LOCAL_SYSTEMS } from "./systems.ts";
import { metaOf } from "./time.ts";

export interface StudyRecord {
  id: string;
  title: string;
  short_name: string;
  registry_id: string | null;
  phase: string;
  status: string;
  arms: { code: string; name: string }[];
  version: number;
  updated_at: Date;
}

/** Our phase names → R4 research-study-phase codes (http://terminology.hl7.org/CodeSystem/research-study-phase). */
const PHASES: Record<string, string> = {
  "early-phase-1": "early-phase-1",
  "phase-1": "phase-1",
  "phase-1-2": "phase-1-phase-2",
  "phase-2": "phase-2",
  "phase-3": "phase-3",
  "phase-4": "phase-4",
  "not-applicable": "n-a",
};

export function toResearchStudy(s: StudyRecord): ResearchStudy {
  const phase = PHASES[s.phase];
  return {
    resourceType: "ResearchStudy",
    id: s.id,
    meta: metaOf(s),
    ...(s.registry_id ? { identifier: [{ system: LOCAL_SYSTEMS.registryId, value: s.registry_id }] } : {}),
    title: s.title,
    status: s.status as ResearchStudy["status"],
    ...(phase ? { phase: { coding: [{ system: HL7_SYSTEMS.researchStudyPhase, code: phase }] } } : {}),
    arm: s.arms.map((a) => ({
      name: a.code,
      type: { coding: [{ system: LOCAL_SYSTEMS.studyArm, code: a.code, display: a.name }] },
      description: a.name,
    })),
    // R4 ResearchStudy has no short-name element; the keyword carries it for searches by hand
    keyword: [{ text: s.short_name }],
  };
}

export interface EnrolmentRecord {
  id: string;
  patient_id: string;
  study_id: string;
  arm_code: string;
  consent_date: string;
  enrolled_on: string | null;
  status: string;
  version: number;
  updated_at: Date;
  /** the vein-to-vein journey's state, when the enrolment has a journey */
  journey_state: string | null;
}

/**
 * Before the journey takes over, an enrolment's coarse status names a journey state in all but
 * one case ("on-treatment", which the journey calls infused-to-follow-up); reading it through the
 * same map keeps one home for the rule.
 */
export function researchSubjectStatus(
  journeyState: string | null,
  enrolmentStatus: string,
): FhirR4ResearchSubjectStatus {
  const state = journeyState ?? (enrolmentStatus === "on-treatment" ? "infused" : enrolmentStatus);
  return Object.hasOwn(RESEARCH_SUBJECT_STATUS, state)
    ? RESEARCH_SUBJECT_STATUS[state as JourneyState]
    : "on-study";
}

export function toResearchSubject(e: EnrolmentRecord): ResearchSubject {
  return {
    resourceType: "ResearchSubject",
    id: e.id,
    meta: metaOf(e),
    status: researchSubjectStatus(e.journey_state, e.status),
    period: { start: e.enrolled_on ?? e.consent_date },
    study: ref("ResearchStudy", e.study_id),
    individual: patientRef(e.patient_id),
    assignedArm: e.arm_code,
    actualArm: e.arm_code,
  };
}
