/**
 * Observation for labs and vital signs (https://hl7.org/fhir/R4/observation.html). Codes are
 * LOINC as stored (checked on entry, src/domain/loinc.ts); numbers are in the code's canonical
 * UCUM unit (src/domain/lab-import/canonical-units.ts), written with system
 * http://unitsofmeasure.org. The lab's reference range is kept as text and read with the one
 * parser the SLEDAI prefill uses (src/domain/assessment-prefill.ts); it is in the unit the lab
 * reported, so the interpretation compares the value as the lab gave it.
 */
import type { Observation } from "@medplum/fhirtypes";
import { parseReferenceRange } from "../domain/assessment-prefill.ts";
import { labCode } from "../domain/lab-import/canonical-units.ts";
import { patientRef } from "./references.ts";
import { CODE_SYSTEMS, HL7_SYSTEMS } from "./systems.ts";
import { metaOf } from "./time.ts";

export interface ObservationRecord {
  id: string;
  patient_id: string;
  code_system: string;
  code: string;
  display: string | null;
  value_number: number | null;
  value_code: string | null;
  value_text: string | null;
  unit: string | null;
  effective_at: Date;
  status: string;
  note: string | null;
  original_value: number | null;
  original_unit: string | null;
  reference_range: string | null;
  created_at: Date;
  version: number;
  updated_at: Date;
}

/**
 * The LOINC codes we hold that the R4 vital-signs profile lists
 * (https://hl7.org/fhir/R4/observation-vitalsigns.html: body temperature, oxygen saturation,
 * systolic pressure, body weight, body height); ECOG is a scored instrument ("survey").
 */
const VITAL_SIGNS = new Set(["8310-5", "59408-5", "8480-6", "29463-7", "8302-2"]);
const SURVEYS = new Set(["89247-1"]);

export function observationCategory(
  codeSystem: string,
  code: string,
): "vital-signs" | "survey" | "laboratory" {
  if (codeSystem === CODE_SYSTEMS.loinc && VITAL_SIGNS.has(code)) return "vital-signs";
  if (codeSystem === CODE_SYSTEMS.loinc && SURVEYS.has(code)) return "survey";
  return "laboratory";
}

/** R4 observation-status codes (http://hl7.org/fhir/observation-status); ours are a subset. */
const STATUSES = new Set([
  "registered",
  "preliminary",
  "final",
  "amended",
  "corrected",
  "cancelled",
  "entered-in-error",
  "unknown",
]);

const ucum = (value: number, unit: string) => ({ value, unit, system: CODE_SYSTEMS.ucum, code: unit });

/** Low / high / normal against the lab's range (v3 ObservationInterpretation L, H, N). */
export function interpretation(value: number, range: { low?: number; high?: number }): "L" | "H" | "N" {
  if (range.low !== undefined && value < range.low) return "L";
  if (range.high !== undefined && value > range.high) return "H";
  return "N";
}

const INTERPRETATION_DISPLAY = { L: "Low", H: "High", N: "Normal" } as const;

export function toObservation(o: ObservationRecord): Observation {
  const category = observationCategory(o.code_system, o.code);
  const display = o.display ?? (o.code_system === CODE_SYSTEMS.loinc ? labCode(o.code)?.display : undefined);
  const resource: Observation = {
    resourceType: "Observation",
    id: o.id,
    meta: metaOf(o),
    status: (STATUSES.has(o.status) ? o.status : "unknown") as Observation["status"],
    category: [{ coding: [{ system: HL7_SYSTEMS.observationCategory, code: category }] }],
    code: {
      coding: [{ system: o.code_system, code: o.code, ...(display ? { display } : {}) }],
      ...(display ? { text: display } : {}),
    },
    subject: patientRef(o.patient_id),
    effectiveDateTime: o.effective_at.toISOString(),
    issued: o.created_at.toISOString(),
  };
  if (o.value_number !== null)
    resource.valueQuantity = o.unit ? ucum(o.value_number, o.unit) : { value: o.value_number };
  else if (o.value_code !== null) resource.valueCodeableConcept = { text: o.value_code };
  else if (o.value_text !== null) resource.valueString = o.value_text;
  else
    resource.dataAbsentReason = {
      coding: [{ system: "http://terminology.hl7.org/CodeSystem/data-absent-reason", code: "unknown" }],
    };
  const range = parseReferenceRange(o.reference_range);
  if (o.reference_range) {
    const rangeUnit = o.original_unit ?? o.unit;
    const bound = (v: number | undefined) =>
      v === undefined ? undefined : rangeUnit ? ucum(v, rangeUnit) : { value: v };
    const low = bound(range?.low);
    const high = bound(range?.high);
    resource.referenceRange = [
      { ...(low ? { low } : {}), ...(high ? { high } : {}), text: o.reference_range },
    ];
    const asReported = o.original_value ?? o.value_number;
    if (range && asReported !== null) {
      const code = interpretation(asReported, range);
      resource.interpretation = [
        {
          coding: [
            { system: HL7_SYSTEMS.observationInterpretation, code, display: INTERPRETATION_DISPLAY[code] },
          ],
        },
      ];
    }
  }
  if (o.note) resource.note = [{ text: o.note }];
  return resource;
}
