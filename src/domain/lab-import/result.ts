/**
 * One lab result as read from a file (a CSV line or a FHIR Observation), checked field by field
 * and normalised to the canonical unit of its LOINC code. Both readers hand the same raw fields to
 * `interpretResult`, so CSV and FHIR imports refuse exactly the same things, each problem pointing
 * at the field in the reader's own terms (a line and column, or a JSON Pointer into the bundle).
 */
import type { Issue } from "../errors.ts";
import { checkLoincCode } from "../loinc.ts";
import { interpretValue, type ObservationValue, observationTimeProblem } from "../observation-value.ts";
import { labCode } from "./canonical-units.ts";

export type ImportedStatus = "preliminary" | "final" | "amended" | "corrected";

/** A result ready to store, except for the patient, which the service resolves by subject code. */
export interface LabResult {
  subjectCode: string;
  /** where the subject code came from, for a per-row "no such patient" issue */
  subjectPath: string;
  loinc: string;
  display: string;
  valueNumber: number | null;
  valueCode: string | null;
  /** canonical UCUM unit; null for coded results */
  unit: string | null;
  /** the value and unit exactly as the file gave them (the unit as written, not rewritten) */
  originalValue: number | null;
  originalUnit: string | null;
  effectiveAt: string;
  referenceRange: string | null;
  status: ImportedStatus;
}

export interface ParsedFile {
  results: LabResult[];
  issues: Issue[];
  /** data rows (CSV records after the header) or bundle entries read */
  rows: number;
}

/** Past this many problems the rest are counted, not listed: the file needs fixing at its source. */
export const MAX_LISTED_ISSUES = 5000;

import type { RawValue } from "../observation-value.ts";

export type { RawValue };

export interface RawResult {
  subjectCode?: string;
  code?: string;
  value?: RawValue;
  unit?: string;
  effectiveAt?: string;
  referenceRange?: string;
  status?: ImportedStatus;
}

/** Where each raw field sits in the file, as issue paths. */
export type FieldPaths = Record<"subjectCode" | "code" | "value" | "unit" | "effectiveAt", string> & {
  referenceRange?: string;
};

export interface InterpretOptions {
  now: Date;
  /** offset applied to times written without one, e.g. "+08:00"; without it such times are refused */
  utcOffset?: string;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** An instant in RFC 3339 form, or a message saying why the text is not one. */
export function parseEffectiveAt(
  text: string,
  options: InterpretOptions,
): { at: string } | { problem: string; code?: string } {
  const t = text.trim();
  const m = DATE_TIME.exec(t);
  if (!m)
    return { problem: `"${t}" is not a date and time (YYYY-MM-DDThh:mm with Z or an offset such as +08:00)` };
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone] = m;
  const offset = zone ?? options.utcOffset;
  if (!offset)
    return {
      problem: `"${t}" has no time zone; add Z or an offset such as +08:00, or give the mapping a utcOffset`,
    };
  const normalisedOffset =
    offset === "Z" ? "Z" : offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${normalisedOffset}`;
  const ms = Date.parse(iso);
  // Date.parse rolls 2025-02-30 over to March; compare the calendar fields to refuse it.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (
    Number.isNaN(ms) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  )
    return { problem: `"${t}" is not a real date and time` };
  const late = observationTimeProblem(new Date(ms), options.now);
  if (late) return { problem: `"${t}": ${late.message}`, code: late.code };
  return { at: new Date(ms).toISOString() };
}

export function interpretResult(
  raw: RawResult,
  paths: FieldPaths,
  options: InterpretOptions,
): { result: LabResult; issues: [] } | { result: null; issues: Issue[] } {
  const issues: Issue[] = [];
  const add = (path: string, code: string, message: string) => issues.push({ path, code, message });

  const subjectCode = raw.subjectCode?.trim() ?? "";
  if (subjectCode === "") add(paths.subjectCode, "missing_subject", "the subject code is missing");
  else if (subjectCode.length > 40) add(paths.subjectCode, "invalid_subject", "the subject code is too long");

  const loinc = raw.code?.trim() ?? "";
  const entry = loinc === "" ? undefined : labCode(loinc);
  if (loinc === "") add(paths.code, "missing_code", "the LOINC code is missing");
  else if (checkLoincCode(loinc) === "syntax")
    add(paths.code, "invalid_loinc", `"${loinc}" is not a LOINC code`);
  else if (checkLoincCode(loinc) === "check-digit")
    add(paths.code, "invalid_loinc_check_digit", `LOINC ${loinc} has a wrong check digit`);
  else if (!entry)
    add(
      paths.code,
      "unknown_loinc",
      `LOINC ${loinc} is not one vein2vein imports (no canonical unit is defined for it)`,
    );

  let value: ObservationValue | null = null;
  if (entry) {
    const v = interpretValue(
      loinc,
      entry,
      raw.value,
      raw.unit,
      { value: paths.value, unit: paths.unit },
      { from: "file" },
    );
    issues.push(...v.issues);
    value = v.value;
  } else if (raw.value === undefined) add(paths.value, "missing_value", "the result is empty");

  let effectiveAt = "";
  if (!raw.effectiveAt || raw.effectiveAt.trim() === "")
    add(paths.effectiveAt, "missing_time", "the date and time of the sample are missing");
  else {
    const t = parseEffectiveAt(raw.effectiveAt, options);
    if ("problem" in t) add(paths.effectiveAt, t.code ?? "invalid_time", t.problem);
    else effectiveAt = t.at;
  }

  const referenceRange = raw.referenceRange?.trim() || null;
  if (referenceRange && referenceRange.length > 100)
    add(paths.referenceRange ?? paths.value, "too_long", "the reference range is at most 100 characters");

  if (issues.length > 0) return { result: null, issues };
  return {
    result: {
      subjectCode,
      subjectPath: paths.subjectCode,
      loinc,
      display: entry!.display,
      valueNumber: value!.valueNumber,
      valueCode: value!.valueCode,
      unit: value!.unit,
      originalValue: value!.originalValue,
      originalUnit: value!.originalUnit,
      effectiveAt,
      referenceRange,
      status: raw.status ?? "final",
    },
    issues: [],
  };
}
