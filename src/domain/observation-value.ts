/**
 * What an observation's value, unit and time may be: the one code path that observations typed in
 * (POST and PATCH /api/v1/observations, single or batch, the web form and paste table) and lab
 * files (CSV and FHIR import) go through before anything is stored (issue 10, decision 0023).
 *
 * - **Unit.** A quantity under a LOINC code of the table (lab-import/canonical-units.ts) is
 *   converted with UCUM (lab-import/ucum.ts) to the code's one canonical unit; the value and unit
 *   as entered are kept beside it (`originalValue`, `originalUnit`). A unit that is not UCUM (nor
 *   one of the known lab spellings) or that measures another kind of quantity (a temperature in
 *   kg) is refused, naming both units. A code outside the table has no canonical unit: entry
 *   stores the number in the UCUM unit given (which must be UCUM), lab import refuses the code.
 * - **Plausibility.** The canonical value must lie within the code's physiological limits
 *   (plausibility.ts): no negative haemoglobin, no SpO2 above 100 %, no body temperature of 60 °C.
 * - **Numbers are numbers.** A decimal comma ("3,5") is refused with the fix ("write 3.5"), never
 *   converted and never stored as text: "1,500" is 1.5 in much of Europe and 1500 in English, and
 *   one rule for every path beats a guess. The one exception is a lab file whose locale is
 *   declared (decision 0035): in a file declared `de` or `fr` the comma is the decimal sign and a
 *   point is refused instead. A number sent as text through the API is refused too (it belongs in
 *   valueNumber with its unit); lab files carry every result as text, so there a quantity code's
 *   text is read as a number.
 * - **Censored results.** A lab file may report a result beyond the assay's range as "<0.5" or
 *   ">1000" (FHIR Quantity.comparator): the number is kept as the limit with its comparator,
 *   never as the value itself, and `isBelow`/`isAbove` answer comparisons only when the censored
 *   value settles them. Typed-in observations still refuse them (the API has no comparator).
 * - **Time.** Not later than the server's clock plus the clock skew of event-time.ts (5 minutes),
 *   not before 1950 (a typing error, not history: CAR-T products date from 2017).
 *
 * Every problem is an Issue at the caller's path for the field (a JSON Pointer into the request,
 * or a CSV line and column), so one pass reports them all.
 */
import type { Issue } from "./errors.ts";
import { futureTimeProblem } from "./event-time.ts";
import type { LabCodeEntry } from "./lab-import/canonical-units.ts";
import { convertQuantity, ucumCodeOf } from "./lab-import/ucum.ts";
import { implausibility } from "./plausibility.ts";

/** FHIR R4 Quantity.comparator (hl7.org/fhir/R4/valueset-quantity-comparator.html). */
export const COMPARATORS = ["<", "<=", ">=", ">"] as const;
export type Comparator = (typeof COMPARATORS)[number];

export type RawValue =
  | { number: number; comparator?: Comparator }
  | { text: string }
  | { code: string; system?: string | null };

export interface ObservationValue {
  valueNumber: number | null;
  valueCode: string | null;
  valueText: string | null;
  /** set for a censored result: valueNumber is then the limit ("<0.5" → 0.5 with "<") */
  valueComparator: Comparator | null;
  /** the code system of a coded result, when the file named one */
  valueCodeSystem: string | null;
  /** canonical UCUM unit for a code of the table; the UCUM code given otherwise; null for coded results */
  unit: string | null;
  /** the number and unit exactly as entered (the unit as written, not rewritten); null unless numeric */
  originalValue: number | null;
  originalUnit: string | null;
}

export interface ValuePaths {
  /** where the value sits (for the API: /valueNumber, /valueText or /valueCode, whichever was sent) */
  value: string;
  unit: string;
}

