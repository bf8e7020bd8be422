/**
 * Observations: labs, vitals, scores, CAR-T copies. A batch (up to 5,000 rows) is validated as a
 * whole, every bad row reported with its path, and written in one transaction or not at all.
 */
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { batchAudit, OBSERVATION_BATCH } from "../domain/audit-batch.ts";
import { DomainError, type Issue, validationError } from "../domain/errors.ts";
import { labCode } from "../domain/lab-import/canonical-units.ts";
import {
  interpretValue,
  NO_VALUE,
  type ObservationValue,
  observationTimeProblem,
  type RawValue,
} from "../domain/observation-value.ts";
import { ObservationBatch, ObservationCreate, ObservationUpdate } from "../domain/schemas/clinical.ts";
import {
  insertedObservation,
  insertObservations,
  listObservations as listObservationRows,
  type ObservationInsert,
} from "../store/clinical-records.ts";
import type { ObservationRow, PatientRow } from "../store/schema.ts";
import { siteVersions } from "../store/site-versions.ts";
import { readableSites } from "./access.ts";
import { type AuditEntry, appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { HeldAnswers } from "./held-answers.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";
import { expectedVersion, loadPatientFor, loadPatientsFor } from "./patients.ts";
import { defined, readScoped, updateRecord } from "./records.ts";
import { parseInput } from "./validate.ts";

export interface ObservationDto extends Record<string, unknown> {
  id: string;
  patientId: string;
  codeSystem: string;
  code: string;
  display: string | null;
  valueNumber: number | null;
  valueCode: string | null;
  valueText: string | null;
  unit: string | null;
  effectiveAt: string;
  specimen: string | null;
  source: string | null;
  status: string;
  note: string | null;
  /** as entered or as a lab file gave them, before unit normalisation to `unit`; null unless numeric */
  originalValue: number | null;
  originalUnit: string | null;
  referenceRange: string | null;
  labImportId: string | null;
  /** a censored result: valueNumber is the limit, this its side ("<0.5" → 0.5 with "<") */
  valueComparator: "<" | "<=" | ">=" | ">" | null;
  valueCodeSystem: string | null;
  /** why the result is missing (FHIR dataAbsentReason code); every value field is then null */
  absentReason: string | null;
  interpretation: { system: string | null; code: string; display?: string }[];
  /** the lab's reference range limits in `unit` (referenceRange keeps the text as written) */
  referenceLow: number | null;
  referenceHigh: number | null;
  effectiveEnd: string | null;
  /** the lab gave a day only: effectiveAt is the start of that day at the site */
  effectiveIsDate: boolean;
  /** the lab's identifier of the result, by which corrections and retractions find it */
  identifierSystem: string | null;
  identifierValue: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const observationDto = (r: ObservationRow): ObservationDto => ({
  id: r.id,
  patientId: r.patient_id,
  codeSystem: r.code_system,
  code: r.code,
  display: r.display,
  valueNumber: r.value_number,
  valueCode: r.value_code,
  valueText: r.value_text,
  unit: r.unit,
  effectiveAt: r.effective_at.toISOString(),
  specimen: r.specimen,
  source: r.source,
  status: r.status,
  note: r.note,
  originalValue: r.original_value,
  originalUnit: r.original_unit,
  referenceRange: r.reference_range,
  labImportId: r.lab_import_id,
  valueComparator: r.value_comparator,
  valueCodeSystem: r.value_code_system,
  absentReason: r.absent_reason,
  interpretation: r.interpretation ?? [],
  referenceLow: r.reference_low,
  referenceHigh: r.reference_high,
  effectiveEnd: r.effective_end?.toISOString() ?? null,
  effectiveIsDate: r.effective_is_date,
  identifierSystem: r.identifier_system,
  identifierValue: r.identifier_value,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

type TypedValue = {
  valueNumber?: number | null;
  valueCode?: string | null;
  valueText?: string | null;
};

/** The value the client sent, with the path of the field it came in. */
function rawValueOf(o: TypedValue, at: string): { raw: RawValue | undefined; path: string } {
  if (o.valueNumber !== undefined && o.valueNumber !== null)
    return { raw: { number: o.valueNumber }, path: `${at}/valueNumber` };
  if (o.valueCode !== undefined && o.valueCode !== null)
    return { raw: { code: o.valueCode }, path: `${at}/valueCode` };
  if (o.valueText !== undefined && o.valueText !== null)
    return { raw: { text: o.valueText }, path: `${at}/valueText` };
  return { raw: undefined, path: `${at}/valueNumber` };
}

/**
 * Unit, plausibility and time of one typed-in observation, through the same code path as lab
 * import (src/domain/observation-value.ts); every problem at its JSON Pointer under `at`.
 */
function checkValue(
  o: TypedValue & { code: string; unit?: string | null },
  at: string,
): { value: ObservationValue; issues: Issue[] } {
  const { raw, path } = rawValueOf(o, at);
  const r = interpretValue(
    o.code,
    labCode(o.code),
    raw,
    o.unit,
    { value: path, unit: `${at}/unit` },
    {
      from: "entry",
    },
  );
  return { value: r.value ?? NO_VALUE, issues: r.issues };
}

function checkEntry(
  o: TypedValue & { code: string; unit?: string | null; effectiveAt: string },
  at: string,
  now: Date,
): { value: ObservationValue; issues: Issue[] } {
  const { value, issues } = checkValue(o, at);
  const late = observationTimeProblem(new Date(o.effectiveAt), now);
  if (late) issues.push({ path: `${at}/effectiveAt`, code: late.code, message: late.message });
  return { value, issues };
}

/**
 * `prepareAnswer` is given the stored rows once the service knows them, while the database is
 * still writing them and before the transaction commits: the caller can build its answer in time
 * Node would otherwise spend waiting (decision 0040's third addendum). The rows are not stored
 * until this function returns, and nothing is if `prepareAnswer` throws.
 */
export interface RecordObservationsOptions {
  prepareAnswer?: (stored: readonly ObservationDto[]) => void;
}

/** Accepts one observation or `{ observations: [...] }`; returns what was stored, in input order. */
export async function recordObservations(
  ctx: ServiceContext,
  raw: unknown,
  options: RecordObservationsOptions = {},
): Promise<ObservationDto[]> {
  const isBatch = typeof raw === "object" && raw !== null && "observations" in raw;
  const inputs = isBatch
    ? parseInput(ObservationBatch, raw).observations
    : [parseInput(ObservationCreate, raw)];
  // Resolve the distinct patients in one query; a patient the actor cannot write is reported per row.
  // The values are checked while the database looks the patients up: the checks need no patient.
  const patientsRead = loadPatientsFor(ctx, [...new Set(inputs.map((o) => o.patientId))], "clinical:write");
  patientsRead.catch(() => {}); // awaited below; seen as handled should a check throw first
  const now = ctx.now();
  const at = (i: number) => (isBatch ? `/observations/${i}` : "");
  const checked = inputs.map((o, i) => checkEntry(o, at(i), now));
  const patients = await patientsRead;
  const refused = [...patients.values()].find((p) => p instanceof DomainError) as DomainError | undefined;
  // One observation behaves like every other single-record create (404/403); a batch reports
  // every row whose patient is not visible, so an import can be fixed in one go.
  if (refused && (refused.code === "forbidden" || !isBatch)) throw refused;
  const issues: Issue[] = [];
  inputs.forEach((o, i) => {
    if (patients.get(o.patientId) instanceof DomainError)
      issues.push({
        path: `${at(i)}/patientId`,
        message: "No such patient is visible to you",
        code: "unknown_patient",
      });
    issues.push(...checked[i]!.issues);
  });
  if (issues.length > 0) throw validationError(issues);

  const rows: ObservationInsert[] = inputs.map((o, i) => {
    const p = patients.get(o.patientId) as PatientRow;
    const v = checked[i]!.value;
    return {
      id: uuidv7(),
      patient_id: p.id,
      site_id: p.site_id,
      code_system: o.codeSystem,
      code: o.code,
      display: o.display ?? labCode(o.code)?.display ?? null,
      value_number: v.valueNumber,
      value_code: v.valueCode,
      value_text: v.valueText,
      unit: v.unit,
      original_value: v.originalValue,
      original_unit: v.originalUnit,
      // as the database gives it back: the instant in UTC, to the millisecond
      effective_at: new Date(o.effectiveAt).toISOString(),
      specimen: o.specimen ?? null,
      source: o.source ?? null,
      status: o.status,
      note: o.note ?? null,
    };
  });
  const created = { at: now, by: ctx.actor.userId };
  let dtos: ObservationDto[] = [];
  await inTransaction(ctx, async (db) => {
    // The rows go to the database first; the answer and the audit record are built while it
    // writes them (on PostgreSQL, another process), and the audit row follows once they are in.
    const written = insertObservations(db, rows, created);
    written.catch(() => {}); // awaited below
    // One turn of the event loop, in which the driver sends the statement.
    await new Promise((sent) => setImmediate(sent));
    dtos = rows.map((r) => observationDto(insertedObservation(r, created)));
    const audit: AuditEntry | AuditEntry[] = isBatch
      ? batchAuditEntries(dtos, rows)
      : {
          action: "create",
          entityType: "observation",
          entityId: dtos[0]!.id,
          siteId: rows[0]!.site_id,
          after: dtos[0],
        };
    options.prepareAnswer?.(dtos);
    // Queued behind the rows on the transaction's one connection: its JSON is written now, and
    // it is sent the moment the INSERT is done. Should the INSERT fail, it fails too, unread.
    const audited = appendAudit(db, ctx, audit);
    audited.catch(() => {});
    await written;
    await audited;
  });
  return dtos;
}

/**
 * One audit record per site for a batch (decision 0040): who, when and why are the record's own,
 * and `after.rows` lists every observation written with all its values, as a single create's
 * record holds one (compactly: domain/audit-batch.ts). Readers expand it back into one entry per
 * row (services/audit.ts, fhir/provenance.ts).
 */
function batchAuditEntries(dtos: ObservationDto[], rows: ObservationInsert[]): AuditEntry[] {
  const bySite = new Map<string, ObservationDto[]>();
  dtos.forEach((d, i) => {
    const site = rows[i]!.site_id;
    const list = bySite.get(site);
    if (list) list.push(d);
    else bySite.set(site, [d]);
  });
  return [...bySite].map(([siteId, list]) => ({
    action: "create",
    entityType: OBSERVATION_BATCH,
    entityId: uuidv7(),
    siteId,
    after: batchAudit(list),
  }));
}

export function getObservation(ctx: ServiceContext, id: string): Promise<ObservationDto> {
  return readScoped(ctx, "observations", "observation", id, "clinical:read", observationDto);
}

export const ObservationQuery = z.object({
  patientId: z.string().optional(),
  code: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  includeErrors: z.boolean().default(false),
  limit: z.number(),
  cursor: z.string().optional(),
});

/**
 * A page of the actor's observations, held between requests while their sites' `observations`
 * version stands (decision 0059). The version is read before the rows, so a page computed while a
 * batch commits is held under the older version and the next request computes again.
 */
export async function listObservations(
  ctx: ServiceContext,
  q: z.infer<typeof ObservationQuery>,
): Promise<Page<ObservationDto>> {
  if (q.patientId) await loadPatientFor(ctx, q.patientId, "clinical:read");
  const siteIds = readableSites(ctx.actor, "clinical:read");
  const after = decodeCursor(q.cursor, ["instant", "uuid"]) ?? undefined;
  const version = await siteVersions(ctx.db, "observations", siteIds);
  // The sites are in the key: two actors' pages differ by the sites they may read, not by who
  // they are.
  const key = JSON.stringify([siteIds, q.patientId, q.code, q.from, q.to, q.includeErrors, after, q.limit]);
  return heldPages.getOrCompute(ctx.db, key, version, async () => {
    const rows = await listObservationRows(ctx.db, {
      siteIds,
      patientId: q.patientId,
      code: q.code,
      from: q.from,
      to: q.to,
      includeErrors: q.includeErrors,
      after,
      limit: q.limit,
    });
    return toPage(rows, q.limit, (r) => [r.effective_at.toISOString(), r.id], observationDto);
  });
}

/**
 * At most 64 pages per database, the one held longest without a new hold going first: a page of
 * 100 is ~79 KB of text when sent, kept with it (decision 0053's addendum).
 */
const heldPages = new HeldAnswers<Page<ObservationDto>>(64);

/** Drops the held pages, for a benchmark that times a page computed. */
export const forgetHeldObservationPages = (db: object) => heldPages.forget(db);

export async function updateObservation(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<ObservationDto> {
  const input = parseInput(ObservationUpdate, raw);
  return updateRecord(ctx, {
    table: "observations",
    entity: "observation",
    id,
    permission: "clinical:write",
    siteOf: (r) => r.site_id as string,
    toDto: observationDto,
    changes: (current: ObservationRow) => {
      const next = {
        valueNumber: input.valueNumber !== undefined ? input.valueNumber : current.value_number,
        valueCode: input.valueCode !== undefined ? input.valueCode : current.value_code,
        valueText: input.valueText !== undefined ? input.valueText : current.value_text,
      };
      const count = Object.values(next).filter((v) => v !== null).length;
      // A result the lab reported missing (absent_reason) may be annotated without inventing a value.
      const stillMissing = count === 0 && current.absent_reason !== null;
      if (count !== 1 && !stillMissing)
        throw validationError([
          {
            path: "/valueNumber",
            message: "After the change exactly one of valueNumber, valueCode, valueText must be set",
          },
        ]);
      const issues: Issue[] = [];
      const valueGiven =
        input.valueNumber !== undefined || input.valueCode !== undefined || input.valueText !== undefined;
      let value: Partial<ObservationValue> = {};
      if (valueGiven || input.unit !== undefined) {
        // A number is read in the unit sent, else in the stored (canonical) unit; a unit alone
        // re-reads the number as entered in that unit (fixing a unit typed wrong).
        const typed: TypedValue =
          next.valueNumber !== null && input.valueNumber === undefined
            ? { valueNumber: current.original_value ?? current.value_number }
            : next;
        const unit =
          next.valueNumber === null
            ? (input.unit ?? null)
            : input.unit !== undefined
              ? input.unit
              : input.valueNumber === undefined
                ? (current.original_unit ?? current.unit)
                : current.unit;
        if (next.valueNumber !== null && !unit)
          issues.push({ path: "/unit", message: "A numeric value needs a UCUM unit" });
        else {
          const checked = checkValue({ ...typed, code: current.code, unit }, "");
          issues.push(...checked.issues);
          value = checked.value;
        }
      }
      if (input.effectiveAt !== undefined) {
        const late = observationTimeProblem(new Date(input.effectiveAt), ctx.now());
        if (late) issues.push({ path: "/effectiveAt", code: late.code, message: late.message });
      }
      if (issues.length > 0) throw validationError(issues);
      return defined({
        value_number: value.valueNumber,
        value_code: value.valueCode,
        value_text: value.valueText,
        // A typed-in value is never censored; a unit fix keeps a censored limit censored.
        value_comparator: valueGiven ? null : undefined,
        absent_reason: valueGiven ? null : undefined,
        value_code_system: valueGiven ? null : undefined,
        unit: value.unit,
        original_value: value.originalValue,
        original_unit: value.originalUnit,
        effective_at: input.effectiveAt,
        // A corrected value is "amended" unless the caller says otherwise (FHIR ObservationStatus).
        status: input.status ?? (valueGiven ? "amended" : undefined),
        note: input.note,
      });
    },
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
}
