/**
 * One lab result as read from a file (a CSV line or a FHIR Observation), checked field by field
 * and normalised to the canonical unit of its LOINC code. Both readers hand the same raw fields to
 * `interpretResult`, so CSV and FHIR imports refuse exactly the same things, each problem pointing
 * at the field in the reader's own terms (a line and column, or a JSON Pointer into the bundle).
 */
import type { Issue } from "../errors.ts";
import { checkLoincCode } from "../loinc.ts";
import { labCode } from "./canonical-units.ts";
import { convertQuantity } from "./ucum.ts";

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

export type RawValue = { number: number } | { text: string } | { code: string };

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

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
/** Results dated before this are typing errors, not history (CAR-T products date from 2017). */
const EARLIEST = Date.UTC(1950, 0, 1);
/** Lab clocks drift and time zones get mixed up; a day of slack before "in the future" is refused. */
const FUTURE_SLACK_MS = 86_400_000;

function parseNumber(text: string): number | string {
  const t = text.trim();
  if (t === "") return "the result is empty";
  if (/^[<>≤≥]=?/.test(t))
    return `"${t}" is a censored result (below or above the assay's range); give the number the lab reported as a limit in a note instead, it is not imported as a value`;
  if (/^[+-]?\d+,\d+$/.test(t)) return `"${t}" uses a decimal comma; write ${t.replace(",", ".")}`;
  if (!NUMBER.test(t)) return `"${t}" is not a number`;
  const n = Number(t);
  return Number.isFinite(n) ? n : `"${t}" is not a finite number`;
}

/** An instant in RFC 3339 form, or a message saying why the text is not one. */
export function parseEffectiveAt(
  text: string,
  options: InterpretOptions,
): { at: string } | { problem: string } {
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
  if (ms < EARLIEST) return { problem: `"${t}" is before 1950` };
  if (ms > options.now.getTime() + FUTURE_SLACK_MS) return { problem: `"${t}" is in the future` };
  return { at: new Date(ms).toISOString() };
}

/** A dimensionless annotation such as {score} may be left blank in a file. */
const annotationOnly = (unit: string) => /^\{[^}]*\}$/.test(unit);

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

  let valueNumber: number | null = null;
  let valueCode: string | null = null;
  let unit: string | null = null;
  let originalValue: number | null = null;
  const writtenUnit = raw.unit?.trim() ?? "";
  if (entry?.kind === "coded") {
    const v = raw.value;
    const code = v && "code" in v ? v.code : v && "text" in v ? v.text.trim() : "";
    if (v && "number" in v)
      add(paths.value, "expected_coded", `LOINC ${loinc} is a coded result, not a number`);
    else if (code === "") add(paths.value, "missing_value", "the result is empty");
    else if (code.length > 100) add(paths.value, "too_long", "a coded result is at most 100 characters");
    else valueCode = code;
    if (writtenUnit !== "")
      add(paths.unit, "unexpected_unit", `LOINC ${loinc} is a coded result and has no unit`);
  } else if (entry) {
    const v = raw.value;
    let n: number | null = null;
    if (!v) add(paths.value, "missing_value", "the result is empty");
    else if ("number" in v) n = v.number;
    else if ("code" in v) add(paths.value, "expected_number", `LOINC ${loinc} needs a number, not a code`);
    else {
      const parsed = parseNumber(v.text);
      if (typeof parsed === "string") add(paths.value, "invalid_number", parsed);
      else n = parsed;
    }
    const canonical = entry.canonicalUnit!;
    if (writtenUnit === "" && !annotationOnly(canonical))
      add(paths.unit, "missing_unit", `the unit is missing (LOINC ${loinc} is stored in ${canonical})`);
    else if (n !== null) {
      const converted =
        writtenUnit === ""
          ? { ok: true as const, value: n }
          : convertQuantity(n, writtenUnit, canonical, entry.molecularWeight);
      if (converted.ok && !Number.isFinite(converted.value))
        add(paths.value, "invalid_number", `${n} ${writtenUnit} is out of range in ${canonical}`);
      else if (converted.ok) {
        valueNumber = converted.value;
        unit = canonical;
        originalValue = n;
      } else
        add(paths.unit, converted.code, `${converted.message} (LOINC ${loinc} is stored in ${canonical})`);
    } else if (writtenUnit !== "") {
      // Report a bad unit even when the value is bad too, so one pass shows both.
      const converted = convertQuantity(1, writtenUnit, canonical, entry.molecularWeight);
      if (!converted.ok)
        add(paths.unit, converted.code, `${converted.message} (LOINC ${loinc} is stored in ${canonical})`);
    }
  } else if (raw.value === undefined) add(paths.value, "missing_value", "the result is empty");

  let effectiveAt = "";
  if (!raw.effectiveAt || raw.effectiveAt.trim() === "")
    add(paths.effectiveAt, "missing_time", "the date and time of the sample are missing");
  else {
    const t = parseEffectiveAt(raw.effectiveAt, options);
    if ("problem" in t) add(paths.effectiveAt, "invalid_time", t.problem);
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
      valueNumber,
      valueCode,
      unit,
      originalValue: valueCode === null ? originalValue : null,
      originalUnit: valueCode === null ? writtenUnit || null : null,
      effectiveAt,
      referenceRange,
      status: raw.status ?? "final",
    },
    issues: [],
  };
}
