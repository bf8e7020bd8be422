/**
 * Turns one day's recorded vitals and support into ASTCT CRS inputs (Lee et al., Biol Blood
 * Marrow Transplant 2019;25:625, Table 1), so the daily worst CRS grade need not be typed in
 * twice. Only what is recorded is used, and every gap is said aloud as an assumption: the result
 * is provisional until a clinician confirms it, because
 * - attribution ("not explained by another cause") is a clinician's call, never inferred
 *   (shared/domain/clinical-rules.md §0): we assume none and say so;
 * - hypotension treated with fluids only is not recorded anywhere we can read, so grade 2 by
 *   hypotension cannot be derived; vasopressors come from the medication record;
 * - the oxygen device is not recorded; a flow on LOINC 3151-8 "Inhaled oxygen flow rate" is read
 *   as nasal cannula (≤ 6 L/min low-flow, > 6 L/min high-flow, as Lee 2019 defines), and
 *   positive-pressure support cannot be seen.
 */

import { type Vasopressor, vasopressorNeed } from "../calculators/crs-icans/crs.ts";
import { findCalculator } from "../calculators/index.ts";
import { activeOn } from "../medications.ts";

/** LOINC codes read (US Core vital signs; body temperature 8310-5, inhaled O2 flow 3151-8, SBP 8480-6). */
export const CRS_SOURCE_CODES = { temperature: "8310-5", oxygenFlow: "3151-8", systolic: "8480-6" } as const;

const PRESSOR_NAMES: [RegExp, Vasopressor][] = [
  [/\b(nor[- ]?epinephrine|noradrenaline)\b/i, "NOREPINEPHRINE"],
  [/(?<!nor[- ]?)\b(epinephrine|adrenaline)\b/i, "EPINEPHRINE"],
  [/\bphenylephrine\b/i, "PHENYLEPHRINE"],
  [/\bdopamine\b/i, "DOPAMINE"],
  [/\bvasopressin\b/i, "VASOPRESSIN"],
  [/\bangiotensin ii\b/i, "ANGIOTENSIN_II"],
];

/**
 * "Antipyretic or anti-cytokine therapy such as tocilizumab or steroids" after which fever is no
 * longer required (Lee 2019, Table 1 footnote).
 */
const FEVER_MASKING =
  /\b(tocilizumab|siltuximab|anakinra|dexamethasone|methylprednisolone|hydrocortisone|paracetamol|acetaminophen|ibuprofen|metamizole)\b/i;

export function vasopressorsIn(drugs: readonly string[]): Vasopressor[] {
  const found = new Set<Vasopressor>();
  for (const d of drugs) for (const [re, agent] of PRESSOR_NAMES) if (re.test(d)) found.add(agent);
  return [...found];
}

export const isFeverMasking = (drug: string) => FEVER_MASKING.test(drug);

export interface DayRecord {
  /** body temperatures that day, °C */
  temperaturesC: number[];
  /** inhaled oxygen flows that day, L/min */
  oxygenFlowsLpm: number[];
  /** names of drugs given that day */
  drugs: string[];
}

export interface CrsDerivation {
  inputs: Record<string, unknown>;
  assumptions: string[];
}

/**
 * `crsBefore`: a fever counted as CRS on an earlier day of this episode; `maskedSinceOnset`: fever-
 * masking therapy given on or after that onset (including today).
 */