export interface ValueSource {
  /**
   * "file": every value arrives as text (CSV cells, FHIR valueString); a quantity code's text is
   * read as a number and a coded code's text as its code. "entry": values arrive typed (the API);
   * text stays text and a number in text is refused.
   */
  from: "file" | "entry";
  /**
   * The decimal sign of a lab file whose locale was declared (decimalSignOf); "." otherwise.
   * Only files: a typed-in number is a JSON number.
   */
  decimal?: "." | ",";
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const COMMA_NUMBER = /^[+-]?(\d+,?\d*|,\d+)([eE][+-]?\d+)?$/;
const CENSORED = /^(<=|>=|<|>|≤|≥)\s*(.*)$/;
const COMPARATOR_OF: Record<string, Comparator> = {
  "<": "<",
  "<=": "<=",
  "≤": "<=",
  ">": ">",
  ">=": ">=",
  "≥": ">=",
};

/**
 * The decimal sign of a locale (a BCP 47 tag such as "de", "fr-CH", "zh"), from the CLDR data
 * that Node's ICU carries: "de" and "fr" write 1,5, "en" and "zh" write 1.5. Null for a tag
 * that is not a locale. A file's locale is declared, never guessed from its numbers.
 */
export function decimalSignOf(locale: string): "." | "," | null {
  let sign: string | undefined;
  try {
    if (Intl.getCanonicalLocales(locale).length !== 1) return null;
    sign = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === "decimal")?.value;
  } catch {
    return null;
  }
  // Arabic-script locales may use U+066B; lab files in them are out of scope, so refuse the tag.
  return sign === "." || sign === "," ? sign : null;
}

type Problem = { code: string; message: string };

/** "3,5" → write 3.5; "1,500" may be either, so both readings are offered. */
function decimalComma(t: string): Problem {
  const dot = t.replace(",", ".");
  return {
    code: "decimal_comma",
    message: /^[+-]?\d{1,3},\d{3}$/.test(t)
      ? `"${t}" has a comma: write ${Number(dot)} if it is a decimal, ${t.replace(",", "")} if the comma separates thousands (a comma is never read as either)`
      : `"${t}" uses a decimal comma; write ${dot} (a comma is never read as a decimal point: "1,500" is 1.5 in much of Europe and 1500 in English)`,
  };
}

/**
 * A result written as text in a lab file, read as a number (with its comparator when censored,
 * "<0.5", "≥ 1000"); or the problem with it. `decimal` is the file's declared decimal sign.
 */
export function parseNumberText(
  text: string,
  decimal: "." | "," = ".",
): { number: number; comparator?: Comparator } | Problem {
  const t = text.trim();
  if (t === "") return { code: "missing_value", message: "the result is empty" };
  const censored = CENSORED.exec(t);
  if (censored) {
    const limit = parseNumberText(censored[2]!, decimal);
    if (!("number" in limit) || limit.comparator)
      return { code: "invalid_number", message: `"${t}" is not a censored number such as <0.5 or >1000` };
    return { number: limit.number, comparator: COMPARATOR_OF[censored[1]!]! };
  }
  if (decimal === ",") {
    if (t.includes("."))
      return {
        code: "decimal_point",
        message: `"${t}" has a point, but the file is declared to write decimals with a comma (1,5); a point is never read as either a decimal or a thousands separator there`,
      };
    if (!COMMA_NUMBER.test(t)) return { code: "invalid_number", message: `"${t}" is not a number` };
    const n = Number(t.replace(",", "."));
    return Number.isFinite(n)
      ? { number: n }
      : { code: "invalid_number", message: `"${t}" is not a finite number` };
  }
  if (DECIMAL_COMMA.test(t)) return decimalComma(t);
  if (!NUMBER.test(t)) return { code: "invalid_number", message: `"${t}" is not a number` };
  const n = Number(t);
  return Number.isFinite(n)
    ? { number: n }
    : { code: "invalid_number", message: `"${t}" is not a finite number` };
}

/** A numeric result that may be censored, as endpoints and the prefill compare it. */
export interface Reading {
  value: number;
  comparator: Comparator | null;
}

/**
 * Whether the true value lies below `limit`: true or false when the reading settles it, null when
 * a censored reading cannot ("<5" against a limit of 1). "<0.5" is below 1; ">1000" is not below 1.
 */
