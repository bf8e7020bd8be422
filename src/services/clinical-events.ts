import { v7 as uuidv7 } from "uuid";
import { ClinicalEventCreate, ClinicalEventUpdate } from "../domain/schemas/clinical.ts";
import { insertClinicalEvent, listPatientRecords } from "../store/clinical-records.ts";
import type { ClinicalEventRow } from "../store/schema.ts";
import { readableSites } from "./access.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";
import { expectedVersion, loadPatientFor } from "./patients.ts";
import { auditCreated, defined, readScoped, updateRecord } from "./records.ts";
import { parseInput } from "./validate.ts";

export interface ClinicalEventDto extends Record<string, unknown> {
  id: string;
  patientId: string;
  occurredAt: string;
  category: string;
  title: string;
  text: string | null;
  status: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const toDto = (r: ClinicalEventRow): ClinicalEventDto => ({
  id: r.id,
  patientId: r.patient_id,
  occurredAt: r.occurred_at.toISOString(),
  category: r.category,
  title: r.title,
  text: r.text,
  status: r.status,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function recordClinicalEvent(ctx: ServiceContext, raw: unknown): Promise<ClinicalEventDto> {
  const input = parseInput(ClinicalEventCreate, raw);
  const patient = await loadPatientFor(ctx, input.patientId, "clinical:write");
  return inTransaction(ctx, async (db) => {
    const now = ctx.now();
    const row = await insertClinicalEvent(db, {
      id: uuidv7(),
      patient_id: patient.id,
      site_id: patient.site_id,
      occurred_at: input.occurredAt,
      category: input.category,
      title: input.title,
      text: input.text ?? null,
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    return auditCreated(db, ctx, "clinical-event", row, toDto);
  });
}

export function getClinicalEvent(ctx: ServiceContext, id: string): Promise<ClinicalEventDto> {
  return readScoped(ctx, "clinical_events", "clinical event", id, "clinical:read", toDto);
}

export async function listClinicalEvents(
  ctx: ServiceContext,
  q: { patientId?: string; limit: number; cursor?: string },
): Promise<Page<ClinicalEventDto>> {
  if (q.patientId) await loadPatientFor(ctx, q.patientId, "clinical:read");
  const siteIds = readableSites(ctx.actor, "clinical:read");
  const after = decodeCursor(q.cursor, ["uuid"])?.[0];
  const rows = await listPatientRecords(ctx.db, "clinical_events", {
    siteIds,
    patientId: q.patientId,
    after,
    limit: q.limit,
  });
  return toPage(rows, q.limit, (r) => [r.id], toDto);
}

export async function updateClinicalEvent(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<ClinicalEventDto> {
  const input = parseInput(ClinicalEventUpdate, raw);
  return updateRecord(ctx, {
    table: "clinical_events",
    entity: "clinical-event",
    id,
    permission: "clinical:write",
    siteOf: (r) => r.site_id as string,
    toDto,
    changes: () =>
      defined({ occurred_at: input.occurredAt, title: input.title, text: input.text, status: input.status }),
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
}
