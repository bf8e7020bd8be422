/** Custody hand-offs and temperature-logger uploads with their readings (migration 0006); append-only. */
import type { Kysely } from "kysely";
import type { DB, Insertable } from "./schema.ts";
import type { CustodyHandoffsTable, LoggerUploadsTable, TemperatureReadingsTable } from "./schema-release.ts";

export const insertHandoff = (db: Kysely<DB>, row: Insertable<CustodyHandoffsTable>) =>
  db.insertInto("custody_handoffs").values(row).returningAll().executeTakeFirstOrThrow();

export const listHandoffs = (db: Kysely<DB>, productId: string) =>
  db
    .selectFrom("custody_handoffs")
    .selectAll()
    .where("product_id", "=", productId)
    .orderBy("at")
    .orderBy("id")
    .execute();

export const insertLoggerUpload = (db: Kysely<DB>, row: Insertable<LoggerUploadsTable>) =>
  db.insertInto("logger_uploads").values(row).returningAll().executeTakeFirstOrThrow();

export async function insertReadings(db: Kysely<DB>, rows: Insertable<TemperatureReadingsTable>[]) {
  // 5 columns a row: 2,000 rows stay far below Postgres' 65,535 bind parameters.
  for (let i = 0; i < rows.length; i += 2000)
    await db
      .insertInto("temperature_readings")
      .values(rows.slice(i, i + 2000))
      .execute();
}

export const listLoggerUploads = (db: Kysely<DB>, productId: string) =>
  db
    .selectFrom("logger_uploads")
    .selectAll()
    .where("product_id", "=", productId)
    .orderBy("last_at")
    .orderBy("id")
    .execute();
