/**
 * Per-site versions kept by triggers (migrations 0027 and 0029, decision 0050): each moves with
 * every write a held answer of that site reads. Read as one string for a set of sites; a site
 * nothing was written at yet has no row and reads as 0.
 */
import { type Kysely, sql } from "kysely";
import type { DB } from "./schema.ts";

export type SiteVersionTable = "vein_to_vein_metrics_versions" | "visit_calendar_versions";

export async function siteVersions(
  db: Kysely<DB>,
  table: SiteVersionTable,
  siteIds: string[],
): Promise<string> {
  if (siteIds.length === 0) return "";
  const res = await sql<{ site_id: string; version: string }>`
    SELECT site_id, version::text AS version FROM ${sql.table(table)}
     WHERE site_id IN (${sql.join(siteIds.map((id) => sql`${id}::uuid`))})`.execute(db);
  const of = new Map(res.rows.map((r) => [r.site_id, r.version]));
  return [...siteIds]
    .sort()
    .map((id) => `${id}:${of.get(id) ?? "0"}`)
    .join(",");
}
