/**
 * Manufacturing slots and their bookings. A place is taken or given back with one conditional
 * UPDATE on the slot row, so the check and the change are one statement: the row lock makes a
 * second booking for the last place wait and then find `booked < capacity` false.
 */
import type { Kysely } from "kysely";
import type { DB, Insertable } from "./schema.ts";
import type { ManufacturingSlotBookingsTable, ManufacturingSlotsTable } from "./schema-scheduling.ts";

export const insertSlot = (db: Kysely<DB>, row: Insertable<ManufacturingSlotsTable>) =>
  db.insertInto("manufacturing_slots").values(row).returningAll().executeTakeFirstOrThrow();

export const findSlot = (db: Kysely<DB>, id: string) =>
  db.selectFrom("manufacturing_slots").selectAll().where("id", "=", id).executeTakeFirst();

export function listSlots(
  db: Kysely<DB>,
  f: { carProductIds: string[]; from?: string; to?: string; onlyFree?: boolean },
) {
  if (f.carProductIds.length === 0) return Promise.resolve([]);
  let q = db
    .selectFrom("manufacturing_slots")
    .selectAll()
    .where("car_product_id", "in", f.carProductIds)
    .orderBy("starts_on")
    .orderBy("id");
  if (f.from) q = q.where("starts_on", ">=", f.from);
  if (f.to) q = q.where("starts_on", "<=", f.to);
  if (f.onlyFree) q = q.whereRef("booked", "<", "capacity");
  return q.execute();
}

/** Takes one place; undefined when the slot is full (or gone). */
export const takePlace = (db: Kysely<DB>, slotId: string, at: Date) =>
  db
    .updateTable("manufacturing_slots")
    .set((eb) => ({ booked: eb("booked", "+", 1), updated_at: at }))
    .where("id", "=", slotId)
    .whereRef("booked", "<", "capacity")
    .returningAll()
    .executeTakeFirst();

export const givePlaceBack = (db: Kysely<DB>, slotId: string, at: Date) =>
  db
    .updateTable("manufacturing_slots")
    .set((eb) => ({ booked: eb("booked", "-", 1), updated_at: at }))
    .where("id", "=", slotId)
    .where("booked", ">", 0)
    .returningAll()
    .executeTakeFirst();

export const insertBooking = (db: Kysely<DB>, row: Insertable<ManufacturingSlotBookingsTable>) =>
  db.insertInto("manufacturing_slot_bookings").values(row).returningAll().executeTakeFirstOrThrow();

/** The journey's booking that still waits for apheresis, if any. */
export const openBooking = (db: Kysely<DB>, journeyId: string) =>
  db
    .selectFrom("manufacturing_slot_bookings")
    .selectAll()
    .where("journey_id", "=", journeyId)
    .where("status", "=", "booked")
    .executeTakeFirst();

export const journeyBookings = (db: Kysely<DB>, journeyId: string) =>
  db
    .selectFrom("manufacturing_slot_bookings")
    .selectAll()
    .where("journey_id", "=", journeyId)
    .orderBy("booked_at")
    .orderBy("id")
    .execute();

export const markBookingUsed = (db: Kysely<DB>, id: string) =>
  db
    .updateTable("manufacturing_slot_bookings")
    .set({ status: "used" })
    .where("id", "=", id)
    .where("status", "=", "booked")
    .returningAll()
    .executeTakeFirst();

export const markBookingFreed = (db: Kysely<DB>, id: string, by: string, at: Date, reason: string) =>
  db
    .updateTable("manufacturing_slot_bookings")
    .set({ status: "freed", freed_at: at, freed_by: by, freed_reason: reason })
    .where("id", "=", id)
    .where("status", "=", "booked")
    .returningAll()
    .executeTakeFirst();

export const moveBookingDate = (db: Kysely<DB>, id: string, apheresisDate: string) =>
  db
    .updateTable("manufacturing_slot_bookings")
    .set({ apheresis_date: apheresisDate })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();

/** CAR products of a study, for matching slots to an enrolment. */
export const studyProductIds = async (db: Kysely<DB>, studyId: string) =>
  (await db.selectFrom("car_products").select("id").where("study_id", "=", studyId).execute()).map(
    (r) => r.id,
  );

/** The CAR product a slot makes (name and code). */
export const productOfSlot = (db: Kysely<DB>, slotId: string) =>
  db
    .selectFrom("manufacturing_slots")
    .innerJoin("car_products", "car_products.id", "manufacturing_slots.car_product_id")
    .select(["car_products.name", "car_products.code"])
    .where("manufacturing_slots.id", "=", slotId)
    .executeTakeFirst();

/** The slot a facility already has for a product on a day, if any. */
export const findSlotOn = (db: Kysely<DB>, carProductId: string, facility: string, startsOn: string) =>
  db
    .selectFrom("manufacturing_slots")
    .select("id")
    .where("car_product_id", "=", carProductId)
    .where("facility", "=", facility)
    .where("starts_on", "=", startsOn)
    .executeTakeFirst();
