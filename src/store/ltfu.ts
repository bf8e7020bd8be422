/**
 * Long-term follow-up reads, one page at a time (issue 15: the lists read every enrolment's visits
 * one query each, ~5,600 queries per request at 10,000 patients). The enrolments owed follow-up —
 * infused, at the sites, in a study with an integrating-vector product, participation not ended —
 * are chosen and ordered in SQL with a keyset; their LTFU visits come in one more query.
 */
import { type Kysely, sql } from "kysely";
import type { DB } from "./schema.ts";
import { uuidArray } from "./uuid-array.ts";
import type { VisitRow } from "./visits.ts";

export interface LtfuEnrolmentRow {
  id: string;
  patient_id: string;
  site_id: string;
  study_id: string;
  infusion_date: string;
  status: string;
  subject_code: string;
  journey_state: string | null;
  /** the infusion's anniversary in the year asked for (contacts only) */
  anniversary: string | null;
}

export interface LtfuScope {
  integratingVectors: readonly string[];
  endedJourneyStates: readonly string[];
  endedEnrolmentStatuses: readonly string[];
}

const inList = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`));

/**
 * A visit that collects LTFU items. Written as migration 0028's partial indexes are, so the
 * planner can read them (an index predicate is matched against the query's expression).
 */
const collectsLtfuItems = (visit: string) =>
  sql`jsonb_array_length(${sql.ref(`${visit}.expected`)} -> 'ltfuItems') > 0`;

/** Infused, integrating product, not ended: the enrolments long-term follow-up is owed for. */
const owed = (s: LtfuScope) => sql`
      e.infusion_date IS NOT NULL
  AND EXISTS (SELECT 1 FROM car_products cp
               WHERE cp.study_id = e.study_id AND cp.vector_type IN (${inList(s.integratingVectors)}))
  AND (j.state IS NULL OR j.state NOT IN (${inList(s.endedJourneyStates)}))
  AND e.status NOT IN (${inList(s.endedEnrolmentStatuses)})`;

/**
 * Enrolments whose infusion's anniversary falls in each site's `year` (years 1 to `maxYears`
 * after the infusion), ordered by (anniversary, subject code, id), after the keyset `after`.
 * `date + interval 'N years'` clamps 29 February as visit-schedule.ts's addMonths does.
 */
export async function ltfuContactEnrolments(
  db: Kysely<DB>,
  q: LtfuScope & {
    sites: { siteId: string; year: number }[];
    maxYears: number;
    after?: readonly [string, string, string];
    limit: number;
  },
): Promise<LtfuEnrolmentRow[]> {
  if (q.sites.length === 0) return [];
  const years = sql.join(q.sites.map((s) => sql`(${s.siteId}::uuid, ${s.year}::int)`));
  const anniversary = sql`(e.infusion_date + make_interval(years => y.year - extract(year FROM e.infusion_date)::int))::date`;
  const after = q.after
    ? sql`AND (${anniversary}, p.subject_code, e.id) > (${q.after[0]}::date, ${q.after[1]}::text, ${q.after[2]}::uuid)`
    : sql``;
  const res = await sql<LtfuEnrolmentRow>`
    SELECT e.id, e.patient_id, e.site_id, e.study_id, e.infusion_date, e.status, p.subject_code,
           j.state AS journey_state, ${anniversary}::text AS anniversary
      FROM enrolments e
      JOIN (VALUES ${years}) AS y(site_id, year) ON y.site_id = e.site_id
      JOIN patients p ON p.id = e.patient_id
      LEFT JOIN journeys j ON j.enrolment_id = e.id
     WHERE ${owed(q)}
       AND e.infusion_date >= make_date(y.year - ${q.maxYears}::int, 1, 1)
       AND e.infusion_date < make_date(y.year, 1, 1)
       ${after}
     ORDER BY 9, p.subject_code, e.id
     LIMIT ${q.limit}`.execute(db);
  return res.rows;
}

/**
 * Enrolments that may be lost to follow-up, by (subject code, id) after `after`: declared lost, or
 * with at least one LTFU visit whose window closed (on each site's `today`) without it being done.
 * A necessary condition only: the caller decides with assessLostToFollowUp on their contacts.
 */
export async function ltfuLostCandidates(
  db: Kysely<DB>,
  q: LtfuScope & {
    sites: { siteId: string; today: string }[];
    after?: readonly [string, string];
    limit: number;
  },
): Promise<LtfuEnrolmentRow[]> {
  if (q.sites.length === 0) return [];
  const todays = sql.join(q.sites.map((s) => sql`(${s.siteId}::uuid, ${s.today}::date)`));
  const siteIds = inList(q.sites.map((s) => s.siteId));
  const after = q.after
    ? sql`AND (p.subject_code, e.id) > (${q.after[0]}::text, ${q.after[1]}::uuid)`
    : sql``;
  // The candidates first, each along a partial index (migration 0028): few, whatever the size of
  // the registry. Joined the other way round, every enrolment of the site was read to test them.
  // In order: open LTFU visits whose window closed, missed LTFU visits, and enrolments declared
  // lost on the journey or the enrolment. (No SQL comments: tier M runs the statement on one line.)
  const res = await sql<LtfuEnrolmentRow>`
    WITH t(site_id, today) AS (VALUES ${todays}),
    candidates AS (
      SELECT v.enrolment_id AS id FROM visits v JOIN t ON t.site_id = v.site_id
       WHERE v.window_end < t.today
         AND v.done_on IS NULL AND v.missed_reason IS NULL AND v.closed_reason IS NULL
         AND ${collectsLtfuItems("v")}
      UNION
      SELECT v.enrolment_id FROM visits v
       WHERE v.site_id IN (${siteIds}) AND v.missed_reason IS NOT NULL
         AND ${collectsLtfuItems("v")}
      UNION
      SELECT j.enrolment_id FROM journeys j
       WHERE j.site_id IN (${siteIds}) AND j.state = 'lost-to-follow-up'
      UNION
      SELECT e.id FROM enrolments e
       WHERE e.site_id IN (${siteIds}) AND e.status = 'lost-to-follow-up')
    SELECT e.id, e.patient_id, e.site_id, e.study_id, e.infusion_date, e.status, p.subject_code,
           j.state AS journey_state, NULL::text AS anniversary
      FROM candidates c
      JOIN enrolments e ON e.id = c.id
      JOIN t ON t.site_id = e.site_id
      JOIN patients p ON p.id = e.patient_id
      LEFT JOIN journeys j ON j.enrolment_id = e.id
     WHERE ${owed(q)}
       ${after}
     ORDER BY p.subject_code, e.id
     LIMIT ${q.limit}`.execute(db);
  return res.rows;
}

/** What the LTFU contacts read of a visit (not its whole row: `expected` holds every item). */
export interface LtfuVisitRow {
  id: string;
  enrolment_id: string;
  code: string;
  nominal_date: string;
  window_start: string;
  window_end: string;
  ltfu_items: string[];
  done_on: string | null;
  missed_reason: string | null;
  closed_reason: string | null;
  ltfu_record: VisitRow["ltfu_record"];
}

/**
 * The LTFU visits (those collecting LTFU items) of the enrolments, in one query with the ids as
 * one array parameter, along visits_ltfu_enrolment_idx (migration 0028).
 */
export async function ltfuVisitsOf(
  db: Kysely<DB>,
  enrolmentIds: readonly string[],
  /** only visits whose window has started by this date */
  startedBy?: string,
): Promise<LtfuVisitRow[]> {
  if (enrolmentIds.length === 0) return [];
  const res = await sql<LtfuVisitRow>`
    SELECT id, enrolment_id, code, nominal_date, window_start, window_end,
           expected -> 'ltfuItems' AS ltfu_items, done_on, missed_reason, closed_reason, ltfu_record
      FROM visits
     WHERE enrolment_id = ANY(${uuidArray(enrolmentIds)})
       AND ${collectsLtfuItems("visits")}
       ${startedBy ? sql`AND window_start <= ${startedBy}` : sql``}
     ORDER BY enrolment_id, seq`.execute(db);
  return res.rows;
}

/** The CAR products of the studies with infused enrolments at the sites. */
export async function carProductsOfInfusedAt(db: Kysely<DB>, siteIds: readonly string[]) {
  if (siteIds.length === 0) return [];
  return db
    .selectFrom("car_products")
    .select(["study_id", "code", "vector_type"])
    .where("study_id", "in", (eb) =>
      eb
        .selectFrom("enrolments")
        .select("study_id")
        .where("site_id", "in", [...siteIds])
        .where("infusion_date", "is not", null),
    )
    .orderBy("code")
    .execute();
}
