/**
 * Observations: labs, vitals, scores, CAR-T copies. A batch (up to 5,000 rows) is validated as a
 * whole, every bad row reported with its path, and written in one transaction or not at all.
 */
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { DomainError, validationError } from "../domain/errors.ts";
import { ObservationBatch, ObservationCreate, ObservationUpdate } from "../domain/schemas/clinical.ts";
import { insertObservations, listObservations as listObservationRows } from "../store/clinical-records.ts";
import type { ObservationRow, PatientRow } from "../store/schema.ts";
import { readableSites } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";
import { expectedVersion, loadPatientFor } from "./patients.ts";
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
  /** as a lab file gave them, before unit normalisation; null when typed in */
  originalValue: number | null;
  originalUnit: string | null;
  referenceRange: string | null;
  labImportId: string | null;
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
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Accepts one observation or `{ observations: [...] }`; returns what was stored, in input order. */
export async function recordObservations(ctx: ServiceContext, raw: unknown): Promise<ObservationDto[]> {
  const isBatch = typeof raw === "object" && raw !== null && "observations" in raw;
  const inputs = isBatch
    ? parseInput(ObservationBatch, raw).observations
    : [parseInput(ObservationCreate, raw)];
  // Resolve each distinct patient once; a patient the actor cannot write is reported per row.
  const patients = new Map<string, PatientRow | DomainError>();
  for (const id of new Set(inputs.map((o) => o.patientId))) {
    try {
      patients.set(id, await loadPatientFor(ctx, id, "clinical:write"));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      patients.set(id, e);
    }
  }
  const refused = [...patients.values()].find((p) => p instanceof DomainError) as DomainError | undefined;
  // One observation behaves like every other single-record create (404/403); a batch reports
  // every row whose patient is not visible, so an import can be fixed in one go.
  if (refused && (refused.code === "forbidden" || !isBatch)) throw refused;
  const issues = inputs.flatMap((o, i) =>
    patients.get(o.patientId) instanceof DomainError
      ? [
          {
            path: isBatch ? `/observations/${i}/patientId` : "/patientId",
            message: "No such patient is visible to you",
            code: "unknown_patient",
          },
        ]
      : [],
  );
  if (issues.length > 0) throw validationError(issues);

  return inTransaction(ctx, async (db) => {
    const now = ctx.now();
    const rows = await insertObservations(
      db,
      inputs.map((o) => {
        const p = patients.get(o.patientId) as PatientRow;
        return {
          id: uuidv7(),
          patient_id: p.id,
          site_id: p.site_id,
          code_system: o.codeSystem,
          code: o.code,
          display: o.display ?? null,
          value_number: o.valueNumber ?? null,
          value_code: o.valueCode ?? null,
          value_text: o.valueText ?? null,
          unit: o.unit ?? null,
          effective_at: o.effectiveAt,
          specimen: o.specimen ?? null,
          source: o.source ?? null,
          status: o.status,
          note: o.note ?? null,
          created_at: now,
          created_by: ctx.actor.userId,
          updated_at: now,
        };
      }),
    );
    const dtos = rows.map(observationDto);
    await appendAudit(
      db,
      ctx,
      dtos.map((d, i) => ({
        action: "create" as const,
        entityType: "observation",
        entityId: d.id,
        siteId: rows[i]!.site_id,
        after: d,
      })),
    );
    return dtos;
  });
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

export async function listObservations(
  ctx: ServiceContext,
  q: z.infer<typeof ObservationQuery>,
): Promise<Page<ObservationDto>> {
  if (q.patientId) await loadPatientFor(ctx, q.patientId, "clinical:read");
  const siteIds = readableSites(ctx.actor, "clinical:read");
  const key = decodeCursor(q.cursor, ["instant", "uuid"]);
  const rows = await listObservationRows(ctx.db, {
    siteIds,
    patientId: q.patientId,
    code: q.code,
    from: q.from,
    to: q.to,
    includeErrors: q.includeErrors,
    after: key ?? undefined,
    limit: q.limit,
  });
  return toPage(rows, q.limit, (r) => [r.effective_at.toISOString(), r.id], observationDto);
}

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
      const value = {
        value_number: input.valueNumber,
        value_code: input.valueCode,
        value_text: input.valueText,
      };
      const next = {
        value_number: value.value_number !== undefined ? value.value_number : current.value_number,
        value_code: value.value_code !== undefined ? value.value_code : current.value_code,
        value_text: value.value_text !== undefined ? value.value_text : current.value_text,
      };
      const count = Object.values(next).filter((v) => v !== null).length;
      if (count !== 1)
        throw validationError([
          {
            path: "/valueNumber",
            message: "After the change exactly one of valueNumber, valueCode, valueText must be set",
          },
        ]);
      if (next.value_number !== null && !(input.unit ?? current.unit))
        throw validationError([{ path: "/unit", message: "A numeric value needs a UCUM unit" }]);
      return defined({
        ...value,
        unit: input.unit,
        effective_at: input.effectiveAt,
        // A corrected value is "amended" unless the caller says otherwise (FHIR ObservationStatus).
        status:
          input.status ??
          (input.valueNumber !== undefined || input.valueCode !== undefined || input.valueText !== undefined
            ? "amended"
            : undefined),
        note: input.note,
      });
    },
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
}
