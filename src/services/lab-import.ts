/**
 * Lab import: a CSV file (with a column mapping) or a FHIR R4 Bundle of Observations becomes
 * observations in canonical units, all or nothing. Every row is read and checked first, every bad
 * row reported with its line or JSON Pointer and field; only a file without a single problem is
 * written, in one transaction with its import record (file name, SHA-256, row count) and the audit
 * trail. Patients are found by subject code among the patients of the import's site only, so a
 * subject code of another site reads exactly like one that does not exist.
 */
import { createHash } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { CODE_SYSTEMS } from "../domain/code-systems.ts";
import { DomainError, type Issue, validationError } from "../domain/errors.ts";
import { CsvMapping, readCsvLabFile } from "../domain/lab-import/csv.ts";
import { readFhirLabBundle } from "../domain/lab-import/fhir.ts";
import type { LabResult, ParsedFile } from "../domain/lab-import/result.ts";
import { Uuid } from "../domain/schemas/common.ts";
import {
  findLabImportByHash,
  insertImportedObservations,
  insertLabImport,
  patientsBySubjectCode,
} from "../store/lab-imports.ts";
import type { NewObservation } from "../store/schema.ts";
import { requireAt } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { observationDto } from "./observations.ts";
import { parseInput } from "./validate.ts";

/** Rows per file: a year of daily panels for a cohort fits; a whole laboratory archive does not. */
export const MAX_IMPORT_ROWS = 100_000;
/** Characters of CSV or FHIR JSON accepted in one HTTP request (the CLI streams files of any size). */
export const MAX_CONTENT_CHARS = 32 * 1024 * 1024;
/** Rows per insert batch inside the one transaction, so progress can be reported as it goes. */
const WRITE_BATCH = 2000;

const FileName = z.string().min(1).max(255);

export const LabImportCsvRequest = z.object({
  format: z.literal("csv"),
  siteId: Uuid.describe("the site whose patients the results belong to"),
  fileName: FileName.optional(),
  mapping: CsvMapping,
  content: z.string().min(1).max(MAX_CONTENT_CHARS).describe("the CSV text, header line first"),
});

export const LabImportFhirQuery = z.object({
  siteId: Uuid.optional().describe(
    "for an application/fhir+json bundle: the site whose patients the results belong to",
  ),
  fileName: FileName.optional(),
});

export interface LabImportDto {
  id: string;
  siteId: string;
  format: "csv" | "fhir";
  fileName: string | null;
  sha256: string;
  rowCount: number;
  /** results whose unit was converted to the code's canonical unit */
  convertedCount: number;
  createdAt: string;
  createdBy: string;
}

export type ImportProgress =
  | { phase: "reading"; bytes: number }
  | { phase: "writing"; done: number; total: number };

export interface ImportSource {
  siteId: string;
  fileName?: string | null;
  /** text, or a byte stream (the CLI streams files) */
  content: string | AsyncIterable<string | Uint8Array>;
  onProgress?: (p: ImportProgress) => void;
}

/** Passes the chunks through while hashing them, so a streamed file is read once. */
async function* hashing(source: AsyncIterable<string | Uint8Array>, hash: ReturnType<typeof createHash>) {
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
}

/** The HTTP body for CSV: format, site, mapping and content in one JSON object. */
export function importLabCsvRequest(ctx: ServiceContext, raw: unknown): Promise<LabImportDto> {
  const body = parseInput(LabImportCsvRequest, raw);
  return importLabCsv(
    ctx,
    { siteId: body.siteId, fileName: body.fileName ?? null, content: body.content },
    body.mapping,
  );
}

export async function importLabCsv(
  ctx: ServiceContext,
  source: ImportSource,
  rawMapping: unknown,
): Promise<LabImportDto> {
  requireAt(ctx.actor, source.siteId, "clinical:write", "site", source.siteId);
  const mapping = parseInput(CsvMapping, rawMapping);
  const hash = createHash("sha256");
  const content = typeof source.content === "string" ? source.content : hashing(source.content, hash);
  if (typeof source.content === "string") hash.update(source.content);
  const parsed = await readCsvLabFile(content, mapping, {
    now: ctx.now(),
    ...(mapping.utcOffset ? { utcOffset: mapping.utcOffset } : {}),
    ...(source.onProgress
      ? { onProgress: (bytes: number) => source.onProgress?.({ phase: "reading", bytes }) }
      : {}),
  });
  return store(ctx, source, "csv", hash.digest("hex"), parsed);
}

/** A FHIR R4 Bundle as JSON text (hashed as received). */
export async function importLabFhir(ctx: ServiceContext, source: ImportSource): Promise<LabImportDto> {
  requireAt(ctx.actor, source.siteId, "clinical:write", "site", source.siteId);
  let text = "";
  if (typeof source.content === "string") text = source.content;
  else
    for await (const c of source.content) text += typeof c === "string" ? c : Buffer.from(c).toString("utf8");
  const sha256 = createHash("sha256").update(text).digest("hex");
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch (e) {
    throw validationError([
      { path: "", code: "invalid_json", message: `the bundle is not valid JSON: ${(e as Error).message}` },
    ]);
  }
  source.onProgress?.({ phase: "reading", bytes: text.length });
  return store(ctx, source, "fhir", sha256, readFhirLabBundle(bundle, { now: ctx.now() }));
}

