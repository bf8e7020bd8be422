/**
 * Per-site versions of held answers, kept by triggers (decision 0050, migration 0031's
 * held_answer_versions): a topic's version moves with every write its answer of that site reads.
 * Read as one string for a set of sites; a site nothing was written at yet has no row and reads
 * as 0.
 */
import { type Kysely, sql } from "kysely";
import type { DB } from "./schema.ts";
import { uuidArray } from "./uuid-array.ts";

/** The answers held this way; migration 0033's CHECK lists the same. */
export type HeldAnswerTopic = "vein-to-vein-metrics" | "visit-calendar" | "dashboard" | "ltfu" | "cohort";

export async function siteVersions(
  db: Kysely<DB>,
  topic: HeldAnswerTopic,
  siteIds: string[],
): Promise<string> {
  if (siteIds.length === 0) return "";
  const res = await sql<{ site_id: string; version: string }>`
    SELECT site_id, version::text AS version FROM held_answer_versions
     WHERE topic = ${topic} AND site_id = ANY(${uuidArray(siteIds)})`.execute(db);
  const of = new Map(res.rows.map((r) => [r.site_id, r.version]));
  return [...siteIds]
    .sort()
    .map((id) => `${id}:${of.get(id) ?? "0"}`)
    .join(",");
}
