/**
 * One lab result as read from a file (a CSV line or a FHIR Observation), checked field by field
 * and normalised to the canonical unit of its LOINC code. Both readers hand the same raw fields to
 * `interpretResult`, so CSV and FHIR imports refuse exactly the same things, each problem pointing
 * at the field in the reader's own terms (a line and column, or a JSON Pointer into the bundle).
 */
import { addDays } from "../calendar.ts";
import type { Issue } from "../errors.ts";
import { checkLoincCode } from "../loinc.ts";
import {
  interpretValue,
  NO_VALUE,
  type ObservationValue,
  observationTimeProblem,
  type RawValue,
} from "../observation-value.ts";
import { startOfLocalDay } from "../study-day.ts";
import { labCode } from "./canonical-units.ts";
import { limitInUnit, parseReferenceRange } from "./reference-range.ts";

export type { RawValue };

export type ImportedStatus = "preliminary" | "final" | "amended" | "corrected";

/** A FHIR Coding as kept on an observation (interpretation flags). */
export interface Coding {
  system: string | null;
  code: string;
  display?: string;
}

/** The lab's identifier of one result (FHIR Observation.identifier): how a correction finds it. */
export interface LabIdentifier {
  system: string | null;
  value: string;
}

/** A result ready to store, except for the patient, which the service resolves by subject code. */
export interface LabResult {
  subjectCode: string;
  /** where the subject code came from, for a per-row "no such patient" issue */
  subjectPath: string;
  /** the row or entry the result came from (/lines/4, /entry/3/resource), for per-row issues */
  path: string;
  loinc: string;
  display: string;
  valueNumber: number | null;
  /** a censored result ("<0.5"): valueNumber is the limit */
  valueComparator: ObservationValue["valueComparator"];
  valueCode: string | null;
  valueCodeSystem: string | null;
  /** canonical UCUM unit; null for coded results and missing ones */
  unit: string | null;
  /** the value and unit exactly as the file gave them (the unit as written, not rewritten) */
  originalValue: number | null;
  originalUnit: string | null;
  /** why there is no value (FHIR dataAbsentReason code); the value fields are then all null */
  absentReason: string | null;
  interpretation: Coding[];
  effectiveAt: string;
  /** the end of a sampling period (effectivePeriod.end), or null */
  effectiveEnd: string | null;
  /** the lab gave a calendar day: effectiveAt is the start of that day in the site's time zone */
  effectiveIsDate: boolean;
  /** the range as the lab wrote it (text, or the structured range written out) */
  referenceRange: string | null;
  /** the range's limits in the canonical unit, when the lab gave them in a readable form */
  referenceLow: number | null;
  referenceHigh: number | null;
  status: ImportedStatus;
  identifier: LabIdentifier | null;
  /** the lab's comments on the result (FHIR Observation.note), or null */
  note: string | null;
}

/** An entered-in-error Observation: retracts the result it identifies. */
export interface LabRetraction {
  identifier: LabIdentifier;
  /** the subject the entry names, if any (checked against the retracted result's patient) */
  subjectCode: string | null;
  path: string;
}

export interface ParsedFile {
  results: LabResult[];
  retractions: LabRetraction[];
  issues: Issue[];
  /** data rows (CSV records after the header) or bundle entries read */
  rows: number;
  /** entries read but not results: Patients, DiagnosticReports, panels, other context resources */
  skipped: number;
}

/** Past this many problems the rest are counted, not listed: the file needs fixing at its source. */
export const MAX_LISTED_ISSUES = 5000;
/** Long enough for several ranges written out ("M 130–170 g/L; F 120–150 g/L; child …"). */
const MAX_RANGE_CHARS = 300;

/** One end of a structured reference range as the file gave it. */
export interface RawLimit {
  value: number;
  unit?: string;
}

export interface RawResult {
  subjectCode?: string;
  code?: string;
  value?: RawValue;
  unit?: string;
  effectiveAt?: string;
  effectiveEnd?: string;
  referenceRange?: string;
  referenceLimits?: { low?: RawLimit; high?: RawLimit };
  status?: ImportedStatus;
  absentReason?: string;
  interpretation?: Coding[];
  identifier?: LabIdentifier;
  note?: string;
}

