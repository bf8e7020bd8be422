/**
 * Protocol visits: bulk insert on generation, reads per patient/enrolment, the worklist query, and
 * the optimistic-locked update (visits are not in versioned.ts's table list, so the version check
 * in the WHERE clause lives here).
 */
import { type Kysely, sql } from "kysely";
import type { DB, Insertable, Selectable } from "./schema.ts";
import type { VisitsTable } from "./schema-visits.ts";
import { containing } from "./text-search.ts";

export type VisitRow = Selectable<VisitsTable>;

export const insertVisits = (db: Kysely<DB>, rows: Insertable<VisitsTable>[]) =>
  rows.length === 0 ? Promise.resolve([]) : db.insertInto("visits").values(rows).returningAll().execute();

export const findVisit = (db: Kysely<DB>, id: string) =>
  db.selectFrom("visits").selectAll().where("id", "=", id).executeTakeFirst();

export const visitsOfEnrolment = (db: Kysely<DB>, enrolmentId: string) =>
  db.selectFrom("visits").selectAll().where("enrolment_id", "=", enrolmentId).orderBy("seq").execute();

/** A patient's visits with their subject code and infusion date, in date order. */
export const visitsOfPatient = (db: Kysely<DB>, patientId: string) =>
  db
    .selectFrom("visits")
    .innerJoin("patients", "patients.id", "visits.patient_id")
    .innerJoin("enrolments", "enrolments.id", "visits.enrolment_id")
    .selectAll("visits")
    .select(["patients.subject_code", "enrolments.infusion_date"])
    .where("visits.patient_id", "=", patientId)
    .orderBy("visits.nominal_date")
    .orderBy("visits.seq")
    .execute();

export async function updateVisitVersioned(
  db: Kysely<DB>,
  id: string,
  expectedVersion: number,
  changes: Partial<Pick<VisitRow, "done_on" | "missed_reason">> & Record<string, unknown>,
  at: Date,
): Promise<VisitRow | undefined> {
  return db
    .updateTable("visits")
    .set({ ...changes, updated_at: at, version: expectedVersion + 1 })
    .where("id", "=", id)
    .where("version", "=", expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Closes the open visits of an enrolment with the reason and the site-local date (the journey
 * ended); returns the visits closed, with their version bumped so a PATCH prepared against the
 * open visit fails instead of landing on a closed one.
 */
export const closeOpenVisitsOfEnrolment = (
  db: Kysely<DB>,
  enrolmentId: string,
  closure: { on: string; reason: string },
  at: Date,
) =>
  db
    .updateTable("visits")
    .set((eb) => ({
      closed_on: closure.on,
      closed_reason: closure.reason,
      updated_at: at,
      version: eb("version", "+", 1),
    }))
    .where("enrolment_id", "=", enrolmentId)
    .where("done_on", "is", null)
    .where("missed_reason", "is", null)
    .where("closed_reason", "is", null)
    .returning(["id", "code"])
    .execute();

export const deleteVisits = (db: Kysely<DB>, ids: string[]) =>
  ids.length === 0 ? Promise.resolve() : db.deleteFrom("visits").where("id", "in", ids).execute();

/**
 * Per site: the open visits whose window overlaps [from, to] ("due") and those whose window
 * closed before `overdueBefore` ("overdue"). One query over visits_open_site_window_idx.
 */
export interface WorklistSiteFilter {
  siteId: string;
  from: string;
  to: string;
  overdueBefore: string;
  due: boolean;
  overdue: boolean;
}

/** The worklist's sort key of a row: window end, subject code, visit number, id. */
export type WorklistKey = readonly [windowEnd: string, subjectCode: string, seq: number, id: string];

/**
 * Open visits due or overdue at the given sites, by window end (most overdue first), a page at a
 * time: `limit + 1` rows after `after`, so the caller knows whether another page follows.
 */
export function openVisitsForWorklist(
  db: Kysely<DB>,
  filters: WorklistSiteFilter[],
  page: { limit: number; after?: WorklistKey; subjectCode?: string },
) {
  const { after, subjectCode } = page;
  return db
    .selectFrom("visits")
    .innerJoin("patients", "patients.id", "visits.patient_id")
    .innerJoin("enrolments", "enrolments.id", "visits.enrolment_id")
    .selectAll("visits")
    .select(["patients.subject_code", "enrolments.infusion_date"])
    .where("visits.done_on", "is", null)
    .where("visits.missed_reason", "is", null)
    .where("visits.closed_reason", "is", null)
    .where((eb) =>
      eb.or(
        filters.map((f) =>
          eb.and([
            eb("visits.site_id", "=", f.siteId),
            eb.or([
              ...(f.due
                ? [eb.and([eb("visits.window_start", "<=", f.to), eb("visits.window_end", ">=", f.from)])]
                : []),
              ...(f.overdue ? [eb("visits.window_end", "<", f.overdueBefore)] : []),
            ]),
          ]),
        ),
      ),
    )
    .$if(subjectCode !== undefined, (q) =>
      q.where("patients.subject_code", "ilike", containing(subjectCode!)),
    )
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb(
          eb.refTuple("visits.window_end", "patients.subject_code", "visits.seq", "visits.id"),
          ">",
          eb.tuple(after![0], after![1], after![2], after![3]),
        ),
      ),
    )
    .orderBy("visits.window_end")
    .orderBy("patients.subject_code")
    .orderBy("visits.seq")
    .orderBy("visits.id")
    .limit(page.limit + 1)
    .execute();
}

/**
 * Open visits of a site whose window overlaps [from, to], for its calendar feed: bounded by the
 * period (visits_open_site_window_idx), not by the registry's years of follow-up.
 */
export const openVisitsOfSite = (db: Kysely<DB>, siteId: string, period: { from: string; to: string }) =>
  db
    .selectFrom("visits")
    .innerJoin("patients", "patients.id", "visits.patient_id")
    .select([
      "visits.id",
      "visits.code",
      "visits.label",
      "visits.nominal_date",
      "visits.nominal_day",
      "visits.window_start",
      "visits.window_end",
      "visits.updated_at",
      "patients.subject_code",
    ])
    .where("visits.site_id", "=", siteId)
    .where("visits.done_on", "is", null)
    .where("visits.missed_reason", "is", null)
    .where("visits.closed_reason", "is", null)
    .where("visits.window_end", ">=", period.from)
    .where("visits.window_start", "<=", period.to)
    .orderBy("visits.window_start")
    .orderBy("patients.subject_code")
    .execute();

/**
 * How many open visits of one site are due in [from, to] and overdue (window closed before `from`).
 * Two counts, each along its own index (migration 0028): overdue along window_end, due along
 * window_start — one scan for both would read every open visit of the years ahead.
 */
export async function countOpenVisits(db: Kysely<DB>, f: { siteId: string; from: string; to: string }) {
  const open = sql`site_id = ${f.siteId} AND done_on IS NULL AND missed_reason IS NULL AND closed_reason IS NULL`;
  const res = await sql<{ overdue: string; due: string }>`
    SELECT (SELECT count(*) FROM visits WHERE ${open} AND window_end < ${f.from}) AS overdue,
           (SELECT count(*) FROM visits
             WHERE ${open} AND window_start <= ${f.to} AND window_end >= ${f.from}) AS due`.execute(db);
  const row = res.rows[0]!;
  return { due: Number(row.due), overdue: Number(row.overdue) };
}
