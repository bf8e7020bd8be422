/**
 * AdverseEvent from graded toxicity assessments (https://hl7.org/fhir/R4/adverseevent.html): the
 * ASTCT CRS and ICANS grades and the CTCAE v5.0 haematology grades, each graded assessment of
 * grade 1 or more being one event. R4's severity has only mild / moderate / severe
 * (http://terminology.hl7.org/CodeSystem/adverse-event-severity), so the grade itself travels in
 * an extension (the grading assessment is also exported as an Observation with the same id) (shared/domain/workflow-standards.md §5.1 suggests exactly that); CTCAE v5.0
 * defines grade 1 as mild, 2 moderate, 3 severe, 4 life-threatening and 5 death, so 3–5 map to
 * "severe".
 *
 * Event codes: ICD-10-CM D89.831–D89.835 are "cytokine release syndrome, grade 1–5" and
 * G92.01–G92.05 "immune effector cell-associated neurotoxicity syndrome, grade 1–5"
 * (shared/domain/workflow-standards.md §5.5 and [S48]). No SNOMED CT code for either was
 * verified and MedDRA is licensed, so CTCAE terms carry text only.
 */
import type { AdverseEvent } from "@medplum/fhirtypes";
import { type AssessmentRecord, assessmentValue } from "./assessment.ts";
import { patientRef } from "./references.ts";
import { CODE_SYSTEMS, HL7_SYSTEMS, LOCAL_SYSTEMS } from "./systems.ts";
import { metaOf } from "./time.ts";

export const GRADED_TOXICITY_CALCULATORS = ["crs", "icans", "ctcae-hematology"] as const;

/** The assessment's grade, or null when it is not a graded toxicity assessment. */
export function toxicityGrade(a: AssessmentRecord): number | null {
  const value = assessmentValue(a);
  if (a.calculator === "crs" || a.calculator === "icans")
    return typeof value === "number" && Number.isInteger(value) ? value : null;
  if (a.calculator === "ctcae-hematology" && value !== null && typeof value === "object") {
    const worst = (value as { worst?: unknown }).worst;
    return typeof worst === "number" ? worst : null;
  }
  return null;
}

export function severityOf(grade: number): "mild" | "moderate" | "severe" {
  return grade <= 1 ? "mild" : grade === 2 ? "moderate" : "severe";
}

function eventOf(a: AssessmentRecord, grade: number): AdverseEvent["event"] {
  if (a.calculator === "crs")
    return {
      coding: [
        {
          system: CODE_SYSTEMS.icd10cm,
          code: `D89.83${grade}`,
          display: `Cytokine release syndrome, grade ${grade}`,
        },
      ],
      text: `Cytokine release syndrome grade ${grade} (ASTCT 2019)`,
    };
  if (a.calculator === "icans")
    return {
      coding: [
        {
          system: CODE_SYSTEMS.icd10cm,
          code: `G92.0${grade}`,
          display: `Immune effector cell-associated neurotoxicity syndrome, grade ${grade}`,
        },
      ],
      text: `ICANS grade ${grade} (ASTCT 2019)`,
    };
  const terms = ((assessmentValue(a) as { worstTerms?: string[] }).worstTerms ?? []).join(", ");
  return { text: `CTCAE v5.0 ${terms} grade ${grade}` };
}

/** null when the assessment is not a toxicity of grade 1 or more. */
export function toAdverseEvent(a: AssessmentRecord): AdverseEvent | null {
  const grade = toxicityGrade(a);
  if (grade === null || grade < 1 || a.status === "entered-in-error") return null;
  return {
    resourceType: "AdverseEvent",
    id: a.id,
    meta: metaOf(a),
    extension: [{ url: LOCAL_SYSTEMS.gradeExtension, valueInteger: grade }],
    actuality: "actual",
    event: eventOf(a, grade),
    subject: patientRef(a.patient_id),
    date: a.assessed_at.toISOString(),
    recordedDate: a.created_at.toISOString(),
    severity: { coding: [{ system: HL7_SYSTEMS.adverseEventSeverity, code: severityOf(grade) }] },
  };
}
