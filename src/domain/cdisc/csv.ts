/**
 * CSV as RFC 4180 writes it: a header line, comma-separated fields, CRLF line ends, a field quoted
 * (with its quotes doubled) when it holds a comma, quote or line break, or starts or ends with a
 * space. Numbers are written in JavaScript's shortest round-trip form, so R's read.csv and SAS
 * PROC IMPORT read back the same double; null is an empty field (NA in R, missing in SAS).
 * Text starting with =, +, - or @ is written as it is: these files are data for R and SAS, and
 * spreadsheet formula injection is a risk only when a spreadsheet opens them.
 */

export type CsvValue = string | number | boolean | null | undefined;

function field(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
    return String(value);
  }
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((r) => `${r.map(field).join(",")}\r\n`).join("");
}
