/**
 * A study's own visit schedules (one study-wide, and optionally one per arm), and the reads the
 * follow-up services need around them: the schedule an enrolment follows, the enrolments a
 * schedule change regenerates, and which visits carry stored assessments.
 */
import type { Kysely } from "kysely";
import type { DB, Insertable, Selectable } from "./schema.ts";
import type { StudyVisitSchedulesTable } from "./schema-follow-up.ts";

export type StudyVisitScheduleRow = Selectable<StudyVisitSchedulesTable>;

export const studySchedules = (db: Kysely<DB>, studyId: string) =>
  db
    .selectFrom("study_visit_schedules")
    .selectAll()
    .where("study_id", "=", studyId)
    .orderBy("arm_code", (ob) => ob.nullsFirst())
    .execute();

/** The arm's own schedule if it has one, else the study-wide one, else undefined. */
export async function scheduleForArm(db: Kysely<DB>, studyId: string, armCode: string) {
  const rows = await db
    .selectFrom("study_visit_schedules")
    .selectAll()
    .where("study_id", "=", studyId)
    .where((eb) => eb.or([eb("arm_code", "=", armCode), eb("arm_code", "is", null)]))
    .execute();
  return rows.find((r) => r.arm_code === armCode) ?? rows.find((r) => r.arm_code === null);
}

export const findStudySchedule = (db: Kysely<DB>, studyId: string, armCode: string | null) =>
  db
    .selectFrom("study_visit_schedules")
    .selectAll()
    .where("study_id", "=", studyId)
    .where("arm_code", armCode === null ? "is" : "=", armCode)
    .executeTakeFirst();

export const insertStudySchedule = (db: Kysely<DB>, row: Insertable<StudyVisitSchedulesTable>) =>
  db.insertInto("study_visit_schedules").values(row).returningAll().executeTakeFirstOrThrow();

export const updateStudySchedule = (
  db: Kysely<DB>,
  id: string,
  expectedVersion: number,
  changes: { name: string; schedule: string },
  at: Date,
) =>
  db
    .updateTable("study_visit_schedules")
    .set({ ...changes, updated_at: at, version: expectedVersion + 1 })
    .where("id", "=", id)
    .where("version", "=", expectedVersion)
    .returningAll()
    .executeTakeFirst();

/** Enrolments of a study that have an infusion date, i.e. that have generated visits. */
export const infusedEnrolmentsOfStudy = (db: Kysely<DB>, studyId: string) =>
  db
    .selectFrom("enrolments")
    .selectAll()
    .where("study_id", "=", studyId)
    .where("infusion_date", "is not", null)
    .orderBy("id")
    .execute();

/** Of these visits, those that stored assessments point at. */
export async function visitsWithAssessments(db: Kysely<DB>, visitIds: string[]): Promise<Set<string>> {
  if (visitIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("assessments")
    .select("visit_id")
    .distinct()
    .where("visit_id", "in", visitIds)
    .execute();
  return new Set(rows.map((r) => r.visit_id as string));
}