export function deriveCrsInputs(
  day: DayRecord,
  crsBefore: boolean,
  maskedSinceOnset: boolean,
): CrsDerivation {
  const assumptions = ["Fever, hypotension and hypoxia are assumed not to be explained by another cause."];
  const tempMaxC = Math.max(...day.temperaturesC);
  const pressors = vasopressorsIn(day.drugs);
  const flow = day.oxygenFlowsLpm.length ? Math.max(...day.oxygenFlowsLpm) : 0;
  if (pressors.length === 0)
    assumptions.push(
      "No vasopressor recorded; hypotension treated with fluids only is not recorded, so it is not graded.",
    );
  if (day.oxygenFlowsLpm.length === 0) assumptions.push("No oxygen flow recorded: room air assumed.");
  else if (flow > 0)
    assumptions.push(
      `Oxygen at ${flow} L/min read as nasal cannula; the device (and any positive pressure) is not recorded.`,
    );
  const inputs: Record<string, unknown> = {
    tempMaxC,
    crsAlreadyDiagnosed: crsBefore,
    hypotension: pressors.length ? undefined : "NONE",
    oxygenDevice: flow > 0 ? "NASAL_CANNULA" : "NONE",
    deathDueToCrs: false,
  };
  if (pressors.length) {
    inputs.vasopressors = pressors;
    inputs.hypotension = vasopressorNeed(pressors);
    inputs.hypotensionOtherCause = false;
  }
  if (flow > 0) {
    inputs.oxygenFlowLpm = flow;
    inputs.hypoxiaOtherCause = false;
  }
  if (tempMaxC >= 38) inputs.feverOtherCause = false;
  if (crsBefore) inputs.feverMaskingTherapyGiven = maskedSinceOnset;
  return { inputs, assumptions };
}

// ---------------------------------------------------------------------------------------------
// The daily course
// ---------------------------------------------------------------------------------------------

/** A temperature or oxygen-flow reading on its site-local calendar day. */
export interface DatedReading {
  date: string;
  code: string;
  value: number;
  unit: string | null;
}

export interface MedicationCourse {
  drug: string;
  startDate: string;
  /** last day given, inclusive; null while ongoing */
  stopDate: string | null;
}

export interface DailyCrs {
  date: string;
  grade: number;
  label: string;
  reasons: string[];
  assumptions: string[];
  inputs: Record<string, unknown>;
}

/** °C from a UCUM temperature unit ("Cel" or "[degF]"); null for any other unit. */
function celsius(value: number, unit: string | null): number | null {
  if (unit === "Cel") return value;
  if (unit === "[degF]") return ((value - 32) * 5) / 9;
  return null;
}

/**
 * The worst CRS grade of each day that has a temperature, in date order, carrying the episode
 * across days: the first day graded ≥ 1 is the onset, and fever-masking therapy (tocilizumab,
 * corticosteroids) given on the onset day or later lets the fever criterion hold without fever on
 * the following days (Lee 2019: fever need not persist once antipyretic or anti-cytokine therapy
 * was given). Drugs count on the days from start through stop (the stop date is the last day given).
 */
export function dailyCrsCourse(
  readings: readonly DatedReading[],
  medications: readonly MedicationCourse[],
): DailyCrs[] {
  const crs = findCalculator("crs");
  if (!crs) throw new Error("crs calculator missing from the registry");
  const days = new Map<string, DayRecord>();
  for (const r of readings) {
    const d = days.get(r.date) ?? { temperaturesC: [], oxygenFlowsLpm: [], drugs: [] };
    days.set(r.date, d);
    if (r.code === CRS_SOURCE_CODES.temperature) {
      const c = celsius(r.value, r.unit);
      if (c !== null) d.temperaturesC.push(c);
    } else if (r.code === CRS_SOURCE_CODES.oxygenFlow && r.unit === "L/min") d.oxygenFlowsLpm.push(r.value);
  }
  const out: DailyCrs[] = [];
  let onset: string | null = null;
  let masked = false;
  for (const date of [...days.keys()].sort()) {
    const d = days.get(date)!;
    if (d.temperaturesC.length === 0) continue; // no temperature, no derivation
    d.drugs = medications.filter((m) => activeOn(m, date)).map((m) => m.drug);
    if (onset && d.drugs.some(isFeverMasking)) masked = true;
    const { inputs, assumptions } = deriveCrsInputs(d, onset !== null, masked);
    const r = crs.run(inputs);
    if (onset === null && (r.value as number) >= 1) {
      onset = date;
      // therapy given on the onset day itself masks fever from the next day on
      masked = d.drugs.some(isFeverMasking);
    }
    out.push({ date, grade: r.value as number, label: r.label, reasons: r.reasons, assumptions, inputs });
  }
  return out;
}
