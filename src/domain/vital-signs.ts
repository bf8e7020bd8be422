/**
 * The vital signs a bedside chart records at each time point, with the LOINC code and UCUM unit
 * each is stored under, so the web app's nurse form (and any other client) sends them coded
 * without holding a code table of its own (issue 11).
 *
 * Sources:
 * - Codes and units: the FHIR R4 vital-signs profiles (body temperature 8310-5 Cel, systolic
 *   8480-6 and diastolic 8462-4 mm[Hg], heart rate 8867-4 /min, SpO2 by pulse oximetry 59408-5 %)
 *   and US Core pulse oximetry (inhaled oxygen flow rate 3151-8 L/min); each unit is the canonical
 *   unit of lab-import/canonical-units.ts, read from there so the two cannot differ, and each has
 *   plausibility limits (plausibility.ts).
 * - The oxygen device: LOINC 107117-4 "Method of oxygen delivery", valued with the device codes of
 *   the ASTCT CRS calculator (calculators/crs-icans/crs.ts, Lee 2019), so a recorded device means
 *   the same thing as the device a CRS grading names (decision 0043).
 */
import { OxygenDevice } from "./calculators/crs-icans/crs.ts";
import { labCode } from "./lab-import/canonical-units.ts";

export type VitalSignKey = "temperature" | "systolic" | "diastolic" | "heartRate" | "spo2" | "oxygenFlow";

export interface VitalSign {
  key: VitalSignKey;
  loinc: string;
  display: string;
  /** UCUM unit the value is sent and stored in */
  unit: string;
}

const KEYS: readonly [VitalSignKey, string][] = [
  ["temperature", "8310-5"],
  ["systolic", "8480-6"],
  ["diastolic", "8462-4"],
  ["heartRate", "8867-4"],
  ["spo2", "59408-5"],
  ["oxygenFlow", "3151-8"],
];

function vitalSign(key: VitalSignKey, loinc: string): VitalSign {
  const entry = labCode(loinc);
  if (!entry?.canonicalUnit) throw new Error(`LOINC ${loinc} has no canonical unit in the code table`);
  return { key, loinc, display: entry.display, unit: entry.canonicalUnit };
}

/** In the order a bedside chart reads them. */
export const VITAL_SIGNS: readonly VitalSign[] = KEYS.map(([key, loinc]) => vitalSign(key, loinc));

/** LOINC 107117-4, valued with a code of the CRS calculator's device list. */
export const OXYGEN_DEVICE = {
  loinc: "107117-4",
  display: labCode("107117-4")?.display ?? "Method of oxygen delivery",
  devices: OxygenDevice.options,
} as const;
