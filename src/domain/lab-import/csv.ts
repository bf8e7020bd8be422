/**
 * Lab results from a CSV file with a column mapping. The file is parsed as a stream (csv-parse),
 * so a large export is never held as one string; every line is checked and every problem is
 * collected with its line number and column, so one round of corrections fixes the file.
 *
 * Issue paths are `/lines/{line}/{column}`: the 1-based physical line of the file (the header is
 * line 1) and the column's header text; file-wide problems point into `/mapping`.
 *
 * Results may be censored ("<0.5", ">1000": kept as the limit with its comparator). Decimal commas
 * are read only in a file whose locale is declared (`locale: "de"` in the mapping, or
 * `v2v labs import --locale de`): then "1,5" is 1.5 and a point is refused; without a declared
 * locale a comma is refused with the fix, as everywhere else (decision 0035).
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import { z } from "zod";
import type { Issue } from "../errors.ts";
import { toJsonPointer } from "../errors.ts";
import { checkLoincCode } from "../loinc.ts";
import { decimalSignOf } from "../observation-value.ts";
import {
  type InterpretOptions,
  interpretResult,
  type LabResult,
  MAX_LISTED_ISSUES,
  type ParsedFile,
} from "./result.ts";

const Column = z.string().min(1).max(100);

export const CsvMapping = z
  .object({
    columns: z.object({
      subjectCode: Column.describe("column holding the pseudonymous subject code, e.g. SZ-0001"),
      code: Column.describe("column holding the LOINC code, or a site-local test code listed in localCodes"),
      value: Column.describe("column holding the result"),
      unit: Column.describe("column holding the unit as the lab wrote it (UCUM, or a common spelling)"),
      effectiveAt: Column.describe(
        "column holding the sample time, RFC 3339 or YYYY-MM-DD hh:mm with utcOffset",
      ),
      referenceRange: Column.optional().describe("column holding the lab's reference range, kept as text"),
    }),
    localCodes: z
      .record(z.string().min(1).max(50), z.string().max(10))
      .default({})
      .describe('site-local test code → LOINC code, e.g. {"HGB": "718-7"}'),
    delimiter: z.enum([",", ";", "\t", "|"]).default(","),
    utcOffset: z
      .string()
      .regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, "an offset such as +08:00")
      .optional()
      .describe("offset for times written without one; without it such times are refused"),
    locale: z
      .string()
      .min(2)
      .max(35)
      .optional()
      .describe(
        'the locale the file writes numbers in (BCP 47, e.g. "de", "fr", "zh"); "de" or "fr" read 1,5 as 1.5. Without it a decimal comma is refused',
      ),
  })
  .superRefine((m, ctx) => {
    if (m.locale !== undefined && decimalSignOf(m.locale) === null)
      ctx.addIssue({
        code: "custom",
        path: ["locale"],
        message: `"${m.locale}" is not a locale with a decimal point or comma (e.g. en, de, fr, zh)`,
      });
    if (m.locale !== undefined && decimalSignOf(m.locale) === "," && m.delimiter === ",")
      ctx.addIssue({
        code: "custom",
        path: ["delimiter"],
        message: `a file in locale ${m.locale} writes decimal commas, so its columns cannot be separated by commas too; use ";" or a tab`,
      });
    for (const [local, loinc] of Object.entries(m.localCodes))
      if (checkLoincCode(loinc) !== null)
        ctx.addIssue({
          code: "custom",
          path: ["localCodes", local],
          message: `"${loinc}" is not a valid LOINC code`,
        });
  });
export type CsvMapping = z.output<typeof CsvMapping>;

export interface ReadOptions extends InterpretOptions {
  /** called now and then with the bytes parsed so far */
  onProgress?: (bytes: number) => void;
}

type Field = keyof CsvMapping["columns"];