export function isBelow(r: Reading, limit: number): boolean | null {
  switch (r.comparator) {
    case null:
      return r.value < limit;
    case "<":
      return r.value <= limit ? true : null;
    case "<=":
      return r.value < limit ? true : null;
    case ">":
    case ">=":
      return r.value >= limit ? false : null;
  }
}

/** Whether the true value lies above `limit`, as isBelow: ">1000" is above 400, "<10" is not above 10. */
export function isAbove(r: Reading, limit: number): boolean | null {
  switch (r.comparator) {
    case null:
      return r.value > limit;
    case ">":
      return r.value >= limit ? true : null;
    case ">=":
      return r.value > limit ? true : null;
    case "<":
    case "<=":
      return r.value <= limit ? false : null;
  }
}

/** Text sent as a text result through the API: refused when it is really a number. */
function numberInText(text: string): Problem | null {
  const t = text.trim();
  if (DECIMAL_COMMA.test(t)) return decimalComma(t);
  if (NUMBER.test(t))
    return {
      code: "number_as_text",
      message: `"${t}" is a number: send it as valueNumber with its UCUM unit, not as text`,
    };
  return null;
}

/** A dimensionless annotation such as {score} may be left blank. */
const annotationOnly = (unit: string) => /^\{[^}]*\}$/.test(unit);

/** No value at all: the start of every reading, and what a refused row is reported with. */
export const NO_VALUE: ObservationValue = {
  valueNumber: null,
  valueCode: null,
  valueText: null,
  valueComparator: null,
  valueCodeSystem: null,
  unit: null,
  originalValue: null,
  originalUnit: null,
};

export type Interpreted = { value: ObservationValue; issues: [] } | { value: null; issues: Issue[] };

/**
 * Checks and normalises one observation's value and unit. `entry` is the code's row of the LOINC
 * table, or undefined for a code outside it (entry only: lab import refuses such codes first).
 */
