/**
 * Kysely table types for custody and release (migration 0006): release specifications, QC
 * results, release evaluations, custody hand-offs, logger uploads and readings, OOS exceptions.
 * `DB` extends `ReleaseTables`.
 */
import type { ColumnType } from "kysely";
import type { Excursion, LogGap } from "../domain/custody.ts";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface ReleaseSpecsTable {
  id: string;
  car_product_id: string;
  study_id: string;
  revision: number;
  criteria: Json<unknown>;
  temperature_ranges: Json<unknown>;
  note: string | null;
  created_at: Timestamp;
  created_by: string;
}

export interface QcResultsTable {
  id: string;
  product_id: string;
  site_id: string;
  attribute: string;
  value_number: number | null;
  value_code: string | null;
  unit: string | null;
  method: string;
  tested_at: Timestamp;
  entered_by: string;
  entered_at: Timestamp;
}

export interface ReleaseEvaluationsTable {
  id: string;
  product_id: string;
  site_id: string;
  spec_id: string;
  outcome: "released" | "out-of-specification";
  evaluation: Json<unknown>;
  decided_by: string;
  decided_at: Timestamp;
}

export interface CustodyHandoffsTable {
  id: string;
  product_id: string;
  site_id: string;
  from_party: string;
  to_party: string;
  place: string;
  at: Timestamp;
  shipper_id: string | null;
  logger_id: string | null;
  condition_note: string | null;
  recorded_by: string;
  recorded_at: Timestamp;
}

export interface LoggerUploadsTable {
  id: string;
  product_id: string;
  site_id: string;
  logger_id: string;
  range: Json<unknown>;
  reading_count: number;
  first_at: Timestamp;
  last_at: Timestamp;
  verdict: "within-range" | "excursion" | "gaps";
  excursions: Json<Excursion[]>;
  gaps: Json<LogGap[]>;
  quarantined: boolean;
  recorded_by: string;
  recorded_at: Timestamp;
}

export interface TemperatureReadingsTable {
  upload_id: string;
  product_id: string;
  logger_id: string;
  at: Timestamp;
  celsius: number;
}

export interface OosExceptionsTable {
  id: string;
  product_id: string;
  site_id: string;
  rationale: string;
  created_by: string;
  created_at: Timestamp;
}

export interface OosExceptionSignaturesTable {
  exception_id: string;
  capacity: "investigator" | "qa";
  user_id: string;
  signed_at: Timestamp;
}

export interface ReleaseTables {
  release_specs: ReleaseSpecsTable;
  qc_results: QcResultsTable;
  release_evaluations: ReleaseEvaluationsTable;
  custody_handoffs: CustodyHandoffsTable;
  logger_uploads: LoggerUploadsTable;
  temperature_readings: TemperatureReadingsTable;
  oos_exceptions: OosExceptionsTable;
  oos_exception_signatures: OosExceptionSignaturesTable;
}
