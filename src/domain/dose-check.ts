/**
 * The bedside dose check: does the bag about to be infused give this patient the dose of their
 * enrolment's dose level?
 *
 * Dose per kg = the bag's total CAR+ viable cells ÷ the patient's latest body weight before the
 * infusion; a flat dose compares the total (clinical-rules.md §6.2: "derive the per-kg dose from
 * the protocol's reference weight and check it against the protocol or label range").
 *
 * Tolerance [D]: a dose level in this platform carries one target, not a range, so the check
 * accepts ±20 % around it (both ends included). Why 20 %: the notes' own examples show on-label
 * doses well away from the target — worked example DOSE-2, a 120 kg patient on axi-cel capped at
 * 2 × 10⁸ cells, receives 1.67 × 10⁶/kg against 2 × 10⁶/kg (−17 %), and a weight change between
 * manufacture and infusion moves the per-kg dose by the same fraction — so a tighter window would
 * stop conforming bags after thaw. A window much wider stops separating dose levels: the notes'
 * cilta-cel range (0.5–1.0 × 10⁶/kg around 0.75) is ±33 %, wide enough that adjacent escalation
 * levels 1.5× apart would overlap; at ±20 % they only meet at their shared edge and the demo's
 * DL1 (1 × 10⁶/kg) and DL2 (3 × 10⁶/kg) are far apart. A protocol with a tighter or looser window
 * should carry its range on the dose level; until it does, this constant is the rule.
 */

export const DOSE_TOLERANCE = 0.2;

export interface DoseLevelTarget {
  code: string;
  dose: number;
  unit: "car-cells-per-kg" | "car-cells";
}

export interface DoseCheckInput {
  doseLevel: DoseLevelTarget;
  /** total CAR+ viable cells in the bag, from QC or the label */
  bagCarPositiveViableCells: number | null;
  /** latest body weight before the infusion, kg */
  weightKg: number | null;
}

export type DoseCheck =
  | {
      ok: true;
      delivered: number;
      unit: DoseLevelTarget["unit"];
      target: number;
      lower: number;
      upper: number;
      reason: string;
    }
  | { ok: false; reason: string; delivered?: number; target?: number; lower?: number; upper?: number };

const sci = (n: number) => n.toExponential(2);

export function checkInfusedDose(i: DoseCheckInput): DoseCheck {
  const { doseLevel } = i;
  if (i.bagCarPositiveViableCells === null || !(i.bagCarPositiveViableCells > 0))
    return { ok: false, reason: "the bag's CAR+ viable cell count is not recorded" };
  let delivered = i.bagCarPositiveViableCells;
  if (doseLevel.unit === "car-cells-per-kg") {
    if (i.weightKg === null || !(i.weightKg > 0))
      return { ok: false, reason: "no body weight (LOINC 29463-7) recorded before the infusion" };
    delivered = i.bagCarPositiveViableCells / i.weightKg;
  }
  const target = doseLevel.dose;
  const lower = target * (1 - DOSE_TOLERANCE);
  const upper = target * (1 + DOSE_TOLERANCE);
  const what = doseLevel.unit === "car-cells-per-kg" ? "CAR+ cells/kg" : "CAR+ cells";
  const reason = `${sci(delivered)} ${what} against dose level ${doseLevel.code} ${sci(target)} (accepted ${sci(lower)}–${sci(upper)})`;
  // Relative comparison: delivered/target in [0.8, 1.2], which is exact for ratios such as 0.8 that
  // target × 0.8 would round away.
  const ratio = delivered / target;
  const eps = 1e-12;
  if (ratio < 1 - DOSE_TOLERANCE - eps || ratio > 1 + DOSE_TOLERANCE + eps)
    return { ok: false, reason, delivered, target, lower, upper };
  return { ok: true, delivered, unit: doseLevel.unit, target, lower, upper, reason };
}

/**
 * A body weight in kg from an observation's UCUM unit (kg, g, [lb_av]); null for any other unit,
 * which the dose check then treats as no weight rather than guessing.
 */
export function weightInKg(value: number | null, unit: string | null): number | null {
  if (value === null || !Number.isFinite(value) || value <= 0) return null;
  if (unit === "kg") return value;
  if (unit === "g") return value / 1000;
  // avoirdupois pound, exactly 0.45359237 kg (UCUM [lb_av])
  if (unit === "[lb_av]") return value * 0.45359237;
  return null;
}
