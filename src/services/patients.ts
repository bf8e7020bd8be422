/**
 * Patients (the pseudonymous study record) and their identity, kept apart. Identity is readable
 * only by investigators and coordinators of the patient's site, and every read is audited as
 * `read-identity`, so the question "who looked her up?" always has an answer.
 */
import { randomBytes } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { DISEASE_CODES, type Indication, indicationOf } from "../domain/cohort/indication.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { identityDigest } from "../domain/identity-digest.ts";
import type { Permission } from "../domain/roles.ts";
import {
  IdentityUpdate,
  PatientCreate,
  type PatientListQuery,
  PatientUpdate,
} from "../domain/schemas/patient.ts";
import { formatSubjectCode } from "../domain/subject-code.ts";
import type { JourneyState } from "../domain/vein-to-vein/journey.ts";
import {
  findIdentity,
  findPatientBySubjectCode,
  findPatients,
  insertIdentity,
  insertIdentityHistory,
  insertPatient,
  listIdentityHistory,
  listPatients as listPatientRows,
  patientListDetails,
  updateIdentity as updateIdentityRow,
} from "../store/patients.ts";
import type { IdentityRow, PatientRow } from "../store/schema.ts";
import { findSite, nextSubjectSequence } from "../store/sites.ts";
import { findById } from "../store/versioned.ts";
import { checkVersion, type ExpectedVersion, readableSites, requireAt } from "./access.ts";
import { appendAudit, changedFields } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";
import { defined, updateRecord } from "./records.ts";
import { parseInput } from "./validate.ts";

