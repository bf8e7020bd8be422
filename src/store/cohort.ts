/**
 * The reads behind cohort results: who was infused (with the filters of a cohort definition
 * applied in SQL), and, for those patients at once, the records their outcomes are derived from.
 * A few statements per cohort, whatever its size, instead of a round of per-patient reads.
 * Records are cut at each site's data-cut instant (`until`); entered-in-error records never count.
 */

import { type Kysely, type RawBuilder, sql } from "kysely";
import { INFECTIONS_SOC } from "../domain/adverse-events.ts";
import type { DB } from "./schema.ts";
import { siteVersionsExpression } from "./site-versions.ts";
import { uuidArray } from "./uuid-array.ts";

export interface CohortMemberFilter {
  siteIds: string[];
  siteCodes?: string[];
  studyIds?: string[];
  armCodes?: string[];
  doseLevelCodes?: string[];
  targets?: string[];
  formats?: string[];
  infusedFrom?: string;
  infusedTo?: string;
}

export interface CohortMemberRow {
  patient_id: string;
  subject_code: string;
  site_id: string;
  site_code: string;
  time_zone: string;
  study_id: string;
  study_name: string;
  arm_code: string;
  dose_level_code: string | null;
  infusion_date: string;
}

const list = (values: readonly string[]): RawBuilder<unknown> => sql.join(values.map((v) => sql`${v}`));

/**
 * Each infused patient once, with the enrolment of the first infusion, filtered as asked. The
 * product filters keep enrolments whose study has a product matching them.
 */
export async function cohortMembers(db: Kysely<DB>, f: CohortMemberFilter): Promise<CohortMemberRow[]> {
  if (f.siteIds.length === 0) return [];
  const res = await sql<CohortMemberRow>`${membersQuery(f)} ORDER BY infusion_date, subject_code`.execute(db);
  return res.rows;
}

/** The members' SELECT, unordered (cohortMembers orders it). */
function membersQuery(f: CohortMemberFilter): RawBuilder<unknown> {
  const product =
    f.targets || f.formats
      ? sql`AND EXISTS (SELECT 1 FROM car_products cp WHERE cp.study_id = e.study_id
              ${f.targets ? sql`AND cp.targets && ARRAY[${list(f.targets)}]::text[]` : sql``}
              ${f.formats ? sql`AND cp.format IN (${list(f.formats)})` : sql``})`
      : sql``;
  return sql`
    SELECT * FROM (
      SELECT DISTINCT ON (e.patient_id)
             e.patient_id, p.subject_code, p.site_id, s.code AS site_code, s.time_zone,
             e.study_id, st.short_name AS study_name, e.arm_code, e.dose_level_code,
             e.infusion_date::text AS infusion_date
        FROM enrolments e
        JOIN patients p ON p.id = e.patient_id
        JOIN sites s ON s.id = p.site_id
        JOIN studies st ON st.id = e.study_id
       WHERE e.infusion_date IS NOT NULL
         AND p.site_id IN (${list(f.siteIds)})
         ${f.siteCodes ? sql`AND s.code IN (${list(f.siteCodes)})` : sql``}
         ${f.studyIds ? sql`AND e.study_id IN (${list(f.studyIds)})` : sql``}
         ${f.armCodes ? sql`AND e.arm_code IN (${list(f.armCodes)})` : sql``}
         ${f.doseLevelCodes ? sql`AND e.dose_level_code IN (${list(f.doseLevelCodes)})` : sql``}
         ${product}
       ORDER BY e.patient_id, e.infusion_date, e.id
    ) first_infusion
    WHERE TRUE
      ${f.infusedFrom ? sql`AND infusion_date >= ${f.infusedFrom}` : sql``}
      ${f.infusedTo ? sql`AND infusion_date <= ${f.infusedTo}` : sql``}`;
}

export interface CohortChanges {
  /** the snapshot this statement read under (pg_snapshot as text): pass it back as `since` */
  snapshot: string;
  /**
   * the sites' `cohort` version (migration 0033): moved by any write to what a report reads
   * beside the facts — enrolments, a patient's site or subject code, a site's code or zone, a
   * study's name, the studies' products
   */
  membersVersion: string;
  /** the sites' time zones (each site's data cut is a date in its zone) */
  zones: { siteId: string; timeZone: string }[];
  /**
   * the patients whose facts' version moved in a transaction `since` does not see as committed
   * (any patient, of any site; null without `since`)
   */
  changed: string[] | null;
}

