/** Liveness: the database answers a cheap read (no login, no audit). */
import type { Kysely } from "kysely";
import { databaseAnswers } from "../store/health.ts";
import type { DB } from "../store/schema.ts";

export const checkDatabase = (db: Kysely<DB>): Promise<void> => databaseAnswers(db);
