/**
 * Read-only queries behind the program dashboard, one per panel, each scoped to one site, and the
 * vein-to-vein board's list of product units (which follows the same units when open-only).
 */
import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import { prepared } from "./prepared-statements.ts";
import type { DB } from "./schema.ts";
import { containing } from "./text-search.ts";

type UnitsOnJourneys = ExpressionBuilder<DB & { u: DB["product_units"]; j: DB["journeys"] }, "u" | "j">;

/**
 * A unit still on its way: its journey has not ended, and no unit was made from it (an apheresis
 * bag that became a final product is followed by that product, not "in manufacture" forever).
 */
const stillFollowed = (eb: UnitsOnJourneys, endedJourneyStates: readonly string[]) =>
  eb.and([
    eb("j.state", "not in", [...endedJourneyStates]),
    eb.not(
      eb.exists(eb.selectFrom("product_units as c").whereRef("c.parent_id", "=", "u.id").select("c.id")),
    ),
  ]);

/**
 * Journeys at the site by state: how many in each, and the first `named` patients of each by
 * subject code (the dashboard names a few; the count is what scales). One pass over the site's
 * journeys, ranked within each state: a query per state joined and sorted the state's journeys
 * again for each of the ~17 states (20 against 13 ms at 5,000 journeys, tier M).
 */
export async function journeyStagesOfSite(db: Kysely<DB>, siteId: string, named: number) {
  const res = await sql<{
    state: string;
    count: number;
    patients: { patientId: string; subjectCode: string }[];
  }>`
    WITH ranked AS (
      SELECT j.state, j.patient_id, p.subject_code,
             row_number() OVER (PARTITION BY j.state ORDER BY p.subject_code, j.patient_id) AS rank,
             count(*) OVER (PARTITION BY j.state) AS count
        FROM journeys j JOIN patients p ON p.id = j.patient_id
       WHERE j.site_id = ${siteId})
    SELECT state, max(count)::int AS count,
           json_agg(json_build_object('patientId', patient_id, 'subjectCode', subject_code)
                    ORDER BY subject_code, patient_id) FILTER (WHERE rank <= ${named}) AS patients
      FROM ranked GROUP BY state`.execute(db);
  return res.rows;
}

/**
 * Product units at the site in one of `states`, with when they entered that state: only the
 * newest unit of each chain (an apheresis bag that became a final product is followed by that
 * product) and only on journeys that are still going (not in one of `endedJourneyStates`).
 */
export const productsInStates = (
  db: Kysely<DB>,
  siteId: string,
  states: readonly string[],
  endedJourneyStates: readonly string[],
) =>
  db
    .selectFrom("product_units as u")
    .innerJoin("patients as p", "p.id", "u.patient_id")
    .innerJoin("journeys as j", "j.id", "u.journey_id")
    .where("u.site_id", "=", siteId)
    .where("u.state", "in", [...states])
    .where((eb) => stillFollowed(eb, endedJourneyStates))
    .select((eb) => [
      "u.id",
      "u.journey_id",
      "u.patient_id",
      "p.subject_code",
      "u.kind",
      "u.din",
      "u.state",
      "u.created_at",
      eb
        .selectFrom("product_events as e")
        .whereRef("e.product_id", "=", "u.id")
        .select((e) => e.fn.max("e.at").as("at"))
        .as("state_since"),
      // The vein-to-vein clock starts when the cells leave the patient: the first unit of the chain.
      eb
        .selectFrom("product_units as a")
        .whereRef("a.journey_id", "=", "u.journey_id")
        .where("a.kind", "=", "apheresis")
        .select((a) => a.fn.min("a.created_at").as("c"))
        .as("collected_at"),
    ])
    .orderBy("p.subject_code")
    .execute();

/**
 * The board's product units at the site, newest first, with subject code and journey state. With
 * `open`, only units still followed (see stillFollowed) and not in one of `finalStates`.
 */
export interface BoardFilter {
  /** only units still followed: not in a final state, not on an ended journey */
  open: { finalStates: readonly string[]; endedJourneyStates: readonly string[] } | null;
  state?: string;
  /** part of the subject code or the DIN, any case */
  find?: string;
  /** the last row of the previous page: (created_at, id) */
  after?: readonly [Date, string];
  limit: number;
}