/**
 * One statement, one snapshot, however large the registry: what a cohort report of these sites
 * would read differently from one that read its facts after `since` (decision 0055). Rows whose
 * changed_xid is below since's xmin are all visible to it, so only the index range above is read.
 */
export async function cohortChanges(
  db: Kysely<DB>,
  siteIds: string[],
  since: string | null,
): Promise<CohortChanges> {
  const ids = uuidArray(siteIds);
  const changed =
    since === null
      ? sql`NULL::json`
      : sql`(SELECT coalesce(json_agg(patient_id), '[]'::json) FROM cohort_patient_facts
              WHERE changed_xid >= pg_snapshot_xmin(${since}::pg_snapshot)
                AND NOT pg_visible_in_snapshot(changed_xid, ${since}::pg_snapshot))`;
  const res = await sql<Omit<CohortChanges, "changed"> & { changed: string[] | null }>`
    SELECT pg_current_snapshot()::text AS snapshot,
      ${siteVersionsExpression("cohort", siteIds)} AS "membersVersion",
      (SELECT coalesce(json_agg(json_build_object('siteId', id, 'timeZone', time_zone) ORDER BY id), '[]'::json)
         FROM sites WHERE id = ANY(${ids})) AS zones,
      ${changed} AS changed`.execute(db);
  return res.rows[0]!;
}

export interface StudyProductRow {
  study_id: string;
  code: string;
  targets: string[];
  format: string;
}

export const productsOfStudies = (db: Kysely<DB>, studyIds: string[]): Promise<StudyProductRow[]> =>
  studyIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom("car_products")
        .select(["study_id", "code", "targets", "format"])
        .where("study_id", "in", studyIds)
        .orderBy("code")
        .execute();

/** Per site, the first instant after the data cut: records at or after it do not count. */
export interface SiteCut {
  siteId: string;
  until: Date;
}

const cutTable = (cuts: readonly SiteCut[]) =>
  sql`(VALUES ${sql.join(cuts.map((c) => sql`(${c.siteId}::uuid, ${c.until.toISOString()}::timestamptz)`))}) AS cut(site_id, until)`;

export interface CohortRecords {
  diagnoses: { patient_id: string; code_system: string; code: string }[];
  /**
   * `inputs` only for LLDAS assessments (DORIS is judged from them too), `details` only for Lugano
   * CT (its SPD), else null
   */
  assessments: {
    patient_id: string;
    id: string;
    calculator: string;
    assessed_at: Date;
    value: unknown;
    inputs: unknown;
    details: unknown;
  }[];
  journeyEnds: { patient_id: string; event_type: string; at: Date }[];
  medications: {
    patient_id: string;
    id: string;
    drug: string;
    drug_code_system: string | null;
    drug_code: string | null;
    route: string | null;
    indication: string | null;
    start_date: string;
    stop_date: string | null;
  }[];
  /** recorded apheresis collections (journey events) */
  apheresis: { patient_id: string; at: Date }[];
  /** CAR-T copies notes (clinical events whose title starts with the prefix asked for) */
  carNotes: { patient_id: string; id: string; occurred_at: Date; title: string }[];
  /** the administered bag's QC results (one row per attribute; a bag without results: one row of nulls) */
  productQc: {
    patient_id: string;
    out_of_specification: boolean;
    attribute: string | null;
    value_number: number | null;
  }[];
  /** the latest record of any kind per patient, before the cut (null: none) */
  lastRecords: { patient_id: string; last_at: Date | null }[];
  /** infections (adverse events of the SOC Infections and infestations) starting by the cut (a day late at most, as medications) */
  infections: { patient_id: string; onset_date: string; grade: number; pathogen_class: string | null }[];
}

/** Records of nobody: what a cohort without patients reads, and each patient's starting point. */
export const emptyCohortRecords = (): CohortRecords => ({
  diagnoses: [],
  assessments: [],
  journeyEnds: [],
  medications: [],
  apheresis: [],
  carNotes: [],
  productQc: [],
  lastRecords: [],
  infections: [],
});

