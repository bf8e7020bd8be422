/**
 * Enrolment of a patient in a study arm and dose level, with consent. The infusion date recorded
 * here is study day 0 until the vein-to-vein workflow records infusions itself.
 */
import { v7 as uuidv7 } from "uuid";
import { DomainError, type Issue, validationError } from "../domain/errors.ts";
import { EnrolmentCreate, EnrolmentUpdate } from "../domain/schemas/study.ts";
import type { EnrolmentRow, StudyArm } from "../store/schema.ts";
import { findEnrolmentOf, insertEnrolment, listEnrolments as listEnrolmentRows } from "../store/studies.ts";
import { findById } from "../store/versioned.ts";
import { readableSites } from "./access.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";
import { expectedVersion, loadPatientFor } from "./patients.ts";
import { auditCreated, defined, readScoped, updateRecord } from "./records.ts";
import { loadStudyFor } from "./studies.ts";
import { parseInput } from "./validate.ts";
import { syncEnrolmentVisits } from "./visits.ts";

export interface EnrolmentDto extends Record<string, unknown> {
  id: string;
  patientId: string;
  studyId: string;
  siteId: string;
  armCode: string;
  doseLevelCode: string | null;
  consentDate: string;
  consentVersion: string;
  enrolledOn: string | null;
  infusionDate: string | null;
  status: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const toDto = (r: EnrolmentRow): EnrolmentDto => ({
  id: r.id,
  patientId: r.patient_id,
  studyId: r.study_id,
  siteId: r.site_id,
  armCode: r.arm_code,
  doseLevelCode: r.dose_level_code,
  consentDate: r.consent_date,
  consentVersion: r.consent_version,
  enrolledOn: r.enrolled_on,
  infusionDate: r.infusion_date,
  status: r.status,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The arm must exist in the study, and the dose level in that arm. */
function checkArm(arms: StudyArm[], armCode: string, doseLevelCode: string | null | undefined): Issue[] {
  const arm = arms.find((a) => a.code === armCode);
  if (!arm)
    return [
      {
        path: "/armCode",
        message: `The study has no arm ${armCode} (arms: ${arms.map((a) => a.code).join(", ")})`,
      },
    ];
  if (doseLevelCode && !arm.doseLevels.some((d) => d.code === doseLevelCode))
    return [{ path: "/doseLevelCode", message: `Arm ${armCode} has no dose level ${doseLevelCode}` }];
  return [];
}

export async function enrolPatient(ctx: ServiceContext, raw: unknown): Promise<EnrolmentDto> {
  const input = parseInput(EnrolmentCreate, raw);
  const patient = await loadPatientFor(ctx, input.patientId, "enrolment:write");
  const { study, siteIds } = await loadStudyFor(ctx, input.studyId, "study:read");
  if (!siteIds.includes(patient.site_id))
    throw new DomainError("rule-violation", "The patient's site does not take part in this study.", [
      { path: "/studyId", message: "study not open at the patient's site" },
    ]);
  const issues = checkArm(study.arms, input.armCode, input.doseLevelCode);
  if (issues.length) throw validationError(issues);
  return inTransaction(ctx, async (db) => {
    const existing = await findEnrolmentOf(db, patient.id, study.id);
    if (existing)
      throw new DomainError("conflict", "The patient is already enrolled in this study.", [], {
        enrolmentId: existing.id,
      });
    const now = ctx.now();
    const row = await insertEnrolment(db, {
      id: uuidv7(),
      patient_id: patient.id,
      study_id: study.id,
      site_id: patient.site_id,
      arm_code: input.armCode,
      dose_level_code: input.doseLevelCode ?? null,
      consent_date: input.consentDate,
      consent_version: input.consentVersion,
      enrolled_on: input.enrolledOn ?? null,
      infusion_date: input.infusionDate ?? null,
      status: input.status,
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    // The protocol visits follow from day 0, so they are written with the enrolment or not at all.
    if (row.infusion_date) await syncEnrolmentVisits(db, ctx, row, { previousInfusionDate: null });
    return auditCreated(db, ctx, "enrolment", row, toDto);
  });
}

export function getEnrolment(ctx: ServiceContext, id: string): Promise<EnrolmentDto> {
  return readScoped(ctx, "enrolments", "enrolment", id, "enrolment:read", toDto);
}

export async function listEnrolments(
  ctx: ServiceContext,
  q: { patientId?: string; studyId?: string; limit: number; cursor?: string },
): Promise<Page<EnrolmentDto>> {
  if (q.patientId) await loadPatientFor(ctx, q.patientId, "enrolment:read");
  const siteIds = readableSites(ctx.actor, "enrolment:read");
  const after = decodeCursor(q.cursor, ["uuid"])?.[0];
  const rows = await listEnrolmentRows(ctx.db, {
    siteIds,
    patientId: q.patientId,
    studyId: q.studyId,
    after,
    limit: q.limit,
  });
  return toPage(rows, q.limit, (r) => [r.id], toDto);
}

export async function updateEnrolment(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<EnrolmentDto> {
  const input = parseInput(EnrolmentUpdate, raw);
  return updateRecord(ctx, {
    table: "enrolments",
    entity: "enrolment",
    id,
    permission: "enrolment:write",
    siteOf: (r) => r.site_id as string,
    toDto,
    changes: async (current: EnrolmentRow, tx) => {
      const study = await findById(tx.db, "studies", current.study_id);
      const armCode = input.armCode ?? current.arm_code;
      const dose = input.doseLevelCode !== undefined ? input.doseLevelCode : current.dose_level_code;
      const issues = checkArm(study!.arms, armCode, dose);
      const infusion = input.infusionDate !== undefined ? input.infusionDate : current.infusion_date;
      if (infusion && infusion < current.consent_date)
        issues.push({ path: "/infusionDate", message: "Infusion cannot precede consent" });
      if (issues.length) throw validationError(issues);
      // Visits move with day 0 and take their assessments from the arm; recorded ones stay put.
      if (infusion !== current.infusion_date || armCode !== current.arm_code)
        await syncEnrolmentVisits(
          tx.db,
          tx,
          { ...current, arm_code: armCode, infusion_date: infusion },
          { previousInfusionDate: current.infusion_date, reason: input.reason },
        );
      return defined({
        arm_code: input.armCode,
        dose_level_code: input.doseLevelCode,
        consent_version: input.consentVersion,
        enrolled_on: input.enrolledOn,
        infusion_date: input.infusionDate,
        status: input.status,
      });
    },
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
}
