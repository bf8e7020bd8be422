/**
 * Physiological plausibility limits per LOINC code, in the code's canonical unit
 * (lab-import/canonical-units.ts). A value outside them cannot be a measurement of a living patient
 * (or of the quantity the code names) and is refused at entry and at lab import: typically a unit
 * slip (haemoglobin 120 "g/dL" that was g/L), a sign error, or a typing error.
 *
 * These are NOT reference ranges. They are deliberately wide: a refused true value would be worse
 * than a missed typo, and values far outside the reference range are exactly what a CAR-T program
 * must be able to record (ferritin 100,000 ng/mL in IEC-HS, platelets 2 × 10⁹/L, ANC 0). Every limit
 * carries its source or the rationale for it. Where no upper limit could be defended (results that
 * span orders of magnitude in disease) there is none, and the table says why.
 *
 * A limit is inclusive: min ≤ value ≤ max is plausible. `integer` marks scores that are whole
 * numbers by definition.
 */

export interface Limit {
  value: number;
  /** the source, or the stated rationale, for this limit */
  why: string;
}

export interface PlausibilityBounds {
  /** canonical unit the limits are in (must equal the LOINC table's canonical unit; a test checks) */
  unit: string;
  min: Limit;
  /** absent when no upper limit can be defended; `noMax` says why */
  max?: Limit;
  noMax?: string;
  integer?: { why: string };
}

const NOT_NEGATIVE = "a concentration, count, ratio, mass or pressure cannot be negative (definition)";
const SPANS_MAGNITUDES =
  "none: in disease this result spans orders of magnitude (reference notes and published CAR-T cohorts), so any upper limit would refuse a real result; the unit conversion catches unit slips";

const nonNegative = (unit: string, noMax = SPANS_MAGNITUDES): PlausibilityBounds => ({
  unit,
  min: { value: 0, why: NOT_NEGATIVE },
  noMax,
});

const PERCENT: PlausibilityBounds = {
  unit: "%",
  min: { value: 0, why: "a fraction of a whole is at least 0 % (definition)" },
  max: { value: 100, why: "a fraction of a whole is at most 100 % (definition)" },
};

/*
 * Leukocyte counts in 10*3/uL (= 10⁹/L). Hyperleukocytosis is defined from 100 × 10⁹/L and the
 * highest counts reported in leukaemia are of the order of 1,000 × 10⁹/L; 2,000 leaves a margin and
 * still refuses a count typed in cells/µL under a 10*3/uL unit (4,500 "× 10³/µL").
 */
const LEUKOCYTE_MAX: Limit = {
  value: 2000,
  why: "above the highest leukocyte counts reported in leukaemia (of the order of 1,000 × 10⁹/L; hyperleukocytosis starts at 100 × 10⁹/L), with a margin; a count in cells/µL typed as 10*3/uL (4,500) is refused",
};
const leukocytes: PlausibilityBounds = {
  unit: "10*3/uL",
  min: { value: 0, why: NOT_NEGATIVE },
  max: LEUKOCYTE_MAX,
};

const platelets: PlausibilityBounds = {
  unit: "10*3/uL",
  min: { value: 0, why: NOT_NEGATIVE },
  max: {
    value: 10_000,
    why: "extreme thrombocytosis in myeloproliferative neoplasms rarely exceeds 2,000–3,000 × 10⁹/L; 10,000 leaves a wide margin and still refuses a count in cells/µL typed as 10*3/uL (150,000)",
  },
};

const creatinineMaxMgPerDl = 100;
const CREATININE_MAX_WHY =
  "above any survivable serum creatinine (end-stage kidney failure rarely exceeds 20–30 mg/dL, 1,800–2,700 µmol/L) with a wide margin";

