/** Kysely table types for FHIR Bulk Data export jobs and their output (migrations 0023, 0026). `DB` extends this. */
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type ExportLevel = "system" | "patient" | "group";
export type ExportJobState = "queued" | "running" | "completed" | "failed";

export interface FhirExportJobsTable {
  id: string;
  requested_by: string;
  level: ExportLevel;
  /** the saved cohort a Group export names */
  group_id: string | null;
  /** a Group export's patients, fixed at kick-off */
  patient_ids: Json<string[]> | null;
  /** resource types in the order they are written */
  types: Json<string[]>;
  since: Timestamp | null;
  /** the kick-off URL as the client sent it (a POST's without its Parameters) */
  request: string;
  /**
   * the parameters asked for, in the GET query's shape (name → values); null for a job queued
   * before migration 0026, whose parameters are in `request`
   */
  parameters: Json<Record<string, string[]>> | null;
  transaction_time: Timestamp;
  state: ExportJobState;
  /** resume point: the type being written (index into `types`) and the last id written of it */
  type_index: Generated<number>;
  cursor: string | null;
  counts: ColumnType<Record<string, number>, string | undefined, string>;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_until: Timestamp | null;
  error: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  expires_at: Timestamp;
}

export interface FhirExportPartsTable {
  job_id: string;
  seq: number;
  resource_type: string;
  lines: number;
  ndjson: string;
}

export interface FhirExportTables {
  fhir_export_jobs: FhirExportJobsTable;
  fhir_export_parts: FhirExportPartsTable;
}