export async function readCsvLabFile(
  source: AsyncIterable<string | Uint8Array> | string,
  mapping: CsvMapping,
  options: ReadOptions,
): Promise<ParsedFile> {
  const parser = parse({
    bom: true,
    delimiter: mapping.delimiter,
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    relax_quotes: false,
  });
  const issues: Issue[] = [];
  let unlisted = 0;
  const report = (issue: Issue) => {
    if (issues.length < MAX_LISTED_ISSUES) issues.push(issue);
    else unlisted++;
  };
  parser.on("skip", (error: Error & { lines?: number }) =>
    report({
      path: toJsonPointer(["lines", error.lines ?? 0]),
      code: "malformed_csv",
      message: `line ${error.lines ?? "?"} is not well-formed CSV: ${error.message.replace(/ on line \d+$/, "")}`,
    }),
  );
  const input = Readable.from(typeof source === "string" ? [source] : source);
  const fed = pipeline(input, parser);
  fed.catch(() => {}); // the same error surfaces from the loop below

  const results: LabResult[] = [];
  let header: string[] | null = null;
  let index: Partial<Record<Field, number>> = {};
  let rows = 0;
  let usable = false;
  let lastProgress = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number; bytes: number };
  }>) {
    // A quoted field may span lines; report the line the record starts on.
    const line = info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    if (!header) {
      header = record.map((h) => h.trim());
      index = columnIndex(header, mapping, report);
      usable = Object.keys(index).length === requiredFields(mapping).length;
      continue;
    }
    rows++;
    if (!usable) continue; // a column is missing: the rows cannot be read, only counted
    const cell = (f: Field) => {
      const i = index[f];
      return i === undefined ? undefined : record[i];
    };
    const path = (f: Field) => toJsonPointer(["lines", line, mapping.columns[f] ?? f]);
    const written = cell("code")?.trim() ?? "";
    const loinc = Object.hasOwn(mapping.localCodes, written) ? mapping.localCodes[written] : written;
    const value = cell("value");
    const { result, issues: rowIssues } = interpretResult(
      {
        subjectCode: cell("subjectCode"),
        code: loinc,
        value: value === undefined || value.trim() === "" ? undefined : { text: value },
        unit: cell("unit"),
        effectiveAt: cell("effectiveAt"),
        referenceRange: cell("referenceRange"),
      },
      {
        row: toJsonPointer(["lines", line]),
        subjectCode: path("subjectCode"),
        code: path("code"),
        value: path("value"),
        unit: path("unit"),
        effectiveAt: path("effectiveAt"),
        referenceRange: path("referenceRange"),
      },
      {
        ...options,
        ...(mapping.locale ? { decimal: decimalSignOf(mapping.locale) ?? "." } : {}),
      },
    );
    if (result) results.push(result);
    for (const i of rowIssues) report({ ...i, message: `line ${line}: ${i.message}` });
    if (options.onProgress && info.bytes - lastProgress > 65_536) {
      lastProgress = info.bytes;
      options.onProgress(info.bytes);
    }
  }
  await fed;
  if (header === null)
    report({ path: "/content", code: "empty_file", message: "the file is empty (no header line)" });
  else if (rows === 0 && issues.length === 0)
    report({ path: "/content", code: "no_rows", message: "the file has a header but no results" });
  if (unlisted > 0)
    issues.push({
      path: "/content",
      code: "too_many_problems",
      message: `${unlisted} more problems are not listed`,
    });
  return { results, retractions: [], issues, rows, skipped: 0 };
}

function requiredFields(mapping: CsvMapping): Field[] {
  return (Object.keys(mapping.columns) as Field[]).filter((f) => mapping.columns[f] !== undefined);
}

function columnIndex(header: string[], mapping: CsvMapping, report: (i: Issue) => void) {
  const index: Partial<Record<Field, number>> = {};
  for (const field of requiredFields(mapping)) {
    const name = mapping.columns[field]!;
    const i = header.indexOf(name);
    if (i < 0)
      report({
        path: `/mapping/columns/${field}`,
        code: "unknown_column",
        message: `the header has no column "${name}" (it has: ${header.map((h) => `"${h}"`).join(", ")})`,
      });
    else index[field] = i;
  }
  return index;
}
