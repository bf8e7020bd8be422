import type { Kysely } from "kysely";
import type { DB, Insertable, PatientIdentitiesTable, PatientsTable } from "./schema.ts";

export const insertPatient = (db: Kysely<DB>, row: Insertable<PatientsTable>) =>
  db.insertInto("patients").values(row).returningAll().executeTakeFirstOrThrow();

export const insertIdentity = (db: Kysely<DB>, row: Insertable<PatientIdentitiesTable>) =>
  db.insertInto("patient_identities").values(row).returningAll().executeTakeFirstOrThrow();

export const findIdentity = (db: Kysely<DB>, patientId: string) =>
  db.selectFrom("patient_identities").selectAll().where("patient_id", "=", patientId).executeTakeFirst();

export const updateIdentity = (
  db: Kysely<DB>,
  patientId: string,
  expectedVersion: number,
  changes: Record<string, unknown>,
  at: Date,
) =>
  db
    .updateTable("patient_identities")
    .set({ ...changes, updated_at: at, version: expectedVersion + 1 })
    .where("patient_id", "=", patientId)
    .where("version", "=", expectedVersion)
    .returningAll()
    .executeTakeFirst();

export interface PatientFilter {
  siteIds: string[];
  subjectCode?: string;
  after?: string;
  limit: number;
}

export function listPatients(db: Kysely<DB>, f: PatientFilter) {
  let q = db
    .selectFrom("patients")
    .innerJoin("sites", "sites.id", "patients.site_id")
    .selectAll("patients")
    .select("sites.code as site_code")
    .where("patients.site_id", "in", f.siteIds)
    .orderBy("patients.id")
    .limit(f.limit + 1);
  if (f.subjectCode) q = q.where("patients.subject_code", "=", f.subjectCode);
  if (f.after) q = q.where("patients.id", ">", f.after);
  return q.execute();
}
