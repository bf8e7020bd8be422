/**
 * What the vein-to-vein metrics read (services/journey-metrics.ts): every read is by site, never
 * by a list of journey or product ids, so a query's size does not grow with the registry (issue 15)
 * and stays under PGlite's 32,767 bound parameters.
 */
import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

/** The sites' journeys with the study each is enrolled in. */
export const journeysWithStudy = (db: Kysely<DB>, siteIds: string[]) =>
  db
    .selectFrom("journeys")
    .innerJoin("enrolments", "enrolments.id", "journeys.enrolment_id")
    .select(["journeys.id", "journeys.site_id", "enrolments.study_id"])
    .where("journeys.site_id", "in", siteIds)
    .execute();

/** Bookings not freed, with the product their slot makes, oldest first (the latest wins). */
export const liveBookingProducts = (db: Kysely<DB>, siteIds: string[]) =>
  db
    .selectFrom("manufacturing_slot_bookings as b")
    .innerJoin("manufacturing_slots as s", "s.id", "b.slot_id")
    .select(["b.journey_id", "s.car_product_id", "b.booked_at"])
    .where("b.site_id", "in", siteIds)
    .where("b.status", "<>", "freed")
    .orderBy("b.booked_at")
    .execute();

export const journeyEventsOfTypes = (db: Kysely<DB>, siteIds: string[], types: string[]) =>
  db
    .selectFrom("journey_events")
    .select(["journey_id", "event_type", "at"])
    .where("site_id", "in", siteIds)
    .where("event_type", "in", types)
    .execute();

export const productUnitsAtSites = (db: Kysely<DB>, siteIds: string[]) =>
  db
    .selectFrom("product_units")
    .select(["id", "journey_id", "site_id", "kind", "parent_id"])
    .where("site_id", "in", siteIds)
    .execute();

/** The sites' product events of the given types, in time order. */
export const productEventsOfTypes = (db: Kysely<DB>, siteIds: string[], types: string[]) =>
  db
    .selectFrom("product_events")
    .select(["product_id", "event_type", "at"])
    .where("site_id", "in", siteIds)
    .where("event_type", "in", types)
    .orderBy("at")
    .execute();