/**
 * The records cohort outcomes read, for many patients at once. `calculators` are the stored
 * assessments wanted (only their result's `value`); medications are those started by the cut
 * (a day late at most, for zones east of UTC: the caller compares dates itself).
 */
export async function cohortRecords(
  db: Kysely<DB>,
  patientIds: string[],
  cuts: readonly SiteCut[],
  calculators: readonly string[],
  carNotePrefix: string,
): Promise<CohortRecords> {
  if (patientIds.length === 0) return emptyCohortRecords();
  const ids = list(patientIds);
  const cut = cutTable(cuts);
  const [
    diagnoses,
    assessments,
    journeyEnds,
    medications,
    apheresis,
    carNotes,
    productQc,
    lastRecords,
    infections,
  ] = await Promise.all([
    sql<CohortRecords["diagnoses"][number]>`
      SELECT patient_id, code_system, code FROM conditions
       WHERE patient_id IN (${ids})`.execute(db),
    sql<CohortRecords["assessments"][number]>`
      SELECT a.patient_id, a.id, a.calculator, a.assessed_at, a.result -> 'value' AS value,
             CASE WHEN a.calculator = 'lldas' THEN a.inputs END AS inputs,
             CASE WHEN a.calculator = 'lugano-ct' THEN a.result -> 'details' END AS details
        FROM assessments a JOIN ${cut} ON cut.site_id = a.site_id
       WHERE a.patient_id IN (${ids}) AND a.calculator IN (${list(calculators)})
         AND a.status <> 'entered-in-error' AND a.assessed_at < cut.until
       ORDER BY a.patient_id, a.assessed_at, a.id`.execute(db),
    sql<CohortRecords["journeyEnds"][number]>`
      SELECT j.patient_id, je.event_type, je.at
        FROM journey_events je JOIN journeys j ON j.id = je.journey_id JOIN ${cut} ON cut.site_id = je.site_id
       WHERE j.patient_id IN (${ids}) AND je.event_type IN ('die', 'withdraw', 'lose-to-follow-up', 'complete')
         AND je.at < cut.until
       ORDER BY j.patient_id, je.at`.execute(db),
    sql<CohortRecords["medications"][number]>`
      SELECT m.patient_id, m.id, m.drug, m.drug_code_system, m.drug_code, m.route, m.indication,
             m.start_date::text AS start_date, m.stop_date::text AS stop_date
        FROM medications m JOIN ${cut} ON cut.site_id = m.site_id
       WHERE m.patient_id IN (${ids}) AND m.status <> 'entered-in-error'
         AND m.start_date < (cut.until AT TIME ZONE 'UTC')::date + 1
       ORDER BY m.patient_id, m.start_date`.execute(db),
    sql<CohortRecords["apheresis"][number]>`
      SELECT j.patient_id, je.at
        FROM journey_events je JOIN journeys j ON j.id = je.journey_id JOIN ${cut} ON cut.site_id = je.site_id
       WHERE j.patient_id IN (${ids}) AND je.event_type = 'record-apheresis' AND je.at < cut.until`.execute(
      db,
    ),
    sql<CohortRecords["carNotes"][number]>`
      SELECT e.patient_id, e.id, e.occurred_at, e.title
        FROM clinical_events e JOIN ${cut} ON cut.site_id = e.site_id
       WHERE e.patient_id IN (${ids}) AND e.category = 'note' AND e.title LIKE ${`${carNotePrefix}%`}
         AND e.status <> 'entered-in-error' AND e.occurred_at < cut.until
       ORDER BY e.patient_id, e.occurred_at`.execute(db),
    // The bag that was infused: the final product administered to the patient.
    sql<CohortRecords["productQc"][number]>`
      SELECT u.patient_id, u.oos_exception IS NOT NULL AS out_of_specification, q.attribute, q.value_number
        FROM product_units u LEFT JOIN qc_results q ON q.product_id = u.id
       WHERE u.patient_id IN (${ids}) AND u.kind = 'final-product' AND u.state = 'administered'`.execute(db),
    // One backward index probe per patient and table ((patient_id, time) indexes), not an
    // aggregate over every observation of the cohort: 2,000 patients went from 312 ms to a few.
    sql<CohortRecords["lastRecords"][number]>`
      SELECT p.id AS patient_id, GREATEST(
        (SELECT max(o.effective_at) FROM observations o
          WHERE o.patient_id = p.id AND o.effective_at < cut.until AND o.status <> 'entered-in-error'),
        (SELECT max(a.assessed_at) FROM assessments a
          WHERE a.patient_id = p.id AND a.assessed_at < cut.until AND a.status <> 'entered-in-error'),
        (SELECT max(e.occurred_at) FROM clinical_events e
          WHERE e.patient_id = p.id AND e.occurred_at < cut.until AND e.status <> 'entered-in-error'),
        -- per journey, newest event first on (journey_id, at): a join here let PGlite's planner,
        -- without statistics, scan every journey event once per patient (89 s at 5,000 patients)
        (SELECT max(last.at) FROM journeys j
           CROSS JOIN LATERAL (SELECT max(je.at) AS at FROM journey_events je
                                WHERE je.journey_id = j.id AND je.at < cut.until) last
          WHERE j.patient_id = p.id)
      ) AS last_at
        FROM patients p JOIN ${cut} ON cut.site_id = p.site_id
       WHERE p.id IN (${ids})`.execute(db),
    sql<CohortRecords["infections"][number]>`
      SELECT ae.patient_id, ae.onset_date::text AS onset_date, ae.grade, ae.pathogen_class
        FROM adverse_events ae JOIN ${cut} ON cut.site_id = ae.site_id
       WHERE ae.patient_id IN (${ids}) AND ae.soc = ${INFECTIONS_SOC}
         AND ae.onset_date < (cut.until AT TIME ZONE 'UTC')::date + 1
       ORDER BY ae.patient_id, ae.onset_date`.execute(db),
  ]);
  return {
    diagnoses: diagnoses.rows,
    assessments: assessments.rows.map((r) => ({ ...r, assessed_at: asDate(r.assessed_at) })),
    journeyEnds: journeyEnds.rows.map((r) => ({ ...r, at: asDate(r.at) })),
    medications: medications.rows,
    apheresis: apheresis.rows.map((r) => ({ ...r, at: asDate(r.at) })),
    carNotes: carNotes.rows.map((r) => ({ ...r, occurred_at: asDate(r.occurred_at) })),
    productQc: productQc.rows,
    infections: infections.rows.map((r) => ({ ...r, grade: Number(r.grade) })),
    lastRecords: lastRecords.rows.map((r) => ({
      ...r,
      last_at: r.last_at === null ? null : asDate(r.last_at),
    })),
  };
}

