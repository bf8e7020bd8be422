/**
 * Queries over the patient-scoped clinical tables: conditions, observations, medications and
 * clinical events. Lists are keyset-paginated on the indexes declared in 0001_foundation.sql.
 */
import { CompiledQuery, type Kysely, type Selectable, type SelectQueryBuilder, sql } from "kysely";
import type { DB, Insertable, ObservationRow } from "./schema.ts";

/** One typed-in observation as the service writes it (columns not named keep their defaults). */
export interface ObservationInsert {
  id: string;
  patient_id: string;
  site_id: string;
  code_system: string;
  code: string;
  display: string | null;
  value_number: number | null;
  value_code: string | null;
  value_text: string | null;
  unit: string | null;
  original_value: number | null;
  original_unit: string | null;
  /** ISO 8601 instant */
  effective_at: string;
  specimen: string | null;
  source: string | null;
  status: string;
  note: string | null;
}

/** Per-row columns, each sent as one array parameter of this SQL type (order matters). */
const OBSERVATION_ARRAYS: readonly [keyof ObservationInsert, string][] = [
  ["id", "uuid"],
  ["patient_id", "uuid"],
  ["site_id", "uuid"],
  ["code_system", "text"],
  ["code", "text"],
  ["display", "text"],
  ["value_number", "float8"],
  ["value_code", "text"],
  ["value_text", "text"],
  ["unit", "text"],
  ["original_value", "float8"],
  ["original_unit", "text"],
  ["effective_at", "timestamptz"],
  ["specimen", "text"],
  ["source", "text"],
  ["status", "text"],
  ["note", "text"],
];
const n = OBSERVATION_ARRAYS.length;
const INSERT_OBSERVATIONS = `INSERT INTO observations (${OBSERVATION_ARRAYS.map(([c]) => c).join(", ")}, created_at, created_by, updated_at)
SELECT u.*, $${n + 1}::timestamptz, $${n + 2}::uuid, $${n + 1}::timestamptz
  FROM unnest(${OBSERVATION_ARRAYS.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ")}) AS u`;

/**
 * Writes observations in one statement however many there are: each column travels as one array
 * parameter and `unnest` turns them back into rows (so no per-row parameters, no statement-size
 * limit, and no RETURNING: the caller already holds every value). Creation time and author are the
 * same for the whole call. Decision 0040.
 */
export async function insertObservations(
  db: Kysely<DB>,
  rows: readonly ObservationInsert[],
  created: { at: Date; by: string },
): Promise<void> {
  if (rows.length === 0) return;
  const params: unknown[] = OBSERVATION_ARRAYS.map(([column]) => rows.map((r) => r[column]));
  params.push(created.at.toISOString(), created.by);
  await db.executeQuery(CompiledQuery.raw(INSERT_OBSERVATIONS, params));
}

/**
 * The row the database holds after insertObservations wrote this one: the columns the insert
 * leaves out at their defaults (0001, 0008, 0021), created and updated at the call's instant.
 * Lets the caller answer and audit without reading the row back (decision 0040).
 */
export function insertedObservation(r: ObservationInsert, created: { at: Date; by: string }): ObservationRow {
  // Every field written out: spreading `r` and then replacing effective_at's string by a Date
  // changed the field's representation on each call, and V8's slow path made this 200 µs a row.
  return {
    id: r.id,
    patient_id: r.patient_id,
    site_id: r.site_id,
    code_system: r.code_system,
    code: r.code,
    display: r.display,
    value_number: r.value_number,
    value_code: r.value_code,
    value_text: r.value_text,
    unit: r.unit,
    original_value: r.original_value,
    original_unit: r.original_unit,
    effective_at: new Date(r.effective_at),
    specimen: r.specimen,
    source: r.source,
    status: r.status,
    note: r.note,
    version: 1,
    created_at: created.at,
    created_by: created.by,
    updated_at: created.at,
    reference_range: null,
    lab_import_id: null,
    value_comparator: null,
    value_code_system: null,
    absent_reason: null,
    interpretation: null,
    reference_low: null,
    reference_high: null,
    effective_end: null,
    effective_is_date: false,
    identifier_system: null,
    identifier_value: null,
  };
}

