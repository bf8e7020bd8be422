/** Kysely table types for saved cohort definitions (migration 0019). `DB` extends this. */
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

export interface CohortTables {
  saved_cohorts: SavedCohortsTable;
}
