/**
 * Reads behind the FHIR API (src/services/fhir-*.ts): one function per source table, each
 * filtered by the caller's sites and the parsed search (ids, patient, code, a date interval, last
 * update) and keyset-paged on the row id (UUIDv7, so pages follow creation order and stay stable
 * while rows are added). Each returns at most `limit + 1` rows: the extra one tells the service a
 * next page exists. No authorization here: the service passes only sites it checked.
 */
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { DB } from "./schema.ts";

export interface Interval {
  from?: Date;
  to?: Date;
}

export interface FhirRowFilter {
  siteIds: string[];
  ids?: string[];
  patientIds?: string[];
  codes?: { system?: string; code: string }[];
  date?: Interval;
  lastUpdated?: Interval;
  after?: string;
  limit: number;
}

/** Column names, qualified where the query joins, that a filter applies to. */
interface Columns {
  id: string;
  /** null when the query scopes sites itself */
  site: string | null;
  patient?: string;
  updated: string;
  /** a timestamptz column, or a `date` column (compared as its midnight UTC) */
  date?: { column: string; kind: "instant" | "date" };
  code?: { system: string; code: string };
}

/** The calendar date (UTC) of the first midnight at or after `d`, for `date` columns. */
function dayAtOrAfter(d: Date): string {
  const day = d.toISOString().slice(0, 10);
  return d.getTime() === Date.parse(`${day}T00:00:00Z`)
    ? day
    : new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

// biome-ignore lint/suspicious/noExplicitAny: one filter helper serves every source table
type AnyQuery = SelectQueryBuilder<any, any, any>;

/** `in ()` is not SQL: an empty list becomes one id no row has. */
const NO_ID = "00000000-0000-0000-0000-000000000000";
const nonEmpty = (ids: string[]) => (ids.length > 0 ? ids : [NO_ID]);

function filtered<Q extends AnyQuery>(q: Q, c: Columns, f: FhirRowFilter): Q {
  let r: AnyQuery = c.site === null ? q : q.where(c.site, "in", nonEmpty(f.siteIds));
  if (f.ids) r = r.where(c.id, "in", nonEmpty(f.ids));
  if (f.patientIds && c.patient) r = r.where(c.patient, "in", nonEmpty(f.patientIds));
  if (f.after) r = r.where(c.id, ">", f.after);
  if (f.lastUpdated?.from) r = r.where(c.updated, ">=", f.lastUpdated.from);
  if (f.lastUpdated?.to) r = r.where(c.updated, "<", f.lastUpdated.to);
  if (f.date && c.date) {
    const { column, kind } = c.date;
    const at = (d: Date) => (kind === "instant" ? d : dayAtOrAfter(d));
    // a row without a date cannot be said to fall in the interval
    r = r.where(column, "is not", null);
    if (f.date.from) r = r.where(column, ">=", at(f.date.from));
    if (f.date.to) r = r.where(column, "<", at(f.date.to));
  }
  if (f.codes && c.code) {
    const { system, code } = c.code;
    const codes = f.codes;
    r = r.where((eb) =>
      eb.or(
        codes.map((t) =>
          t.system === undefined
            ? eb(code, "=", t.code)
            : eb.and([eb(system, "=", t.system), eb(code, "=", t.code)]),
        ),
      ),
    );
  }
  return r.orderBy(c.id).limit(f.limit + 1) as Q;
}

export const patientRows = (db: Kysely<DB>, f: FhirRowFilter) =>
  filtered(
    db.selectFrom("patients").selectAll(),
    { id: "id", site: "site_id", patient: "id", updated: "updated_at" },
    f,
  ).execute();

export const identityRows = (db: Kysely<DB>, patientIds: string[]) =>
  patientIds.length === 0
    ? Promise.resolve([])
    : db.selectFrom("patient_identities").selectAll().where("patient_id", "in", patientIds).execute();

/** Studies taking part at any of the sites (a study's lead site takes part too). */
export const studyRows = (db: Kysely<DB>, f: FhirRowFilter) =>
  filtered(
    db
      .selectFrom("studies")
      .selectAll()
      .where((eb) =>
        eb.or([
          eb("lead_site_id", "in", nonEmpty(f.siteIds)),
          eb(
            "id",
            "in",
            eb.selectFrom("study_sites").select("study_id").where("site_id", "in", nonEmpty(f.siteIds)),
          ),
        ]),
      ),
    { id: "id", site: null, updated: "updated_at" },
    f,
  ).execute();

export const enrolmentRows = (db: Kysely<DB>, f: FhirRowFilter) =>
  filtered(
    db
      .selectFrom("enrolments")
      .leftJoin("journeys", "journeys.enrolment_id", "enrolments.id")
      .selectAll("enrolments")
      .select("journeys.state as journey_state"),
    {
      id: "enrolments.id",
      site: "enrolments.site_id",
      patient: "enrolments.patient_id",
      updated: "enrolments.updated_at",
      date: { column: sql`coalesce(enrolments.enrolled_on, enrolments.consent_date)` as never, kind: "date" },
    },
    f,
  ).execute();

export const conditionRows = (db: Kysely<DB>, f: FhirRowFilter) =>
  filtered(
    db.selectFrom("conditions").selectAll(),
    {
      id: "id",
      site: "site_id",
      patient: "patient_id",
      updated: "updated_at",
      date: { column: "onset_date", kind: "date" },
      code: { system: "code_system", code: "code" },
    },
    f,
  ).execute();

export const observationRows = (db: Kysely<DB>, f: FhirRowFilter) =>
  filtered(
    db.selectFrom("observations").selectAll(),
    {
      id: "id",
      site: "site_id",
      patient: "patient_id",
      updated: "updated_at",
      date: { column: "effective_at", kind: "instant" },
      code: { system: "code_system", code: "code" },
    },
    f,
  ).execute();

/** Assessments, optionally only some calculators. */
export function assessmentRows(db: Kysely<DB>, f: FhirRowFilter, only: { calculators?: string[] } = {}) {
  let q = db.selectFrom("assessments").selectAll();
  if (only.calculators)
    q = q.where("calculator", "in", only.calculators.length > 0 ? only.calculators : [""]);
  return filtered(
    q,
    {
      id: "id",
      site: "site_id",
      patient: "patient_id",
      updated: "updated_at",
      date: { column: "assessed_at", kind: "instant" },
    },
    { ...f, codes: undefined },
  ).execute();
}

/**
 * Adverse events as recorded, each with the patient's first CAR-T infusion (the product event
 * that moved a bag to "administered"), the product the attribution is about; null when the
 * patient was never infused.
 */
export const adverseEventRows = (db: Kysely<DB>, f: FhirRowFilter) =>
  filtered(
    db
      .selectFrom("adverse_events")
      .selectAll("adverse_events")
      .select((eb) =>
        eb
          .selectFrom("product_events")
          .innerJoin("product_units", "product_units.id", "product_events.product_id")
          .where("product_events.to_state", "=", "administered")
          .whereRef("product_units.patient_id", "=", "adverse_events.patient_id")
          .select("product_events.id")
          .orderBy("product_events.at")
          .orderBy("product_events.id")
          .limit(1)
          .as("infusion_id"),
      ),
    {
      id: "adverse_events.id",
      site: "adverse_events.site_id",
      patient: "adverse_events.patient_id",
      updated: "adverse_events.updated_at",
      date: { column: "adverse_events.onset_date", kind: "date" },
    },
    { ...f, codes: undefined },
  ).execute();

/** How a FHIR search reads the medications table, for statements and administrations alike. */
const MEDICATION_COLUMNS = {
  id: "id",
  site: "site_id",
  patient: "patient_id",
  updated: "updated_at",
  date: { column: "start_date", kind: "date" },
  code: { system: "drug_code_system", code: "drug_code" },
} as const;

export const medicationRows = (db: Kysely<DB>, f: FhirRowFilter) =>
  filtered(db.selectFrom("medications").selectAll(), MEDICATION_COLUMNS, f).execute();

/**
 * Medication records that are one administration (domain/medications.ts, isSingleAdministration):
 * the single-dose frequencies are passed in from the domain, so the rule has one home and the
 * SQL only applies it (lower case, spaces folded, as the domain compares).
 */
export const medicationAdministrationRows = (
  db: Kysely<DB>,
  f: FhirRowFilter,
  singleDoseFrequencies: readonly string[],
) =>
  filtered(
    db
      .selectFrom("medications")
      .selectAll()
      .whereRef("stop_date", "=", "start_date")
      .where("status", "!=", "active")
      .where(
        sql`lower(regexp_replace(trim(frequency), '\\s+', ' ', 'g'))`,
        "in",
        singleDoseFrequencies.length > 0 ? [...singleDoseFrequencies] : [""],
      ),
    MEDICATION_COLUMNS,
    f,
  ).execute();

/** Apheresis collections (journey event record-apheresis) with the bag collected then. */
export const apheresisRows = (db: Kysely<DB>, f: FhirRowFilter) =>
  filtered(
    db
      .selectFrom("journey_events")
      .innerJoin("journeys", "journeys.id", "journey_events.journey_id")
      .where("journey_events.event_type", "=", "record-apheresis")
      .select([
        "journey_events.id",
        "journeys.patient_id",
        "journey_events.at",
        (eb) =>
          eb
            .selectFrom("product_units")
            .select("product_units.id")
            .whereRef("product_units.journey_id", "=", "journey_events.journey_id")
            .where("product_units.kind", "=", "apheresis")
            .whereRef("product_units.created_at", ">=", "journey_events.at")
            .orderBy("product_units.created_at")
            .limit(1)
            .as("product_id"),
      ]),
    {
      id: "journey_events.id",
      site: "journey_events.site_id",
      patient: "journeys.patient_id",
      updated: "journey_events.at",
      date: { column: "journey_events.at", kind: "instant" },
    },
    f,
  ).execute();

/** CAR-T infusions: the product event that moved a bag to "administered". */
export const infusionRows = (db: Kysely<DB>, f: FhirRowFilter) =>
  filtered(
    db
      .selectFrom("product_events")
      .innerJoin("product_units", "product_units.id", "product_events.product_id")
      .where("product_events.to_state", "=", "administered")
      .select([
        "product_events.id",
        "product_units.patient_id",
        "product_events.at",
        "product_events.recorded_at",
        "product_events.product_id",
      ]),
    {
      id: "product_events.id",
      site: "product_events.site_id",
      patient: "product_units.patient_id",
      updated: "product_events.recorded_at",
      date: { column: "product_events.at", kind: "instant" },
    },
    f,
  ).execute();

/** Bags, with when their chain of identity's first apheresis was collected. */
export const productRows = (db: Kysely<DB>, f: FhirRowFilter) =>
  filtered(
    db
      .selectFrom("product_units")
      .selectAll("product_units")
      .select((eb) =>
        eb
          .selectFrom("product_units as a")
          .select((e) => e.fn.min("a.created_at").as("first"))
          .whereRef("a.coi_id", "=", "product_units.coi_id")
          .where("a.kind", "=", "apheresis")
          .as("collected_at"),
      ),
    {
      id: "product_units.id",
      site: "product_units.site_id",
      patient: "product_units.patient_id",
      updated: "product_units.updated_at",
    },
    f,
  ).execute();

/** Audit events about the given entity types; `patient` filters are not applied (no column). */
export const auditRows = (db: Kysely<DB>, f: FhirRowFilter, entityTypes: string[]) =>
  filtered(
    db.selectFrom("audit_events").selectAll().where("entity_type", "in", entityTypes),
    { id: "id", site: "site_id", updated: "at", date: { column: "at", kind: "instant" } },
    f,
  ).execute();
