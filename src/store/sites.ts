import type { Kysely } from "kysely";
import type { DB, Insertable, SitesTable } from "./schema.ts";

export const insertSite = (db: Kysely<DB>, row: Insertable<SitesTable>) =>
  db.insertInto("sites").values(row).returningAll().executeTakeFirstOrThrow();

export const findSite = (db: Kysely<DB>, id: string) =>
  db.selectFrom("sites").selectAll().where("id", "=", id).executeTakeFirst();

export const findSiteByCode = (db: Kysely<DB>, code: string) =>
  db.selectFrom("sites").selectAll().where("code", "=", code).executeTakeFirst();

export const listSitesByIds = (db: Kysely<DB>, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db.selectFrom("sites").selectAll().where("id", "in", ids).orderBy("code").execute();

/** Issues the next subject-code number; the row lock serialises concurrent registrations at a site. */
export async function nextSubjectSequence(db: Kysely<DB>, siteId: string): Promise<number> {
  const row = await db
    .updateTable("sites")
    .set((eb) => ({ subject_seq: eb("subject_seq", "+", 1) }))
    .where("id", "=", siteId)
    .returning("subject_seq")
    .executeTakeFirstOrThrow();
  return row.subject_seq;
}

/** Every site, by code (the command line acts across sites for system tasks). */
export const listAllSites = (db: Kysely<DB>) => db.selectFrom("sites").selectAll().orderBy("code").execute();