/** Where each raw field sits in the file, as issue paths. */
export type FieldPaths = Record<"subjectCode" | "code" | "value" | "unit" | "effectiveAt", string> & {
  row?: string;
  referenceRange?: string;
  effectiveEnd?: string;
  absentReason?: string;
};

export interface InterpretOptions {
  now: Date;
  /** offset applied to times written without one, e.g. "+08:00"; without it such times are refused */
  utcOffset?: string;
  /** the site's IANA time zone: a date without a time is the start of that day there */
  timeZone?: string;
  /** the file's declared decimal sign (decimalSignOf its locale); "." when none was declared */
  decimal?: "." | ",";
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An instant in RFC 3339 form, or a message saying why the text is not one. A calendar date alone
 * (FHIR dateTime "2025-04-01", a CSV "2025-04-01") is the start of that day in the site's time zone
 * (study-day.ts startOfLocalDay, the one rule for site-local days), flagged `isDate`.
 */
export function parseEffectiveAt(
  text: string,
  options: InterpretOptions,
): { at: string; isDate: boolean } | { problem: string; code?: string } {
  const t = text.trim();
  const m = DATE_TIME.exec(t);
  if (!m)
    return { problem: `"${t}" is not a date and time (YYYY-MM-DDThh:mm with Z or an offset such as +08:00)` };
  const [, y, mo, d, h, mi = "00", s = "00", frac = "", zone] = m;
  const isDate = h === undefined && zone === undefined;
  // Date.parse rolls 2025-02-30 over to March; compare the calendar fields to refuse it.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const realDay = check.getUTCMonth() === Number(mo) - 1 && check.getUTCDate() === Number(d);
  let ms: number;
  if (isDate) {
    if (!realDay) return { problem: `"${t}" is not a real date` };
    if (!options.timeZone)
      return { problem: `"${t}" is a date without a time, and no site time zone was given to place it` };
    ms = startOfLocalDay(`${y}-${mo}-${d}`, options.timeZone).getTime();
  } else {
    const offset = zone ?? options.utcOffset;
    if (!offset)
      return {
        problem: `"${t}" has no time zone; add Z or an offset such as +08:00, or give the mapping a utcOffset`,
      };
    const normalisedOffset =
      offset === "Z" ? "Z" : offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset;
    ms = Date.parse(`${y}-${mo}-${d}T${h ?? "00"}:${mi}:${s}${frac}${normalisedOffset}`);
    if (Number.isNaN(ms) || !realDay || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59)
      return { problem: `"${t}" is not a real date and time` };
  }
  const late = observationTimeProblem(new Date(ms), options.now);
  if (late) return { problem: `"${t}": ${late.message}`, code: late.code };
  return { at: new Date(ms).toISOString(), isDate };
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

  // FHIR obs-6: dataAbsentReason only where there is no value. A missing result is stored as
  // missing, with its reason: never dropped, never a zero.
  const absentReason = raw.absentReason?.trim() || null;
  let value: ObservationValue | null = null;
  if (absentReason !== null) {
    if (raw.value !== undefined)
      add(
        paths.absentReason ?? paths.value,
        "value_and_absent_reason",
        "the result has both a value and a dataAbsentReason (FHIR obs-6 allows one or the other)",
      );
    else value = NO_VALUE;
  } else if (entry) {
    const v = interpretValue(
      loinc,
      entry,
      raw.value,
      raw.unit,
      { value: paths.value, unit: paths.unit },
      { from: "file", ...(options.decimal ? { decimal: options.decimal } : {}) },
    );
    issues.push(...v.issues);
    value = v.value;
  } else if (raw.value === undefined) add(paths.value, "missing_value", "the result is empty");

  let effectiveAt = "";
  let effectiveIsDate = false;
  if (!raw.effectiveAt || raw.effectiveAt.trim() === "")
    add(paths.effectiveAt, "missing_time", "the date and time of the sample are missing");
  else {
    const t = parseEffectiveAt(raw.effectiveAt, options);
    if ("problem" in t) add(paths.effectiveAt, t.code ?? "invalid_time", t.problem);
    else {
      effectiveAt = t.at;
      effectiveIsDate = t.isDate;
    }
  }
  let effectiveEnd: string | null = null;
  if (raw.effectiveEnd !== undefined) {
    const endPath = paths.effectiveEnd ?? paths.effectiveAt;
    const t = parseEffectiveAt(raw.effectiveEnd, options);
    if ("problem" in t) add(endPath, t.code ?? "invalid_time", t.problem);
    else {
      // A period ending on a day includes that day (FHIR Period: the end is inclusive at its precision).
      effectiveEnd =
        t.isDate && options.timeZone
          ? startOfLocalDay(addDays(raw.effectiveEnd.trim(), 1), options.timeZone).toISOString()
          : t.at;
      if (effectiveAt !== "" && effectiveEnd < effectiveAt)
        add(endPath, "period_end_before_start", "the sampling period ends before it starts");
    }
  }

  const referenceRange = raw.referenceRange?.trim() || null;
  const rangePath = paths.referenceRange ?? paths.value;
  if (referenceRange && referenceRange.length > MAX_RANGE_CHARS)
    add(rangePath, "too_long", `the reference range is at most ${MAX_RANGE_CHARS} characters`);
  const limits = readLimits(raw, referenceRange, entry, value, options, (code, message) =>
    add(rangePath, code, message),
  );

  if (issues.length > 0) return { result: null, issues };
  return {
    result: {
      subjectCode,
      subjectPath: paths.subjectCode,
      path: paths.row ?? paths.value,
      loinc,
      display: entry!.display,
      valueNumber: value!.valueNumber,
      valueComparator: value!.valueComparator,
      valueCode: value!.valueCode,
      valueCodeSystem: value!.valueCodeSystem,
      unit: value!.unit,
      originalValue: value!.originalValue,
      originalUnit: value!.originalUnit,
      absentReason,
      interpretation: raw.interpretation ?? [],
      effectiveAt,
      effectiveEnd,
      effectiveIsDate,
      referenceRange,
      referenceLow: limits.low ?? null,
      referenceHigh: limits.high ?? null,
      status: raw.status ?? "final",
      identifier: raw.identifier ?? null,
      note: raw.note?.trim() || null,
    },
    issues: [],
  };
}

/**
 * The reference range's limits in the code's canonical unit: FHIR's structured low/high (each in
 * its own unit, else the result's), or a CSV range text read in the result's unit as written.
 * A text that is not a range ("negative", "see report") is kept as text only; a structured limit
 * in a unit that cannot be converted is a problem, as the value's own unit would be.
 */
function readLimits(
  raw: RawResult,
  text: string | null,
  entry: ReturnType<typeof labCode>,
  value: ObservationValue | null,
  options: InterpretOptions,
  problem: (code: string, message: string) => void,
): { low?: number; high?: number } {
  if (!entry || entry.kind === "coded" || !entry.canonicalUnit) return {};
  const canonical = entry.canonicalUnit;
  const written = raw.unit?.trim() || value?.originalUnit || "";
  const inCanonical = (n: number, unit: string | undefined) => {
    const u = unit?.trim() || written;
    if (u === "" || u === canonical) return n;
    const c = limitInUnit(n, u, canonical, entry.molecularWeight);
    if (c.ok) return c.value;
    problem("reference_range_unit", `reference range: ${c.message}`);
    return undefined;
  };
  const out: { low?: number; high?: number } = {};
  const given = raw.referenceLimits ?? parseReferenceRange(text, options.decimal);
  if (!given) return out;
  const lim = (l: RawLimit | number | undefined) =>
    l === undefined
      ? undefined
      : typeof l === "number"
        ? inCanonical(l, undefined)
        : inCanonical(l.value, l.unit);
  const low = lim(given.low);
  const high = lim(given.high);
  if (low !== undefined) out.low = low;
  if (high !== undefined) out.high = high;
  return out;
}
