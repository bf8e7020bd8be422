import { v7 as uuidv7 } from "uuid";
import { CODE_SYSTEMS } from "../domain/code-systems.ts";
import { validationError } from "../domain/errors.ts";
import {
  dailyDoseMg,
  dosesPerDay,
  type LupusDrugClass,
  lupusDrugClass,
  prednisoloneEquivalentMgPerDay,
} from "../domain/medications.ts";
import { MedicationCreate, MedicationUpdate } from "../domain/schemas/clinical.ts";
import { insertMedication, listPatientRecords } from "../store/clinical-records.ts";
import type { MedicationRow } from "../store/schema.ts";
import { readableSites } from "./access.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";
import { expectedVersion, loadPatientFor } from "./patients.ts";
import { auditCreated, defined, readScoped, updateRecord } from "./records.ts";
import { parseInput } from "./validate.ts";

/** What was recorded: the audit trail keeps this, never the derived values. */
export interface RecordedMedication extends Record<string, unknown> {
  id: string;
  patientId: string;
  drug: string;
  drugCodeSystem: string | null;
  drugCode: string | null;
  doseValue: number | null;
  doseUnit: string | null;
  route: string | null;
  frequency: string | null;
  startDate: string;
  stopDate: string | null;
  indication: string | null;
  status: string;
  note: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface MedicationDto extends RecordedMedication {
  /**
   * Read from the record by domain/medications.ts, so every screen shows what the endpoints and
   * drafts use: the lupus drug class (systemic routes only), doses per day from the frequency, the
   * daily dose in mg and, for a systemic glucocorticoid, its prednisolone equivalent (BNF). Null
   * where the record cannot be read.
   */
  derived: {
    lupusDrugClass: LupusDrugClass | null;
    dosesPerDay: number | null;
    dailyDoseMg: number | null;
    prednisoloneEquivalentMgPerDay: number | null;
  };
}

/** What domain/medications.ts reads of a record: the ATC code only when the record is coded in ATC. */
const factsOf = (r: RecordedMedication) => ({
  ...r,
  atcCode: r.drugCodeSystem === CODE_SYSTEMS.atc ? r.drugCode : null,
});

function withDerived(r: RecordedMedication): MedicationDto {
  const m = factsOf(r);
  const equivalent = prednisoloneEquivalentMgPerDay(m);
  return {
    ...r,
    derived: {
      lupusDrugClass: lupusDrugClass(m),
      dosesPerDay: dosesPerDay(m.frequency),
      dailyDoseMg: dailyDoseMg(m),
      prednisoloneEquivalentMgPerDay: equivalent === null ? null : Math.round(equivalent * 100) / 100,
    },
  };
}

const recorded = (r: MedicationRow): RecordedMedication => ({
  id: r.id,
  patientId: r.patient_id,
  drug: r.drug,
  drugCodeSystem: r.drug_code_system,
  drugCode: r.drug_code,
  doseValue: r.dose_value,
  doseUnit: r.dose_unit,
  route: r.route,
  frequency: r.frequency,
  startDate: r.start_date,
  stopDate: r.stop_date,
  indication: r.indication,
  status: r.status,
  note: r.note,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const toDto = (r: MedicationRow): MedicationDto => withDerived(recorded(r));

/**
 * The systemic glucocorticoid courses among a patient's medication rows, each with its daily
 * prednisolone equivalent in mg, unrounded (domain/medications.ts; callers sum, then round).
 */
export function glucocorticoidCoursesOf(rows: readonly MedicationRow[]) {
  return rows.flatMap((row) => {
    const m = factsOf(recorded(row));
    const mg = prednisoloneEquivalentMgPerDay(m);
    return mg === null ? [] : [{ startDate: m.startDate, stopDate: m.stopDate, prednisoloneMgPerDay: mg }];
  });
}

export async function recordMedication(ctx: ServiceContext, raw: unknown): Promise<MedicationDto> {
  const input = parseInput(MedicationCreate, raw);
  const patient = await loadPatientFor(ctx, input.patientId, "clinical:write");
  return inTransaction(ctx, async (db) => {
    const now = ctx.now();
    const row = await insertMedication(db, {
      id: uuidv7(),
      patient_id: patient.id,
      site_id: patient.site_id,
      drug: input.drug,
      drug_code_system: input.drugCodeSystem ?? null,
      drug_code: input.drugCode ?? null,
      dose_value: input.doseValue ?? null,
      dose_unit: input.doseUnit ?? null,
      route: input.route ?? null,
      frequency: input.frequency ?? null,
      start_date: input.startDate,
      stop_date: input.stopDate ?? null,
      indication: input.indication ?? null,
      status: input.status,
      note: input.note ?? null,
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    return withDerived(await auditCreated(db, ctx, "medication", row, recorded));
  });
}

export function getMedication(ctx: ServiceContext, id: string): Promise<MedicationDto> {
  return readScoped(ctx, "medications", "medication", id, "clinical:read", toDto);
}

export async function listMedications(
  ctx: ServiceContext,
  q: { patientId?: string; limit: number; cursor?: string },
): Promise<Page<MedicationDto>> {
  if (q.patientId) await loadPatientFor(ctx, q.patientId, "clinical:read");
  const siteIds = readableSites(ctx.actor, "clinical:read");
  const after = decodeCursor(q.cursor, ["uuid"])?.[0];
  const rows = await listPatientRecords(ctx.db, "medications", {
    siteIds,
    patientId: q.patientId,
    after,
    limit: q.limit,
  });
  return toPage(rows, q.limit, (r) => [r.id], toDto);
}

export async function updateMedication(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<MedicationDto> {
  const input = parseInput(MedicationUpdate, raw);
  const updated = await updateRecord(ctx, {
    table: "medications",
    entity: "medication",
    id,
    permission: "clinical:write",
    siteOf: (r) => r.site_id as string,
    toDto: recorded,
    changes: (current: MedicationRow) => {
      if (input.stopDate && input.stopDate < current.start_date)
        throw validationError([
          { path: "/stopDate", message: `stopDate is before startDate ${current.start_date}` },
        ]);
      return defined({
        dose_value: input.doseValue,
        dose_unit: input.doseUnit,
        route: input.route,
        frequency: input.frequency,
        stop_date: input.stopDate,
        status: input.status,
        note: input.note,
      });
    },
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
  return withDerived(updated);
}
