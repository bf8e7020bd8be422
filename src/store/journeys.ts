import type { Kysely } from "kysely";
import type { DB, Insertable } from "./schema.ts";
import type { JourneyEventsTable, JourneysTable } from "./schema-journey.ts";

export const insertJourney = (db: Kysely<DB>, row: Insertable<JourneysTable>) =>
  db.insertInto("journeys").values(row).returningAll().executeTakeFirstOrThrow();

export const findJourney = (db: Kysely<DB>, id: string) =>
  db.selectFrom("journeys").selectAll().where("id", "=", id).executeTakeFirst();

export const findJourneyByEnrolment = (db: Kysely<DB>, enrolmentId: string) =>
  db.selectFrom("journeys").selectAll().where("enrolment_id", "=", enrolmentId).executeTakeFirst();

/** Undefined when the version moved on since it was read (optimistic lock in the WHERE clause). */
export const updateJourneyState = (
  db: Kysely<DB>,
  id: string,
  expectedVersion: number,
  state: string,
  at: Date,
) =>
  db
    .updateTable("journeys")
    .set({ state, updated_at: at, version: expectedVersion + 1 })
    .where("id", "=", id)
    .where("version", "=", expectedVersion)
    .returningAll()
    .executeTakeFirst();

export const insertJourneyEvent = (db: Kysely<DB>, row: Insertable<JourneyEventsTable>) =>
  db.insertInto("journey_events").values(row).returningAll().executeTakeFirstOrThrow();

export const listJourneyEvents = (db: Kysely<DB>, journeyId: string) =>
  db
    .selectFrom("journey_events")
    .selectAll()
    .where("journey_id", "=", journeyId)
    .orderBy("at")
    .orderBy("id")
    .execute();

/** A site's journeys with each patient's subject code, by subject code; optionally in one state. */
export function journeysAtSite(db: Kysely<DB>, siteId: string, state?: string) {
  let q = db
    .selectFrom("journeys")
    .innerJoin("patients", "patients.id", "journeys.patient_id")
    .select([
      "journeys.id",
      "journeys.enrolment_id",
      "journeys.state",
      "journeys.updated_at",
      "patients.subject_code",
    ])
    .where("journeys.site_id", "=", siteId)
    .orderBy("patients.subject_code")
    .orderBy("journeys.id");
  if (state) q = q.where("journeys.state", "=", state);
  return q.execute();
}