export interface ObservationFilter {
  siteIds: string[];
  patientId?: string;
  code?: string;
  from?: string;
  to?: string;
  includeErrors: boolean;
  /** keyset: (effective_at, id) of the last row seen */
  after?: [string, string];
  limit: number;
}

/**
 * One page of observations in (effective_at, id) order. Across several sites without a patient,
 * the first page is read per site along observations_site_time_idx and merged: with
 * `site_id IN (…)` PostgreSQL cannot read that index in order for more than one site, so it read
 * and sorted every observation of the sites (~1 s at 2 million rows, tier M) for 100 of them.
 */
export function listObservations(db: Kysely<DB>, f: ObservationFilter) {
  if (f.siteIds.length > 1 && !f.patientId)
    return db
      .selectFrom(
        sql<{ site_id: string }>`(SELECT unnest(${sql.val(f.siteIds)}::uuid[]) AS site_id)`.as("readable"),
      )
      .crossJoinLateral((eb) =>
        observationPage(
          eb.selectFrom("observations").selectAll().whereRef("site_id", "=", "readable.site_id"),
          f,
        ).as("o"),
      )
      .selectAll("o")
      .orderBy("o.effective_at")
      .orderBy("o.id")
      .limit(f.limit + 1)
      .execute();
  return observationPage(
    db.selectFrom("observations").selectAll().where("site_id", "in", f.siteIds),
    f,
  ).execute();
}

/** The filters, keyset and order of an observation page, on a query of observations. */
function observationPage<Q extends SelectQueryBuilder<DB, "observations", Selectable<DB["observations"]>>>(
  q0: Q,
  f: ObservationFilter,
) {
  let q = q0
    .orderBy("effective_at")
    .orderBy("id")
    .limit(f.limit + 1);
  if (f.patientId) q = q.where("patient_id", "=", f.patientId);
  if (f.code) q = q.where("code", "=", f.code);
  if (f.from) q = q.where("effective_at", ">=", new Date(f.from));
  if (f.to) q = q.where("effective_at", "<", new Date(f.to));
  if (!f.includeErrors) q = q.where("status", "<>", "entered-in-error");
  if (f.after) {
    const [iso, id] = f.after;
    const t = new Date(iso);
    q = q.where((eb) =>
      eb.or([eb("effective_at", ">", t), eb.and([eb("effective_at", "=", t), eb("id", ">", id)])]),
    );
  }
  return q;
}

export const insertAdverseEvent = (db: Kysely<DB>, row: Insertable<DB["adverse_events"]>) =>
  db.insertInto("adverse_events").values(row).returningAll().executeTakeFirstOrThrow();

export const insertCondition = (db: Kysely<DB>, row: Insertable<DB["conditions"]>) =>
  db.insertInto("conditions").values(row).returningAll().executeTakeFirstOrThrow();

export const insertMedication = (db: Kysely<DB>, row: Insertable<DB["medications"]>) =>
  db.insertInto("medications").values(row).returningAll().executeTakeFirstOrThrow();

export const insertClinicalEvent = (db: Kysely<DB>, row: Insertable<DB["clinical_events"]>) =>
  db.insertInto("clinical_events").values(row).returningAll().executeTakeFirstOrThrow();

type SimpleTable = "conditions" | "medications" | "clinical_events" | "adverse_events";

/** Lists one patient-scoped table for the given sites, keyset by id (UUIDv7: creation order). */
export function listPatientRecords<T extends SimpleTable>(
  db: Kysely<DB>,
  table: T,
  f: { siteIds: string[]; patientId?: string; after?: string; limit: number },
) {
  // biome-ignore lint/suspicious/noExplicitAny: generic table name, rows typed by the caller.
  let q = (db as Kysely<any>)
    .selectFrom(table)
    .selectAll()
    .where("site_id", "in", f.siteIds)
    .orderBy("id")
    .limit(f.limit + 1);
  if (f.patientId) q = q.where("patient_id", "=", f.patientId);
  if (f.after) q = q.where("id", ">", f.after);
  return q.execute() as Promise<import("kysely").Selectable<DB[T]>[]>;
}

