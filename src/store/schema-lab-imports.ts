/**
 * Kysely table types for lab import (migration 0008). `DB` extends this; the columns it adds to
 * observations are in ObservationsTable in schema.ts.
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

export interface LabImportTables {
  lab_imports: LabImportsTable;
}
