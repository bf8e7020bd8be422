/**
 * The unit conversions the derived toxicity grades need, now through the UCUM normalisation of
 * lab import (lab-import/ucum.ts). Units are UCUM codes as stored on observations (a few common
 * non-UCUM spellings such as cells/uL are understood too). 1 × 10⁹/L = 1 × 10³/µL = 1000 cells/µL
 * and /mm³ ≡ /µL (shared/domain/clinical-rules.md §0) follow from UCUM itself; haemoglobin in
 * mmol/L converts with the CTCAE v5.0 factor (10.0 g/dL = 6.2 mmol/L), kept in the LOINC table.
 * An unknown or incompatible unit returns null: the caller reports it instead of guessing.
 */
import { LAB_CODES } from "./lab-import/canonical-units.ts";
import { convertQuantity } from "./lab-import/ucum.ts";

const HEMOGLOBIN = LAB_CODES["718-7"]!;

function convert(value: number, unit: string | null, target: string, molecularWeight?: number) {
  if (unit === null) return null;
  const r = convertQuantity(value, unit, target, molecularWeight);
  return r.ok ? r.value : null;
}

export function cellsPerMicrolitre(value: number, unit: string | null): number | null {
  return convert(value, unit, "/uL");
}

export function hemoglobinGramsPerDecilitre(value: number, unit: string | null): number | null {
  return convert(value, unit, "g/dL", HEMOGLOBIN.molecularWeight);
}

/** A mass concentration (IgG in mg/dL, the demo's unit) in g/L, the kinetics model's unit. */
export function gramsPerLitre(value: number, unit: string | null): number | null {
  return convert(value, unit, "g/L");
}