export interface PatientDto extends Record<string, unknown> {
  id: string;
  siteId: string;
  subjectCode: string;
  birthYear: number;
  sex: string;
  isSynthetic: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface IdentityDto extends Record<string, unknown> {
  patientId: string;
  familyName: string;
  givenName: string;
  sex: string;
  birthDate: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  homeRegion: string | null;
  nationalId: string | null;
  version: number;
}

export const patientDto = (r: PatientRow): PatientDto => ({
  id: r.id,
  siteId: r.site_id,
  subjectCode: r.subject_code,
  birthYear: r.birth_year,
  sex: r.sex,
  isSynthetic: r.is_synthetic,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const identityDto = (r: IdentityRow): IdentityDto => ({
  patientId: r.patient_id,
  familyName: r.family_name,
  givenName: r.given_name,
  sex: r.sex,
  birthDate: r.birth_date,
  phone: r.phone,
  email: r.email,
  address: r.address,
  homeRegion: r.home_region,
  nationalId: r.national_id,
  version: r.version,
});

/** Loads a patient the actor may act on with `permission`; 404 when invisible, 403 when the role is short. */
export async function loadPatientFor(
  ctx: ServiceContext,
  patientId: string,
  permission: Permission,
): Promise<PatientRow> {
  const row = await findById(ctx.db, "patients", patientId);
  if (!row) throw notFound("patient", patientId);
  requireAt(ctx.actor, row.site_id, permission, "patient", patientId);
  return row;
}

/**
 * `loadPatientFor` for many patients in one query: each id maps to its row, or to the error
 * loadPatientFor would have thrown for it (not found, or not allowed).
 */
export async function loadPatientsFor(
  ctx: ServiceContext,
  patientIds: readonly string[],
  permission: Permission,
): Promise<Map<string, PatientRow | DomainError>> {
  const rows = new Map((await findPatients(ctx.db, patientIds)).map((r) => [r.id, r]));
  const out = new Map<string, PatientRow | DomainError>();
  for (const id of patientIds) {
    const row = rows.get(id);
    try {
      if (!row) throw notFound("patient", id);
      requireAt(ctx.actor, row.site_id, permission, "patient", id);
      out.set(id, row);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      out.set(id, e);
    }
  }
  return out;
}

export async function createPatient(ctx: ServiceContext, raw: unknown): Promise<PatientDto> {
  const input = parseInput(PatientCreate, raw);
  requireAt(ctx.actor, input.siteId, "patient:write", "site", input.siteId);
  if (input.identity) requireAt(ctx.actor, input.siteId, "identity:write", "site", input.siteId);
  return inTransaction(ctx, async (db) => {
    const site = await findSite(db, input.siteId);
    if (!site) throw notFound("site", input.siteId);
    const subjectCode =
      input.subjectCode ?? formatSubjectCode(site.code, await nextSubjectSequence(db, site.id));
    const clash = await findPatientBySubjectCode(db, site.id, subjectCode);
    if (clash)
      throw new DomainError("conflict", `Subject code ${subjectCode} is already used at ${site.code}.`, [
        { path: "/subjectCode", message: "already in use" },
      ]);
    const now = ctx.now();
    const row = await insertPatient(db, {
      id: uuidv7(),
      site_id: site.id,
      subject_code: subjectCode,
      birth_year: input.birthYear,
      sex: input.sex,
      is_synthetic: input.isSynthetic,
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    const dto = patientDto(row);
    await appendAudit(db, ctx, {
      action: "create",
      entityType: "patient",
      entityId: row.id,
      siteId: site.id,
      after: dto,
    });
    if (input.identity) {
      const id = input.identity;
      await insertIdentity(db, {
        patient_id: row.id,
        family_name: id.familyName,
        given_name: id.givenName,
        sex: id.sex,
        birth_date: id.birthDate,
        phone: id.phone ?? null,
        email: id.email ?? null,
        address: id.address ?? null,
        home_region: id.homeRegion ?? null,
        national_id: id.nationalId ?? null,
        created_at: now,
        updated_at: now,
      });
      // The audit row records that identity was created, not its content: the audit trail is
      // readable by monitors, who must not see identity.
      await appendAudit(db, ctx, {
        action: "create",
        entityType: "patient-identity",
        entityId: row.id,
        siteId: site.id,
        after: { fields: Object.keys(defined(id)) },
      });
    }
    return dto;
  });
}

export async function getPatient(ctx: ServiceContext, id: string): Promise<PatientDto> {
  return patientDto(await loadPatientFor(ctx, id, "patient:read"));
}

/** A patient as the list shows her: where, in which studies, with what disease, at which stage. */
export interface PatientListItemDto extends PatientDto {
  siteCode: string;
  studies: { id: string; shortName: string }[];
  /** the indication her coded diagnoses give (domain/cohort/indication.ts); null when none */
  disease: Indication | null;
  /** the state of each of her journeys, oldest first */
  journeyStages: JourneyState[];
}

export async function listPatients(
  ctx: ServiceContext,
  q: PatientListQuery & { limit: number; cursor?: string },
): Promise<Page<PatientListItemDto>> {
  const siteIds = readableSites(ctx.actor, "patient:read", q.siteId);
  const after = decodeCursor(q.cursor, ["text", "uuid"]) ?? undefined;
  const rows = await listPatientRows(ctx.db, {
    siteIds,
    subjectCode: q.subjectCode,
    subjectCodeContains: q.subjectCodeContains,
    studyId: q.studyId,
    disease: q.disease ? DISEASE_CODES[q.disease] : undefined,
    stage: q.stage,
    after,
    limit: q.limit,
  });
  const shown = rows.slice(0, q.limit);
  const details = await patientListDetails(
    ctx.db,
    shown.map((r) => r.id),
  );
  const of = <T extends { patient_id: string }>(list: T[], id: string) =>
    list.filter((x) => x.patient_id === id);
  return toPage(
    rows,
    q.limit,
    (r) => [r.subject_code, r.id],
    (r): PatientListItemDto => ({
      ...patientDto(r),
      siteCode: r.site_code,
      studies: of(details.enrolments, r.id).map((e) => ({ id: e.study_id, shortName: e.short_name })),
      disease: indicationOf(
        of(details.diagnoses, r.id).map((d) => ({ codeSystem: d.code_system, code: d.code })),
      ),
      journeyStages: of(details.journeys, r.id).map((j) => j.state as JourneyState),
    }),
  );
}

export async function updatePatient(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<PatientDto> {
  const input = parseInput(PatientUpdate, raw);
  return updateRecord(ctx, {
    table: "patients",
    entity: "patient",
    id,
    permission: "patient:write",
    siteOf: (r) => r.site_id as string,
    toDto: patientDto,
    changes: () => defined({ birth_year: input.birthYear, sex: input.sex }),
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
}

/** If-Match wins over a body version; both absent means "not given". */
export function expectedVersion(
  ifMatch: number | undefined,
  bodyVersion: number | undefined,
): ExpectedVersion | undefined {
  if (ifMatch !== undefined) return { version: ifMatch, source: "if-match" };
  if (bodyVersion !== undefined) return { version: bodyVersion, source: "body" };
  return undefined;
}

export async function readIdentity(ctx: ServiceContext, patientId: string): Promise<IdentityDto> {
  const patient = await loadPatientFor(ctx, patientId, "identity:read");
  return inTransaction(ctx, async (db) => {
    const row = await findIdentity(db, patientId);
    if (!row) throw notFound("identity of patient", patientId);
    await appendAudit(db, ctx, {
      action: "read-identity",
      entityType: "patient-identity",
      entityId: patientId,
      siteId: patient.site_id,
    });
    return identityDto(row);
  });
}

export async function updateIdentity(
  ctx: ServiceContext,
  patientId: string,
  raw: unknown,
  ifMatch?: number,
): Promise<IdentityDto> {
  const input = parseInput(IdentityUpdate, raw);
  const patient = await loadPatientFor(ctx, patientId, "identity:write");
  return inTransaction(ctx, async (db) => {
    const row = await findIdentity(db, patientId);
    if (!row) throw notFound("identity of patient", patientId);
    checkVersion(row.version, expectedVersion(ifMatch, input.version));
    const updated = await updateIdentityRow(
      db,
      patientId,
      row.version,
      defined({
        family_name: input.familyName,
        given_name: input.givenName,
        sex: input.sex,
        birth_date: input.birthDate,
        phone: input.phone,
        email: input.email,
        address: input.address,
        home_region: input.homeRegion,
        national_id: input.nationalId,
      }),
      ctx.now(),
    );
    if (!updated)
      throw new DomainError(
        "conflict",
        "The identity changed while you were saving it. Nothing was written.",
      );
    const diff = changedFields(identityDto(row), identityDto(updated));
    const fields = Object.keys(diff.after);
    // The replaced values go to identity history (identity readers only); the audit record gets
    // the field names and a salted digest of those values, so it stays monitor-readable.
    let commitment: { replacedVersion: number; priorDigest: string } | null = null;
    if (fields.length > 0) {
      const salt = randomBytes(32);
      await insertIdentityHistory(db, {
        id: uuidv7(),
        patient_id: patientId,
        version: row.version,
        family_name: row.family_name,
        given_name: row.given_name,
        sex: row.sex,
        birth_date: row.birth_date,
        phone: row.phone,
        email: row.email,
        address: row.address,
        home_region: row.home_region,
        national_id: row.national_id,
        valid_from: row.updated_at,
        replaced_at: updated.updated_at,
        replaced_by: ctx.actor.userId,
        salt,
      });
      commitment = { replacedVersion: row.version, priorDigest: identityDigest(salt, identityDto(row)) };
    }
    await appendAudit(db, ctx, {
      action: "update",
      entityType: "patient-identity",
      entityId: patientId,
      siteId: patient.site_id,
      // names of changed fields only: values stay out of the monitor-readable trail
      after: { fields, ...commitment },
      reason: input.reason,
    });
    return identityDto(updated);
  });
}

export interface IdentityHistoryEntryDto extends IdentityDto {
  /** when these values were recorded, and when and by whom they were replaced */
  validFrom: string;
  replacedAt: string;
  replacedBy: { id: string; username: string };
}

/**
 * The identity values earlier updates replaced, newest first: readable where identity is
 * (investigators and coordinators of the patient's site), and every read is audited.
 */
export async function readIdentityHistory(
  ctx: ServiceContext,
  patientId: string,
): Promise<{ items: IdentityHistoryEntryDto[] }> {
  const patient = await loadPatientFor(ctx, patientId, "identity:read");
  return inTransaction(ctx, async (db) => {
    const rows = await listIdentityHistory(db, patientId);
    await appendAudit(db, ctx, {
      action: "read-identity",
      entityType: "patient-identity",
      entityId: patientId,
      siteId: patient.site_id,
      after: { part: "history", versions: rows.map((r) => r.version) },
    });
    return {
      items: rows.map((r) => ({
        ...identityDto({ ...r, created_at: r.valid_from, updated_at: r.valid_from }),
        validFrom: r.valid_from.toISOString(),
        replacedAt: r.replaced_at.toISOString(),
        replacedBy: { id: r.replaced_by, username: r.replaced_by_username },
      })),
    };
  });
}