export function interpretValue(
  loinc: string,
  entry: LabCodeEntry | undefined,
  raw: RawValue | undefined,
  unitAsWritten: string | null | undefined,
  paths: ValuePaths,
  source: ValueSource,
): Interpreted {
  const issues: Issue[] = [];
  const add = (path: string, p: Problem) => issues.push({ path, code: p.code, message: p.message });
  const writtenUnit = unitAsWritten?.trim() ?? "";
  const fromFile = source.from === "file";
  let out: ObservationValue = NO_VALUE;

  const missing = () => add(paths.value, { code: "missing_value", message: "the result is empty" });
  if (entry?.kind === "coded") {
    if (!raw) missing();
    else if ("number" in raw)
      add(paths.value, { code: "expected_coded", message: `LOINC ${loinc} is a coded result, not a number` });
    else {
      const text = "code" in raw ? raw.code.trim() : raw.text.trim();
      const asNumber = "text" in raw && !fromFile ? numberInText(text) : null;
      if (text === "") add(paths.value, { code: "missing_value", message: "the result is empty" });
      else if (text.length > 100)
        add(paths.value, { code: "too_long", message: "a coded result is at most 100 characters" });
      else if (asNumber) add(paths.value, asNumber);
      else if ("text" in raw && !fromFile) out = { ...NO_VALUE, valueText: raw.text };
      else out = { ...NO_VALUE, valueCode: text, valueCodeSystem: ("code" in raw && raw.system) || null };
    }
    if (writtenUnit !== "")
      add(paths.unit, {
        code: "unexpected_unit",
        message: `LOINC ${loinc} is a coded result and has no unit`,
      });
  } else if (entry) {
    const canonical = entry.canonicalUnit!;
    let n: number | null = null;
    let comparator: Comparator | null = null;
    if (!raw) missing();
    else if ("number" in raw) {
      n = raw.number;
      comparator = raw.comparator ?? null;
    } else if ("code" in raw)
      add(paths.value, { code: "expected_number", message: `LOINC ${loinc} needs a number, not a code` });
    else if (fromFile) {
      const parsed = parseNumberText(raw.text, source.decimal);
      if ("number" in parsed) {
        n = parsed.number;
        comparator = parsed.comparator ?? null;
      } else add(paths.value, parsed);
    } else
      add(
        paths.value,
        numberInText(raw.text) ?? {
          code: "expected_number",
          message: `LOINC ${loinc} (${entry.display}) is a quantity: send valueNumber with its unit (stored in ${canonical})`,
        },
      );
    // A text or code sent as the value is already refused: a missing unit would only repeat it.
    const valueIsNumber = fromFile || (raw !== undefined && "number" in raw);
    if (writtenUnit === "" && !annotationOnly(canonical) && valueIsNumber)
      add(paths.unit, {
        code: "missing_unit",
        message: `the unit is missing (LOINC ${loinc} is stored in ${canonical})`,
      });
    else if (n !== null) {
      const converted =
        writtenUnit === ""
          ? { ok: true as const, value: n }
          : convertQuantity(n, writtenUnit, canonical, entry.molecularWeight);
      if (converted.ok && !Number.isFinite(converted.value))
        add(paths.value, {
          code: "invalid_number",
          message: `${n} ${writtenUnit} is out of range in ${canonical}`,
        });
      else if (converted.ok) {
        const implausible = implausibility(loinc, converted.value, `${n} ${writtenUnit || canonical}`);
        if (implausible) add(paths.value, { code: "implausible_value", message: implausible });
        else
          out = {
            ...NO_VALUE,
            valueNumber: converted.value,
            valueComparator: comparator,
            unit: canonical,
            originalValue: n,
            originalUnit: writtenUnit || null,
          };
      } else
        add(paths.unit, {
          code: converted.code,
          message: `${converted.message} (LOINC ${loinc} is stored in ${canonical})`,
        });
    } else if (writtenUnit !== "") {
      // Report a bad unit even when the value is bad too, so one pass shows both.
      const converted = convertQuantity(1, writtenUnit, canonical, entry.molecularWeight);
      if (!converted.ok)
        add(paths.unit, {
          code: converted.code,
          message: `${converted.message} (LOINC ${loinc} is stored in ${canonical})`,
        });
    }
  } else {
    // A code outside the table (entry only): no canonical unit and no limits, but a number still
    // needs a real UCUM unit, and a number is still not text.
    if (!raw) missing();
    else if ("number" in raw) {
      const ucum = writtenUnit === "" ? null : ucumCodeOf(writtenUnit);
      if (ucum === null)
        add(paths.unit, {
          code: writtenUnit === "" ? "missing_unit" : "unknown_unit",
          message:
            writtenUnit === ""
              ? "a number needs a UCUM unit (1 for none)"
              : `"${writtenUnit}" is not a UCUM unit (e.g. mg/dL, 10*9/L, [IU]/mL)`,
        });
      else
        out = {
          ...NO_VALUE,
          valueNumber: raw.number,
          unit: ucum,
          originalValue: raw.number,
          originalUnit: writtenUnit,
        };
    } else if ("code" in raw) out = { ...NO_VALUE, valueCode: raw.code, unit: writtenUnit || null };
    else {
      const asNumber = numberInText(raw.text);
      if (asNumber) add(paths.value, asNumber);
      else out = { ...NO_VALUE, valueText: raw.text, unit: writtenUnit || null };
    }
  }
  return issues.length > 0 ? { value: null, issues } : { value: out, issues: [] };
}

/** Results dated before this are typing errors, not history (CAR-T products date from 2017). */
export const EARLIEST_OBSERVATION = new Date(Date.UTC(1950, 0, 1));

/** Why an observation's time cannot be right, or null. */
export function observationTimeProblem(at: Date, now: Date): Problem | null {
  if (at.getTime() < EARLIEST_OBSERVATION.getTime())
    return { code: "too_early", message: `${at.toISOString()} is before 1950` };
  const future = futureTimeProblem("The observation", at, now);
  return future === null ? null : { code: "future_time", message: future };
}
