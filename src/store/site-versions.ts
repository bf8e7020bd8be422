/**
 * Per-site versions of held answers, kept by triggers (decision 0050): a topic's version moves with
 * every write its answer of that site reads. The clinic's writes (gradings since migration 0035,
 * visits, journeys, enrolments and products since 0036) bump by inserting rows of
 * held_answer_bumps, so writers at one site never wait for each other; the rare administrative
 * writes that touch every site (a site renamed, a CAR product) update held_answer_versions (0031).
 * The version is that row's plus the sum of the bumps, read as one string for a set of sites; a
 * site nothing was written at yet reads as 0+0.
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import { prepared } from "./prepared-statements.ts";
import { readUntilWrite } from "./reads-until-write.ts";
import type { DB } from "./schema.ts";
import { uuidArray } from "./uuid-array.ts";

/** The answers held this way; migration 0033's CHECK lists the same. */
export type HeldAnswerTopic =
  | "vein-to-vein-metrics"
  | "visit-calendar"
  | "dashboard"
  | "ltfu"
  | "cohort"
  // bumped only by rows of held_answer_bumps, so not in 0033's CHECK: gradings (migration 0035),
  // observations (0038)
  | "toxicities"
  | "observations";

/**
 * The sites' `topic` versions as one string, "site:version" by site id, written once in SQL so a
 * statement that must read them in its own snapshot (store/cohort.ts's cohortChanges) reads the
 * same string `siteVersions` does.
 *
 * The bumps are summed in one join, not a subquery per site: read as a prepared statement, its
 * plan with the parameters left open (PostgreSQL's generic plan) then costs no more than one made
 * for the values at hand, so the plan cache keeps it and the read is planned once per connection.
 * With a subquery per site the generic plan, priced for ten sites, looked dearer, and every read
 * was planned anew: 7,000 against 18,000–19,000 reads/s under pgbench with the ids as parameters.
 */
export const siteVersionsExpression = (
  topic: HeldAnswerTopic,
  siteIds: readonly string[],
): RawBuilder<string> =>
  sql<string>`(SELECT coalesce(string_agg(s.id::text || ':' || coalesce(v.version, 0)::text || '+' ||
       coalesce(b.bumps, 0)::text, ',' ORDER BY s.id), '')
     FROM unnest(${uuidArray(siteIds)}) AS s(id)
     LEFT JOIN held_answer_versions v ON v.topic = ${topic} AND v.site_id = s.id
     LEFT JOIN (SELECT f.site_id, sum(f.bumps) AS bumps FROM held_answer_bumps f
                 WHERE f.topic = ${topic} AND f.site_id = ANY(${uuidArray(siteIds)})
                 GROUP BY f.site_id) b ON b.site_id = s.id)`;

export async function siteVersions(
  db: Kysely<DB>,
  topic: HeldAnswerTopic,
  siteIds: string[],
): Promise<string> {
  if (siteIds.length === 0) return "";
  const version = siteVersionsExpression(topic, siteIds);
  return readUntilWrite(
    db,
    `siteVersions\u0000${topic}\u0000${siteIds.join(",")}`,
    async () =>
      (await prepared(sql<{ version: string }>`SELECT ${version} AS version`).execute(db)).rows[0]!.version,
  );
}

/** What a held answer's key takes from its sites: the zone decides each site's today. */
export interface KeyedSite {
  id: string;
  code: string;
  name: string;
  time_zone: string;
}

/**
 * The topics' versions (in `topics`' order) and the sites themselves (by code, as
 * listSitesByIds), in one statement: every request to a held route reads both, and under load a
 * round trip is what it waits on (decision 0057's addendum). A change to a site's code, name or
 * zone moves every topic's version (migration 0031), so the two are read in one snapshot and agree.
 */
export async function siteVersionsAndSites(
  db: Kysely<DB>,
  topics: readonly HeldAnswerTopic[],
  siteIds: readonly string[],
): Promise<{ readonly versions: readonly string[]; readonly sites: readonly KeyedSite[] }> {
  if (siteIds.length === 0) return { versions: topics.map(() => ""), sites: [] };
  // Kept until the next write on PGlite (store/reads-until-write.ts): frozen, as every caller
  // that asks until then is given the same result.
  return readUntilWrite(
    db,
    `siteVersionsAndSites\u0000${topics.join(",")}\u0000${siteIds.join(",")}`,
    async () => {
      const columns = topics.map((t, i) => sql`${siteVersionsExpression(t, siteIds)} AS ${sql.ref(`v${i}`)}`);
      const row = (
        await prepared(
          sql<Record<string, string> & { sites: KeyedSite[] }>`SELECT ${sql.join(columns)},
        coalesce((SELECT json_agg(json_build_object('id', s.id, 'code', s.code, 'name', s.name,
                                                    'time_zone', s.time_zone) ORDER BY s.code)
                    FROM sites s WHERE s.id = ANY(${uuidArray(siteIds)})), '[]'::json) AS sites`,
        ).execute(db)
      ).rows[0]!;
      return Object.freeze({
        versions: Object.freeze(topics.map((_, i) => row[`v${i}`]!)),
        sites: Object.freeze(row.sites.map((site) => Object.freeze(site))),
      });
    },
  );
}