/**
 * A patient's numeric observations of the given codes in [from, to), entered-in-error left out, in
 * time order.
 */
export function numericObservationsOf(
  db: Kysely<DB>,
  patientId: string,
  codes: readonly string[],
  window: { from?: string; to?: string } = {},
) {
  let q = db
    .selectFrom("observations")
    .select(["id", "code", "value_number", "unit", "effective_at"])
    .orderBy("effective_at")
    .where("patient_id", "=", patientId)
    .where("code", "in", [...codes])
    .where("status", "<>", "entered-in-error")
    .where("value_number", "is not", null);
  if (window.from) q = q.where("effective_at", ">=", new Date(window.from));
  if (window.to) q = q.where("effective_at", "<", new Date(window.to));
  return q.execute();
}

/** A patient's medication courses (drug, start, stop), entered-in-error left out. */
export const medicationCoursesOf = (db: Kysely<DB>, patientId: string) =>
  db
    .selectFrom("medications")
    .select(["drug", "start_date", "stop_date"])
    .where("patient_id", "=", patientId)
    .where("status", "<>", "entered-in-error")
    .execute();

/** What a visit's assessment drafts read: a patient's observations in [from, to), in time order. */
export const observationsInWindow = (db: Kysely<DB>, patientId: string, from: Date, to: Date) =>
  db
    .selectFrom("observations")
    .select([
      "id",
      "code",
      "value_number",
      "value_comparator",
      "unit",
      "effective_at",
      "reference_range",
      "reference_low",
      "reference_high",
      "original_value",
    ])
    .where("patient_id", "=", patientId)
    .where("status", "!=", "entered-in-error")
    .where("effective_at", ">=", from)
    .where("effective_at", "<", to)
    .orderBy("effective_at")
    .execute();

/** A patient's clinical events of one category, entered-in-error left out. */
export const clinicalEventsOfCategory = (db: Kysely<DB>, patientId: string, category: string) =>
  db
    .selectFrom("clinical_events")
    .select(["id", "category", "title", "occurred_at"])
    .where("patient_id", "=", patientId)
    .where("status", "!=", "entered-in-error")
    .where("category", "=", category)
    .execute();

/**
 * A patient's most recent numeric observations of the given codes at or before an instant, newest
 * first, at most `limit` (the caller picks by the site's calendar).
 */
export const latestNumericObservations = (
  db: Kysely<DB>,
  patientId: string,
  codes: readonly string[],
  until: Date,
  limit: number,
) =>
  db
    .selectFrom("observations")
    .select(["id", "code", "value_number", "unit", "effective_at"])
    .where("patient_id", "=", patientId)
    .where("code", "in", [...codes])
    .where("status", "<>", "entered-in-error")
    .where("value_number", "is not", null)
    .where("effective_at", "<=", until)
    .orderBy("effective_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();

/**
 * A patient's medication records, entered-in-error left out; with `startedBy`, only those started
 * on or before that calendar date.
 */
export function medicationsOfPatient(db: Kysely<DB>, patientId: string, startedBy?: string) {
  let q = db
    .selectFrom("medications")
    .selectAll()
    .where("patient_id", "=", patientId)
    .where("status", "!=", "entered-in-error");
  if (startedBy) q = q.where("start_date", "<=", startedBy);
  return q.execute();
}

/** A patient's clinical events whose title starts with a prefix, entered-in-error left out. */
export const clinicalEventsTitled = (db: Kysely<DB>, patientId: string, prefix: string) =>
  db
    .selectFrom("clinical_events")
    .select(["id", "title", "occurred_at"])
    .where("patient_id", "=", patientId)
    .where("status", "!=", "entered-in-error")
    .where("title", "like", `${prefix.replace(/[\\%_]/g, "\\$&")}%`)
    .execute();