/** A timestamp as PGlite and node-postgres may return it (a Date, or text under some parsers). */
const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/** A patient's stored outcome facts (migration 0024, decision 0042); `version`s are bigints as text. */
export interface CohortFactsRow {
  patient_id: string;
  version: string;
  facts_version: string | null;
  infusion_date: string | null;
  time_zone: string | null;
  horizon_at: Date | null;
  horizon_date: string | null;
  /** md5 of the stored facts JSON (migration 0025); null when no facts are stored */
  facts_digest: string | null;
  /** null when not asked for */
  facts: unknown;
}

/**
 * The stored facts rows of these patients (none for a patient no record of has changed yet);
 * without the facts themselves when `withFacts` is false — a report that holds them already
 * (services/cohort-facts-cache.ts) reads only their digests, not megabytes of JSON.
 */
export async function storedCohortFacts(
  db: Kysely<DB>,
  patientIds: string[],
  withFacts = true,
): Promise<CohortFactsRow[]> {
  if (patientIds.length === 0) return [];
  const res = await sql<CohortFactsRow>`
    SELECT patient_id, version::text AS version, facts_version::text AS facts_version,
           infusion_date::text AS infusion_date, time_zone, horizon_at, horizon_date::text AS horizon_date,
           facts_digest, ${withFacts ? sql`facts` : sql`NULL::json AS facts`}
      FROM cohort_patient_facts WHERE patient_id = ANY(${uuidArray(patientIds)})`.execute(db);
  return res.rows.map((r) => ({
    ...r,
    horizon_at: r.horizon_at === null ? null : asDate(r.horizon_at),
  }));
}

