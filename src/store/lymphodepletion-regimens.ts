/**
 * Lymphodepletion regimens: one per study and arm ("" for the study's default), versioned for
 * optimistic concurrency (services/lymphodepletion-plan.ts).
 */
import type { Kysely, Updateable } from "kysely";
import type { DB, Insertable } from "./schema.ts";

type Regimens = DB["lymphodepletion_regimens"];

export const findRegimen = (db: Kysely<DB>, studyId: string, armCode: string) =>
  db
    .selectFrom("lymphodepletion_regimens")
    .selectAll()
    .where("study_id", "=", studyId)
    .where("arm_code", "=", armCode)
    .executeTakeFirst();

/** The arm's own regimen and the study's default, whichever exist. */
export const regimensForArm = (db: Kysely<DB>, studyId: string, armCode: string) =>
  db
    .selectFrom("lymphodepletion_regimens")
    .selectAll()
    .where("study_id", "=", studyId)
    .where("arm_code", "in", ["", armCode])
    .execute();

export const listRegimens = (db: Kysely<DB>, studyId: string) =>
  db
    .selectFrom("lymphodepletion_regimens")
    .selectAll()
    .where("study_id", "=", studyId)
    .orderBy("arm_code")
    .execute();

export const insertRegimen = (db: Kysely<DB>, row: Insertable<Regimens>) =>
  db.insertInto("lymphodepletion_regimens").values(row).returningAll().executeTakeFirstOrThrow();

/** Replaces a regimen if it is still at `version`; undefined when someone else changed it first. */
export const replaceRegimen = (db: Kysely<DB>, id: string, version: number, values: Updateable<Regimens>) =>
  db
    .updateTable("lymphodepletion_regimens")
    .set({ ...values, version: version + 1 })
    .where("id", "=", id)
    .where("version", "=", version)
    .returningAll()
    .executeTakeFirst();