export const PLAUSIBILITY: Readonly<Record<string, PlausibilityBounds>> = {
  // Autoantibodies, complement, immunoglobulins: assay units, no upper limit.
  "5130-0": nonNegative("[IU]/mL"),
  "33800-4": nonNegative("[IU]/mL"),
  "27200-5": nonNegative("[arb'U]/mL"),
  "4485-9": nonNegative("mg/dL"),
  "4498-2": nonNegative("mg/dL"),
  "2465-3": nonNegative("mg/dL"),
  "2458-8": nonNegative("mg/dL"),
  "2472-9": nonNegative("mg/dL"),
  // Inflammation and CRS
  "1988-5": nonNegative("mg/L"),
  "30522-7": nonNegative("mg/L"),
  "2276-4": nonNegative(
    "ng/mL",
    "none: ferritin in IEC-HS and HLH runs far above 10,000 ng/mL (the carHLH criterion, Neelapu 2018; clinical-rules.md §3.5) and values above 100,000 ng/mL are reported, so no upper limit is safe",
  ),
  "26881-3": nonNegative("pg/mL"),
  "2532-0": nonNegative("U/L"),
  // Blood counts
  "6690-2": leukocytes,
  "26464-8": leukocytes,
  "751-8": leukocytes,
  "731-0": leukocytes,
  "26474-7": leukocytes,
  "777-3": platelets,
  "26515-7": platelets,
  "718-7": {
    unit: "g/dL",
    min: { value: 0, why: NOT_NEGATIVE },
    max: {
      value: 30,
      why: "above any reported haemoglobin, with a margin: chronic mountain sickness, the highest physiological erythrocytosis, is defined from 21 g/dL in men (Qinghai criteria: León-Velarde F et al. High Alt Med Biol 2005;6:147–157) and the highest values reported in it and in polycythaemia vera are about 25 g/dL; haemoglobin in g/L typed as g/dL (≥ 40) is refused",
    },
  },
  "8116-6": nonNegative(
    "/uL",
    "none: CD19⁺ counts range from 0 (B-cell aplasia) to hundreds of thousands per µL in B-cell leukaemia",
  ),
  "20593-0": PERCENT,
  // Kidney
  "2160-0": {
    unit: "mg/dL",
    min: { value: 0, why: NOT_NEGATIVE },
    max: { value: creatinineMaxMgPerDl, why: CREATININE_MAX_WHY },
  },
  "14682-9": {
    unit: "umol/L",
    min: { value: 0, why: NOT_NEGATIVE },
    max: { value: creatinineMaxMgPerDl * 88.4, why: `${CREATININE_MAX_WHY} (100 mg/dL × 88.4)` },
  },
  "2890-2": nonNegative("mg/g"),
  "9318-7": nonNegative("mg/g"),
  "2889-4": nonNegative("g/(24.h)"),
  // Vital signs and performance status
  "8310-5": {
    unit: "Cel",
    min: {
      value: 10,
      why: "below the lowest body temperature survived, 13.7 °C (Gilbert M et al. Resuscitation from accidental hypothermia of 13.7 °C with circulatory arrest. Lancet 2000;355:375–376), with a margin",
    },
    max: {
      value: 47,
      why: "above the highest body temperature survived, 46.5 °C (Slovis CM et al. Survival in a heat stroke victim with a core temperature in excess of 46.5 °C. Ann Emerg Med 1982;11:269–271), with a margin; a Fahrenheit value typed as Cel (≥ 90) is refused",
    },
  },
  "59408-5": {
    unit: "%",
    min: { value: 0, why: "a saturation is at least 0 % (definition)" },
    max: {
      value: 100,
      why: "a saturation is at most 100 % (definition: oxyhaemoglobin / total haemoglobin)",
    },
  },
  "8480-6": {
    unit: "mm[Hg]",
    min: {
      value: 0,
      why: "0 in circulatory arrest; a pressure reading below 0 mmHg is not a blood pressure",
    },
    max: {
      value: 500,
      why: "above the highest arterial pressures ever measured, 480/350 mmHg during maximal leg presses (MacDougall JD et al. J Appl Physiol 1985;58:785–790)",
    },
  },
  "8462-4": {
    unit: "mm[Hg]",
    min: {
      value: 0,
      why: "0 in circulatory arrest; a pressure reading below 0 mmHg is not a blood pressure",
    },
    max: {
      value: 400,
      why: "above the highest diastolic pressure ever measured, 350 mmHg during maximal leg presses (MacDougall JD et al. J Appl Physiol 1985;58:785–790), with a margin",
    },
  },
  "8867-4": {
    unit: "/min",
    min: { value: 0, why: "0 in asystole; a rate cannot be negative (definition)" },
    max: {
      value: 600,
      why: "the fastest human heart rate reported, 600/min in pre-excited atrial fibrillation (Chhabra L et al. Indian Pacing Electrophysiol J 2012;12:32–35)",
    },
  },
  "29463-7": {
    unit: "kg",
    min: {
      value: 0.2,
      why: "below the lightest surviving newborn on record, 212 g (Kwek Yu Xuan, National University Hospital Singapore, 2020; University of Iowa Tiniest Babies Registry, Guinness World Records 'lightest birth'); CAR-T patients are children and adults",
    },
    max: {
      value: 700,
      why: "above the heaviest human recorded, about 635 kg (Jon Brower Minnoch, 1978; Guinness World Records), with a margin",
    },
  },
  "8302-2": {
    unit: "cm",
    min: {
      value: 20,
      why: "below the length of the lightest surviving newborn on record, 24 cm at 212 g (Kwek Yu Xuan, Singapore 2020; University of Iowa Tiniest Babies Registry)",
    },
    max: {
      value: 280,
      why: "above the tallest human recorded, 272 cm (Robert Wadlow, 1940; Guinness World Records), with a margin",
    },
  },
  "3151-8": {
    unit: "L/min",
    min: { value: 0, why: "a flow cannot be negative (definition)" },
    max: {
      value: 100,
      why: "high-flow nasal cannula and non-invasive devices deliver at most 60–80 L/min; 100 leaves a margin",
    },
  },
  "89247-1": {
    unit: "{score}",
    min: {
      value: 0,
      why: "ECOG grades run from 0 (fully active) (Oken MM et al. Am J Clin Oncol 1982;5:649–655)",
    },
    max: { value: 5, why: "to 5 (dead) (Oken 1982)" },
    integer: { why: "ECOG grades are whole numbers (Oken 1982)" },
  },
};

export function plausibilityOf(loinc: string): PlausibilityBounds | undefined {
  return Object.hasOwn(PLAUSIBILITY, loinc) ? PLAUSIBILITY[loinc] : undefined;
}

const fmt = (n: number) => (Math.abs(n) >= 10_000 ? n.toLocaleString("en-US") : String(n));

/**
 * Why a value (in the code's canonical unit) is implausible, or null when it is plausible or the
 * code has no bounds. `entered` describes the value as the user gave it, for the message.
 */
export function implausibility(loinc: string, value: number, entered?: string): string | null {
  const b = plausibilityOf(loinc);
  if (!b) return null;
  const shown = `${fmt(value)} ${b.unit}`;
  const as = entered && entered !== shown ? `${entered} (${shown})` : shown;
  if (value < b.min.value)
    return `${as} is below ${fmt(b.min.value)} ${b.unit}, the plausibility limit for LOINC ${loinc}: ${b.min.why}`;
  if (b.max && value > b.max.value)
    return `${as} is above ${fmt(b.max.value)} ${b.unit}, the plausibility limit for LOINC ${loinc}: ${b.max.why}`;
  if (b.integer && !Number.isInteger(value)) return `${as} is not a whole number: ${b.integer.why}`;
  return null;
}
