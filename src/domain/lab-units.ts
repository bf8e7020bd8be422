/**
 * The few unit conversions the derived toxicity grades need, until full UCUM normalisation
 * arrives with lab import. Units are UCUM codes as stored on observations. Factors: 1 × 10⁹/L =
 * 1 × 10³/µL = 1000 cells/µL, and /mm³ ≡ /µL (shared/domain/clinical-rules.md §0); haemoglobin
 * g/L ÷ 10 = g/dL, and mmol/L ÷ 0.6206 = g/dL (CTCAE v5.0 lists 10.0 g/dL as 6.2 mmol/L).
 * An unknown unit returns null: the caller reports it instead of guessing.
 */
const CELL_COUNT_PER_UL: Record<string, number> = {
  "/uL": 1,
  "/mm3": 1,
  "10*3/uL": 1000,
  "10*3/mm3": 1000,
  "10*9/L": 1000,
  "10*6/L": 0.001,
};

const HEMOGLOBIN_G_PER_DL: Record<string, number> = {
  "g/dL": 1,
  "g/L": 0.1,
  "mmol/L": 1 / 0.6206,
};

export function cellsPerMicrolitre(value: number, unit: string | null): number | null {
  const f = unit === null ? undefined : CELL_COUNT_PER_UL[unit];
  return f === undefined ? null : value * f;
}

export function hemoglobinGramsPerDecilitre(value: number, unit: string | null): number | null {
  const f = unit === null ? undefined : HEMOGLOBIN_G_PER_DL[unit];
  return f === undefined ? null : value * f;
}