async function store(
  ctx: ServiceContext,
  source: ImportSource,
  format: "csv" | "fhir",
  sha256: string,
  parsed: ParsedFile,
): Promise<LabImportDto> {
  const issues: Issue[] = [...parsed.issues];
  if (parsed.rows > MAX_IMPORT_ROWS)
    issues.push({
      path: "",
      code: "too_many_rows",
      message: `the file has ${parsed.rows} results; split it into files of at most ${MAX_IMPORT_ROWS}`,
    });
  const codes = [...new Set(parsed.results.map((r) => r.subjectCode))];
  const patients = await patientsBySubjectCode(ctx.db, source.siteId, codes);
  for (const r of parsed.results)
    if (!patients.has(r.subjectCode))
      issues.push({
        path: r.subjectPath,
        code: "unknown_patient",
        message: `no patient with subject code ${r.subjectCode} at this site`,
      });
  if (issues.length > 0) throw refusal(byRow(issues), parsed.rows);

  const earlier = await findLabImportByHash(ctx.db, source.siteId, sha256);
  if (earlier)
    throw new DomainError(
      "conflict",
      `This file was already imported at this site on ${earlier.created_at.toISOString()} (import ${earlier.id}); nothing was written.`,
      [{ path: "", code: "duplicate_file", message: `same SHA-256 as import ${earlier.id}` }],
    );

  return inTransaction(ctx, async (db) => {
    const now = ctx.now();
    const importRow = await insertLabImport(db, {
      id: uuidv7(),
      site_id: source.siteId,
      format,
      file_name: source.fileName ?? null,
      sha256,
      row_count: parsed.results.length,
      created_at: now,
      created_by: ctx.actor.userId,
    });
    const rows = parsed.results.map((r) =>
      observationRow(r, patients.get(r.subjectCode)!, source.siteId, importRow.id, format, now, ctx),
    );
    for (let i = 0; i < rows.length; i += WRITE_BATCH) {
      const batch = rows.slice(i, i + WRITE_BATCH);
      await insertImportedObservations(db, batch);
      await appendAudit(
        db,
        ctx,
        batch.map((row) => ({
          action: "create" as const,
          entityType: "observation",
          entityId: row.id,
          siteId: row.site_id,
          after: observationDto({ ...row, version: 1, status: row.status ?? "final" } as Parameters<
            typeof observationDto
          >[0]),
          reason: `lab import ${importRow.id}`,
        })),
      );
      source.onProgress?.({
        phase: "writing",
        done: Math.min(i + WRITE_BATCH, rows.length),
        total: rows.length,
      });
    }
    const dto = labImportDto(importRow, countConverted(parsed.results));
    await appendAudit(db, ctx, {
      action: "create",
      entityType: "lab-import",
      entityId: dto.id,
      siteId: dto.siteId,
      after: dto,
    });
    return dto;
  });
}

/** In file order: by line (CSV) or entry (FHIR) number, file-wide problems first; stable within a row. */
function byRow(issues: Issue[]): Issue[] {
  const row = (i: Issue) => Number(/^\/(?:lines|entry)\/(\d+)/.exec(i.path)?.[1] ?? -1);
  return issues
    .map((issue, n) => ({ issue, n }))
    .sort((a, b) => row(a.issue) - row(b.issue) || a.n - b.n)
    .map((x) => x.issue);
}

function refusal(issues: Issue[], rows: number): DomainError {
  const lines = new Set(issues.map((i) => i.path.split("/").slice(0, 3).join("/")));
  return validationError(
    issues,
    `The file has ${issues.length} problem(s) in ${lines.size} of ${rows} row(s); nothing was imported.`,
  );
}

const countConverted = (results: LabResult[]) =>
  results.filter(
    (r) => r.originalUnit !== null && (r.originalUnit !== r.unit || r.originalValue !== r.valueNumber),
  ).length;

function observationRow(
  r: LabResult,
  patientId: string,
  siteId: string,
  importId: string,
  format: "csv" | "fhir",
  now: Date,
  ctx: ServiceContext,
): NewObservation & { id: string; site_id: string } {
  return {
    id: uuidv7(),
    patient_id: patientId,
    site_id: siteId,
    code_system: CODE_SYSTEMS.loinc,
    code: r.loinc,
    display: r.display,
    value_number: r.valueNumber,
    value_code: r.valueCode,
    value_text: null,
    unit: r.unit,
    effective_at: new Date(r.effectiveAt),
    specimen: null,
    source: format === "csv" ? "lab import (CSV)" : "lab import (FHIR)",
    status: r.status,
    note: null,
    original_value: r.originalValue,
    original_unit: r.originalUnit,
    reference_range: r.referenceRange,
    lab_import_id: importId,
    created_at: now,
    created_by: ctx.actor.userId,
    updated_at: now,
  };
}

function labImportDto(
  r: {
    id: string;
    site_id: string;
    format: "csv" | "fhir";
    file_name: string | null;
    sha256: string;
    row_count: number;
    created_at: Date;
    created_by: string;
  },
  convertedCount: number,
): LabImportDto {
  return {
    id: r.id,
    siteId: r.site_id,
    format: r.format,
    fileName: r.file_name,
    sha256: r.sha256,
    rowCount: r.row_count,
    convertedCount,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
  };
}
