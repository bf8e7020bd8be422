/** The health check's read: cheap, and it fails when the database does not answer. */
import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

export async function databaseAnswers(db: Kysely<DB>): Promise<void> {
  await db.selectFrom("installation").select("key").limit(1).execute();
}
