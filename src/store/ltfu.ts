/**
 * Long-term follow-up reads, one page at a time (issue 15: the lists read every enrolment's visits
 * one query each, ~5,600 queries per request at 10,000 patients). The enrolments owed follow-up —
 * infused, at the sites, in a study with an integrating-vector product, participation not ended —
 * are chosen and ordered in SQL with a keyset; their LTFU visits come in one more query.
 */
import { type Kysely, sql } from "kysely";
import type { DB } from "./schema.ts";
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
  const after = q.after
    ? sql`AND (p.subject_code, e.id) > (${q.after[0]}::text, ${q.after[1]}::uuid)`
    : sql``;
  const res = await sql<LtfuEnrolmentRow>`
    SELECT e.id, e.patient_id, e.site_id, e.study_id, e.infusion_date, e.status, p.subject_code,
           j.state AS journey_state, NULL::text AS anniversary
      FROM enrolments e
      JOIN (VALUES ${todays}) AS t(site_id, today) ON t.site_id = e.site_id
      JOIN patients p ON p.id = e.patient_id
      LEFT JOIN journeys j ON j.enrolment_id = e.id
     WHERE ${owed(q)}
       AND (j.state = 'lost-to-follow-up' OR e.status = 'lost-to-follow-up'
            OR e.id IN (
              -- open visits whose window closed (visits_open_site_window_idx) and missed ones
              -- (visits_missed_site_idx): both few, whatever the size of the registry
              SELECT v.enrolment_id FROM visits v
               WHERE v.site_id = t.site_id AND v.window_end < t.today
                 AND v.done_on IS NULL AND v.missed_reason IS NULL AND v.closed_reason IS NULL
                 AND jsonb_array_length(v.expected -> 'ltfuItems') > 0
              UNION ALL
              SELECT v.enrolment_id FROM visits v
               WHERE v.site_id = t.site_id AND v.missed_reason IS NOT NULL
                 AND jsonb_array_length(v.expected -> 'ltfuItems') > 0))
       ${after}
     ORDER BY p.subject_code, e.id
     LIMIT ${q.limit}`.execute(db);
  return res.rows;
}

/** The LTFU visits (those collecting LTFU items) of the enrolments, in one query. */
export async function ltfuVisitsOf(db: Kysely<DB>, enrolmentIds: readonly string[]): Promise<VisitRow[]> {
  if (enrolmentIds.length === 0) return [];
  return db
    .selectFrom("visits")
    .selectAll()
    .where("enrolment_id", "in", [...enrolmentIds])
    .where(sql<boolean>`jsonb_array_length(expected -> 'ltfuItems') > 0`)
    .orderBy("enrolment_id")
    .orderBy("seq")
    .execute();
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
