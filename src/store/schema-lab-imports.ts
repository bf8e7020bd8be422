/**
 * Kysely table types for lab import (migrations 0008, 0039). `DB` extends this; the columns it adds
 * to observations are in ObservationsTable in schema.ts.
 */
import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface LabImportsTable {
  id: string;
  site_id: string;
  format: "csv" | "fhir";
  file_name: string | null;
  sha256: string;
  row_count: number;
  created_at: Timestamp;
  created_by: string;
}

/**
 * One row per identified lab result (0039): the lab identifier's uniqueness per site, kept by the
 * observations' triggers in a table of its own so observations can be partitioned by recording
 * time (docs/scaling.md). `system` is '' when the lab named none.
 */
export interface ObservationIdentifiersTable {
  site_id: string;
  system: string;
  value: string;
  observation_id: string;
}

export interface LabImportTables {
  lab_imports: LabImportsTable;
  observation_identifiers: ObservationIdentifiersTable;
}
