/**
 * Kysely table types for saved cohort definitions (migration 0019) and the per-patient outcome
 * facts kept between cohort reports (migration 0024, decision 0042), and the version of each
 * patient's whole record that a held timeline page is keyed on (migration 0034, decision 0056).
 * `DB` extends this.
 */
import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface SavedCohortsTable {
  id: string;
  name: string;
  /** the canonical query string of the definition (and its groupBy), as in the link */
  query: string;
  created_at: Timestamp;
  created_by: string;
}

/** One treated patient's derived outcome facts, valid while `facts_version = version`. */
export interface CohortPatientFactsTable {
  patient_id: string;
  /** bumped by triggers whenever a record the facts are derived from changes */
  version: ColumnType<string, string | number | undefined, string | number>;
  facts_version: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  infusion_date: ColumnType<string | null, string | null | undefined, string | null>;
  time_zone: string | null;
  horizon_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  horizon_date: ColumnType<string | null, string | null | undefined, string | null>;
  facts: ColumnType<unknown, string | null | undefined, string | null>;
  /** md5 of the facts JSON as stored, kept by the database (migration 0025) */
  facts_digest: ColumnType<string | null, never, never>;
  /** the transaction of the last bump of `version` (xid8 as text; migration 0033), kept by the triggers */
  changed_xid: ColumnType<string | null, never, never>;
}

/** Bumped by triggers, never written by the app (migration 0034). */
export interface PatientRecordVersionsTable {
  patient_id: string;
  version: ColumnType<string, never, never>;
  /** xid8 as text */
  changed_xid: ColumnType<string, never, never>;
}

export interface CohortTables {
  saved_cohorts: SavedCohortsTable;
  cohort_patient_facts: CohortPatientFactsTable;
  patient_record_versions: PatientRecordVersionsTable;
}
