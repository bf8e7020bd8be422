/** Saved cohort definitions (migration 0019): name, canonical query, who saved it. */
import type { Insertable, Kysely } from "kysely";
import type { DB } from "./schema.ts";
import type { SavedCohortsTable } from "./schema-cohorts.ts";

export const insertSavedCohort = (db: Kysely<DB>, row: Insertable<SavedCohortsTable>) =>
  db.insertInto("saved_cohorts").values(row).execute();

/** Every saved cohort with its author's username, by name. */
export const listSavedCohorts = (db: Kysely<DB>) =>
  db
    .selectFrom("saved_cohorts")
    .innerJoin("users", "users.id", "saved_cohorts.created_by")
    .select([
      "saved_cohorts.id",
      "saved_cohorts.name",
      "saved_cohorts.query",
      "saved_cohorts.created_at",
      "saved_cohorts.created_by",
      "users.username as created_by_name",
    ])
    .orderBy("saved_cohorts.name")
    .execute();

export const findSavedCohortByName = (db: Kysely<DB>, name: string) =>
  db
    .selectFrom("saved_cohorts")
    .select("id")
    .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()))
    .executeTakeFirst();

export const findSavedCohort = (db: Kysely<DB>, id: string) =>
  db.selectFrom("saved_cohorts").selectAll().where("id", "=", id).executeTakeFirst();

export const deleteSavedCohort = (db: Kysely<DB>, id: string) =>
  db.deleteFrom("saved_cohorts").where("id", "=", id).execute();