export interface CohortHorizonRow {
  patient_id: string;
  /** the latest instant of any observation, assessment, clinical event or journey event (uncut) */
  horizon_at: Date | null;
  /** the latest medication start or stop date or adverse event onset (uncut) */
  horizon_date: string | null;
}

/**
 * How far each patient's records reach, whatever their status: facts derived with a data cut
 * after both horizons read every record there is, so they hold for any later cut too.
 */
export async function cohortHorizons(db: Kysely<DB>, patientIds: string[]): Promise<CohortHorizonRow[]> {
  if (patientIds.length === 0) return [];
  const res = await sql<CohortHorizonRow>`
    SELECT p.id AS patient_id,
      GREATEST(
        (SELECT max(o.effective_at) FROM observations o WHERE o.patient_id = p.id),
        (SELECT max(a.assessed_at) FROM assessments a WHERE a.patient_id = p.id),
        (SELECT max(e.occurred_at) FROM clinical_events e WHERE e.patient_id = p.id),
        (SELECT max(last.at) FROM journeys j
           CROSS JOIN LATERAL (SELECT max(je.at) AS at FROM journey_events je WHERE je.journey_id = j.id) last
          WHERE j.patient_id = p.id)
      ) AS horizon_at,
      GREATEST(
        (SELECT max(GREATEST(m.start_date, m.stop_date)) FROM medications m WHERE m.patient_id = p.id),
        (SELECT max(ae.onset_date) FROM adverse_events ae WHERE ae.patient_id = p.id)
      )::text AS horizon_date
      FROM patients p WHERE p.id = ANY(${uuidArray(patientIds)})`.execute(db);
  return res.rows.map((r) => ({
    ...r,
    horizon_at: r.horizon_at === null ? null : asDate(r.horizon_at),
  }));
}

export interface CohortFactsWrite {
  patientId: string;
  /** the version read before the records the facts were derived from ("0": no row yet) */
  version: string;
  infusionDate: string;
  timeZone: string;
  horizonAt: Date | null;
  horizonDate: string | null;
  /** the facts as JSON text */
  facts: string;
}

/**
 * Stores derived facts, each only if its patient's version is still the one read before the
 * records: a write committed since (or committing now: the upsert waits for its row lock) has
 * bumped it, and those facts are dropped rather than stored stale. Returns the rows stored, with
 * the digest the database keeps of each one's JSON (migration 0025).
 */
export async function saveCohortFacts(
  db: Kysely<DB>,
  rows: readonly CohortFactsWrite[],
): Promise<{ patient_id: string; facts_digest: string }[]> {
  // In patient order, the order the triggers bump rows in (migration 0033): two writers lock rows
  // in one order.
  const ordered = [...rows].sort((a, b) =>
    a.patientId < b.patientId ? -1 : a.patientId > b.patientId ? 1 : 0,
  );
  const saved: { patient_id: string; facts_digest: string }[] = [];
  for (let i = 0; i < ordered.length; i += 1000) {
    const chunk = ordered.slice(i, i + 1000);
    const res = await sql<{ patient_id: string; facts_digest: string }>`
      INSERT INTO cohort_patient_facts AS f
             (patient_id, version, facts_version, infusion_date, time_zone, horizon_at, horizon_date, facts)
      VALUES ${sql.join(
        chunk.map(
          (r) =>
            sql`(${r.patientId}::uuid, ${r.version}::bigint, ${r.version}::bigint, ${r.infusionDate}::date,
                 ${r.timeZone}, ${r.horizonAt?.toISOString() ?? null}::timestamptz, ${r.horizonDate}::date,
                 ${r.facts}::json)`,
        ),
      )}
      ON CONFLICT (patient_id) DO UPDATE
         SET facts_version = EXCLUDED.facts_version, infusion_date = EXCLUDED.infusion_date,
             time_zone = EXCLUDED.time_zone, horizon_at = EXCLUDED.horizon_at,
             horizon_date = EXCLUDED.horizon_date, facts = EXCLUDED.facts
       WHERE f.version = EXCLUDED.version
      RETURNING f.patient_id, f.facts_digest`.execute(db);
    saved.push(...res.rows);
  }
  return saved;
}
