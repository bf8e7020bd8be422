/**
 * Rows pasted from a spreadsheet (tab-separated when copied from Excel or LibreOffice, or
 * comma/semicolon-separated text) turned into observations, each row checked on its own so the
 * preview can say which rows are wrong and why before anything is sent. The server checks again
 * (LOINC check digit, unit normalised to the code's canonical unit, physiological limits, time not
 * in the future) and its errors are mapped back to the rows.
 *
 * Columns: code, value, unit, time[, display] in that order, or any order under a header row
 * naming them (code/loinc, value/result, unit, time/effectiveAt/date, display/name).
 */

import { siteInputToInstant } from "../../ui/site-time.ts";

export interface PastedRow {
  /** 1-based line in the pasted text */
  line: number;
  cells: string[];
  observation: Record<string, unknown> | null;
  errors: string[];
}

type Column = "code" | "value" | "unit" | "time" | "display";
const DEFAULT_ORDER: Column[] = ["code", "value", "unit", "time", "display"];
const HEADER_NAMES: Record<string, Column> = {
  code: "code",
  loinc: "code",
  "loinc code": "code",
  value: "value",
  result: "value",
  unit: "unit",
  units: "unit",
  time: "time",
  date: "time",
  "date/time": "time",
  effectiveat: "time",
  "effective at": "time",
  display: "display",
  name: "display",
  test: "display",
};

export function splitRows(text: string): string[][] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const delimiter = lines.some((l) => l.includes("\t"))
    ? "\t"
    : lines.some((l) => l.includes(";"))
      ? ";"
      : ",";
  return lines.map((l) => l.split(delimiter).map((c) => c.trim()));
}

/**
 * A decimal comma ("3,5") is refused with the fix, as the server and lab import refuse it
 * (decision 0023): "1,500" is 1.5 in much of Europe and 1500 in English, so nothing is guessed.
 */
export function decimalCommaProblem(raw: string): string | null {
  const t = raw.trim();
  if (!/^[-+]?\d+,\d+$/.test(t)) return null;
  return /^[-+]?\d{1,3},\d{3}$/.test(t)
    ? `“${t}” has a comma: write ${Number(t.replace(",", "."))} if it is a decimal, ${t.replace(",", "")} if the comma separates thousands`
    : `“${t}” uses a decimal comma; write ${t.replace(",", ".")} (a comma is never read as a decimal point)`;
}

/** LOINC codes are 1–7 digits, a hyphen and a check digit (the server verifies the check digit). */
const LOINC_SHAPE = /^\d{1,7}-\d$/;

/**
 * A time with an offset is taken as is; "YYYY-MM-DD HH:MM[:SS]" is on the site's clock (not the
 * device's: a lab sheet from the ward reads the ward's time). A date alone is refused: a lab value
 * without a time cannot be placed against day 0 reliably.
 */
export function parseTime(raw: string, timeZone: string): string | null {
  const s = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    const d = new Date(s.replace(" ", "T"));
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/.test(s))
    return siteInputToInstant(s.replace(" ", "T"), timeZone);
  return null;
}

export function parsePastedObservations(text: string, patientId: string, timeZone: string): PastedRow[] {
  const rows = splitRows(text);
  let order = DEFAULT_ORDER;
  let offset = 1;
  const first = rows[0];
  if (first && !LOINC_SHAPE.test(first[0] ?? "")) {
    const named = first.map((h) => HEADER_NAMES[h.toLowerCase()]);
    if (named.some((n) => n !== undefined)) {
      order = named.map((n) => n ?? ("ignored" as Column));
      rows.shift();
      offset = 2;
    }
  }
  return rows.map((cells, i) => {
    const get = (c: Column) => {
      const at = order.indexOf(c);
      return at === -1 ? "" : (cells[at] ?? "");
    };
    const errors: string[] = [];
    const code = get("code");
    if (!LOINC_SHAPE.test(code))
      errors.push(`“${code}” is not a LOINC code (digits-check digit, e.g. 718-7)`);
    const valueRaw = get("value");
    const unit = get("unit");
    const numeric = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(valueRaw);
    if (!valueRaw) errors.push("no value");
    const comma = decimalCommaProblem(valueRaw);
    if (comma) errors.push(comma);
    if (numeric && !unit) errors.push("a number needs a unit (UCUM, e.g. g/dL; 1 for none)");
    if (unit && /\s/.test(unit)) errors.push(`unit “${unit}” has a space; UCUM codes have none`);
    const timeRaw = get("time");
    const effectiveAt = parseTime(timeRaw, timeZone);
    if (!effectiveAt) errors.push(`time “${timeRaw}” is not a date and time (YYYY-MM-DD HH:MM)`);
    const display = get("display");
    const observation =
      errors.length === 0
        ? {
            patientId,
            code,
            ...(numeric ? { valueNumber: Number(valueRaw), unit } : { valueText: valueRaw }),
            ...(!numeric && unit ? { unit } : {}),
            effectiveAt,
            ...(display ? { display } : {}),
          }
        : null;
    return { line: i + offset, cells, observation, errors };
  });
}
