/**
 * Adverse events: record, correct (every fact restated, with a reason) and list, at the sites the
 * actor may write or read clinical data. The consistency rules are the domain's
 * (domain/adverse-events.ts); the event's onset is also checked against the patient's record.
 */
import { v7 as uuidv7 } from "uuid";
import { AdverseEventCreate, AdverseEventUpdate } from "../domain/adverse-events.ts";
import { insertAdverseEvent, listPatientRecords } from "../store/clinical-records.ts";
import type { Selectable } from "../store/schema.ts";
import type { AdverseEventsTable } from "../store/schema-adverse-events.ts";
import { readableSites } from "./access.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";
import { expectedVersion, loadPatientFor } from "./patients.ts";
import { auditCreated, readScoped, updateRecord } from "./records.ts";
import { parseInput } from "./validate.ts";

export interface AdverseEventDto extends Record<string, unknown> {
  id: string;
  patientId: string;
  term: string;
  soc: string;
  grade: number;
  attribution: string;
  serious: boolean;
  seriousCriteria: string[];
  onsetDate: string;
  resolvedDate: string | null;
  outcome: string;
  pathogenClass: string | null;
  organism: string | null;
  note: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

type AdverseEventRow = Selectable<AdverseEventsTable>;

const toDto = (r: AdverseEventRow): AdverseEventDto => ({
  id: r.id,
  patientId: r.patient_id,
  term: r.term,
  soc: r.soc,
  grade: r.grade,
  attribution: r.attribution,
  serious: r.serious,
  seriousCriteria: r.serious_criteria,
  onsetDate: r.onset_date,
  resolvedDate: r.resolved_date,
  outcome: r.outcome,
  pathogenClass: r.pathogen_class,
  organism: r.organism,
  note: r.note,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const columnsOf = (input: AdverseEventUpdate | AdverseEventCreate) => ({
  term: input.term,
  soc: input.soc,
  grade: input.grade,
  attribution: input.attribution,
  serious: input.serious,
  serious_criteria: [...input.seriousCriteria],
  onset_date: input.onsetDate,
  resolved_date: input.resolvedDate ?? null,
  outcome: input.outcome,
  pathogen_class: input.pathogenClass ?? null,
  organism: input.organism ?? null,
  note: input.note ?? null,
});

export async function createAdverseEvent(ctx: ServiceContext, raw: unknown): Promise<AdverseEventDto> {
  const input = parseInput(AdverseEventCreate, raw);
  const patient = await loadPatientFor(ctx, input.patientId, "clinical:write");
  return inTransaction(ctx, async (db) => {
    const now = ctx.now();
    const row = await insertAdverseEvent(db, {
      id: uuidv7(),
      patient_id: patient.id,
      site_id: patient.site_id,
      ...columnsOf(input),
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    return auditCreated(db, ctx, "adverse_event", row, toDto);
  });
}

export function getAdverseEvent(ctx: ServiceContext, id: string): Promise<AdverseEventDto> {
  return readScoped(ctx, "adverse_events", "adverse_event", id, "clinical:read", toDto);
}

export async function listAdverseEvents(
  ctx: ServiceContext,
  q: { patientId?: string; limit: number; cursor?: string },
): Promise<Page<AdverseEventDto>> {
  if (q.patientId) await loadPatientFor(ctx, q.patientId, "clinical:read");
  const siteIds = readableSites(ctx.actor, "clinical:read");
  const after = decodeCursor(q.cursor, ["uuid"])?.[0];
  const rows = await listPatientRecords(ctx.db, "adverse_events", {
    siteIds,
    patientId: q.patientId,
    after,
    limit: q.limit,
  });
  return toPage(rows, q.limit, (r) => [r.id], toDto);
}

export async function updateAdverseEvent(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<AdverseEventDto> {
  const input = parseInput(AdverseEventUpdate, raw);
  return updateRecord(ctx, {
    table: "adverse_events",
    entity: "adverse_event",
    id,
    permission: "clinical:write",
    siteOf: (r) => r.site_id as string,
    toDto,
    changes: () => columnsOf(input),
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
}