/** A site's product units, newest first, one page (keyset on created_at, id: index 0018). */
export const productUnitsForBoard = (db: Kysely<DB>, siteId: string, f: BoardFilter) => {
  let q = db
    .selectFrom("product_units as u")
    .innerJoin("patients as p", "p.id", "u.patient_id")
    .innerJoin("journeys as j", "j.id", "u.journey_id")
    .selectAll("u")
    .select(["p.subject_code as subject_code", "j.state as journey_state"])
    .where("u.site_id", "=", siteId);
  const { open, state, find, after } = f;
  if (open)
    q = q
      .where("u.state", "not in", [...open.finalStates])
      .where((eb) => stillFollowed(eb, open.endedJourneyStates));
  if (state) q = q.where("u.state", "=", state);
  if (find) {
    const pattern = containing(find);
    q = q.where((eb) => eb.or([eb("p.subject_code", "ilike", pattern), eb("u.din", "ilike", pattern)]));
  }
  if (after) q = q.where((eb) => eb(eb.refTuple("u.created_at", "u.id"), "<", eb.tuple(after[0], after[1])));
  return q.orderBy("u.created_at", "desc").orderBy("u.id", "desc").limit(f.limit).execute();
};

export interface LatestGradingRow {
  id: string;
  patient_id: string;
  subject_code: string;
  calculator: string;
  label: string;
  /** the stored result's `value` (a grade for these calculators) */
  value: unknown;
  assessed_at: Date;
  study_day: number | null;
}

/**
 * Each patient's latest stored, final assessment by each of the given calculators at the site
 * since `since`, newest first. The latest per patient and calculator is picked here, not in Node:
 * the month's gradings at a registry's site are a few hundred wide rows (each result's whole
 * explanation) of which a few dozen are the latest, and only their `value` is sent. Prepared
 * (decision 0054): planning it cost about as much as running it. 0.65 against 3.5 ms for the
 * previous statement that sent every row (psql, prepared both, tier M, one site's 356 gradings).
 * Subject codes are looked up for the latest rows only, along patients' key: as a join, the
 * planner hashed every patient of the registry (migration 0032 says more). No `--` comments in
 * the text: the tier M bench hands it to pgbench on one line.
 */
export const latestGradingsSince = async (
  db: Kysely<DB>,
  siteId: string,
  calculators: readonly string[],
  since: Date,
): Promise<LatestGradingRow[]> =>
  (
    await prepared(sql<LatestGradingRow>`
      SELECT t.id, t.patient_id,
             (SELECT p.subject_code FROM patients p WHERE p.id = t.patient_id) AS subject_code,
             t.calculator, t.label, t.value, t.assessed_at, t.study_day
        FROM (SELECT DISTINCT ON (a.patient_id, a.calculator)
                     a.id, a.patient_id, a.calculator, a.label, a.result -> 'value' AS value,
                     a.assessed_at, a.study_day
                FROM assessments a
               WHERE a.site_id = ${siteId} AND a.calculator IN (${sql.join([...calculators])})
                 AND a.status = 'final' AND a.assessed_at >= ${since.toISOString()}::timestamptz
               ORDER BY a.patient_id, a.calculator, a.assessed_at DESC, a.id DESC) t
       ORDER BY t.assessed_at DESC, t.id`).execute(db)
  ).rows;

/** Enrolments at the site infused between two dates (inclusive), latest first. */
export const infusionsBetween = (db: Kysely<DB>, siteId: string, from: string, to: string) =>
  db
    .selectFrom("enrolments as e")
    .innerJoin("patients as p", "p.id", "e.patient_id")
    .where("e.site_id", "=", siteId)
    .where("e.infusion_date", ">=", from)
    .where("e.infusion_date", "<=", to)
    .select(["e.id", "e.patient_id", "p.subject_code", "e.infusion_date", "e.arm_code", "e.dose_level_code"])
    .orderBy("e.infusion_date", "desc")
    .execute();
