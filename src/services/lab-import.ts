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
import { DomainError, type Issue, notFound, validationError } from "../domain/errors.ts";
import { CsvMapping, readCsvLabFile } from "../domain/lab-import/csv.ts";
import { readFhirLabBundle } from "../domain/lab-import/fhir.ts";
import type { LabIdentifier, LabResult, LabRetraction, ParsedFile } from "../domain/lab-import/result.ts";
import { Uuid } from "../domain/schemas/common.ts";
import {
  findLabImportByHash,
  insertImportedObservations,
  insertLabImport,
  observationsByIdentifier,
  patientsBySubjectCode,
} from "../store/lab-imports.ts";
import type { NewObservation, ObservationRow } from "../store/schema.ts";
import { findSite } from "../store/sites.ts";
import { updateVersioned } from "../store/versioned.ts";
import { requireAt } from "./access.ts";
import { appendAudit, changedFields } from "./audit.ts";
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
  /** new observations written */
  createdCount: number;
  /** earlier results superseded by a corrected or amended one (decision 0035) */
  correctedCount: number;
  /** earlier results retracted by an entered-in-error one */
  retractedCount: number;
  /** results the file repeats exactly (a cumulative export), left as they were */
  unchangedCount: number;
  /** bundle entries that are not results (Patient, DiagnosticReport, panels) */
  skippedCount: number;
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
  /** the file's locale when declared outside the mapping (`v2v labs import --locale de`); wins over it */
  locale?: string,
): Promise<LabImportDto> {
  requireAt(ctx.actor, source.siteId, "clinical:write", "site", source.siteId);
  const timeZone = await siteTimeZone(ctx, source.siteId);
  const mapping = parseInput(
    CsvMapping,
    locale !== undefined && typeof rawMapping === "object" && rawMapping !== null
      ? { ...rawMapping, locale }
      : rawMapping,
  );
  const hash = createHash("sha256");
  const content = typeof source.content === "string" ? source.content : hashing(source.content, hash);
  if (typeof source.content === "string") hash.update(source.content);
  const parsed = await readCsvLabFile(content, mapping, {
    now: ctx.now(),
    timeZone,
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
  const timeZone = await siteTimeZone(ctx, source.siteId);
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
  return store(ctx, source, "fhir", sha256, readFhirLabBundle(bundle, { now: ctx.now(), timeZone }));
}

/** Date-only sample times are days at the site (study-day.ts): the site's zone places them. */
async function siteTimeZone(ctx: ServiceContext, siteId: string): Promise<string> {
  const site = await findSite(ctx.db, siteId);
  if (!site) throw notFound("site", siteId);
  return site.time_zone;
}

const keyOf = (id: LabIdentifier) => `${id.system ?? ""}|${id.value}`;
const rowNumber = (path: string) => Number(/^\/(?:lines|entry)\/(\d+)/.exec(path)?.[1] ?? -1);

/** What one identified result or retraction does to the result its identifier names. */
type Step =
  | { kind: "insert"; result: LabResult }
  | { kind: "supersede"; key: string; result: LabResult }
  | { kind: "retract"; key: string; retraction: LabRetraction }
  | { kind: "unchanged" };

/** The fields a re-sent result must repeat exactly to count as the same result, not a change. */
function sameResult(a: LabResult, b: LabResult | ObservationRow): boolean {
  const other =
    "loinc" in b
      ? [
          b.loinc,
          b.valueNumber,
          b.valueComparator,
          b.valueCode,
          b.unit,
          b.absentReason,
          b.effectiveAt,
          b.status,
        ]
      : [
          b.code,
          b.value_number,
          b.value_comparator,
          b.value_code,
          b.unit,
          b.absent_reason,
          b.effective_at.toISOString(),
          b.status,
        ];
  const mine = [
    a.loinc,
    a.valueNumber,
    a.valueComparator,
    a.valueCode,
    a.unit,
    a.absentReason,
    a.effectiveAt,
    a.status,
  ];
  return mine.every((v, i) => v === other[i]);
}

/**
 * Walks the file in order and decides what each identified item does (decision 0035): a result
 * whose identifier is new is inserted; `corrected` or `amended` (or `final` after `preliminary`)
 * supersedes the result it names; the same result sent again is left unchanged (a cumulative
 * export repeats earlier results); a different `final` under a known identifier is refused (a lab
 * changes a result by correcting it); `entered-in-error` retracts the result it names.
 */
function plan(
  parsed: ParsedFile,
  existing: Map<string, ObservationRow>,
  patients: Map<string, string>,
  issues: Issue[],
): Step[] {
  type Current = { status: string; patientId: string; result: LabResult | ObservationRow };
  const current = new Map<string, Current>();
  for (const [k, row] of existing)
    current.set(k, { status: row.status, patientId: row.patient_id, result: row });
  const items = [
    ...parsed.results.map((r) => ({ path: r.path, result: r })),
    ...parsed.retractions.map((r) => ({ path: r.path, retraction: r })),
  ].sort((a, b) => rowNumber(a.path) - rowNumber(b.path));
  const refuse = (path: string, code: string, message: string) => issues.push({ path, code, message });
  const steps: Step[] = [];
  for (const item of items) {
    if ("result" in item) {
      const r = item.result;
      const patientId = patients.get(r.subjectCode);
      if (!r.identifier) {
        steps.push({ kind: "insert", result: r });
        continue;
      }
      const key = keyOf(r.identifier);
      const now = current.get(key);
      const idPath = `${r.path}/identifier`;
      if (!now) {
        current.set(key, { status: r.status, patientId: patientId ?? "", result: r });
        steps.push({ kind: "insert", result: r });
      } else if (patientId !== undefined && now.patientId !== patientId)
        refuse(
          idPath,
          "identifier_of_another_patient",
          `the result ${r.identifier.value} belongs to another patient`,
        );
      else if (now.status === "entered-in-error")
        refuse(
          idPath,
          "identifier_retracted",
          `the result ${r.identifier.value} was retracted (entered-in-error); a new result needs a new identifier`,
        );
      else if (sameResult(r, now.result)) steps.push({ kind: "unchanged" });
      else if (
        r.status === "corrected" ||
        r.status === "amended" ||
        (r.status === "final" && now.status === "preliminary")
      ) {
        current.set(key, { status: r.status, patientId: now.patientId, result: r });
        steps.push({ kind: "supersede", key, result: r });
      } else
        refuse(
          idPath,
          "duplicate_identifier",
          `a different result ${r.identifier.value} was already imported; a lab changes a result by sending it as corrected or amended`,
        );
    } else {
      const t = item.retraction;
      const key = keyOf(t.identifier);
      const now = current.get(key);
      const patientId = t.subjectCode === null ? undefined : patients.get(t.subjectCode);
      if (!now)
        refuse(
          `${t.path}/identifier`,
          "nothing_to_retract",
          `no result ${t.identifier.value} was imported at this site, so there is nothing to retract`,
        );
      else if (t.subjectCode !== null && patientId !== now.patientId)
        refuse(
          `${t.path}/subject`,
          "identifier_of_another_patient",
          `the result ${t.identifier.value} belongs to another patient`,
        );
      else if (now.status === "entered-in-error") steps.push({ kind: "unchanged" });
      else {
        current.set(key, { ...now, status: "entered-in-error" });
        steps.push({ kind: "retract", key, retraction: t });
      }
    }
  }
  return steps;
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
  if (parsed.issues.length === 0 && parsed.results.length === 0 && parsed.retractions.length === 0)
    issues.push({
      path: format === "fhir" ? "/entry" : "/content",
      code: "no_results",
      message: `the file has no results to import (${parsed.skipped} context entries skipped)`,
    });
  const codes = [
    ...new Set([
      ...parsed.results.map((r) => r.subjectCode),
      ...parsed.retractions.flatMap((r) => (r.subjectCode === null ? [] : [r.subjectCode])),
    ]),
  ];
  const patients = await patientsBySubjectCode(ctx.db, source.siteId, codes);
  for (const r of parsed.results)
    if (!patients.has(r.subjectCode))
      issues.push({
        path: r.subjectPath,
        code: "unknown_patient",
        message: `no patient with subject code ${r.subjectCode} at this site`,
      });
  for (const r of parsed.retractions)
    if (r.subjectCode !== null && !patients.has(r.subjectCode))
      issues.push({
        path: `${r.path}/subject`,
        code: "unknown_patient",
        message: `no patient with subject code ${r.subjectCode} at this site`,
      });
  const identifiers = [
    ...parsed.results.flatMap((r) => (r.identifier ? [r.identifier] : [])),
    ...parsed.retractions.map((r) => r.identifier),
  ];
  const existing = new Map(
    (await observationsByIdentifier(ctx.db, source.siteId, identifiers)).map((row) => [
      keyOf({ system: row.identifier_system, value: row.identifier_value! }),
      row,
    ]),
  );
  const steps = plan(parsed, existing, patients, issues);
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
      row_count: parsed.results.length + parsed.retractions.length,
      created_at: now,
      created_by: ctx.actor.userId,
    });
    const inserts = steps.flatMap((s) => (s.kind === "insert" ? [s.result] : []));
    const rows = inserts.map((r) =>
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
          after: observationDto(storedRow(row)),
          reason: `lab import ${importRow.id}`,
        })),
      );
      source.onProgress?.({
        phase: "writing",
        done: Math.min(i + WRITE_BATCH, rows.length),
        total: rows.length,
      });
    }
    // Corrections and retractions, in file order, each on the row its identifier names now.
    let corrected = 0;
    let retracted = 0;
    for (const step of steps) {
      if (step.kind !== "supersede" && step.kind !== "retract") continue;
      const [system, ...rest] = step.key.split("|");
      const [row] = await observationsByIdentifier(db, source.siteId, [
        { system: system === "" ? null : system!, value: rest.join("|") },
      ]);
      const changes =
        step.kind === "retract"
          ? { status: "entered-in-error" as const }
          : resultColumns(step.result, importRow.id, format);
      const updated = await updateVersioned(db, "observations", row!.id, row!.version, changes, now);
      if (!updated)
        throw new DomainError(
          "conflict",
          "A result changed while the file was imported; nothing was written.",
        );
      const diff = changedFields(observationDto(row!), observationDto(updated));
      await appendAudit(db, ctx, {
        action: "update",
        entityType: "observation",
        entityId: row!.id,
        siteId: source.siteId,
        before: diff.before,
        after: diff.after,
        reason:
          step.kind === "retract"
            ? `lab import ${importRow.id}: the laboratory retracted result ${row!.identifier_value} (entered-in-error)`
            : `lab import ${importRow.id}: ${step.result.status} result ${row!.identifier_value} supersedes the one imported before`,
      });
      if (step.kind === "retract") retracted++;
      else corrected++;
    }
    const dto = labImportDto(importRow, {
      convertedCount: countConverted(parsed.results),
      createdCount: rows.length,
      correctedCount: corrected,
      retractedCount: retracted,
      unchangedCount: steps.filter((s) => s.kind === "unchanged").length,
      skippedCount: parsed.skipped,
    });
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

