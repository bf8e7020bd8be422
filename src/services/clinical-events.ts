import { v7 as uuidv7 } from "uuid";
import { type CarCopiesNote, parseCarCopiesNote } from "../domain/endpoints/car-copies-note.ts";
import { ClinicalEventCreate, ClinicalEventUpdate } from "../domain/schemas/clinical.ts";
import { insertClinicalEvent, listPatientRecords } from "../store/clinical-records.ts";
import type { ClinicalEventRow } from "../store/schema.ts";
import { readableSites } from "./access.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";
import { expectedVersion, loadPatientFor } from "./patients.ts";
import { auditCreated, defined, readScoped, updateRecord } from "./records.ts";
import { parseInput } from "./validate.ts";

/** What was recorded: the audit trail keeps this, never the derived values. */
export interface RecordedClinicalEvent extends Record<string, unknown> {
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

export interface ClinicalEventDto extends RecordedClinicalEvent {
  /**
   * Read from the record by the domain: a CAR-T copies note (endpoints/car-copies-note.ts) gives
   * its level or "below the limit", the same reading the derived kinetics use; null otherwise.
   */
  derived: { carCopies: CarCopiesNote | null };
}

const withDerived = (e: RecordedClinicalEvent): ClinicalEventDto => ({
  ...e,
  derived: { carCopies: parseCarCopiesNote(e.title) },
});

const recorded = (r: ClinicalEventRow): RecordedClinicalEvent => ({
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

const toDto = (r: ClinicalEventRow): ClinicalEventDto => withDerived(recorded(r));

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
    return withDerived(await auditCreated(db, ctx, "clinical-event", row, recorded));
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
  const updated = await updateRecord(ctx, {
    table: "clinical_events",
    entity: "clinical-event",
    id,
    permission: "clinical:write",
    siteOf: (r) => r.site_id as string,
    toDto: recorded,
    changes: () =>
      defined({ occurred_at: input.occurredAt, title: input.title, text: input.text, status: input.status }),
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
  return withDerived(updated);
}
