import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { DB, Insertable } from "./schema.ts";
import type { BedsideAttemptsTable, ProductEventsTable, ProductUnitsTable } from "./schema-journey.ts";

export const insertProductUnit = (db: Kysely<DB>, row: Insertable<ProductUnitsTable>) =>
  db.insertInto("product_units").values(row).returningAll().executeTakeFirstOrThrow();

export const findProductUnit = (db: Kysely<DB>, id: string) =>
  db.selectFrom("product_units").selectAll().where("id", "=", id).executeTakeFirst();

export const listJourneyProducts = (db: Kysely<DB>, journeyId: string) =>
  db
    .selectFrom("product_units")
    .selectAll()
    .where("journey_id", "=", journeyId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();

export const updateProductUnit = (
  db: Kysely<DB>,
  id: string,
  expectedVersion: number,
  changes: {
    state: string;
    quarantined_from?: string | null;
    oos_exception?: string | null;
    thawed_at?: Date | null;
  },
  at: Date,
) =>
  db
    .updateTable("product_units")
    .set({ ...changes, updated_at: at, version: expectedVersion + 1 })
    .where("id", "=", id)
    .where("version", "=", expectedVersion)
    .returningAll()
    .executeTakeFirst();

export const insertProductEvent = (db: Kysely<DB>, row: Insertable<ProductEventsTable>) =>
  db.insertInto("product_events").values(row).returningAll().executeTakeFirstOrThrow();

export const listProductEvents = (db: Kysely<DB>, productId: string) =>
  db
    .selectFrom("product_events")
    .selectAll()
    .where("product_id", "=", productId)
    .orderBy("at")
    .orderBy("id")
    .execute();

export const findSiteFin = async (db: Kysely<DB>, siteId: string) =>
  (await db.selectFrom("site_facilities").select("fin").where("site_id", "=", siteId).executeTakeFirst())
    ?.fin;

/**
 * Next number of a (FIN, year, kind) sequence. The upsert takes the row lock, so concurrent
 * allocations serialise and each gets its own number.
 */
export async function nextIsbtSequence(
  db: Kysely<DB>,
  fin: string,
  year: number,
  kind: "din" | "coi",
): Promise<number> {
  const row = await db
    .insertInto("isbt_counters")
    .values({ fin, year, kind, last_value: 1 })
    .onConflict((oc) =>
      oc.columns(["fin", "year", "kind"]).doUpdateSet({ last_value: sql`isbt_counters.last_value + 1` }),
    )
    .returning("last_value")
    .executeTakeFirstOrThrow();
  return row.last_value;
}

export const insertBedsideAttempt = (db: Kysely<DB>, row: Insertable<BedsideAttemptsTable>) =>
  db.insertInto("bedside_attempts").values(row).returningAll().executeTakeFirstOrThrow();

/** The latest passed verification of this product since `since` (its thaw), if any. */
export const latestPassedAttempt = (db: Kysely<DB>, productId: string, since: Date | null) => {
  let q = db
    .selectFrom("bedside_attempts")
    .selectAll()
    .where("product_id", "=", productId)
    .where("passed", "=", true)
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(1);
  if (since) q = q.where("at", ">=", since);
  return q.executeTakeFirst();
};

/** The first apheresis collection of each chain of identity (a re-collection keeps the CoI). */
export async function collectionDates(db: Kysely<DB>, coiIds: string[]): Promise<Map<string, Date>> {
  if (coiIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("product_units")
    .select(["coi_id", (eb) => eb.fn.min("created_at").as("first")])
    .where("kind", "=", "apheresis")
    .where("coi_id", "in", coiIds)
    .groupBy("coi_id")
    .execute();
  return new Map(rows.map((r) => [r.coi_id, new Date(r.first as unknown as string | Date)]));
}

/** When each product was administered (its event to the state "administered"). */
export async function administrationDates(db: Kysely<DB>, productIds: string[]): Promise<Map<string, Date>> {
  if (productIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("product_events")
    .select(["product_id", "at"])
    .where("product_id", "in", productIds)
    .where("to_state", "=", "administered")
    .execute();
  return new Map(rows.map((r) => [r.product_id, r.at]));
}
