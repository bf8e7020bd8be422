import { v7 as uuidv7 } from "uuid";
import { validationError } from "../domain/errors.ts";
import { ConditionCreate, ConditionUpdate } from "../domain/schemas/clinical.ts";
import { insertCondition, listPatientRecords } from "../store/clinical-records.ts";
import type { ConditionRow } from "../store/schema.ts";
import { readableSites } from "./access.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";
import { expectedVersion, loadPatientFor } from "./patients.ts";
import { auditCreated, defined, readScoped, updateRecord } from "./records.ts";
import { parseInput } from "./validate.ts";

export interface ConditionDto extends Record<string, unknown> {
  id: string;
  patientId: string;
  codeSystem: string;
  code: string;
  display: string;
  onsetDate: string | null;
  abatementDate: string | null;
  clinicalStatus: string;
  note: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const toDto = (r: ConditionRow): ConditionDto => ({
  id: r.id,
  patientId: r.patient_id,
  codeSystem: r.code_system,
  code: r.code,
  display: r.display,
  onsetDate: r.onset_date,
  abatementDate: r.abatement_date,
  clinicalStatus: r.clinical_status,
  note: r.note,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function createCondition(ctx: ServiceContext, raw: unknown): Promise<ConditionDto> {
  const input = parseInput(ConditionCreate, raw);
  const patient = await loadPatientFor(ctx, input.patientId, "clinical:write");
  return inTransaction(ctx, async (db) => {
    const now = ctx.now();
    const row = await insertCondition(db, {
      id: uuidv7(),
      patient_id: patient.id,
      site_id: patient.site_id,
      code_system: input.codeSystem,
      code: input.code,
      display: input.display,
      onset_date: input.onsetDate ?? null,
      abatement_date: input.abatementDate ?? null,
      clinical_status: input.clinicalStatus,
      note: input.note ?? null,
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    return auditCreated(db, ctx, "condition", row, toDto);
  });
}

export function getCondition(ctx: ServiceContext, id: string): Promise<ConditionDto> {
  return readScoped(ctx, "conditions", "condition", id, "clinical:read", toDto);
}

export async function listConditions(
  ctx: ServiceContext,
  q: { patientId?: string; limit: number; cursor?: string },
): Promise<Page<ConditionDto>> {
  if (q.patientId) await loadPatientFor(ctx, q.patientId, "clinical:read");
  const siteIds = readableSites(ctx.actor, "clinical:read");
  const after = decodeCursor(q.cursor, ["uuid"])?.[0];
  const rows = await listPatientRecords(ctx.db, "conditions", {
    siteIds,
    patientId: q.patientId,
    after,
    limit: q.limit,
  });
  return toPage(rows, q.limit, (r) => [r.id], toDto);
}

export async function updateCondition(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<ConditionDto> {
  const input = parseInput(ConditionUpdate, raw);
  return updateRecord(ctx, {
    table: "conditions",
    entity: "condition",
    id,
    permission: "clinical:write",
    siteOf: (r) => r.site_id as string,
    toDto,
    changes: (row: ConditionRow) => {
      // The dates as they will stand after the correction, checked like a new record's.
      const onset = input.onsetDate === undefined ? row.onset_date : input.onsetDate;
      const abated = input.abatementDate === undefined ? row.abatement_date : input.abatementDate;
      if (onset && abated && abated < onset)
        throw validationError([
          {
            path: input.abatementDate === undefined ? "/onsetDate" : "/abatementDate",
            message: "The abatement date is before the onset date",
            code: "condition_abated_before_onset",
          },
        ]);
      return defined({
        display: input.display,
        onset_date: input.onsetDate,
        abatement_date: input.abatementDate,
        clinical_status: input.clinicalStatus,
        note: input.note,
      });
    },
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
}
