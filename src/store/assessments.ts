import type { Kysely } from "kysely";
import type { AssessmentsTable, DB, Insertable } from "./schema.ts";

export const insertAssessment = (db: Kysely<DB>, row: Insertable<AssessmentsTable>) =>
  db.insertInto("assessments").values(row).returningAll().executeTakeFirstOrThrow();

export function listAssessments(
  db: Kysely<DB>,
  f: { patientId: string; calculator?: string; after?: [string, string]; limit: number },
) {
  let q = db
    .selectFrom("assessments")
    .selectAll()
    .where("patient_id", "=", f.patientId)
    .where("status", "<>", "entered-in-error")
    .orderBy("assessed_at")
    .orderBy("id")
    .limit(f.limit + 1);
  if (f.calculator) q = q.where("calculator", "=", f.calculator);
  if (f.after) {
    const t = new Date(f.after[0]);
    const id = f.after[1];
    q = q.where((eb) =>
      eb.or([eb("assessed_at", ">", t), eb.and([eb("assessed_at", "=", t), eb("id", ">", id)])]),
    );
  }
  return q.execute();
}