/** An inserted row as the database holds it (defaults filled in), for its audit entry. */
const storedRow = (row: ReturnType<typeof observationRow>): ObservationRow =>
  ({ ...row, version: 1, status: row.status ?? "final" }) as unknown as ObservationRow;

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

/** The columns a lab result sets: all of them on a new row, and on a row it supersedes. */
function resultColumns(r: LabResult, importId: string, format: "csv" | "fhir") {
  return {
    code_system: CODE_SYSTEMS.loinc,
    code: r.loinc,
    display: r.display,
    value_number: r.valueNumber,
    value_comparator: r.valueComparator,
    value_code: r.valueCode,
    value_code_system: r.valueCodeSystem,
    value_text: null,
    absent_reason: r.absentReason,
    interpretation: r.interpretation.length > 0 ? JSON.stringify(r.interpretation) : null,
    unit: r.unit,
    effective_at: new Date(r.effectiveAt),
    effective_end: r.effectiveEnd === null ? null : new Date(r.effectiveEnd),
    effective_is_date: r.effectiveIsDate,
    source: format === "csv" ? "lab import (CSV)" : "lab import (FHIR)",
    status: r.status,
    original_value: r.originalValue,
    original_unit: r.originalUnit,
    reference_range: r.referenceRange,
    reference_low: r.referenceLow,
    reference_high: r.referenceHigh,
    identifier_system: r.identifier?.system ?? null,
    identifier_value: r.identifier?.value ?? null,
    note: r.note,
    lab_import_id: importId,
  };
}

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
    ...resultColumns(r, importId, format),
    specimen: null,
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
  counts: Omit<
    LabImportDto,
    "id" | "siteId" | "format" | "fileName" | "sha256" | "rowCount" | "createdAt" | "createdBy"
  >,
): LabImportDto {
  return {
    id: r.id,
    siteId: r.site_id,
    format: r.format,
    fileName: r.file_name,
    sha256: r.sha256,
    rowCount: r.row_count,
    ...counts,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
  };
}
