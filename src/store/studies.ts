import type { Kysely } from "kysely";
import type { CarProductsTable, DB, EnrolmentsTable, Insertable, StudiesTable } from "./schema.ts";

export const insertStudy = (db: Kysely<DB>, row: Insertable<StudiesTable>) =>
  db.insertInto("studies").values(row).returningAll().executeTakeFirstOrThrow();

export const insertStudySites = (db: Kysely<DB>, studyId: string, siteIds: string[]) =>
  siteIds.length === 0
    ? Promise.resolve()
    : db
        .insertInto("study_sites")
        .values(siteIds.map((site_id) => ({ study_id: studyId, site_id })))
        .onConflict((oc) => oc.doNothing())
        .execute();

/** A change to the study's participating sites: a new version, so ETags and clients notice. */
export const touchStudy = (db: Kysely<DB>, id: string, at: Date) =>
  db
    .updateTable("studies")
    .set((eb) => ({ version: eb("version", "+", 1), updated_at: at }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const studySiteIds = async (db: Kysely<DB>, studyId: string) =>
  (await db.selectFrom("study_sites").select("site_id").where("study_id", "=", studyId).execute()).map(
    (r) => r.site_id,
  );

/** Studies in which any of `siteIds` takes part. */
export function listStudies(db: Kysely<DB>, siteIds: string[], after: string | undefined, limit: number) {
  let q = db
    .selectFrom("studies")
    .selectAll()
    .where("id", "in", db.selectFrom("study_sites").select("study_id").where("site_id", "in", siteIds))
    .orderBy("id")
    .limit(limit + 1);
  if (after) q = q.where("id", ">", after);
  return q.execute();
}

export const siteIdsOfStudies = async (db: Kysely<DB>, studyIds: string[]) => {
  const rows =
    studyIds.length === 0
      ? []
      : await db
          .selectFrom("study_sites")
          .select(["study_id", "site_id"])
          .where("study_id", "in", studyIds)
          .execute();
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.study_id, [...(map.get(r.study_id) ?? []), r.site_id]);
  return map;
};

export const insertCarProduct = (db: Kysely<DB>, row: Insertable<CarProductsTable>) =>
  db.insertInto("car_products").values(row).returningAll().executeTakeFirstOrThrow();

export function listCarProducts(
  db: Kysely<DB>,
  siteIds: string[],
  studyId: string | undefined,
  after: string | undefined,
  limit: number,
) {
  let q = db
    .selectFrom("car_products")
    .selectAll()
    .where("study_id", "in", db.selectFrom("study_sites").select("study_id").where("site_id", "in", siteIds))
    .orderBy("id")
    .limit(limit + 1);
  if (studyId) q = q.where("study_id", "=", studyId);
  if (after) q = q.where("id", ">", after);
  return q.execute();
}

export const insertEnrolment = (db: Kysely<DB>, row: Insertable<EnrolmentsTable>) =>
  db.insertInto("enrolments").values(row).returningAll().executeTakeFirstOrThrow();

export function listEnrolments(
  db: Kysely<DB>,
  f: { siteIds: string[]; patientId?: string; studyId?: string; after?: string; limit: number },
) {
  let q = db
    .selectFrom("enrolments")
    .selectAll()
    .where("site_id", "in", f.siteIds)
    .orderBy("id")
    .limit(f.limit + 1);
  if (f.patientId) q = q.where("patient_id", "=", f.patientId);
  if (f.studyId) q = q.where("study_id", "=", f.studyId);
  if (f.after) q = q.where("id", ">", f.after);
  return q.execute();
}

/** Day 0 of a patient: the earliest recorded CAR-T infusion across enrolments. */
export async function infusionDate(db: Kysely<DB>, patientId: string): Promise<string | null> {
  const row = await db
    .selectFrom("enrolments")
    .select((eb) => eb.fn.min("infusion_date").as("day0"))
    .where("patient_id", "=", patientId)
    .executeTakeFirst();
  return (row?.day0 as string | null | undefined) ?? null;
}

/** The patient's enrolment in a study, if any (a patient is enrolled in a study once). */
export const findEnrolmentOf = (db: Kysely<DB>, patientId: string, studyId: string) =>
  db
    .selectFrom("enrolments")
    .select("id")
    .where("patient_id", "=", patientId)
    .where("study_id", "=", studyId)
    .executeTakeFirst();

export const findCarProduct = (db: Kysely<DB>, id: string) =>
  db.selectFrom("car_products").selectAll().where("id", "=", id).executeTakeFirst();

/** A study's CAR product with this code, if any (codes are unique within a study). */
export const findCarProductByCode = (db: Kysely<DB>, studyId: string, code: string) =>
  db
    .selectFrom("car_products")
    .select("id")
    .where("study_id", "=", studyId)
    .where("code", "=", code)
    .executeTakeFirst();

/** The CAR products of the given studies (id, study, name, code). */
export const carProductsOfStudies = (db: Kysely<DB>, studyIds: string[]) =>
  db
    .selectFrom("car_products")
    .select(["id", "study_id", "name", "code"])
    .where("study_id", "in", studyIds)
    .execute();

/** A study's CAR products made with one of the given vector types. */
export const carProductsWithVectors = (db: Kysely<DB>, studyId: string, vectorTypes: readonly string[]) =>
  db
    .selectFrom("car_products")
    .select("code")
    .where("study_id", "=", studyId)
    .where("vector_type", "in", [...vectorTypes])
    .execute();
